//! What an admin may add to one worker task template beyond its text: files served from Loupe's
//! own origin (assets), and outside origins its frame may load from (the allowlist), with the
//! limits on both and the record of who changed them.
//!
//! Each type is built by its parser: an [`AssetName`] is a safe file name with an allowed
//! extension (which fixes the content type), an [`AllowedOrigin`] is `https://host[:port]` (or
//! plain HTTP on a loopback host), a [`ReplacedUrl`] is an absolute URL a template names.

use crate::domain::clock::Timestamp;

/// One asset's bytes at most.
pub const MAX_ASSET_BYTES: usize = 5 * 1024 * 1024;
/// All of one template's assets together at most.
pub const MAX_TEMPLATE_ASSET_BYTES: usize = 20 * 1024 * 1024;
/// Assets per template at most.
pub const MAX_ASSETS_PER_TEMPLATE: usize = 50;
/// Allowed origins per template at most: a long list is no longer a reviewed one.
pub const MAX_ORIGINS_PER_TEMPLATE: usize = 20;
/// The longest asset name.
pub const MAX_ASSET_NAME_CHARS: usize = 100;
/// The longest URL an asset may stand in for.
pub const MAX_REPLACED_URL_CHARS: usize = 2048;
/// Where assets are served: `/template-assets/<sha256>/<name>`.
pub const ASSET_PATH_PREFIX: &str = "/template-assets/";

