//! SageMaker's work team requests (spec 3.4), read and checked: `CreateWorkteam` and
//! `UpdateWorkteam`.
//!
//! Loupe is its own workforce, so member definitions name Loupe **worker groups**: a Cognito
//! definition's `UserGroup` and each of an OIDC definition's `Groups` is the name of a group
//! (created empty when it does not exist yet; admins put workers in it). The definitions are also
//! kept as sent, so Describe returns what the caller wrote.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::arns::{after_arn_service, is_account_id, is_pattern_region};
use crate::domain::flows::tags::{Tag, read_tags};
use crate::domain::teams::WorkteamName;
use crate::domain::validation::{
    Members, Pattern, RequestError, Rule, Shown, StringRule, Violations, string_at,
};

const MAX_MEMBER_DEFINITIONS: usize = 10;
const MAX_OIDC_GROUPS: usize = 10;

const DESCRIPTION: StringRule = StringRule {
    min: 1,
    max: 200,
    pattern: Some(Pattern {
        regex: ".+",
        matches: has_no_line_terminator,
    }),
};
const USER_POOL: StringRule = StringRule {
    min: 1,
    max: 55,
    pattern: Some(Pattern {
        regex: r"[\w-]+_[0-9a-zA-Z]+",
        matches: is_user_pool,
    }),
};
const USER_GROUP: StringRule = StringRule {
    min: 1,
    max: 128,
    pattern: Some(Pattern {
        regex: r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+",
        matches: is_group_text,
    }),
};
const OIDC_GROUP: StringRule = StringRule {
    min: 1,
    max: 63,
    pattern: USER_GROUP.pattern,
};
const CLIENT_ID: StringRule = StringRule {
    min: 1,
    max: 1024,
    pattern: Some(Pattern {
        regex: "[ -~]+",
        matches: is_printable_ascii,
    }),
};
const TOPIC_ARN: StringRule = StringRule {
    min: 0,
    max: 2048,
    pattern: Some(Pattern {
        regex: r"arn:aws[a-z\-]*:sns:[a-z0-9\-]*:[0-9]{12}:[a-zA-Z0-9_.-]*",
        matches: is_topic_arn,
    }),
};

