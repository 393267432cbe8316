//! When to try a call again and how long to wait first, for AWS and GitHub alike: the AWS SDKs'
//! "standard" retry mode (3 attempts, exponential backoff with full jitter, capped at 20 s).

use std::time::Duration;

use crate::http::Clock;

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

    /// Runs `attempt` until its result is not `retryable` or the attempts are spent, waiting on
    /// `clock` before each retry; returns the last result. What is worth retrying is the
    /// caller's to say: an AWS error knows, a GitHub answer is judged by its status.
    pub async fn run<R, F, C>(
        &self,
        clock: &C,
        retryable: impl Fn(&R) -> bool,
        mut attempt: impl FnMut() -> F,
    ) -> R
    where
        F: Future<Output = R>,
        C: Clock,
    {
        let mut tried = 1;
        loop {
            let result = attempt().await;
            if !retryable(&result) || tried >= self.max_attempts {
                return result;
            }
            clock.sleep(self.delay(tried, clock.jitter())).await;
            tried += 1;
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::STANDARD
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use super::*;

    struct FakeClock {
        slept: RefCell<Vec<Duration>>,
    }

    impl Clock for FakeClock {
        fn now_millis(&self) -> u64 {
            0
        }
        async fn sleep(&self, duration: Duration) {
            self.slept.borrow_mut().push(duration);
        }
        fn jitter(&self) -> f64 {
            1.0
        }
    }

    fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
        }
    }

    /// Runs attempts that answer `answers` in turn; returns the result, the attempts made and
    /// the waits between them.
    fn run(policy: RetryPolicy, answers: &[u16]) -> (u16, usize, Vec<Duration>) {
        let clock = FakeClock {
            slept: RefCell::new(Vec::new()),
        };
        let mut made = 0;
        let result = block_on(policy.run(
            &clock,
            |status: &u16| *status >= 500,
            || {
                made += 1;
                let status = answers[made - 1];
                async move { status }
            },
        ));
        (result, made, clock.slept.into_inner())
    }

    #[test]
    fn retries_until_an_answer_is_final_or_the_attempts_are_spent() {
        let p = RetryPolicy::STANDARD;
        assert_eq!(run(p, &[200]), (200, 1, vec![]));
        assert_eq!(run(p, &[503, 200]), (200, 2, vec![Duration::from_secs(1)]));
        assert_eq!(
            run(p, &[503, 502, 500, 200]),
            (500, 3, vec![Duration::from_secs(1), Duration::from_secs(2)])
        );
        let never = RetryPolicy {
            max_attempts: 1,
            ..p
        };
        assert_eq!(run(never, &[503, 200]), (503, 1, vec![]));
    }

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
