//! Engine errors as messages at form fields. Each admin form says which of its fields fills which
//! request member; one reading of the member an error names then serves every form, so a message
//! lands at its field without anyone matching message text.

use serde::{Deserialize, Serialize};

/// Where a message goes when it names no field of the form.
pub const WHOLE_FORM: &str = "form";

/// A message for one form field (named as the form names it), or for the whole form
/// ([`WHOLE_FORM`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn at(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The messages for `field`, in the order they came.
    pub fn messages_for(errors: &[FieldError], field: &str) -> Vec<String> {
        errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.clone())
            .collect()
    }
}

/// A form's fields by the request members they fill.
#[derive(Debug, Clone, Copy)]
pub struct FormFields {
    /// `(member path, field)`. A path matches the member and everything below it, in either
    /// casing: AWS's constraint messages say `humanLoopConfig.taskCount`, the engine's own checks
    /// `HumanLoopConfig.TaskCount`, and `tags.1.member.key` belongs to `tags`.
    pub members: &'static [(&'static str, &'static str)],
    /// Where a conflict goes: it is about the name being taken.
    pub conflict: &'static str,
    /// Where a message about no member of the form goes.
    pub otherwise: &'static str,
}

impl FormFields {
    /// Members to fields; a conflict at `conflict`, anything else at the whole form.
    pub const fn new(
        members: &'static [(&'static str, &'static str)],
        conflict: &'static str,
    ) -> Self {
        Self {
            members,
            conflict,
            otherwise: WHOLE_FORM,
        }
    }

    /// Every message at one field: a form with one input, or buttons with none.
    pub const fn all_at(field: &'static str) -> Self {
        Self {
            members: &[],
            conflict: field,
            otherwise: field,
        }
    }

    /// Messages that name no member of the form at `field` instead of the whole form.
    pub const fn otherwise_at(self, field: &'static str) -> Self {
        Self {
            otherwise: field,
            ..self
        }
    }

    /// The field that fills `path`, or `otherwise`.
    pub fn field_of(&self, path: &str) -> &'static str {
        self.members
            .iter()
            .find(|(member, _)| is_at_or_below(path, member))
            .map_or(self.otherwise, |(_, field)| field)
    }
}

/// `path` is `member` or lies below it, ignoring case.
fn is_at_or_below(path: &str, member: &str) -> bool {
    path.len() >= member.len()
        && path.is_char_boundary(member.len())
        && path[..member.len()].eq_ignore_ascii_case(member)
        && matches!(path.as_bytes().get(member.len()), None | Some(b'.'))
}

#[cfg(feature = "ssr")]
mod server {
    use loupe_engine::domain::validation::RequestError;
    use loupe_engine::services::ReviewError;

    use super::{FieldError, FormFields};

    impl FormFields {
        /// An engine error as messages at this form's fields. A broken constraint says only the
        /// rule (its field shows which member); a database failure is logged and said
        /// generically.
        pub fn errors(&self, error: ReviewError) -> Vec<FieldError> {
            match error {
                ReviewError::Request(RequestError::Invalid(invalid)) => invalid
                    .violations()
                    .iter()
                    .map(|v| FieldError::at(self.field_of(v.path.as_str()), v.rule.to_string()))
                    .collect(),
                ReviewError::Validation(violation) => vec![FieldError::at(
                    violation
                        .member
                        .map_or(self.otherwise, |m| self.field_of(m)),
                    violation.message,
                )],
                ReviewError::Conflict(message) => vec![FieldError::at(self.conflict, message)],
                ReviewError::Store(error) => {
                    vec![FieldError::at(
                        self.otherwise,
                        crate::api::store_trouble(&error),
                    )]
                }
                other => vec![FieldError::at(self.otherwise, other.to_string())],
            }
        }

        /// A refused compilation job as messages at this form's fields, read the same way.
        pub fn compilation_errors(
            &self,
            error: loupe_engine::services::compilation::CompilationError,
        ) -> Vec<FieldError> {
            use loupe_engine::services::compilation::CompilationError;
            match error {
                CompilationError::Request(error) => self.errors(ReviewError::Request(error)),
                CompilationError::InUse(message) => vec![FieldError::at(self.conflict, message)],
                CompilationError::Store(error) => self.errors(ReviewError::Store(error)),
                other => vec![FieldError::at(self.otherwise, other.to_string())],
            }
        }

        /// The messages of a failed call, none for a successful one.
        pub fn outcome<T>(&self, result: Result<T, ReviewError>) -> Vec<FieldError> {
            result.err().map(|e| self.errors(e)).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: FormFields = FormFields::new(
        &[
            ("HumanLoopConfig.TaskCount", "task_count"),
            ("Tags", "tags"),
            ("Name", "name"),
        ],
        "name",
    );

    #[test]
    fn members_reach_their_field_in_either_casing_and_from_below() {
        for (path, field) in [
            ("humanLoopConfig.taskCount", "task_count"),
            ("HumanLoopConfig.TaskCount", "task_count"),
            ("tags.2.member.key", "tags"),
            ("name", "name"),
            // A longer member with the same start is another member.
            ("NameSpace", WHOLE_FORM),
            ("HumanLoopConfig", WHOLE_FORM),
            ("", WHOLE_FORM),
        ] {
            assert_eq!(FIELDS.field_of(path), field, "{path:?}");
        }
    }

    #[test]
    fn a_one_field_form_takes_every_message() {
        let fields = FormFields::all_at("group");
        assert_eq!(fields.field_of("Group"), "group");
        assert_eq!(fields.field_of("WorkteamName"), "group");
        assert_eq!(fields.conflict, "group");
        let fields = FIELDS.otherwise_at("hook_form");
        assert_eq!(fields.field_of("Elsewhere"), "hook_form");
        assert_eq!(fields.field_of("Tags"), "tags");
    }

    #[test]
    fn messages_are_picked_by_field_in_order() {
        let errors = [
            FieldError::at("name", "first"),
            FieldError::at(WHOLE_FORM, "other"),
            FieldError::at("name", "second"),
        ];
        assert_eq!(
            FieldError::messages_for(&errors, "name"),
            vec!["first".to_owned(), "second".to_owned()]
        );
        assert!(FieldError::messages_for(&errors, "tags").is_empty());
    }
}
