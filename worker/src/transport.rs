//! The worker's side of `hatoba_core::http`: `fetch` as the [`Transport`], JavaScript's clock
//! and timers as the [`Clock`].

use std::time::Duration;

use hatoba_core::http::{Clock, HttpRequest, HttpResponse, Transport, TransportError};
use worker::wasm_bindgen::JsValue;
use worker::{Date, Delay, Fetch, Request, js_sys};

/// A request to send with `fetch` or to a Durable Object, built on the runtime's own `Request`:
/// `worker::RequestInit` would also carry the code of Cloudflare's `cf` request properties,
/// which Hatoba never sets.
pub fn new_request(
    url: &str,
    method: &str,
    headers: &[(String, String)],
    body: Option<JsValue>,
) -> worker::Result<Request> {
    let js = |e: JsValue| worker::Error::JsError(e.as_string().unwrap_or_else(|| format!("{e:?}")));
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let list = web_sys::Headers::new().map_err(js)?;
    for (name, value) in headers {
        list.append(name, value).map_err(js)?;
    }
    init.set_headers(&list);
    if let Some(body) = body {
        init.set_body(&body);
    }
    Ok(web_sys::Request::new_with_str_and_init(url, &init)
        .map_err(js)?
        .into())
}

/// Sends requests with the runtime's `fetch`.
#[derive(Debug, Default)]
pub struct FetchTransport;

impl Transport for FetchTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let invalid = |e: worker::Error| TransportError::InvalidRequest(e.to_string());
        let body = (!request.body.is_empty())
            .then(|| js_sys::Uint8Array::from(request.body.as_slice()).into());
        let outgoing =
            new_request(&request.url, &request.method, &request.headers, body).map_err(invalid)?;
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
