//! Where output.json files are written: a local directory or an S3-compatible store.
//!
//! A flow's `S3OutputPath` names objects as `s3://bucket/key`. A self-hosted Loupe may have no S3
//! at all, so the same URIs can also land in a directory as `<root>/<bucket>/<key>`. Both
//! backends go through `object_store`, so the only code that differs is the set-up.
//!
//! Writes replace the whole object and may be repeated with the same bytes: an outbox that
//! retries after a crash must not fail on an object it already wrote.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, ObjectStore, ObjectStoreExt as _, PutOptions, PutPayload,
};

use crate::output::s3_names::{self, MAX_KEY_BYTES};

/// Everything that can go wrong in this module: a malformed URI, or the backend failing.
#[derive(Debug, thiserror::Error)]
pub enum OutputStoreError {
    #[error("`{uri}` is not an s3:// URI")]
    WrongScheme { uri: String },
    #[error("`{uri}` names no bucket")]
    MissingBucket { uri: String },
    #[error("`{bucket}` is not a valid S3 bucket name: {reason}")]
    InvalidBucket {
        bucket: String,
        reason: &'static str,
    },
    #[error("`{uri}` names no object key")]
    EmptyKey { uri: String },
    #[error("`{key}` is not a usable object key: {reason}")]
    InvalidKey { key: String, reason: &'static str },
    #[error("cannot create the output directory {}: {source}", root.display())]
    CreateRoot {
        root: PathBuf,
        source: std::io::Error,
    },
    #[error("output store: {0}")]
    Backend(#[from] object_store::Error),
}

/// A parsed `s3://bucket/key`: a valid bucket name and a key that is safe on every backend.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct S3Uri {
    bucket: String,
    key: String,
}

impl S3Uri {
    /// Parses `s3://bucket/key`. Keys are stricter than S3's: no empty, `.` or `..` segments and
    /// no control characters, because the directory backend turns segments into file names.
    pub fn parse(uri: &str) -> Result<Self, OutputStoreError> {
        let rest = uri
            .strip_prefix("s3://")
            .ok_or_else(|| OutputStoreError::WrongScheme {
                uri: uri.to_owned(),
            })?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(OutputStoreError::MissingBucket {
                uri: uri.to_owned(),
            });
        }
        validate_bucket(bucket)?;
        if key.is_empty() {
            return Err(OutputStoreError::EmptyKey {
                uri: uri.to_owned(),
            });
        }
        validate_key(key)?;
        Ok(Self {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
        })
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    pub fn key(&self) -> &str {
        &self.key
    }
}

impl fmt::Display for S3Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

impl std::str::FromStr for S3Uri {
    type Err = OutputStoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn validate_bucket(bucket: &str) -> Result<(), OutputStoreError> {
    s3_names::check_bucket(bucket).map_err(|reason| OutputStoreError::InvalidBucket {
        bucket: bucket.to_owned(),
        reason,
    })
}

fn validate_key(key: &str) -> Result<(), OutputStoreError> {
    let invalid = |reason| OutputStoreError::InvalidKey {
        key: key.to_owned(),
        reason,
    };
    if key.len() > MAX_KEY_BYTES {
        return Err(invalid("it is longer than 1024 bytes"));
    }
    s3_names::check_key_segments(key).map_err(invalid)
}

/// How to reach the place output files go; chosen once in the server's configuration.
#[derive(Clone, PartialEq, Eq)]
pub enum OutputStoreConfig {
    /// `s3://bucket/key` is written to `<root>/<bucket>/<key>`.
    Directory { root: PathBuf },
    /// An S3-compatible server, addressed path-style (`<endpoint>/<bucket>/<key>`) because
    /// self-hosted servers rarely have per-bucket DNS names.
    S3 {
        endpoint: String,
        region: String,
        access_key_id: String,
        secret_access_key: String,
        allow_http: bool,
    },
}

/// Written by hand so the secret key never reaches a log line.
impl fmt::Debug for OutputStoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Directory { root } => f.debug_struct("Directory").field("root", root).finish(),
            Self::S3 {
                endpoint,
                region,
                access_key_id,
                secret_access_key: _,
                allow_http,
            } => f
                .debug_struct("S3")
                .field("endpoint", endpoint)
                .field("region", region)
                .field("access_key_id", access_key_id)
                .field("secret_access_key", &"<redacted>")
                .field("allow_http", allow_http)
                .finish(),
        }
    }
}

