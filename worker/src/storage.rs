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
        self.0.get::<String>(key).await.map_err(failed)
    }

    async fn put(&self, key: &str, value: String) -> Result<(), StoreError> {
        self.0.put(key, value).await.map_err(failed)
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.0.delete(key).await.map(|_| ()).map_err(failed)
    }
}
