//! Durable Object storage as core's [`Store`]: JSON text under string keys, read and written
//! with the same `serde_json` code that answers the API (`Storage::get`/`put` of typed values
//! would carry a second (de)serializer per type through `serde_wasm_bindgen`).

use hatoba_core::deploy::{Store, StoreError};
use worker::Storage;

/// A Durable Object's storage.
#[derive(Debug)]
pub struct ObjectStore(pub Storage);

fn failed(e: worker::Error) -> StoreError {
    StoreError(e.to_string())
}

impl Store for ObjectStore {
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        // The one key through the read of many: it answers the stored value as it is (a string,
        // all `put` writes), where `get::<String>` would bring serde_wasm_bindgen's deserializer
        // and its error messages, with core's float printer, for a string.
        let found = self.0.get_multiple(vec![key]).await.map_err(failed)?;
        let value = found.get(&key.into());
        if value.is_undefined() {
            return Ok(None);
        }
        let text = value.as_string();
        text.map(Some)
            .ok_or_else(|| StoreError(format!("the value under {key} is not text")))
    }

    async fn put(&self, key: &str, value: String) -> Result<(), StoreError> {
        self.0.put(key, value).await.map_err(failed)
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.0.delete(key).await.map(|_| ()).map_err(failed)
    }
}
