//! Keys of `blotter serve`: the server's own ed25519 host key (created on first run, mode
//! 0600, never logged) and the `authorized_keys` file that says who may log in.

use std::path::{Path, PathBuf};

use russh::keys::ssh_key::{self, HashAlg, LineEnding};
use russh::keys::{Algorithm, PrivateKey, PublicKey};

/// Why a key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not an OpenSSH key (or key list) this server understands.
    #[error("{path}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What was wrong (never contains key material).
        message: String,
    },
}

/// `<data dir>/blotter/ssh_host_ed25519_key` (e.g. `~/.local/share/blotter/…`).
pub fn default_host_key_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "blotter")
        .map(|d| d.data_local_dir().join("ssh_host_ed25519_key"))
}

/// `<config dir>/blotter/authorized_keys` (e.g. `~/.config/blotter/authorized_keys`).
pub fn default_authorized_keys_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "blotter")
        .map(|d| d.config_dir().join("authorized_keys"))
}

/// Loads the host key at `path`, or creates a new ed25519 key there (directory created, file
/// mode 0600, never overwriting an existing file). Returns the key and whether it was created.
///
/// # Errors
/// When the file exists but cannot be read or parsed, or cannot be created.
pub fn load_or_create_host_key(path: &Path) -> Result<(PrivateKey, bool), KeyError> {
    let io = |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let key = PrivateKey::from_openssh(text.as_bytes()).map_err(|e| KeyError::Format {
                path: path.to_path_buf(),
                message: format!("not an OpenSSH private key ({e})"),
            })?;
            if key.is_encrypted() {
                return Err(KeyError::Format {
                    path: path.to_path_buf(),
                    message: "the host key is passphrase-protected; use an unencrypted key".into(),
                });
            }
            Ok((key, false))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).map_err(|e| {
                KeyError::Format {
                    path: path.to_path_buf(),
                    message: format!("cannot generate a key: {e}"),
                }
            })?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            let text = key
                .to_openssh(LineEnding::LF)
                .map_err(|e| KeyError::Format {
                    path: path.to_path_buf(),
                    message: format!("cannot encode the key: {e}"),
                })?;
            write_private(path, text.as_bytes()).map_err(io)?;
            Ok((key, true))
        }
        Err(e) => Err(io(e)),
    }
}

/// Creates `path` (which must not exist) readable by its owner only, and writes `bytes`.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// `SHA256:…`, as `ssh-keygen -lf` prints it (safe to log and show: it is not the key).
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// One allowed key.
#[derive(Debug, Clone)]
pub struct AuthorizedKey {
    /// The key.
    pub key: PublicKey,
    /// Its SHA-256 fingerprint (`SHA256:…`).
    pub fingerprint: String,
}

/// The keys of an `authorized_keys` file (options on a line are ignored).
#[derive(Debug, Clone, Default)]
pub struct AuthorizedKeys {
    keys: Vec<AuthorizedKey>,
}

impl AuthorizedKeys {
    /// Parses `authorized_keys` text: one key per line, `#` comments and blank lines skipped.
    /// Lines that are not keys are skipped and counted in the second value.
    pub fn parse(text: &str) -> (Self, usize) {
        let mut keys = Vec::new();
        let mut bad = 0;
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.parse::<ssh_key::authorized_keys::Entry>() {
                Ok(entry) => {
                    let key = entry.public_key().clone();
                    keys.push(AuthorizedKey {
                        fingerprint: fingerprint(&key),
                        key,
                    });
                }
                Err(_) => bad += 1,
            }
        }
        (Self { keys }, bad)
    }

    /// Reads and parses the file at `path`.
    ///
    /// # Errors
    /// When it cannot be read.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let (keys, bad) = Self::parse(&text);
        if bad > 0 {
            tracing::warn!(path = %path.display(), lines = bad, "authorized_keys lines that are not keys were ignored");
        }
        Ok(keys)
    }

    /// The entry for `key`, compared by key data (comments don't matter).
    pub fn find(&self, key: &PublicKey) -> Option<&AuthorizedKey> {
        self.keys
            .iter()
            .find(|k| k.key.key_data() == key.key_data())
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when no key is allowed.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_key_is_created_once_with_owner_only_permissions() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("sub").join("host_key");
        let (first, created) = load_or_create_host_key(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(created);
        let (again, created) = load_or_create_host_key(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!created, "kept, not regenerated");
        assert_eq!(first.public_key(), again.public_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0);
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn authorized_keys_match_by_key_not_comment() {
        let a = PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519)
            .unwrap_or_else(|e| panic!("{e}"));
        let b = PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519)
            .unwrap_or_else(|e| panic!("{e}"));
        let line = a.public_key().to_openssh().unwrap_or_default();
        let text = format!("# team\n\n{line} alice@laptop\nnot a key\n");
        let (keys, bad) = AuthorizedKeys::parse(&text);
        assert_eq!((keys.len(), bad), (1, 1));
        let found = keys.find(a.public_key());
        assert!(found.is_some());
        assert!(found.is_some_and(|k| k.fingerprint.starts_with("SHA256:")));
        assert!(keys.find(b.public_key()).is_none());
    }
}
