//! `GET /admin/spend.csv?from=YYYY-MM-DD&to=YYYY-MM-DD`: every paid or answered task of the
//! period as CSV, for spreadsheets and accounting. Behind the admin session like the pages.

use std::collections::HashMap;

use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use loupe_app::session::SignedIn;
use loupe_engine::domain::spend::{self, Period};
use serde::Deserialize;

use crate::AppState;

#[derive(Debug, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

pub async fn csv(
    State(state): State<AppState>,
    Query(query): Query<PeriodQuery>,
    req: Request,
) -> Response {
    match req.extensions().get::<SignedIn>() {
        Some(SignedIn(user)) if user.is_admin() => {}
        _ => return (StatusCode::FORBIDDEN, "this needs an admin account").into_response(),
    }
    let period = if query.from.is_empty() && query.to.is_empty() {
        Period::month_of(state.clock.now())
    } else {
        match Period::parse(&query.from, &query.to) {
            Some(period) => period,
            None => {
                return (
                    StatusCode::BAD_REQUEST,
                    "from and to must be dates (YYYY-MM-DD), from no later than to",
                )
                    .into_response();
            }
        }
    };
    let loaded = async {
        let lines = state.reviews.cost_lines(&period).await?;
        let users = state.reviews.list_users().await?;
        Ok::<_, loupe_engine::services::ReviewError>((lines, users))
    };
    let (lines, users) = match loaded.await {
        Ok(loaded) => loaded,
        Err(error) => {
            tracing::error!(%error, "spend export failed");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database could not answer",
            )
                .into_response();
        }
    };
    let emails: HashMap<i64, String> = users
        .into_iter()
        .map(|u| (u.id.0, u.email.to_string()))
        .collect();
    let body = spend::to_csv(&lines, |id| emails.get(&id.0).cloned());
    let (from, to) = period.labels();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"loupe-spend-{from}-to-{to}.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}
