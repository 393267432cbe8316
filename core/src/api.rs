//! JSON bodies of the worker's HTTP API, one type shared by the worker that writes them and the
//! app and tests that read them.

use serde::{Deserialize, Serialize};

/// Body of `GET /healthz`: `{"status":"ok","version":"0.1.0"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Always `"ok"` when the worker answers at all.
    pub status: String,
    /// Hatoba's version ([`crate::VERSION`]).
    pub version: String,
}

impl Health {
    /// The health of this build: status `ok` and this crate's version.
    pub fn ok() -> Self {
        Self {
            status: "ok".to_owned(),
            version: crate::VERSION.to_owned(),
        }
    }
}

/// Body of every error answer of the API, e.g. `{"error":"not_found","message":"no route for GET /x"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable, machine-readable code (`not_found`, `method_not_allowed`, ...).
    pub error: String,
    /// What went wrong, for a person.
    pub message: String,
}

impl ErrorBody {
    /// The answer for a path no route handles.
    pub fn not_found(method: &str, path: &str) -> Self {
        Self {
            error: "not_found".to_owned(),
            message: format!("no route for {method} {path}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_serializes_to_the_documented_shape() {
        let json = serde_json::to_value(Health::ok()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})
        );
    }

    #[test]
    fn not_found_names_method_and_path() {
        let body = ErrorBody::not_found("GET", "/nope");
        assert_eq!(body.error, "not_found");
        assert_eq!(body.message, "no route for GET /nope");
    }
}
