//! Worker task templates (human task UIs) for the admin area: list, read, preview, create and
//! delete, each one call into the engine. Previews use the same renderer as RenderUiTemplate and
//! the worker's task page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateRow {
    pub name: String,
    pub status: String,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateInfo {
    pub name: String,
    pub arn: String,
    pub status: String,
    pub created: String,
    pub sha256: String,
    pub content: String,
}

/// A starter template to begin from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StarterRow {
    pub id: String,
    pub title: String,
    pub description: String,
    pub content: String,
    /// Pretty-printed sample `task.input`.
    pub sample_input: String,
}

/// A rendered preview, or why it could not be rendered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub html: Option<String>,
    pub error: Option<String>,
}

pub use super::form_errors::FieldError;
#[cfg(feature = "ssr")]
use super::form_errors::FormFields;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateOutcome {
    pub created: Option<String>,
    pub errors: Vec<FieldError>,
}

#[server(prefix = "/api", endpoint = "admin/templates")]
pub async fn list_templates() -> Result<Vec<TemplateRow>, ServerFnError> {
    use super::{engine_error, services};
    crate::session::require_admin()?;
    let uis = services()?
        .reviews
        .list_task_uis()
        .await
        .map_err(engine_error)?;
    let mut rows: Vec<TemplateRow> = uis
        .into_iter()
        .map(|ui| TemplateRow {
            name: ui.name().to_string(),
            status: ui.status.as_str().to_owned(),
            created: ui.created_at.to_minute_utc(),
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(rows)
}

#[server(prefix = "/api", endpoint = "admin/template")]
pub async fn template_detail(name: String) -> Result<Option<TemplateInfo>, ServerFnError> {
    use super::services;
    use loupe_engine::domain::names::HumanTaskUiName;
    use loupe_engine::services::ReviewError;
    crate::session::require_admin()?;
    let Ok(name) = HumanTaskUiName::parse(&name) else {
        return Ok(None);
    };
    let services = services()?;
    match services.reviews.find_task_ui(&name).await {
        Ok(ui) => Ok(Some(TemplateInfo {
            arn: services
                .reviews
                .account()
                .human_task_ui_arn(&name)
                .to_string(),
            name: name.to_string(),
            status: ui.status.as_str().to_owned(),
            created: ui.created_at.to_minute_utc(),
            sha256: ui.spec.ui_template.content_sha256().to_string(),
            content: ui.spec.ui_template.content,
        })),
        Err(ReviewError::NotFound(_)) => Ok(None),
        Err(error) => Err(ServerFnError::new(error.to_string())),
    }
}

#[server(prefix = "/api", endpoint = "admin/template-starters")]
pub async fn template_starters() -> Result<Vec<StarterRow>, ServerFnError> {
    crate::session::require_admin()?;
    Ok(loupe_engine::templates::library::starters()
        .into_iter()
        .map(|s| StarterRow {
            id: s.id.to_owned(),
            title: s.title.to_owned(),
            description: s.description.to_owned(),
            content: s.content.to_owned(),
            sample_input: serde_json::to_string_pretty(&s.sample_input).unwrap_or_default(),
        })
        .collect())
}

/// Renders `content` against `input` (a JSON document) as a worker would see it; with the
/// assets of the stored template named `template`, when it is not empty.
#[server(prefix = "/api", endpoint = "admin/template-preview")]
pub async fn preview_template(
    content: String,
    input: String,
    template: String,
) -> Result<Preview, ServerFnError> {
    use super::services;
    use loupe_engine::domain::names::HumanTaskUiName;
    use loupe_engine::templates::AssetLinks;
    crate::session::require_admin()?;
    let input: serde_json::Value = match serde_json::from_str(&input) {
        Ok(input) => input,
        Err(error) => {
            return Ok(Preview {
                html: None,
                error: Some(format!("The sample input is not JSON: {error}")),
            });
        }
    };
    let services = services()?;
    let links = services.same_origin_links();
    let assets = if template.is_empty() {
        std::sync::Arc::new(AssetLinks::unavailable(
            "assets are uploaded on a saved template's page",
        ))
    } else {
        let name =
            HumanTaskUiName::parse(&template).map_err(|e| ServerFnError::new(e.to_string()))?;
        let reviews = &services.reviews;
        let ui = reviews
            .find_task_ui(&name)
            .await
            .map_err(super::engine_error)?;
        reviews
            .template_surroundings(&ui, "")
            .await
            .map_err(super::engine_error)?
            .assets
    };
    Ok(
        match loupe_engine::templates::render_with_assets(&content, &input, links, assets) {
            Ok(html) => Preview {
                html: Some(loupe_engine::templates::without_crowd_script(&html)),
                error: None,
            },
            Err(error) => Preview {
                html: None,
                error: Some(error.to_string()),
            },
        },
    )
}

#[server(prefix = "/api", endpoint = "admin/template-create")]
pub async fn create_template(
    name: String,
    content: String,
) -> Result<CreateOutcome, ServerFnError> {
    use super::services;
    use loupe_engine::services::ReviewError;
    crate::session::require_admin()?;
    let request = serde_json::json!({
        "HumanTaskUiName": name.trim(),
        "UiTemplate": {"Content": content},
    });
    let errors = match services()?.reviews.create_task_ui(&request).await {
        Ok(ui) => {
            leptos_axum::redirect(&format!("/admin/template/{}", ui.name()));
            return Ok(CreateOutcome {
                created: Some(ui.name().to_string()),
                errors: Vec::new(),
            });
        }
        // The model's constraint wording is for API callers; the form gives advice instead.
        Err(error @ ReviewError::Request(_)) => {
            let mut errors = TEMPLATE_FIELDS.errors(error);
            for error in errors.iter_mut().filter(|e| e.field == "name") {
                error.message = name_message(&error.message);
            }
            errors
        }
        Err(error) => TEMPLATE_FIELDS.errors(error),
    };
    Ok(CreateOutcome {
        created: None,
        errors,
    })
}

/// The template form's fields by the request members they fill.
#[cfg(feature = "ssr")]
const TEMPLATE_FIELDS: FormFields = FormFields::new(
    &[("HumanTaskUiName", "name"), ("UiTemplate", "content")],
    "name",
);

/// The model's wording for a broken name rule, turned into advice.
#[cfg(feature = "ssr")]
fn name_message(rule: &str) -> String {
    if rule.contains("pattern") {
        "Use lower-case letters, digits and hyphens, starting and ending with a letter or digit."
            .to_owned()
    } else if rule.contains("greater than or equal to 1") || rule.contains("null") {
        "A name is required.".to_owned()
    } else if rule.contains("less than or equal to") {
        "At most 63 characters.".to_owned()
    } else {
        rule.to_owned()
    }
}

#[server(prefix = "/api", endpoint = "admin/template-delete")]
pub async fn delete_template(name: String) -> Result<(), ServerFnError> {
    use super::services;
    use loupe_engine::domain::names::HumanTaskUiName;
    crate::session::require_admin()?;
    let name = HumanTaskUiName::parse(&name).map_err(|e| ServerFnError::new(e.to_string()))?;
    services()?
        .reviews
        .delete_task_ui(&name)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    leptos_axum::redirect("/admin/templates");
    Ok(())
}

/// One uploaded asset, as the template's page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetRow {
    pub name: String,
    /// Same-origin, content-addressed.
    pub url: String,
    pub size: String,
    pub content_type: String,
    pub replaces_url: Option<String>,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OriginRow {
    pub origin: String,
    pub added_by: String,
    pub added_at: String,
}

/// One line of the template's trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeRow {
    pub what: String,
    pub subject: String,
    pub actor: String,
    pub at: String,
}

/// What a template has beyond its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetsAndOrigins {
    pub assets: Vec<AssetRow>,
    pub origins: Vec<OriginRow>,
    pub changes: Vec<ChangeRow>,
}

