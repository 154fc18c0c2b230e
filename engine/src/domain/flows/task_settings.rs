//! How many workers see each task, and for how long (spec 6.1).

use std::fmt;

use serde::{Deserialize, Serialize};

/// `TaskCount`: the number of distinct workers who answer each human loop, 1-3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct TaskCount(u8);

impl TaskCount {
    pub const MIN: i64 = 1;
    pub const MAX: i64 = 3;

    pub fn new(count: i64) -> Result<Self, InvalidTaskCount> {
        u8::try_from(count)
            .ok()
            .filter(|n| (Self::MIN..=Self::MAX).contains(&i64::from(*n)))
            .map(Self)
            .ok_or(InvalidTaskCount(count))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl fmt::Display for TaskCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl TryFrom<i64> for TaskCount {
    type Error = InvalidTaskCount;

    fn try_from(count: i64) -> Result<Self, InvalidTaskCount> {
        Self::new(count)
    }
}

impl From<TaskCount> for u8 {
    fn from(count: TaskCount) -> u8 {
        count.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("TaskCount must be between 1 and 3 workers; {0} is not")]
pub struct InvalidTaskCount(pub i64);

/// Defaults and ceilings for the two task durations, where the current model says nothing
/// (spec 3.2.1 and 6.1 [IMPL]). The model's floors (1 s, 30 s) always apply. Operators may
/// override these; [`TaskLimits::default`] is the spec's recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskLimits {
    /// `TaskTimeLimitInSeconds` when omitted: 3600, the documented default.
    pub default_time_limit: u32,
    /// Largest `TaskTimeLimitInSeconds`: 28800 (8 h), the model's bound until 2024.
    pub max_time_limit: u32,
    /// `TaskAvailabilityLifetimeInSeconds` when omitted, private teams: 864000 (10 days).
    pub default_private_lifetime: u32,
    /// Largest lifetime, private teams: 864000, the model's bound until 2024.
    pub max_private_lifetime: u32,
    /// Lifetime when omitted, public crowd: 21600 (6 h), Ground Truth's Mechanical Turk default.
    pub default_public_lifetime: u32,
    /// Largest lifetime, public crowd: 43200 (12 h), Ground Truth's Mechanical Turk maximum.
    pub max_public_lifetime: u32,
}

impl TaskLimits {
    /// The model's floor for `TaskAvailabilityLifetimeInSeconds`.
    pub const MIN_LIFETIME: u32 = 1;
    /// The model's floor for `TaskTimeLimitInSeconds`.
    pub const MIN_TIME_LIMIT: u32 = 30;

    /// Refuses overrides that contradict themselves or the model's floors, so a bad
    /// configuration fails at start-up rather than on the first CreateFlowDefinition.
    pub fn check(&self) -> Result<(), InvalidTaskLimits> {
        let pairs = [
            (
                "time limit",
                Self::MIN_TIME_LIMIT,
                self.default_time_limit,
                self.max_time_limit,
            ),
            (
                "private team lifetime",
                Self::MIN_LIFETIME,
                self.default_private_lifetime,
                self.max_private_lifetime,
            ),
            (
                "public crowd lifetime",
                Self::MIN_LIFETIME,
                self.default_public_lifetime,
                self.max_public_lifetime,
            ),
        ];
        for (what, min, default, max) in pairs {
            if !(min <= default && default <= max) {
                return Err(InvalidTaskLimits(format!(
                    "the default {what} ({default} s) must lie between {min} s and the maximum ({max} s)"
                )));
            }
        }
        Ok(())
    }

    pub fn default_lifetime(&self, public_crowd: bool) -> u32 {
        if public_crowd {
            self.default_public_lifetime
        } else {
            self.default_private_lifetime
        }
    }

    pub fn max_lifetime(&self, public_crowd: bool) -> u32 {
        if public_crowd {
            self.max_public_lifetime
        } else {
            self.max_private_lifetime
        }
    }
}

impl Default for TaskLimits {
    fn default() -> Self {
        Self {
            default_time_limit: 3_600,
            max_time_limit: 28_800,
            default_private_lifetime: 864_000,
            max_private_lifetime: 864_000,
            default_public_lifetime: 21_600,
            max_public_lifetime: 43_200,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid task limits: {0}")]
pub struct InvalidTaskLimits(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_count_is_one_to_three() {
        assert_eq!(TaskCount::new(1).unwrap().get(), 1);
        assert_eq!(TaskCount::new(3).unwrap().get(), 3);
        for bad in [0, 4, -1, 256, i64::MAX] {
            assert_eq!(TaskCount::new(bad), Err(InvalidTaskCount(bad)));
        }
        assert!(InvalidTaskCount(4).to_string().contains("between 1 and 3"));
        assert_eq!(
            serde_json::to_string(&TaskCount::new(2).unwrap()).unwrap(),
            "2"
        );
        assert!(serde_json::from_str::<TaskCount>("4").is_err());
    }

    #[test]
    fn default_limits_follow_the_spec() {
        let limits = TaskLimits::default();
        assert!(limits.check().is_ok());
        assert_eq!(limits.default_time_limit, 3_600);
        assert_eq!(limits.max_time_limit, 28_800);
        assert_eq!(limits.default_lifetime(false), 864_000);
        assert_eq!(limits.max_lifetime(false), 864_000);
        assert_eq!(limits.default_lifetime(true), 21_600);
        assert_eq!(limits.max_lifetime(true), 43_200);
    }

    #[test]
    fn contradictory_overrides_are_refused() {
        let limits = TaskLimits {
            default_public_lifetime: 50_000,
            ..TaskLimits::default()
        };
        let err = limits.check().unwrap_err();
        assert!(err.to_string().contains("public crowd lifetime"), "{err}");
        let limits = TaskLimits {
            default_time_limit: 10,
            ..TaskLimits::default()
        };
        assert!(limits.check().is_err());
    }
}
