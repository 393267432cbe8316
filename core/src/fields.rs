//! JSON objects read by hand, field by field, from a `serde_json::Value`, with errors that name
//! each field's path (`workflow_run.head_sha: found a number: expected a string`).
//!
//! Webhook payloads and deployment records are read this way rather than with derived readers:
//! the worker carries the `Value` reader anyway, and a derived reader per type was the largest
//! part of the worker's code that reads them.

use std::fmt;

use serde_json::{Map, Value};

/// What a JSON value is, in words.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Implements `Deserialize` for a type with a `read(&Obj) -> Result<Self, FieldError>`: through a
/// `serde_json::Value` (one reader for every type), errors naming the field's path after
/// `$what` (`DescribeServices answer: services[0].deployments: found a string: expected an
/// array`).
#[macro_export]
macro_rules! deserialize_with_read {
    ($t:ty, $what:literal) => {
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
                $crate::fields::Obj::of(&value)
                    .and_then(|o| <$t>::read(&o))
                    .map_err(|e| serde::de::Error::custom(format!("{}: {e}", $what)))
            }
        }
    };
}

/// Reads JSON text with a type's own field reader: every type shares one JSON parser, so the
/// worker's wasm carries no typed entry point per type.
pub fn read_text<T>(
    text: &[u8],
    read: impl FnOnce(&Obj) -> Result<T, FieldError>,
) -> Result<T, String> {
    let value: Value = serde_json::from_slice(text).map_err(|e| e.to_string())?;
    Obj::of(&value)
        .and_then(|o| read(&o))
        .map_err(|e| e.to_string())
}

/// A field that is not what its reader expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's JSON path (`steps[2].startedAt`), empty for the whole value.
    pub path: String,
    /// What was found and what was expected.
    pub message: String,
}

impl std::error::Error for FieldError {}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// A JSON object being read, with its path for errors. A field that is absent or `null` is
/// "not there": an error when required, `None` or the default when optional.
#[derive(Debug)]
pub struct Obj<'v> {
    /// The object's members.
    pub map: &'v Map<String, Value>,
    /// Its JSON path (empty at the root).
    pub path: String,
}

