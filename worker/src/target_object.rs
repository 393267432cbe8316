//! The Durable Object of one target: it stores the target's ledger and deployment records and
//! runs the pipeline from its alarm, one step a store, so an isolate that dies mid-deploy loses
//! nothing: the next alarm resumes from the stored record. Every decision is `hatoba_core`'s.

use std::time::Duration;

use hatoba_core::aws::retry::RetryPolicy;
use hatoba_core::deploy::session::Session;
use hatoba_core::deploy::{
    self, Admission, Context, DeployRequest, DeployRole, Deployment, Ledger, Wake,
};
use hatoba_core::fields::{FieldError, Obj};
use serde::Serialize;
use worker::{DurableObject, Env, Method, Request, Response, Result, State, durable_object};

use crate::transport::{FetchTransport, WorkerClock};
use crate::{config, stored};

const LEDGER: &str = "ledger";
const TARGET: &str = "target";
/// One alarm runs steps for at most this long, then hands over to the next alarm.
const ALARM_BUDGET_MS: u64 = 20_000;

fn record_key(id: &str) -> String {
    format!("d:{id}")
}

/// What the worker asks the object to admit.
#[derive(Debug, Serialize)]
pub struct Admit {
    /// The deploy asked for.
    pub request: DeployRequest,
    /// The delivery's keys (id, body hash); empty for the API.
    pub keys: Vec<String>,
}

/// The object's answer to an admit.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Admitted {
    /// The deployment's id, when one was queued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why nothing was queued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
}

// Read by hand, as core's records are (`hatoba_core::fields`): no derived reader in the wasm.
hatoba_core::deserialize_with_read!(Admit, "admit");
hatoba_core::deserialize_with_read!(Admitted, "admitted");

impl Admit {
    fn read(o: &Obj) -> std::result::Result<Self, FieldError> {
        Ok(Admit {
            request: DeployRequest::read(&o.object("request")?)?,
            keys: o.strings("keys")?,
        })
    }
}

impl Admitted {
    fn read(o: &Obj) -> std::result::Result<Self, FieldError> {
        Ok(Admitted {
            id: o.opt_string("id")?,
            ignored: o.opt_string("ignored")?,
        })
    }
}

#[durable_object]
pub struct TargetObject {
    state: State,
    env: Env,
    /// The deploy role's session (`AWS_ROLE_ARN`), in memory only: gone when the object is
    /// evicted, and then assumed again.
    session: Session,
}

impl DurableObject for TargetObject {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            session: Session::default(),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        crate::redaction::install(&self.env);
        self.answer(req)
            .await
            .map_err(|e| worker::Error::RustError(crate::redaction::redact(&e.to_string())))
    }

    async fn alarm(&self) -> Result<Response> {
        crate::redaction::install(&self.env);
        // An error makes the runtime retry the alarm, and log the error: redacted first.
        if let Err(e) = self.run().await {
            return Err(worker::Error::RustError(crate::redaction::redact(
                &e.to_string(),
            )));
        }
        Response::ok("ok")
    }
}

