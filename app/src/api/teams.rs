//! Work teams for the admin area: create, read, delete; direct members and worker groups added
//! and removed; a group's own members managed from the team that uses it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use super::form_errors::FieldError;
#[cfg(feature = "ssr")]
use super::form_errors::{FormFields, WHOLE_FORM};

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

/// A form's answer: done, or messages for its fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamChange {
    pub errors: Vec<FieldError>,
}

/// The new-team form.
#[cfg(feature = "ssr")]
const TEAM_FIELDS: FormFields = FormFields::new(
    &[("WorkteamName", "name"), ("Description", "description")],
    "name",
);

/// A team page's add-a-person picker, its include-a-group form, and its buttons (which have no
/// field of their own).
#[cfg(feature = "ssr")]
const PERSON_FIELDS: FormFields = FormFields::all_at("person");
#[cfg(feature = "ssr")]
const GROUP_FIELDS: FormFields = FormFields::all_at("group");
#[cfg(feature = "ssr")]
const PAGE_FIELDS: FormFields = FormFields::all_at(WHOLE_FORM);

#[cfg(feature = "ssr")]
fn team_name(raw: &str) -> Result<loupe_engine::domain::teams::WorkteamName, String> {
    loupe_engine::domain::teams::WorkteamName::parse(raw.trim()).map_err(|e| e.to_string())
}

#[cfg(feature = "ssr")]
fn outcome<T>(
    fields: &FormFields,
    result: Result<T, loupe_engine::services::ReviewError>,
) -> TeamChange {
    TeamChange {
        errors: fields.outcome(result),
    }
}

#[server(prefix = "/api", endpoint = "admin/team-create")]
pub async fn create_team(name: String, description: String) -> Result<TeamChange, ServerFnError> {
    use super::services;
    crate::session::require_admin()?;
    let name = match team_name(&name) {
        Ok(name) => name,
        Err(e) => {
            return Ok(TeamChange {
                errors: vec![FieldError::at("name", e)],
            });
        }
    };
    let created = services()?.reviews.create_team(&name, &description).await;
    if created.is_ok() {
        leptos_axum::redirect(&format!("/admin/team/{name}"));
    }
    Ok(outcome(&TEAM_FIELDS, created))
}

#[server(prefix = "/api", endpoint = "admin/team")]
pub async fn team_page(name: String) -> Result<Option<TeamView>, ServerFnError> {
    use super::{engine_error, services};
    use std::collections::HashMap;
    crate::session::require_admin()?;
    let Ok(name) = team_name(&name) else {
        return Ok(None);
    };
    let services = services()?;
    let Some(page) = services
        .reviews
        .team_page(&name)
        .await
        .map_err(engine_error)?
    else {
        return Ok(None);
    };
    let people: Vec<Person> = page
        .users
        .iter()
        .map(|u| Person {
            id: u.id.0,
            email: u.email.to_string(),
            active: u.is_active(),
        })
        .collect();
    let by_id: HashMap<i64, &Person> = people.iter().map(|p| (p.id, p)).collect();
    let person =
        |id: &loupe_engine::domain::accounts::UserId| by_id.get(&id.0).map(|p| (*p).clone());
    Ok(Some(TeamView {
        arn: services.reviews.account().workteam_arn(&name).to_string(),
        name: name.to_string(),
        description: page.details.team.description.clone(),
        created: page.details.team.created_at.to_minute_utc(),
        members: page.details.members.iter().filter_map(person).collect(),
        groups: page
            .groups
            .iter()
            .map(|(group, members)| GroupView {
                name: group.clone(),
                members: members.iter().filter_map(person).collect(),
            })
            .collect(),
        flows: page.flows.iter().map(ToString::to_string).collect(),
        people,
    }))
}

#[server(prefix = "/api", endpoint = "admin/team-add-member")]
pub async fn add_member(team: String, person: i64) -> Result<TeamChange, ServerFnError> {
    use super::services;
    crate::session::require_admin()?;
    Ok(outcome(
        &PERSON_FIELDS,
        services()?
            .reviews
            .add_team_member(&team, loupe_engine::domain::accounts::UserId(person))
            .await,
    ))
}

#[server(prefix = "/api", endpoint = "admin/team-remove-member")]
pub async fn remove_member(team: String, person: i64) -> Result<TeamChange, ServerFnError> {
    use super::services;
    crate::session::require_admin()?;
    Ok(outcome(
        &PAGE_FIELDS,
        services()?
            .reviews
            .remove_team_member(&team, loupe_engine::domain::accounts::UserId(person))
            .await,
    ))
}

#[server(prefix = "/api", endpoint = "admin/team-add-group")]
pub async fn add_group(team: String, group: String) -> Result<TeamChange, ServerFnError> {
    use super::services;
    crate::session::require_admin()?;
    Ok(outcome(
        &GROUP_FIELDS,
        services()?.reviews.add_team_group(&team, &group).await,
    ))
}

#[server(prefix = "/api", endpoint = "admin/team-remove-group")]
pub async fn remove_group(team: String, group: String) -> Result<TeamChange, ServerFnError> {
    use super::services;
    crate::session::require_admin()?;
    Ok(outcome(
        &PAGE_FIELDS,
        services()?.reviews.remove_team_group(&team, &group).await,
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
    Ok(outcome(
        &PAGE_FIELDS,
        services()?
            .reviews
            .change_group_member(&group, UserId(person), add)
            .await,
    ))
}

#[server(prefix = "/api", endpoint = "admin/team-delete")]
pub async fn delete_team(name: String) -> Result<(), ServerFnError> {
    use super::services;
    crate::session::require_admin()?;
    let name = team_name(&name).map_err(ServerFnError::new)?;
    services()?
        .reviews
        .delete_team(&name)
        .await
        .map_err(super::engine_error)?;
    leptos_axum::redirect("/admin/teams");
    Ok(())
}
