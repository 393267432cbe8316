//! The defaults of the inputs of the actions Hatoba knows
//! ([`crate::workflow::actions::KNOWN_ACTIONS`]), from each action's `action.yml` at its current
//! major version: what a `with:` input is when
//! the step does not set it. Completion and hover show them.

/// (action, input, default).
pub(crate) fn default_of(action: &str, input: &str) -> Option<&'static str> {
    DEFAULTS
        .iter()
        .find(|(a, i, _)| *a == action && *i == input)
        .map(|(.., d)| *d)
}

/// (action, input, default).
pub(crate) const DEFAULTS: &[(&str, &str, &str)] = &[
    (
        "aws-actions/configure-aws-credentials",
        "audience",
        "sts.amazonaws.com",
    ),
    ("aws-actions/amazon-ecr-login", "skip-logout", "false"),
    ("aws-actions/amazon-ecr-login", "registry-type", "private"),
    ("aws-actions/amazon-ecr-login", "mask-password", "true"),
    ("actions/checkout", "repository", "${{ github.repository }}"),
    ("actions/checkout", "token", "${{ github.token }}"),
    ("actions/checkout", "ssh-strict", "true"),
    ("actions/checkout", "ssh-user", "git"),
    ("actions/checkout", "persist-credentials", "true"),
    ("actions/checkout", "clean", "true"),
    ("actions/checkout", "sparse-checkout-cone-mode", "true"),
    ("actions/checkout", "fetch-depth", "1"),
    ("actions/checkout", "fetch-tags", "false"),
    ("actions/checkout", "show-progress", "true"),
    ("actions/checkout", "lfs", "false"),
    ("actions/checkout", "submodules", "false"),
    ("actions/checkout", "set-safe-directory", "true"),
    ("actions/setup-node", "check-latest", "false"),
    (
        "actions/setup-node",
        "token",
        "${{ github.server_url == 'https://github.com' && github.token || '' }}",
    ),
    ("actions/setup-node", "package-manager-cache", "true"),
    ("actions/setup-python", "check-latest", "false"),
    (
        "actions/setup-python",
        "token",
        "${{ github.server_url == 'https://github.com' && github.token || '' }}",
    ),
    ("actions/setup-python", "update-environment", "true"),
    ("actions/setup-python", "allow-prereleases", "false"),
    ("actions/setup-python", "freethreaded", "false"),
    ("actions/cache", "enableCrossOsArchive", "false"),
    ("actions/cache", "fail-on-cache-miss", "false"),
    ("actions/cache", "lookup-only", "false"),
    ("actions/cache", "save-always", "false"),
    ("actions/upload-artifact", "name", "artifact"),
    ("actions/upload-artifact", "if-no-files-found", "warn"),
    ("actions/upload-artifact", "compression-level", "6"),
    ("actions/upload-artifact", "overwrite", "false"),
    ("actions/upload-artifact", "include-hidden-files", "false"),
    ("actions/upload-artifact", "archive", "true"),
    ("actions/download-artifact", "merge-multiple", "false"),
    (
        "actions/download-artifact",
        "repository",
        "${{ github.repository }}",
    ),
    (
        "actions/download-artifact",
        "run-id",
        "${{ github.run_id }}",
    ),
];