impl TargetObject {
    /// Answers the worker's requests: admit a deploy, read deployments, find a revision's commit.
    async fn answer(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        match (req.method(), path.as_str()) {
            (Method::Post, "/admit") => {
                let admit: Admit = crate::json_body(&mut req).await?;
                Response::from_json(&self.admit(admit).await?)
            }
            (Method::Get, "/deployments") => {
                let ledger = self.ledger().await?;
                let mut deployments = Vec::new();
                for summary in &ledger.history {
                    if let Some(d) = self.record(&summary.id).await? {
                        deployments.push(d);
                    }
                }
                Response::from_json(&serde_json::json!({ "deployments": deployments }))
            }
            (Method::Get, "/last") => {
                let ledger = self.ledger().await?;
                let last = match ledger.history.first() {
                    Some(s) => self.record(&s.id).await?,
                    None => None,
                };
                Response::from_json(&serde_json::json!({ "deployment": last }))
            }
            (Method::Get, p) if p.starts_with("/deployments/") => {
                let id = &p["/deployments/".len()..];
                match self.record(id).await? {
                    Some(d) => Response::from_json(&d),
                    None => Response::error("no such deployment", 404),
                }
            }
            (Method::Post, "/find-sha") => {
                // The commit a revision was deployed from, for a rollback asked by ARN alone.
                let body: serde_json::Value = crate::json_body(&mut req).await?;
                let arn = body["taskDefinitionArn"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let ledger = self.ledger().await?;
                for summary in &ledger.history {
                    if let Some(d) = self.record(&summary.id).await?
                        && d.task_definition_arn.as_deref() == Some(arn.as_str())
                    {
                        return Response::from_json(&serde_json::json!({ "sha": d.sha }));
                    }
                }
                Response::from_json(&serde_json::json!({ "sha": null }))
            }
            _ => Response::error("no such route", 404),
        }
    }

    async fn ledger(&self) -> Result<Ledger> {
        Ok(stored::get(&self.state.storage(), LEDGER)
            .await?
            .unwrap_or_default())
    }

    async fn record(&self, id: &str) -> Result<Option<Deployment>> {
        stored::get(&self.state.storage(), &record_key(id)).await
    }

    async fn admit(&self, admit: Admit) -> Result<Admitted> {
        let storage = self.state.storage();
        let mut ledger = self.ledger().await?;
        let now = worker::Date::now().as_millis();
        match ledger.admit(&admit.request, &admit.keys, now) {
            Admission::Ignored(why) => {
                stored::put(&storage, LEDGER, &ledger).await?;
                Ok(Admitted {
                    id: None,
                    ignored: Some(why),
                })
            }
            Admission::Accepted {
                deployment,
                superseded,
                evicted,
            } => {
                for id in &superseded {
                    if let Some(mut d) = self.record(id).await? {
                        deploy::supersede(&mut d, &deployment.sha, now);
                        stored::put(&storage, &record_key(id), &d).await?;
                    }
                }
                for id in &evicted {
                    storage.delete(&record_key(id)).await?;
                }
                stored::put(&storage, &record_key(&deployment.id), &deployment).await?;
                stored::put(&storage, TARGET, &admit.request.target).await?;
                stored::put(&storage, LEDGER, &ledger).await?;
                if storage.get_alarm().await?.is_none() {
                    storage.set_alarm(Duration::ZERO).await?;
                }
                Ok(Admitted {
                    id: Some(deployment.id),
                    ignored: None,
                })
            }
        }
    }

    /// Advances the running deployment (then the queued ones) step by step, storing the record
    /// after each step, until one waits (an alarm for then), the queue is empty, or the budget
    /// of this alarm is spent.
    async fn run(&self) -> Result<()> {
        let storage = self.state.storage();
        let name = stored::get::<serde_json::Value>(&storage, TARGET).await?;
        let Some(name) = name.as_ref().and_then(serde_json::Value::as_str) else {
            return Ok(());
        };
        let targets = config::targets(&self.env).map_err(|f| {
            worker::Error::RustError(format!(
                "configuration: {}",
                f.first().map(ToString::to_string).unwrap_or_default()
            ))
        })?;
        let Some(target) = targets.iter().find(|t| t.name == name) else {
            return Err(worker::Error::RustError(format!(
                "target {name} is no longer configured"
            )));
        };
        let Some(credentials) = config::aws_credentials(&self.env) else {
            return Err(worker::Error::RustError(
                "AWS credentials are not set".into(),
            ));
        };
        let github = match crate::github_app::client(&self.env, &storage, target).await {
            Ok(github) => github,
            Err(e) => {
                // The deploy goes on; its statuses are not sent, and the log says why.
                crate::redaction::log_error(&format!(
                    "GitHub credentials for {}: {e}",
                    target.name
                ));
                None
            }
        };
        let transport = FetchTransport;
        let clock = WorkerClock;
        let ctx = Context {
            transport: &transport,
            clock: &clock,
            target,
            credentials,
            endpoint_url: config::text(&self.env, "AWS_ENDPOINT_URL"),
            github,
            public_url: config::text(&self.env, "HATOBA_PUBLIC_URL"),
            retry: RetryPolicy::STANDARD,
            role: config::text(&self.env, "AWS_ROLE_ARN").map(|role_arn| DeployRole {
                role_arn,
                session: &self.session,
            }),
            // The alarm installed it from this environment: the secrets are not read again.
            redactor: crate::redaction::current(),
        };
        let started = worker::Date::now().as_millis();
        loop {
            // The ledger is read afresh before each step and never held across a request to
            // AWS or GitHub, so deliveries that arrive meanwhile are not overwritten.
            let mut ledger = self.ledger().await?;
            let Some(id) = ledger.next_to_run() else {
                stored::put(&storage, LEDGER, &ledger).await?;
                return Ok(());
            };
            let Some(mut d) = self.record(&id).await? else {
                ledger.active = None;
                stored::put(&storage, LEDGER, &ledger).await?;
                continue;
            };
            if let Some(by) = ledger.superseding(&d).map(str::to_owned) {
                deploy::supersede(&mut d, &by, worker::Date::now().as_millis());
            }
            stored::put(&storage, LEDGER, &ledger).await?;
            let wake = deploy::advance(&mut d, &ctx).await;
            stored::put(&storage, &record_key(&id), &d).await?;
            let mut ledger = self.ledger().await?;
            ledger.update(&d);
            stored::put(&storage, LEDGER, &ledger).await?;
            match wake {
                Wake::Now | Wake::Done => {
                    if worker::Date::now().as_millis() - started > ALARM_BUDGET_MS {
                        storage.set_alarm(Duration::ZERO).await?;
                        return Ok(());
                    }
                }
                Wake::After(wait) => {
                    storage.set_alarm(wait).await?;
                    return Ok(());
                }
            }
        }
    }
}
