//! A template's uploaded assets as the renderer sees them: the `template_asset` filter's lookup
//! (`{{ "dragula.min.js" | template_asset }}` → the asset's same-origin URL) and the rewrite of
//! `src`/`href` attributes that name a URL an asset stands in for.

use std::collections::BTreeMap;

use crate::domain::template_assets::TemplateAsset;

/// Where a template's assets are served, by name, and which outside URLs they replace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetLinks {
    /// Why there are none to look up, when there cannot be any (an inline template).
    unavailable: Option<String>,
    by_name: BTreeMap<String, String>,
    /// `(outside URL, asset URL)`.
    replacements: Vec<(String, String)>,
}

impl AssetLinks {
    /// A stored template's assets, their URLs starting with `base` (empty for same-origin
    /// paths, `http://host` for answers read elsewhere).
    pub fn of(assets: &[TemplateAsset], base: &str) -> Self {
        let mut links = Self::default();
        for asset in assets {
            let url = format!("{base}{}", asset.path());
            if let Some(replaced) = &asset.replaces_url {
                links
                    .replacements
                    .push((replaced.as_str().to_owned(), url.clone()));
            }
            links.by_name.insert(asset.name.as_str().to_owned(), url);
        }
        links
    }

    /// For a template that has no stored assets: the filter fails with `reason`.
    pub fn unavailable(reason: impl Into<String>) -> Self {
        Self {
            unavailable: Some(reason.into()),
            ..Self::default()
        }
    }

    /// The URL of the asset named `name`, or the render error to show.
    pub fn url_of(&self, name: &str) -> Result<&str, String> {
        if let Some(url) = self.by_name.get(name) {
            return Ok(url);
        }
        Err(match &self.unavailable {
            Some(reason) => format!("no template asset named {name:?}: {reason}"),
            None => format!(
                "this template has no asset named {name:?}; upload it on the template's page"
            ),
        })
    }

    /// `html` with every `src` and `href` attribute whose value is exactly a replaced URL
    /// pointing at its asset instead.
    pub fn rewrite(&self, html: &str) -> String {
        if self.replacements.is_empty() {
            return html.to_owned();
        }
        rewrite_attributes(html, |value| {
            let decoded = value.replace("&amp;", "&");
            self.replacements
                .iter()
                .find(|(from, _)| *from == value || *from == decoded)
                .map(|(_, to)| to.clone())
        })
    }
}

