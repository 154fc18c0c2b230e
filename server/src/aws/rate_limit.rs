//! Requests per access key: a token bucket per key, refilled at the configured rate and holding
//! up to twice that, so short bursts pass and a runaway client is told to back off with AWS's
//! `ThrottlingException` (which the SDKs retry with back-off by themselves). Kept in memory per
//! server: each replica limits what reaches it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use loupe_engine::domain::keys::AccessKeyId;

#[derive(Debug)]
pub struct KeyRateLimit {
    /// Tokens per second; 0 turns the limit off.
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<AccessKeyId, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl KeyRateLimit {
    pub fn new(per_second: u32) -> Self {
        let rate = f64::from(per_second);
        Self {
            rate,
            burst: rate * 2.0,
            buckets: Mutex::default(),
        }
    }

    /// Whether one more request of `key` may go through now.
    pub fn admit(&self, key: &AccessKeyId, now: Instant) -> bool {
        if self.rate == 0.0 {
            return true;
        }
        let mut buckets = self.buckets.lock().expect("rate limit lock");
        let bucket = buckets.entry(key.clone()).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let refill = now.saturating_duration_since(bucket.at).as_secs_f64() * self.rate;
        bucket.tokens = (bucket.tokens + refill).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_key_gets_its_burst_then_its_rate_and_keys_are_separate() {
        let limit = KeyRateLimit::new(10);
        let (a, b) = (AccessKeyId::generate(), AccessKeyId::generate());
        let t0 = Instant::now();
        let admitted = (0..50).filter(|_| limit.admit(&a, t0)).count();
        assert_eq!(admitted, 20, "the burst is twice the rate");
        assert!(limit.admit(&b, t0), "another key has its own bucket");
        let later = t0 + Duration::from_millis(500);
        let admitted = (0..50).filter(|_| limit.admit(&a, later)).count();
        assert_eq!(admitted, 5, "half a second refills half the rate");
    }

    #[test]
    fn zero_means_no_limit() {
        let limit = KeyRateLimit::new(0);
        let key = AccessKeyId::generate();
        assert!((0..10_000).all(|_| limit.admit(&key, Instant::now())));
    }
}
