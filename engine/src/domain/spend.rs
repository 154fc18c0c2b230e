//! Worker pay over a period: sums by flow, worker and day (computed by the store), totals, and
//! the cost lines as CSV. Only the public crowd is paid through Loupe, so private-team work shows
//! as tasks with no money.

use std::fmt::Write as _;

use crate::domain::accounts::UserId;
use crate::domain::clock::Timestamp;
use crate::domain::pricing::MilliUsd;

const DAY_MILLIS: i64 = 86_400_000;

/// One paid task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostLine {
    pub flow_name: String,
    pub loop_name: String,
    pub worker: UserId,
    pub amount_millis: i64,
    pub recorded_at: Timestamp,
}

/// Money and work in one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SpendRow {
    /// Tenths of a cent.
    pub amount_millis: i64,
    /// Submitted tasks.
    pub tasks: i64,
}

impl SpendRow {
    pub fn amount(self) -> MilliUsd {
        MilliUsd::new(u64::try_from(self.amount_millis).unwrap_or(0))
    }
}

/// What the store sums; days are counted from the Unix epoch (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpendSummary {
    pub by_flow: Vec<(String, SpendRow)>,
    pub by_worker: Vec<(UserId, SpendRow)>,
    pub by_day: Vec<(i64, SpendRow)>,
}

impl SpendSummary {
    /// The whole period (each cost line is in exactly one flow group).
    pub fn total(&self) -> SpendRow {
        self.by_flow
            .iter()
            .fold(SpendRow::default(), |sum, (_, row)| SpendRow {
                amount_millis: sum.amount_millis + row.amount_millis,
                tasks: sum.tasks + row.tasks,
            })
    }
}

/// `YYYY-MM-DD` of a day number.
pub fn day_label(day: i64) -> String {
    Timestamp::from_millis(day * DAY_MILLIS).to_minute_utc()[..10].to_owned()
}

/// A period of whole UTC days, `from` inclusive to `to` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Timestamp,
    pub to: Timestamp,
}

impl Period {
    /// The calendar month that holds `now`, to now's day end.
    pub fn month_of(now: Timestamp) -> Self {
        let (year, month, _) = ymd(now);
        let from = start_of(year, month, 1);
        let day_end = (now.as_millis().div_euclid(DAY_MILLIS) + 1) * DAY_MILLIS;
        Self {
            from,
            to: Timestamp::from_millis(day_end),
        }
    }

    /// `YYYY-MM-DD` dates, both days included; `None` when either does not parse or `to` is
    /// before `from`.
    pub fn parse(from: &str, to: &str) -> Option<Self> {
        let from = parse_day(from)?;
        let to = parse_day(to)?.plus(std::time::Duration::from_millis(DAY_MILLIS as u64));
        (from < to).then_some(Self { from, to })
    }

    /// The first and last day, as `parse` takes them.
    pub fn labels(self) -> (String, String) {
        (
            day_label(self.from.as_millis().div_euclid(DAY_MILLIS)),
            day_label((self.to.as_millis() - 1).div_euclid(DAY_MILLIS)),
        )
    }
}

fn ymd(at: Timestamp) -> (i32, u8, u8) {
    let label = at.to_minute_utc();
    let year = label[0..4].parse().unwrap_or(1970);
    let month = label[5..7].parse().unwrap_or(1);
    let day = label[8..10].parse().unwrap_or(1);
    (year, month, day)
}

fn start_of(year: i32, month: u8, day: u8) -> Timestamp {
    let date = time::Month::try_from(month)
        .ok()
        .and_then(|m| time::Date::from_calendar_date(year, m, day).ok())
        .unwrap_or(time::Date::MIN);
    Timestamp::from(date.midnight().assume_utc())
}

fn parse_day(raw: &str) -> Option<Timestamp> {
    let raw = raw.trim();
    if raw.len() != 10 || &raw[4..5] != "-" || &raw[7..8] != "-" {
        return None;
    }
    let year: i32 = raw[0..4].parse().ok()?;
    let month: u8 = raw[5..7].parse().ok()?;
    let day: u8 = raw[8..10].parse().ok()?;
    let date =
        time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()?;
    Some(Timestamp::from(date.midnight().assume_utc()))
}

