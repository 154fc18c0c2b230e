//! The worker API: JSON over the browser session, for the worker pages, automation and load
//! tests. Every call acts as the signed-in person; POSTs pass the same CSRF check as forms (a
//! same-origin browser request, or the `loupe_csrf` cookie's value in `X-CSRF-Token`).
//!
//! - `GET  /work/api/queues`: the flow definitions of the worker's teams with tasks waiting.
//! - `POST /work/api/tasks/claim`, body `{"flow": "name"}` or `{}`: claims the oldest task the
//!   worker may take (of that flow, or of any queue); 200 with the task, 204 when none waits.
//! - `GET  /work/api/tasks/{id}`: a task the worker holds: its input, deadline and the rendered
//!   template.
//! - `POST /work/api/tasks/{id}/submit`, body `{"answer": {...}, "timeSpentInSeconds": 12.5}`.
//! - `POST /work/api/tasks/{id}/release` (back to the pool) and `/decline` (never offered
//!   this loop again).
//! - `POST /work/api/tasks/{id}/frame-left`: the task page saw the template's frame leave
//!   Loupe's document (navigated elsewhere); recorded for the admin's loop page.
//!
//! Errors are `{"error": "...", "code": "..."}`: 401 `SignInRequired`, 404 `NotFound`, 409
//! `NotHeld` / `TimeUp` / `Conflict`, 400 `BadRequest`, 503 `Unavailable`.

use std::time::Duration;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use loupe_app::session::SignedIn;
use loupe_engine::domain::accounts::User;
use loupe_engine::domain::clock::Timestamp;
use loupe_engine::domain::loops::{ClaimedTask, TaskId};
use loupe_engine::domain::names::FlowDefinitionName;
use loupe_engine::lifecycle::TaskRefusal;
use loupe_engine::lifecycle::task_input;
use loupe_engine::services::{QueueSummary, ReviewError};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::AppState;

pub const PREFIX: &str = "/work/api/";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/work/api/queues", get(queues))
        .route("/work/api/tasks/claim", post(claim))
        .route("/work/api/tasks/{id}", get(task))
        .route("/work/api/tasks/{id}/submit", post(submit))
        .route("/work/api/tasks/{id}/release", post(release))
        .route("/work/api/tasks/{id}/decline", post(decline))
        .route("/work/api/tasks/{id}/frame-left", post(frame_left))
}

/// The worker API's one error type, in its JSON shape.
#[derive(Debug)]
pub enum WorkerApiError {
    SignInRequired,
    NotFound(String),
    Refused(TaskRefusal),
    Conflict(String),
    BadRequest(String),
    Unavailable,
}

impl From<ReviewError> for WorkerApiError {
    fn from(error: ReviewError) -> Self {
        match error {
            ReviewError::NotFound(message) => Self::NotFound(message),
            ReviewError::Refused(refusal) => Self::Refused(refusal),
            ReviewError::Conflict(message) => Self::Conflict(message),
            ReviewError::Validation(violation) => Self::BadRequest(violation.to_string()),
            ReviewError::Request(error) => Self::BadRequest(error.to_string()),
            ReviewError::Store(error) => {
                tracing::error!(%error, "worker API call failed on the database");
                Self::Unavailable
            }
        }
    }
}

impl IntoResponse for WorkerApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            Self::SignInRequired => (
                StatusCode::UNAUTHORIZED,
                "SignInRequired",
                "sign in first".to_owned(),
            ),
            Self::NotFound(message) => (StatusCode::NOT_FOUND, "NotFound", message),
            Self::Refused(refusal) => (
                StatusCode::CONFLICT,
                match refusal {
                    TaskRefusal::NotHeld => "NotHeld",
                    TaskRefusal::TimeUp => "TimeUp",
                },
                refusal.to_string(),
            ),
            Self::Conflict(message) => (StatusCode::CONFLICT, "Conflict", message),
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, "BadRequest", message),
            Self::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Unavailable",
                "the database could not answer; try again".to_owned(),
            ),
        };
        (status, Json(json!({"error": message, "code": code}))).into_response()
    }
}

/// The signed-in person, or a 401 in the API's shape.
pub struct Worker(pub User);

impl<S: Send + Sync> FromRequestParts<S> for Worker {
    type Rejection = WorkerApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<SignedIn>()
            .map(|signed_in| Self(signed_in.0.clone()))
            .ok_or(WorkerApiError::SignInRequired)
    }
}

async fn queues(
    State(state): State<AppState>,
    Worker(user): Worker,
) -> Result<Json<Vec<QueueSummary>>, WorkerApiError> {
    Ok(Json(state.reviews.queue_summaries(user.id).await?))
}