fn has_no_line_terminator(raw: &str) -> bool {
    !raw.is_empty()
        && !raw
            .chars()
            .any(|c| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'))
}

fn is_user_pool(raw: &str) -> bool {
    match raw.rsplit_once('_') {
        Some((region, id)) => {
            !region.is_empty()
                && region
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                && !id.is_empty()
                && id.chars().all(|c| c.is_ascii_alphanumeric())
        }
        None => false,
    }
}

/// Letters, marks, symbols, numbers and punctuation: no spaces, no control characters.
fn is_group_text(raw: &str) -> bool {
    !raw.is_empty() && raw.chars().all(|c| !c.is_whitespace() && !c.is_control())
}

fn is_printable_ascii(raw: &str) -> bool {
    !raw.is_empty() && raw.bytes().all(|b| (b' '..=b'~').contains(&b))
}

fn is_topic_arn(raw: &str) -> bool {
    let Some(rest) = after_arn_service(raw, ":sns:") else {
        return false;
    };
    let mut parts = rest.splitn(3, ':');
    let (Some(region), Some(account), Some(topic)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    is_pattern_region(region)
        && is_account_id(account)
        && topic
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// One `MemberDefinition`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberDefinition {
    #[serde(rename = "CognitoMemberDefinition", rename_all = "PascalCase")]
    Cognito {
        user_pool: String,
        user_group: String,
        client_id: String,
    },
    #[serde(rename = "OidcMemberDefinition", rename_all = "PascalCase")]
    Oidc { groups: Vec<String> },
}

impl MemberDefinition {
    /// The Loupe worker groups this definition names.
    pub fn group_names(&self) -> Vec<String> {
        match self {
            Self::Cognito { user_group, .. } => vec![user_group.clone()],
            Self::Oidc { groups } => groups.clone(),
        }
    }
}

/// The worker groups of a set of definitions, each once, in order.
pub fn group_names(definitions: &[MemberDefinition]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in definitions.iter().flat_map(MemberDefinition::group_names) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// `CreateWorkteam`, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkteamSpec {
    pub name: WorkteamName,
    pub description: String,
    pub member_definitions: Vec<MemberDefinition>,
    pub notification_topic_arn: Option<String>,
    /// `WorkerAccessConfiguration` as sent (kept and shown; Loupe serves files itself).
    pub worker_access: Option<Value>,
    pub tags: Vec<Tag>,
}

/// `UpdateWorkteam`, read: `None` leaves a setting as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkteamChange {
    pub name: WorkteamName,
    pub description: Option<String>,
    /// Replaces the definitions (and so the team's groups).
    pub member_definitions: Option<Vec<MemberDefinition>>,
    /// `Some(None)`: a `NotificationConfiguration` without a topic removes it.
    pub notification_topic_arn: Option<Option<String>>,
    pub worker_access: Option<Value>,
}

fn read_name(root: &Members, v: &mut Violations) -> Result<Option<WorkteamName>, RequestError> {
    let path = root.path_of("WorkteamName");
    let raw = v.required(&path, root.string("WorkteamName")?);
    Ok(raw.and_then(|raw| match WorkteamName::parse(raw) {
        Ok(name) => Some(name),
        Err(_) => {
            if raw.is_empty() {
                v.push(path.clone(), Shown::text(raw), Rule::MinLength(1));
            } else if raw.chars().count() > 63 {
                v.push(path.clone(), Shown::text(raw), Rule::MaxLength(63));
            }
            v.push(path, Shown::text(raw), Rule::Pattern(WorkteamName::PATTERN));
            None
        }
    }))
}

fn read_definitions(
    root: &Members,
    required: bool,
    v: &mut Violations,
) -> Result<Option<Vec<MemberDefinition>>, RequestError> {
    let path = root.path_of("MemberDefinitions");
    let items = match root.list("MemberDefinitions")? {
        Some(items) => items,
        None if required => {
            v.push(path, Shown::Null, Rule::NotNull);
            return Ok(None);
        }
        None => return Ok(None),
    };
    if !v.check_list_length(
        &path,
        || Shown::Hidden,
        items.len(),
        1,
        MAX_MEMBER_DEFINITIONS,
    ) {
        return Ok(None);
    }
    let mut definitions = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = path.element(i);
        let Some(member) = crate::domain::validation::structure_at(item, &item_path)? else {
            v.push(item_path, Shown::Null, Rule::NotNull);
            continue;
        };
        let cognito = member.structure("CognitoMemberDefinition")?;
        let oidc = member.structure("OidcMemberDefinition")?;
        match (cognito, oidc) {
            (Some(c), None) => {
                let pool = c.required_string("UserPool", &USER_POOL, v)?;
                let group = c.required_string("UserGroup", &USER_GROUP, v)?;
                let client = c.required_string("ClientId", &CLIENT_ID, v)?;
                if let (Some(pool), Some(group), Some(client)) = (pool, group, client) {
                    definitions.push(MemberDefinition::Cognito {
                        user_pool: pool.to_owned(),
                        user_group: group.to_owned(),
                        client_id: client.to_owned(),
                    });
                }
            }
            (None, Some(o)) => {
                let groups_path = o.path_of("Groups");
                let Some(groups) = v.required(&groups_path, o.list("Groups")?) else {
                    continue;
                };
                v.check_list_length(
                    &groups_path,
                    || Shown::Hidden,
                    groups.len(),
                    1,
                    MAX_OIDC_GROUPS,
                );
                let mut names = Vec::new();
                for (g, group) in groups.iter().enumerate() {
                    let group_path = groups_path.element(g);
                    match string_at(group, &group_path)? {
                        Some(name) if v.check_string(&group_path, name, &OIDC_GROUP) => {
                            names.push(name.to_owned());
                        }
                        Some(_) => {}
                        None => v.push(group_path, Shown::Null, Rule::NotNull),
                    }
                }
                definitions.push(MemberDefinition::Oidc { groups: names });
            }
            _ => v.push(
                item_path,
                Shown::Hidden,
                Rule::Other(
                    "Member must set exactly one of CognitoMemberDefinition and \
                     OidcMemberDefinition"
                        .to_owned(),
                ),
            ),
        }
    }
    let cognito: Vec<_> = definitions
        .iter()
        .filter_map(|d| match d {
            MemberDefinition::Cognito {
                user_pool,
                client_id,
                ..
            } => Some((user_pool, client_id)),
            MemberDefinition::Oidc { .. } => None,
        })
        .collect();
    if !cognito.is_empty() && cognito.len() != definitions.len() {
        v.push(
            path.clone(),
            Shown::Hidden,
            Rule::Other(
                "Member must not mix CognitoMemberDefinition and OidcMemberDefinition".to_owned(),
            ),
        );
    } else if cognito.windows(2).any(|pair| pair[0] != pair[1]) {
        v.push(
            path,
            Shown::Hidden,
            Rule::Other(
                "Member must use the same UserPool and ClientId in every CognitoMemberDefinition"
                    .to_owned(),
            ),
        );
    }
    Ok(Some(definitions))
}

