//! `grant_read_access` links: short-lived, signed URLs on Loupe's own origin for objects that
//! templates name by S3 reference, so images and documents load same-origin, from the
//! configured object store (or the output directory), without handing out store credentials.
//!
//! A link is `/blobs/<bucket>/<key>?expires=<unix seconds>&signature=<hex>`, the signature an
//! HMAC-SHA256 over the bucket, key and expiry with a key derived from the master key, so any
//! replica can check a link another made. Pure: serving is in the server.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::domain::clock::Timestamp;
use crate::domain::digest::hex;

/// How long a link works. Long enough for a task page left open for a while; a reload makes
/// fresh links.
pub const LINK_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// The path prefix links are served under.
pub const PREFIX: &str = "/blobs/";

/// An object in a bucket, as a template names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub bucket: String,
    pub key: String,
}

impl ObjectRef {
    /// Reads `s3://bucket/key` and the HTTPS spellings of S3 object URLs: path style
    /// (`https://s3.amazonaws.com/bucket/key`, `https://s3.<region>.amazonaws.com/…`,
    /// `https://s3-<region>.amazonaws.com/…`) and virtual-hosted style
    /// (`https://bucket.s3.amazonaws.com/key`, `https://bucket.s3.<region>.amazonaws.com/key`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let refuse = || {
            format!(
                "{raw:?} is not an S3 object reference (s3://bucket/key or an https://…amazonaws.com/ URL)"
            )
        };
        if let Some(rest) = raw.strip_prefix("s3://") {
            let (bucket, key) = rest.split_once('/').ok_or_else(refuse)?;
            return Self::new(bucket, key).ok_or_else(refuse);
        }
        let url = url::Url::parse(raw).map_err(|_| refuse())?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(refuse());
        }
        let host = url.host_str().ok_or_else(refuse)?;
        let Some(service) = host.strip_suffix(".amazonaws.com") else {
            return Err(refuse());
        };
        let path = percent_decode(url.path().trim_start_matches('/')).ok_or_else(refuse)?;
        let is_s3_endpoint = |name: &str| {
            name == "s3"
                || name.starts_with("s3.")
                || name.starts_with("s3-")
                || name.starts_with("s3.dualstack.")
        };
        if is_s3_endpoint(service) {
            let (bucket, key) = path.split_once('/').ok_or_else(refuse)?;
            return Self::new(bucket, key).ok_or_else(refuse);
        }
        // Virtual-hosted: the bucket may contain dots, the endpoint starts at ".s3".
        let at = service
            .match_indices(".s3")
            .map(|(i, _)| i)
            .find(|&i| is_s3_endpoint(&service[i + 1..]))
            .ok_or_else(refuse)?;
        Self::new(&service[..at], &path).ok_or_else(refuse)
    }

    fn new(bucket: &str, key: &str) -> Option<Self> {
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        let key_ok = !key.is_empty() && key.len() <= 1024 && !key.split('/').any(|s| s == "..");
        (bucket_ok && key_ok).then(|| Self {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
        })
    }

    pub fn s3_uri(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn percent_encode_path(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Makes and checks links with one key.
#[derive(Clone)]
pub struct LinkSigner {
    key: [u8; 32],
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkSigner(..)")
    }
}

impl LinkSigner {
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    /// The path and query of a link to `object` that works until `now` + [`LINK_LIFETIME`].
    pub fn link(&self, object: &ObjectRef, now: Timestamp) -> String {
        let expires = now.plus(LINK_LIFETIME).as_millis().div_euclid(1000);
        format!(
            "{PREFIX}{}/{}?expires={expires}&signature={}",
            object.bucket,
            percent_encode_path(&object.key),
            self.signature(object, expires)
        )
    }

    /// Checks a link's parts (bucket and key as decoded from the path).
    pub fn check(
        &self,
        object: &ObjectRef,
        expires: i64,
        signature: &str,
        now: Timestamp,
    ) -> Result<(), LinkError> {
        use subtle::ConstantTimeEq as _;
        let expected = self.signature(object, expires);
        let valid = signature.len() == expected.len()
            && bool::from(signature.as_bytes().ct_eq(expected.as_bytes()));
        if !valid {
            return Err(LinkError::BadSignature);
        }
        if now.as_millis().div_euclid(1000) > expires {
            return Err(LinkError::Expired);
        }
        Ok(())
    }

    fn signature(&self, object: &ObjectRef, expires: i64) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(format!("{}\n{}\n{expires}", object.bucket, object.key).as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

/// `grant_read_access` for one rendering: links under `base` (empty for Loupe's own pages,
/// `scheme://host` for answers to API callers).
pub struct SignedLinks {
    pub signer: LinkSigner,
    pub base: String,
    pub clock: std::sync::Arc<dyn crate::domain::clock::Clock>,
}

impl crate::templates::ReadGrants for SignedLinks {
    fn grant(&self, reference: &str) -> Result<String, String> {
        let object = ObjectRef::parse(reference)?;
        Ok(format!(
            "{}{}",
            self.base,
            self.signer.link(&object, self.clock.now())
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("this link is not valid")]
    BadSignature,
    #[error("this link has expired; reload the page for a fresh one")]
    Expired,
}

/// Reads `<bucket>/<key>` (percent-encoded, as in a link's path after [`PREFIX`]).
pub fn object_of_path(path: &str) -> Option<ObjectRef> {
    let decoded = percent_decode(path)?;
    let (bucket, key) = decoded.split_once('/')?;
    ObjectRef::new(bucket, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(bucket: &str, key: &str) -> ObjectRef {
        ObjectRef {
            bucket: bucket.into(),
            key: key.into(),
        }
    }

    #[test]
    fn references_in_every_spelling_name_the_same_object() {
        for raw in [
            "s3://my-bucket/photos/cat 1.jpg",
            "https://s3.amazonaws.com/my-bucket/photos/cat%201.jpg",
            "https://s3.us-west-2.amazonaws.com/my-bucket/photos/cat%201.jpg",
            "https://s3-us-west-2.amazonaws.com/my-bucket/photos/cat%201.jpg",
            "https://my-bucket.s3.amazonaws.com/photos/cat%201.jpg",
            "https://my-bucket.s3.eu-central-1.amazonaws.com/photos/cat%201.jpg",
        ] {
            assert_eq!(
                ObjectRef::parse(raw),
                Ok(object("my-bucket", "photos/cat 1.jpg")),
                "{raw}"
            );
        }
        assert_eq!(
            ObjectRef::parse("https://dotted.bucket.name.s3.amazonaws.com/k").unwrap(),
            object("dotted.bucket.name", "k")
        );
        for bad in [
            "s3://bucket",
            "s3://B/key",
            "https://example.com/bucket/key",
            "ftp://s3.amazonaws.com/b/k",
            "s3://bucket/../etc/passwd",
            "not a url",
        ] {
            assert!(ObjectRef::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn links_check_out_until_they_expire() {
        let signer = LinkSigner::new([7; 32]);
        let now = Timestamp::from_millis(1_700_000_000_000);
        let cat = object("my-bucket", "photos/cat 1.jpg");
        let link = signer.link(&cat, now);
        assert!(
            link.starts_with("/blobs/my-bucket/photos/cat%201.jpg?expires=1700003600&signature=")
        );
        let (path, query) = link.trim_start_matches(PREFIX).split_once('?').unwrap();
        let parsed = object_of_path(path).unwrap();
        assert_eq!(parsed, cat);
        let signature = query.split("signature=").nth(1).unwrap();
        assert_eq!(signer.check(&parsed, 1_700_003_600, signature, now), Ok(()));
        let later = now.plus(LINK_LIFETIME + Duration::from_secs(1));
        assert_eq!(
            signer.check(&parsed, 1_700_003_600, signature, later),
            Err(LinkError::Expired)
        );
        assert_eq!(
            signer.check(&parsed, 1_700_009_999, signature, now),
            Err(LinkError::BadSignature)
        );
        assert_eq!(
            signer.check(
                &object("my-bucket", "other.jpg"),
                1_700_003_600,
                signature,
                now
            ),
            Err(LinkError::BadSignature)
        );
        assert_eq!(
            LinkSigner::new([8; 32]).check(&parsed, 1_700_003_600, signature, now),
            Err(LinkError::BadSignature)
        );
    }
}
