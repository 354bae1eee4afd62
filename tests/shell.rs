//! Fits the shell: `blotter completions bash|zsh|fish`, `blotter man` and `--version`, run as
//! the real binary. Completions and the manual need no configuration: a broken config file
//! does not stop them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::process::Command;

/// Runs the binary with `args` and an unreadable config; returns its stdout (it must exit 0).
fn run(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("config.toml");
    std::fs::write(&bad, "this is = not [valid toml\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_blotter"))
        .arg("--config")
        .arg(&bad)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const SUBCOMMANDS: [&str; 10] = [
    "sim",
    "pause",
    "resume",
    "cancel",
    "replay",
    "serve",
    "feed",
    "dump",
    "completions",
    "man",
];

#[test]
fn completions_for_each_shell_name_every_subcommand() {
    for (shell, marker) in [
        ("bash", "complete -F _blotter"),
        ("zsh", "#compdef blotter"),
        ("fish", "complete -c blotter"),
    ] {
        let script = run(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        for sub in SUBCOMMANDS {
            // Each shell names a subcommand in its own syntax; all quote or bound the word.
            let named = match shell {
                "bash" => script.contains(&format!("blotter,{sub})")),
                "zsh" => script.contains(&format!("'{sub}:")),
                _ => script.contains(&format!("-a \"{sub}\"")),
            };
            assert!(named, "{shell} completion does not offer {sub}");
        }
        // Flags and their values too: the dump kinds.
        assert!(script.contains("history"), "{shell}: no dump kinds");
    }
}

#[test]
fn man_is_a_roff_page_named_blotter() {
    let page = run(&["man"]);
    let th = page
        .lines()
        .find(|l| l.starts_with(".TH "))
        .unwrap_or_else(|| panic!("no .TH line:\n{page}"));
    assert!(th.starts_with(".TH blotter 1"), "{th}");
    assert!(page.contains(".SH NAME\nblotter \\- "), "{page}");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    assert!(page.contains("blotter\\-dump"), "{page}");
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let out = Command::new(env!("CARGO_BIN_EXE_blotter"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    let line = String::from_utf8(out.stdout).unwrap();
    let line = line.trim();
    let version = env!("CARGO_PKG_VERSION");
    let commit = line
        .strip_prefix(&format!("blotter {version} ("))
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not `blotter {version} (<commit>)`: {line}"));
    let hash = commit.strip_suffix("-dirty").unwrap_or(commit);
    let commit_like = hash.len() >= 7 && hash.chars().all(|c| c.is_ascii_hexdigit());
    assert!(commit_like || commit == "unknown", "{line}");
    // Built inside this repository: the commit is one git knows (git was there to name it).
    if commit != "unknown" {
        let known = Command::new("git")
            .args(["rev-parse", "--verify", "--quiet"])
            .arg(format!("{hash}^{{commit}}"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert!(known.status.success(), "{hash} is not a commit here");
    }
}
