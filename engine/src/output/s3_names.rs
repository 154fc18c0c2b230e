//! S3's rules for bucket names and object keys, in one place: a flow definition's output path
//! (`output`) and every object the output store writes (`output_store`) are held to the same
//! rules, so a path accepted at creation can always be written later. Each check returns the
//! rule broken, in words for an error message.

/// The longest object key S3 takes, in bytes.
pub const MAX_KEY_BYTES: usize = 1024;

/// S3's rules for general-purpose bucket names. They also keep a bucket a safe single directory
/// name for the directory backend (no `/`, never `.` or `..`).
pub fn check_bucket(bucket: &str) -> Result<(), &'static str> {
    if !(3..=63).contains(&bucket.len()) {
        return Err("it must be 3 to 63 characters long");
    }
    if !bucket
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return Err("it may hold only lower-case letters, digits, dots and hyphens");
    }
    let alphanumeric =
        |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !alphanumeric(bucket.bytes().next()) || !alphanumeric(bucket.bytes().last()) {
        return Err("it must begin and end with a letter or digit");
    }
    if bucket.contains("..") {
        return Err("it must not hold two dots in a row");
    }
    if bucket.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err("it must not look like an IP address");
    }
    Ok(())
}

/// The rules for each `/`-separated segment of a key, which the directory backend turns into a
/// file name: not empty (that also refuses a leading or trailing `/`, which object_store would
/// strip, writing another object than the one named), not `.` or `..`, no control character
/// (any of Unicode's, C1 included).
pub fn check_key_segments(key: &str) -> Result<(), &'static str> {
    for segment in key.split('/') {
        if segment.is_empty() {
            return Err("it has an empty segment (`//`, or a `/` at the start or end)");
        }
        if segment == "." || segment == ".." {
            return Err("it has a `.` or `..` segment");
        }
        if segment.chars().any(char::is_control) {
            return Err("it holds a control character, such as a line break");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_follow_s3() {
        for good in ["abc", "my-bucket.2026", &"a".repeat(63)] {
            assert_eq!(check_bucket(good), Ok(()), "{good}");
        }
        for bad in [
            "ab",
            "Upper",
            "-start",
            "end-",
            "two..dots",
            "192.168.1.1",
            "under_score",
        ] {
            assert!(check_bucket(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn key_segments_are_safe_file_names() {
        assert_eq!(check_key_segments("a/b.json"), Ok(()));
        for bad in [
            "", "/a", "a/", "a//b", "a/./b", "../a", "a\nb", "a\u{85}b", "a\u{7f}",
        ] {
            assert!(check_key_segments(bad).is_err(), "{bad:?}");
        }
    }
}
