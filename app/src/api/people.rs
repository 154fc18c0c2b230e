//! People for the admin area (invite, list, deactivate, reactivate, new link), and the public
//! invitation page where a new person chooses their password.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonRow {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub teams: Vec<String>,
    pub created: String,
    pub last_sign_in: Option<String>,
    /// `active`, `invited` or `deactivated`.
    pub status: String,
    /// What the status means in words, with its time.
    pub status_text: String,
}

/// A fresh invitation link, shown once; or why none was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteOutcome {
    pub email: String,
    pub link: Option<String>,
    pub expires: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationInfo {
    pub email: Option<String>,
    pub expires: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceptOutcome {
    pub password_error: Option<String>,
    pub error: Option<String>,
}

#[server(prefix = "/api", endpoint = "admin/people")]
pub async fn list_people() -> Result<Vec<PersonRow>, ServerFnError> {
    use super::{engine_error, services};
    use loupe_engine::domain::clock::Timestamp;
    use std::collections::HashMap;
    crate::session::require_admin()?;
    let reviews = services()?.reviews;
    let users = reviews.list_users().await.map_err(engine_error)?;
    let invited: HashMap<i64, Timestamp> = reviews
        .open_invitations()
        .await
        .map_err(engine_error)?
        .into_iter()
        .map(|(id, until)| (id.0, until))
        .collect();
    let mut rows = Vec::with_capacity(users.len());
    for user in users {
        let teams = reviews
            .team_names_of(user.id)
            .await
            .map_err(engine_error)?
            .into_iter()
            .map(|t| t.to_string())
            .collect();
        let (status, status_text) = if let Some(at) = user.deactivated_at {
            ("deactivated", format!("deactivated {}", at.to_minute_utc()))
        } else if let Some(until) = invited.get(&user.id.0) {
            (
                "invited",
                format!("invitation open until {}", until.to_minute_utc()),
            )
        } else {
            ("active", "active".to_owned())
        };
        rows.push(PersonRow {
            id: user.id.0,
            email: user.email.to_string(),
            role: user.role.to_string(),
            teams,
            created: user.created_at.to_minute_utc(),
            last_sign_in: user.last_login_at.map(Timestamp::to_minute_utc),
            status: status.to_owned(),
            status_text,
        });
    }
    Ok(rows)
}

/// `scheme://host` for links to copy: the public URL, or the host this request was sent to.
#[cfg(feature = "ssr")]
pub fn request_origin() -> String {
    let host = use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned)
    });
    match super::services() {
        Ok(services) => services.origins.origin(host.as_deref()),
        Err(_) => format!("http://{}", host.as_deref().unwrap_or("localhost")),
    }
}

#[cfg(feature = "ssr")]
fn invited(invited: loupe_engine::services::people::Invited) -> InviteOutcome {
    InviteOutcome {
        email: invited.user.email.to_string(),
        link: Some(format!(
            "{}/invite/{}",
            request_origin(),
            invited.token.expose()
        )),
        expires: Some(invited.expires_at.to_minute_utc()),
        error: None,
    }
}

/// Makes an account for `email` that signs in only after its invitation link sets a password.
#[server(prefix = "/api", endpoint = "admin/people-invite")]
pub async fn invite_person(
    email: String,
    role: String,
    team: String,
) -> Result<InviteOutcome, ServerFnError> {
    use super::services;
    use loupe_engine::domain::accounts::{Email, Role};
    use loupe_engine::domain::teams::WorkteamName;
    crate::session::require_admin()?;
    let refused = |error: String| InviteOutcome {
        email: email.clone(),
        link: None,
        expires: None,
        error: Some(error),
    };
    let parsed = match Email::parse(&email) {
        Ok(parsed) => parsed,
        Err(e) => return Ok(refused(e.to_string())),
    };
    let role = match Role::parse(&role) {
        Ok(role) => role,
        Err(e) => return Ok(refused(e.to_string())),
    };
    let teams = match team.trim() {
        "" => Vec::new(),
        name => match WorkteamName::parse(name) {
            Ok(name) => vec![name],
            Err(e) => return Ok(refused(e.to_string())),
        },
    };
    Ok(
        match services()?.reviews.invite(parsed, role, teams).await {
            Ok(made) => invited(made),
            Err(e) => refused(e.to_string()),
        },
    )
}

