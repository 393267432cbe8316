//! UTC instants written as text: SigV4's `20150830T123600Z`, and RFC 3339 with milliseconds
//! (`2026-11-29T16:38:51.123Z`) as records and GitHub write them, on the proleptic Gregorian
//! calendar. Nothing here reads a clock: on wasm32 `SystemTime::now()` panics.

use std::fmt;

use serde::Serializer;

/// A UTC instant with second precision, as SigV4 writes it (`20150830T123600Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct AmzDate {
    unix_seconds: i64,
}

/// A text that is not a `YYYYMMDDTHHMMSSZ` instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidDate(pub String);

impl fmt::Display for InvalidDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid date {:?}: expected YYYYMMDDTHHMMSSZ, e.g. 20150830T123600Z",
            self.0
        )
    }
}

impl std::error::Error for InvalidDate {}

impl AmzDate {
    /// The instant `unix_seconds` after 1970-01-01T00:00:00Z.
    pub fn from_unix_seconds(unix_seconds: i64) -> Self {
        Self { unix_seconds }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix_seconds(self) -> i64 {
        self.unix_seconds
    }

    /// Parses `20150830T123600Z` (the `X-Amz-Date` form).
    pub fn parse(text: &str) -> Result<Self, InvalidDate> {
        let bad = || InvalidDate(text.to_owned());
        let b = text.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return Err(bad());
        }
        let num = |range: std::ops::Range<usize>| -> Result<i64, InvalidDate> {
            let s = &text[range];
            if !s.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            s.parse().map_err(|_| bad())
        };
        let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
        let (hour, minute, second) = (num(9..11)?, num(11..13)?, num(13..15)?);
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return Err(bad());
        }
        let days = days_from_civil(year, month, day);
        Ok(Self::from_unix_seconds(
            days * 86_400 + hour * 3_600 + minute * 60 + second,
        ))
    }

    fn civil(self) -> (i64, i64, i64, i64, i64, i64) {
        let days = self.unix_seconds.div_euclid(86_400);
        let secs = self.unix_seconds.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        (y, m, d, secs / 3_600, secs % 3_600 / 60, secs % 60)
    }

    /// The `X-Amz-Date` form: `20150830T123600Z`.
    pub fn amz_date(self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        let mut out = String::with_capacity(16);
        for (value, width) in [(y, 4), (mo, 2), (d, 2)] {
            push_digits(&mut out, value, width);
        }
        out.push('T');
        for value in [h, mi, s] {
            push_digits(&mut out, value, 2);
        }
        out.push('Z');
        out
    }

    /// The credential-scope date: `20150830`.
    pub fn date_stamp(self) -> String {
        let (y, mo, d, ..) = self.civil();
        let mut out = String::with_capacity(8);
        for (value, width) in [(y, 4), (mo, 2), (d, 2)] {
            push_digits(&mut out, value, width);
        }
        out
    }
}

