//! Autoescape for Liquid output, which the `liquid` crate does not have.
//!
//! A2I escapes every `{{ … }}` by default ("inputs are HTML-escaped to prevent confusion between
//! your variable text and HTML"), unless the template asks for `escape` / `escape_once` itself
//! (no double effect) or opts out with `skip_autoescape`. Loupe gets the same by rewriting each
//! output tag before parsing: `{{ x | f }}` becomes `{{ x | f | loupe_autoescape }}` unless one
//! of those three filters is in the chain. `{% raw %}` blocks are left alone. Only text is
//! appended inside tags, never a line break, so lines stay where they were and columns can be
//! mapped back for error messages.

/// The filter the rewrite appends; registered by the renderer.
pub const AUTOESCAPE_FILTER: &str = "loupe_autoescape";

/// Filters that take escaping into their own hands.
const SELF_ESCAPING: [&str; 3] = ["escape", "escape_once", "skip_autoescape"];

/// A template with autoescape spelled out, and where text was added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten {
    pub text: String,
    /// (line from 1, column from 1 in the rewritten line, characters added there).
    insertions: Vec<(usize, usize, usize)>,
}

impl Rewritten {
    /// Maps a 1-based (line, column) of the rewritten text back to the original.
    pub fn original_position(&self, line: usize, column: usize) -> (usize, usize) {
        let shift: usize = self
            .insertions
            .iter()
            .filter(|(l, c, _)| *l == line && *c < column)
            .map(|(_, _, added)| added)
            .sum();
        (line, column.saturating_sub(shift).max(1))
    }
}

pub fn rewrite(template: &str) -> Rewritten {
    let mut out = String::with_capacity(template.len() + template.len() / 8);
    let mut insertions = Vec::new();
    let mut rest = template;
    while let Some(open) = next_tag(rest) {
        let (before, from_tag) = rest.split_at(open);
        out.push_str(before);
        if from_tag.starts_with("{%") {
            let end = closing(from_tag, "%}").unwrap_or(from_tag.len());
            let tag = &from_tag[..end];
            if tag_name(tag) == Some("raw") {
                // Copy through the matching endraw untouched.
                let body_end = find_endraw(&from_tag[end..]).map_or(from_tag.len(), |e| end + e);
                out.push_str(&from_tag[..body_end]);
                rest = &from_tag[body_end..];
            } else {
                out.push_str(tag);
                rest = &from_tag[end..];
            }
            continue;
        }
        let Some(end) = closing(from_tag, "}}") else {
            // Unclosed: leave it for the parser to report.
            out.push_str(from_tag);
            rest = "";
            break;
        };
        let tag = &from_tag[..end];
        let inner_end = end - 2 - usize::from(tag.ends_with("-}}"));
        let inner = &tag[2..inner_end];
        if needs_escape(inner) {
            let addition = format!(" | {AUTOESCAPE_FILTER}");
            let insert_at = out.len() + inner_end;
            out.push_str(&tag[..inner_end]);
            let line = out[..insert_at].matches('\n').count() + 1;
            let line_start = out[..insert_at].rfind('\n').map_or(0, |i| i + 1);
            let column = out[line_start..insert_at].chars().count() + 1;
            insertions.push((line, column, addition.chars().count()));
            out.push_str(&addition);
            out.push_str(&tag[inner_end..]);
        } else {
            out.push_str(tag);
        }
        rest = &from_tag[end..];
    }
    out.push_str(rest);
    Rewritten {
        text: out,
        insertions,
    }
}

fn next_tag(text: &str) -> Option<usize> {
    let output = text.find("{{");
    let tag = text.find("{%");
    match (output, tag) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The end (exclusive) of a tag that starts `text`, skipping quoted strings.
fn closing(text: &str, close: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut quote = None;
    let mut i = 2;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if text[i..].starts_with(close) => return Some(i + close.len()),
            None => {}
        }
        i += 1;
    }
    None
}

fn tag_name(tag: &str) -> Option<&str> {
    tag.trim_start_matches("{%")
        .trim_start_matches('-')
        .split_whitespace()
        .next()
        .map(|word| word.trim_end_matches("%}").trim_end_matches('-'))
}

/// Where the `{% endraw %}` tag after a raw block ends.
fn find_endraw(text: &str) -> Option<usize> {
    let mut offset = 0;
    while let Some(start) = text[offset..].find("{%") {
        let at = offset + start;
        let end = closing(&text[at..], "%}")?;
        if tag_name(&text[at..at + end]) == Some("endraw") {
            return Some(at + end);
        }
        offset = at + end;
    }
    None
}

/// False when a filter in the chain escapes (or deliberately does not escape) by itself.
fn needs_escape(inner: &str) -> bool {
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    !split_outside_quotes(inner, '|')
        .into_iter()
        .skip(1)
        .filter_map(|filter| {
            filter
                .split(|c: char| c == ':' || c.is_whitespace())
                .find(|s| !s.is_empty())
        })
        .any(|name| SELF_ESCAPING.contains(&name))
}

fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quote = None;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == separator => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            None => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_tags_get_the_escape_filter_unless_they_escape_themselves() {
        assert_eq!(
            rewrite("<p>{{ task.input.text }}</p>").text,
            "<p>{{ task.input.text  | loupe_autoescape}}</p>"
        );
        assert_eq!(
            rewrite("{{ labels | to_json | escape }}").text,
            "{{ labels | to_json | escape }}"
        );
        assert_eq!(
            rewrite("{{ html | skip_autoescape }}").text,
            "{{ html | skip_autoescape }}"
        );
        assert_eq!(
            rewrite("{{ a | escape_once }}").text,
            "{{ a | escape_once }}"
        );
        assert_eq!(
            rewrite("{{- x | upcase -}}").text,
            "{{- x | upcase  | loupe_autoescape-}}"
        );
    }

    #[test]
    fn quoted_pipes_and_braces_do_not_confuse_it() {
        assert_eq!(
            rewrite(r#"{{ "a | escape }}" | append: x }}"#).text,
            r#"{{ "a | escape }}" | append: x  | loupe_autoescape}}"#
        );
    }

    #[test]
    fn raw_blocks_and_tags_are_left_alone() {
        let template = "{% raw %}{{ not liquid }}{% endraw %}{% if a %}{{ a }}{% endif %}";
        assert_eq!(
            rewrite(template).text,
            "{% raw %}{{ not liquid }}{% endraw %}{% if a %}{{ a  | loupe_autoescape}}{% endif %}"
        );
    }

    #[test]
    fn positions_map_back_to_the_original() {
        let rewritten = rewrite("{{ a }} {{ b | }}\n{{ c }}");
        // `{{ b | ` starts at column 9 originally; after the first insertion it is at 28.
        let column = rewritten.text.lines().next().unwrap().find("{{ b").unwrap() + 1;
        assert_eq!(rewritten.original_position(1, column), (1, 9));
        assert_eq!(rewritten.original_position(2, 3), (2, 3));
    }
}
