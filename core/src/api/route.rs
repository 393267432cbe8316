//! Which route a request's method and path name: the worker's whole routing table, decided
//! before anything else of the request is read. A new route is a variant of [`Route`], a line in
//! [`route`] and a handler in `serve.rs`.

use crate::deploy::PauseAction;

/// A route of the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `GET|HEAD /healthz`.
    Health,
    /// `POST /webhooks/github`.
    Webhook,
    /// `GET /api/targets`.
    Targets,
    /// `GET /api/deployments?target=NAME`.
    Deployments,
    /// `GET /api/deployments/ID`.
    Deployment {
        /// The deployment's id, percent-decoded.
        id: String,
    },
    /// `POST /api/targets/NAME/deploy`.
    Deploy {
        /// The target's name, percent-decoded.
        target: String,
    },
    /// `POST /api/deployments/ID/continue` or `.../rollback`: answers the PAUSE hook a
    /// deployment waits at.
    AnswerPause {
        /// The deployment's id, percent-decoded.
        id: String,
        /// What to answer.
        action: PauseAction,
    },
    /// `GET|HEAD` of any other path: a file of the UI.
    File,
}

/// Why a request names no route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteError {
    /// 404: nothing is there.
    NotFound,
    /// 405: the path is a route, the method is not; `allow` lists the methods.
    MethodNotAllowed {
        /// The `Allow` header's value.
        allow: &'static str,
    },
    /// 400: the path holds a `.` or `..` segment (also percent-encoded), or an encoded `/`.
    DotSegment,
}

/// The longest path segment a route takes (a target name or a deployment id).
pub const MAX_SEGMENT: usize = 200;

impl Route {
    /// Whether the route is the JSON API (`/api/...`), which takes a token before anything
    /// else is revealed.
    pub fn is_api(&self) -> bool {
        matches!(
            self,
            Route::Targets
                | Route::Deployments
                | Route::Deployment { .. }
                | Route::Deploy { .. }
                | Route::AnswerPause { .. }
        )
    }

    /// Whether the route changes anything (and so takes the admin token).
    pub fn is_admin(&self) -> bool {
        matches!(self, Route::Deploy { .. } | Route::AnswerPause { .. })
    }
}

/// Whether `path` is under the worker's own prefixes (the API, the webhooks, `/healthz`): a
/// miss there is the API's JSON 404, never a file of the UI.
pub fn is_own_path(path: &str) -> bool {
    path == "/healthz"
        || path == "/api"
        || path.starts_with("/api/")
        || path == "/webhooks"
        || path.starts_with("/webhooks/")
}