/// Walks the tags of `html` and replaces the value of each `src`/`href` attribute for which
/// `replace` has something. Text, comments and the insides of `<script>`/`<style>` are copied
/// as they are: only real attributes are rewritten, never a URL a script builds or prints.
fn rewrite_attributes(html: &str, replace: impl Fn(&str) -> Option<String>) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |end| i + end + 3);
            continue;
        }
        let name_start = i + 1;
        let name_end = html[name_start..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
            .map_or(bytes.len(), |n| name_start + n);
        if name_end == name_start || !bytes[name_start].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let tag = html[name_start..name_end].to_ascii_lowercase();
        let mut j = name_end;
        // Attributes up to the tag's `>`.
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                break;
            }
            let attr_start = j;
            while j < bytes.len()
                && !bytes[j].is_ascii_whitespace()
                && !matches!(bytes[j], b'=' | b'>' | b'/')
            {
                j += 1;
            }
            let attr = html[attr_start..j].to_ascii_lowercase();
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] != b'=' {
                continue;
            }
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let (value_start, value_end, next) = match bytes.get(j) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let end = html[j + 1..]
                        .find(quote as char)
                        .map_or(bytes.len(), |n| j + 1 + n);
                    (j + 1, end, (end + 1).min(bytes.len()))
                }
                _ => {
                    let end = html[j..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .map_or(bytes.len(), |n| j + n);
                    (j, end, end)
                }
            };
            if (attr == "src" || attr == "href")
                && let Some(new) = replace(&html[value_start..value_end])
            {
                out.push_str(&html[copied..value_start]);
                out.push_str(&new);
                copied = value_end;
            }
            j = next;
        }
        i = (j + 1).min(bytes.len());
        // Raw text: nothing inside is a tag.
        if tag == "script" || tag == "style" {
            let close = format!("</{tag}");
            i = find_ignore_case(&html[i..], &close).map_or(bytes.len(), |n| i + n);
        }
    }
    out.push_str(&html[copied..]);
    out
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::Timestamp;
    use crate::domain::template_assets::{AssetName, ReplacedUrl};

    const CDN: &str = "https://cdn.example.com/dragula/3.7.3/dragula.min.js";

    fn asset(name: &str, replaces: Option<&str>) -> TemplateAsset {
        TemplateAsset {
            name: AssetName::parse(name).unwrap(),
            content_type: "text/javascript".into(),
            sha256: "0".repeat(64),
            size: 1,
            replaces_url: replaces.map(|u| ReplacedUrl::parse(u).unwrap()),
            uploaded_by: "a@b".into(),
            uploaded_at: Timestamp::from_millis(0),
        }
    }

    fn links() -> AssetLinks {
        AssetLinks::of(
            &[
                asset("dragula.min.js", Some(CDN)),
                asset("logo.png", Some("https://assets.example.com/a.png?w=1&h=2")),
                asset("plain.css", None),
            ],
            "",
        )
    }

    #[test]
    fn exact_src_and_href_values_are_rewritten() {
        let to = format!("/template-assets/{}/dragula.min.js", "0".repeat(64));
        let html = format!(
            "<script src=\"{CDN}\"></script><link rel=stylesheet href='{CDN}'><SCRIPT SRC={CDN}></SCRIPT>"
        );
        assert_eq!(
            links().rewrite(&html),
            format!(
                "<script src=\"{to}\"></script><link rel=stylesheet href='{to}'><SCRIPT SRC={to}></SCRIPT>"
            )
        );
        // An entity-escaped ampersand in the attribute is the same URL.
        let img = "<img alt=\"x\" src=\"https://assets.example.com/a.png?w=1&amp;h=2\">";
        assert!(
            links().rewrite(img).contains("/logo.png\""),
            "{}",
            links().rewrite(img)
        );
    }

    #[test]
    fn only_attributes_are_rewritten() {
        for untouched in [
            format!("<p>{CDN}</p>"),
            format!("<script>var u = \"{CDN}\"; document.write('<script src=\"{CDN}\">')</script>"),
            format!("<!-- <script src=\"{CDN}\"></script> -->"),
            format!("<img data-src=\"{CDN}\">"),
            format!("<script src=\"{CDN}?v=2\"></script>"),
            format!("<a title=\"{CDN}\">x</a>"),
            format!("<style>a{{background:url({CDN})}}</style>"),
        ] {
            assert_eq!(links().rewrite(&untouched), untouched);
        }
        // Past a script's raw text, tags are read again.
        let html = format!("<script>if (a < b) {{}}</script><script src=\"{CDN}\"></script>");
        assert!(!links().rewrite(&html).contains(CDN));
    }

    #[test]
    fn names_resolve_and_missing_ones_say_so() {
        let links = AssetLinks::of(&[asset("plain.css", None)], "http://loupe.test");
        assert_eq!(
            links.url_of("plain.css").unwrap(),
            format!(
                "http://loupe.test/template-assets/{}/plain.css",
                "0".repeat(64)
            )
        );
        let missing = links.url_of("dragula.min.js").unwrap_err();
        assert!(missing.contains("\"dragula.min.js\""), "{missing}");
        let inline = AssetLinks::unavailable("only stored templates have assets")
            .url_of("x.js")
            .unwrap_err();
        assert!(inline.contains("only stored templates"), "{inline}");
    }

    #[test]
    fn broken_markup_is_copied_as_it_is() {
        for html in [
            "<",
            "<script src=\"",
            "<a href=",
            "<<>>",
            "<1 src=x>",
            "<p src",
        ] {
            assert_eq!(links().rewrite(html), html);
        }
    }
}