/// The extensions an asset may have, and the content type each is served with. Nothing that a
/// browser would render as a document of Loupe's origin (no HTML); SVG gets a policy of its own
/// where it is served.
const CONTENT_TYPES: &[(&str, &str)] = &[
    ("js", "text/javascript; charset=utf-8"),
    ("css", "text/css; charset=utf-8"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("svg", "image/svg+xml"),
    ("webp", "image/webp"),
    ("woff", "font/woff"),
    ("woff2", "font/woff2"),
    ("ttf", "font/ttf"),
    ("json", "application/json"),
];

/// The extensions of [`CONTENT_TYPES`], for messages.
pub fn allowed_extensions() -> String {
    CONTENT_TYPES
        .iter()
        .map(|(ext, _)| format!(".{ext}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An asset's file name: 1-100 of letters, digits, `.`, `_` and `-`, starting with a letter or
/// digit, no `..`, ending in an allowed extension. Safe in a URL path and a header as it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AssetName(String);

impl AssetName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.is_empty() {
            return Err("A file name is required.".to_owned());
        }
        if raw.chars().count() > MAX_ASSET_NAME_CHARS {
            return Err(format!("At most {MAX_ASSET_NAME_CHARS} characters."));
        }
        let first_ok = raw
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        let chars_ok = raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !first_ok || !chars_ok || raw.contains("..") {
            return Err(
                "Use letters, digits, '.', '_' and '-', starting with a letter or digit \
                 (for example dragula.min.js)."
                    .to_owned(),
            );
        }
        content_type_of(raw).ok_or_else(|| {
            format!(
                "Files of this type cannot be template assets; allowed: {}.",
                allowed_extensions()
            )
        })?;
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The content type its extension stands for.
    pub fn content_type(&self) -> &'static str {
        content_type_of(&self.0).expect("a parsed name has an allowed extension")
    }
}

impl std::fmt::Display for AssetName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn content_type_of(name: &str) -> Option<&'static str> {
    let (_, extension) = name.rsplit_once('.')?;
    let extension = extension.to_ascii_lowercase();
    CONTENT_TYPES
        .iter()
        .find(|(ext, _)| *ext == extension)
        .map(|(_, kind)| *kind)
}

/// The outside URL an asset stands in for: absolute `http(s)://`, as the template writes it
/// (the rewrite matches it exactly), with nothing an HTML attribute would need escaped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReplacedUrl(String);

impl ReplacedUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let lower = raw.to_ascii_lowercase();
        let Some(rest) = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
        else {
            return Err(
                "Give the whole URL the template loads, starting with https:// or http://."
                    .to_owned(),
            );
        };
        if rest.is_empty() || rest.starts_with('/') {
            return Err("The URL needs a host.".to_owned());
        }
        if raw.chars().count() > MAX_REPLACED_URL_CHARS {
            return Err(format!("At most {MAX_REPLACED_URL_CHARS} characters."));
        }
        if raw
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>'))
        {
            return Err("A URL has no spaces, quotes or angle brackets.".to_owned());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An origin a template's frame may load from: `https://host[:port]`, lower case, with no path,
/// query, credentials or wildcard. Plain `http://` only for `localhost` and `127.0.0.1`, whose
/// traffic never leaves the worker's machine (for trying a template against a local server).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AllowedOrigin(String);

impl AllowedOrigin {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let lower = raw.to_ascii_lowercase();
        let (scheme, authority) = match lower.split_once("://") {
            Some((scheme @ ("https" | "http"), authority)) => (scheme, authority),
            _ => {
                return Err(
                    "An origin is https://host or https://host:port (for example \
                     https://cdn.example.com)."
                        .to_owned(),
                );
            }
        };
        if authority.contains(['/', '?', '#']) {
            return Err(
                "Only the origin: no path, query or trailing slash (https://cdn.example.com)."
                    .to_owned(),
            );
        }
        if authority.contains('@') {
            return Err("An origin has no user name or password.".to_owned());
        }
        if authority.contains('*') {
            return Err(
                "Wildcards are not allowed: add each host the template needs on its own."
                    .to_owned(),
            );
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if let Some(port) = port
            && !(matches!(port.parse::<u16>(), Ok(p) if p > 0)
                && port.chars().all(|c| c.is_ascii_digit()))
        {
            return Err("The port must be a number from 1 to 65535.".to_owned());
        }
        if !is_host(host) {
            return Err(
                "The host must be a domain name (cdn.example.com) or an IPv4 address.".to_owned(),
            );
        }
        let loopback = host == "localhost" || host == "127.0.0.1";
        if scheme == "http" && !loopback {
            return Err(
                "Use https://: plain HTTP is allowed only for localhost and 127.0.0.1.".to_owned(),
            );
        }
        // The default port is the origin without it.
        let port = port.filter(|p| !(scheme == "https" && *p == "443"));
        let origin = match port {
            Some(port) => format!("{scheme}://{host}:{port}"),
            None => format!("{scheme}://{host}"),
        };
        Ok(Self(origin))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AllowedOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A DNS name of letter-digit-hyphen labels (at most 253 characters) or a dotted IPv4 address.
fn is_host(host: &str) -> bool {
    if host.is_empty() || host.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = host.split('.').collect();
    if labels.iter().all(|l| l.chars().all(|c| c.is_ascii_digit())) {
        return labels.len() == 4 && labels.iter().all(|l| l.parse::<u8>().is_ok());
    }
    labels.iter().all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    })
}

/// The same-origin path an asset is served at: its digest first, so the bytes behind a path
/// never change and browsers may keep it for good.
pub fn asset_path(sha256: &str, name: &AssetName) -> String {
    format!("{ASSET_PATH_PREFIX}{sha256}/{name}")
}

/// Reads `/template-assets/<sha256>/<name>` back; `None` for anything else.
pub fn parse_asset_path(path: &str) -> Option<(String, AssetName)> {
    let rest = path.strip_prefix(ASSET_PATH_PREFIX)?;
    let (digest, name) = rest.split_once('/')?;
    let is_digest = digest.len() == 64
        && digest
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
    if !is_digest {
        return None;
    }
    Some((digest.to_owned(), AssetName::parse(name).ok()?))
}

/// An asset as stored, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateAsset {
    pub name: AssetName,
    pub content_type: String,
    pub sha256: String,
    pub size: i64,
    pub replaces_url: Option<ReplacedUrl>,
    pub uploaded_by: String,
    pub uploaded_at: Timestamp,
}

impl TemplateAsset {
    pub fn path(&self) -> String {
        asset_path(&self.sha256, &self.name)
    }
}

/// An asset to store: checked, with its digest.
#[derive(Debug, Clone)]
pub struct NewTemplateAsset {
    pub name: AssetName,
    pub replaces_url: Option<ReplacedUrl>,
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: Timestamp,
}

impl NewTemplateAsset {
    /// Checks one upload on its own (the per-template limits need the store). Errors name the
    /// member they are about: `Name`, `ReplacesUrl` or `File`.
    pub fn parse(
        name: &str,
        replaces_url: Option<&str>,
        bytes: Vec<u8>,
        uploaded_by: &str,
        uploaded_at: Timestamp,
    ) -> Result<Self, (&'static str, String)> {
        let name = AssetName::parse(name.trim()).map_err(|m| ("Name", m))?;
        let replaces_url = match replaces_url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => Some(ReplacedUrl::parse(url).map_err(|m| ("ReplacesUrl", m))?),
            None => None,
        };
        if bytes.is_empty() {
            return Err(("File", "The file is empty.".to_owned()));
        }
        if bytes.len() > MAX_ASSET_BYTES {
            return Err((
                "File",
                format!(
                    "The file is {}; an asset may be at most 5 MiB.",
                    describe_size(bytes.len() as i64)
                ),
            ));
        }
        let sha256 = crate::domain::digest::sha256_hex(&bytes, 32);
        Ok(Self {
            name,
            replaces_url,
            bytes,
            sha256,
            uploaded_by: uploaded_by.to_owned(),
            uploaded_at,
        })
    }
}

