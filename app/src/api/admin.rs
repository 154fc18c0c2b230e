//! What the admin area reads.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamRow {
    pub name: String,
    pub description: String,
    pub members: i64,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyRow {
    pub id: String,
    pub name: String,
    pub status: String,
    pub created: String,
    pub revoked: Option<String>,
}

#[cfg(feature = "ssr")]
impl From<loupe_engine::domain::teams::Team> for TeamRow {
    fn from(team: loupe_engine::domain::teams::Team) -> Self {
        Self {
            name: team.name.to_string(),
            description: team.description,
            members: team.member_count,
            created: team.created_at.to_minute_utc(),
        }
    }
}

#[server(prefix = "/api", endpoint = "admin/teams")]
pub async fn list_teams() -> Result<Vec<TeamRow>, ServerFnError> {
    use super::{engine_error, services};
    crate::session::require_admin()?;
    let teams = services()?
        .reviews
        .list_teams()
        .await
        .map_err(engine_error)?;
    Ok(teams.into_iter().map(TeamRow::from).collect())
}

#[server(prefix = "/api", endpoint = "admin/keys")]
pub async fn list_access_keys() -> Result<Vec<KeyRow>, ServerFnError> {
    use super::{engine_error, services};
    use loupe_engine::domain::clock::Timestamp;
    crate::session::require_admin()?;
    let keys = services()?
        .reviews
        .list_access_keys()
        .await
        .map_err(engine_error)?;
    Ok(keys
        .into_iter()
        .map(|key| KeyRow {
            id: key.id.to_string(),
            name: key.name,
            status: key.status.as_str().to_owned(),
            created: key.created_at.to_minute_utc(),
            revoked: key.revoked_at.map(Timestamp::to_minute_utc),
        })
        .collect())
}
