//! Durable Object storage holding JSON text: records are read and written with the same
//! `serde_json` code that answers the API, so the wasm carries one (de)serializer per record
//! type instead of a second one for JavaScript values (`Storage::get`/`put` go through
//! `serde_wasm_bindgen`).

use serde::Serialize;
use serde::de::DeserializeOwned;
use worker::{Error, Result, Storage};

/// Reads `key`, `None` when it was never written.
pub async fn get<T: DeserializeOwned>(storage: &Storage, key: &str) -> Result<Option<T>> {
    match storage.get::<String>(key).await? {
        Some(text) => serde_json::from_slice(text.as_bytes())
            .map(Some)
            .map_err(|e| Error::RustError(format!("stored {key} does not read back: {e}"))),
        None => Ok(None),
    }
}

/// Writes `value` under `key`.
pub async fn put<T: Serialize>(storage: &Storage, key: &str, value: &T) -> Result<()> {
    storage.put(key, serde_json::to_string(value)?).await
}
