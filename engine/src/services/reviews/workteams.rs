//! Work teams as A2I's `CreateWorkteam` / `UpdateWorkteam` see them.

use serde_json::Value;

use super::{ReviewError, Reviews};
use crate::domain::teams::{NewTeam, TeamDetails, TeamUpdate, WorkteamName};
use crate::requests::workteams;

fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("plain data serializes")
}

impl Reviews {
    /// `CreateWorkteam`: the groups its member definitions name are created (empty) when they
    /// do not exist yet; admins put workers in them.
    pub async fn create_workteam(&self, request: &Value) -> Result<TeamDetails, ReviewError> {
        let spec = workteams::parse_create(request)?;
        let groups = workteams::group_names(&spec.member_definitions);
        let now = self.now();
        self.store.ensure_worker_groups(&groups, now).await?;
        self.store
            .create_team(&NewTeam {
                name: spec.name.clone(),
                description: spec.description,
                notification_topic_arn: spec.notification_topic_arn,
                groups,
                created_at: now,
                member_definitions: Some(to_json(&spec.member_definitions)),
                worker_access: spec.worker_access.map(|v| v.to_string()),
                tags: Some(to_json(&spec.tags)),
            })
            .await?;
        self.workteam(&spec.name).await
    }

    /// `UpdateWorkteam`: member definitions replace the team's groups.
    pub async fn update_workteam(&self, request: &Value) -> Result<TeamDetails, ReviewError> {
        let change = workteams::parse_update(request)?;
        let now = self.now();
        let groups = change
            .member_definitions
            .as_ref()
            .map(|d| workteams::group_names(d));
        if let Some(groups) = &groups {
            self.store.ensure_worker_groups(groups, now).await?;
        }
        self.store
            .update_team(
                &change.name,
                &TeamUpdate {
                    description: change.description,
                    notification_topic_arn: change.notification_topic_arn,
                    groups,
                    member_definitions: change.member_definitions.as_ref().map(to_json),
                    worker_access: change.worker_access.map(|v| v.to_string()),
                },
                now,
            )
            .await?;
        self.workteam(&change.name).await
    }

    pub async fn workteam(&self, name: &WorkteamName) -> Result<TeamDetails, ReviewError> {
        self.store
            .team_details(name)
            .await?
            .ok_or_else(|| ReviewError::NotFound(format!("Work team {name} does not exist")))
    }
}
