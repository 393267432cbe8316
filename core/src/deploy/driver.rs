//! The loop that drives one target's deployments over a [`Store`]: it admits requests
//! (deduplicating, superseding, evicting), picks the deployment to run, advances it one step at
//! a time and stores each step before the next. It never sleeps: it answers when it wants to be
//! called again ([`Wake`]), and its home waits (the worker's Durable Object sets an alarm,
//! `hatoba deploy` sleeps, the tests move a fake clock).
//!
//! What survives a crash is decided here, by the order of the writes:
//! - admitting writes the new record first (a crash leaves a record no ledger names, never a
//!   ledger naming a missing record), then the ledger, which is the admission's one commit
//!   point, then deletes the evicted records;
//! - running stores the ledger's choice of deployment before any effect, the record after each
//!   step, then the ledger (read afresh, so admissions that came in meanwhile are kept). A step
//!   whose record was not stored is redone from the record before it, and the steps with an
//!   effect in AWS look before they act.
//!
//! A new step of the pipeline goes into `pipeline.rs` (and its name into `record.rs`); this loop
//! runs whatever [`advance`] does next.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::ControlFlow;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::pipeline::{
    Context, PauseAction, PauseRefusal, Wake, advance, answer_pause, before_advance, supersede,
};
use super::queue::Admitted;
use super::queue::{Admission, Ledger};
use super::record::Deployment;
use super::route::DeployRequest;
use crate::http::{Clock, Transport};

/// The key of a target's ledger in its store.
pub const LEDGER_KEY: &str = "ledger";
/// The key of the target's name in its store (the alarm reads it to know its target).
pub const TARGET_KEY: &str = "target";

/// The key of deployment `id`'s record in its target's store.
pub fn record_key(id: &str) -> String {
    format!("d:{id}")
}

/// A store that failed: the driver stops where it is, and what it stored before is the truth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

/// Where one target's ledger and deployment records live, as JSON text under string keys: the
/// Durable Object's storage in the worker, a [`MemoryStore`] in the CLI and the tests.
#[allow(async_fn_in_trait)] // deliberate: the futures of the worker's storage are not Send
pub trait Store {
    /// The text under `key`, `None` when it was never written (or was deleted).
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Writes `value` under `key`.
    async fn put(&self, key: &str, value: String) -> Result<(), StoreError>;
    /// Removes `key`.
    async fn delete(&self, key: &str) -> Result<(), StoreError>;
}

/// A [`Store`] in memory: `hatoba deploy`'s, and the tests'.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: RefCell<BTreeMap<String, String>>,
}

impl MemoryStore {
    /// The keys stored, in order.
    pub fn keys(&self) -> Vec<String> {
        self.entries.borrow().keys().cloned().collect()
    }
}

impl Store for MemoryStore {
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.entries.borrow().get(key).cloned())
    }

    async fn put(&self, key: &str, value: String) -> Result<(), StoreError> {
        self.entries.borrow_mut().insert(key.to_owned(), value);
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.entries.borrow_mut().remove(key);
        Ok(())
    }
}

fn parse<T: DeserializeOwned>(key: &str, text: Option<String>) -> Result<Option<T>, StoreError> {
    match text {
        Some(text) => serde_json::from_slice(text.as_bytes())
            .map(Some)
            .map_err(|e| StoreError(format!("stored {key} does not read back: {e}"))),
        None => Ok(None),
    }
}

fn to_text<T: Serialize>(key: &str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError(format!("{key} does not serialize: {e}")))
}

/// One step the driver ran: the deployment as stored after it, and when the deployment wants
/// its next step.
#[derive(Debug, Clone)]
pub struct Turn {
    /// The record as stored after the step.
    pub deployment: Deployment,
    /// When this deployment's next step is due.
    pub wake: Wake,
}

/// The deploy loop of one target, over its store.
#[derive(Debug)]
pub struct Driver<'s, S> {
    store: &'s S,
}

impl<'s, S: Store> Driver<'s, S> {
    /// The driver of the target whose store is `store`.
    pub fn new(store: &'s S) -> Self {
        Self { store }
    }

