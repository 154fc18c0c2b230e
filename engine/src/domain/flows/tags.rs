//! Resource tags (`Tags`), the same shape and rules on every Create request.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::patterns;
use crate::domain::validation::{
    Members, Rule, ShapeError, Shown, StringRule, Violations, structure_at,
};

/// At most 50 tags per resource.
pub const MAX_TAGS: usize = 50;

pub const TAG_KEY: StringRule = StringRule {
    min: 1,
    max: 128,
    pattern: Some(patterns::TAG_TEXT),
};

pub const TAG_VALUE: StringRule = StringRule {
    min: 0,
    max: 256,
    pattern: Some(patterns::TAG_TEXT),
};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// Reads the request's `Tags` member (absent means none), recording broken rules. Keys must be
/// unique within the request (Loupe's rule; the model does not say).
pub fn read_tags(request: &Members, violations: &mut Violations) -> Result<Vec<Tag>, ShapeError> {
    let path = request.path_of("Tags");
    let Some(items) = request.list("Tags")? else {
        return Ok(Vec::new());
    };
    violations.check_list_length(&path, || Shown::Hidden, items.len(), 0, MAX_TAGS);
    let mut tags = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let element = path.element(index);
        let Some(members) = violations.required(&element, structure_at(item, &element)?) else {
            continue;
        };
        let key_path = members.path_of("Key");
        let value_path = members.path_of("Value");
        let key = violations.required(&key_path, members.string("Key")?);
        let value = violations.required(&value_path, members.string("Value")?);
        let key_ok = key.is_some_and(|key| violations.check_string(&key_path, key, &TAG_KEY));
        let value_ok =
            value.is_some_and(|value| violations.check_string(&value_path, value, &TAG_VALUE));
        if let (Some(key), Some(value), true, true) = (key, value, key_ok, value_ok) {
            tags.push(Tag {
                key: key.to_owned(),
                value: value.to_owned(),
            });
        }
    }
    let mut seen = HashSet::new();
    let mut repeated: Vec<&str> = Vec::new();
    for tag in &tags {
        if !seen.insert(tag.key.as_str()) && !repeated.contains(&tag.key.as_str()) {
            repeated.push(&tag.key);
        }
    }
    if !repeated.is_empty() {
        violations.push(
            path,
            Shown::Hidden,
            Rule::Other(format!(
                "Member must not repeat a tag key; repeated: {}",
                repeated.join(", ")
            )),
        );
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::domain::validation::ValidationErrors;

    fn read(body: Value) -> Result<Vec<Tag>, ValidationErrors> {
        let members = Members::of_request(&body).unwrap();
        let mut violations = Violations::default();
        let tags = read_tags(&members, &mut violations).unwrap();
        violations.finish().map(|()| tags)
    }

    fn messages(body: Value) -> Vec<String> {
        read(body)
            .unwrap_err()
            .violations()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn absent_or_empty_tags_are_no_tags() {
        assert_eq!(read(json!({})).unwrap(), vec![]);
        assert_eq!(read(json!({"Tags": null})).unwrap(), vec![]);
        assert_eq!(read(json!({"Tags": []})).unwrap(), vec![]);
    }

    #[test]
    fn tags_are_read_in_order() {
        let tags = read(json!({"Tags": [
            {"Key": "team", "Value": "fraud"},
            {"Key": "cost-centre", "Value": ""}
        ]}))
        .unwrap();
        assert_eq!(
            tags,
            vec![
                Tag {
                    key: "team".into(),
                    value: "fraud".into()
                },
                Tag {
                    key: "cost-centre".into(),
                    value: String::new()
                }
            ]
        );
        assert_eq!(
            serde_json::to_value(&tags[0]).unwrap(),
            json!({"Key": "team", "Value": "fraud"})
        );
    }

    #[test]
    fn at_most_fifty_tags() {
        let tags: Vec<Value> = (0..51)
            .map(|i| json!({"Key": format!("k{i}"), "Value": "v"}))
            .collect();
        assert_eq!(
            messages(json!({ "Tags": tags })),
            vec![
                "Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
            ]
        );
    }

    #[test]
    fn keys_and_values_have_lengths_and_a_pattern() {
        assert_eq!(
            messages(json!({"Tags": [
                {"Key": "", "Value": "v"},
                {"Key": "k!", "Value": "x".repeat(257)},
                {"Value": "v"},
                {"Key": "k".repeat(129), "Value": "a#b"}
            ]})),
            vec![
                "Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1".to_owned(),
                r"Value 'k!' at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: ([\p{L}\p{Z}\p{N}_.:/=+\-@]*)".to_owned(),
                format!("Value '{}' at 'tags.2.member.value' failed to satisfy constraint: Member must have length less than or equal to 256", "x".repeat(257)),
                "Value null at 'tags.3.member.key' failed to satisfy constraint: Member must not be null".to_owned(),
                format!("Value '{}' at 'tags.4.member.key' failed to satisfy constraint: Member must have length less than or equal to 128", "k".repeat(129)),
                r"Value 'a#b' at 'tags.4.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: ([\p{L}\p{Z}\p{N}_.:/=+\-@]*)".to_owned(),
            ]
        );
    }

    #[test]
    fn a_key_may_appear_once() {
        assert_eq!(
            messages(json!({"Tags": [
                {"Key": "a", "Value": "1"},
                {"Key": "a", "Value": "2"},
                {"Key": "a", "Value": "3"}
            ]})),
            vec![
                "Value at 'tags' failed to satisfy constraint: Member must not repeat a tag key; repeated: a"
            ]
        );
    }

    #[test]
    fn a_tag_that_is_not_an_object_is_malformed() {
        let body = json!({"Tags": ["team=fraud"]});
        let members = Members::of_request(&body).unwrap();
        let err = read_tags(&members, &mut Violations::default()).unwrap_err();
        assert_eq!(err.path.as_str(), "tags.1.member");
    }
}
