//! The worker's configuration: the deploy targets (`HATOBA_TARGETS`, as `[[vars.HATOBA_TARGETS]]`
//! in wrangler.toml, which the runtime passes as JSON), the variables, and the secrets.

use hatoba_core::aws::sigv4::Credentials;
use hatoba_core::deploy::{ConfigFinding, Target, parse_targets_json};
use hatoba_core::github::api::{DEFAULT_API_URL, GitHubClient};
use worker::{Env, js_sys};

/// A variable or secret as text; unset and empty are the same.
pub fn text(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
        .filter(|v| !v.trim().is_empty())
}

/// The targets, or what is wrong with them.
pub fn targets(env: &Env) -> Result<Vec<Target>, Vec<ConfigFinding>> {
    // A list of tables arrives as a JavaScript array, which `Env::object_var` refuses (it wants
    // an Object): read the binding as it is and let core parse its JSON, or a string holding JSON.
    let value = js_sys::Reflect::get(env, &"HATOBA_TARGETS".into()).unwrap_or_default();
    let json = match value.as_string() {
        Some(text) => Some(text),
        None if value.is_undefined() || value.is_null() => None,
        None => js_sys::JSON::stringify(&value)
            .ok()
            .and_then(|s| s.as_string()),
    };
    match json {
        Some(json) => parse_targets_json(&json),
        None => Err(vec![ConfigFinding {
            path: "HATOBA_TARGETS".to_owned(),
            message:
                "missing: add a [[vars.HATOBA_TARGETS]] table for each target to wrangler.toml"
                    .to_owned(),
        }]),
    }
}

/// The redaction layer for this configuration's secrets.
pub fn redactor(env: &Env) -> hatoba_core::redact::Redactor {
    hatoba_core::redact::Redactor::new(
        hatoba_core::api::serve::SECRETS
            .iter()
            .filter_map(|name| text(env, name)),
    )
}

/// AWS credentials from the secrets.
pub fn aws_credentials(env: &Env) -> Option<Credentials> {
    Some(Credentials {
        access_key_id: text(env, "AWS_ACCESS_KEY_ID")?,
        secret_access_key: text(env, "AWS_SECRET_ACCESS_KEY")?,
        session_token: text(env, "AWS_SESSION_TOKEN"),
    })
}

/// GitHub with `GITHUB_TOKEN`, at `GITHUB_API_URL` (GitHub's API unless set).
pub fn github(env: &Env) -> Option<GitHubClient> {
    Some(GitHubClient {
        api_url: text(env, "GITHUB_API_URL").unwrap_or_else(|| DEFAULT_API_URL.to_owned()),
        token: text(env, "GITHUB_TOKEN")?,
    })
}
