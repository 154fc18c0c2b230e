//! Names of the resources callers create: flow definitions, human task UIs and human loops
//! (spec 2.1), and SageMaker compilation jobs (spec 3.5). Work team names allow upper case and
//! live in [`crate::domain::teams::WorkteamName`].
//!
//! All three are 1-63 characters of letters, digits and hyphens, starting and ending with a
//! letter or digit; runs of hyphens inside are allowed (`a--b`). Flow and task UI names are lower
//! case only. Human loop names may have capitals: the model's pattern says lower case, but the
//! live service took `Fraud-detector-1613589638354` and kept its case in the output path (spec
//! 2.1, 7.1), and AWS's notebooks rely on it. The regexes are matched against the whole value and
//! are checked by hand here.

use serde::{Deserialize, Serialize};

use crate::domain::macros::text_newtype;

/// Shortest and longest name, in characters, for all three kinds.
pub const MIN_NAME_CHARS: usize = 1;
pub const MAX_NAME_CHARS: usize = 63;

/// A rule of spec 2.1 that a rejected name breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    /// Shorter than [`MIN_NAME_CHARS`] (the empty name).
    TooShort,
    /// Longer than [`MAX_NAME_CHARS`].
    TooLong,
    /// Does not match the model's pattern.
    Pattern,
}

/// A name that breaks one or more rules. Every broken rule is listed, because AWS reports the
/// length and the pattern of one member as separate validation errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct NameError {
    /// The API member, e.g. `FlowDefinitionName`.
    pub field: &'static str,
    pub value: String,
    /// The model's regular expression for this kind of name.
    pub pattern: &'static str,
    pub broken: Vec<NameRule>,
}

impl NameError {
    fn describe(&self) -> String {
        let length = self.value.chars().count();
        let reasons: Vec<String> = self
            .broken
            .iter()
            .map(|rule| match rule {
                NameRule::TooShort => "a name is required".to_owned(),
                NameRule::TooLong => {
                    format!("it has {length} characters, more than the {MAX_NAME_CHARS} allowed")
                }
                NameRule::Pattern => format!(
                    "it must match {} ({}letters and digits, hyphens only between them)",
                    self.pattern,
                    if self.pattern.contains("A-Z") {
                        ""
                    } else {
                        "lower-case "
                    }
                ),
            })
            .collect();
        format!(
            "invalid {} {:?}: {}",
            self.field,
            self.value,
            reasons.join("; ")
        )
    }
}

/// Which letters a kind of name may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Letters {
    Lower,
    LowerAndUpper,
}

impl Letters {
    fn allows(self, c: char) -> bool {
        c.is_ascii_lowercase() || (self == Letters::LowerAndUpper && c.is_ascii_uppercase())
    }
}

/// Checks an A2I name. `max_alphanumerics` is the repetition bound some patterns carry
/// (`{0,62}` allows 63 letters and digits at most); `None` for patterns ending in `*`.
fn check(
    field: &'static str,
    pattern: &'static str,
    letters: Letters,
    max_alphanumerics: Option<usize>,
    raw: &str,
) -> Result<String, NameError> {
    let length = raw.chars().count();
    let mut broken = Vec::new();
    if length < MIN_NAME_CHARS {
        broken.push(NameRule::TooShort);
    }
    if length > MAX_NAME_CHARS {
        broken.push(NameRule::TooLong);
    }
    let alphanumerics = raw
        .chars()
        .filter(|&c| letters.allows(c) || c.is_ascii_digit())
        .count();
    let matches =
        is_name_of(letters, raw) && max_alphanumerics.is_none_or(|max| alphanumerics <= max);
    if !matches {
        broken.push(NameRule::Pattern);
    }
    if broken.is_empty() {
        Ok(raw.to_owned())
    } else {
        Err(NameError {
            field,
            value: raw.to_owned(),
            pattern,
            broken,
        })
    }
}

/// `[a-z0-9](-*[a-z0-9])*` (or with `A-Z` too) over the whole value, any length.
fn is_name_of(letters: Letters, raw: &str) -> bool {
    !raw.is_empty()
        && raw
            .chars()
            .all(|c| letters.allows(c) || c.is_ascii_digit() || c == '-')
        && !raw.starts_with('-')
        && !raw.ends_with('-')
}

macro_rules! a2i_name {
    ($(#[$doc:meta])* $name:ident, $field:literal, $pattern:literal, $letters:expr, $max_alphanumerics:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The API member this name travels in.
            pub const FIELD: &'static str = $field;
            /// The model's pattern, quoted in error messages.
            pub const PATTERN: &'static str = $pattern;

            pub fn parse(raw: &str) -> Result<Self, NameError> {
                check(Self::FIELD, Self::PATTERN, $letters, $max_alphanumerics, raw).map(Self)
            }
        }

        text_newtype!($name, parsed by NameError);
    };
}

a2i_name!(
    /// A flow definition's name (`[a-z0-9](-*[a-z0-9]){0,62}`, 1-63 characters).
    FlowDefinitionName,
    "FlowDefinitionName",
    "[a-z0-9](-*[a-z0-9]){0,62}",
    Letters::Lower,
    Some(MAX_NAME_CHARS)
);

