//! The parts of an HTTP(S) URL that signing needs, taken apart without a URL library: the
//! path and query stay exactly as given, because they must be signed as they will be sent.

use std::fmt;

/// An `http`/`https` URL split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitUrl<'a> {
    /// `http` or `https`, lowercased as given.
    pub scheme: &'a str,
    /// `host` or `host:port`, as given.
    pub authority: &'a str,
    /// The path as given (`/` when empty).
    pub path: &'a str,
    /// The query as given, without `?` (empty when absent).
    pub query: &'a str,
}

/// Why a URL could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlError {
    /// The URL.
    pub url: String,
    /// What was expected.
    pub expected: &'static str,
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid URL {:?}: expected {}", self.url, self.expected)
    }
}

impl std::error::Error for UrlError {}

impl<'a> SplitUrl<'a> {
    /// Splits `https://host[:port]/path?query#fragment` (the fragment is dropped: it is never sent).
    pub fn parse(url: &'a str) -> Result<Self, UrlError> {
        let err = |expected| UrlError {
            url: url.to_owned(),
            expected,
        };
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| err("a scheme, e.g. https://"))?;
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return Err(err("an http:// or https:// URL"));
        }
        let rest = rest.split('#').next().unwrap_or_default();
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(end);
        if authority.is_empty()
            || authority.contains('@')
            || authority.contains(char::is_whitespace)
        {
            return Err(err(
                "a host name without user information, e.g. https://ecs.us-east-1.amazonaws.com/",
            ));
        }
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        Ok(Self {
            scheme,
            authority,
            path: if path.is_empty() { "/" } else { path },
            query,
        })
    }

    /// The `Host` header for this URL: the authority without the scheme's default port.
    pub fn host_header(&self) -> &'a str {
        let default_port = if self.scheme.eq_ignore_ascii_case("https") {
            ":443"
        } else {
            ":80"
        };
        self.authority
            .strip_suffix(default_port)
            .unwrap_or(self.authority)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_parts_signing_needs() {
        let u = SplitUrl::parse("https://s3.eu-west-1.amazonaws.com:443/b/my%20key?x=1&y#frag")
            .unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.authority, "s3.eu-west-1.amazonaws.com:443");
        assert_eq!(u.host_header(), "s3.eu-west-1.amazonaws.com");
        assert_eq!(u.path, "/b/my%20key");
        assert_eq!(u.query, "x=1&y");
        let local = SplitUrl::parse("http://127.0.0.1:5000").unwrap();
        assert_eq!(
            (local.path, local.query, local.host_header()),
            ("/", "", "127.0.0.1:5000")
        );
        assert_eq!(SplitUrl::parse("http://h?q=1").unwrap().path, "/");
    }

    #[test]
    fn refuses_what_is_not_an_http_url() {
        for bad in [
            "ecs.amazonaws.com",
            "ftp://h/",
            "https:///path",
            "https://user@h/",
        ] {
            let e = SplitUrl::parse(bad).unwrap_err();
            assert_eq!(e.url, bad);
            assert!(e.to_string().starts_with("invalid URL"), "{e}");
        }
    }
}