/// A new link for an existing account: its first sign-in, or a forgotten password.
#[server(prefix = "/api", endpoint = "admin/people-link")]
pub async fn new_invitation_link(id: i64) -> Result<InviteOutcome, ServerFnError> {
    use super::services;
    use loupe_engine::domain::accounts::UserId;
    crate::session::require_admin()?;
    Ok(match services()?.reviews.reinvite(UserId(id)).await {
        Ok(made) => invited(made),
        Err(e) => InviteOutcome {
            email: String::new(),
            link: None,
            expires: None,
            error: Some(e.to_string()),
        },
    })
}

/// Stops an account signing in and returns the tasks it holds to the pool at once.
#[server(prefix = "/api", endpoint = "admin/people-deactivate")]
pub async fn deactivate_person(id: i64) -> Result<u64, ServerFnError> {
    use super::services;
    use loupe_engine::domain::accounts::UserId;
    let admin = crate::session::require_admin()?;
    let returned = services()?
        .reviews
        .deactivate(UserId(id), admin.id)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    tracing::info!(user = id, by = %admin.email, returned, "account deactivated");
    Ok(returned)
}

#[server(prefix = "/api", endpoint = "admin/people-reactivate")]
pub async fn reactivate_person(id: i64) -> Result<(), ServerFnError> {
    use super::services;
    use loupe_engine::domain::accounts::UserId;
    crate::session::require_admin()?;
    services()?
        .reviews
        .reactivate(UserId(id))
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// Who an invitation link is for, or why it does not work. Open to anyone holding the link.
#[server(prefix = "/api", endpoint = "invitation")]
pub async fn check_invitation(token: String) -> Result<InvitationInfo, ServerFnError> {
    use super::services;
    use loupe_engine::services::people::InvitationToken;
    let found = match InvitationToken::parse(&token) {
        Ok(token) => services()?.reviews.invitation(&token).await,
        Err(e) => Err(e),
    };
    Ok(match found {
        Ok((user, until)) => InvitationInfo {
            email: Some(user.email.to_string()),
            expires: Some(until.to_minute_utc()),
            error: None,
        },
        Err(e) => InvitationInfo {
            email: None,
            expires: None,
            error: Some(e.to_string()),
        },
    })
}

/// Sets the password an invitation is for; on success the browser goes to sign-in.
#[server(prefix = "/api", endpoint = "invitation-accept")]
pub async fn accept_invitation(
    token: String,
    password: String,
    confirm: String,
) -> Result<AcceptOutcome, ServerFnError> {
    use super::services;
    use loupe_engine::domain::accounts::NewPassword;
    use loupe_engine::services::people::InvitationToken;
    let refused = |password_error: Option<String>, error: Option<String>| AcceptOutcome {
        password_error,
        error,
    };
    if password != confirm {
        return Ok(refused(
            Some("The two passwords are not the same.".into()),
            None,
        ));
    }
    let password = match NewPassword::parse(password) {
        Ok(password) => password,
        Err(e) => return Ok(refused(Some(format!("{e}.")), None)),
    };
    let token = match InvitationToken::parse(&token) {
        Ok(token) => token,
        Err(e) => return Ok(refused(None, Some(e.to_string()))),
    };
    match services()?
        .reviews
        .accept_invitation(&token, password)
        .await
    {
        Ok(user) => {
            let query = form_urlencoded_pair("email", user.email.as_str());
            leptos_axum::redirect(&format!("/login?welcome=1&{query}"));
            Ok(refused(None, None))
        }
        Err(e) => Ok(refused(None, Some(e.to_string()))),
    }
}

#[cfg(feature = "ssr")]
fn form_urlencoded_pair(key: &str, value: &str) -> String {
    let encoded: String = value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("{key}={encoded}")
}
