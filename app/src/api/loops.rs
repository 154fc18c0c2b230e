//! Human loops for the admin area: a filtered, keyset-paged list and one loop's whole story
//! (input, activation, tasks, answers, cost, output), with stop and delete.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Loops shown per page.
pub const PAGE_SIZE: u32 = 50;

/// The list's filters, as the page's query string carries them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoopFilters {
    pub flow: String,
    pub status: String,
    /// `YYYY-MM-DDTHH:MM`, UTC, inclusive.
    pub from: String,
    /// `YYYY-MM-DDTHH:MM`, UTC, exclusive.
    pub to: String,
    /// A name prefix.
    pub name: String,
    /// Keyset position: `<created ms>.<id>` of the last row of the previous page.
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoopRow {
    pub name: String,
    pub flow: String,
    pub status: String,
    pub created: String,
    pub completed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoopPage {
    pub rows: Vec<LoopRow>,
    /// The `after` value of the next page, when there is one.
    pub next: Option<String>,
    /// Flow definition names, for the filter.
    pub flows: Vec<String>,
    /// A filter the list could not use, said plainly.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskInfo {
    pub slot: u8,
    pub status: String,
    pub worker: Option<String>,
    pub accepted: Option<String>,
    pub submitted: Option<String>,
    pub time_spent: Option<String>,
    /// Pretty-printed answer.
    pub answer: Option<String>,
}

/// A worker's task page saw the template's frame leave Loupe's document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameDepartureInfo {
    pub slot: u8,
    pub worker: String,
    pub times: i64,
    pub first: String,
    pub last: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoopInfo {
    pub name: String,
    pub arn: String,
    pub flow: String,
    pub status: String,
    pub failure: Option<String>,
    pub created: String,
    pub expires: String,
    pub completed: Option<String>,
    pub task_count: u8,
    /// Pretty-printed `InputContent` (as given when it is not JSON).
    pub input: String,
    /// Pretty-printed activation report, for built-in task types.
    pub activation: Option<String>,
    pub tasks: Vec<TaskInfo>,
    pub frame_departures: Vec<FrameDepartureInfo>,
    /// What the answers cost at the flow's task price (public crowd only), in dollars.
    pub cost: String,
    pub output_uri: Option<String>,
    /// A short-lived link to read `output.json`.
    pub output_link: Option<String>,
    pub can_stop: bool,
    pub can_delete: bool,
}

#[server(prefix = "/api", endpoint = "admin/loops")]
pub async fn list_loops(filters: LoopFilters) -> Result<LoopPage, ServerFnError> {
    use super::{engine_error, services};
    use loupe_engine::domain::clock::Timestamp;
    use loupe_engine::domain::loops::{HumanLoopStatus, LoopId};
    use loupe_engine::requests::human_loops::parse_time;
    use loupe_engine::services::LoopQuery;
    crate::session::require_admin()?;
    let services = services()?;
    let mut flows = services.reviews.list_flows().await.map_err(engine_error)?;
    flows.sort_by(|a, b| a.name().as_str().cmp(b.name().as_str()));
    let flow_names: Vec<String> = flows.iter().map(|f| f.name().to_string()).collect();
    let page = |rows, next, problem: Option<String>| LoopPage {
        rows,
        next,
        flows: flow_names.clone(),
        problem,
    };

    let mut query = LoopQuery {
        limit: PAGE_SIZE + 1,
        ..LoopQuery::default()
    };
    if !filters.flow.is_empty() {
        match flows.iter().find(|f| f.name().as_str() == filters.flow) {
            Some(flow) => query.flow = Some(flow.id),
            None => {
                return Ok(page(
                    Vec::new(),
                    None,
                    Some(format!(
                        "There is no flow definition named {}.",
                        filters.flow
                    )),
                ));
            }
        }
    }
    if !filters.status.is_empty() {
        match HumanLoopStatus::parse(&filters.status) {
            Some(status) => query.status = Some(status),
            None => {
                return Ok(page(
                    Vec::new(),
                    None,
                    Some(format!("{} is not a loop status.", filters.status)),
                ));
            }
        }
    }
    for (raw, slot, label) in [
        (&filters.from, &mut query.created_after, "From"),
        (&filters.to, &mut query.created_before, "To"),
    ] {
        if !raw.is_empty() {
            match parse_time(raw) {
                Some(at) => *slot = Some(at),
                None => {
                    return Ok(page(
                        Vec::new(),
                        None,
                        Some(format!("{label}: {raw:?} is not a date and time.")),
                    ));
                }
            }
        }
    }
    let name = filters.name.trim().to_ascii_lowercase();
    if !name.is_empty() {
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Ok(page(
                Vec::new(),
                None,
                Some("Loop names hold only letters, digits and hyphens.".to_owned()),
            ));
        }
        query.name_prefix = Some(name);
    }
    if let Some((millis, id)) = filters.after.split_once('.')
        && let (Ok(millis), Ok(id)) = (millis.parse(), id.parse())
    {
        query.after = Some((Timestamp::from_millis(millis), LoopId(id)));
    }
    let mut loops = services
        .reviews
        .list_loops(&query)
        .await
        .map_err(engine_error)?;
    let next = if loops.len() > PAGE_SIZE as usize {
        loops.truncate(PAGE_SIZE as usize);
        loops
            .last()
            .map(|l| format!("{}.{}", l.created_at.as_millis(), l.id.0))
    } else {
        None
    };
    let rows = loops
        .into_iter()
        .map(|l| LoopRow {
            name: l.name.to_string(),
            flow: l.flow_name.to_string(),
            status: l.status.as_str().to_owned(),
            created: l.created_at.to_second_utc(),
            completed: l
                .completed_at
                .map(loupe_engine::domain::clock::Timestamp::to_second_utc),
        })
        .collect();
    Ok(page(rows, next, None))
}

