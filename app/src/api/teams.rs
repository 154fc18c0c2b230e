//! Work teams for the admin area: create, read, delete; direct members and worker groups added
//! and removed; a group's own members managed from the team that uses it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub email: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupView {
    pub name: String,
    pub members: Vec<Person>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamView {
    pub name: String,
    pub arn: String,
    pub description: String,
    pub created: String,
    pub members: Vec<Person>,
    pub groups: Vec<GroupView>,
    /// Everyone, for the add-a-person pickers.
    pub people: Vec<Person>,
    /// Flow definitions that send work to this team.
    pub flows: Vec<String>,
}

/// A form's answer: done, or a message for the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamChange {
    pub error: Option<String>,
}

#[cfg(feature = "ssr")]
fn outcome<E: std::fmt::Display>(result: Result<(), E>) -> TeamChange {
    TeamChange {
        error: result.err().map(|e| e.to_string()),
    }
}

#[cfg(feature = "ssr")]
fn team_name(raw: &str) -> Result<loupe_engine::domain::teams::WorkteamName, String> {
    loupe_engine::domain::teams::WorkteamName::parse(raw.trim()).map_err(|e| e.to_string())
}

/// Worker group names follow the Cognito group rules A2I's member definitions use.
#[cfg(feature = "ssr")]
fn group_name(raw: &str) -> Result<String, String> {
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

#[server(prefix = "/api", endpoint = "admin/team-create")]
pub async fn create_team(name: String, description: String) -> Result<TeamChange, ServerFnError> {
    use super::services;
    use loupe_engine::domain::teams::NewTeam;
    crate::session::require_admin()?;
    let name = match team_name(&name) {
        Ok(name) => name,
        Err(e) => return Ok(TeamChange { error: Some(e) }),
    };
    let description = description.trim().to_owned();
    if description.is_empty() || description.chars().count() > 200 {
        return Ok(TeamChange {
            error: Some("A description is 1–200 characters.".to_owned()),
        });
    }
    let services = services()?;
    let team = NewTeam {
        name: name.clone(),
        description,
        notification_topic_arn: None,
        groups: Vec::new(),
        created_at: services.clock.now(),
        member_definitions: None,
        worker_access: None,
        tags: None,
    };
    let created = services.store.create_team(&team).await;
    if created.is_ok() {
        leptos_axum::redirect(&format!("/admin/team/{name}"));
    }
    Ok(outcome(created.map(|_| ())))
}

#[server(prefix = "/api", endpoint = "admin/team")]
pub async fn team_page(name: String) -> Result<Option<TeamView>, ServerFnError> {
    use super::{services, store_error};
    use std::collections::HashMap;
    crate::session::require_admin()?;
    let Ok(name) = team_name(&name) else {
        return Ok(None);
    };
    let services = services()?;
    let store = &services.store;
    let Some(details) = store.team_details(&name).await.map_err(store_error)? else {
        return Ok(None);
    };
    let users = store.list_users().await.map_err(store_error)?;
    let by_id: HashMap<i64, Person> = users
        .iter()
        .map(|u| {
            (
                u.id.0,
                Person {
                    id: u.id.0,
                    email: u.email.to_string(),
                    active: u.is_active(),
                },
            )
        })
        .collect();
    let person = |id: &loupe_engine::domain::accounts::UserId| by_id.get(&id.0).cloned();
    let mut groups = Vec::new();
    for group in &details.groups {
        let members = store
            .worker_group_members(group)
            .await
            .map_err(store_error)?;
        groups.push(GroupView {
            name: group.clone(),
            members: members.iter().filter_map(person).collect(),
        });
    }
    let mut flows: Vec<String> = store
        .list_flows()
        .await
        .map_err(store_error)?
        .into_iter()
        .filter(|f| {
            matches!(f.spec.human_loop_config.workteam_arn.team(),
                loupe_engine::domain::arns::WorkteamRef::Private(team) if *team == name)
        })
        .map(|f| f.name().to_string())
        .collect();
    flows.sort();
    Ok(Some(TeamView {
        arn: services.reviews.account().workteam_arn(&name).to_string(),
        name: name.to_string(),
        description: details.team.description.clone(),
        created: details.team.created_at.to_minute_utc(),
        members: details.members.iter().filter_map(person).collect(),
        groups,
        people: users
            .iter()
            .map(|u| Person {
                id: u.id.0,
                email: u.email.to_string(),
                active: u.is_active(),
            })
            .collect(),
        flows,
    }))
}

#[server(prefix = "/api", endpoint = "admin/team-add-member")]
pub async fn add_member(team: String, person: i64) -> Result<TeamChange, ServerFnError> {
    use super::services;
    crate::session::require_admin()?;
    let team = match team_name(&team) {
        Ok(team) => team,
        Err(e) => return Ok(TeamChange { error: Some(e) }),
    };
    let services = services()?;
    let now = services.clock.now();
    Ok(outcome(
        services
            .store
            .add_team_member(&team, loupe_engine::domain::accounts::UserId(person), now)
            .await,
    ))
}

#[server(prefix = "/api", endpoint = "admin/team-remove-member")]
pub async fn remove_member(team: String, person: i64) -> Result<TeamChange, ServerFnError> {
    use super::services;
    crate::session::require_admin()?;
    let team = match team_name(&team) {
        Ok(team) => team,
        Err(e) => return Ok(TeamChange { error: Some(e) }),
    };
    Ok(outcome(
        services()?
            .store
            .remove_team_member(&team, loupe_engine::domain::accounts::UserId(person))
            .await,
    ))
}

#[server(prefix = "/api", endpoint = "admin/team-add-group")]
pub async fn add_group(team: String, group: String) -> Result<TeamChange, ServerFnError> {
    use super::services;
    crate::session::require_admin()?;
    let (team, group) = match (team_name(&team), group_name(&group)) {
        (Ok(team), Ok(group)) => (team, group),
        (Err(e), _) | (_, Err(e)) => return Ok(TeamChange { error: Some(e) }),
    };
    let services = services()?;
    let now = services.clock.now();
    let store = &services.store;
    let added = async {
        store
            .ensure_worker_groups(std::slice::from_ref(&group), now)
            .await?;
        store.add_team_group(&team, &group, now).await
    }
    .await;
    Ok(outcome(added))
}

#[server(prefix = "/api", endpoint = "admin/team-remove-group")]
pub async fn remove_group(team: String, group: String) -> Result<TeamChange, ServerFnError> {
    use super::services;
    crate::session::require_admin()?;
    let team = match team_name(&team) {
        Ok(team) => team,
        Err(e) => return Ok(TeamChange { error: Some(e) }),
    };
    let services = services()?;
    let now = services.clock.now();
    Ok(outcome(
        services.store.remove_team_group(&team, &group, now).await,
    ))
}

/// Adds (`add = true`) or removes a person from a worker group.
#[server(prefix = "/api", endpoint = "admin/group-member")]
pub async fn change_group_member(
    group: String,
    person: i64,
    add: bool,
) -> Result<TeamChange, ServerFnError> {
    use super::services;
    use loupe_engine::domain::accounts::UserId;
    crate::session::require_admin()?;
    let group = match group_name(&group) {
        Ok(group) => group,
        Err(e) => return Ok(TeamChange { error: Some(e) }),
    };
    let services = services()?;
    let store = &services.store;
    let changed = async {
        let mut members = store.worker_group_members(&group).await?;
        members.retain(|m| *m != UserId(person));
        if add {
            members.push(UserId(person));
        }
        store
            .put_worker_group(&group, &members, services.clock.now())
            .await
    }
    .await;
    Ok(outcome(changed))
}

#[server(prefix = "/api", endpoint = "admin/team-delete")]
pub async fn delete_team(name: String) -> Result<(), ServerFnError> {
    use super::services;
    crate::session::require_admin()?;
    let name = team_name(&name).map_err(ServerFnError::new)?;
    services()?
        .store
        .delete_team(&name)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    leptos_axum::redirect("/admin/teams");
    Ok(())
}
