//! When to try an AWS call again and how long to wait first: the AWS SDKs' "standard" retry
//! mode (3 attempts, exponential backoff with full jitter, capped at 20 s).

use std::time::Duration;

/// How many attempts, and the backoff between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// The backoff ceiling before the first retry; it doubles for each one after.
    pub base_delay: Duration,
    /// The backoff never exceeds this.
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// The AWS SDKs' standard mode: 3 attempts, 1 s base, 20 s cap.
    pub const STANDARD: RetryPolicy = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(20),
    };

    /// The wait before retry number `retry` (1 for the first retry), given a uniformly random
    /// `jitter` in `[0, 1)`: full jitter over `min(max_delay, base_delay * 2^(retry-1))`.
    pub fn delay(&self, retry: u32, jitter: f64) -> Duration {
        let exponent = retry.saturating_sub(1).min(30);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        ceiling.mul_f64(jitter.clamp(0.0, 1.0))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::STANDARD
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_full_jitter_and_stops_at_the_cap() {
        let p = RetryPolicy::STANDARD;
        assert_eq!(p.delay(1, 1.0), Duration::from_secs(1));
        assert_eq!(p.delay(2, 1.0), Duration::from_secs(2));
        assert_eq!(p.delay(3, 0.5), Duration::from_secs(2));
        assert_eq!(p.delay(6, 1.0), Duration::from_secs(20));
        assert_eq!(p.delay(40, 1.0), Duration::from_secs(20));
        assert_eq!(p.delay(1, 0.0), Duration::ZERO);
        assert_eq!(p.delay(2, 0.25), Duration::from_millis(500));
    }
}