/// The route of `method` on `path` (the URL's path, still percent-encoded, without its query).
pub fn route(method: &str, path: &str) -> Result<Route, RouteError> {
    let get = method == "GET" || method == "HEAD";
    let post = method == "POST";
    if !is_own_path(path) {
        return if get {
            Ok(Route::File)
        } else {
            Err(RouteError::MethodNotAllowed { allow: "GET, HEAD" })
        };
    }
    let mut segments = Vec::new();
    for raw in path.split('/').skip(1) {
        let segment = super::percent_decode_path(raw).ok_or(RouteError::NotFound)?;
        if segment == "." || segment == ".." || segment.contains('/') {
            return Err(RouteError::DotSegment);
        }
        if segment.len() > MAX_SEGMENT {
            return Err(RouteError::NotFound);
        }
        segments.push(segment);
    }
    // One trailing slash names the same route (`/api/targets/`); an empty segment elsewhere
    // names nothing (`/api/targets//deploy` is not a deploy to a target without a name).
    if segments.len() > 1 && segments.last().is_some_and(String::is_empty) {
        segments.pop();
    }
    if segments.iter().any(String::is_empty) {
        return Err(RouteError::NotFound);
    }
    let only = |ok: bool, route: Route, allow: &'static str| {
        if ok {
            Ok(route)
        } else {
            Err(RouteError::MethodNotAllowed { allow })
        }
    };
    let words: Vec<&str> = segments.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["healthz"] => only(get, Route::Health, "GET, HEAD"),
        ["webhooks", "github"] => only(post, Route::Webhook, "POST"),
        ["api", "targets"] => only(get, Route::Targets, "GET, HEAD"),
        ["api", "deployments"] => only(get, Route::Deployments, "GET, HEAD"),
        ["api", "deployments", id] => only(
            get,
            Route::Deployment {
                id: (*id).to_owned(),
            },
            "GET, HEAD",
        ),
        ["api", "deployments", id, word @ ("continue" | "rollback")] => only(
            post,
            Route::AnswerPause {
                id: (*id).to_owned(),
                action: if *word == "continue" {
                    PauseAction::Continue
                } else {
                    PauseAction::Rollback
                },
            },
            "POST",
        ),
        ["api", "targets", name, "deploy"] => only(
            post,
            Route::Deploy {
                target: (*name).to_owned(),
            },
            "POST",
        ),
        _ => Err(RouteError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_by_its_method_and_path() {
        assert_eq!(route("GET", "/healthz"), Ok(Route::Health));
        assert_eq!(route("HEAD", "/healthz"), Ok(Route::Health));
        assert_eq!(route("POST", "/webhooks/github"), Ok(Route::Webhook));
        assert_eq!(route("GET", "/api/targets"), Ok(Route::Targets));
        assert_eq!(route("GET", "/api/targets/"), Ok(Route::Targets));
        assert_eq!(route("GET", "/api/deployments"), Ok(Route::Deployments));
        assert_eq!(
            route("GET", "/api/deployments/stg-web.1795766400000.1a2b3c4"),
            Ok(Route::Deployment {
                id: "stg-web.1795766400000.1a2b3c4".into()
            })
        );
        assert_eq!(
            route("POST", "/api/targets/stg-web/deploy"),
            Ok(Route::Deploy {
                target: "stg-web".into()
            })
        );
        assert_eq!(
            route("POST", "/api/targets/stg%2Dweb/deploy"),
            Ok(Route::Deploy {
                target: "stg-web".into()
            })
        );
        assert_eq!(route("GET", "/"), Ok(Route::File));
        assert_eq!(route("GET", "/pkg/hatoba.js"), Ok(Route::File));
        assert!(Route::Deploy { target: "x".into() }.is_admin());
        assert!(Route::Targets.is_api() && !Route::Targets.is_admin());
        assert!(!Route::Webhook.is_api());
    }

    #[test]
    fn the_paths_that_once_crashed_or_slipped_through_name_nothing() {
        // The deploy route's old check: starts with `/api/targets/`, ends with `/deploy`.
        assert_eq!(
            route("POST", "/api/targets/deploy"),
            Err(RouteError::NotFound)
        );
        assert_eq!(
            route("POST", "/api/targets//deploy"),
            Err(RouteError::NotFound)
        );
        assert_eq!(
            route("POST", "/api/targets/a/b/deploy"),
            Err(RouteError::NotFound)
        );
        assert_eq!(
            route("POST", "/api/targets/a%2Fb/deploy"),
            Err(RouteError::DotSegment)
        );
        assert_eq!(
            route("GET", "/api/deployments/x/../../last"),
            Err(RouteError::DotSegment)
        );
        assert_eq!(
            route("GET", "/api/deployments/%2e%2E"),
            Err(RouteError::DotSegment)
        );
        assert_eq!(route("GET", "/api/./targets"), Err(RouteError::DotSegment));
        assert_eq!(
            route("GET", "/api/deployments/%ff%fe"),
            Err(RouteError::NotFound)
        );
        assert_eq!(
            route("GET", "/api/deployments/%zz"),
            Err(RouteError::NotFound)
        );
        let long = format!("/api/targets/{}/deploy", "a".repeat(100_000));
        assert_eq!(route("POST", &long), Err(RouteError::NotFound));
        assert_eq!(route("GET", "/api/nope"), Err(RouteError::NotFound));
        assert_eq!(route("GET", "/api"), Err(RouteError::NotFound));
        assert_eq!(route("GET", "/webhooks/gitlab"), Err(RouteError::NotFound));
        assert_eq!(route("GET", "/healthz/"), Ok(Route::File));
    }

    #[test]
    fn a_route_with_the_wrong_method_says_which_it_takes() {
        assert_eq!(
            route("GET", "/webhooks/github"),
            Err(RouteError::MethodNotAllowed { allow: "POST" })
        );
        assert_eq!(
            route("GET", "/api/targets/stg/deploy"),
            Err(RouteError::MethodNotAllowed { allow: "POST" })
        );
        assert_eq!(
            route("DELETE", "/api/targets"),
            Err(RouteError::MethodNotAllowed { allow: "GET, HEAD" })
        );
        assert_eq!(
            route("POST", "/"),
            Err(RouteError::MethodNotAllowed { allow: "GET, HEAD" })
        );
        assert_eq!(
            route("CONNECT", "/index.html"),
            Err(RouteError::MethodNotAllowed { allow: "GET, HEAD" })
        );
    }
}
