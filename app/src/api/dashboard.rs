//! The admin dashboard's figures, read in one call (the page polls it).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpendRow {
    pub flow: String,
    pub dollars: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    /// (status, loops), in lifecycle order.
    pub by_status: Vec<(String, i64)>,
    pub total_loops: i64,
    /// Loops started and completed per hour, oldest hour first (24 buckets).
    pub started: Vec<u32>,
    pub completed: Vec<u32>,
    /// `HH:00` (UTC) of each bucket.
    pub hours: Vec<String>,
    /// How long the oldest open loop has waited.
    pub backlog_age: Option<String>,
    pub median_to_complete: Option<String>,
    pub spend_today: Vec<SpendRow>,
    pub spend_today_total: String,
    pub spend_month: Vec<SpendRow>,
    pub spend_month_total: String,
    /// (worker, tasks submitted in the last 24 hours).
    pub busiest: Vec<(String, i64)>,
    /// When the figures were read, UTC.
    pub as_of: String,
}

#[server(prefix = "/api", endpoint = "admin/dashboard")]
pub async fn dashboard() -> Result<DashboardView, ServerFnError> {
    use super::{engine_error, services};
    use loupe_engine::domain::dashboard::{self, HOURS, humane, median_time_to_complete, per_hour};
    use loupe_engine::domain::pricing::MilliUsd;
    crate::session::require_admin()?;
    let services = services()?;
    let (now, data) = services
        .reviews
        .dashboard_data()
        .await
        .map_err(engine_error)?;
    const ORDER: [&str; 5] = ["InProgress", "Stopping", "Completed", "Failed", "Stopped"];
    let by_status: Vec<(String, i64)> = ORDER
        .iter()
        .map(|status| {
            let count = data
                .loops_by_status
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| *n);
            ((*status).to_owned(), count)
        })
        .collect();
    let spend = |rows: &[(String, MilliUsd)]| -> (Vec<SpendRow>, String) {
        let total: MilliUsd = rows.iter().map(|(_, m)| *m).sum();
        (
            rows.iter()
                .map(|(flow, m)| SpendRow {
                    flow: flow.clone(),
                    dollars: format!("${m}"),
                })
                .collect(),
            format!("${total}"),
        )
    };
    let (spend_today, spend_today_total) = spend(&data.spend_today);
    let (spend_month, spend_month_total) = spend(&data.spend_month);
    let first_hour = dashboard::hour_of(now) - (HOURS as i64 - 1);
    let hours = (0..HOURS as i64)
        .map(|i| format!("{:02}:00", (first_hour + i).rem_euclid(24)))
        .collect();
    Ok(DashboardView {
        total_loops: by_status.iter().map(|(_, n)| n).sum(),
        by_status,
        started: per_hour(&data.started_per_hour, now),
        completed: per_hour(&data.completed_per_hour, now),
        hours,
        backlog_age: data.oldest_open.map(|at| {
            humane(std::time::Duration::from_millis(
                u64::try_from(now.as_millis() - at.as_millis()).unwrap_or(0),
            ))
        }),
        median_to_complete: median_time_to_complete(&data.completions).map(humane),
        spend_today,
        spend_today_total,
        spend_month,
        spend_month_total,
        busiest: data.busiest_workers,
        as_of: now.to_second_utc()[11..].to_owned(),
    })
}
