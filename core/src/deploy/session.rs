//! The deploy role (`AWS_ROLE_ARN`): each deploy assumes it for 15 minutes, with a session
//! named for the target and commit and a session policy limited to the target's resources, so
//! the worker's own long-lived key needs nothing but `sts:AssumeRole`.

use std::cell::RefCell;

use serde_json::Value;

use super::target::{Target, short_sha};
use crate::aws::sigv4::Credentials;
use crate::iam::{self, Setup};

/// How long an assumed session lasts: STS's minimum, 15 minutes.
pub const SESSION_SECONDS: u32 = 900;

/// A session is renewed when less than this is left (a step's calls and retries fit in it).
pub const RENEW_BEFORE_MS: u64 = 3 * 60 * 1000;

/// The credentials a deploy assumed last, kept by the driver between steps (in memory only:
/// never stored, never in a record).
#[derive(Debug, Default)]
pub struct Session {
    current: RefCell<Option<Assumed>>,
}

#[derive(Debug, Clone)]
struct Assumed {
    deployment: String,
    credentials: Credentials,
    expires_at_ms: u64,
}

impl Session {
    /// The credentials assumed for `deployment`, if they last beyond `now_ms` plus
    /// [`RENEW_BEFORE_MS`].
    pub fn valid_for(&self, deployment: &str, now_ms: u64) -> Option<Credentials> {
        self.current
            .borrow()
            .as_ref()
            .filter(|a| a.deployment == deployment && a.expires_at_ms > now_ms + RENEW_BEFORE_MS)
            .map(|a| a.credentials.clone())
    }

    /// The credentials assumed last, whatever deployment they were for.
    pub fn current(&self) -> Option<Credentials> {
        self.current
            .borrow()
            .as_ref()
            .map(|a| a.credentials.clone())
    }

    /// Keeps `credentials`, assumed for `deployment` until `expires_at_ms`.
    pub fn keep(&self, deployment: &str, credentials: Credentials, expires_at_ms: u64) {
        *self.current.borrow_mut() = Some(Assumed {
            deployment: deployment.to_owned(),
            credentials,
            expires_at_ms,
        });
    }
}

/// The session's name, as CloudTrail shows it: `hatoba-<target>-<short sha>` (64 characters at
/// most, as STS allows).
pub fn session_name(target: &Target, sha: &str) -> String {
    let mut name = format!("hatoba-{}-{}", target.name, short_sha(sha));
    name.truncate(64);
    name
}

/// The account a role ARN belongs to.
pub fn account_of(role_arn: &str) -> Option<&str> {
    let account = role_arn.split(':').nth(4)?;
    iam::check_account_id(account).ok().map(|()| account)
}

/// The session policy: the target's deploy policy ([`iam::deploy_policy`]) with the family, the
/// roles to pass and the log groups to read left open (they come from the base, read later in
/// the deploy); the role's own policy narrows those. A role shared by several targets can so
/// touch only this target's repository, service, cluster and object in this deploy.
///
/// STS takes at most 2,048 characters of session policy, so it is written short: no `Sid`
/// (the role's policy says why), and no condition on a statement that names its resources
/// (every action there is already held to this target's ARNs, and the role's own conditions
/// still apply: a session grants what both allow). A statement on `"*"` keeps its condition,
/// the only thing holding it to the target (`ecs:ListTasks` to the cluster). Statements left
/// with the same resources and condition become one.
pub fn session_policy(target: &Target, account: &str) -> Value {
    let mut setup = Setup::new(
        target.clone(),
        account,
        "*",
        vec![format!(
            "arn:{}:iam::{account}:role/*",
            iam::partition_of(&target.region)
        )],
    );
    setup.log_groups = vec![iam::ANY_LOG_GROUP.to_owned()];
    let mut policy = iam::deploy_policy(&setup);
    let mut statements: Vec<Value> = Vec::new();
    for mut statement in policy["Statement"].as_array().cloned().unwrap_or_default() {
        let Some(fields) = statement.as_object_mut() else {
            continue;
        };
        fields.remove("Sid");
        if fields.get("Resource").is_some_and(|r| r != "*") {
            fields.remove("Condition");
        }
        if let Some(Value::Array(resources)) = fields.get("Resource")
            && let [one] = resources.as_slice()
        {
            let one = one.clone();
            fields.insert("Resource".to_owned(), one);
        }
        let same = statements.iter_mut().find(|s| {
            s["Resource"] == statement["Resource"]
                && s.get("Condition") == statement.get("Condition")
        });
        match same {
            Some(kept) => {
                let mut actions = actions_of(&kept["Action"]);
                actions.extend(actions_of(&statement["Action"]));
                kept["Action"] = Value::from(actions);
            }
            None => statements.push(statement),
        }
    }
    policy["Statement"] = Value::from(statements);
    policy
}