fn read_notification(
    root: &Members,
    v: &mut Violations,
) -> Result<Option<Option<String>>, RequestError> {
    let Some(config) = root.structure("NotificationConfiguration")? else {
        return Ok(None);
    };
    Ok(Some(
        config
            .optional_string("NotificationTopicArn", &TOPIC_ARN, v)?
            .map(str::to_owned),
    ))
}

fn read_worker_access(
    request: &Value,
    root: &Members,
    v: &mut Violations,
) -> Result<Option<Value>, RequestError> {
    let Some(access) = root.structure("WorkerAccessConfiguration")? else {
        return Ok(None);
    };
    if let Some(presign) = access.structure("S3Presign")?
        && let Some(constraints) = presign.structure("IamPolicyConstraints")?
    {
        for member in ["SourceIp", "VpcSourceIp"] {
            if let Some(value) = constraints.string(member)?
                && !matches!(value, "Enabled" | "Disabled")
            {
                v.push(
                    constraints.path_of(member),
                    Shown::text(value),
                    Rule::EnumValueSet(vec!["Enabled", "Disabled"]),
                );
            }
        }
    }
    Ok(request.get("WorkerAccessConfiguration").cloned())
}

fn read_description(
    root: &Members,
    required: bool,
    v: &mut Violations,
) -> Result<Option<String>, RequestError> {
    let value = if required {
        root.required_string("Description", &DESCRIPTION, v)?
    } else {
        root.optional_string("Description", &DESCRIPTION, v)?
    };
    Ok(value.map(str::to_owned))
}

pub fn parse_create(request: &Value) -> Result<WorkteamSpec, RequestError> {
    let root = Members::of_request(request)?;
    let mut violations = Violations::default();
    let v = &mut violations;
    let name = read_name(&root, v)?;
    if let Some(workforce) = root.string("WorkforceName")?
        && !(1..=63).contains(&workforce.chars().count())
    {
        v.push(
            root.path_of("WorkforceName"),
            Shown::text(workforce),
            Rule::MaxLength(63),
        );
    }
    let definitions = read_definitions(&root, true, v)?;
    let description = read_description(&root, true, v)?;
    let notification = read_notification(&root, v)?;
    let worker_access = read_worker_access(request, &root, v)?;
    let tags = read_tags(&root, v)?;
    violations.finish()?;
    let (Some(name), Some(member_definitions), Some(description)) =
        (name, definitions, description)
    else {
        unreachable!("every absent or invalid required member was recorded as a violation");
    };
    Ok(WorkteamSpec {
        name,
        description,
        member_definitions,
        notification_topic_arn: notification.flatten(),
        worker_access,
        tags,
    })
}

