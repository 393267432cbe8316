//! The worker's side of `hatoba_core::http`: `fetch` as the [`Transport`], JavaScript's clock
//! and timers as the [`Clock`].

use std::time::Duration;

use hatoba_core::http::{Clock, HttpRequest, HttpResponse, Transport, TransportError};
use worker::{Date, Delay, Fetch, Headers, Method, Request, RequestInit, js_sys};

/// Sends requests with the runtime's `fetch`.
#[derive(Debug, Default)]
pub struct FetchTransport;

impl Transport for FetchTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let invalid = |e: worker::Error| TransportError::InvalidRequest(e.to_string());
        let headers = Headers::new();
        for (name, value) in &request.headers {
            headers.append(name, value).map_err(invalid)?;
        }
        let mut init = RequestInit::new();
        init.with_method(Method::from(request.method.clone()))
            .with_headers(headers);
        if !request.body.is_empty() {
            init.with_body(Some(
                js_sys::Uint8Array::from(request.body.as_slice()).into(),
            ));
        }
        let outgoing = Request::new_with_init(&request.url, &init).map_err(invalid)?;
        let mut response = Fetch::Request(outgoing)
            .send()
            .await
            .map_err(|e| TransportError::Connection(e.to_string()))?;
        let headers = response.headers().entries().collect();
        let body = response
            .bytes()
            .await
            .map_err(|e| TransportError::Connection(e.to_string()))?;
        Ok(HttpResponse {
            status: response.status_code(),
            headers,
            body,
        })
    }
}

/// `Date.now()`, `setTimeout` and `Math.random()`.
#[derive(Debug, Default)]
pub struct WorkerClock;

impl Clock for WorkerClock {
    fn now_millis(&self) -> u64 {
        Date::now().as_millis()
    }

    async fn sleep(&self, duration: Duration) {
        Delay::from(duration).await;
    }

    fn jitter(&self) -> f64 {
        js_sys::Math::random()
    }
}
