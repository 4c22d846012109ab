//! Content-addressed files in the data dir: `<root>/<aa>/<bb>/<sha256>`, written atomically.

use async_trait::async_trait;
use pixel_core::ports::BlobStore;
use pixel_core::{Error, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub struct LocalBlobStore {
    root: PathBuf,
}

impl LocalBlobStore {
    pub fn new(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(&root)
            .map_err(|e| Error::internal(format!("cannot create {}: {e}", root.display())))?;
        Ok(Self { root })
    }

    /// The file of a key, or None for a malformed key (keys are 64 lowercase hex digits).
    pub fn path_of(&self, key: &str) -> Option<PathBuf> {
        let valid = key.len() == 64
            && key
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| self.root.join(&key[0..2]).join(&key[2..4]).join(key))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[async_trait]
impl BlobStore for LocalBlobStore {
    async fn put(&self, bytes: &[u8]) -> Result<String> {
        let key = sha256_hex(bytes);
        let path = self
            .path_of(&key)
            .ok_or_else(|| Error::internal("bad blob key"))?;
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(key);
        }
        let dir = path
            .parent()
            .ok_or_else(|| Error::internal("blob path has no parent"))?;
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(Error::internal)?;
        // Write to a unique temp file then rename, so a crash never leaves a torn blob under its key.
        let tmp = dir.join(format!(".{key}.{}.tmp", pixel_core::new_id()));
        tokio::fs::write(&tmp, bytes)
            .await
            .map_err(Error::internal)?;
        tokio::fs::rename(&tmp, &path)
            .await
            .map_err(Error::internal)?;
        Ok(key)
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let Some(path) = self.path_of(key) else {
            return Ok(None);
        };
        match tokio::fs::read(&path).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::internal(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn same_bytes_same_key_and_round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = LocalBlobStore::new(dir.path()).expect("store");
        let a = store.put(b"hello").await.expect("put");
        let b = store.put(b"hello").await.expect("put");
        assert_eq!(a, b);
        assert_eq!(a, sha256_hex(b"hello"));
        assert_eq!(
            store.get(&a).await.expect("get").as_deref(),
            Some(&b"hello"[..])
        );
        assert_eq!(store.get("../../etc/passwd").await.expect("get"), None);
        assert_eq!(store.get(&"0".repeat(64)).await.expect("get"), None);
    }
}
