//! The Durable Object of one target: it answers core's [`TargetCall`]s from its storage and
//! runs core's [`Driver`] from its alarm. It holds no decision: the order of its writes, which
//! deployment runs, superseding and the budget of an alarm are the driver's.

use std::ops::ControlFlow;
use std::time::Duration;

use crate::checks::RemoteChecks;
use hatoba_core::api::calls::{self, Planner, ReviewSetting, TargetCall};
use hatoba_core::aws::retry::RetryPolicy;
use hatoba_core::checks::LocalFuture;
use hatoba_core::deploy::PlanInputs;
use hatoba_core::deploy::session::Session;
use hatoba_core::deploy::{Context, DeployRole, Driver, Wake};
use hatoba_core::fields::read_text;
use hatoba_core::github::api::GitHubClient;
use hatoba_core::target::Target;
use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};

use crate::storage::ObjectStore;
use crate::transport::{FetchTransport, WorkerClock};
use crate::{config, redaction};

/// The target an object deploys to and its GitHub client, read for a run of its driver.
struct Setting {
    target: Target,
    github: Option<GitHubClient>,
}

/// One alarm runs steps for at most this long, then hands over to the next alarm.
const ALARM_BUDGET: Duration = Duration::from_secs(20);

#[durable_object(alarm)]
pub struct TargetObject {
    state: State,
    env: Env,
    /// The deploy role's session (`AWS_ROLE_ARN`), in memory only: gone when the object is
    /// evicted, and then assumed again.
    session: Session,
    /// The rules a revision passes before it is registered, in the checks worker.
    checks: RemoteChecks,
}

fn store_error(e: hatoba_core::deploy::StoreError) -> worker::Error {
    worker::Error::RustError(e.0)
}

impl DurableObject for TargetObject {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            checks: RemoteChecks(env.clone()),
            env,
            session: Session::default(),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        redaction::install(&self.env);
        let result = async {
            let call = read_text(req.text().await?.as_bytes(), TargetCall::read)
                .map_err(worker::Error::RustError)?;
            let store = ObjectStore(self.state.storage());
            let driver = Driver::new(&store);
            let now = worker::Date::now().as_millis();
            let (json, queued) = match &call {
                TargetCall::AnswerPause { id, action } => {
                    let setting = self.setting(&driver).await?;
                    let ctx = self.context(&setting)?;
                    calls::answer_pause(&driver, &ctx, id, *action).await
                }
                TargetCall::CheckAction { action } => {
                    let setting = self.review_setting(&store, &action.target).await?;
                    let Some(target) = setting.targets.iter().find(|t| t.name == action.target)
                    else {
                        return Err(worker::Error::RustError("no such target".into()));
                    };
                    calls::answer_check_action(&driver, &setting, target, action).await
                }
                TargetCall::Review { target, request } => {
                    let setting = self.review_setting(&store, target).await?;
                    calls::answer_review(&store, &setting, request)
                        .await
                        .map(|json| (json, false))
                }
                _ => calls::answer(&driver, &call, now).await,
            }
            .map_err(store_error)?;
            // A queued deployment needs its driver running; an answered pause, a poll now.
            let paused = matches!(call, TargetCall::AnswerPause { .. });
            if queued && (paused || self.state.storage().get_alarm().await?.is_none()) {
                self.state.storage().set_alarm(Duration::ZERO).await?;
            }
            Response::ok(json)
        }
        .await;
        result.map_err(|e| worker::Error::RustError(redaction::redact(&e.to_string())))
    }

    async fn alarm(&self) -> Result<Response> {
        redaction::install(&self.env);
        // An error makes the runtime retry the alarm, and log the error: redacted first.
        match self.run().await {
            Ok(()) => Response::ok("ok"),
            Err(e) => Err(worker::Error::RustError(redaction::redact(&e.to_string()))),
        }
    }
}

impl std::fmt::Debug for TargetObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TargetObject")
    }
}

/// A plan's inputs read with the deploy's own context for the target.
impl Planner for TargetObject {
    fn inputs<'a>(
        &'a self,
        target: &'a Target,
        sha: &'a str,
    ) -> LocalFuture<'a, std::result::Result<PlanInputs, String>> {
        Box::pin(async move {
            let store = ObjectStore(self.state.storage());
            let github = crate::github_app::client(&self.env, &store, target)
                .await
                .ok()
                .flatten();
            let setting = Setting {
                target: target.clone(),
                github,
            };
            let ctx = self.context(&setting).map_err(|e| e.to_string())?;
            hatoba_core::deploy::plan_inputs(&ctx, sha).await
        })
    }
}

