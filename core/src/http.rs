//! The seam between Hatoba's logic and the network: plain HTTP request and response values, the
//! [`Transport`] that sends them, and the [`Clock`] that tells time and waits.
//!
//! The worker implements both with `fetch` and JavaScript timers, the CLI with a native HTTP
//! client, and tests with scripted fakes. Nothing in `core` reads the system clock: on wasm32
//! `SystemTime::now()` panics.

use std::fmt;
use std::time::Duration;

/// An HTTP request, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The full URL, e.g. `https://ecs.eu-west-1.amazonaws.com/`.
    pub url: String,
    /// Headers in the order they are sent.
    pub headers: Vec<(String, String)>,
    /// The body (empty for none).
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// An HTTP response as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a request got no HTTP response at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// No answer within the transport's time limit.
    Timeout,
    /// The connection could not be made or broke (DNS, refused, reset, TLS).
    Connection(String),
    /// The request could not be built (a bad URL or header); sending it again will not help.
    InvalidRequest(String),
}

impl TransportError {
    /// Whether sending the same request again may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            TransportError::Timeout | TransportError::Connection(_)
        )
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Timeout => write!(f, "timed out waiting for a response"),
            TransportError::Connection(e) => write!(f, "connection failed: {e}"),
            TransportError::InvalidRequest(e) => write!(f, "invalid request: {e}"),
        }
    }
}

impl std::error::Error for TransportError {}

/// Sends HTTP requests. No `Send` bound, so a single-threaded `fetch` can implement it.
#[allow(async_fn_in_trait)] // deliberate: the futures of wasm's fetch are not Send
pub trait Transport {
    /// Sends `request` and returns the response, whatever its status.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// Time, waiting and randomness, injected so tests run instantly and deterministically.
#[allow(async_fn_in_trait)] // deliberate: see Transport
pub trait Clock {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    fn now_millis(&self) -> u64;
    /// Waits for `duration`.
    async fn sleep(&self, duration: Duration);
    /// A uniformly distributed number in `[0, 1)`, for backoff jitter.
    fn jitter(&self) -> f64;
}
