//! What Hatoba knows of well-known actions: their inputs (which are required) and outputs, at
//! the current major versions, from each action's `action.yml`. The `action-inputs` rule and
//! the `step-ref` rule read it; the differential test checks the overlap with actionlint's
//! own table.

/// One action's interface.
#[derive(Debug, serde::Serialize)]
pub struct KnownAction {
    /// `owner/repo`.
    pub name: &'static str,
    /// The oldest major version this interface describes; older pins are not checked.
    pub since_major: u32,
    /// Every input.
    pub inputs: &'static [&'static str],
    /// Inputs that must be given.
    pub required: &'static [&'static str],
    /// Groups of inputs of which at least one must be given.
    pub one_of: &'static [&'static [&'static str]],
    /// Every output; a name ending in `*` is a prefix (outputs named after a registry).
    pub outputs: &'static [&'static str],
}

/// The actions Hatoba knows, deploy actions first.
pub const KNOWN_ACTIONS: [KnownAction; 10] = [
    KnownAction {
        name: "aws-actions/configure-aws-credentials",
        since_major: 4,
        inputs: &[
            "audience",
            "aws-access-key-id",
            "aws-secret-access-key",
            "aws-session-token",
            "aws-region",
            "mask-aws-account-id",
            "role-to-assume",
            "web-identity-token-file",
            "role-chaining",
            "role-duration-seconds",
            "role-session-name",
            "role-external-id",
            "role-skip-session-tagging",
            "inline-session-policy",
            "managed-session-policies",
            "output-credentials",
            "output-env-credentials",
            "unset-current-credentials",
            "disable-retry",
            "retry-max-attempts",
            "special-characters-workaround",
            "use-existing-credentials",
            "allowed-account-ids",
            "force-skip-oidc",
            "action-timeout-s",
            "http-proxy",
            "no-proxy",
            "aws-profile",
            "overwrite-aws-profile",
            "transitive-tag-keys",
            "custom-tags",
            "sts-endpoint",
        ],
        required: &["aws-region"],
        one_of: &[],
        outputs: &[
            "aws-account-id",
            "aws-access-key-id",
            "aws-secret-access-key",
            "aws-session-token",
            "aws-expiration",
        ],
    },
    KnownAction {
        name: "aws-actions/amazon-ecr-login",
        since_major: 2,
        inputs: &[
            "registries",
            "skip-logout",
            "registry-type",
            "mask-password",
            "http-proxy",
        ],
        required: &[],
        one_of: &[],
        outputs: &["registry", "docker_username_*", "docker_password_*"],
    },
    KnownAction {
        name: "aws-actions/amazon-ecs-render-task-definition",
        since_major: 1,
        inputs: &[
            "task-definition",
            "task-definition-arn",
            "task-definition-family",
            "task-definition-revision",
            "container-name",
            "image",
            "environment-variables",
            "log-configuration-log-driver",
            "log-configuration-options",
            "docker-labels",
            "command",
            "task-role-arn",
            "execution-role-arn",
            "env-files",
            "secrets",
        ],
        required: &["container-name", "image"],
        one_of: &[&[
            "task-definition",
            "task-definition-arn",
            "task-definition-family",
        ]],
        outputs: &["task-definition"],
    },
    KnownAction {
        name: "aws-actions/amazon-ecs-deploy-task-definition",
        since_major: 2,
        inputs: &[
            "task-definition",
            "desired-count",
            "service",
            "cluster",
            "wait-for-service-stability",
            "wait-for-minutes",
            "codedeploy-appspec",
            "codedeploy-application",
            "codedeploy-deployment-group",
            "codedeploy-deployment-description",
            "codedeploy-deployment-config",
            "force-new-deployment",
            "run-task",
            "run-task-container-overrides",
            "run-task-security-groups",
            "run-task-subnets",
            "run-task-launch-type",
            "run-task-started-by",
            "run-task-assign-public-IP",
            "run-task-capacity-provider-strategy",
            "wait-for-task-stopped",
            "enable-ecs-managed-tags",
            "propagate-tags",
            "service-managed-ebs-volume-name",
            "service-managed-ebs-volume",
            "run-task-managed-ebs-volume-name",
            "run-task-managed-ebs-volume",
            "wait-max-delay-seconds",
            "run-task-tags",
            "keep-null-value-keys",
            "max-retries",
        ],
        required: &["task-definition"],
        one_of: &[],
        outputs: &[
            "task-definition-arn",
            "codedeploy-deployment-id",
            "run-task-arn",
        ],
    },
    KnownAction {
        name: "actions/checkout",
        since_major: 4,
        inputs: &[
            "repository",
            "ref",
            "token",
            "ssh-key",
            "ssh-known-hosts",
            "ssh-strict",
            "ssh-user",
            "persist-credentials",
            "path",
            "clean",
            "filter",
            "sparse-checkout",
            "sparse-checkout-cone-mode",
            "fetch-depth",
            "fetch-tags",
            "show-progress",
            "lfs",
            "submodules",
            "set-safe-directory",
            "github-server-url",
            "allow-unsafe-pr-checkout",
        ],
        required: &[],
        one_of: &[],
        outputs: &["ref", "commit"],
    },
    KnownAction {
        name: "actions/setup-node",
        since_major: 4,
        inputs: &[
            "always-auth",
            "node-version",
            "node-version-file",
            "architecture",
            "check-latest",
            "registry-url",
            "scope",
            "token",
            "cache",
            "package-manager-cache",
            "cache-dependency-path",
            "mirror",
            "mirror-token",
        ],
        required: &[],
        one_of: &[],
        outputs: &["cache-hit", "node-version"],
    },
    KnownAction {
        name: "actions/setup-python",
        since_major: 5,
        inputs: &[
            "python-version",
            "python-version-file",
            "cache",
            "architecture",
            "check-latest",
            "token",
            "cache-dependency-path",
            "update-environment",
            "allow-prereleases",
            "freethreaded",
            "pip-version",
            "pip-install",
        ],
        required: &[],
        one_of: &[],
        outputs: &["python-version", "cache-hit", "python-path"],
    },
    KnownAction {
        name: "actions/cache",
        since_major: 4,
        inputs: &[
            "path",
            "key",
            "restore-keys",
            "upload-chunk-size",
            "enableCrossOsArchive",
            "fail-on-cache-miss",
            "lookup-only",
            "save-always",
        ],
        required: &["path", "key"],
        one_of: &[],
        outputs: &["cache-hit"],
    },
    KnownAction {
        name: "actions/upload-artifact",
        since_major: 4,
        inputs: &[
            "name",
            "path",
            "if-no-files-found",
            "retention-days",
            "compression-level",
            "overwrite",
            "include-hidden-files",
            "archive",
        ],
        required: &["path"],
        one_of: &[],
        outputs: &["artifact-id", "artifact-url", "artifact-digest"],
    },
    KnownAction {
        name: "actions/download-artifact",
        since_major: 4,
        inputs: &[
            "name",
            "artifact-ids",
            "path",
            "pattern",
            "merge-multiple",
            "github-token",
            "repository",
            "run-id",
            "skip-decompress",
            "digest-mismatch",
        ],
        required: &[],
        one_of: &[],
        outputs: &["download-path"],
    },
];

