//! Where the master key that seals API secrets comes from, and the check that it is the key of
//! the database in use.
//!
//! The key is `LOUPE_MASTER_KEY`, or the key file (`--key-file`). A missing key file is made
//! (mode 0600) only for a database that holds no sealed secret and no key fingerprint yet: one
//! that does was sealed with a key that exists somewhere, and a new one would seal secrets
//! nothing else can open. The database records the fingerprint of the first key it is opened
//! with, and refuses every other (see `loupe_engine::domain::key_custody`).

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use loupe_engine::domain::clock::Timestamp;
use loupe_engine::domain::keys::MasterKey;
use loupe_engine::services::master_key::{self, Adopted, KeyRefusal};
use loupe_engine::store::Store;

use crate::cli::KeyFileArgs;

/// The master key for the database at `database_url` (opened as `store` and migrated): read,
/// or made when the database is bound to no key yet, then checked against the database's
/// fingerprint, which is recorded when there is none.
pub async fn open_master_key(
    args: &KeyFileArgs,
    store: &dyn Store,
    database_url: &str,
    now: Timestamp,
) -> Result<MasterKey> {
    let database = database_for_messages(database_url);
    let key_file = shown_path(&args.key_file);
    let (key, source) = match &args.master_key {
        Some(raw) => (
            MasterKey::from_base64(raw).context("LOUPE_MASTER_KEY")?,
            "the master key in LOUPE_MASTER_KEY (--master-key)".to_owned(),
        ),
        None => {
            let key = match read_key_file(&args.key_file)? {
                Some(key) => key,
                None => {
                    let record = master_key::key_record(store)
                        .await
                        .context("reading the database's master key fingerprint")?;
                    if record.expects_a_key() {
                        let expected = record.fingerprint.map_or_else(
                            || "not recorded yet".to_owned(),
                            |f| format!("fingerprint {f}"),
                        );
                        bail!(
                            "the key file {key_file} does not exist, and the database {database} \
                             holds secrets sealed with a master key ({expected}), so Loupe will \
                             not make a new one. Give the key file the server uses with \
                             --key-file or LOUPE_KEY_FILE (or its key in LOUPE_MASTER_KEY)."
                        );
                    }
                    create_key_file(&args.key_file)?
                }
            };
            (key, format!("the key file {key_file}"))
        }
    };
    match master_key::adopt(store, &key, now).await {
        Ok(Adopted::Matched) => {}
        Ok(Adopted::Recorded) => {
            tracing::info!(%database, "recorded the master key's fingerprint in the database");
        }
        Err(KeyRefusal::Mismatch { expected, offered }) => bail!(
            "{source} (fingerprint {offered}) is not the master key of the database {database}, \
             which expects the key of fingerprint {expected}. Give the key file this database \
             was used with through --key-file or LOUPE_KEY_FILE (or its key in \
             LOUPE_MASTER_KEY)."
        ),
        Err(KeyRefusal::OpensNothing { owner, offered }) => bail!(
            "{source} (fingerprint {offered}) does not open the secret of {owner} in the \
             database {database}, whose secrets were sealed before Loupe recorded key \
             fingerprints. Give the key file this database was used with through --key-file or \
             LOUPE_KEY_FILE (or its key in LOUPE_MASTER_KEY)."
        ),
        Err(KeyRefusal::Store(error)) => {
            return Err(error).context("recording the master key's fingerprint");
        }
    }
    Ok(key)
}

/// A database URL as messages and logs may show it: without a password.
pub fn database_for_messages(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return url.to_owned();
    };
    let in_query = parsed.query_pairs().any(|(name, _)| name == "password");
    if parsed.password().is_none() && !in_query {
        return url.to_owned();
    }
    let _ = parsed.set_password(None);
    if in_query {
        let kept: Vec<(String, String)> = parsed
            .query_pairs()
            .filter(|(name, _)| name != "password")
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        if kept.is_empty() {
            parsed.set_query(None);
        } else {
            parsed.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    parsed.to_string()
}

/// A path as messages show it: absolute, so a relative default says where it was looked for.
fn shown_path(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_owned())
        .display()
        .to_string()
}

fn read_key_file(key_file: &Path) -> Result<Option<MasterKey>> {
    match std::fs::read_to_string(key_file) {
        Ok(raw) => MasterKey::from_base64(&raw)
            .map(Some)
            .with_context(|| format!("key file {}", shown_path(key_file))),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err).with_context(|| format!("reading key file {}", shown_path(key_file))),
    }
}

fn create_key_file(key_file: &Path) -> Result<MasterKey> {
    if let Some(dir) = key_file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let key = MasterKey::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(key_file) {
        Ok(mut file) => {
            writeln!(file, "{}", key.to_base64())?;
            file.sync_all()?;
            tracing::info!(path = %shown_path(key_file), "created a new master key file");
            Ok(key)
        }
        // Another process created it first: use theirs.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => read_key_file(key_file)?
            .with_context(|| format!("key file {} vanished", shown_path(key_file))),
        Err(err) => Err(err).with_context(|| format!("creating key file {}", shown_path(key_file))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/loupe.key");
        let first = create_key_file(&path).unwrap();
        let second = read_key_file(&path).unwrap().unwrap();
        assert_eq!(first.to_base64(), second.to_base64());
        // A second maker finds the first one's file and takes its key.
        assert_eq!(
            create_key_file(&path).unwrap().to_base64(),
            first.to_base64()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_key_file_that_is_not_a_key_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loupe.key");
        std::fs::write(&path, "not a key\n").unwrap();
        let error = format!("{:#}", read_key_file(&path).unwrap_err());
        assert!(error.contains(&path.display().to_string()), "{error}");
    }

    #[test]
    fn database_urls_are_shown_without_passwords() {
        for (url, shown) in [
            ("sqlite://data/loupe.db", "sqlite://data/loupe.db"),
            ("sqlite:loupe.db", "sqlite:loupe.db"),
            (
                "postgres://loupe@db.internal/loupe",
                "postgres://loupe@db.internal/loupe",
            ),
            (
                "postgres://loupe:s3cret@db.internal:5432/loupe",
                "postgres://loupe@db.internal:5432/loupe",
            ),
            (
                "postgres://db.internal/loupe?user=loupe&password=s3cret&sslmode=require",
                "postgres://db.internal/loupe?user=loupe&sslmode=require",
            ),
            (
                "postgres://db.internal/loupe?password=s3cret",
                "postgres://db.internal/loupe",
            ),
        ] {
            assert_eq!(database_for_messages(url), shown, "{url}");
        }
    }
}