impl<'v> Obj<'v> {
    /// The whole value, which must be an object.
    pub fn of(value: &'v Value) -> Result<Obj<'v>, FieldError> {
        match value {
            Value::Object(map) => Ok(Obj::root(map)),
            other => Err(FieldError {
                path: String::new(),
                message: format!("found {}: expected an object", kind(other)),
            }),
        }
    }

    /// An object at the root.
    pub fn root(map: &'v Map<String, Value>) -> Obj<'v> {
        Obj {
            map,
            path: String::new(),
        }
    }

    fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// An error about `key`.
    pub fn error(&self, key: &str, message: String) -> FieldError {
        FieldError {
            path: self.path_of(key),
            message,
        }
    }

    fn field(&self, key: &str) -> Option<&'v Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// `key` as `T` (read by `read`, which names what it expects), absent or null being `None`.
    pub fn optional<T>(
        &self,
        key: &str,
        expected: &str,
        read: impl Fn(&'v Value) -> Option<T>,
    ) -> Result<Option<T>, FieldError> {
        match self.field(key) {
            None => Ok(None),
            Some(v) => read(v)
                .map(Some)
                .ok_or_else(|| self.error(key, format!("found {}: expected {expected}", kind(v)))),
        }
    }

    /// `key` as `T`, which must be there.
    pub fn required<T>(
        &self,
        key: &str,
        expected: &str,
        read: impl Fn(&'v Value) -> Option<T>,
    ) -> Result<T, FieldError> {
        let found = self.map.get(key).map_or("nothing", kind);
        self.optional(key, expected, read)?
            .ok_or_else(|| self.error(key, format!("found {found}: expected {expected}")))
    }

    /// The string `key`, which must be there.
    pub fn string(&self, key: &str) -> Result<String, FieldError> {
        self.required(key, "a string", |v| v.as_str().map(str::to_owned))
    }

    /// The string `key`, when there.
    pub fn opt_string(&self, key: &str) -> Result<Option<String>, FieldError> {
        self.optional(key, "a string", |v| v.as_str().map(str::to_owned))
    }

    /// The string `key`, or "" when absent.
    pub fn text(&self, key: &str) -> Result<String, FieldError> {
        Ok(self.opt_string(key)?.unwrap_or_default())
    }

    /// A whole number (negative ones too), 0 when absent.
    pub fn count(&self, key: &str) -> Result<i64, FieldError> {
        Ok(self
            .optional(key, "a whole number", Value::as_i64)?
            .unwrap_or(0))
    }

    /// A time as AWS's JSON protocols write it (seconds since the epoch, with a fraction), in
    /// milliseconds, when there.
    pub fn opt_epoch(&self, key: &str) -> Result<Option<u64>, FieldError> {
        self.optional(key, "a time in seconds", |v| {
            v.as_f64()
                .filter(|s| *s >= 0.0)
                .map(|s| (s * 1000.0) as u64)
        })
    }

    /// A whole number, not negative, when there.
    pub fn opt_id(&self, key: &str) -> Result<Option<u64>, FieldError> {
        self.optional(key, "a whole number", Value::as_u64)
    }

    /// A whole number, not negative.
    pub fn id(&self, key: &str) -> Result<u64, FieldError> {
        self.required(key, "a whole number", Value::as_u64)
    }

    /// The object `key`, which must be there.
    pub fn object(&self, key: &str) -> Result<Obj<'v>, FieldError> {
        let map = self.required(key, "an object", Value::as_object)?;
        Ok(self.nested(self.path_of(key), map))
    }

    /// The object `key`, when there.
    pub fn opt_object(&self, key: &str) -> Result<Option<Obj<'v>>, FieldError> {
        Ok(self
            .optional(key, "an object", Value::as_object)?
            .map(|map| self.nested(self.path_of(key), map)))
    }

    /// The objects of the list `key` (absent or null: none), each read by `read`.
    pub fn list<T>(
        &self,
        key: &str,
        read: impl Fn(&Obj<'v>) -> Result<T, FieldError>,
    ) -> Result<Vec<T>, FieldError> {
        let Some(items) = self.optional(key, "an array", Value::as_array)? else {
            return Ok(Vec::new());
        };
        let path = self.path_of(key);
        // A plain loop: collecting into a `Result` costs an adapter per list read, and there
        // are many.
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let obj = self.item(&path, i, item)?;
            out.push(read(&obj)?);
        }
        Ok(out)
    }

    /// The strings of the list `key` (absent or null: none).
    pub fn strings(&self, key: &str) -> Result<Vec<String>, FieldError> {
        let items = self.optional(key, "an array of strings", |v| {
            v.as_array()?
                .iter()
                .map(|s| s.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
        })?;
        Ok(items.unwrap_or_default())
    }

    /// One of `names` (the JSON spellings of an enum's variants).
    pub fn one_of<T: Copy>(&self, key: &str, names: &[(&str, T)]) -> Result<T, FieldError> {
        let found = self.string(key)?;
        names
            .iter()
            .find(|(name, _)| *name == found)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                let list: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
                self.error(
                    key,
                    format!("\"{found}\" is not one of {}", list.join(", ")),
                )
            })
    }

    /// Item `i` of the list at `path`, which must be an object.
    fn item(&self, path: &str, i: usize, item: &'v Value) -> Result<Obj<'v>, FieldError> {
        match item {
            Value::Object(map) => Ok(self.nested(format!("{path}[{i}]"), map)),
            other => Err(FieldError {
                path: format!("{path}[{i}]"),
                message: format!("found {}: expected an object", kind(other)),
            }),
        }
    }

    fn nested(&self, path: String, map: &'v Map<String, Value>) -> Obj<'v> {
        Obj { map, path }
    }
}