/// Why the store did not add an asset that is fine on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetRefusal {
    NameTaken,
    UrlAlreadyReplaced,
    TooMany,
    /// The template's assets would come to this many bytes.
    TooLarge(i64),
}

impl AssetRefusal {
    /// The member the refusal is about, and what to tell the admin.
    pub fn explain(&self) -> (&'static str, String) {
        match self {
            Self::NameTaken => (
                "Name",
                "This template already has an asset of that name; delete it first.".to_owned(),
            ),
            Self::UrlAlreadyReplaced => (
                "ReplacesUrl",
                "Another asset of this template already stands in for that URL.".to_owned(),
            ),
            Self::TooMany => (
                "File",
                format!("A template has at most {MAX_ASSETS_PER_TEMPLATE} assets."),
            ),
            Self::TooLarge(total) => (
                "File",
                format!(
                    "A template's assets may come to 20 MiB at most; with this file they would be {}.",
                    describe_size(*total)
                ),
            ),
        }
    }
}

/// An allowed origin as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginGrant {
    pub origin: AllowedOrigin,
    pub added_by: String,
    pub added_at: Timestamp,
}

/// One change to a template's assets or origins, for its audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateChange {
    pub action: ChangeAction,
    /// The asset's name or the origin.
    pub subject: String,
    /// The admin's email.
    pub actor: String,
    pub at: Timestamp,
}

crate::domain::macros::string_enum!(
    /// What a [`TemplateChange`] did.
    ChangeAction {
        AssetUploaded,
        AssetDeleted,
        OriginAdded,
        OriginRemoved,
    }
);

