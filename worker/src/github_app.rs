//! GitHub credentials for a deploy: `GITHUB_TOKEN`, or a GitHub App (`GITHUB_APP_ID`,
//! `GITHUB_APP_PRIVATE_KEY`): a JWT signed RS256 with WebCrypto buys an installation token for
//! the target's repository, kept in the target's store while core's `CachedToken` says it may
//! be used.

use hatoba_core::deploy::{Store, Target};
use hatoba_core::fields::Obj;
use hatoba_core::github::api::app::CachedToken;
use hatoba_core::github::api::{GitHubClient, app};
use hatoba_core::http::{HttpRequest, Transport};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::{Env, js_sys, wasm_bindgen_futures::JsFuture};

use crate::config;
use crate::transport::FetchTransport;

const CACHE_KEY: &str = "github-installation-token";

/// The GitHub client for `target`'s deploys, or why there is none.
pub async fn client(
    env: &Env,
    store: &impl Store,
    target: &Target,
) -> Result<Option<GitHubClient>, String> {
    if let Some(client) = config::github(env) {
        return Ok(Some(client));
    }
    let (Some(app_id), Some(key)) = (
        config::text(env, "GITHUB_APP_ID"),
        config::text(env, "GITHUB_APP_PRIVATE_KEY"),
    ) else {
        return Ok(None);
    };
    let api_url = config::text(env, "GITHUB_API_URL")
        .unwrap_or_else(|| hatoba_core::github::api::DEFAULT_API_URL.to_owned());
    let now = worker::Date::now().as_millis();
    let cached = store
        .get(CACHE_KEY)
        .await
        .ok()
        .flatten()
        .and_then(|text| serde_json::from_slice::<CachedToken>(text.as_bytes()).ok());
    if let Some(token) = cached.as_ref().and_then(|c| c.usable(now)) {
        return Ok(Some(GitHubClient {
            api_url,
            token: token.to_owned(),
        }));
    }
    let jwt = sign_jwt(&app_id, &key, now).await?;
    let repo = target.repo();
    let installation = send(app::get_repo_installation(&api_url, &jwt, &repo)).await?;
    let id = installation["id"]
        .as_u64()
        .ok_or_else(|| format!("the GitHub App is not installed on {}", target.repository))?;
    let answer = send(app::create_installation_token(&api_url, &jwt, id)).await?;
    let token = Obj::of(&answer)
        .and_then(|o| app::InstallationToken::read(&o))
        .map_err(|e| format!("GitHub's installation token answer: {e}"))?;
    let cached = CachedToken::bought(token, now);
    let text = serde_json::to_string(&cached).map_err(|e| e.to_string())?;
    store.put(CACHE_KEY, text).await.map_err(|e| e.0)?;
    Ok(Some(GitHubClient {
        api_url,
        token: cached.token,
    }))
}

async fn send(request: HttpRequest) -> Result<serde_json::Value, String> {
    let what = format!("{} {}", request.method, request.url);
    let response = FetchTransport
        .send(request)
        .await
        .map_err(|e| format!("{what}: {e}"))?;
    if !(200..300).contains(&response.status) {
        return Err(format!("{what}: GitHub answered {}", response.status));
    }
    serde_json::from_slice(&response.body).map_err(|e| format!("{what}: {e}"))
}

/// The app's JWT, signed RS256 with WebCrypto.
async fn sign_jwt(app_id: &str, pem: &str, now_millis: u64) -> Result<String, String> {
    let der = app::pkcs8_der(pem)?;
    let crypto: web_sys::Crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
        .map_err(|_| "no WebCrypto in this runtime".to_owned())?
        .unchecked_into();
    let subtle = crypto.subtle();
    let algorithm = js_sys::Object::new();
    let set = |k: &str, v: &str| js_sys::Reflect::set(&algorithm, &k.into(), &v.into());
    set("name", "RSASSA-PKCS1-v1_5")
        .and(set("hash", "SHA-256"))
        .map_err(|_| "WebCrypto".to_owned())?;
    let key_data = js_sys::Uint8Array::from(der.as_slice());
    let usages = js_sys::Array::of1(&JsValue::from_str("sign"));
    let failed = |e: JsValue| {
        format!(
            "GITHUB_APP_PRIVATE_KEY: {}",
            e.as_string()
                .unwrap_or_else(|| "WebCrypto refused the key".to_owned())
        )
    };
    let key = JsFuture::from(
        subtle
            .import_key_with_object("pkcs8", &key_data.buffer(), &algorithm, false, &usages)
            .map_err(failed)?,
    )
    .await
    .map_err(failed)?;
    let input = app::jwt_signing_input(app_id, (now_millis / 1000) as i64);
    let signature = JsFuture::from(
        subtle
            .sign_with_object_and_u8_array(&algorithm, &key.unchecked_into(), input.as_bytes())
            .map_err(failed)?,
    )
    .await
    .map_err(failed)?;
    Ok(app::jwt(
        &input,
        &js_sys::Uint8Array::new(&signature).to_vec(),
    ))
}