pub fn parse_update(request: &Value) -> Result<WorkteamChange, RequestError> {
    let root = Members::of_request(request)?;
    let mut violations = Violations::default();
    let v = &mut violations;
    let name = read_name(&root, v)?;
    let member_definitions = read_definitions(&root, false, v)?;
    let description = read_description(&root, false, v)?;
    let notification_topic_arn = read_notification(&root, v)?;
    let worker_access = read_worker_access(request, &root, v)?;
    violations.finish()?;
    Ok(WorkteamChange {
        name: name.expect("recorded when absent or invalid"),
        description,
        member_definitions,
        notification_topic_arn,
        worker_access,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_oidc_and_cognito_teams() {
        let spec = parse_create(&json!({
            "WorkteamName": "Night-Shift",
            "Description": "after hours",
            "MemberDefinitions": [{"OidcMemberDefinition": {"Groups": ["late", "later"]}},
                                  {"OidcMemberDefinition": {"Groups": ["late"]}}],
            "NotificationConfiguration": {"NotificationTopicArn": "arn:aws:sns:us-east-1:123456789012:night"},
            "WorkerAccessConfiguration": {"S3Presign": {"IamPolicyConstraints": {"SourceIp": "Enabled"}}},
            "Tags": [{"Key": "k", "Value": "v"}]
        }))
        .unwrap();
        assert_eq!(spec.name.as_str(), "Night-Shift");
        assert_eq!(group_names(&spec.member_definitions), ["late", "later"]);
        assert_eq!(
            spec.notification_topic_arn.as_deref(),
            Some("arn:aws:sns:us-east-1:123456789012:night")
        );
        assert!(spec.worker_access.is_some());
        let cognito = parse_create(&json!({
            "WorkteamName": "c", "Description": "d",
            "MemberDefinitions": [{"CognitoMemberDefinition": {
                "UserPool": "us-east-1_abc123", "UserGroup": "labelers", "ClientId": "client"}}]
        }))
        .unwrap();
        assert_eq!(group_names(&cognito.member_definitions), ["labelers"]);
        assert_eq!(
            serde_json::to_value(&cognito.member_definitions).unwrap(),
            json!([{"CognitoMemberDefinition": {"UserPool": "us-east-1_abc123",
                    "UserGroup": "labelers", "ClientId": "client"}}])
        );
    }

    #[test]
    fn reports_broken_members() {
        let text = parse_create(&json!({
            "WorkteamName": "bad name",
            "MemberDefinitions": [
                {"CognitoMemberDefinition": {"UserPool": "nopool", "UserGroup": "g", "ClientId": "c"}},
                {"OidcMemberDefinition": {"Groups": []}},
                {}
            ],
            "NotificationConfiguration": {"NotificationTopicArn": "arn:aws:sqs:us-east-1:123456789012:q"},
            "WorkerAccessConfiguration": {"S3Presign": {"IamPolicyConstraints": {"SourceIp": "Maybe"}}}
        }))
        .unwrap_err()
        .to_string();
        for part in [
            "at 'workteamName' failed to satisfy constraint: Member must satisfy regular expression pattern",
            "Value null at 'description'",
            "at 'memberDefinitions.1.member.cognitoMemberDefinition.userPool'",
            "at 'memberDefinitions.2.member.oidcMemberDefinition.groups' failed to satisfy constraint: Member must have length greater than or equal to 1",
            "exactly one of CognitoMemberDefinition and OidcMemberDefinition",
            "at 'notificationConfiguration.notificationTopicArn'",
            "Member must satisfy enum value set: [Enabled, Disabled]",
        ] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
        let mixed_kinds = parse_create(&json!({
            "WorkteamName": "c", "Description": "d",
            "MemberDefinitions": [
                {"CognitoMemberDefinition": {"UserPool": "us-east-1_a", "UserGroup": "g", "ClientId": "c"}},
                {"OidcMemberDefinition": {"Groups": ["h"]}}]
        }))
        .unwrap_err();
        assert!(
            mixed_kinds.to_string().contains("must not mix"),
            "{mixed_kinds}"
        );
        let mixed_pools = parse_create(&json!({
            "WorkteamName": "c", "Description": "d",
            "MemberDefinitions": [
                {"CognitoMemberDefinition": {"UserPool": "us-east-1_a", "UserGroup": "g", "ClientId": "c"}},
                {"CognitoMemberDefinition": {"UserPool": "us-east-1_b", "UserGroup": "h", "ClientId": "c"}}]
        }))
        .unwrap_err();
        assert!(
            mixed_pools
                .to_string()
                .contains("same UserPool and ClientId")
        );
    }

    #[test]
    fn updates_change_only_what_they_name() {
        let change = parse_update(&json!({"WorkteamName": "t", "Description": "new"})).unwrap();
        assert_eq!(change.description.as_deref(), Some("new"));
        assert_eq!(change.member_definitions, None);
        assert_eq!(change.notification_topic_arn, None);
        let clear =
            parse_update(&json!({"WorkteamName": "t", "NotificationConfiguration": {}})).unwrap();
        assert_eq!(clear.notification_topic_arn, Some(None));
    }
}
