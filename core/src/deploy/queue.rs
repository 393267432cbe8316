//! One target's ledger: its queue, the deployment running, its history, and the deliveries it
//! has seen. The worker's Durable Object stores it and asks it every question; the decisions
//! (exactly once, one at a time, newest wins, never backwards by webhook) are made here.

use serde::Serialize;

use crate::deserialize_with_read;
use crate::fields::{FieldError, Obj};

use super::record::{Deployment, Next, STATES, State, Trigger};
use super::route::DeployRequest;
use super::target::short_sha;

/// Deployments kept per target.
pub const HISTORY: usize = 100;
/// Delivery keys remembered per target.
pub const DELIVERIES: usize = 1000;
/// How far in the future a commit's date may be before it is read as the time it arrived: a
/// commit's date is whatever its author wrote.
pub const CLOCK_SKEW_MS: u64 = 5 * 60 * 1000;

/// A line of a target's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// The deployment's id.
    pub id: String,
    /// Its commit.
    pub sha: String,
    /// Its state when last recorded.
    pub state: State,
    /// Whether a webhook asked for it.
    pub webhook: bool,
    /// The newer commit that superseded it while it was queued: the driver marks its record
    /// when it reaches it, so admitting writes the ledger alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    /// Its commit's date as admitted (a webhook's; a future date is read as the admission's
    /// time): it becomes the target's mark once the deployment registers its revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_time: Option<u64>,
    /// When GitHub says its repository was last pushed to, as the delivery said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed_at: Option<u64>,
}

/// A target's queue, running deployment and history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ledger {
    /// Deployments waiting, oldest first.
    pub queue: Vec<String>,
    /// The deployment running.
    pub active: Option<String>,
    /// Deployments kept, newest first.
    pub history: Vec<Summary>,
    /// Keys of deliveries seen (`X-GitHub-Delivery`, and a hash of the signed body), oldest first.
    pub deliveries: Vec<String>,
    /// The commit time of the newest commit a webhook deployed (ms since the epoch), set when
    /// its deployment registered its revision, not when it was admitted.
    pub last_commit_time: Option<u64>,
    /// The push time (GitHub's clock) that came with the commit of [`Ledger::last_commit_time`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_pushed_at: Option<u64>,
    /// A newer commit arrived while `active` ran: it is superseded if it has not reached AWS.
    pub supersede_active_by: Option<String>,
}

// Read by hand (`crate::fields`), as the deployment records are.
deserialize_with_read!(Ledger, "target ledger");

impl Ledger {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Ledger {
            queue: o.strings("queue")?,
            active: o.opt_string("active")?,
            history: o.list("history", |s| {
                Ok(Summary {
                    id: s.string("id")?,
                    sha: s.string("sha")?,
                    state: s.one_of("state", &STATES)?,
                    webhook: s.required("webhook", "true or false", serde_json::Value::as_bool)?,
                    superseded_by: s.opt_string("supersededBy")?,
                    commit_time: s.opt_id("commitTime")?,
                    pushed_at: s.opt_id("pushedAt")?,
                })
            })?,
            deliveries: o.strings("deliveries")?,
            last_commit_time: o.opt_id("lastCommitTime")?,
            last_pushed_at: o.opt_id("lastPushedAt")?,
            supersede_active_by: o.opt_string("supersedeActiveBy")?,
        })
    }
}

/// What the driver answers an admission: the deployment queued, or why nothing was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Admitted {
    /// The deployment's id, when one was queued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why nothing was queued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
}

deserialize_with_read!(Admitted, "admitted");

impl Admitted {
    /// Reads an admission's answer from its JSON object.
    pub fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Admitted {
            id: o.opt_string("id")?,
            ignored: o.opt_string("ignored")?,
        })
    }
}

/// What became of a request.
#[derive(Debug, Clone, PartialEq)]
// Made once per delivery: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Admission {
    /// Queued: store `deployment`, then the ledger, then delete the `evicted` records. The
    /// `superseded` queued ones are named so in the ledger; their records are marked when the
    /// driver reaches them (their final status is still to send).
    Accepted {
        /// The new deployment, queued.
        deployment: Deployment,
        /// Queued deployments this one supersedes.
        superseded: Vec<String>,
        /// Deployments dropped from the history.
        evicted: Vec<String>,
    },
    /// Nothing to do, and why.
    Ignored(String),
}

fn is_webhook(trigger: &Trigger) -> bool {
    !matches!(trigger, Trigger::Manual { .. })
}