    // Reading and writing are split into a sync generic half and one async half, so each
    // stored type adds its (de)serializer and no copy of the waiting on storage.
    async fn read<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let text = self.store.get(key).await?;
        parse(key, text)
    }

    async fn write<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        self.store.put(key, to_text(key, value)?).await
    }

    /// The target's ledger (empty before its first admission).
    pub async fn ledger(&self) -> Result<Ledger, StoreError> {
        Ok(self.read(LEDGER_KEY).await?.unwrap_or_default())
    }

    /// Deployment `id`'s record.
    pub async fn deployment(&self, id: &str) -> Result<Option<Deployment>, StoreError> {
        self.read(&record_key(id)).await
    }

    /// The name of the target this store belongs to, once anything was admitted (kept as
    /// plain text: a name needs no JSON).
    pub async fn target_name(&self) -> Result<Option<String>, StoreError> {
        // Earlier versions stored it as a JSON string: its quotes are not part of the name.
        let name = self.store.get(TARGET_KEY).await?;
        Ok(name.map(|n| n.trim_matches('"').to_owned()))
    }

    /// Takes a deploy request. `keys` identify its delivery (empty for a person's request).
    /// When it is queued, the caller makes sure the driver runs soon (an alarm, a loop).
    pub async fn admit(
        &self,
        request: &DeployRequest,
        keys: &[String],
        now_millis: u64,
    ) -> Result<Admitted, StoreError> {
        let mut ledger = self.ledger().await?;
        match ledger.admit(request, keys, now_millis) {
            Admission::Ignored(why) => {
                // The delivery's keys are remembered, so a redelivery is answered alike.
                self.write(LEDGER_KEY, &ledger).await?;
                Ok(Admitted {
                    id: None,
                    ignored: Some(why),
                })
            }
            Admission::Accepted {
                deployment,
                evicted,
                ..
            } => {
                self.write(&record_key(&deployment.id), &deployment).await?;
                if self.target_name().await?.as_deref() != Some(request.target.as_str()) {
                    self.store.put(TARGET_KEY, request.target.clone()).await?;
                }
                self.write(LEDGER_KEY, &ledger).await?;
                for id in &evicted {
                    self.store.delete(&record_key(id)).await?;
                }
                Ok(Admitted {
                    id: Some(deployment.id),
                    ignored: None,
                })
            }
        }
    }

    /// Runs one step of the target's current deployment (the running one, else the next
    /// queued), storing it. `None` when nothing is left to run.
    pub async fn step<T: Transport, C: Clock>(
        &self,
        ctx: &Context<'_, T, C>,
    ) -> Result<Option<Turn>, StoreError> {
        loop {
            let mut ledger = self.ledger().await?;
            let picks = ledger.active.is_none();
            let Some(id) = ledger.next_to_run() else {
                return Ok(None);
            };
            let Some(mut d) = self.deployment(&id).await? else {
                // Named by the ledger but never stored (or evicted): nothing to run.
                ledger.active = None;
                self.write(LEDGER_KEY, &ledger).await?;
                continue;
            };
            if let Some(by) = ledger.superseding(&d).map(str::to_owned) {
                supersede(&mut d, &by, ctx.clock.now_millis());
            }
            if picks {
                // The choice is stored before the deployment's first effect.
                self.write(LEDGER_KEY, &ledger).await?;
            }
            if before_advance(&mut d) {
                self.write(&record_key(&id), &d).await?;
            }
            let wake = advance(&mut d, ctx).await;
            self.write(&record_key(&id), &d).await?;
            let mut ledger = self.ledger().await?;
            ledger.update(&d);
            self.write(LEDGER_KEY, &ledger).await?;
            return Ok(Some(Turn {
                deployment: d,
                wake,
            }));
        }
    }

    /// Runs steps until a deployment waits, nothing is left, `budget` has passed, or `observe`
    /// (shown each stored step) breaks. Answers when to run again: [`Wake::After`] for a wait,
    /// [`Wake::Now`] for a spent budget or a break (more is ready), [`Wake::Done`] when no
    /// deployment is left.
    pub async fn run<T: Transport, C: Clock>(
        &self,
        ctx: &Context<'_, T, C>,
        budget: Duration,
        mut observe: impl FnMut(&Deployment) -> ControlFlow<()>,
    ) -> Result<Wake, StoreError> {
        let started = ctx.clock.now_millis();
        loop {
            let Some(turn) = self.step(ctx).await? else {
                return Ok(Wake::Done);
            };
            if observe(&turn.deployment).is_break() {
                return Ok(Wake::Now);
            }
            if let Wake::After(wait) = turn.wake {
                return Ok(Wake::After(wait));
            }
            let spent = ctx.clock.now_millis().saturating_sub(started);
            if u128::from(spent) >= budget.as_millis() {
                return Ok(Wake::Now);
            }
        }
    }

    /// Answers the PAUSE hook deployment `id` waits at with `action`. `None` when no deployment
    /// has that id. The record is left as it is: the next step reads what ECS made of it, and
    /// the caller wakes the driver for it.
    pub async fn answer_pause<T: Transport, C: Clock>(
        &self,
        ctx: &Context<'_, T, C>,
        id: &str,
        action: PauseAction,
    ) -> Result<Option<Result<(), PauseRefusal>>, StoreError> {
        let Some(d) = self.deployment(id).await? else {
            return Ok(None);
        };
        Ok(Some(answer_pause(&d, ctx, action).await))
    }

    /// The target's deployments, newest first.
    pub async fn deployments(&self) -> Result<Vec<Deployment>, StoreError> {
        let ledger = self.ledger().await?;
        let mut out = Vec::with_capacity(ledger.history.len());
        for summary in &ledger.history {
            if let Some(d) = self.deployment(&summary.id).await? {
                out.push(d);
            }
        }
        Ok(out)
    }

    /// The commit revision `arn` was deployed from here, for a rollback asked by ARN alone.
    pub async fn commit_of_revision(&self, arn: &str) -> Result<Option<String>, StoreError> {
        let ledger = self.ledger().await?;
        for summary in &ledger.history {
            if let Some(d) = self.deployment(&summary.id).await?
                && d.task_definition_arn.as_deref() == Some(arn)
            {
                return Ok(Some(d.sha));
            }
        }
        Ok(None)
    }
}
