//! What the worker area reads.

use leptos::prelude::*;

use super::admin::TeamRow;

/// The teams the signed-in person belongs to.
#[server(prefix = "/api", endpoint = "work/teams")]
pub async fn my_teams() -> Result<Vec<TeamRow>, ServerFnError> {
    use super::{services, store_error};
    let user = crate::session::require_user()?;
    let teams = services()?
        .store
        .teams_of(user.id)
        .await
        .map_err(store_error)?;
    Ok(teams.into_iter().map(TeamRow::from).collect())
}
