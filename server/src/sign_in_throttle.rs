//! Failed sign-ins per client address, across all accounts: one address guessing a common
//! password against many accounts is stopped after [`AddressLimit::max_failures`] in a window,
//! without a hash being computed for it. Kept in memory per server (each replica counts its
//! own); the per-account, per-address locks live in the database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The per-address limit.
#[derive(Debug, Clone, Copy)]
pub struct AddressLimit {
    pub max_failures: u32,
    pub window: Duration,
}

impl Default for AddressLimit {
    fn default() -> Self {
        Self {
            max_failures: 30,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Addresses remembered at most; beyond it the oldest windows are forgotten first.
const MAX_ADDRESSES: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

/// Shared by every request. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct AddressThrottle {
    limit: AddressLimit,
    windows: Arc<Mutex<HashMap<String, Window>>>,
}

impl AddressThrottle {
    pub fn new(limit: AddressLimit) -> Self {
        Self {
            limit,
            windows: Arc::default(),
        }
    }

    /// `Err(wait)` while `client` has used up its failures: try again after `wait`.
    pub fn check(&self, client: &str, now: Instant) -> Result<(), Duration> {
        let windows = self.windows.lock().expect("throttle lock");
        match windows.get(client) {
            Some(w)
                if w.failures >= self.limit.max_failures
                    && now.duration_since(w.started) < self.limit.window =>
            {
                Err(self.limit.window - now.duration_since(w.started))
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed sign-in from `client`.
    pub fn failed(&self, client: &str, now: Instant) {
        let mut windows = self.windows.lock().expect("throttle lock");
        if windows.len() >= MAX_ADDRESSES && !windows.contains_key(client) {
            let window = self.limit.window;
            windows.retain(|_, w| now.duration_since(w.started) < window);
            if windows.len() >= MAX_ADDRESSES
                && let Some(oldest) = windows
                    .iter()
                    .min_by_key(|(_, w)| w.started)
                    .map(|(k, _)| k.clone())
            {
                windows.remove(&oldest);
            }
        }
        let entry = windows.entry(client.to_owned()).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now.duration_since(entry.started) >= self.limit.window {
            *entry = Window {
                started: now,
                failures: 0,
            };
        }
        entry.failures += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_stopped_after_its_failures_and_only_for_the_window() {
        let throttle = AddressThrottle::new(AddressLimit {
            max_failures: 3,
            window: Duration::from_secs(60),
        });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(throttle.check("192.0.2.1", t0).is_ok());
            throttle.failed("192.0.2.1", t0);
        }
        let wait = throttle.check("192.0.2.1", t0 + Duration::from_secs(10));
        assert_eq!(wait, Err(Duration::from_secs(50)));
        // Other addresses are untouched.
        assert!(throttle.check("198.51.100.7", t0).is_ok());
        // The window passes: a fresh count.
        let later = t0 + Duration::from_secs(61);
        assert!(throttle.check("192.0.2.1", later).is_ok());
        throttle.failed("192.0.2.1", later);
        assert!(throttle.check("192.0.2.1", later).is_ok());
    }
}