impl TargetObject {
    /// What a review of a pull request of `target`'s repository runs with: check runs are
    /// written with the GitHub App's installation token, never with `GITHUB_TOKEN`.
    async fn review_setting(
        &self,
        store: &ObjectStore,
        target: &str,
    ) -> Result<ReviewSetting<'_, FetchTransport, WorkerClock>> {
        let targets = config::targets(&self.env)
            .map_err(|_| worker::Error::RustError("the targets do not check".into()))?;
        let Some(t) = targets.iter().find(|t| t.name == target).cloned() else {
            return Err(worker::Error::RustError(format!(
                "target {target} is not configured"
            )));
        };
        let repository = t.repository.clone();
        let targets: Vec<Target> = targets
            .into_iter()
            .filter(|x| x.repository.eq_ignore_ascii_case(&repository))
            .collect();
        let (github, no_app) = if config::github(&self.env).is_some() {
            (None, Some("pull requests are checked with check runs, which only a GitHub App may write: set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY instead of GITHUB_TOKEN".to_owned()))
        } else {
            match crate::github_app::client(&self.env, store, &t).await {
                Ok(Some(client)) => (Some(client), None),
                Ok(None) => (None, Some("no GitHub App is set (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY): pull requests are checked by an App".to_owned())),
                Err(e) => (None, Some(format!("the GitHub App: {e}"))),
            }
        };
        Ok(ReviewSetting {
            transport: &FetchTransport,
            clock: &WorkerClock,
            github,
            no_app,
            checks: &self.checks,
            targets,
            planner: Some(self),
        })
    }

    /// What the driver runs with, read from the environment for the target this object
    /// belongs to; `None` before anything was admitted.
    ///
    /// Boxed: both the alarm and a call wait on it, and one copy of its code serves them.
    fn setting<'a>(
        &'a self,
        driver: &'a Driver<'_, ObjectStore>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Setting>> + 'a>> {
        Box::pin(self.read_setting(driver))
    }

    async fn read_setting(&self, driver: &Driver<'_, ObjectStore>) -> Result<Setting> {
        let name = driver
            .target_name()
            .await
            .map_err(store_error)?
            .ok_or_else(|| worker::Error::RustError("no deployment was admitted here".into()))?;
        let targets = config::targets(&self.env).map_err(|f| {
            worker::Error::RustError(format!(
                "configuration: {}",
                f.first().map(ToString::to_string).unwrap_or_default()
            ))
        })?;
        let Some(target) = targets.into_iter().find(|t| t.name == name) else {
            return Err(worker::Error::RustError(format!(
                "target {name} is no longer configured"
            )));
        };
        let store = ObjectStore(self.state.storage());
        let github = match crate::github_app::client(&self.env, &store, &target).await {
            Ok(github) => github,
            Err(e) => {
                // The deploy goes on; its statuses are not sent, and the log says why.
                redaction::log_error(&format!("GitHub credentials for {}: {e}", target.name));
                None
            }
        };
        Ok(Setting { target, github })
    }

    fn context<'a>(
        &'a self,
        setting: &'a Setting,
    ) -> Result<Context<'a, FetchTransport, WorkerClock>> {
        let Some(credentials) = config::aws_credentials(&self.env) else {
            return Err(worker::Error::RustError(
                "AWS credentials are not set".into(),
            ));
        };
        Ok(Context {
            transport: &FetchTransport,
            clock: &WorkerClock,
            target: &setting.target,
            credentials,
            endpoint_url: config::text(&self.env, "AWS_ENDPOINT_URL"),
            github: setting.github.clone(),
            public_url: config::text(&self.env, "HATOBA_PUBLIC_URL"),
            retry: RetryPolicy::STANDARD,
            role: config::text(&self.env, "AWS_ROLE_ARN").map(|role_arn| DeployRole {
                role_arn,
                session: &self.session,
            }),
            // The alarm or the call installed it from this environment: the secrets are not
            // read again.
            redactor: redaction::current(),
            checks: &self.checks,
            // With a GitHub App (no GITHUB_TOKEN): a token cannot write check runs.
            check_runs: setting.github.is_some() && config::github(&self.env).is_none(),
        })
    }

    /// Runs the driver within the alarm's budget and sets the next alarm it asks for.
    async fn run(&self) -> Result<()> {
        let storage = self.state.storage();
        let store = ObjectStore(self.state.storage());
        let driver = Driver::new(&store);
        if driver.target_name().await.map_err(store_error)?.is_none() {
            return Ok(());
        }
        let setting = self.setting(&driver).await?;
        let ctx = self.context(&setting)?;
        let wake = driver
            .run(&ctx, ALARM_BUDGET, |_| ControlFlow::Continue(()))
            .await
            .map_err(store_error)?;
        match wake {
            Wake::Now => storage.set_alarm(Duration::ZERO).await,
            Wake::After(wait) => storage.set_alarm(wait).await,
            Wake::Done => Ok(()),
        }
    }
}