/// `value` in decimal, zero-padded to `width` digits (a signature's dates are all small and
/// positive; formatting machinery would cost a tenth of a signature).
fn push_digits(out: &mut String, value: i64, width: u32) {
    let value = value.clamp(0, 10i64.pow(width) - 1);
    for place in (0..width).rev() {
        out.push(char::from(b'0' + (value / 10i64.pow(place) % 10) as u8));
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-calendar algorithms (proleptic Gregorian, days since 1970-01-01).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// `2026-11-29T16:38:51.123Z` for `millis` since the epoch.
pub fn format(millis: u64) -> String {
    let d = AmzDate::from_unix_seconds((millis / 1000) as i64).amz_date();
    format!(
        "{}-{}-{}T{}:{}:{}.{:03}Z",
        &d[0..4],
        &d[4..6],
        &d[6..8],
        &d[9..11],
        &d[11..13],
        &d[13..15],
        millis % 1000
    )
}

/// Milliseconds since the epoch of `2026-11-29T16:38:51.123Z` (fraction optional).
pub fn parse(text: &str) -> Option<u64> {
    let (main, fraction) = match text.strip_suffix('Z')?.split_once('.') {
        Some((main, f)) => (main, f),
        None => (text.strip_suffix('Z')?, "0"),
    };
    if main.len() != 19 || fraction.is_empty() || fraction.len() > 9 {
        return None;
    }
    let compact: String = main.chars().filter(|c| *c != '-' && *c != ':').collect();
    let seconds = AmzDate::parse(&format!("{compact}Z")).ok()?.unix_seconds();
    let millis: u64 = format!("{fraction:0<3}")[..3].parse().ok()?;
    Some(u64::try_from(seconds).ok()? * 1000 + millis)
}

/// Milliseconds since the epoch of an ISO 8601 time with an offset, as GitHub writes commit
/// times (`2019-05-15T15:20:41-07:00`), or in UTC (`...Z`).
pub fn parse_offset(text: &str) -> Option<u64> {
    if text.ends_with('Z') {
        return parse(text);
    }
    let split = text.len().checked_sub(6)?;
    let (local, offset) = text.split_at(split);
    let sign: i64 = match offset.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = offset[1..].split_once(':')?;
    let minutes = h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?;
    let utc = parse(&format!("{local}Z"))? as i64 - sign * minutes * 60_000;
    u64::try_from(utc).ok()
}

pub(crate) fn serialize<S: Serializer>(millis: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format(*millis))
}

pub(crate) mod option {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(millis: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        match millis {
            Some(m) => super::serialize(m, s),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_date_round_trips_and_matches_the_unix_epoch() {
        // 2015-08-30T12:36:00Z, the suite's time: `date -u -d 2015-08-30T12:36:00Z +%s`.
        let t = AmzDate::parse("20150830T123600Z").unwrap();
        assert_eq!(t.unix_seconds(), 1_440_938_160);
        assert_eq!(t.amz_date(), "20150830T123600Z");
        assert_eq!(t.date_stamp(), "20150830");
        assert_eq!(AmzDate::from_unix_seconds(0).amz_date(), "19700101T000000Z");
        // Leap day, end of a leap century year.
        let leap = AmzDate::parse("20000229T235959Z").unwrap();
        assert_eq!(leap.unix_seconds(), 951_868_799);
        assert_eq!(
            AmzDate::from_unix_seconds(leap.unix_seconds() + 1).amz_date(),
            "20000301T000000Z"
        );
    }

    #[test]
    fn amz_date_rejects_what_is_not_a_valid_instant() {
        for bad in [
            "",
            "2015-08-30T12:36:00Z",
            "20150830T123600",
            "20150230T000000Z",
            "20150830T246000Z",
            "2015083OT123600Z",
            "+0150830T123600Z",
        ] {
            let err = AmzDate::parse(bad).unwrap_err();
            assert_eq!(err, InvalidDate(bad.to_owned()));
            assert!(err.to_string().contains("expected YYYYMMDDTHHMMSSZ"));
        }
    }

    #[test]
    fn times_round_trip_as_rfc_3339() {
        assert_eq!(format(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format(1_795_970_331_123), "2026-11-29T16:38:51.123Z");
        assert_eq!(parse("2026-11-29T16:38:51.123Z"), Some(1_795_970_331_123));
        assert_eq!(parse("2026-11-29T16:38:51Z"), Some(1_795_970_331_000));
        assert_eq!(parse("2026-11-29T16:38:51.5Z"), Some(1_795_970_331_500));
        assert_eq!(parse("2026-13-29T16:38:51Z"), None);
        assert_eq!(parse("yesterday"), None);
        assert_eq!(
            parse_offset("2026-11-29T09:38:51-07:00"),
            Some(1_795_970_331_000)
        );
        assert_eq!(
            parse_offset("2026-11-29T17:38:51+01:00"),
            Some(1_795_970_331_000)
        );
        assert_eq!(
            parse_offset("2026-11-29T16:38:51Z"),
            Some(1_795_970_331_000)
        );
    }
}