impl Ledger {
    /// Takes a deploy request. `delivery_keys` identify the delivery (empty for the API): a
    /// delivery seen before does nothing, nor does a webhook's commit already deploying or
    /// deployed here, nor one older than the newest a webhook deployed.
    pub fn admit(
        &mut self,
        request: &DeployRequest,
        delivery_keys: &[String],
        now: u64,
    ) -> Admission {
        if let Some(key) = delivery_keys.iter().find(|k| self.deliveries.contains(k)) {
            return Admission::Ignored(format!("{key} was seen before: nothing done"));
        }
        let webhook = is_webhook(&request.trigger);
        let commit_time = request
            .commit_time
            .map(|t| t.min(now.saturating_add(CLOCK_SKEW_MS)));
        let sha = short_sha(&request.sha).to_owned();
        if webhook {
            let taken = self
                .history
                .iter()
                .find(|s| {
                    s.sha.eq_ignore_ascii_case(&request.sha)
                        && s.webhook
                        && matches!(s.state, State::Queued | State::InProgress | State::Success)
                })
                .cloned();
            if let Some(s) = taken {
                let how = if s.state == State::Success {
                    "deployed"
                } else {
                    "deploying"
                };
                self.remember(delivery_keys);
                return Admission::Ignored(format!(
                    "commit {sha} is already {how} to {} ({})",
                    request.target, s.id
                ));
            }
            // Never backwards by webhook: not behind the newest commit deployed (the mark, set
            // when a deployment registers its revision) nor behind one still queued or running.
            // Unless GitHub's own clock says the repository was pushed to after that commit
            // came: commit dates are whatever their authors wrote.
            let pending = self
                .history
                .iter()
                .filter(|s| s.webhook && matches!(s.state, State::Queued | State::InProgress))
                .filter_map(|s| Some((s.commit_time?, s.pushed_at)));
            let newer = self
                .last_commit_time
                .map(|t| (t, self.last_pushed_at))
                .into_iter()
                .chain(pending)
                .any(|(then, then_pushed)| {
                    commit_time.is_some_and(|time| time < then)
                        && request
                            .pushed_at
                            .zip(then_pushed)
                            .is_none_or(|(now_pushed, then_pushed)| now_pushed <= then_pushed)
                });
            if newer {
                self.remember(delivery_keys);
                return Admission::Ignored(format!(
                    "commit {sha} is older than the last commit a webhook deployed to {}: a webhook never rolls back (use the API's rollback)",
                    request.target
                ));
            }
        }
        self.remember(delivery_keys);
        // Ids name the target, the millisecond and the short sha: two requests of one commit
        // (or of two commits sharing a short sha) in one millisecond take the next one.
        let mut now = now;
        while self
            .history
            .iter()
            .any(|s| Deployment::id_of(&request.target, &request.sha, now) == s.id)
        {
            now += 1;
        }
        let deployment = match &request.task_definition_arn {
            Some(arn) => Deployment::redeploy(
                &request.target,
                &request.sha,
                arn,
                request.trigger.clone(),
                now,
            ),
            None => Deployment::new(&request.target, &request.sha, request.trigger.clone(), now),
        };
        let superseded: Vec<String> = self
            .queue
            .iter()
            .filter(|id| {
                self.history
                    .iter()
                    .any(|s| &&s.id == id && s.state == State::Queued)
            })
            .cloned()
            .collect();
        for s in self
            .history
            .iter_mut()
            .filter(|s| superseded.contains(&s.id))
        {
            s.state = State::Superseded;
            s.superseded_by = Some(request.sha.clone());
        }
        if self.active.is_some() {
            self.supersede_active_by = Some(request.sha.clone());
        }
        self.queue.push(deployment.id.clone());
        self.history.insert(
            0,
            Summary {
                id: deployment.id.clone(),
                sha: request.sha.clone(),
                state: State::Queued,
                webhook,
                superseded_by: None,
                commit_time: commit_time.filter(|_| webhook),
                pushed_at: request.pushed_at.filter(|_| webhook),
            },
        );
        let mut evicted = Vec::new();
        while self.history.len() > HISTORY {
            let last = self.history.pop().expect("longer than HISTORY");
            evicted.push(last.id);
        }
        Admission::Accepted {
            deployment,
            superseded,
            evicted,
        }
    }

    fn remember(&mut self, keys: &[String]) {
        self.deliveries.extend(keys.iter().cloned());
        let over = self.deliveries.len().saturating_sub(DELIVERIES);
        self.deliveries.drain(..over);
    }

    /// The deployment to advance: the running one, or the next queued, which becomes the
    /// running one.
    pub fn next_to_run(&mut self) -> Option<String> {
        if self.active.is_none() && !self.queue.is_empty() {
            self.active = Some(self.queue.remove(0));
            self.supersede_active_by = None;
        }
        self.active.clone()
    }