/// A statement's actions, one or many, as a list.
fn actions_of(action: &Value) -> Vec<Value> {
    match action {
        Value::Array(many) => many.clone(),
        one => vec![one.clone()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::target::parse_targets;
    use serde_json::json;

    fn target() -> Target {
        parse_targets(&json!([{
            "name": "web-prod", "repository": "octo/shop", "branch": "main", "region": "eu-west-1",
            "cluster": "prod", "service": "web", "container": "app", "ecrRepository": "shop/web",
            "taskDefinition": "s3://config/web.json",
        }]))
        .unwrap()
        .remove(0)
    }

    #[test]
    fn the_session_names_target_and_commit_and_fits_sts_limits() {
        let sha = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(session_name(&target(), sha), "hatoba-web-prod-0123456");
        let mut long = target();
        long.name = "t".repeat(64);
        assert_eq!(session_name(&long, sha).len(), 64);
    }

    #[test]
    fn the_session_policy_is_the_targets_and_fits_the_packed_limit() {
        let policy = session_policy(&target(), "123456789012");
        let text = policy.to_string();
        assert!(text.contains("arn:aws:ecs:eu-west-1:123456789012:service/prod/web"));
        assert!(text.contains("arn:aws:ecr:eu-west-1:123456789012:repository/shop/web"));
        assert!(text.contains("arn:aws:s3:::config/web.json"));
        assert!(text.contains("task-definition/*:*"));
        assert!(text.contains("arn:aws:logs:eu-west-1:123456789012:log-group:*:log-stream:*"));
        assert!(text.contains("arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/*"));
        // STS refuses session policies over 2,048 characters (before its own packing).
        assert!(text.len() < 2048, "{} characters", text.len());
        // Every action of the deploy policy is there, and nothing else.
        let mut deploy_actions: Vec<Value> = iam::deploy_policy(&Setup::new(
            target(),
            "123456789012",
            "web",
            vec!["arn:aws:iam::123456789012:role/web-exec".into()],
        ))["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| actions_of(&s["Action"]))
            .collect();
        deploy_actions.push(json!("logs:GetLogEvents"));
        let mut session_actions: Vec<Value> = policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| actions_of(&s["Action"]))
            .collect();
        let key = |v: &Value| v.as_str().unwrap().to_owned();
        deploy_actions.sort_by_key(key);
        session_actions.sort_by_key(key);
        assert_eq!(session_actions, deploy_actions);
        for statement in policy["Statement"].as_array().unwrap() {
            assert!(statement.get("Sid").is_none());
            // Only a statement on "*" keeps a condition: the one that holds it to the target.
            if statement.get("Condition").is_some() {
                assert_eq!(statement["Resource"], "*", "{statement}");
            }
        }
        let list = policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Action"] == "ecs:ListTasks")
            .unwrap();
        assert_eq!(
            list["Condition"],
            json!({"ArnEquals": {"ecs:cluster": "arn:aws:ecs:eu-west-1:123456789012:cluster/prod"}})
        );
        assert_eq!(
            account_of("arn:aws:iam::123456789012:role/x"),
            Some("123456789012")
        );
        assert_eq!(account_of("arn:aws:iam::123:role/x"), None);
    }

    #[test]
    fn a_pre_deploy_task_adds_run_and_stop_task_to_the_session_which_still_fits() {
        let mut long = target();
        long.cluster = "production-eu-west-1-main-cluster".into();
        long.service = "checkout-payments-api-service-v2".into();
        long.pre_deploy = Some(crate::target::PreDeploy {
            container: "app".into(),
            command: vec!["bin/migrate".into()],
            timeout_seconds: 900,
        });
        let policy = session_policy(&long, "123456789012");
        let text = policy.to_string();
        assert!(text.len() < 2048, "{} characters", text.len());
        let granting = |action: &str| -> Vec<Value> {
            policy["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| actions_of(&s["Action"]).contains(&json!(action)))
                .map(|s| s["Resource"].clone())
                .collect()
        };
        // On the family's revisions (any family: the role's policy names it) and the cluster's
        // tasks: what the role's own policy holds to the cluster.
        assert_eq!(
            granting("ecs:RunTask"),
            [json!(
                "arn:aws:ecs:eu-west-1:123456789012:task-definition/*:*"
            )]
        );
        assert_eq!(
            granting("ecs:StopTask"),
            [json!(
                "arn:aws:ecs:eu-west-1:123456789012:task/production-eu-west-1-main-cluster/*"
            )]
        );
        assert!(
            !session_policy(&target(), "123456789012")
                .to_string()
                .contains("ecs:RunTask")
        );
    }

    #[test]
    fn the_session_policy_of_long_names_still_fits() {
        let mut long = target();
        long.cluster = "production-eu-west-1-main-cluster".into();
        long.service = "checkout-payments-api-service-v2".into();
        long.ecr_repository = "platform-team/checkout/payments-api".into();
        long.task_definition = crate::target::BaseSource::S3 {
            bucket: "platform-team-deploy-configuration-eu".into(),
            key: "services/checkout/payments-api/task-definition.json".into(),
        };
        let text = session_policy(&long, "123456789012").to_string();
        assert!(text.len() < 2048, "{} characters", text.len());
    }

    #[test]
    fn a_session_serves_its_deployment_until_close_to_its_end() {
        let s = Session::default();
        let c = Credentials {
            access_key_id: "ASIAFAKEFAKEFAKE".into(),
            secret_access_key: "fake".into(),
            session_token: Some("fake-token".into()),
        };
        s.keep("d1", c, 1_000_000);
        assert!(s.valid_for("d1", 1_000_000 - RENEW_BEFORE_MS - 1).is_some());
        assert!(s.valid_for("d1", 1_000_000 - RENEW_BEFORE_MS).is_none());
        assert!(s.valid_for("d2", 0).is_none());
    }
}
