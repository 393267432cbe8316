//! The task-definition rules, asked of Hatoba's checks worker over the `CHECKS` service binding:
//! the rules stay out of this worker's bundle (see `hatoba_core::checks`).

use hatoba_core::checks::{Checks, LocalFuture, Reported, read_reported};
use hatoba_core::review::{Assessment, PlanRequest, ReviewFile, review_body};
use worker::Env;

use crate::transport::new_request;

/// The checks worker behind the `CHECKS` binding.
#[derive(Debug)]
pub struct RemoteChecks(pub Env);

impl RemoteChecks {
    /// POSTs `body` to the checks worker's `path`; its answer's body when it is 200.
    fn ask<'a>(&'a self, path: &'a str, body: String) -> LocalFuture<'a, Result<Vec<u8>, String>> {
        Box::pin(async move {
            let fetcher = self.0.service("CHECKS").map_err(|_| {
                "the CHECKS service binding is not set (deploy worker/checks, see the README)"
                    .to_owned()
            })?;
            let headers = [("content-type".to_owned(), "application/json".to_owned())];
            let request = new_request(
                &format!("https://checks{path}"),
                "POST",
                &headers,
                Some(body.into()),
            )
            .map_err(|e| e.to_string())?;
            let mut response = fetcher
                .fetch_request(request)
                .await
                .map_err(|e| format!("the checks worker did not answer: {e}"))?;
            let body = response.bytes().await.map_err(|e| e.to_string())?;
            match response.status_code() {
                200 => Ok(body),
                status => Err(format!(
                    "the checks worker answered {status}: {}",
                    String::from_utf8_lossy(&body)
                        .chars()
                        .take(200)
                        .collect::<String>()
                )),
            }
        })
    }
}

impl Checks for RemoteChecks {
    fn task_definition<'a>(
        &'a self,
        text: &'a str,
    ) -> LocalFuture<'a, Result<Vec<Reported>, String>> {
        Box::pin(
            async move { read_reported(&self.ask("/task-definition", text.to_owned()).await?) },
        )
    }

    fn plan<'a>(&'a self, request: &'a PlanRequest) -> LocalFuture<'a, Result<Assessment, String>> {
        Box::pin(async move {
            let body = self.ask("/plan", request.to_json().to_string()).await?;
            let value: serde_json::Value = serde_json::from_slice(&body)
                .map_err(|e| format!("the checks worker's plan is not JSON: {e}"))?;
            Assessment::from_json(&value)
        })
    }

    fn review<'a>(
        &'a self,
        files: &'a [ReviewFile],
    ) -> LocalFuture<'a, Result<Assessment, String>> {
        Box::pin(async move {
            let body = self.ask("/review", review_body(files)).await?;
            let value: serde_json::Value = serde_json::from_slice(&body)
                .map_err(|e| format!("the checks worker's review is not JSON: {e}"))?;
            Assessment::from_json(&value)
        })
    }
}