a2i_name!(
    /// A human task UI's (worker task template's) name (`[a-z0-9](-*[a-z0-9])*`, 1-63 characters).
    HumanTaskUiName,
    "HumanTaskUiName",
    "[a-z0-9](-*[a-z0-9])*",
    Letters::Lower,
    None
);

a2i_name!(
    /// A human loop's name (`^[a-zA-Z0-9](-*[a-zA-Z0-9])*$`, 1-63 characters), kept in its case
    /// in the ARN, the output path and output.json. Unique per account ignoring case ([IMPL]):
    /// `Foo` and `foo` would share an output folder on a case-insensitive disk.
    HumanLoopName,
    "HumanLoopName",
    "^[a-zA-Z0-9](-*[a-zA-Z0-9])*$",
    Letters::LowerAndUpper,
    None
);

a2i_name!(
    /// A SageMaker compilation job's name (`[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`, 1-63 characters),
    /// kept in its case; unique per account ignoring case, as SageMaker's names are.
    CompilationJobName,
    "CompilationJobName",
    "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
    Letters::LowerAndUpper,
    Some(MAX_NAME_CHARS)
);

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: [&str; 6] = ["a", "0", "my-flow", "a--b", "a-1-b", "x9"];
    const BAD: [&str; 7] = ["-a", "a-", "-", "a_b", "a b", "a.b", "é"];

    #[test]
    fn all_three_kinds_accept_lower_case_names_with_inner_hyphens() {
        let max = "a".repeat(63);
        for good in GOOD.into_iter().chain([max.as_str()]) {
            assert_eq!(FlowDefinitionName::parse(good).unwrap().as_str(), good);
            assert_eq!(HumanTaskUiName::parse(good).unwrap().as_str(), good);
            assert_eq!(HumanLoopName::parse(good).unwrap().as_str(), good);
        }
    }

    #[test]
    fn all_three_kinds_refuse_what_the_pattern_refuses() {
        for bad in BAD {
            for err in [
                FlowDefinitionName::parse(bad).unwrap_err(),
                HumanTaskUiName::parse(bad).unwrap_err(),
                HumanLoopName::parse(bad).unwrap_err(),
            ] {
                assert_eq!(err.broken, vec![NameRule::Pattern], "{bad:?}");
            }
        }
    }

    #[test]
    fn the_empty_name_breaks_both_length_and_pattern() {
        let err = HumanLoopName::parse("").unwrap_err();
        assert_eq!(err.broken, vec![NameRule::TooShort, NameRule::Pattern]);
        assert!(err.to_string().contains("a name is required"), "{err}");
    }

    #[test]
    fn sixty_four_characters_are_too_many() {
        let long = "a".repeat(64);
        // `{0,62}` caps the letters and digits too, so the flow definition pattern fails as well;
        // the patterns ending in `*` only fail on length.
        assert_eq!(
            FlowDefinitionName::parse(&long).unwrap_err().broken,
            vec![NameRule::TooLong, NameRule::Pattern]
        );
        assert_eq!(
            HumanTaskUiName::parse(&long).unwrap_err().broken,
            vec![NameRule::TooLong]
        );
        assert_eq!(
            HumanLoopName::parse(&long).unwrap_err().broken,
            vec![NameRule::TooLong]
        );
        // 63 characters with hyphens: fine for every kind.
        let hyphens = format!("a{}b", "-".repeat(61));
        assert!(FlowDefinitionName::parse(&hyphens).is_ok());
    }

    #[test]
    fn errors_name_the_field_and_the_rule() {
        let err = FlowDefinitionName::parse("My-Flow").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("FlowDefinitionName"), "{text}");
        assert!(text.contains("\"My-Flow\""), "{text}");
        assert!(text.contains("[a-z0-9](-*[a-z0-9]){0,62}"), "{text}");
        let err = HumanTaskUiName::parse(&"b".repeat(70)).unwrap_err();
        assert!(err.to_string().contains("70 characters, more than the 63"));
        assert_eq!(err.field, "HumanTaskUiName");
        assert_eq!(HumanLoopName::PATTERN, "^[a-zA-Z0-9](-*[a-zA-Z0-9])*$");
    }

    #[test]
    fn only_loop_names_may_have_capitals_and_they_keep_them() {
        for mixed in ["My-flow", "Fraud-detector-1613668909838", "ABC"] {
            assert_eq!(HumanLoopName::parse(mixed).unwrap().as_str(), mixed);
            let err = FlowDefinitionName::parse(mixed).unwrap_err();
            assert_eq!(err.broken, vec![NameRule::Pattern]);
            assert!(err.to_string().contains("(lower-case letters"), "{err}");
            assert_eq!(
                HumanTaskUiName::parse(mixed).unwrap_err().broken,
                vec![NameRule::Pattern]
            );
        }
        let err = HumanLoopName::parse("Bad_name").unwrap_err();
        assert!(err.to_string().contains("(letters and digits"), "{err}");
    }

    #[test]
    fn names_serialise_as_plain_strings_and_are_checked_when_read_back() {
        let name = HumanLoopName::parse("loop-0001").unwrap();
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"loop-0001\"");
        let back: HumanLoopName = serde_json::from_str("\"loop-0001\"").unwrap();
        assert_eq!(back, name);
        assert!(serde_json::from_str::<HumanLoopName>("\"Loop\"").is_ok());
        assert!(serde_json::from_str::<HumanLoopName>("\"-loop\"").is_err());
    }
}