#[server(prefix = "/api", endpoint = "admin/template-extras")]
pub async fn template_extras(name: String) -> Result<AssetsAndOrigins, ServerFnError> {
    use super::{engine_error, services};
    use loupe_engine::domain::names::HumanTaskUiName;
    use loupe_engine::domain::template_assets::{ChangeAction, describe_size};
    crate::session::require_admin()?;
    let name = HumanTaskUiName::parse(&name).map_err(|e| ServerFnError::new(e.to_string()))?;
    let reviews = services()?.reviews;
    let assets = reviews.template_assets(&name).await.map_err(engine_error)?;
    let origins = reviews
        .template_origins(&name)
        .await
        .map_err(engine_error)?;
    let changes = reviews
        .template_changes(&name)
        .await
        .map_err(engine_error)?;
    Ok(AssetsAndOrigins {
        assets: assets
            .into_iter()
            .map(|a| AssetRow {
                url: a.path(),
                name: a.name.to_string(),
                size: describe_size(a.size),
                content_type: a.content_type,
                replaces_url: a.replaces_url.map(|u| u.as_str().to_owned()),
                uploaded_by: a.uploaded_by,
                uploaded_at: a.uploaded_at.to_minute_utc(),
            })
            .collect(),
        origins: origins
            .into_iter()
            .map(|o| OriginRow {
                origin: o.origin.to_string(),
                added_by: o.added_by,
                added_at: o.added_at.to_minute_utc(),
            })
            .collect(),
        changes: changes
            .into_iter()
            .map(|c| ChangeRow {
                what: match c.action {
                    ChangeAction::AssetUploaded => "Uploaded asset",
                    ChangeAction::AssetDeleted => "Deleted asset",
                    ChangeAction::OriginAdded => "Allowed origin",
                    ChangeAction::OriginRemoved => "Removed origin",
                }
                .to_owned(),
                subject: c.subject,
                actor: c.actor,
                at: c.at.to_minute_utc(),
            })
            .collect(),
    })
}

