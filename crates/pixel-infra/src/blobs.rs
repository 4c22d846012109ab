//! Content-addressed files in the data dir: `<root>/<aa>/<bb>/<sha256>`, written atomically, read
//! whole or as a stream of one byte range.

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::StreamExt;
use pixel_core::ports::{BlobDeletion, BlobStore, ByteStream};
use pixel_core::{Error, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// The most one chunk of a streamed read holds.
const CHUNK: usize = 64 * 1024;

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

    /// Marks an existing blob as just stored (its modified time), so a sweep that finds it
    /// unreferenced leaves it to whoever is about to reference it; false when the file is gone.
    fn touch(path: &Path) -> bool {
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()))
            .is_ok()
    }

    /// Whether the file at `path` was modified within `idle_for`.
    async fn recently_touched(path: &Path, idle_for: std::time::Duration) -> Result<bool> {
        let modified = tokio::fs::metadata(path)
            .await
            .and_then(|m| m.modified())
            .map_err(Error::internal)?;
        Ok(modified.elapsed().unwrap_or_default() < idle_for)
    }

    /// A unique temp file beside where `key` lives (created if need be): written, then renamed, so a
    /// crash never leaves a torn blob under its key.
    async fn temp_in(&self, dir: &Path) -> Result<PathBuf> {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(Error::internal)?;
        Ok(dir.join(format!(".{}.tmp", pixel_core::new_id())))
    }

    /// Moves a finished temp file under its key (a no-op when the same bytes are there already).
    async fn settle(&self, tmp: &Path, key: &str) -> Result<()> {
        let path = self
            .path_of(key)
            .ok_or_else(|| Error::internal("bad blob key"))?;
        if Self::touch(&path) {
            let _ = tokio::fs::remove_file(tmp).await;
            return Ok(());
        }
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(Error::internal)?;
        }
        tokio::fs::rename(tmp, &path).await.map_err(Error::internal)
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
        // Storing bytes that are there already renews them, so a sweep in progress keeps them.
        if Self::touch(&path) {
            return Ok(key);
        }
        let dir = path
            .parent()
            .ok_or_else(|| Error::internal("blob path has no parent"))?;
        let tmp = self.temp_in(dir).await?;
        tokio::fs::write(&tmp, bytes)
            .await
            .map_err(Error::internal)?;
        self.settle(&tmp, &key).await?;
        Ok(key)
    }

    async fn put_stream(&self, mut stream: ByteStream) -> Result<String> {
        let tmp = self.temp_in(&self.root).await?;
        let written = async {
            let mut file = tokio::fs::File::create(&tmp)
                .await
                .map_err(Error::internal)?;
            let mut hash = Sha256::new();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk?;
                hash.update(&chunk);
                file.write_all(&chunk).await.map_err(Error::internal)?;
            }
            file.flush().await.map_err(Error::internal)?;
            Ok::<String, Error>(hex::encode(hash.finalize()))
        }
        .await;
        match written {
            Ok(key) => {
                self.settle(&tmp, &key).await?;
                Ok(key)
            }
            Err(e) => {
                let _ = tokio::fs::remove_file(&tmp).await;
                Err(e)
            }
        }
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

    async fn size(&self, key: &str) -> Result<Option<u64>> {
        let Some(path) = self.path_of(key) else {
            return Ok(None);
        };
        match tokio::fs::metadata(&path).await {
            Ok(m) => Ok(Some(m.len())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::internal(e)),
        }
    }

    async fn read_range(&self, key: &str, start: u64, end: u64) -> Result<Option<ByteStream>> {
        let Some(path) = self.path_of(key) else {
            return Ok(None);
        };
        let mut file = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::internal(e)),
        };
        file.seek(std::io::SeekFrom::Start(start))
            .await
            .map_err(Error::internal)?;
        let left = end.saturating_add(1).saturating_sub(start);
        let chunks = futures_util::stream::unfold((file, left), |(mut file, left)| async move {
            if left == 0 {
                return None;
            }
            let want = usize::try_from(left).unwrap_or(CHUNK).min(CHUNK);
            let mut buf = vec![0u8; want];
            match file.read(&mut buf).await {
                // The file ended before the range did: it was shorter than its size said.
                Ok(0) => Some((
                    Err(Error::internal("a blob ended before the range asked of it")),
                    (file, 0),
                )),
                Ok(n) => {
                    buf.truncate(n);
                    Some((Ok(Bytes::from(buf)), (file, left - n as u64)))
                }
                Err(e) => Some((Err(Error::internal(e)), (file, 0))),
            }
        });
        Ok(Some(Box::pin(chunks)))
    }

    async fn delete_idle(&self, key: &str, idle_for: std::time::Duration) -> Result<BlobDeletion> {
        let Some(path) = self.path_of(key) else {
            return Ok(BlobDeletion::Missing);
        };
        if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(BlobDeletion::Missing);
        }
        if Self::recently_touched(&path, idle_for).await? {
            return Ok(BlobDeletion::Busy);
        }
        // Moved aside first, then looked at again: a `put` that touched it in between shows in its
        // time (the rename keeps it), and one after the move writes the file anew.
        let aside = path.with_extension(format!("gc-{}", pixel_core::new_id()));
        match tokio::fs::rename(&path, &aside).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BlobDeletion::Missing),
            Err(e) => return Err(Error::internal(e)),
        }
        if Self::recently_touched(&aside, idle_for).await? {
            tokio::fs::rename(&aside, &path)
                .await
                .map_err(Error::internal)?;
            return Ok(BlobDeletion::Busy);
        }
        tokio::fs::remove_file(&aside)
            .await
            .map_err(Error::internal)?;
        Ok(BlobDeletion::Deleted)
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

    async fn read_all(stream: ByteStream) -> Vec<u8> {
        let chunks: Vec<Result<Bytes>> = stream.collect().await;
        chunks
            .into_iter()
            .flat_map(|c| c.expect("chunk").to_vec())
            .collect()
    }

    #[tokio::test]
    async fn streams_in_and_out_by_ranges() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = LocalBlobStore::new(dir.path()).expect("store");
        blob_store_contract(&store).await;
        let leftovers = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0, "no temp file left behind");
    }

    /// What every blob store answers alike, asked through the port (an S3 store runs it too).
    async fn blob_store_contract(store: &dyn BlobStore) {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let pieces: Vec<Result<Bytes>> = data
            .chunks(7_000)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let key = store
            .put_stream(Box::pin(futures_util::stream::iter(pieces)))
            .await
            .expect("put_stream");
        assert_eq!(key, sha256_hex(&data), "the same key as a whole put");
        assert_eq!(store.size(&key).await.expect("size"), Some(200_000));
        let range = store
            .read_range(&key, 65_000, 140_000)
            .await
            .expect("range")
            .expect("stored");
        assert_eq!(read_all(range).await, &data[65_000..=140_000]);
        let whole = store
            .read_range(&key, 0, 199_999)
            .await
            .expect("range")
            .expect("stored");
        assert_eq!(read_all(whole).await, data);
        assert!(store
            .read_range(&"0".repeat(64), 0, 1)
            .await
            .expect("range")
            .is_none());

        // A stream that fails midway stores nothing.
        let broken: Vec<Result<Bytes>> = vec![
            Ok(Bytes::from_static(b"half")),
            Err(Error::internal("the upload broke")),
        ];
        assert!(store
            .put_stream(Box::pin(futures_util::stream::iter(broken)))
            .await
            .is_err());
        assert!(store
            .get(&sha256_hex(b"half"))
            .await
            .expect("get")
            .is_none());
        assert_eq!(store.size(&sha256_hex(b"half")).await.expect("size"), None);

        // Deleting: a blob stored within the idle time stays; an idle one goes; twice is missing.
        let idle = std::time::Duration::from_secs(3600);
        assert_eq!(
            store.delete_idle(&key, idle).await.expect("delete"),
            BlobDeletion::Busy
        );
        assert_eq!(store.size(&key).await.expect("size"), Some(200_000));
        let none = std::time::Duration::ZERO;
        assert_eq!(
            store.delete_idle(&key, none).await.expect("delete"),
            BlobDeletion::Deleted
        );
        assert_eq!(store.get(&key).await.expect("get"), None);
        assert_eq!(
            store.delete_idle(&key, none).await.expect("delete"),
            BlobDeletion::Missing
        );
        // Stored again after deletion: there again.
        assert_eq!(store.put(&data).await.expect("put"), key);
        assert_eq!(store.size(&key).await.expect("size"), Some(200_000));
    }
}