/// `1.5 MiB`, `12 KiB`, `300 bytes`.
pub fn describe_size(bytes: i64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KIB * KIB {
        format!("{:.1} MiB", b / KIB / KIB)
    } else if b >= KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_names_are_safe_file_names_with_an_allowed_extension() {
        for ok in [
            "dragula.min.js",
            "a.css",
            "Logo_2.PNG",
            "font-x.woff2",
            "data.json",
        ] {
            assert!(AssetName::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            AssetName::parse("Logo_2.PNG").unwrap().content_type(),
            "image/png"
        );
        assert_eq!(
            AssetName::parse("x.svg").unwrap().content_type(),
            "image/svg+xml"
        );
        for bad in [
            "",
            ".hidden.js",
            "../x.js",
            "a/b.js",
            "a b.js",
            "a..js",
            "x%2f.js",
            "é.js",
        ] {
            assert!(AssetName::parse(bad).is_err(), "{bad}");
        }
        let refused = AssetName::parse("page.html").unwrap_err();
        assert!(refused.contains(".js, .css"), "{refused}");
        assert!(AssetName::parse("noextension").is_err());
        assert!(AssetName::parse(&format!("{}.js", "a".repeat(98))).is_err());
        assert!(AssetName::parse(&format!("{}.js", "a".repeat(97))).is_ok());
    }

    #[test]
    fn origins_are_https_hosts_with_an_optional_port() {
        let parse = |raw| AllowedOrigin::parse(raw).map(|o| o.to_string());
        assert_eq!(
            parse("https://cdn.example.com").unwrap(),
            "https://cdn.example.com"
        );
        assert_eq!(
            parse(" HTTPS://CDN.Example.com:8443 ").unwrap(),
            "https://cdn.example.com:8443"
        );
        assert_eq!(
            parse("https://cdn.example.com:443").unwrap(),
            "https://cdn.example.com"
        );
        assert_eq!(
            parse("http://127.0.0.1:4000").unwrap(),
            "http://127.0.0.1:4000"
        );
        assert_eq!(parse("http://localhost").unwrap(), "http://localhost");
        for bad in [
            "cdn.example.com",
            "http://cdn.example.com",
            "https://cdn.example.com/",
            "https://cdn.example.com/lib.js",
            "https://cdn.example.com?x",
            "https://*.example.com",
            "https://user@cdn.example.com",
            "https://cdn.example.com:0",
            "https://cdn.example.com:99999",
            "https://cdn.example.com:",
            "https://-bad.example.com",
            "https://exa mple.com",
            "https://300.1.1.1",
            "ftp://cdn.example.com",
            "javascript://x",
            "https://",
            "'unsafe-eval'",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(
            parse("https://*.example.com")
                .unwrap_err()
                .contains("Wildcards")
        );
        assert!(
            parse("http://cdn.example.com")
                .unwrap_err()
                .contains("https")
        );
    }

    #[test]
    fn replaced_urls_are_absolute_and_attribute_safe() {
        assert!(
            ReplacedUrl::parse("https://cdn.example.com/dragula@3/dist/dragula.min.js").is_ok()
        );
        assert!(ReplacedUrl::parse("http://assets.example.com/a.png?x=1&y=2").is_ok());
        for bad in [
            "dragula.min.js",
            "//cdn.example.com/x.js",
            "https://",
            "https:///x",
            "https://a.com/x y.js",
            "https://a.com/\"x.js",
            "javascript:alert(1)",
        ] {
            assert!(ReplacedUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn uploads_are_checked_on_their_own() {
        let at = Timestamp::from_millis(0);
        let ok = NewTemplateAsset::parse("lib.js", Some(" "), b"x=1".to_vec(), "a@b", at).unwrap();
        assert!(ok.replaces_url.is_none());
        assert_eq!(ok.sha256.len(), 64);
        let member = |r: Result<NewTemplateAsset, (&'static str, String)>| r.unwrap_err().0;
        assert_eq!(
            member(NewTemplateAsset::parse(
                "lib.exe",
                None,
                b"x".to_vec(),
                "a",
                at
            )),
            "Name"
        );
        assert_eq!(
            member(NewTemplateAsset::parse(
                "lib.js",
                Some("nope"),
                b"x".to_vec(),
                "a",
                at
            )),
            "ReplacesUrl"
        );
        assert_eq!(
            member(NewTemplateAsset::parse("lib.js", None, Vec::new(), "a", at)),
            "File"
        );
        let big = vec![0u8; MAX_ASSET_BYTES + 1];
        let (member, message) = NewTemplateAsset::parse("big.png", None, big, "a", at).unwrap_err();
        assert_eq!(member, "File");
        assert!(message.contains("5 MiB"), "{message}");
        assert!(
            NewTemplateAsset::parse("big.png", None, vec![0u8; MAX_ASSET_BYTES], "a", at).is_ok()
        );
    }

    #[test]
    fn asset_paths_round_trip() {
        let name = AssetName::parse("dragula.min.js").unwrap();
        let digest = "ab".repeat(32);
        let path = asset_path(&digest, &name);
        assert_eq!(path, format!("/template-assets/{digest}/dragula.min.js"));
        assert_eq!(parse_asset_path(&path), Some((digest.clone(), name)));
        assert_eq!(
            parse_asset_path("/template-assets/abc/dragula.min.js"),
            None
        );
        assert_eq!(
            parse_asset_path(&format!("/template-assets/{}/x.js", "AB".repeat(32))),
            None
        );
        assert_eq!(
            parse_asset_path(&format!("/template-assets/{digest}/x.html")),
            None
        );
        assert_eq!(
            parse_asset_path(&format!("/template-assets/{digest}/a/b.js")),
            None
        );
    }
}
