//! The task-definition rules, asked of Hatoba's checks worker over the `CHECKS` service binding:
//! the rules stay out of this worker's bundle (see `hatoba_core::checks`).

use hatoba_core::checks::{Checks, LocalFuture, Reported, read_reported};
use worker::Env;

use crate::transport::new_request;

/// The checks worker behind the `CHECKS` binding.
#[derive(Debug)]
pub struct RemoteChecks(pub Env);

impl Checks for RemoteChecks {
    fn task_definition<'a>(
        &'a self,
        text: &'a str,
    ) -> LocalFuture<'a, Result<Vec<Reported>, String>> {
        Box::pin(async move {
            let fetcher = self.0.service("CHECKS").map_err(|_| {
                "the CHECKS service binding is not set (deploy worker/checks, see the README)"
                    .to_owned()
            })?;
            let headers = [("content-type".to_owned(), "application/json".to_owned())];
            let request = new_request(
                "https://checks/task-definition",
                "POST",
                &headers,
                Some(text.into()),
            )
            .map_err(|e| e.to_string())?;
            let mut response = fetcher
                .fetch_request(request)
                .await
                .map_err(|e| format!("the checks worker did not answer: {e}"))?;
            let body = response.bytes().await.map_err(|e| e.to_string())?;
            match response.status_code() {
                200 => read_reported(&body),
                status => Err(format!("the checks worker answered {status}")),
            }
        })
    }
}
