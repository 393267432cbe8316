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

/// The session policy: the target's deploy policy ([`iam::deploy_policy`]) with the family and
/// the roles to pass left open (they come from the base, read later in the deploy); the role's
/// own policy narrows those. A role shared by several targets can so touch only this target's
/// repository, service and object in this deploy.
pub fn session_policy(target: &Target, account: &str) -> Value {
    let setup = Setup::new(
        target.clone(),
        account,
        "*",
        vec![format!(
            "arn:{}:iam::{account}:role/*",
            iam::partition_of(&target.region)
        )],
    );
    iam::deploy_policy(&setup)
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
        // STS refuses session policies over 2,048 characters (before its own packing).
        assert!(text.len() < 2048, "{} characters", text.len());
        assert_eq!(
            account_of("arn:aws:iam::123456789012:role/x"),
            Some("123456789012")
        );
        assert_eq!(account_of("arn:aws:iam::123:role/x"), None);
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