/// The cost lines as CSV (RFC 4180): one row per paid task, with the worker's email where known.
pub fn to_csv(lines: &[CostLine], email_of: impl Fn(UserId) -> Option<String>) -> String {
    let mut out = String::from("recorded_at_utc,flow_definition,human_loop,worker,amount_usd\r\n");
    for line in lines {
        let worker = email_of(line.worker).unwrap_or_else(|| format!("user {}", line.worker.0));
        let amount = MilliUsd::new(u64::try_from(line.amount_millis).unwrap_or(0));
        let _ = write!(
            out,
            "{},{},{},{},{amount}\r\n",
            line.recorded_at.to_rfc3339(),
            field(&line.flow_name),
            field(&line.loop_name),
            field(&worker),
        );
    }
    out
}

/// Quotes a CSV field when it needs it; a leading `=`, `+`, `-` or `@` is prefixed with `'` so
/// spreadsheets do not run it as a formula.
fn field(raw: &str) -> String {
    let raw = if raw.starts_with(['=', '+', '-', '@']) {
        format!("'{raw}")
    } else {
        raw.to_owned()
    };
    if raw.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", raw.replace('"', "\"\""))
    } else {
        raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_whole_utc_days() {
        let period = Period::parse("2026-11-01", "2026-11-30").unwrap();
        assert_eq!(period.labels(), ("2026-11-01".into(), "2026-11-30".into()));
        assert_eq!(
            period.to.as_millis() - period.from.as_millis(),
            30 * DAY_MILLIS
        );
        assert_eq!(Period::parse("2026-11-30", "2026-11-01"), None);
        assert_eq!(Period::parse("2026-02-30", "2026-03-01"), None);
        assert_eq!(Period::parse("yesterday", "2026-03-01"), None);
        let now = Period::parse("2026-11-27", "2026-11-27").unwrap().from;
        let month = Period::month_of(now.plus(std::time::Duration::from_secs(3600)));
        assert_eq!(month.labels(), ("2026-11-01".into(), "2026-11-27".into()));
        assert_eq!(day_label(now.as_millis() / DAY_MILLIS), "2026-11-27");
    }

    #[test]
    fn csv_quotes_and_defuses_fields() {
        let line = |flow: &str, amount| CostLine {
            flow_name: flow.into(),
            loop_name: "loop-1".into(),
            worker: UserId(7),
            amount_millis: amount,
            recorded_at: Timestamp::from_millis(1_800_000_000_000),
        };
        let csv = to_csv(&[line("plain", 36), line("=cmd,\"x\"", 1200)], |id| {
            (id == UserId(7)).then(|| "ana@example.org".to_owned())
        });
        let rows: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            rows[0],
            "recorded_at_utc,flow_definition,human_loop,worker,amount_usd"
        );
        assert!(
            rows[1].ends_with(",plain,loop-1,ana@example.org,0.036"),
            "{}",
            rows[1]
        );
        assert!(
            rows[2].contains(",\"'=cmd,\"\"x\"\"\",loop-1,"),
            "{}",
            rows[2]
        );
        assert!(rows[2].ends_with(",1.200"));
    }

    #[test]
    fn totals_add_up_the_flows() {
        let summary = SpendSummary {
            by_flow: vec![
                (
                    "a".into(),
                    SpendRow {
                        amount_millis: 36,
                        tasks: 3,
                    },
                ),
                (
                    "b".into(),
                    SpendRow {
                        amount_millis: 0,
                        tasks: 2,
                    },
                ),
            ],
            ..SpendSummary::default()
        };
        assert_eq!(
            summary.total(),
            SpendRow {
                amount_millis: 36,
                tasks: 5
            }
        );
        assert_eq!(summary.total().amount().to_string(), "0.036");
    }
}
