//! The service model's regular expressions for flow definition and tag members, written out by
//! hand (no regex engine in the engine crate). Each is matched against the whole value, with
//! Java's semantics: `.` does not match a line terminator.

use crate::domain::arns::{self, RegionInPattern, RoleArn};

use crate::domain::validation::Pattern;

pub const WORKTEAM_ARN: Pattern = Pattern {
    regex: r"arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:workteam/.*",
    matches: is_workteam_arn,
};

pub const HUMAN_TASK_UI_ARN: Pattern = Pattern {
    regex: r"arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]+:[0-9]{12}:human-task-ui/.*",
    matches: is_human_task_ui_arn,
};

/// XML-safe characters only. The model's ranges are UTF-16 code units, so characters outside the
/// Basic Multilingual Plane (emoji), which Java sees as surrogate pairs, do not match.
pub const TASK_TITLE: Pattern = Pattern {
    regex: r"[\t\n\r -\uD7FF\uE000-\uFFFD]*",
    matches: is_xml_text,
};

/// One line: `.` does not match line terminators, so a description with a newline is refused.
pub const TASK_DESCRIPTION: Pattern = Pattern {
    regex: ".+",
    matches: is_one_line,
};

pub const TASK_KEYWORD: Pattern = Pattern {
    regex: "[A-Za-z0-9]+( [A-Za-z0-9]+)*",
    matches: is_keyword,
};

pub const S3_OUTPUT_PATH: Pattern = Pattern {
    regex: "(https|s3)://([^/]+)/?(.*)",
    matches: is_s3_output_path,
};

pub const KMS_KEY_ID: Pattern = Pattern {
    regex: "[a-zA-Z0-9:/_-]*",
    matches: is_kms_key_id,
};

pub const ROLE_ARN: Pattern = Pattern {
    regex: RoleArn::PATTERN,
    matches: arns::is_role_arn,
};

/// Tag keys and values. `\p{L}` is approximated by Rust's `char::is_alphabetic`, which also
/// accepts the combining marks Unicode counts as alphabetic (e.g. Devanagari vowel signs).
pub const TAG_TEXT: Pattern = Pattern {
    regex: r"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)",
    matches: is_tag_text,
};

fn is_workteam_arn(raw: &str) -> bool {
    arns::matches_model_pattern(raw, "workteam", RegionInPattern::MayBeEmpty)
}

fn is_human_task_ui_arn(raw: &str) -> bool {
    arns::matches_model_pattern(raw, "human-task-ui", RegionInPattern::Required)
}

fn is_xml_text(raw: &str) -> bool {
    raw.chars()
        .all(|c| matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}'))
}

fn is_one_line(raw: &str) -> bool {
    !raw.is_empty() && !raw.chars().any(arns::is_line_terminator)
}

fn is_keyword(raw: &str) -> bool {
    raw.split(' ')
        .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// After `https://` or `s3://`: a first character other than `/` (the `[^/]+` part), and no line
/// terminator after the first `/` (the `.*` part; `[^/]` itself matches line terminators).
fn is_s3_output_path(raw: &str) -> bool {
    let Some(rest) = raw
        .strip_prefix("https://")
        .or_else(|| raw.strip_prefix("s3://"))
    else {
        return false;
    };
    if rest.is_empty() || rest.starts_with('/') {
        return false;
    }
    match rest.split_once('/') {
        Some((_, tail)) => !tail.chars().any(arns::is_line_terminator),
        None => true,
    }
}

fn is_kms_key_id(raw: &str) -> bool {
    raw.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'/' | b'_' | b'-'))
}

fn is_tag_text(raw: &str) -> bool {
    raw.chars()
        .all(|c| c.is_alphabetic() || c.is_numeric() || is_separator(c) || "_.:/=+-@".contains(c))
}

/// Unicode general category Z (`Zs`, `Zl`, `Zp`).
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: Pattern, good: &[&str], bad: &[&str]) {
        for value in good {
            assert!(
                (pattern.matches)(value),
                "{:?} should match {value:?}",
                pattern
            );
        }
        for value in bad {
            assert!(
                !(pattern.matches)(value),
                "{:?} should refuse {value:?}",
                pattern
            );
        }
    }

    #[test]
    fn task_titles_are_xml_safe_text() {
        check(
            TASK_TITLE,
            &[
                "",
                "Review",
                "tab\there",
                "two\nlines",
                "Ümlaut 日本",
                "\u{E000}\u{FFFD}",
            ],
            &["bell\u{7}", "nul\0", "emoji 😀", "\u{FFFE}"],
        );
    }

    #[test]
    fn task_descriptions_are_one_non_empty_line() {
        check(
            TASK_DESCRIPTION,
            &["x", "Is this image safe?", "tabs\tare fine"],
            &["", "two\nlines", "cr\r", "next\u{85}line", "sep\u{2028}"],
        );
    }

    #[test]
    fn keywords_are_words_separated_by_single_spaces() {
        check(
            TASK_KEYWORD,
            &["image", "Image Review", "a b c", "A1"],
            &["", " a", "a ", "a  b", "a-b", "é"],
        );
    }

    #[test]
    fn output_paths_are_s3_or_https_urls() {
        check(
            S3_OUTPUT_PATH,
            &[
                "s3://bucket",
                "s3://bucket/",
                "s3://bucket/a/b/",
                "https://bucket.s3.amazonaws.com/prefix",
                "s3://buck\net/x",
            ],
            &[
                "s3://",
                "s3:///bucket",
                "S3://bucket",
                "http://bucket",
                "ftp://bucket",
                "bucket/prefix",
                "s3://bucket/a\nb",
            ],
        );
    }

    #[test]
    fn kms_key_ids_are_arn_or_id_characters() {
        check(
            KMS_KEY_ID,
            &[
                "",
                "1234abcd-12ab-34cd-56ef-1234567890ab",
                "arn:aws:kms:us-west-2:111122223333:key/1234abcd",
                "alias/my_key",
            ],
            &["key id", "key.1", "key+1"],
        );
    }

    #[test]
    fn work_team_and_template_arns_follow_their_model_patterns() {
        check(
            WORKTEAM_ARN,
            &[
                "arn:aws:sagemaker:us-west-2:111122223333:workteam/private-crowd/team",
                "arn:aws:sagemaker::111122223333:workteam/anything",
            ],
            &["arn:aws:sagemaker:us-west-2:111122223333:human-task-ui/x"],
        );
        check(
            HUMAN_TASK_UI_ARN,
            &["arn:aws:sagemaker:us-west-2:111122223333:human-task-ui/template"],
            &["arn:aws:sagemaker::111122223333:human-task-ui/template"],
        );
    }

    #[test]
    fn tag_text_is_letters_numbers_separators_and_a_few_signs() {
        check(
            TAG_TEXT,
            &[
                "",
                "project",
                "cost-centre:42",
                "a b",
                "a\u{A0}b",
                "Größe",
                "日本",
                "x_.:/=+-@",
                "²",
            ],
            &["a!b", "tab\t", "new\nline", "a#b", "a,b", "a*b", "emoji😀"],
        );
    }
}
