//! The GitHub REST calls Hatoba makes, as requests ready for a transport: commit statuses,
//! deployment statuses, file contents at a commit, and GitHub App installation tokens.

use serde::Serialize;

use crate::http::{Clock, HttpRequest, HttpResponse, Transport, TransportError};
use crate::percent::uri_encode;
use crate::retry::RetryPolicy;

/// GitHub's REST API, unless `GITHUB_API_URL` names another (GitHub Enterprise Server).
pub const DEFAULT_API_URL: &str = "https://api.github.com";
/// The REST API version every request asks for.
pub const API_VERSION: &str = "2022-11-28";
/// GitHub shows at most this many characters of a status description.
pub const DESCRIPTION_LIMIT: usize = 140;

/// Where and as whom requests go.
#[derive(Clone, PartialEq, Eq)]
pub struct GitHubClient {
    /// `https://api.github.com`, or a GitHub Enterprise Server's `https://HOST/api/v3`.
    pub api_url: String,
    /// A token: an installation token (GitHub App, recommended) or a fine-grained personal
    /// access token. Sent as `Authorization: Bearer`.
    pub token: String,
}

impl std::fmt::Debug for GitHubClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitHubClient")
            .field("api_url", &self.api_url)
            .field("token", &"** redacted **")
            .finish()
    }
}

/// `owner/name` of a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoRef {
    /// The owner's login.
    pub owner: String,
    /// The repository's name.
    pub name: String,
}

impl RepoRef {
    /// Parses `owner/name`.
    pub fn parse(full_name: &str) -> Option<Self> {
        let (owner, name) = full_name.split_once('/')?;
        let valid = |s: &str| !s.is_empty() && !s.contains(['/', ' ', '?', '#']);
        (valid(owner) && valid(name)).then(|| Self {
            owner: owner.to_owned(),
            name: name.to_owned(),
        })
    }
}

/// The state of a commit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusState {
    /// Deploy in progress.
    Pending,
    /// Deployed.
    Success,
    /// The deploy failed (the rollout failed or was rolled back).
    Failure,
    /// Hatoba could not do its part (AWS refused, a timeout).
    Error,
}

/// A commit status: the line a pull request shows for the deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitStatus {
    /// Where it stands.
    pub state: StatusState,
    /// The link to follow (the deployment in Hatoba's UI).
    pub target_url: Option<String>,
    /// What happened; cut to 140 characters.
    pub description: String,
    /// Names the status line: `hatoba/deploy (production)`.
    pub context: String,
}

/// The state of a deployment status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentState {
    /// Waiting to start.
    Queued,
    /// Started.
    InProgress,
    /// Deployed.
    Success,
    /// The deploy failed.
    Failure,
    /// Hatoba could not do its part.
    Error,
    /// Replaced by a newer deployment.
    Inactive,
}

/// A deployment status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentStatus {
    /// Where it stands.
    pub state: DeploymentState,
    /// The deploy's log (Hatoba's UI).
    pub log_url: Option<String>,
    /// The deployed service's URL.
    pub environment_url: Option<String>,
    /// What happened; cut to 140 characters.
    pub description: String,
}