/// Reads and writes whole output objects by `s3://` URI. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct OutputStore {
    backend: Backend,
}

#[derive(Debug)]
enum Backend {
    /// One store rooted at the directory; the bucket is the first path segment.
    Directory(Arc<LocalFileSystem>),
    /// object_store binds an S3 client to one bucket, so keep one per bucket seen.
    S3 {
        config: S3Config,
        clients: Mutex<HashMap<String, Arc<dyn ObjectStore>>>,
    },
}

struct S3Config {
    endpoint: String,
    region: String,
    access_key_id: String,
    secret_access_key: String,
    allow_http: bool,
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl OutputStore {
    /// Sets the backend up. For a directory, creates the root if missing (object_store needs it
    /// to exist). Nothing is contacted over the network here.
    pub fn new(config: OutputStoreConfig) -> Result<Self, OutputStoreError> {
        let backend = match config {
            OutputStoreConfig::Directory { root } => {
                create_root(&root).map_err(|source| OutputStoreError::CreateRoot {
                    root: root.clone(),
                    source,
                })?;
                // With fsync on, object_store syncs the staged file before renaming it into
                // place and then the directories whose entries changed: an acknowledged output
                // survives a crash, and readers never see a half-written file.
                Backend::Directory(Arc::new(
                    LocalFileSystem::new_with_prefix(&root)?.with_fsync(true),
                ))
            }
            OutputStoreConfig::S3 {
                endpoint,
                region,
                access_key_id,
                secret_access_key,
                allow_http,
            } => Backend::S3 {
                config: S3Config {
                    endpoint,
                    region,
                    access_key_id,
                    secret_access_key,
                    allow_http,
                },
                clients: Mutex::new(HashMap::new()),
            },
        };
        Ok(Self { backend })
    }

    /// Writes the whole object at `uri`, replacing what was there. Writing the same bytes again
    /// succeeds. `content_type` is stored where the backend keeps attributes (S3); a directory
    /// has nowhere to keep it. Returns only once the write is durable.
    pub async fn put(
        &self,
        uri: &str,
        bytes: Bytes,
        content_type: &str,
    ) -> Result<(), OutputStoreError> {
        let uri = S3Uri::parse(uri)?;
        let (store, path) = self.locate(&uri)?;
        let mut options = PutOptions::default();
        if matches!(self.backend, Backend::S3 { .. }) {
            options.attributes =
                Attributes::from_iter([(Attribute::ContentType, content_type.to_owned())]);
        }
        store
            .put_opts(&path, PutPayload::from_bytes(bytes), options)
            .await?;
        Ok(())
    }

    /// Reads the whole object at `uri`; `None` when there is no such object (or bucket).
    pub async fn get(&self, uri: &str) -> Result<Option<Bytes>, OutputStoreError> {
        let uri = S3Uri::parse(uri)?;
        let (store, path) = self.locate(&uri)?;
        match store.get(&path).await {
            Ok(result) => Ok(Some(result.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// The object_store client and path for `uri`.
    fn locate(&self, uri: &S3Uri) -> Result<(Arc<dyn ObjectStore>, Path), OutputStoreError> {
        let invalid = |_| OutputStoreError::InvalidKey {
            key: uri.key().to_owned(),
            reason: "object_store rejects it",
        };
        match &self.backend {
            Backend::Directory(fs) => {
                // The bucket is a checked single segment and the key has no `..`, so the path
                // stays under the root.
                let path =
                    Path::parse(format!("{}/{}", uri.bucket(), uri.key())).map_err(invalid)?;
                Ok((Arc::clone(fs) as Arc<dyn ObjectStore>, path))
            }
            Backend::S3 { config, clients } => {
                let path = Path::parse(uri.key()).map_err(invalid)?;
                let mut clients = clients.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(client) = clients.get(uri.bucket()) {
                    return Ok((Arc::clone(client), path));
                }
                let client: Arc<dyn ObjectStore> = Arc::new(
                    AmazonS3Builder::new()
                        .with_endpoint(&config.endpoint)
                        .with_region(&config.region)
                        .with_access_key_id(&config.access_key_id)
                        .with_secret_access_key(&config.secret_access_key)
                        .with_allow_http(config.allow_http)
                        .with_virtual_hosted_style_request(false)
                        .with_bucket_name(uri.bucket())
                        .build()?,
                );
                clients.insert(uri.bucket().to_owned(), Arc::clone(&client));
                Ok((client, path))
            }
        }
    }
}

/// Creates the directory root and makes its entry durable: object_store fsyncs only the
/// directories it creates itself, up to the root.
fn create_root(root: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(root)?;
    #[cfg(unix)]
    if let Some(parent) = std::fs::canonicalize(root)?.parent() {
        std::fs::File::open(parent)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(uri: &str) -> Result<(String, String), OutputStoreError> {
        S3Uri::parse(uri).map(|u| (u.bucket().to_owned(), u.key().to_owned()))
    }

    #[test]
    fn parses_bucket_and_key() {
        assert_eq!(
            parse("s3://bucket/prefix/flow/2019/11/14/17/37/36/loop/output.json").unwrap(),
            (
                "bucket".to_owned(),
                "prefix/flow/2019/11/14/17/37/36/loop/output.json".to_owned()
            )
        );
        assert_eq!(
            parse("s3://my.bucket-01/a").unwrap(),
            ("my.bucket-01".to_owned(), "a".to_owned())
        );
        let uri: S3Uri = "s3://abc/x y/ü.json".parse().unwrap();
        assert_eq!(uri.to_string(), "s3://abc/x y/ü.json");
    }

    #[test]
    fn rejects_other_schemes() {
        for uri in [
            "https://bucket.s3.amazonaws.com/out",
            "S3://bucket/key",
            "bucket/key",
            "",
        ] {
            assert!(
                matches!(parse(uri), Err(OutputStoreError::WrongScheme { .. })),
                "{uri}"
            );
        }
    }

    #[test]
    fn rejects_missing_bucket_or_key() {
        for uri in ["s3://", "s3:///key"] {
            assert!(
                matches!(parse(uri), Err(OutputStoreError::MissingBucket { .. })),
                "{uri}"
            );
        }
        for uri in ["s3://bucket", "s3://bucket/"] {
            assert!(
                matches!(parse(uri), Err(OutputStoreError::EmptyKey { .. })),
                "{uri}"
            );
        }
    }

    #[test]
    fn applies_bucket_naming_rules() {
        let long = "b".repeat(64);
        for bucket in [
            "ab",
            long.as_str(),
            "Bucket",
            "my_bucket",
            "-bucket",
            "bucket.",
            "my..bucket",
            "192.168.5.4",
            "...",
        ] {
            assert!(
                matches!(
                    parse(&format!("s3://{bucket}/key")),
                    Err(OutputStoreError::InvalidBucket { .. })
                ),
                "{bucket}"
            );
        }
        for bucket in ["abc", &"b".repeat(63), "1-2.3"] {
            assert!(parse(&format!("s3://{bucket}/key")).is_ok(), "{bucket}");
        }
    }

    #[test]
    fn rejects_keys_unsafe_on_a_filesystem() {
        let long = format!("s3://bucket/{}", "k".repeat(1025));
        for uri in [
            "s3://bucket/../etc/passwd",
            "s3://bucket/a/../../b",
            "s3://bucket/./a",
            "s3://bucket//a",
            "s3://bucket/a//b",
            "s3://bucket/a/",
            "s3://bucket/a\nb",
            long.as_str(),
        ] {
            assert!(
                matches!(parse(uri), Err(OutputStoreError::InvalidKey { .. })),
                "{uri}"
            );
        }
        assert!(parse(&format!("s3://bucket/{}", "k".repeat(1024))).is_ok());
        assert!(parse("s3://bucket/a..b/.hidden/...").is_ok());
    }

    #[test]
    fn debug_hides_the_secret_key() {
        let config = OutputStoreConfig::S3 {
            endpoint: "http://127.0.0.1:9000".into(),
            region: "us-east-1".into(),
            access_key_id: "AKID".into(),
            secret_access_key: "s3cr3t".into(),
            allow_http: true,
        };
        assert!(!format!("{config:?}").contains("s3cr3t"));
        let store = OutputStore::new(config).unwrap();
        assert!(!format!("{store:?}").contains("s3cr3t"));
    }
}
