//! Server processes as instances: each has an id and beats a heartbeat into the database (see
//! `infra::heartbeat`), so the leases it holds on background work (output files, webhook
//! deliveries) end when it stops beating instead of when their time runs out.
//!
//! The default id is `<hostname>:<port>`, so a restarted replica is the same instance and takes
//! its own leases back at once (it has nothing in flight yet). Two live processes must not share
//! an id: each would take the other's leases back when it starts.

use std::time::Duration;

use crate::domain::clock::Timestamp;

/// An instance whose last heartbeat is older than this counts as gone, and its leases end:
/// ten missed beats, so a busy database or a long pause does not end a live instance's leases.
pub const HEARTBEAT_TIMEOUT: Duration = Duration::from_secs(10);
/// Instances silent this long are forgotten when another instance starts (their leases ended
/// long ago).
pub const FORGET_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);
const MAX_ID_CHARS: usize = 200;

/// An instance's id: 1-200 printable characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InstanceId(String);

impl InstanceId {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("an instance id must not be empty".to_owned());
        }
        if raw.chars().count() > MAX_ID_CHARS {
            return Err(format!(
                "an instance id has at most {MAX_ID_CHARS} characters"
            ));
        }
        if raw.chars().any(char::is_control) {
            return Err("an instance id must not contain control characters".to_owned());
        }
        Ok(Self(raw.to_owned()))
    }

    /// `<hostname>:<port>`: the same after a restart on the same host and port, and different
    /// for every replica (each container or machine has its own hostname).
    pub fn for_this_host(port: u16) -> Self {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .or_else(|| std::env::var("COMPUTERNAME").ok())
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "localhost".to_owned());
        Self::parse(&format!("{host}:{port}")).unwrap_or_else(|_| Self(format!("host:{port}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for InstanceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Heartbeats at or after this, seen at `now`, are of live instances.
pub fn alive_after(now: Timestamp) -> Timestamp {
    let timeout = i64::try_from(HEARTBEAT_TIMEOUT.as_millis()).unwrap_or(i64::MAX);
    Timestamp::from_millis(now.as_millis().saturating_sub(timeout))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_printable_and_bounded() {
        assert_eq!(
            InstanceId::parse(" web-1:3000 ").unwrap().as_str(),
            "web-1:3000"
        );
        assert!(InstanceId::parse("").is_err());
        assert!(InstanceId::parse("a\nb").is_err());
        assert!(InstanceId::parse(&"x".repeat(201)).is_err());
        assert!(InstanceId::for_this_host(3000).as_str().ends_with(":3000"));
    }

    #[test]
    fn instances_live_for_ten_seconds_after_a_beat() {
        let now = Timestamp::from_millis(100_000);
        assert_eq!(alive_after(now), Timestamp::from_millis(90_000));
    }
}
