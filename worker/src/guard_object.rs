//! The Durable Object of one client address (keyed by core's `address_key`): the failures it
//! has had, kept in the object's storage so an isolate that restarts still refuses it. One
//! object answers one call at a time, so concurrent failures are counted one by one. Decisions
//! are `hatoba_core::github::guard`'s.

use hatoba_core::api::calls::{GuardAnswer, GuardCall};
use hatoba_core::deploy::Store;
use hatoba_core::github::guard::Guard;
use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};

use crate::storage::ObjectStore;

const GUARD_KEY: &str = "guard";

#[durable_object(fetch)]
pub struct GuardObject {
    state: State,
}

impl DurableObject for GuardObject {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let call = GuardCall::from_text(&req.text().await?)
            .ok_or_else(|| worker::Error::RustError("not a guard call".into()))?;
        let store = ObjectStore(self.state.storage());
        let err = |e: hatoba_core::deploy::StoreError| worker::Error::RustError(e.0);
        let mut guard =
            Guard::from_text(&store.get(GUARD_KEY).await.map_err(err)?.unwrap_or_default());
        let now = worker::Date::now().as_millis();
        let retry_after = match call {
            GuardCall::Check => guard.retry_after(now),
            GuardCall::Failed => {
                let retry_after = guard.failed(now);
                store.put(GUARD_KEY, guard.to_text()).await.map_err(err)?;
                retry_after
            }
        };
        Response::ok(GuardAnswer { retry_after }.to_text())
    }
}