#[server(prefix = "/api", endpoint = "admin/loop")]
pub async fn loop_detail(name: String) -> Result<Option<LoopInfo>, ServerFnError> {
    use std::collections::HashMap;

    use super::{engine_error, services};
    use loupe_engine::domain::names::HumanLoopName;
    use loupe_engine::templates::ReadGrants as _;
    crate::session::require_admin()?;
    let Ok(name) = HumanLoopName::parse(&name) else {
        return Ok(None);
    };
    let services = services()?;
    let Some(record) = services
        .reviews
        .loop_record(&name)
        .await
        .map_err(engine_error)?
    else {
        return Ok(None);
    };
    let loupe_engine::services::LoopRecord {
        human_loop,
        tasks,
        departures,
    } = record;
    let emails: HashMap<_, _> = services
        .reviews
        .list_users()
        .await
        .map_err(engine_error)?
        .into_iter()
        .map(|u| (u.id, u.email.to_string()))
        .collect();
    let flow = services
        .reviews
        .find_flow_definition(&human_loop.flow_name)
        .await
        .ok();
    // Paid only on the public crowd, as the engine records cost lines.
    let pay = flow
        .as_ref()
        .and_then(|f| f.spec.human_loop_config.pay_per_task())
        .unwrap_or_default();
    let answered = tasks.iter().filter(|t| t.answer.is_some()).count() as u64;
    let cost = pay.times(answered);
    let pretty =
        |value: &serde_json::Value| serde_json::to_string_pretty(value).unwrap_or_default();
    let input = serde_json::from_str::<serde_json::Value>(&human_loop.input_content)
        .map(|v| pretty(&v))
        .unwrap_or_else(|_| human_loop.input_content.clone());
    // No link for an output that is not an S3 reference: `grant` refuses those.
    let output_link = human_loop
        .output_uri
        .as_deref()
        .and_then(|uri| services.same_origin_links().grant(uri).ok());
    let email_of = |worker: loupe_engine::domain::accounts::UserId| {
        emails
            .get(&worker)
            .cloned()
            .unwrap_or_else(|| format!("worker {}", worker.0))
    };
    let frame_departures = departures
        .into_iter()
        .map(|d| FrameDepartureInfo {
            slot: d.slot,
            worker: email_of(d.worker),
            times: d.times,
            first: d.first_at.to_second_utc(),
            last: d.last_at.to_second_utc(),
        })
        .collect();
    let status = human_loop.status;
    Ok(Some(LoopInfo {
        arn: services
            .reviews
            .account()
            .human_loop_arn(&human_loop.name)
            .to_string(),
        name: human_loop.name.to_string(),
        flow: human_loop.flow_name.to_string(),
        status: status.as_str().to_owned(),
        failure: human_loop.failure_code.map(|code| {
            format!(
                "{}: {}",
                code.as_str(),
                human_loop.failure_reason.clone().unwrap_or_default()
            )
        }),
        created: human_loop.created_at.to_second_utc(),
        expires: human_loop.expires_at.to_second_utc(),
        completed: human_loop
            .completed_at
            .map(loupe_engine::domain::clock::Timestamp::to_second_utc),
        task_count: human_loop.task_count,
        input,
        activation: human_loop
            .activation
            .as_ref()
            .and_then(|report| serde_json::to_value(report).ok())
            .as_ref()
            .map(pretty),
        tasks: tasks
            .into_iter()
            .map(|t| TaskInfo {
                slot: t.slot,
                status: t.status.as_str().to_owned(),
                worker: t.worker.map(email_of),
                accepted: t
                    .accepted_at
                    .map(loupe_engine::domain::clock::Timestamp::to_second_utc),
                submitted: t
                    .submitted_at
                    .map(loupe_engine::domain::clock::Timestamp::to_second_utc),
                time_spent: t
                    .time_spent_ms
                    .map(|ms| format!("{:.1} s", ms as f64 / 1000.0)),
                answer: t.answer.as_ref().map(pretty),
            })
            .collect(),
        frame_departures,
        cost: format!("${cost}"),
        output_uri: human_loop.output_uri.clone(),
        output_link,
        can_stop: !status.is_terminal() && status.as_str() != "Stopping",
        can_delete: status.is_terminal(),
    }))
}

#[server(prefix = "/api", endpoint = "admin/loop-stop")]
pub async fn stop_loop(name: String) -> Result<(), ServerFnError> {
    use super::services;
    use loupe_engine::domain::names::HumanLoopName;
    crate::session::require_admin()?;
    let name = HumanLoopName::parse(&name).map_err(|e| ServerFnError::new(e.to_string()))?;
    services()?
        .reviews
        .stop_human_loop(&name)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "admin/loop-delete")]
pub async fn delete_loop(name: String) -> Result<(), ServerFnError> {
    use super::services;
    use loupe_engine::domain::names::HumanLoopName;
    crate::session::require_admin()?;
    let name = HumanLoopName::parse(&name).map_err(|e| ServerFnError::new(e.to_string()))?;
    services()?
        .reviews
        .delete_human_loop(&name)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    leptos_axum::redirect("/admin/loops");
    Ok(())
}