#[derive(Debug, Default, Deserialize)]
struct ClaimRequest {
    #[serde(default)]
    flow: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Claimed {
    task_id: i64,
    human_loop_name: String,
    accepted_at: String,
    deadline: String,
}

impl From<ClaimedTask> for Claimed {
    fn from(task: ClaimedTask) -> Self {
        Self {
            task_id: task.task_id.0,
            human_loop_name: task.loop_name.to_string(),
            accepted_at: task.accepted_at.to_rfc3339(),
            deadline: task.deadline_at.to_rfc3339(),
        }
    }
}

async fn claim(
    State(state): State<AppState>,
    Worker(user): Worker,
    body: Option<Json<ClaimRequest>>,
) -> Result<Response, WorkerApiError> {
    let request = body.map(|Json(request)| request).unwrap_or_default();
    let flow = match request.flow.as_deref() {
        None | Some("") => None,
        Some(name) => {
            let name = FlowDefinitionName::parse(name)
                .map_err(|e| WorkerApiError::BadRequest(e.to_string()))?;
            // `claim_next` tells "not your queue" from "nothing waiting".
            let queue = match state.reviews.queue_named(&name).await {
                Ok(queue) => queue,
                Err(ReviewError::NotFound(_)) => {
                    return Err(WorkerApiError::NotFound(format!(
                        "{name} is not one of your queues"
                    )));
                }
                Err(error) => return Err(error.into()),
            };
            Some(queue)
        }
    };
    Ok(match state.reviews.claim_next(user.id, flow).await? {
        Some(task) => Json(Claimed::from(task)).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct HeldTask {
    task_id: i64,
    human_loop_name: String,
    flow: String,
    title: String,
    description: String,
    accepted_at: Option<String>,
    deadline: Option<String>,
    seconds_left: f64,
    /// What the template sees as `task.input`.
    input: Value,
    /// The template rendered against it, crowd-element script tags removed.
    html: Option<String>,
    /// Why it could not be rendered, with line and column.
    template_error: Option<String>,
}

async fn task(
    State(state): State<AppState>,
    Worker(user): Worker,
    Path(id): Path<i64>,
) -> Result<Json<HeldTask>, WorkerApiError> {
    let (task, human_loop, flow) = state.reviews.held_task(TaskId(id), user.id).await?;
    let input = task_input(&human_loop, &flow);
    let config = &flow.spec.human_loop_config;
    let (html, template_error) =
        match crate::task_frame::render_for_worker(&state, &human_loop, &flow)
            .await?
            .html
        {
            Ok(html) => (
                Some(loupe_engine::templates::without_crowd_script(&html)),
                None,
            ),
            Err(error) => (None, Some(error.to_string())),
        };
    let now = state.clock.now();
    let seconds_left = task
        .deadline_at
        .map(|deadline| (deadline.as_millis() - now.as_millis()).max(0) as f64 / 1000.0)
        .unwrap_or(0.0);
    Ok(Json(HeldTask {
        task_id: task.id.0,
        human_loop_name: human_loop.name.to_string(),
        flow: flow.name().to_string(),
        title: config.task_title.clone(),
        description: config.task_description.clone(),
        accepted_at: task.accepted_at.map(Timestamp::to_rfc3339),
        deadline: task.deadline_at.map(Timestamp::to_rfc3339),
        seconds_left,
        input,
        html,
        template_error,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubmitRequest {
    answer: Value,
    #[serde(default)]
    time_spent_in_seconds: Option<f64>,
}

async fn submit(
    State(state): State<AppState>,
    Worker(user): Worker,
    Path(id): Path<i64>,
    body: Result<Json<SubmitRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, WorkerApiError> {
    let Json(request) = body.map_err(|e| WorkerApiError::BadRequest(e.body_text()))?;
    if !request.answer.is_object() {
        return Err(WorkerApiError::BadRequest(
            "answer must be a JSON object: the form's named values".to_owned(),
        ));
    }
    let time_spent = match request.time_spent_in_seconds {
        None => None,
        Some(seconds) if seconds.is_finite() && seconds >= 0.0 => {
            Some(Duration::from_secs_f64(seconds.min(86_400.0 * 30.0)))
        }
        Some(_) => {
            return Err(WorkerApiError::BadRequest(
                "timeSpentInSeconds must be a number of seconds, 0 or more".to_owned(),
            ));
        }
    };
    let receipt = state
        .reviews
        .submit(TaskId(id), user.id, &request.answer, time_spent)
        .await?;
    Ok(Json(
        json!({"humanLoopStatus": receipt.loop_status.as_str()}),
    ))
}

async fn release(
    State(state): State<AppState>,
    Worker(user): Worker,
    Path(id): Path<i64>,
) -> Result<StatusCode, WorkerApiError> {
    state.reviews.release(TaskId(id), user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn decline(
    State(state): State<AppState>,
    Worker(user): Worker,
    Path(id): Path<i64>,
) -> Result<StatusCode, WorkerApiError> {
    state.reviews.decline(TaskId(id), user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn frame_left(
    State(state): State<AppState>,
    Worker(user): Worker,
    Path(id): Path<i64>,
) -> Result<StatusCode, WorkerApiError> {
    state
        .reviews
        .report_frame_departure(TaskId(id), user.id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
