//! The filters applied on the filter line (`/`, then Enter), kept across runs: the file
//! `filter_history` in the state directory (`~/.local/share/blotter/`, or the platform's
//! equivalent, beside the audit log), one filter a line, oldest first, at most
//! [`FILTER_HISTORY_MAX`](crate::app::prompt::FILTER_HISTORY_MAX) lines.
//!
//! Read once at start by the binary, written by the event loop (off its thread) when the app
//! asks with [`Command::SaveFilterHistory`](crate::app::Command::SaveFilterHistory). The path
//! is always passed in, so tests point it at a temporary directory.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::app::FilterHistory;

/// Where the history is kept by default: `<data_local_dir>/filter_history`
/// (`~/.local/share/blotter/filter_history` on Linux); `None` when no home directory is known.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "blotter")
        .map(|d| d.data_local_dir().join("filter_history"))
}

/// Reads the history at `path`: a missing file is an empty history; control characters are
/// stripped, blank lines and consecutive duplicates dropped, the newest kept past the cap.
///
/// # Errors
/// When the file exists but cannot be read.
pub fn load(path: &Path) -> std::io::Result<FilterHistory> {
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FilterHistory::default()),
        Err(e) => return Err(e),
    };
    Ok(FilterHistory::new(
        text.lines()
            .map(|l| crate::sanitize::clean(l).trim().to_string()),
    ))
}

/// Writes `filters` (oldest first) to `path`, one a line, creating its directory: a new file
/// beside it renamed over the old one, so a reader never sees half a list. Owner-only on Unix
/// (filters name accounts).
///
/// # Errors
/// When the directory or the file cannot be written.
pub fn save(path: &Path, filters: &[String]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut text = String::new();
    for f in filters {
        // One filter a line: a line break inside one would split it.
        text.push_str(&f.replace(['\n', '\r'], " "));
        text.push('\n');
    }
    // A name of its own per write: two saves in flight never share a half-written file.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts.open(&tmp)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)
}
