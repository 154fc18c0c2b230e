//! What the worker area reads. Claiming and answering go through the worker API
//! (`/work/api/...`), which the task page calls from the browser like any other client.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::admin::TeamRow;

/// The teams the signed-in person belongs to.
#[server(prefix = "/api", endpoint = "work/teams")]
pub async fn my_teams() -> Result<Vec<TeamRow>, ServerFnError> {
    use super::{engine_error, services};
    let user = crate::session::require_user()?;
    let teams = services()?
        .reviews
        .teams_of(user.id)
        .await
        .map_err(engine_error)?;
    Ok(teams.into_iter().map(TeamRow::from).collect())
}

/// One flow definition a worker can take tasks from.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct QueueRow {
    pub flow: String,
    pub title: String,
    pub description: String,
    pub keywords: Vec<String>,
    /// USD per task, when the public crowd is paid.
    pub price_usd: Option<String>,
    pub time_limit_seconds: u32,
    /// Items this worker could take now; a floor when `more_waiting`.
    pub available: i64,
    pub more_waiting: bool,
}

/// A task the worker holds and can go back to.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct HeldRow {
    pub task_id: i64,
    pub title: String,
    pub seconds_left: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct QueuesView {
    pub queues: Vec<QueueRow>,
    pub held: Vec<HeldRow>,
}

/// The queue page: the worker's queues with how many tasks wait, and the tasks they hold.
#[server(prefix = "/api", endpoint = "work/queues")]
pub async fn work_queues() -> Result<QueuesView, ServerFnError> {
    use super::services;
    let user = crate::session::require_user()?;
    let services = services()?;
    let now = services.clock.now();
    let overview = services
        .reviews
        .work_overview(user.id)
        .await
        .map_err(review_error)?;
    let summaries = overview.queues;
    let mut held = Vec::new();
    for (task, flow_id) in overview.held {
        let title = summaries
            .iter()
            .find(|queue| queue.flow_id == flow_id)
            .map(|queue| queue.title.clone())
            .unwrap_or_else(|| "A task".to_owned());
        let seconds_left = task
            .deadline_at
            .map(|deadline| (deadline.as_millis() - now.as_millis()).max(0) / 1000)
            .unwrap_or(0);
        held.push(HeldRow {
            task_id: task.id.0,
            title,
            seconds_left,
        });
    }
    let queues = summaries
        .into_iter()
        .map(|queue| QueueRow {
            flow: queue.flow,
            title: queue.title,
            description: queue.description,
            keywords: queue.keywords,
            price_usd: queue.price_usd,
            time_limit_seconds: queue.time_limit_seconds,
            available: queue.available,
            more_waiting: queue.more_waiting,
        })
        .collect();
    Ok(QueuesView { queues, held })
}

/// Claims the next task of `flow` (or of any queue when empty) and goes to it; back to the
/// queue page, saying so, when nothing waits. A plain form post, so it works without script.
#[server(prefix = "/api", endpoint = "work/start")]
pub async fn start_working(flow: String) -> Result<(), ServerFnError> {
    use loupe_engine::domain::names::FlowDefinitionName;
    let user = crate::session::require_user()?;
    let services = super::services()?;
    let flow_id = if flow.is_empty() {
        None
    } else {
        let name =
            FlowDefinitionName::parse(&flow).map_err(|e| ServerFnError::new(e.to_string()))?;
        let queues = services
            .reviews
            .queues_of(user.id)
            .await
            .map_err(review_error)?;
        let queue = queues
            .iter()
            .find(|q| *q.name() == name)
            .ok_or_else(|| ServerFnError::new(format!("{name} is not one of your queues")))?;
        Some(queue.id)
    };
    match services
        .reviews
        .claim_next(user.id, flow_id)
        .await
        .map_err(review_error)?
    {
        Some(task) => leptos_axum::redirect(&format!("/work/task/{}", task.task_id.0)),
        None => leptos_axum::redirect("/work?empty=1"),
    }
    Ok(())
}

/// What the task page shows around the template frame.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TaskView {
    pub task_id: i64,
    pub flow: String,
    pub title: String,
    pub description: String,
    pub price_usd: Option<String>,
    pub time_limit_seconds: u32,
    /// Milliseconds since the epoch, by the server's clock.
    pub deadline_ms: i64,
    pub server_now_ms: i64,
}

/// A task the signed-in worker holds; `None` when they do not (any more).
#[server(prefix = "/api", endpoint = "work/task")]
pub async fn held_task(task_id: i64) -> Result<Option<TaskView>, ServerFnError> {
    use loupe_engine::domain::loops::TaskId;
    use loupe_engine::services::ReviewError;
    let user = crate::session::require_user()?;
    let services = super::services()?;
    let (task, _, flow) = match services.reviews.held_task(TaskId(task_id), user.id).await {
        Ok(held) => held,
        Err(ReviewError::NotFound(_)) => return Ok(None),
        Err(error) => return Err(review_error(error)),
    };
    let config = &flow.spec.human_loop_config;
    Ok(Some(TaskView {
        task_id: task.id.0,
        flow: flow.name().to_string(),
        title: config.task_title.clone(),
        description: config.task_description.clone(),
        price_usd: config.pay_per_task().map(|price| price.to_string()),
        time_limit_seconds: config.task_time_limit_in_seconds,
        deadline_ms: task.deadline_at.map(|d| d.as_millis()).unwrap_or(0),
        server_now_ms: services.clock.now().as_millis(),
    }))
}

#[cfg(feature = "ssr")]
fn review_error(error: loupe_engine::services::ReviewError) -> ServerFnError {
    use loupe_engine::services::ReviewError;
    match error {
        ReviewError::Store(error) => super::store_error(error),
        other => ServerFnError::new(other.to_string()),
    }
}