#[server(prefix = "/api", endpoint = "admin/template-asset-delete")]
pub async fn delete_template_asset(template: String, asset: String) -> Result<(), ServerFnError> {
    use super::{engine_error, services};
    use loupe_engine::domain::names::HumanTaskUiName;
    let admin = crate::session::require_admin()?;
    let template =
        HumanTaskUiName::parse(&template).map_err(|e| ServerFnError::new(e.to_string()))?;
    services()?
        .reviews
        .delete_template_asset(&template, &asset, admin.email.as_str())
        .await
        .map_err(engine_error)
}

/// The answer of a form that changes one thing: its field messages, if it was refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeOutcome {
    pub errors: Vec<FieldError>,
}

#[server(prefix = "/api", endpoint = "admin/template-origin-allow")]
pub async fn allow_template_origin(
    template: String,
    origin: String,
) -> Result<ChangeOutcome, ServerFnError> {
    use super::services;
    use loupe_engine::domain::names::HumanTaskUiName;
    let admin = crate::session::require_admin()?;
    let template =
        HumanTaskUiName::parse(&template).map_err(|e| ServerFnError::new(e.to_string()))?;
    Ok(
        match services()?
            .reviews
            .allow_template_origin(&template, &origin, admin.email.as_str())
            .await
        {
            Ok(_) => ChangeOutcome { errors: Vec::new() },
            Err(error) => ChangeOutcome {
                errors: ORIGIN_FIELDS.errors(error),
            },
        },
    )
}

/// The origin form's one field.
#[cfg(feature = "ssr")]
const ORIGIN_FIELDS: FormFields = FormFields::all_at("origin");

#[server(prefix = "/api", endpoint = "admin/template-origin-remove")]
pub async fn remove_template_origin(template: String, origin: String) -> Result<(), ServerFnError> {
    use super::{engine_error, services};
    use loupe_engine::domain::names::HumanTaskUiName;
    let admin = crate::session::require_admin()?;
    let template =
        HumanTaskUiName::parse(&template).map_err(|e| ServerFnError::new(e.to_string()))?;
    services()?
        .reviews
        .remove_template_origin(&template, &origin, admin.email.as_str())
        .await
        .map_err(engine_error)
}
