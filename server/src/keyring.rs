//! Where the master key that seals API secrets comes from: `LOUPE_MASTER_KEY`, or a key file
//! that is created (mode 0600) the first time it is needed.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result};
use loupe_engine::domain::keys::MasterKey;

pub fn load_master_key(from_env: Option<&str>, key_file: &Path) -> Result<MasterKey> {
    if let Some(raw) = from_env {
        return MasterKey::from_base64(raw).context("LOUPE_MASTER_KEY");
    }
    match std::fs::read_to_string(key_file) {
        Ok(raw) => {
            MasterKey::from_base64(&raw).with_context(|| format!("key file {}", key_file.display()))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => create_key_file(key_file),
        Err(err) => Err(err).with_context(|| format!("reading key file {}", key_file.display())),
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
            tracing::info!(path = %key_file.display(), "created a new master key file");
            Ok(key)
        }
        // Another process created it first: use theirs.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            load_master_key(None, key_file)
        }
        Err(err) => Err(err).with_context(|| format!("creating key file {}", key_file.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/loupe.key");
        let first = load_master_key(None, &path).unwrap();
        let second = load_master_key(None, &path).unwrap();
        assert_eq!(first.to_base64(), second.to_base64());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let key = MasterKey::generate();
        let loaded = load_master_key(Some(&key.to_base64()), &dir.path().join("unused")).unwrap();
        assert_eq!(loaded.to_base64(), key.to_base64());
        assert!(!dir.path().join("unused").exists());
        assert!(load_master_key(Some("not base64!"), &dir.path().join("unused")).is_err());
    }
}