/// Cuts `text` to `limit` characters, ending with `…` when it had to cut.
pub fn truncate_description(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(limit.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Whether GitHub's answer `status` may pass if asked again (5xx, 429 rate limit).
pub fn may_pass(status: u16) -> bool {
    status >= 500 || status == 429
}

/// Sends a GitHub request, asked again with `retry` on 5xx, 429 and broken connections; the
/// error says why the last try got no answer.
pub async fn send<T: Transport, C: Clock>(
    transport: &T,
    clock: &C,
    retry: RetryPolicy,
    request: HttpRequest,
) -> Result<HttpResponse, String> {
    let retryable = |result: &Result<HttpResponse, TransportError>| match result {
        Ok(r) => may_pass(r.status),
        Err(e) => e.is_retryable(),
    };
    retry
        .run(clock, retryable, || transport.send(request.clone()))
        .await
        .map_err(|e| e.to_string())
}

impl GitHubClient {
    fn request(&self, method: &str, path: &str, body: Option<serde_json::Value>) -> HttpRequest {
        let mut headers = vec![
            (
                "accept".to_owned(),
                "application/vnd.github+json".to_owned(),
            ),
            ("authorization".to_owned(), format!("Bearer {}", self.token)),
            (
                "user-agent".to_owned(),
                format!("hatoba/{}", crate::VERSION),
            ),
            ("x-github-api-version".to_owned(), API_VERSION.to_owned()),
        ];
        if body.is_some() {
            headers.push(("content-type".to_owned(), "application/json".to_owned()));
        }
        HttpRequest {
            method: method.to_owned(),
            url: format!("{}{path}", self.api_url.trim_end_matches('/')),
            headers,
            body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        }
    }

    /// `POST /repos/{owner}/{repo}/statuses/{sha}`.
    pub fn create_commit_status(
        &self,
        repo: &RepoRef,
        sha: &str,
        status: &CommitStatus,
    ) -> HttpRequest {
        let mut body = serde_json::json!({
            "state": status.state,
            "description": truncate_description(&status.description, DESCRIPTION_LIMIT),
            "context": status.context,
        });
        if let Some(url) = &status.target_url {
            body["target_url"] = url.as_str().into();
        }
        self.request(
            "POST",
            &format!("/repos/{}/{}/statuses/{}", repo.owner, repo.name, sha),
            Some(body),
        )
    }

    /// `POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses`.
    pub fn create_deployment_status(
        &self,
        repo: &RepoRef,
        deployment_id: u64,
        status: &DeploymentStatus,
    ) -> HttpRequest {
        let mut body = serde_json::json!({
            "state": status.state,
            "description": truncate_description(&status.description, DESCRIPTION_LIMIT),
            // A newer successful deploy marks older ones inactive, as environments expect.
            "auto_inactive": true,
        });
        if let Some(url) = &status.log_url {
            body["log_url"] = url.as_str().into();
        }
        if let Some(url) = &status.environment_url {
            body["environment_url"] = url.as_str().into();
        }
        self.request(
            "POST",
            &format!(
                "/repos/{}/{}/deployments/{deployment_id}/statuses",
                repo.owner, repo.name
            ),
            Some(body),
        )
    }

    /// `GET /repos/{owner}/{repo}/pulls/{pull_number}/files?per_page=100&page={page}`.
    pub fn list_pull_files(&self, repo: &RepoRef, number: u64, page: u32) -> HttpRequest {
        self.request(
            "GET",
            &format!(
                "/repos/{}/{}/pulls/{number}/files?per_page=100&page={page}",
                repo.owner, repo.name
            ),
            None,
        )
    }

    /// `GET /repos/{owner}/{repo}/collaborators/{username}/permission`.
    pub fn get_permission(&self, repo: &RepoRef, username: &str) -> HttpRequest {
        self.request(
            "GET",
            &format!(
                "/repos/{}/{}/collaborators/{}/permission",
                repo.owner,
                repo.name,
                uri_encode(username, true)
            ),
            None,
        )
    }

    /// `POST /repos/{owner}/{repo}/check-runs`.
    pub fn create_check_run(&self, repo: &RepoRef, body: &serde_json::Value) -> HttpRequest {
        self.request(
            "POST",
            &format!("/repos/{}/{}/check-runs", repo.owner, repo.name),
            Some(body.clone()),
        )
    }

    /// `PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}`.
    pub fn update_check_run(
        &self,
        repo: &RepoRef,
        id: u64,
        body: &serde_json::Value,
    ) -> HttpRequest {
        self.request(
            "PATCH",
            &format!("/repos/{}/{}/check-runs/{id}", repo.owner, repo.name),
            Some(body.clone()),
        )
    }

    /// `GET /repos/{owner}/{repo}/contents/{path}?ref={git_ref}`, asking for the raw file.
    pub fn get_file_contents(&self, repo: &RepoRef, path: &str, git_ref: &str) -> HttpRequest {
        let path = uri_encode(path.trim_start_matches('/'), false);
        let git_ref = uri_encode(git_ref, true);
        let mut request = self.request(
            "GET",
            &format!(
                "/repos/{}/{}/contents/{path}?ref={git_ref}",
                repo.owner, repo.name
            ),
            None,
        );
        request.headers[0].1 = "application/vnd.github.raw+json".to_owned();
        request
    }
}

/// GitHub App authentication: a short-lived JWT (RS256) proves the app, and buys an
/// installation token for the repository's installation.
pub mod app {
    use super::*;

    /// The JWT's header and claims, base64url-encoded and joined with `.`: the bytes to sign
    /// with the app's private key (RSASSA-PKCS1-v1_5 with SHA-256). `iat` is back-dated 60 s
    /// against clock drift and the token lives 9 minutes (GitHub allows 10).
    pub fn jwt_signing_input(app_id: &str, now_unix_seconds: i64) -> String {
        let header = r#"{"alg":"RS256","typ":"JWT"}"#;
        let claims = serde_json::json!({
            "iat": now_unix_seconds - 60,
            "exp": now_unix_seconds + 540,
            "iss": app_id,
        });
        format!(
            "{}.{}",
            base64url(header.as_bytes()),
            base64url(claims.to_string().as_bytes())
        )
    }

    /// The JWT: the signing input, `.`, the base64url signature.
    pub fn jwt(signing_input: &str, signature: &[u8]) -> String {
        format!("{signing_input}.{}", base64url(signature))
    }

    /// `POST /app/installations/{installation_id}/access_tokens`, authenticated by `jwt`.
    pub fn create_installation_token(
        api_url: &str,
        jwt: &str,
        installation_id: u64,
    ) -> HttpRequest {
        let client = GitHubClient {
            api_url: api_url.to_owned(),
            token: jwt.to_owned(),
        };
        client.request(
            "POST",
            &format!("/app/installations/{installation_id}/access_tokens"),
            Some(serde_json::json!({})),
        )
    }

    /// `GET /repos/{owner}/{repo}/installation`, authenticated by `jwt`: the installation of
    /// the app on the repository (its `id` buys the installation token).
    pub fn get_repo_installation(api_url: &str, jwt: &str, repo: &RepoRef) -> HttpRequest {
        let client = GitHubClient {
            api_url: api_url.to_owned(),
            token: jwt.to_owned(),
        };
        client.request(
            "GET",
            &format!("/repos/{}/{}/installation", repo.owner, repo.name),
            None,
        )
    }

    /// An installation token, as `POST .../access_tokens` answers it.
    #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
    pub struct InstallationToken {
        /// The token (`ghs_...`).
        pub token: String,
        /// When it expires: `2026-11-29T17:38:51Z`.
        pub expires_at: String,
    }

    crate::deserialize_with_read!(InstallationToken, "installation token");

    impl InstallationToken {
        /// Reads GitHub's answer.
        pub fn read(o: &crate::fields::Obj) -> Result<Self, crate::fields::FieldError> {
            Ok(Self {
                token: o.string("token")?,
                expires_at: o.string("expires_at")?,
            })
        }
    }

    /// An installation token as kept between deploys, and when to buy a new one: the one
    /// place the renewal margin is decided.
    #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct CachedToken {
        /// The token (`ghs_...`).
        pub token: String,
        /// When GitHub lets it expire (ms since the epoch).
        pub expires_at_millis: u64,
    }

    crate::deserialize_with_read!(CachedToken, "cached installation token");

    impl CachedToken {
        /// A cached token is renewed this long before it expires, so no deploy step starts
        /// with a token that dies during it.
        pub const RENEW_BEFORE_MS: u64 = 5 * 60 * 1000;
        /// How long a token whose expiry GitHub did not say in a readable form is kept
        /// (GitHub's tokens live an hour).
        pub const ASSUMED_LIFETIME_MS: u64 = 50 * 60 * 1000;

        /// Reads a cached token.
        pub fn read(o: &crate::fields::Obj) -> Result<Self, crate::fields::FieldError> {
            Ok(Self {
                token: o.string("token")?,
                expires_at_millis: o.id("expiresAtMillis")?,
            })
        }

        /// The token to keep from GitHub's answer, bought at `now_millis`.
        pub fn bought(answer: InstallationToken, now_millis: u64) -> Self {
            let expires_at_millis = crate::time::parse(&answer.expires_at)
                .unwrap_or(now_millis + Self::ASSUMED_LIFETIME_MS);
            Self {
                token: answer.token,
                expires_at_millis,
            }
        }

        /// The token, while it may still be used at `now_millis`.
        pub fn usable(&self, now_millis: u64) -> Option<&str> {
            (self.expires_at_millis > now_millis.saturating_add(Self::RENEW_BEFORE_MS))
                .then_some(self.token.as_str())
        }
    }

    /// The DER of the app's private key as WebCrypto imports it (PKCS #8), from the PEM GitHub
    /// hands out (`BEGIN RSA PRIVATE KEY`, PKCS #1) or a PKCS #8 PEM (`BEGIN PRIVATE KEY`).
    pub fn pkcs8_der(pem: &str) -> Result<Vec<u8>, String> {
        let pem = pem.replace("\\n", "\n");
        let (label, body) = pem_body(&pem)?;
        let der = base64_decode(&body)
            .ok_or_else(|| "GITHUB_APP_PRIVATE_KEY: the PEM body is not base64".to_owned())?;
        match label.as_str() {
            "PRIVATE KEY" => Ok(der),
            "RSA PRIVATE KEY" => {
                // PrivateKeyInfo { version 0, AlgorithmIdentifier { rsaEncryption, NULL }, OCTET STRING { RSAPrivateKey } }
                let mut inner = vec![0x02, 0x01, 0x00];
                inner.extend_from_slice(&[
                    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
                    0x05, 0x00,
                ]);
                inner.push(0x04);
                der_length(&mut inner, der.len());
                inner.extend_from_slice(&der);
                let mut out = vec![0x30];
                der_length(&mut out, inner.len());
                out.extend_from_slice(&inner);
                Ok(out)
            }
            other => Err(format!(
                "GITHUB_APP_PRIVATE_KEY: a PEM of \"{other}\": expected the app's private key (BEGIN RSA PRIVATE KEY)"
            )),
        }
    }

    fn pem_body(pem: &str) -> Result<(String, String), String> {
        let start = pem
            .find("-----BEGIN ")
            .ok_or_else(|| "GITHUB_APP_PRIVATE_KEY: not a PEM (no -----BEGIN line)".to_owned())?;
        let rest = &pem[start + 11..];
        let label_end = rest
            .find("-----")
            .ok_or_else(|| "GITHUB_APP_PRIVATE_KEY: a malformed BEGIN line".to_owned())?;
        let label = rest[..label_end].to_owned();
        let body_start = label_end + 5;
        let end = rest
            .find("-----END ")
            .ok_or_else(|| "GITHUB_APP_PRIVATE_KEY: no -----END line".to_owned())?;
        let body: String = rest[body_start..end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        Ok((label, body))
    }

    fn der_length(out: &mut Vec<u8>, len: usize) {
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes: Vec<u8> = len
                .to_be_bytes()
                .into_iter()
                .skip_while(|b| *b == 0)
                .collect();
            out.push(0x80 | bytes.len() as u8);
            out.extend_from_slice(&bytes);
        }
    }

    /// Standard base64 (with or without padding).
    pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(text.len() * 3 / 4);
        let (mut acc, mut bits) = (0u32, 0u32);
        for c in text.trim_end_matches('=').bytes() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' | b'-' => 62,
                b'/' | b'_' => 63,
                _ => return None,
            };
            acc = (acc << 6) | u32::from(v);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
            }
        }
        Some(out)
    }

    /// Base64url without padding (RFC 7515).
    pub fn base64url(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_installation_token_is_renewed_five_minutes_before_it_expires() {
        let bought = app::CachedToken::bought(
            app::InstallationToken {
                token: "ghs_fakefakefake".into(),
                expires_at: "2026-11-29T17:00:00Z".into(),
            },
            1_000,
        );
        let expires = bought.expires_at_millis;
        assert_eq!(
            bought.usable(expires - 5 * 60 * 1000 - 1),
            Some("ghs_fakefakefake")
        );
        assert_eq!(bought.usable(expires - 5 * 60 * 1000), None);
        assert_eq!(bought.usable(expires + 1), None);
        let unreadable = app::CachedToken::bought(
            app::InstallationToken {
                token: "ghs_fakefakefake".into(),
                expires_at: "soon".into(),
            },
            1_000,
        );
        assert_eq!(unreadable.expires_at_millis, 1_000 + 50 * 60 * 1000);
        let text = serde_json::to_string(&bought).unwrap();
        assert_eq!(
            serde_json::from_str::<app::CachedToken>(&text).unwrap(),
            bought
        );
        assert_eq!(bought.usable(u64::MAX), None);
    }

    #[test]
    fn an_app_key_in_pkcs1_is_wrapped_in_pkcs8() {
        // A PKCS #1 body of 4 bytes (not a real key: the wrapping is what is tested).
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nAQIDBA==\n-----END RSA PRIVATE KEY-----\n";
        let der = app::pkcs8_der(pem).unwrap();
        assert_eq!(
            der,
            [
                0x30, 0x18, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x04, 0x04, 1, 2, 3, 4
            ]
        );
        let pkcs8 = "-----BEGIN PRIVATE KEY-----\nAQIDBA==\n-----END PRIVATE KEY-----";
        assert_eq!(app::pkcs8_der(pkcs8).unwrap(), [1, 2, 3, 4]);
        // As a one-line secret, with its line breaks written \n.
        assert_eq!(app::pkcs8_der(&pem.replace('\n', "\\n")).unwrap(), der);
        assert!(
            app::pkcs8_der("ssh-rsa AAAA")
                .unwrap_err()
                .contains("not a PEM")
        );
        assert_eq!(app::base64_decode("aGF0b2Jh"), Some(b"hatoba".to_vec()));
    }

    fn client() -> GitHubClient {
        GitHubClient {
            api_url: "https://api.github.com/".into(),
            token: "ghs_FAKEFAKEFAKE".into(),
        }
    }

    #[test]
    fn descriptions_are_cut_to_what_github_shows() {
        let long = "é".repeat(200);
        let cut = truncate_description(&long, DESCRIPTION_LIMIT);
        assert_eq!(cut.chars().count(), 140);
        assert!(cut.ends_with('…'));
        assert_eq!(truncate_description("short", 140), "short");
    }

    #[test]
    fn commit_status_request() {
        let repo = RepoRef::parse("octo-org/octo-repo").unwrap();
        let r = client().create_commit_status(
            &repo,
            "5779607b49aab1200488439f02372c57b4f75444",
            &CommitStatus {
                state: StatusState::Pending,
                target_url: None,
                description: "Registering task definition web:43".into(),
                context: "hatoba/deploy (production)".into(),
            },
        );
        assert_eq!(
            r.url,
            "https://api.github.com/repos/octo-org/octo-repo/statuses/5779607b49aab1200488439f02372c57b4f75444"
        );
        assert_eq!(r.header("authorization"), Some("Bearer ghs_FAKEFAKEFAKE"));
        let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"state": "pending", "description": "Registering task definition web:43", "context": "hatoba/deploy (production)"})
        );
        assert!(!format!("{:?}", client()).contains("FAKEFAKE"));
    }

    #[test]
    fn contents_request_encodes_path_and_ref() {
        let repo = RepoRef::parse("o/r").unwrap();
        let r = client().get_file_contents(&repo, "/deploy/task def.json", "feature/x y");
        assert_eq!(
            r.url,
            "https://api.github.com/repos/o/r/contents/deploy/task%20def.json?ref=feature%2Fx%20y"
        );
        assert_eq!(r.header("accept"), Some("application/vnd.github.raw+json"));
    }

    #[test]
    fn repo_refs_are_owner_slash_name() {
        assert!(RepoRef::parse("o/r").is_some());
        for bad in ["o", "/r", "o/", "o/r/x", "o/r?x"] {
            assert!(RepoRef::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        // RFC 4648 section 10, unpadded, plus the URL-safe alphabet.
        for (input, expected) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(app::base64url(input.as_bytes()), expected);
        }
        assert_eq!(app::base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn jwt_claims_follow_githubs_rules() {
        let input = app::jwt_signing_input("123456", 1_795_766_400);
        let (header, claims) = input.split_once('.').unwrap();
        assert_eq!(header, "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9");
        assert_eq!(
            claims,
            app::base64url(br#"{"iat":1795766340,"exp":1795766940,"iss":"123456"}"#)
        );
        assert_eq!(app::jwt(&input, &[1, 2, 3]), format!("{input}.AQID"));
    }
}
