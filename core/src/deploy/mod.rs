//! The deploy pipeline, written once against the [`Transport`](crate::http::Transport) and
//! [`Clock`](crate::http::Clock) seams, and the deployment records the worker's API returns.
//!
//! A deployment is a stored [`Deployment`] record plus [`advance`], which does the record's next
//! step and says when to call again ([`Wake`]). The worker stores the record and sets an alarm;
//! `hatoba deploy` loops and sleeps; tests drive it with a scripted transport and a fake clock.
//! A crash between steps loses nothing because the record is the truth, and the steps with an
//! effect in AWS look before they act, so a step redone after a crash registers no second
//! revision and updates the service once.

pub mod driver;
pub mod evidence;
mod pipeline;
mod queue;
mod record;
mod rollout;
mod route;
pub mod session;
pub mod status;
/// The targets are the configuration the pipeline reads; they live at the crate's top level so
/// the domain modules (`iam`) can use them without using `deploy`.
pub use crate::target;
/// A record's times are RFC 3339 text: whoever reads records reads their times with these.
pub use crate::time;

pub use driver::{Driver, MemoryStore, Store, StoreError, Turn};
pub use pipeline::{
    Context, DeployRole, FINAL_STATUS_PATIENCE, MAX_TASK_DEFINITION_BYTES, PauseAction,
    PauseRefusal, PlanInputs, STEP_PATIENCE, Wake, advance, answer_pause, before_advance,
    can_supersede, plan_inputs, retry_delay, supersede,
};
pub use queue::{Admission, Admitted, CLOCK_SKEW_MS, DELIVERIES, HISTORY, Ledger, Summary};
pub use record::{
    Deployment, EventLine, Failure, Lifecycle, LogExcerpt, Next, Outcome, Pause, Progress, State,
    StatusSent, Step, StepName, StoppedContainer, StoppedTask, Trigger,
};
pub use rollout::{Rollout, evaluate_rollout, evaluate_service_deployment};
pub use route::{
    CheckAction, DEPLOY_CHECK_PREFIX, Delivery, DeployRequest, Reception, Routing, is_json,
    receive, route,
};
pub use target::{BaseSource, ConfigFinding, PreDeploy, Target, parse_targets, parse_targets_json};

/// Tags a registered revision carries, so a resumed deploy finds it and people see its origin.
pub const COMMIT_TAG: &str = "hatoba:commit";
/// See [`COMMIT_TAG`].
pub const DEPLOYMENT_TAG: &str = "hatoba:deployment";
