//! Refusing addresses that keep failing the webhook signature check: after
//! [`Guard::LIMIT`] failures within [`Guard::WINDOW_MS`], an address is answered 429 for
//! [`Guard::BLOCK_MS`], before its body is even read.

use serde::{Deserialize, Serialize};

/// The failures of one address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guard {
    /// When the recent failures happened (ms since the epoch), oldest first.
    failures: Vec<u64>,
    /// Refused until then.
    blocked_until: Option<u64>,
}

impl Guard {
    /// Failures allowed within the window.
    pub const LIMIT: usize = 10;
    /// The window failures are counted in.
    pub const WINDOW_MS: u64 = 60_000;
    /// How long an address is refused once over the limit.
    pub const BLOCK_MS: u64 = 10 * 60_000;

    /// Seconds to wait, when the address is refused at `now`.
    pub fn retry_after(&self, now: u64) -> Option<u64> {
        self.blocked_until
            .filter(|until| *until > now)
            .map(|until| (until - now).div_ceil(1000))
    }

    /// Records a failed check at `now`; the seconds to wait when the address is refused now.
    pub fn failed(&mut self, now: u64) -> Option<u64> {
        self.failures
            .retain(|t| now.saturating_sub(*t) < Self::WINDOW_MS);
        self.failures.push(now);
        if self.failures.len() >= Self::LIMIT {
            self.blocked_until = Some(now + Self::BLOCK_MS);
            self.failures.clear();
        }
        self.retry_after(now)
    }
}

/// The guard an address counts against: an IPv4 address itself, an IPv6 address by its /64
/// (one subscriber's network holds 2^64 addresses), anything unreadable or missing as one
/// shared key.
pub fn address_key(address: Option<&str>) -> String {
    let Some(address) = address.map(str::trim) else {
        return "unknown".to_owned();
    };
    if let Ok(v4) = address.parse::<std::net::Ipv4Addr>() {
        return v4.to_string();
    }
    match address.parse::<std::net::Ipv6Addr>() {
        Ok(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4.to_string();
            }
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Err(_) => "unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_failures_in_a_minute_block_for_ten_minutes() {
        let mut g = Guard::default();
        for n in 0..9 {
            assert_eq!(g.failed(1_000 * n), None);
        }
        assert_eq!(g.failed(9_000), Some(600));
        assert_eq!(g.retry_after(9_000 + 599_500), Some(1));
        assert_eq!(g.retry_after(9_000 + 600_000), None);
    }

    #[test]
    fn an_ipv6_address_counts_by_its_64_and_a_mapped_ipv4_as_itself() {
        assert_eq!(address_key(Some("203.0.113.9")), "203.0.113.9");
        assert_eq!(
            address_key(Some("2001:db8:1:2:aaaa::1")),
            address_key(Some("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"))
        );
        assert_eq!(address_key(Some("2001:db8:1:2::9")), "2001:db8:1:2::/64");
        assert_ne!(
            address_key(Some("2001:db8:1:2::1")),
            address_key(Some("2001:db8:1:3::1"))
        );
        assert_eq!(address_key(Some("::ffff:203.0.113.9")), "203.0.113.9");
        assert_eq!(address_key(Some("not an address")), "unknown");
        assert_eq!(address_key(None), "unknown");
    }

    #[test]
    fn failures_spread_over_more_than_a_minute_never_block() {
        let mut g = Guard::default();
        for n in 0..100 {
            assert_eq!(g.failed(7_000 * n), None, "failure {n}");
        }
    }
}
