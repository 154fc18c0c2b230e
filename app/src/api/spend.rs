//! Spend for the admin area: worker pay by flow, worker and day over a period, with totals.
//! The CSV of the same period is served by the server at `/admin/spend.csv`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpendLine {
    pub label: String,
    /// USD with three decimals, e.g. `0.036`.
    pub amount: String,
    pub tasks: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpendView {
    /// The period shown, `YYYY-MM-DD`, both days included.
    pub from: String,
    pub to: String,
    /// Why the asked-for period was not used, if it was not.
    pub error: Option<String>,
    pub total: SpendLine,
    pub by_flow: Vec<SpendLine>,
    pub by_worker: Vec<SpendLine>,
    pub by_day: Vec<SpendLine>,
}

/// Spend in the period `from`–`to` (`YYYY-MM-DD`, both included), or this month so far.
#[server(prefix = "/api", endpoint = "admin/spend")]
pub async fn spend_report(from: String, to: String) -> Result<SpendView, ServerFnError> {
    use super::{engine_error, services};
    use loupe_engine::domain::spend::{Period, SpendRow, day_label};
    use std::collections::HashMap;
    crate::session::require_admin()?;
    let services = services()?;
    let now = services.clock.now();
    let (period, error) = if from.is_empty() && to.is_empty() {
        (Period::month_of(now), None)
    } else {
        match Period::parse(&from, &to) {
            Some(period) => (period, None),
            None => (
                Period::month_of(now),
                Some(format!(
                    "\"{from}\" to \"{to}\" is not a period: give two dates, the first no later than the second. Showing this month."
                )),
            ),
        }
    };
    let summary = services
        .reviews
        .spend_summary(&period)
        .await
        .map_err(engine_error)?;
    let emails: HashMap<i64, String> = services
        .reviews
        .list_users()
        .await
        .map_err(engine_error)?
        .into_iter()
        .map(|u| (u.id.0, u.email.to_string()))
        .collect();
    let line = |label: String, row: SpendRow| SpendLine {
        label,
        amount: row.amount().to_string(),
        tasks: row.tasks,
    };
    let mut by_worker: Vec<SpendLine> = summary
        .by_worker
        .iter()
        .map(|(id, row)| {
            let email = emails
                .get(&id.0)
                .cloned()
                .unwrap_or_else(|| format!("user {}", id.0));
            line(email, *row)
        })
        .collect();
    by_worker.sort_by(|a, b| b.tasks.cmp(&a.tasks).then_with(|| a.label.cmp(&b.label)));
    let (from, to) = period.labels();
    Ok(SpendView {
        from,
        to,
        error,
        total: line("Total".to_owned(), summary.total()),
        by_flow: summary
            .by_flow
            .iter()
            .map(|(flow, row)| line(flow.clone(), *row))
            .collect(),
        by_worker,
        by_day: summary
            .by_day
            .iter()
            .map(|(day, row)| line(day_label(*day), *row))
            .collect(),
    })
}
