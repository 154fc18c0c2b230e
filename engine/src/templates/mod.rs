//! Worker task templates (spec 5.1): Liquid with A2I's filters and autoescape, rendered against
//! `task.input`. The one renderer behind RenderUiTemplate, the admin preview and the worker's
//! task page, so what an admin previews is what a worker sees.

pub mod assets;
mod autoescape;
pub mod blob_links;
mod filters;
pub mod frame;
mod lax;
pub mod library;

use std::sync::Arc;

use serde_json::Value;

pub use assets::AssetLinks;
pub use filters::ReadGrants;

/// Why a template did not render, with where when the parser knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct TemplateError {
    pub kind: TemplateErrorKind,
    pub message: String,
    /// 1-based line and column in the template as written.
    pub position: Option<(usize, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateErrorKind {
    /// The template does not parse.
    Syntax,
    /// It parsed but failed on this input (an unknown filter argument, a bad reference…).
    Render,
}

impl TemplateErrorKind {
    /// The `Errors[].Code` of RenderUiTemplate.
    pub fn code(self) -> &'static str {
        match self {
            Self::Syntax => "TemplateSyntaxError",
            Self::Render => "TemplateRenderError",
        }
    }
}

impl TemplateError {
    fn describe(&self) -> String {
        match self.position {
            Some((line, column)) => format!("line {line}, column {column}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// A parsed template, ready to render any number of inputs.
pub struct TaskTemplate {
    template: liquid::Template,
    assets: Arc<AssetLinks>,
}

impl std::fmt::Debug for TaskTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TaskTemplate")
    }
}

impl TaskTemplate {
    /// Parses `content`; `grants` turns S3 references into links for `grant_read_access`. The
    /// template has no assets (`template_asset` fails).
    pub fn parse(content: &str, grants: Arc<dyn ReadGrants>) -> Result<Self, TemplateError> {
        Self::parse_with_assets(
            content,
            grants,
            Arc::new(AssetLinks::unavailable("only a stored template has assets")),
        )
    }

    /// Parses `content` of a template whose uploaded files are `assets`: `template_asset`
    /// finds them by name, and output naming a URL one of them replaces points at it.
    pub fn parse_with_assets(
        content: &str,
        grants: Arc<dyn ReadGrants>,
        assets: Arc<AssetLinks>,
    ) -> Result<Self, TemplateError> {
        let rewritten = autoescape::rewrite(content);
        let parser = filters::parser(grants, assets.clone()).map_err(|e| TemplateError {
            kind: TemplateErrorKind::Syntax,
            message: e.to_string(),
            position: None,
        })?;
        let template = parser.parse(&rewritten.text).map_err(|e| {
            let text = e.to_string();
            let position =
                position_in(&text).map(|(line, column)| rewritten.original_position(line, column));
            TemplateError {
                kind: TemplateErrorKind::Syntax,
                message: clean_message(&text),
                position,
            }
        })?;
        Ok(Self { template, assets })
    }

    /// Renders with `task.input` = `input`.
    pub fn render(&self, input: &Value) -> Result<String, TemplateError> {
        let globals = lax::Globals::new(input);
        self.template
            .render(globals.view())
            .map(|html| self.assets.rewrite(&html))
            .map_err(|e| TemplateError {
                kind: TemplateErrorKind::Render,
                message: clean_message(&e.to_string()),
                position: None,
            })
    }
}

/// Parses and renders in one go.
pub fn render(
    content: &str,
    input: &Value,
    grants: Arc<dyn ReadGrants>,
) -> Result<String, TemplateError> {
    TaskTemplate::parse(content, grants)?.render(input)
}

/// Parses and renders a stored template with its assets.
pub fn render_with_assets(
    content: &str,
    input: &Value,
    grants: Arc<dyn ReadGrants>,
    assets: Arc<AssetLinks>,
) -> Result<String, TemplateError> {
    TaskTemplate::parse_with_assets(content, grants, assets)?.render(input)
}

/// The host A2I templates load the crowd elements from.
pub const CROWD_ELEMENTS_HOST: &str = "assets.crowd.aws";

/// Removes `<script src="https://assets.crowd.aws/…"></script>` tags. Loupe never lets a page
/// it serves reach that host: on a machine without outside network the browser would wait on
/// it before showing anything.
pub fn without_crowd_script(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = find_ignore_case(rest, "<script") {
        let Some(end_rel) = find_ignore_case(&rest[start..], "</script>") else {
            break;
        };
        let end = start + end_rel + "</script>".len();
        let tag = &rest[start..end];
        let open_tag_end = tag.find('>').unwrap_or(tag.len());
        out.push_str(&rest[..start]);
        if !tag[..open_tag_end].contains(CROWD_ELEMENTS_HOST) {
            out.push_str(tag);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// pest reports ` --> LINE:COLUMN`.
fn position_in(message: &str) -> Option<(usize, usize)> {
    let after = &message[message.find("--> ")? + 4..];
    let spot = after.split_whitespace().next()?;
    let (line, column) = spot.split_once(':')?;
    Some((line.parse().ok()?, column.parse().ok()?))
}

/// The parser's message without its source excerpt (which shows the rewritten text) and
/// without the internal filter's name.
fn clean_message(message: &str) -> String {
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|line| {
            !line.is_empty()
                && !line.starts_with("-->")
                && !line.starts_with('|')
                && !line.chars().next().is_some_and(|c| c.is_ascii_digit())
        })
        .map(|line| line.trim_start_matches("= "))
        .collect();
    lines
        .join("; ")
        .replace(&format!(" | {}", autoescape::AUTOESCAPE_FILTER), "")
        .replace(autoescape::AUTOESCAPE_FILTER, "(autoescape)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct NoGrants;
    impl ReadGrants for NoGrants {
        fn grant(&self, reference: &str) -> Result<String, String> {
            Err(format!("no object store for {reference}"))
        }
    }

    struct FakeGrants;
    impl ReadGrants for FakeGrants {
        fn grant(&self, reference: &str) -> Result<String, String> {
            Ok(format!(
                "/blobs/{}?sig=a&b",
                reference.trim_start_matches("s3://")
            ))
        }
    }

    fn show(template: &str, input: Value) -> String {
        render(template, &input, Arc::new(FakeGrants)).unwrap()
    }

    #[test]
    fn output_is_escaped_by_default_as_a2i_shows() {
        let input = json!({"book": "Have you read 'James & the Giant Peach'?"});
        assert_eq!(
            show("{{ task.input.book }}", input.clone()),
            "Have you read &#39;James &amp; the Giant Peach&#39;?"
        );
        assert_eq!(
            show("{{ task.input.book | escape }}", input.clone()),
            "Have you read &#39;James &amp; the Giant Peach&#39;?"
        );
        assert_eq!(
            show("{{ task.input.book | skip_autoescape }}", input.clone()),
            "Have you read 'James & the Giant Peach'?"
        );
        assert_eq!(
            show(
                "{{ task.input.book | escape_once }}",
                json!({"book": "a &amp; b < c"})
            ),
            "a &amp; b &lt; c"
        );
    }

    #[test]
    fn a_script_in_the_input_never_comes_out_as_markup() {
        let input = json!({"taskObject": "<script>alert(1)</script>", "labels": ["<img src=x onerror=alert(1)>"]});
        let html = show(
            "<p>{{ task.input.taskObject }}</p><crowd-classifier categories=\"{{ task.input.labels | to_json | escape }}\">\
             {% for l in task.input.labels %}<i>{{ l | upcase }}</i>{% endfor %}",
            input,
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains("categories=\"[&quot;&lt;img src=x onerror=alert(1)&gt;&quot;]\""),
            "{html}"
        );
    }

    #[test]
    fn to_json_writes_json_that_survives_attribute_escaping() {
        let input =
            json!({"point": {"point_number": 8, "coords": [59, 76]}, "labels": ["cat", "dog"]});
        assert_eq!(
            show(
                "{{ task.input.point | to_json | skip_autoescape }}",
                input.clone()
            ),
            r#"{"coords":[59,76],"point_number":8}"#
        );
        assert_eq!(
            show("{{ task.input.labels | to_json | escape }}", input),
            "[&quot;cat&quot;,&quot;dog&quot;]"
        );
        assert_eq!(show("{{ task.input.none | to_json }}", json!({})), "null");
    }

    #[test]
    fn captured_s3_uris_become_granted_links() {
        let template = "{% capture uri %}s3://{{ task.input.bucket }}/{{ task.input.key }}{% endcapture %}\
                        <img src=\"{{ uri | grant_read_access }}\">";
        assert_eq!(
            show(template, json!({"bucket": "pics", "key": "cat.jpg"})),
            "<img src=\"/blobs/pics/cat.jpg?sig=a&amp;b\">"
        );
        let error = render(
            "{{ 's3://b/k' | grant_read_access }}",
            &json!({}),
            Arc::new(NoGrants),
        )
        .unwrap_err();
        assert_eq!(error.kind, TemplateErrorKind::Render);
        assert!(
            error.message.contains("no object store for s3://b/k"),
            "{error}"
        );
    }

    #[test]
    fn missing_values_print_nothing_as_in_shopify_liquid() {
        assert_eq!(
            show(
                "[{{ task.input.note }}][{{ task.input.a.b.c }}][{{ nothing }}]{% if task.input.note %}x{% endif %}[{{ task.input.note | default: 'none' }}]",
                json!({"a": {}})
            ),
            "[][][][none]"
        );
        assert_eq!(
            show(
                "{{ task.input.items[1] }}|{{ task.input.items.first }}|{{ task.input.items | size }}",
                json!({"items": ["x", "y"]})
            ),
            "y|x|2"
        );
    }

    #[test]
    fn arrays_and_objects_print_as_json_for_the_elements() {
        assert_eq!(
            show(
                "<x initial-value=\"{{ task.input.blocks }}\">",
                json!({"blocks": [{"id": "a", "text": "Pay"}]})
            ),
            "<x initial-value=\"[{&quot;id&quot;:&quot;a&quot;,&quot;text&quot;:&quot;Pay&quot;}]\">"
        );
    }

    #[test]
    fn the_crowd_elements_script_is_taken_out_and_others_stay() {
        let html = "<SCRIPT src=\"https://assets.crowd.aws/crowd-html-elements.js\"></script>\n<p>x</p><script>var a = 1;</script>";
        assert_eq!(
            without_crowd_script(html),
            "\n<p>x</p><script>var a = 1;</script>"
        );
    }

    #[test]
    fn standard_tags_and_filters_work() {
        let template = "{% assign n = task.input.items | size %}{% if n > 1 %}{{ n }} items{% else %}one{% endif %}\
                        {% case task.input.kind %}{% when 'a' %}A{% else %}?{% endcase %}\
                        {% unless task.input.hide %}shown{% endunless %}";
        assert_eq!(
            show(template, json!({"items": [1, 2, 3], "kind": "a"})),
            "3 itemsAshown"
        );
    }

    #[test]
    fn syntax_errors_name_the_line_and_column_as_written() {
        let error = TaskTemplate::parse(
            "<p>{{ task.input.a }}</p>\n<p>{{ task.input.b | }}</p>",
            Arc::new(NoGrants),
        )
        .unwrap_err();
        assert_eq!(error.kind, TemplateErrorKind::Syntax);
        let (line, _) = error.position.expect("a position");
        assert_eq!(line, 2, "{error}");
        assert!(!error.message.contains("loupe_autoescape"), "{error}");
        let unclosed =
            TaskTemplate::parse("{% if task.input.a %}open", Arc::new(NoGrants)).unwrap_err();
        assert_eq!(unclosed.kind, TemplateErrorKind::Syntax);
    }

    fn assets_of(base: &str) -> Arc<AssetLinks> {
        use crate::domain::clock::Timestamp;
        use crate::domain::template_assets::{AssetName, ReplacedUrl, TemplateAsset};
        let asset = |name: &str, replaces: Option<&str>| TemplateAsset {
            name: AssetName::parse(name).unwrap(),
            content_type: String::new(),
            sha256: "a".repeat(64),
            size: 1,
            replaces_url: replaces.map(|u| ReplacedUrl::parse(u).unwrap()),
            uploaded_by: String::new(),
            uploaded_at: Timestamp::from_millis(0),
        };
        Arc::new(AssetLinks::of(
            &[
                asset("sorter.js", None),
                asset(
                    "drag.js",
                    Some("https://cdn.example.com/drag@1/drag.min.js"),
                ),
            ],
            base,
        ))
    }

    #[test]
    fn template_asset_gives_the_same_origin_url_and_replaced_urls_are_rewritten() {
        let template = "<script src=\"{{ 'sorter.js' | template_asset }}\"></script>\
                        <script src=\"https://cdn.example.com/drag@1/drag.min.js\"></script>\
                        <p>{{ task.input.note }}</p>";
        let html = render_with_assets(
            template,
            &json!({"note": "https://cdn.example.com/drag@1/drag.min.js"}),
            Arc::new(FakeGrants),
            assets_of(""),
        )
        .unwrap();
        let digest = "a".repeat(64);
        assert_eq!(
            html,
            format!(
                "<script src=\"/template-assets/{digest}/sorter.js\"></script>\
                 <script src=\"/template-assets/{digest}/drag.js\"></script>\
                 <p>https://cdn.example.com/drag@1/drag.min.js</p>"
            )
        );
        let absolute = render_with_assets(
            "{{ 'sorter.js' | template_asset }}",
            &json!({}),
            Arc::new(FakeGrants),
            assets_of("http://loupe.test:3000"),
        )
        .unwrap();
        assert_eq!(
            absolute,
            format!("http://loupe.test:3000/template-assets/{digest}/sorter.js")
        );
    }

    #[test]
    fn a_missing_asset_is_a_render_error_that_names_it() {
        let error = render_with_assets(
            "<script src=\"{{ 'dragula.min.js' | template_asset }}\"></script>",
            &json!({}),
            Arc::new(FakeGrants),
            assets_of(""),
        )
        .unwrap_err();
        assert_eq!(error.kind, TemplateErrorKind::Render);
        assert!(error.message.contains("\"dragula.min.js\""), "{error}");
        let inline = render(
            "{{ 'sorter.js' | template_asset }}",
            &json!({}),
            Arc::new(FakeGrants),
        )
        .unwrap_err();
        assert!(
            inline.message.contains("only a stored template"),
            "{inline}"
        );
    }
}
