//! Reading the event log in order, once each, while it is being written.
//!
//! Events get increasing sequence numbers, but on PostgreSQL a number is taken when the row is
//! inserted and becomes visible when its transaction commits, so 7 can show up after 8. A
//! reader that only asked for "after the last number seen" would skip 7 forever. The
//! [`SeqTracker`] keeps a floor below which everything is settled, remembers what it has seen
//! above it, and waits a while for a missing number before counting it as a rolled-back
//! transaction's hole. Pure; the polling is the caller's.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::domain::clock::Timestamp;
use crate::store::StoredEvent;

/// How long a missing number is waited for. Loop-ending transactions are short; one still
/// open after this long has rolled back.
pub const GAP_WAIT: Duration = Duration::from_secs(10);

/// Missing numbers tracked at most; a larger jump (a sequence moved by hand) is skipped.
const MAX_GAPS: usize = 10_000;

#[derive(Debug, Clone)]
pub struct SeqTracker {
    /// Every number up to here was delivered or given up.
    floor: i64,
    /// Delivered numbers above the floor.
    seen: BTreeSet<i64>,
    /// Missing numbers above the floor, with when they were first missed.
    gaps: BTreeMap<i64, Timestamp>,
}

impl SeqTracker {
    /// Starts after `floor`: events numbered up to it count as delivered.
    pub fn after(floor: i64) -> Self {
        Self {
            floor,
            seen: BTreeSet::new(),
            gaps: BTreeMap::new(),
        }
    }

    /// The number to read after: `events_after(tracker.floor())`.
    pub fn floor(&self) -> i64 {
        self.floor
    }

    /// Takes one read's events (ascending), returns the ones not delivered before, in order.
    pub fn observe(&mut self, events: Vec<StoredEvent>, now: Timestamp) -> Vec<StoredEvent> {
        let mut fresh = Vec::new();
        for event in events {
            if event.seq > self.floor && self.seen.insert(event.seq) {
                self.gaps.remove(&event.seq);
                fresh.push(event);
            }
        }
        if let Some(&highest) = self.seen.last() {
            let first_unknown = self
                .gaps
                .last_key_value()
                .map_or(self.floor, |(&seq, _)| seq)
                .max(self.floor)
                + 1;
            if usize::try_from(highest - first_unknown).unwrap_or(usize::MAX) > MAX_GAPS {
                // Not a commit race: settle everything below the jump.
                self.floor = highest - 1;
                self.seen.retain(|&seq| seq > self.floor);
                self.gaps.clear();
            } else {
                for seq in first_unknown..highest {
                    if !self.seen.contains(&seq) {
                        self.gaps.entry(seq).or_insert(now);
                    }
                }
            }
        }
        self.advance(now);
        fresh
    }

    fn advance(&mut self, now: Timestamp) {
        loop {
            let next = self.floor + 1;
            if self.seen.remove(&next) {
                self.floor = next;
            } else if self
                .gaps
                .get(&next)
                .is_some_and(|&since| now >= since.plus(GAP_WAIT))
            {
                self.gaps.remove(&next);
                self.floor = next;
            } else {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64) -> StoredEvent {
        StoredEvent {
            seq,
            event_id: format!("e{seq}"),
            loop_name: format!("loop-{seq}"),
            status: "Completed".into(),
            payload: "{}".into(),
            output_id: None,
            created_at: Timestamp::from_millis(0),
        }
    }

    fn seqs(events: &[StoredEvent]) -> Vec<i64> {
        events.iter().map(|e| e.seq).collect()
    }

    #[test]
    fn in_order_events_pass_once_and_move_the_floor() {
        let now = Timestamp::from_millis(1_000);
        let mut tracker = SeqTracker::after(0);
        assert_eq!(
            seqs(&tracker.observe(vec![event(1), event(2)], now)),
            [1, 2]
        );
        assert_eq!(tracker.floor(), 2);
        assert_eq!(seqs(&tracker.observe(vec![event(3)], now)), [3]);
        assert!(tracker.observe(vec![], now).is_empty());
        assert_eq!(tracker.floor(), 3);
    }

    #[test]
    fn a_late_commit_is_delivered_and_not_repeated() {
        let now = Timestamp::from_millis(1_000);
        let mut tracker = SeqTracker::after(0);
        // 2 is still committing when 1 and 3 are read.
        assert_eq!(
            seqs(&tracker.observe(vec![event(1), event(3)], now)),
            [1, 3]
        );
        assert_eq!(tracker.floor(), 1);
        // The next read (after the floor) returns 3 again, and now 2.
        assert_eq!(
            seqs(&tracker.observe(vec![event(2), event(3), event(4)], now)),
            [2, 4]
        );
        assert_eq!(tracker.floor(), 4);
    }

    #[test]
    fn a_hole_that_never_fills_is_given_up_after_the_wait() {
        let start = Timestamp::from_millis(1_000);
        let mut tracker = SeqTracker::after(0);
        tracker.observe(vec![event(1), event(3)], start);
        tracker.observe(vec![event(3)], start.plus(Duration::from_secs(1)));
        assert_eq!(tracker.floor(), 1);
        tracker.observe(vec![event(3)], start.plus(GAP_WAIT));
        assert_eq!(tracker.floor(), 3);
    }

    #[test]
    fn a_huge_jump_is_not_tracked_number_by_number() {
        let now = Timestamp::from_millis(1_000);
        let mut tracker = SeqTracker::after(0);
        assert_eq!(
            seqs(&tracker.observe(vec![event(1), event(1_000_000)], now)),
            [1, 1_000_000]
        );
        assert_eq!(tracker.floor(), 1_000_000);
    }
}
