//! What the admin pages read to watch the work: loops and their tasks, the dashboard's figures,
//! worker pay and the API's call log.

use super::{ReviewError, Reviews};
use crate::domain::audit::ApiCall;
use crate::domain::clock::Timestamp;
use crate::domain::dashboard::{DashboardData, day_and_month_start, window_start};
use crate::domain::loops::{FrameDeparture, HumanLoop, Task};
use crate::domain::names::HumanLoopName;
use crate::domain::spend::{CostLine, Period, SpendSummary};
use crate::store::{LoopQuery, StoredEvent};

/// A loop with everything its admin page shows.
#[derive(Debug, Clone)]
pub struct LoopRecord {
    pub human_loop: HumanLoop,
    pub tasks: Vec<Task>,
    /// Times a worker's template frame left Loupe's document.
    pub departures: Vec<FrameDeparture>,
}

impl Reviews {
    /// Loops as the admin's loop list filters and pages them.
    pub async fn list_loops(&self, query: &LoopQuery) -> Result<Vec<HumanLoop>, ReviewError> {
        Ok(self.store.list_loops(query).await?)
    }

    /// The loop of this name with its tasks, or `None`.
    pub async fn loop_record(
        &self,
        name: &HumanLoopName,
    ) -> Result<Option<LoopRecord>, ReviewError> {
        let Some(human_loop) = self.store.find_loop(name).await? else {
            return Ok(None);
        };
        let tasks = self.store.tasks_of(human_loop.id).await?;
        let departures = self.store.frame_departures_of(human_loop.id).await?;
        Ok(Some(LoopRecord {
            human_loop,
            tasks,
            departures,
        }))
    }

    /// The dashboard's figures as of now, and that now.
    pub async fn dashboard_data(&self) -> Result<(Timestamp, DashboardData), ReviewError> {
        let now = self.now();
        let (day, month) = day_and_month_start(now);
        let data = self
            .store
            .dashboard_data(window_start(now), day, month)
            .await?;
        Ok((now, data))
    }

    /// Worker pay in `period`, summed by flow, worker and day.
    pub async fn spend_summary(&self, period: &Period) -> Result<SpendSummary, ReviewError> {
        Ok(self.store.spend_summary(period.from, period.to).await?)
    }

    /// Every accepted answer's pay in `period`.
    pub async fn cost_lines(&self, period: &Period) -> Result<Vec<CostLine>, ReviewError> {
        Ok(self.store.cost_lines(period.from, period.to).await?)
    }

    /// Appends the API's call log lines (one transaction for the batch).
    pub async fn record_api_calls(&self, calls: &[ApiCall]) -> Result<(), ReviewError> {
        Ok(self.store.record_api_calls(calls).await?)
    }

    /// Status-change events numbered above `seq`, in number order, up to `limit`.
    pub async fn events_after(
        &self,
        seq: i64,
        limit: u32,
    ) -> Result<Vec<StoredEvent>, ReviewError> {
        Ok(self.store.events_after(seq, limit).await?)
    }

    /// The highest event number so far, 0 when there is none.
    pub async fn last_event_seq(&self) -> Result<i64, ReviewError> {
        Ok(self.store.last_event_seq().await?)
    }

    /// API calls, newest first, older than the call `before` (an id) when given.
    pub async fn api_calls(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<ApiCall>, ReviewError> {
        Ok(self.store.api_calls(before, limit).await?)
    }
}
