//! Work teams: named groups of workers that flow definitions send tasks to.

use serde::{Deserialize, Serialize};

use crate::domain::clock::Timestamp;
use crate::domain::macros::text_newtype;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TeamId(pub i64);

/// A work team's name: 1-63 characters, letters, digits and inner hyphens
/// (SageMaker's `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
// Read back only through the parser, so a stored or sent value is as valid as a new one.
#[serde(try_from = "String", into = "String")]
pub struct WorkteamName(String);

impl WorkteamName {
    /// The model's pattern, quoted in error messages.
    pub const PATTERN: &'static str = "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}";

    pub fn parse(raw: &str) -> Result<Self, InvalidWorkteamName> {
        let ok = !raw.is_empty()
            && raw.len() <= 63
            && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !raw.starts_with('-')
            && !raw.ends_with('-');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidWorkteamName(raw.to_owned()))
        }
    }
}

text_newtype!(WorkteamName, parsed by InvalidWorkteamName);

#[derive(Debug, thiserror::Error)]
#[error(
    "invalid work team name {0:?}: use 1-63 letters, digits and hyphens, starting and ending with a letter or digit"
)]
pub struct InvalidWorkteamName(pub String);

/// The admin pages' rule for a team's description: 1-200 characters once trimmed.
pub fn parse_team_description(raw: &str) -> Result<String, String> {
    let description = raw.trim();
    if description.is_empty() || description.chars().count() > 200 {
        return Err("A description is 1–200 characters.".to_owned());
    }
    Ok(description.to_owned())
}

/// Worker group names follow the Cognito group rules A2I's member definitions use: 1-128
/// letters, digits or `+ = , . @ - _`, once trimmed.
pub fn parse_group_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= 128
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || "+=,.@-_".contains(c));
    if ok {
        Ok(name.to_owned())
    } else {
        Err("A group name is 1–128 letters, digits or any of + = , . @ - _ (no spaces).".to_owned())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: TeamId,
    pub name: WorkteamName,
    pub description: String,
    pub created_at: Timestamp,
    pub member_count: i64,
}

/// A team with everything Describe shows: its settings, its workers and its groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamDetails {
    pub team: Team,
    /// `NotificationConfiguration.NotificationTopicArn`: kept and shown; Loupe sends no SNS.
    pub notification_topic_arn: Option<String>,
    /// Workers who are members directly.
    pub members: Vec<crate::domain::accounts::UserId>,
    /// Named worker groups whose members are members too.
    pub groups: Vec<String>,
    pub updated_at: Option<Timestamp>,
    /// `MemberDefinitions` as the API caller sent them (JSON); none for teams made in Loupe.
    pub member_definitions: Option<String>,
    /// `WorkerAccessConfiguration` as sent (JSON).
    pub worker_access: Option<String>,
    /// `Tags` as sent (JSON).
    pub tags: Option<String>,
}

/// A team to create.
#[derive(Debug, Clone)]
pub struct NewTeam {
    pub name: WorkteamName,
    pub description: String,
    pub notification_topic_arn: Option<String>,
    /// Worker groups that must exist already.
    pub groups: Vec<String>,
    pub created_at: Timestamp,
    /// API settings kept for Describe (JSON), see [`TeamDetails`].
    pub member_definitions: Option<String>,
    pub worker_access: Option<String>,
    pub tags: Option<String>,
}

/// What an update changes; `None` leaves a setting alone.
#[derive(Debug, Clone, Default)]
pub struct TeamUpdate {
    pub description: Option<String>,
    /// `Some(None)` removes the topic.
    pub notification_topic_arn: Option<Option<String>>,
    /// Replaces the team's groups.
    pub groups: Option<Vec<String>>,
    /// Replaces the stored `MemberDefinitions` (JSON).
    pub member_definitions: Option<String>,
    /// Replaces the stored `WorkerAccessConfiguration` (JSON).
    pub worker_access: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_sagemaker_pattern() {
        for good in ["a", "Team-1", "a--b", &"x".repeat(63)] {
            assert!(WorkteamName::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "-a", "a-", "a_b", "a b", &"x".repeat(64)] {
            assert!(WorkteamName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_read_back_only_through_the_parser() {
        let name: WorkteamName = serde_json::from_str("\"reviewers\"").unwrap();
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"reviewers\"");
        assert!(serde_json::from_str::<WorkteamName>("\"-not-a-name\"").is_err());
    }
}
