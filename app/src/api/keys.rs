//! API keys, webhooks and the API audit log for the admin area. Secrets are shown once, in the
//! answer to the call that made them, and sealed with the master key at rest.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use super::form_errors::FieldError;
#[cfg(feature = "ssr")]
use super::form_errors::FormFields;

/// A secret made just now, to show once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSecret {
    pub id: String,
    pub secret: String,
}

/// What a create call answers: the new secret, or why not, at the form's fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Made {
    pub made: Option<NewSecret>,
    pub errors: Vec<FieldError>,
}

/// The new-key form (one input) and the new-webhook form.
#[cfg(feature = "ssr")]
const KEY_FIELDS: FormFields = FormFields::all_at("key_name");
#[cfg(feature = "ssr")]
const WEBHOOK_FIELDS: FormFields = FormFields::new(
    &[
        ("Name", "hook_name"),
        ("Url", "hook_url"),
        ("FlowDefinitionName", "hook_flow"),
    ],
    "hook_name",
)
.otherwise_at("hook_form");

#[cfg(feature = "ssr")]
impl Made {
    fn refused(fields: &FormFields, error: loupe_engine::services::ReviewError) -> Self {
        Self {
            made: None,
            errors: fields.errors(error),
        }
    }

    fn secret(id: String, secret: &str) -> Self {
        Self {
            made: Some(NewSecret {
                id,
                secret: secret.to_owned(),
            }),
            errors: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookRow {
    pub name: String,
    pub url: String,
    pub flow: Option<String>,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub webhook: String,
    pub event_id: String,
    pub state: String,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub key: Option<String>,
    pub operation: String,
    pub status: u16,
    pub error_type: Option<String>,
    pub duration_ms: String,
}

#[server(prefix = "/api", endpoint = "admin/key-create")]
pub async fn create_key(name: String) -> Result<Made, ServerFnError> {
    use super::services;
    crate::session::require_admin()?;
    let services = services()?;
    Ok(
        match services
            .reviews
            .issue_access_key(&services.master_key, &name)
            .await
        {
            Ok((key, secret)) => Made::secret(key.id.to_string(), secret.expose()),
            Err(error) => Made::refused(&KEY_FIELDS, error),
        },
    )
}

#[server(prefix = "/api", endpoint = "admin/key-revoke")]
pub async fn revoke_key(id: String) -> Result<(), ServerFnError> {
    use super::services;
    use loupe_engine::domain::keys::AccessKeyId;
    crate::session::require_admin()?;
    let services = services()?;
    let id = AccessKeyId::parse(&id).map_err(|e| ServerFnError::new(e.to_string()))?;
    services
        .reviews
        .revoke_access_key(&id)
        .await
        .map_err(super::engine_error)?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "admin/webhooks")]
pub async fn list_webhooks() -> Result<(Vec<WebhookRow>, Vec<DeliveryRow>), ServerFnError> {
    use super::{engine_error, services};
    crate::session::require_admin()?;
    let reviews = services()?.reviews;
    let hooks = reviews.webhooks().await.map_err(engine_error)?;
    let deliveries = reviews
        .deliveries(None, None, 20)
        .await
        .map_err(engine_error)?;
    Ok((
        hooks
            .into_iter()
            .map(|w| WebhookRow {
                name: w.name,
                url: w.url,
                flow: w.flow,
                created: w.created_at.to_minute_utc(),
            })
            .collect(),
        deliveries
            .into_iter()
            .map(|d| DeliveryRow {
                state: d.state().as_str().to_owned(),
                webhook: d.webhook,
                event_id: d.event_id,
                attempts: d.attempts,
                last_status: d.last_status,
                last_error: d.last_error,
                created: d.created_at.to_minute_utc(),
            })
            .collect(),
    ))
}

#[server(prefix = "/api", endpoint = "admin/webhook-add")]
pub async fn add_webhook(name: String, url: String, flow: String) -> Result<Made, ServerFnError> {
    use super::services;
    crate::session::require_admin()?;
    let services = services()?;
    Ok(
        match services
            .reviews
            .add_webhook(&services.master_key, &name, &url, Some(&flow), None)
            .await
        {
            Ok((stored, secret)) => Made::secret(stored.name, secret.expose()),
            Err(error) => Made::refused(&WEBHOOK_FIELDS, error),
        },
    )
}

#[server(prefix = "/api", endpoint = "admin/webhook-remove")]
pub async fn remove_webhook(name: String) -> Result<(), ServerFnError> {
    use super::{engine_error, services};
    use loupe_engine::domain::webhooks::WebhookName;
    crate::session::require_admin()?;
    let name = WebhookName::parse(&name).map_err(|e| ServerFnError::new(e.to_string()))?;
    services()?
        .reviews
        .remove_webhook(&name)
        .await
        .map_err(engine_error)?;
    Ok(())
}

/// API calls, newest first, 50 at a time, older than the call `before` (an id).
#[server(prefix = "/api", endpoint = "admin/audit")]
pub async fn audit_log(before: Option<i64>) -> Result<Vec<AuditRow>, ServerFnError> {
    use super::{engine_error, services};
    crate::session::require_admin()?;
    let calls = services()?
        .reviews
        .api_calls(before, 50)
        .await
        .map_err(engine_error)?;
    Ok(calls
        .into_iter()
        .map(|c| AuditRow {
            id: c.id,
            at: c.at.to_second_utc(),
            key: c.access_key_id,
            operation: c.operation,
            status: c.status,
            error_type: c.error_type,
            duration_ms: format!("{:.1}", c.duration_us as f64 / 1000.0),
        })
        .collect())
}
