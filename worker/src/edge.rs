//! What the worker gives core for one request ([`Edge`]): headers, settings, the body read
//! under its cap as it streams in, and the Durable Objects asked with core's typed calls.

use futures_util::StreamExt;
use hatoba_core::api::calls::{GuardAnswer, GuardCall, TargetCall};
use hatoba_core::api::serve::{BodyError, Edge};
use hatoba_core::deploy::{ConfigFinding, Target};
use worker::{Env, Request};

use crate::{config, transport};

/// Name of the Durable Object binding of the targets.
const TARGETS_BINDING: &str = "TARGETS";
/// Name of the Durable Object binding of the guards.
const GUARDS_BINDING: &str = "GUARDS";

/// One request and the environment it runs in.
#[derive(Debug)]
pub struct WorkerEdge<'a> {
    /// The request (its body is read at most once).
    pub request: Request,
    env: &'a Env,
}

impl<'a> WorkerEdge<'a> {
    /// The edge of `request`.
    pub fn new(request: Request, env: &'a Env) -> Self {
        Self { request, env }
    }
}

/// Sends `body` to the Durable Object `name` of `binding` and reads its answer as text.
pub async fn ask(env: &Env, binding: &str, name: &str, body: String) -> worker::Result<String> {
    let stub = env
        .durable_object(binding)?
        .id_from_name(name)?
        .get_stub()?;
    let request = transport::new_request("https://object/", "POST", &[], Some(body.into()))?;
    let mut response = stub.fetch_with_request(request).await?;
    let text = response.text().await?;
    if response.status_code() != 200 {
        return Err(worker::Error::RustError(text));
    }
    Ok(text)
}

impl Edge for WorkerEdge<'_> {
    fn header(&self, name: &str) -> Option<String> {
        self.request.headers().get(name).ok().flatten()
    }

    fn setting(&self, name: &str) -> Option<String> {
        config::text(self.env, name)
    }

    fn targets(&self) -> Result<Vec<Target>, Vec<ConfigFinding>> {
        config::targets(self.env)
    }

    fn now_millis(&self) -> u64 {
        worker::Date::now().as_millis()
    }

    async fn body(&mut self, limit: u64) -> Result<Vec<u8>, BodyError> {
        // A request without a body has no stream: it is empty.
        let Ok(mut stream) = self.request.stream() else {
            return Ok(Vec::new());
        };
        let mut body = Vec::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|_| {
                BodyError::Malformed("it ended early or its framing is broken".to_owned())
            })?;
            if (body.len() + chunk.len()) as u64 > limit {
                // Dropping the stream cancels the rest: nothing more is read.
                return Err(BodyError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    async fn ask_target(&self, target: &str, call: &TargetCall) -> Result<String, String> {
        let body = serde_json::to_string(call).map_err(|e| e.to_string())?;
        ask(self.env, TARGETS_BINDING, target, body)
            .await
            .map_err(|e| e.to_string())
    }

    async fn ask_guard(&self, key: &str, call: GuardCall) -> Result<GuardAnswer, String> {
        let text = ask(self.env, GUARDS_BINDING, key, call.as_text().to_owned())
            .await
            .map_err(|e| e.to_string())?;
        GuardAnswer::from_text(&text)
    }
}
