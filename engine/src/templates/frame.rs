//! The document a rendered template is shown in, to a worker and in the admin's preview.
//!
//! Templates are untrusted HTML: the worker page shows this document in an
//! `<iframe sandbox="allow-scripts">`, so it runs in an opaque origin (no session cookie, no
//! storage, no reach into the worker page), and the policy below keeps it from talking to
//! anything but Loupe's own scripts and images (and, for a template whose admin allowed some,
//! loading content from those origins: [`header_policy_for`]). The answer leaves only by
//! `postMessage` to the parent page, which submits it with the worker's session.

use super::without_crowd_script;
use crate::domain::template_assets::AllowedOrigin;

/// What the document may load: its own inline scripts and styles (A2I templates carry them),
/// Loupe's element bundle and signed blob links (same origin), `data:`/`blob:` images. No
/// network calls, no form posts, no plugins.
pub const CONTENT_POLICY: &str = "default-src 'none'; script-src 'self' 'unsafe-inline'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
     font-src 'self' data:; connect-src 'none'; form-action 'none'; base-uri 'none'";

/// The policy as a response header: also only framed by Loupe's own pages, and sandboxed even
/// when opened on its own.
pub fn header_policy() -> String {
    format!("{CONTENT_POLICY}; frame-ancestors 'self'; sandbox allow-scripts")
}

/// The header policy of a template whose admin allowed it to load from `origins`: each is added
/// to the sources of scripts, styles, images, media and fonts, nothing else (no requests, no
/// form posts, no frames). With none it is [`header_policy`], byte for byte.
pub fn header_policy_for(origins: &[AllowedOrigin]) -> String {
    if origins.is_empty() {
        return header_policy();
    }
    let extra: String = origins.iter().map(|o| format!(" {o}")).collect();
    let widened: Vec<String> = CONTENT_POLICY
        .split("; ")
        .map(|directive| {
            let name = directive.split(' ').next().unwrap_or_default();
            if WIDENED_DIRECTIVES.contains(&name) {
                format!("{directive}{extra}")
            } else {
                directive.to_owned()
            }
        })
        .collect();
    format!(
        "{}; frame-ancestors 'self'; sandbox allow-scripts",
        widened.join("; ")
    )
}

/// What an allowed origin may serve a template's frame.
const WIDENED_DIRECTIVES: &[&str] = &[
    "script-src",
    "style-src",
    "img-src",
    "media-src",
    "font-src",
];

/// The first thing in the document: opened anywhere but inside a frame (a worker lured to the
/// frame's URL in a tab of its own), the rest of the document is turned into inert text before
/// the parser reaches it, so no template script runs where it could navigate the top window.
/// Servers also refuse such loads when the browser says so (`Sec-Fetch-Dest`); this covers
/// browsers that send no fetch metadata (plain HTTP on another host).
pub const TOP_LEVEL_GUARD: &str = "<script>if(window.top===window.self){document.write(\
     '<p>This task is shown only inside Loupe&#39;s task page.</p><plaintext hidden>')}</script>";

/// Where Loupe serves its own crowd elements.
pub const ELEMENTS_PATH: &str = "/crowd/crowd-html-elements.js";

/// A whole HTML document around `rendered` (a template's output), served with
/// [`header_policy`]: the `assets.crowd.aws` script tag is replaced by Loupe's bundle at
/// `elements_src`, loaded first so the elements upgrade as they are parsed. (The policy is not
/// repeated in a `<meta>`: a meta policy's `'self'` is read differently across browsers in a
/// sandboxed document, and the header is enough.)
pub fn frame_document(rendered: &str, elements_src: &str) -> String {
    let body = without_crowd_script(rendered);
    let mut doc = String::with_capacity(body.len() + 600);
    doc.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    doc.push_str(TOP_LEVEL_GUARD);
    doc.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    doc.push_str("<script src=\"");
    doc.push_str(&attribute(elements_src));
    doc.push_str("\"></script></head><body>\n");
    doc.push_str(&body);
    doc.push_str("\n</body></html>\n");
    doc
}

fn attribute(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crowd_script_is_replaced_by_loupes_bundle_in_the_head() {
        let rendered = "<script src=\"https://assets.crowd.aws/crowd-html-elements.js\"></script>\n\
                        <crowd-form><crowd-input name=\"a\"></crowd-input></crowd-form>";
        let doc = frame_document(rendered, "/crowd/crowd-html-elements.js?v=1&x=2");
        assert!(!doc.contains("assets.crowd.aws"));
        let head = &doc[..doc.find("<body>").unwrap()];
        assert!(head.contains("<script src=\"/crowd/crowd-html-elements.js?v=1&amp;x=2\">"));
        assert!(!head.contains("Content-Security-Policy"));
        // The top-level guard runs before anything of the template or the bundle.
        assert!(doc.find(TOP_LEVEL_GUARD).unwrap() < doc.find("<script src=").unwrap());
        assert!(doc.contains("<crowd-form><crowd-input name=\"a\"></crowd-input></crowd-form>"));
    }

    /// Today's policy, written out: a template that allows no origin gets exactly this.
    const STRICT_HEADER: &str = "default-src 'none'; script-src 'self' 'unsafe-inline'; \
        style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
        font-src 'self' data:; connect-src 'none'; form-action 'none'; base-uri 'none'; \
        frame-ancestors 'self'; sandbox allow-scripts";

    #[test]
    fn without_allowed_origins_the_policy_is_the_strict_one_byte_for_byte() {
        assert_eq!(header_policy(), STRICT_HEADER);
        assert_eq!(header_policy_for(&[]), STRICT_HEADER);
    }

    #[test]
    fn allowed_origins_widen_only_what_loads_content() {
        let origins = [
            AllowedOrigin::parse("https://cdn.example.com").unwrap(),
            AllowedOrigin::parse("http://127.0.0.1:4100").unwrap(),
        ];
        let policy = header_policy_for(&origins);
        let both = "https://cdn.example.com http://127.0.0.1:4100";
        assert_eq!(
            policy,
            format!(
                "default-src 'none'; script-src 'self' 'unsafe-inline' {both}; \
                 style-src 'self' 'unsafe-inline' {both}; img-src 'self' data: blob: {both}; \
                 media-src 'self' blob: {both}; font-src 'self' data: {both}; connect-src 'none'; \
                 form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox allow-scripts"
            )
        );
    }

    #[test]
    fn the_header_policy_sandboxes_and_restricts_framing() {
        let policy = header_policy();
        assert!(policy.starts_with(CONTENT_POLICY));
        assert!(policy.contains("frame-ancestors 'self'"));
        assert!(policy.ends_with("sandbox allow-scripts"));
    }
}
