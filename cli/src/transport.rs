//! The native side of `hatoba_core::http`: a blocking HTTP client behind the async
//! [`Transport`] trait, the system clock, and a `block_on` for futures that never wait.

use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hatoba_core::http::{Clock, HttpRequest, HttpResponse, Transport, TransportError};

/// Sends requests with `ureq` (rustls for HTTPS), 30 s per request.
#[derive(Debug)]
pub struct NativeTransport {
    agent: ureq::Agent,
}

impl NativeTransport {
    /// A transport with a 30 s limit per request.
    pub fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build();
        Self {
            agent: config.into(),
        }
    }
}

impl Default for NativeTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl Transport for NativeTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut builder = ureq::http::Request::builder()
            .method(request.method.as_str())
            .uri(request.url.as_str());
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let http_request = builder
            .body(request.body)
            .map_err(|e| TransportError::InvalidRequest(e.to_string()))?;
        let mut response = self.agent.run(http_request).map_err(|e| match e {
            ureq::Error::Timeout(_) => TransportError::Timeout,
            ureq::Error::BadUri(e) => TransportError::InvalidRequest(e),
            other => TransportError::Connection(other.to_string()),
        })?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .map_err(|e| TransportError::Connection(e.to_string()))?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

/// The system clock; sleeping blocks the thread.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }

    async fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }

    fn jitter(&self) -> f64 {
        // Backoff jitter needs spread, not cryptographic quality: a randomly keyed hash of the time.
        let bits = RandomState::new().hash_one(self.now_millis());
        (bits >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Runs a future to completion on this thread. The native transport and clock block instead of
/// waiting, so every future built on them is ready when first polled.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::yield_now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_in_the_unit_interval() {
        for _ in 0..1000 {
            let j = SystemClock.jitter();
            assert!((0.0..1.0).contains(&j), "{j}");
        }
    }

    #[test]
    fn a_refused_connection_is_a_retryable_transport_error() {
        // Port 9 (discard) on loopback: nothing listens there in a test environment.
        let request = HttpRequest {
            method: "GET".into(),
            url: "http://127.0.0.1:9/".into(),
            headers: vec![],
            body: vec![],
        };
        let err = block_on(NativeTransport::new().send(request)).unwrap_err();
        assert!(matches!(err, TransportError::Connection(_)), "{err:?}");
        assert!(err.is_retryable());
    }
}
