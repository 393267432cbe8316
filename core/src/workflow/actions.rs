//! What Hatoba knows of well-known actions: their inputs (which are required) and outputs, in
//! each major version from the oldest it describes to the newest, from the `action.yml` of each
//! major's newest release. The `action-inputs` rule and
//! the `step-ref` rule read it; the differential test checks the overlap with actionlint's
//! own table.

/// One action's interface.
#[derive(Debug, serde::Serialize)]
pub struct KnownAction {
    /// `owner/repo`.
    pub name: &'static str,
    /// The oldest major version this interface describes; older pins are not checked.
    pub since_major: u32,
    /// Every input of any of those majors.
    pub inputs: &'static [&'static str],
    /// Inputs that must be given.
    pub required: &'static [&'static str],
    /// Groups of inputs of which at least one must be given.
    pub one_of: &'static [&'static [&'static str]],
    /// Every output of any of those majors; a name ending in `*` is a prefix (outputs named after
    /// a registry).
    pub outputs: &'static [&'static str],
    /// The inputs and outputs only some majors have; the others are in every one.
    pub only_in: &'static [Only],
}

/// An input or output that only some majors of an action have.
#[derive(Debug, serde::Serialize)]
pub struct Only {
    /// The input's or output's name.
    pub name: &'static str,
    /// The first major that has it.
    pub from: u32,
    /// The last major that has it; `None` while the newest still does.
    pub until: Option<u32>,
}

/// The `only_in` entry of `name`, `from` major `from` on.
const fn since(name: &'static str, from: u32) -> Only {
    Only {
        name,
        from,
        until: None,
    }
}

/// The `only_in` entry of `name`, from major `from` until major `until`.
const fn between(name: &'static str, from: u32, until: u32) -> Only {
    Only {
        name,
        from,
        until: Some(until),
    }
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
        only_in: &[
            since("action-timeout-s", 5),
            since("allowed-account-ids", 5),
            since("force-skip-oidc", 5),
            since("no-proxy", 5),
            since("aws-profile", 6),
            since("custom-tags", 6),
            since("overwrite-aws-profile", 6),
            since("sts-endpoint", 6),
            since("transitive-tag-keys", 6),
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
        only_in: &[],
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
        only_in: &[],
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
        only_in: &[],
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
        only_in: &[],
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
        outputs: &[
            "cache-hit",
            "node-version",
            "cache-matched-key",
            "cache-primary-key",
        ],
        only_in: &[
            between("always-auth", 4, 5),
            since("package-manager-cache", 5),
            since("cache-matched-key", 7),
            since("cache-primary-key", 7),
        ],
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
        only_in: &[since("pip-version", 6), between("pip-install", 6, 6)],
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
        only_in: &[],
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
        only_in: &[since("archive", 7)],
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
        only_in: &[since("skip-decompress", 8), since("digest-mismatch", 8)],
    },
];

/// The interface of the action a step's `uses` names, when Hatoba knows it at that version.
/// A major-version tag older than the one described gives `None`; a commit sha or a branch is
/// taken to be current.
pub fn known(uses: &str) -> Option<&'static KnownAction> {
    let (action, _) = uses.split_once('@')?;
    let known = KNOWN_ACTIONS
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(action))?;
    match major(uses) {
        Some(m) if m < known.since_major => None,
        _ => Some(known),
    }
}

/// The major version a step's `uses` pins (`v6`, `v6.1.0`); `None` for a commit sha or a
/// branch, whose version is not known.
pub fn major(uses: &str) -> Option<u32> {
    let (_, git_ref) = uses.split_once('@')?;
    git_ref
        .strip_prefix('v')
        .and_then(|v| v.split('.').next()?.parse::<u32>().ok())
}

impl KnownAction {
    /// The majors that have input or output `name`, when only some do.
    pub fn only(&self, name: &str) -> Option<&'static Only> {
        self.only_in
            .iter()
            .find(|o| o.name.eq_ignore_ascii_case(name))
    }

    /// Whether input or output `name` is in `major` (`None`, a version not known: in any).
    fn in_major(&self, name: &str, major: Option<u32>) -> bool {
        match (self.only(name), major) {
            (Some(o), Some(m)) => m >= o.from && o.until.is_none_or(|u| m <= u),
            _ => true,
        }
    }

    /// Its inputs in `major` (`None`: in any major).
    pub fn inputs_in(&self, major: Option<u32>) -> impl Iterator<Item = &'static str> + '_ {
        self.inputs
            .iter()
            .copied()
            .filter(move |i| self.in_major(i, major))
    }

    /// Whether `name` is one of its outputs in `major` (GitHub compares names without case).
    pub fn has_output(&self, name: &str, major: Option<u32>) -> bool {
        let name = name.to_ascii_lowercase();
        self.outputs.iter().any(|o| match o.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => o.eq_ignore_ascii_case(&name) && self.in_major(o, major),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::known;

    #[test]
    fn versions_and_outputs() {
        let login = known("aws-actions/amazon-ecr-login@v2").unwrap();
        assert!(login.has_output("registry", Some(2)));
        assert!(login.has_output(
            "docker_password_123456789012_dkr_ecr_eu_west_1_amazonaws_com",
            Some(2)
        ));
        assert!(!login.has_output("registy", Some(2)));
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
            for o in a.only_in {
                assert!(
                    a.inputs.contains(&o.name) || a.outputs.contains(&o.name),
                    "{}: {} is neither an input nor an output",
                    a.name,
                    o.name
                );
                assert!(o.from >= a.since_major && o.until.is_none_or(|u| u >= o.from));
            }
        }
    }

    #[test]
    fn inputs_and_outputs_by_major() {
        use super::major;
        // What the `action-inputs` rule asks: the inputs of a major, names without case.
        let has_input = |a: &super::KnownAction, name: &str, major| {
            a.inputs_in(major)
                .any(|i: &str| i.eq_ignore_ascii_case(name))
        };
        let node = known("actions/setup-node@v6").unwrap();
        assert!(has_input(node, "always-auth", Some(5)));
        assert!(!has_input(node, "always-auth", Some(6)));
        assert!(!has_input(node, "package-manager-cache", Some(4)));
        assert!(has_input(node, "Package-Manager-Cache", Some(5)));
        // A commit or a branch: any major's inputs.
        assert!(has_input(node, "always-auth", None));
        assert!(node.has_output("cache-primary-key", Some(7)));
        assert!(!node.has_output("cache-primary-key", Some(6)));
        let python = known("actions/setup-python@v7").unwrap();
        let v6: Vec<_> = python.inputs_in(Some(6)).collect();
        assert!(v6.contains(&"pip-install") && v6.contains(&"pip-version"));
        assert!(
            !has_input(python, "pip-install", Some(7)) && has_input(python, "pip-version", Some(7))
        );
        assert_eq!(major("actions/setup-python@v6.1.0"), Some(6));
        assert_eq!(major("actions/setup-python@main"), None);
        assert_eq!(major("actions/setup-python"), None);
    }
}
