//! Failed sign-in counting, per account and per client address, over a
//! sliding window. Kept in memory: it guards the password check of this
//! process, and a restart only gives an attacker a fresh window at the cost
//! of restarting the server, which they cannot do.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};

/// Beyond this many tracked keys, stale ones are swept on the next failure.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug, Default)]
pub(crate) struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl LoginLimiter {
    /// Seconds to wait when `key` has used up its `limit` failures within
    /// `window` before `now`; `None` when it may try.
    pub(crate) fn blocked_for(
        &self,
        key: &str,
        limit: u32,
        window: TimeDelta,
        now: DateTime<Utc>,
    ) -> Option<u64> {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let list = failures.get_mut(key)?;
        while list.front().is_some_and(|t| *t + window <= now) {
            list.pop_front();
        }
        if list.is_empty() {
            failures.remove(key);
            return None;
        }
        if list.len() < limit as usize {
            return None;
        }
        // The attempt that frees a slot is the one `limit` failures back.
        let freeing = list[list.len() - limit as usize];
        let wait = (freeing + window - now).num_seconds().max(1);
        Some(u64::try_from(wait).unwrap_or(1))
    }

    pub(crate) fn record_failure(&self, key: &str, window: TimeDelta, now: DateTime<Utc>) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() > SWEEP_ABOVE {
            failures.retain(|_, list| list.back().is_some_and(|t| *t + window > now));
        }
        failures.entry(key.to_owned()).or_default().push_back(now);
    }

    pub(crate) fn clear(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_until_the_window_slides() {
        let limiter = LoginLimiter::default();
        let window = TimeDelta::minutes(15);
        let t0 = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap();
        for i in 0..3 {
            assert_eq!(limiter.blocked_for("k", 3, window, t0), None);
            limiter.record_failure("k", window, t0 + TimeDelta::minutes(i));
        }
        assert_eq!(
            limiter.blocked_for("k", 3, window, t0 + TimeDelta::minutes(3)),
            Some(12 * 60)
        );
        assert_eq!(
            limiter.blocked_for("k", 3, window, t0 + TimeDelta::minutes(15)),
            None
        );
        limiter.clear("k");
        assert_eq!(limiter.blocked_for("k", 1, window, t0), None);
    }
}
