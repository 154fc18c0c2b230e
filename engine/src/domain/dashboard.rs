//! The admin dashboard's figures: what the store counts, and the pure arithmetic on top
//! (hourly buckets, the median time to complete). Spend is in tenths of a cent.

use std::time::Duration;

use crate::domain::clock::Timestamp;
use crate::domain::pricing::MilliUsd;

/// Hours shown in the throughput chart.
pub const HOURS: usize = 24;
const HOUR_MS: i64 = 60 * 60 * 1000;

/// Raw figures, as the store reads them for a moment `now`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DashboardData {
    /// (status, loops), every status with at least one loop.
    pub loops_by_status: Vec<(String, i64)>,
    /// (hour since the epoch, loops started in it) for the last [`HOURS`] hours.
    pub started_per_hour: Vec<(i64, i64)>,
    /// (hour since the epoch, loops completed in it) for the last [`HOURS`] hours.
    pub completed_per_hour: Vec<(i64, i64)>,
    /// (created, completed) of the most recent completions of the last [`HOURS`] hours (at most
    /// [`MEDIAN_SAMPLE`]).
    pub completions: Vec<(Timestamp, Timestamp)>,
    /// When the oldest loop still open (`InProgress` or `Stopping`) was started.
    pub oldest_open: Option<Timestamp>,
    /// (flow, spend) since the start of the UTC day and of the UTC month.
    pub spend_today: Vec<(String, MilliUsd)>,
    pub spend_month: Vec<(String, MilliUsd)>,
    /// (worker email, tasks submitted in the last [`HOURS`] hours), busiest first.
    pub busiest_workers: Vec<(String, i64)>,
}

/// Completions the median is taken over, at most: the most recent ones.
pub const MEDIAN_SAMPLE: u32 = 20_000;

/// The hour (since the epoch) that a moment falls in, as the store groups them.
pub fn hour_of(at: Timestamp) -> i64 {
    at.as_millis().div_euclid(HOUR_MS)
}

/// The start of the window the dashboard counts: the first of the [`HOURS`] hours.
pub fn window_start(now: Timestamp) -> Timestamp {
    Timestamp::from_millis((hour_of(now) - (HOURS as i64 - 1)) * HOUR_MS)
}

/// Counts per hour for the last [`HOURS`] hours, oldest hour first; the last bucket is the
/// current (partial) hour.
pub fn per_hour(counts: &[(i64, i64)], now: Timestamp) -> Vec<u32> {
    let mut buckets = vec![0u32; HOURS];
    let current = hour_of(now);
    for &(hour, count) in counts {
        if let Ok(age) = usize::try_from(current - hour)
            && age < HOURS
        {
            buckets[HOURS - 1 - age] += u32::try_from(count).unwrap_or(u32::MAX);
        }
    }
    buckets
}

/// The median of (completed − created), `None` without completions.
pub fn median_time_to_complete(completed: &[(Timestamp, Timestamp)]) -> Option<Duration> {
    let mut spans: Vec<i64> = completed
        .iter()
        .map(|(created, done)| (done.as_millis() - created.as_millis()).max(0))
        .collect();
    if spans.is_empty() {
        return None;
    }
    spans.sort_unstable();
    let middle = spans.len() / 2;
    let median = if spans.len().is_multiple_of(2) {
        (spans[middle - 1] + spans[middle]) / 2
    } else {
        spans[middle]
    };
    Some(Duration::from_millis(u64::try_from(median).unwrap_or(0)))
}

/// The start of `now`'s UTC day and month.
pub fn day_and_month_start(now: Timestamp) -> (Timestamp, Timestamp) {
    let at = now.to_datetime();
    let day = at.replace_time(time::Time::MIDNIGHT);
    let month = day.replace_day(1).unwrap_or(day);
    (Timestamp::from(day), Timestamp::from(month))
}

/// "3 h 12 min", "45 s": a duration as people read it.
pub fn humane(duration: Duration) -> String {
    let seconds = duration.as_secs();
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} min {} s", seconds / 60, seconds % 60),
        3600..86400 => format!("{} h {} min", seconds / 3600, (seconds % 3600) / 60),
        _ => format!("{} d {} h", seconds / 86400, (seconds % 86400) / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_bucketed_oldest_first_and_old_ones_dropped() {
        let now = Timestamp::from_millis(100 * HOUR_MS + 10);
        assert_eq!(window_start(now), Timestamp::from_millis(77 * HOUR_MS));
        let buckets = per_hour(&[(100, 2), (99, 1), (77, 1), (76, 9)], now);
        assert_eq!(buckets.len(), HOURS);
        assert_eq!(buckets[HOURS - 1], 2);
        assert_eq!(buckets[HOURS - 2], 1);
        assert_eq!(buckets[0], 1);
        assert_eq!(buckets.iter().sum::<u32>(), 4);
    }

    #[test]
    fn the_median_is_the_middle_span() {
        let t = Timestamp::from_millis;
        assert_eq!(median_time_to_complete(&[]), None);
        assert_eq!(
            median_time_to_complete(&[(t(0), t(10_000)), (t(0), t(2_000)), (t(5), t(30_005))]),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            median_time_to_complete(&[(t(0), t(1_000)), (t(0), t(3_000))]),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn days_and_months_start_at_utc_midnight() {
        // 2026-11-27T10:11:12Z
        let now = Timestamp::from_millis(1_795_774_272_000);
        let (day, month) = day_and_month_start(now);
        assert_eq!(day.to_rfc3339(), "2026-11-27T00:00:00.000Z");
        assert_eq!(month.to_rfc3339(), "2026-11-01T00:00:00.000Z");
        assert_eq!(
            humane(Duration::from_secs(3 * 3600 + 12 * 60)),
            "3 h 12 min"
        );
        assert_eq!(humane(Duration::from_secs(45)), "45 s");
    }
}
