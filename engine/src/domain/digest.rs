//! SHA-256 digests written as lower-case hex: template digests, input digests, worker ids and
//! the filter fingerprints of page tokens all use this one spelling.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// Lower-case hex of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Lower-case hex of the SHA-256 of `bytes`, cut to its first `bytes_kept` bytes (at most 32).
pub fn sha256_hex(bytes: &[u8], bytes_kept: usize) -> String {
    let digest = Sha256::digest(bytes);
    hex(&digest[..bytes_kept.min(digest.len())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_in_lower_case_hex() {
        assert_eq!(
            sha256_hex(b"abc", 32),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(sha256_hex(b"abc", 4), "ba7816bf");
        assert_eq!(hex(&[0, 255]), "00ff");
    }
}
