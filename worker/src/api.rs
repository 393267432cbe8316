//! The JSON API: targets, deployments, and deploys or rollbacks asked by a person. GET routes
//! take the read token, POST routes the admin token, as `Authorization: Bearer`.

use hatoba_core::api::{Queued, TargetSummary, Targets, bearer_token, query_param, same_secret};
use hatoba_core::deploy::{DeployRequest, Deployment, Trigger};
use worker::{Env, Method, Request, Response, Result};

use crate::target_object::Admit;
use crate::{ask_object, config, error, json, not_configured, not_found, target_stub, webhook};

/// Who may call a route.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    Admin,
}

fn authorized(req: &Request, env: &Env, access: Access) -> Result<bool> {
    let header = req.headers().get("authorization")?;
    let Some(given) = bearer_token(header.as_deref()) else {
        return Ok(false);
    };
    let admin = config::text(env, "HATOBA_ADMIN_TOKEN");
    let read = config::text(env, "HATOBA_READ_TOKEN");
    let matches = |token: &Option<String>| {
        token
            .as_deref()
            .is_some_and(|t| same_secret(given.as_bytes(), t.as_bytes()))
    };
    // Both comparisons always run: the time taken says nothing about which token was close.
    let (is_admin, is_read) = (matches(&admin), matches(&read));
    Ok(match access {
        Access::Admin => is_admin,
        Access::Read => is_admin | is_read,
    })
}

async fn from_object<T: serde::de::DeserializeOwned>(
    env: &Env,
    target: &str,
    path: &str,
) -> Result<T> {
    let stub = target_stub(env, target)?;
    ask_object(&stub, Method::Get, path, None::<&()>).await
}

/// Handles `/api/...`.
pub async fn handle(mut req: Request, env: &Env, path: &str) -> Result<Response> {
    let method = req.method();
    let access = if method == Method::Post {
        Access::Admin
    } else {
        Access::Read
    };
    let known = matches!(
        (&method, path),
        (Method::Get, "/api/targets") | (Method::Get, "/api/deployments")
    ) || (method == Method::Get && path.starts_with("/api/deployments/"))
        || (method == Method::Post
            && path.starts_with("/api/targets/")
            && path.ends_with("/deploy"));
    if !known {
        return not_found(&method, path);
    }
    if !authorized(&req, env, access)? {
        return error(
            401,
            "unauthorized",
            "a valid token is required: Authorization: Bearer <token>",
        );
    }
    let Ok(targets) = config::targets(env) else {
        return not_configured();
    };
    let url = req.inner().url();
    match (method, path) {
        (Method::Get, "/api/targets") => {
            let mut out = Vec::new();
            for t in &targets {
                let last: serde_json::Value = from_object(env, &t.name, "/last").await?;
                let last_deployment = match &last["deployment"] {
                    serde_json::Value::Null => None,
                    d => Some(
                        Deployment::from_json(d)
                            .map_err(|e| worker::Error::RustError(e.to_string()))?,
                    ),
                };
                out.push(TargetSummary {
                    target: t.clone(),
                    last_deployment,
                    console_url: t.console_url(),
                });
            }
            json(200, &Targets { targets: out })
        }
        (Method::Get, "/api/deployments") => {
            let Some(name) = query_param(&url, "target") else {
                return error(
                    400,
                    "bad_request",
                    "give the target: /api/deployments?target=NAME",
                );
            };
            if !targets.iter().any(|t| t.name == name) {
                return error(404, "not_found", &format!("no target named \"{name}\""));
            }
            let list: serde_json::Value = from_object(env, &name, "/deployments").await?;
            json(200, &list)
        }
        (Method::Get, p) => {
            let id = &p["/api/deployments/".len()..];
            let Some(target) =
                Deployment::target_of_id(id).filter(|t| targets.iter().any(|x| x.name == *t))
            else {
                return error(404, "not_found", &format!("no deployment \"{id}\""));
            };
            let stub = target_stub(env, target)?;
            let mut response = stub
                .fetch_with_str(&format!("https://target/deployments/{id}"))
                .await?;
            if response.status_code() == 404 {
                return error(404, "not_found", &format!("no deployment \"{id}\""));
            }
            let record: serde_json::Value = serde_json::from_slice(&response.bytes().await?)?;
            json(200, &record)
        }
        (Method::Post, p) => {
            let name = &p["/api/targets/".len()..p.len() - "/deploy".len()];
            if !targets.iter().any(|t| t.name == name) {
                return error(404, "not_found", &format!("no target named \"{name}\""));
            }
            let body: serde_json::Value = match crate::json_body(&mut req).await {
                Ok(body) => body,
                Err(_) => {
                    return error(
                        400,
                        "bad_request",
                        "expected JSON: {\"sha\": \"...\"} or {\"taskDefinitionArn\": \"...\"}",
                    );
                }
            };
            let task_definition_arn = body["taskDefinitionArn"].as_str().map(str::to_owned);
            let sha = match (body["sha"].as_str(), &task_definition_arn) {
                (Some(sha), _) => sha.to_ascii_lowercase(),
                (None, Some(arn)) => {
                    let stub = target_stub(env, name)?;
                    let body = serde_json::json!({ "taskDefinitionArn": arn });
                    let found: serde_json::Value =
                        ask_object(&stub, Method::Post, "/find-sha", Some(&body)).await?;
                    match found["sha"].as_str() {
                        Some(sha) => sha.to_owned(),
                        None => {
                            return error(
                                400,
                                "bad_request",
                                "this revision was not deployed by Hatoba here: give its commit too ({\"sha\", \"taskDefinitionArn\"})",
                            );
                        }
                    }
                }
                (None, None) => {
                    return error(
                        400,
                        "bad_request",
                        "expected {\"sha\": \"...\"} or {\"taskDefinitionArn\": \"...\"}",
                    );
                }
            };
            if !(7..=64).contains(&sha.len()) || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                return error(
                    400,
                    "bad_request",
                    &format!("sha \"{sha}\" is not a commit sha: expected 7 to 64 hex digits"),
                );
            }
            let request = DeployRequest {
                target: name.to_owned(),
                sha,
                trigger: Trigger::Manual {
                    by: "api".to_owned(),
                },
                commit_time: None,
                task_definition_arn,
            };
            let admitted = webhook::admit(
                env,
                Admit {
                    request,
                    keys: vec![],
                },
            )
            .await?;
            match admitted.id {
                Some(id) => json(
                    202,
                    &Queued {
                        target: name.to_owned(),
                        id,
                    },
                ),
                None => error(409, "not_queued", &admitted.ignored.unwrap_or_default()),
            }
        }
        _ => not_found(&req.method(), path),
    }
}