/// The interface of the action a step's `uses` names, when Hatoba knows it at that version.
/// A major-version tag older than the one described gives `None`; a commit sha or a branch is
/// taken to be current.
pub fn known(uses: &str) -> Option<&'static KnownAction> {
    let (action, git_ref) = uses.split_once('@')?;
    let known = KNOWN_ACTIONS
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(action))?;
    let major = git_ref
        .strip_prefix('v')
        .and_then(|v| v.split('.').next()?.parse::<u32>().ok());
    match major {
        Some(m) if m < known.since_major => None,
        _ => Some(known),
    }
}

impl KnownAction {
    /// Whether `name` is one of its outputs (GitHub compares names case-insensitively).
    pub fn has_output(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        self.outputs.iter().any(|o| match o.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => o.eq_ignore_ascii_case(&name),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::known;

    #[test]
    fn versions_and_outputs() {
        let login = known("aws-actions/amazon-ecr-login@v2").unwrap();
        assert!(login.has_output("registry"));
        assert!(login.has_output("docker_password_123456789012_dkr_ecr_eu_west_1_amazonaws_com"));
        assert!(!login.has_output("registy"));
        assert!(known("aws-actions/amazon-ecr-login@v1").is_none());
        assert!(known("actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab").is_some());
        assert!(known("actions/checkout@v5.0.0").is_some());
        assert!(known("someone/else@v1").is_none());
        for a in &super::KNOWN_ACTIONS {
            for r in a
                .required
                .iter()
                .chain(a.one_of.iter().flat_map(|g| g.iter()))
            {
                assert!(
                    a.inputs.contains(r),
                    "{}: {r} is required but not an input",
                    a.name
                );
            }
        }
    }
}
