//! Refusing addresses that keep failing the webhook signature check: after
//! [`Guard::LIMIT`] failures within [`Guard::WINDOW_MS`], an address is answered 429 for
//! [`Guard::BLOCK_MS`], before its body is even read.

use serde::Serialize;

use crate::fields::{FieldError, Obj};

/// The failures of one address, as its Durable Object stores them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Guard {
    /// When the recent failures happened (ms since the epoch), oldest first.
    failures: Vec<u64>,
    /// Refused until then.
    blocked_until: Option<u64>,
}

// Read by hand (`crate::fields`), as every stored JSON of the worker is.
crate::deserialize_with_read!(Guard, "guard");

impl Guard {
    /// Reads a guard as its object stores it.
    pub fn read(o: &Obj) -> Result<Self, FieldError> {
        let times = |v: &serde_json::Value| -> Option<Vec<u64>> {
            v.as_array()?
                .iter()
                .map(serde_json::Value::as_u64)
                .collect()
        };
        Ok(Guard {
            failures: o
                .optional("failures", "a list of times", times)?
                .unwrap_or_default(),
            blocked_until: o.opt_id("blockedUntil")?,
        })
    }

    /// The guard as its object stores it: `BLOCKED_UNTIL;T1,T2,...` (times in ms, the first
    /// empty when not blocked).
    pub fn to_text(&self) -> String {
        let failures: Vec<String> = self.failures.iter().map(u64::to_string).collect();
        let blocked = self
            .blocked_until
            .map(|t| t.to_string())
            .unwrap_or_default();
        format!("{blocked};{}", failures.join(","))
    }

    /// Reads [`Guard::to_text`]'s text; anything else is a guard with no failures.
    pub fn from_text(text: &str) -> Self {
        let (blocked, failures) = text.split_once(';').unwrap_or(("", ""));
        Guard {
            failures: failures.split(',').filter_map(|t| t.parse().ok()).collect(),
            blocked_until: blocked.parse().ok(),
        }
    }

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
    let Some(address) = address.map(str::trim).filter(|a| !a.is_empty()) else {
        return "unknown".to_owned();
    };
    if !address.contains(':') {
        // IPv4, or something else: kept as given (the header is Cloudflare's, not the client's).
        return address.to_ascii_lowercase();
    }
    // The first four groups of an IPv6 address, `::` expanded (an IPv4 client arrives as IPv4).
    let (head, tail) = address.split_once("::").unwrap_or((address, ""));
    let group = |g: &str| u16::from_str_radix(g, 16).ok().filter(|_| g.len() <= 4);
    let groups = |part: &str| -> Option<Vec<u16>> {
        part.split(':')
            .filter(|g| !g.is_empty())
            .map(group)
            .collect()
    };
    let (Some(head), Some(tail)) = (groups(head), groups(tail)) else {
        return "unknown".to_owned();
    };
    let missing = 8usize.checked_sub(head.len() + tail.len());
    let mut all = head;
    all.extend(std::iter::repeat_n(0, missing.unwrap_or(0)));
    all.extend(tail);
    if missing.is_none() || all.len() != 8 {
        return "unknown".to_owned();
    }
    format!("{:x}:{:x}:{:x}:{:x}::/64", all[0], all[1], all[2], all[3])
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
        assert_eq!(address_key(Some("2001:db8::1:2:3:4:5:6:7")), "unknown");
        assert_eq!(address_key(Some("2001:db8:zz::1")), "unknown");
        assert_eq!(address_key(Some("::1")), "0:0:0:0::/64");
        assert_eq!(address_key(Some("")), "unknown");
        assert_eq!(address_key(None), "unknown");
    }

    #[test]
    fn a_guard_reads_back_what_it_stores() {
        let mut g = Guard::default();
        g.failed(5);
        let text = serde_json::to_string(&g).unwrap();
        assert_eq!(serde_json::from_str::<Guard>(&text).unwrap(), g);
        assert_eq!(
            serde_json::from_str::<Guard>("{}").unwrap(),
            Guard::default()
        );
    }

    #[test]
    fn failures_spread_over_more_than_a_minute_never_block() {
        let mut g = Guard::default();
        for n in 0..100 {
            assert_eq!(g.failed(7_000 * n), None, "failure {n}");
        }
    }
}
