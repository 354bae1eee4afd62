//! Build script: records the commit the binary is built from, for `blotter --version`.
//!
//! `BLOTTER_COMMIT` is `git rev-parse --short HEAD`, with `-dirty` when tracked files differ
//! from it (`git status --porcelain --untracked-files=no`), or `unknown` where there is no git
//! or no repository (a source tarball). The script runs again when HEAD moves: it watches the
//! `HEAD` file of the git directory (a worktree's own), the branch's ref file and
//! `packed-refs`. An edit after the last build-script run is not seen (no `-dirty` until HEAD
//! moves or the crate is rebuilt from clean).

use std::path::{Path, PathBuf};
use std::process::Command;

/// `git args…` in the package's directory: its trimmed stdout, `None` when git is missing or
/// fails.
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let commit = match git(&["rev-parse", "--short", "HEAD"]) {
        Some(hash) if !hash.is_empty() => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|s| !s.is_empty());
            if dirty { format!("{hash}-dirty") } else { hash }
        }
        _ => "unknown".to_string(),
    };
    println!("cargo:rustc-env=BLOTTER_COMMIT={commit}");
    // What moves when HEAD does (absolute paths: a worktree's git directory is elsewhere).
    let dir = |args: &[&str]| git(args).map(PathBuf::from);
    if let Some(git_dir) = dir(&["rev-parse", "--absolute-git-dir"]) {
        watch(&git_dir.join("HEAD"));
        let common =
            dir(&["rev-parse", "--path-format=absolute", "--git-common-dir"]).unwrap_or(git_dir);
        if let Some(head_ref) =
            git(&["rev-parse", "--symbolic-full-name", "HEAD"]).filter(|r| r.starts_with("refs/"))
        {
            watch(&common.join(head_ref));
        }
        watch(&common.join("packed-refs"));
    }
}

/// Reruns the script when `path` changes (only paths that exist: a missing one would rerun it
/// at every build).
fn watch(path: &Path) {
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