    /// Records `d`'s state in the history; a finished running deployment frees the target.
    pub fn update(&mut self, d: &Deployment) {
        if let Some(s) = self.history.iter_mut().find(|s| s.id == d.id) {
            s.state = d.state;
            // The mark moves once the commit's revision is registered: a delivery whose image
            // never appears moves nothing.
            if s.webhook && d.task_definition_arn.is_some() {
                if let Some(time) = s.commit_time {
                    self.last_commit_time =
                        Some(self.last_commit_time.map_or(time, |last| last.max(time)));
                }
                if let Some(pushed) = s.pushed_at {
                    self.last_pushed_at =
                        Some(self.last_pushed_at.map_or(pushed, |last| last.max(pushed)));
                }
            }
        }
        if d.next == Next::Done && self.active.as_deref() == Some(&d.id) {
            self.active = None;
            self.supersede_active_by = None;
        }
    }

    /// The newer commit that supersedes `d`, when one arrived while `d` was queued or running
    /// and `d` has not yet registered anything in AWS.
    pub fn superseding(&self, d: &Deployment) -> Option<&str> {
        if !super::pipeline::can_supersede(d) {
            return None;
        }
        let queued = self
            .history
            .iter()
            .find(|s| s.id == d.id)
            .and_then(|s| s.superseded_by.as_deref());
        let running = self
            .supersede_active_by
            .as_deref()
            .filter(|_| self.active.as_deref() == Some(&d.id));
        queued.or(running)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::pipeline::supersede;

    fn push(sha: &str, delivery: &str, time: Option<u64>) -> DeployRequest {
        DeployRequest {
            target: "stg".into(),
            sha: sha.into(),
            trigger: Trigger::Push {
                delivery: Some(delivery.into()),
            },
            commit_time: time,
            task_definition_arn: None,
            pushed_at: None,
        }
    }

    fn accept(ledger: &mut Ledger, request: &DeployRequest, now: u64) -> Deployment {
        let keys = vec![format!("delivery {}", now)];
        match ledger.admit(request, &keys, now) {
            Admission::Accepted { deployment, .. } => deployment,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_delivery_seen_before_and_a_commit_already_deploying_do_nothing() {
        let mut ledger = Ledger::default();
        let keys = vec!["delivery d-1".to_owned(), "body abc".to_owned()];
        assert!(matches!(
            ledger.admit(&push("aaaaaaaa", "d-1", None), &keys, 1),
            Admission::Accepted { .. }
        ));
        assert_eq!(
            ledger.admit(&push("aaaaaaaa", "d-1", None), &keys[1..], 2),
            Admission::Ignored("body abc was seen before: nothing done".into())
        );
        match ledger.admit(
            &push("aaaaaaaa", "d-2", None),
            &["delivery d-2".to_owned()],
            3,
        ) {
            Admission::Ignored(why) => assert!(
                why.starts_with("commit aaaaaaa is already deploying to stg"),
                "{why}"
            ),
            other => panic!("{other:?}"),
        }
        // A person may deploy it again.
        let manual = DeployRequest {
            trigger: Trigger::Manual { by: "api".into() },
            ..push("aaaaaaaa", "-", None)
        };
        assert!(matches!(
            ledger.admit(&manual, &[], 4),
            Admission::Accepted { .. }
        ));
    }

    #[test]
    fn a_newer_commit_supersedes_the_queued_and_flags_the_running_one() {
        let mut ledger = Ledger::default();
        let a = accept(&mut ledger, &push("aaaaaaaa", "d-1", None), 1);
        assert_eq!(ledger.next_to_run().as_deref(), Some(a.id.as_str()));
        let b = accept(&mut ledger, &push("bbbbbbbb", "d-2", None), 2);
        assert_eq!(ledger.supersede_active_by.as_deref(), Some("bbbbbbbb"));
        assert_eq!(ledger.superseding(&a), Some("bbbbbbbb"));
        let c = match ledger.admit(&push("cccccccc", "d-3", None), &["d-3".into()], 3) {
            Admission::Accepted {
                deployment,
                superseded,
                ..
            } => {
                assert_eq!(superseded, vec![b.id.clone()]);
                deployment
            }
            other => panic!("{other:?}"),
        };
        let mut b = b;
        assert!(supersede(&mut b, &c.sha, 3));
        assert_eq!(
            ledger.history.iter().map(|s| s.state).collect::<Vec<_>>(),
            [State::Queued, State::Superseded, State::Queued]
        );
        // The running one finishes: the queue runs in order, the superseded one first (its status).
        let mut a = a;
        a.next = Next::Done;
        a.state = State::Success;
        ledger.update(&a);
        assert_eq!(ledger.next_to_run(), Some(b.id.clone()));
    }

    /// `d` as it is once it registered its revision, recorded in the ledger.
    fn registered(ledger: &mut Ledger, d: &Deployment) {
        let mut d = d.clone();
        d.task_definition_arn =
            Some("arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2".into());
        d.state = State::InProgress;
        ledger.update(&d);
    }

    #[test]
    fn a_webhook_never_deploys_an_older_commit_and_history_is_capped() {
        let mut ledger = Ledger::default();
        let a = accept(&mut ledger, &push("aaaaaaaa", "d-1", Some(2_000)), 1);
        // The mark moves when a deployment registers its revision, not when it is admitted.
        assert_eq!(ledger.last_commit_time, None);
        registered(&mut ledger, &a);
        assert_eq!(ledger.last_commit_time, Some(2_000));
        match ledger.admit(&push("bbbbbbbb", "d-2", Some(1_000)), &["d-2".into()], 2) {
            Admission::Ignored(why) => assert!(
                why.contains("older than the last commit a webhook deployed"),
                "{why}"
            ),
            other => panic!("{other:?}"),
        }
        for n in 0..150u64 {
            let request = DeployRequest {
                trigger: Trigger::Manual { by: "api".into() },
                ..push(&format!("{n:08x}"), "-", None)
            };
            ledger.admit(&request, &[], 10 + n);
        }
        assert_eq!(ledger.history.len(), HISTORY);
    }

    #[test]
    fn a_commit_dated_in_the_future_blocks_no_later_push() {
        const NOW: u64 = 1_795_766_400_000;
        const YEAR_9999: u64 = 253_402_214_400_000;
        // Admitted, its image not there yet: a push GitHub saw after it is still deployed.
        let mut ledger = Ledger::default();
        let bogus = DeployRequest {
            pushed_at: Some(NOW),
            ..push("aaaaaaaa", "d-1", Some(YEAR_9999))
        };
        let bogus = accept(&mut ledger, &bogus, NOW);
        let real = DeployRequest {
            pushed_at: Some(NOW + 1_000),
            ..push("bbbbbbbb", "d-2", Some(NOW + 1_000))
        };
        assert!(matches!(
            ledger.admit(&real, &["d-2".into()], NOW + 2_000),
            Admission::Accepted { .. }
        ));
        // Its image never appeared: it ended having registered nothing, so it set no mark.
        let mut ended = bogus.clone();
        ended.state = State::Error;
        ended.next = Next::Done;
        ledger.update(&ended);
        assert_eq!(ledger.last_commit_time, None);
        let undated = push("eeeeeeee", "d-5", Some(NOW + 3_000));
        assert!(matches!(
            ledger.admit(&undated, &["d-5".into()], NOW + 4_000),
            Admission::Accepted { .. }
        ));
        // Registered: its date counts as its arrival (plus the skew allowed), so a push made
        // after that is deployed.
        let mut ledger = Ledger::default();
        let future = accept(&mut ledger, &push("cccccccc", "d-3", Some(YEAR_9999)), NOW);
        registered(&mut ledger, &future);
        assert_eq!(ledger.last_commit_time, Some(NOW + CLOCK_SKEW_MS));
        let later = NOW + CLOCK_SKEW_MS + 60_000;
        assert!(matches!(
            ledger.admit(
                &push("dddddddd", "d-4", Some(later)),
                &["d-4".into()],
                later
            ),
            Admission::Accepted { .. }
        ));
    }

    #[test]
    fn a_commit_pushed_after_the_deployed_one_is_never_older_whatever_its_date() {
        let mut ledger = Ledger::default();
        let a = accept(
            &mut ledger,
            &DeployRequest {
                pushed_at: Some(5_000),
                ..push("aaaaaaaa", "d-1", Some(3_000))
            },
            10_000,
        );
        registered(&mut ledger, &a);
        assert_eq!(ledger.last_pushed_at, Some(5_000));
        // Dated earlier (a rebase keeps old dates) but pushed later: deployed.
        let rebased = DeployRequest {
            pushed_at: Some(6_000),
            ..push("bbbbbbbb", "d-2", Some(1_000))
        };
        assert!(matches!(
            ledger.admit(&rebased, &["d-2".into()], 11_000),
            Admission::Accepted { .. }
        ));
        // Dated earlier and pushed no later: ignored.
        let stale = DeployRequest {
            pushed_at: Some(5_000),
            ..push("cccccccc", "d-3", Some(1_000))
        };
        assert!(matches!(
            ledger.admit(&stale, &["d-3".into()], 12_000),
            Admission::Ignored(_)
        ));
    }

    #[test]
    fn an_upper_case_redelivery_of_a_deployed_commit_does_nothing() {
        let mut ledger = Ledger::default();
        let a = accept(&mut ledger, &push("abcdef01", "d-1", None), 1);
        let mut done = a.clone();
        done.state = State::Success;
        done.next = Next::Done;
        ledger.update(&done);
        assert!(matches!(
            ledger.admit(&push("ABCDEF01", "d-2", None), &["d-2".into()], 2),
            Admission::Ignored(_)
        ));
    }
}
