//! Work teams: A2I's `CreateWorkteam` / `UpdateWorkteam`, and the admin pages' team management
//! (direct members, worker groups and their members).

use serde_json::Value;

use super::{ReviewError, Reviews, does_not_exist};
use crate::domain::accounts::{User, UserId};
use crate::domain::arns::WorkteamRef;
use crate::domain::names::FlowDefinitionName;
use crate::domain::teams::{
    NewTeam, Team, TeamDetails, TeamUpdate, WorkteamName, parse_group_name, parse_team_description,
};
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
            .ok_or_else(|| does_not_exist("Work team", name))
    }

    // --- The admin pages ---------------------------------------------------------------------

    pub async fn list_teams(&self) -> Result<Vec<Team>, ReviewError> {
        Ok(self.store.list_teams().await?)
    }

    /// The teams `user` is in, directly or through a worker group.
    pub async fn teams_of(&self, user: UserId) -> Result<Vec<Team>, ReviewError> {
        Ok(self.store.teams_of(user).await?)
    }

    /// A team made in the browser: a name and a description, no members yet.
    pub async fn create_team(
        &self,
        name: &WorkteamName,
        description: &str,
    ) -> Result<Team, ReviewError> {
        let description = parse_team_description(description)
            .map_err(|message| ReviewError::invalid("Description", message))?;
        Ok(self
            .store
            .create_team(&NewTeam {
                name: name.clone(),
                description,
                notification_topic_arn: None,
                groups: Vec::new(),
                created_at: self.now(),
                member_definitions: None,
                worker_access: None,
                tags: None,
            })
            .await?)
    }

    /// Everything the admin's team page shows, or `None` when there is no such team.
    pub async fn team_page(&self, name: &WorkteamName) -> Result<Option<TeamPage>, ReviewError> {
        let Some(details) = self.store.team_details(name).await? else {
            return Ok(None);
        };
        let users = self.store.list_users().await?;
        let mut groups = Vec::with_capacity(details.groups.len());
        for group in &details.groups {
            groups.push((group.clone(), self.store.worker_group_members(group).await?));
        }
        let mut flows: Vec<FlowDefinitionName> = self
            .store
            .list_flows()
            .await?
            .into_iter()
            .filter(|flow| {
                matches!(flow.spec.human_loop_config.workteam_arn.team(),
                    WorkteamRef::Private(team) if team == name)
            })
            .map(|flow| flow.name().clone())
            .collect();
        flows.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        Ok(Some(TeamPage {
            details,
            users,
            groups,
            flows,
        }))
    }

    pub async fn add_team_member(&self, team: &str, person: UserId) -> Result<(), ReviewError> {
        let team = &team_named(team)?;
        Ok(self.store.add_team_member(team, person, self.now()).await?)
    }

    pub async fn remove_team_member(&self, team: &str, person: UserId) -> Result<(), ReviewError> {
        let team = &team_named(team)?;
        Ok(self.store.remove_team_member(team, person).await?)
    }

    /// Puts a worker group's members on a team, creating the (empty) group when it is new.
    pub async fn add_team_group(&self, team: &str, group: &str) -> Result<(), ReviewError> {
        let team = &team_named(team)?;
        let group = parse_group_name(group).map_err(|m| ReviewError::invalid("Group", m))?;
        let now = self.now();
        self.store
            .ensure_worker_groups(std::slice::from_ref(&group), now)
            .await?;
        Ok(self.store.add_team_group(team, &group, now).await?)
    }

    /// Takes a group off a team; its members stay in the group.
    pub async fn remove_team_group(&self, team: &str, group: &str) -> Result<(), ReviewError> {
        let team = &team_named(team)?;
        Ok(self
            .store
            .remove_team_group(team, group, self.now())
            .await?)
    }

    /// Adds `person` to a worker group (`add`) or takes them out of it.
    pub async fn change_group_member(
        &self,
        group: &str,
        person: UserId,
        add: bool,
    ) -> Result<(), ReviewError> {
        let group = parse_group_name(group).map_err(|m| ReviewError::invalid("Group", m))?;
        let mut members = self.store.worker_group_members(&group).await?;
        members.retain(|member| *member != person);
        if add {
            members.push(person);
        }
        Ok(self
            .store
            .put_worker_group(&group, &members, self.now())
            .await?)
    }

    /// Refused while a flow definition that is not being deleted sends work to the team.
    pub async fn delete_team(&self, name: &WorkteamName) -> Result<(), ReviewError> {
        Ok(self.store.delete_team(name).await?)
    }
}

/// A team as its admin page shows it.
#[derive(Debug, Clone)]
pub struct TeamPage {
    pub details: TeamDetails,
    /// Everyone who signs in, for the pickers and for naming members.
    pub users: Vec<User>,
    /// Each of the team's worker groups with its members.
    pub groups: Vec<(String, Vec<UserId>)>,
    /// The flow definitions that send work to the team, by name.
    pub flows: Vec<FlowDefinitionName>,
}

/// A team name as a page sends it.
fn team_named(raw: &str) -> Result<WorkteamName, ReviewError> {
    WorkteamName::parse(raw.trim()).map_err(|e| ReviewError::invalid("WorkteamName", e.to_string()))
}
