//! Unit tests of the configuration: the example file parses (also with its commented sections
//! enabled), venue sections, secret-file modes, views/columns/keys checks, alerts, push and
//! unknown keys.

use std::path::Path;

use super::*;

#[test]
fn example_config_parses() {
    let text = include_str!("../../config.example.toml");
    let cfg = Config::parse(text, Path::new("config.example.toml"));
    assert!(cfg.is_ok(), "{cfg:?}");
}

#[test]
fn venue_sections_parse_and_are_checked() {
    let text = r#"
[[venue]]
kind = "treadfi"
url = "https://app.tread.fi"

[[venue]]
kind = "anboto"
name = "anboto-test"
url = "https://api.testnet.anboto.xyz"
signature = "base64"

[[venue]]
kind = "alphasec"
url = "https://api.alphasec.example"
address = "0xabc"
tokens = { "1" = "ALP", "2" = "USDT" }
"#;
    let cfg = Config::parse(text, Path::new("c.toml")).unwrap();
    let names: Vec<_> = cfg.venues.iter().map(VenueConfig::name).collect();
    assert_eq!(names, ["treadfi", "anboto-test", "alphasec"]);
    let dup = format!("{text}\n[[venue]]\nkind = \"alphasec\"\nurl = \"x\"\naddress = \"y\"\n");
    let err = Config::parse(&dup, Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("distinct name"), "{err}");
    let bad = "[[venue]]\nkind = \"anboto\"\nurl = \"x\"\nsignature = \"ed25519\"\n";
    let err = Config::parse(bad, Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("hex"), "{err}");
    let secret_in_file = "[[venue]]\nkind = \"anboto\"\nurl = \"x\"\napi_secret = \"s\"\n";
    assert!(Config::parse(secret_in_file, Path::new("c.toml")).is_err());
}

#[cfg(unix)]
#[test]
fn secret_files_must_be_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret");
    std::fs::write(&path, "c2VjcmV0\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = read_secret_file(&path).unwrap_err();
    assert!(
        err.contains("chmod 600") && !err.contains("c2VjcmV0"),
        "{err}"
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(read_secret_file(&path).unwrap(), "c2VjcmV0");
}

#[test]
fn example_venue_sections_parse_when_uncommented() {
    let text = include_str!("../../config.example.toml");
    let start = text.find("# --- venues ---").unwrap();
    let end = text.find("# --- end venues ---").unwrap();
    let block: String = text[start..end]
        .lines()
        .filter(|l| l.starts_with("# ") && !l.starts_with("# # ") && !l.starts_with("# ---"))
        .map(|l| format!("{}\n", &l[2..]))
        .filter(|l| l.starts_with('[') || l.contains(" = "))
        .collect();
    let cfg = Config::parse(&block, Path::new("example")).unwrap();
    let names: Vec<_> = cfg.venues.iter().map(VenueConfig::name).collect();
    assert_eq!(names, ["treadfi", "anboto", "alphasec"]);
}

#[test]
fn saved_views_and_columns_are_checked_against_the_screen() {
    let text = include_str!("../../config.example.toml");
    let cfg = Config::parse(text, Path::new("example")).unwrap();
    let prefs = cfg.prefs().unwrap();
    let names: Vec<_> = prefs.saved_views.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["paused", "big-eth"]);
    assert_eq!(
        prefs.saved_views[0].sort.key,
        crate::app::view::SortKey::Notional
    );

    let start = text.find("# --- columns ---").unwrap();
    let end = text.find("# --- end columns ---").unwrap();
    let block: String = text[start..end]
        .lines()
        .filter(|l| l.starts_with("# [") || l.contains(" = "))
        .map(|l| format!("{}\n", &l[2..]))
        .collect();
    let prefs = Config::parse(&block, Path::new("example"))
        .unwrap()
        .prefs()
        .unwrap();
    let active = prefs.columns[0].clone().unwrap();
    assert_eq!(active.len(), 10);
    assert_eq!(active[0], 0, "ID first");
    assert!(prefs.columns[1].is_none() && prefs.columns[3].is_some());

    for (bad, says) in [
        (
            "[columns]\nactive = [\"ID\", \"Colour\"]\n",
            "no column \"Colour\"; choose from: ID, Pair",
        ),
        ("[columns]\nactive = [\"id\", \"ID\"]\n", "listed twice"),
        ("[columns]\nerrors = []\n", "no columns"),
        (
            "[[views]]\nname = \"x\"\nsort = \"price\"\n",
            "no sort \"price\"; choose from: created",
        ),
        ("[[views]]\nname = \"\"\n", "has no name"),
        (
            "[[views]]\nname = \"a\"\n[[views]]\nname = \"a\"\n",
            "two [[views]] are named",
        ),
    ] {
        let err = Config::parse(bad, Path::new("c.toml"));
        assert!(
            matches!(&err, Err(ConfigError::Parse { message, .. }) if message.contains(says)),
            "{bad}: {err:?}"
        );
    }
}

#[test]
fn keys_table_overrides_and_names_bad_entries() {
    let cfg = Config::parse(
        "[keys]\npause = [\"p\", \"F5\"]\nkill_switch = \"Ctrl-k\"\n",
        Path::new("c.toml"),
    )
    .unwrap();
    let km = cfg.keymap().unwrap();
    assert_eq!(km.keys_label(crate::app::keymap::KeyAction::Pause), "p/F5");
    assert_eq!(
        km.keys_label(crate::app::keymap::KeyAction::KillSwitch),
        "Ctrl-k"
    );
    for (text, want) in [
        ("[keys]\npuase = \"p\"\n", "puase"),
        ("[keys]\npause = \"Ctrl-\"\n", "[keys] pause"),
        ("[keys]\npause = \"c\"\n", "both"),
    ] {
        let err = Config::parse(text, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(want) && err.contains("c.toml"), "{err}");
    }
    assert!(Config::parse("[keys]\npause = 5\n", Path::new("c.toml")).is_err());
}

#[test]
fn example_keys_parse_when_uncommented() {
    let text = include_str!("../../config.example.toml");
    let start = text.find("# --- keys ---").unwrap();
    let end = text.find("# --- end keys ---").unwrap();
    let block: String = text[start..end]
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| {
            l.starts_with('[')
                || l.split_once(" = ")
                    .is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let cfg = Config::parse(&block, Path::new("example")).unwrap();
    assert_eq!(cfg.keys.len(), 2, "{block}");
}

#[test]
fn alerts_default_and_parse() {
    use crate::app::AlertAction as A;
    let cfg = Config::parse("", Path::new("c.toml")).unwrap();
    assert_eq!(cfg.alerts.on_failed, [A::Status, A::Flash]);
    let cfg = Config::parse(
        "[alerts]\non_error = [\"bell\", \"status\"]\non_complete = []\n",
        Path::new("c.toml"),
    )
    .unwrap();
    assert_eq!(cfg.alerts.on_error, [A::Bell, A::Status]);
    assert!(cfg.alerts.on_complete.is_empty());
    assert_eq!(cfg.alerts.on_failed, [A::Status, A::Flash]);
    let err = Config::parse("[alerts]\non_error = [\"siren\"]\n", Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("siren"), "{err}");
}

#[test]
fn example_alert_rules_parse_when_uncommented() {
    let text = include_str!("../../config.example.toml");
    let start = text.find("# --- alert rules ---").unwrap();
    let end = text.find("# --- end alert rules ---").unwrap();
    let block: String = text[start..end]
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| {
            l.starts_with('[')
                || l.split_once(" = ")
                    .is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let cfg = Config::parse(&block, Path::new("example")).unwrap();
    assert_eq!(cfg.alerts.help_lines().len(), 7, "{block}");
}

#[test]
fn push_is_auto_or_off_in_both_tables() {
    let cfg = Config::parse("", Path::new("c.toml")).unwrap();
    assert_eq!(cfg.treadfi.push, PushMode::Auto);
    assert_eq!(
        cfg.treadfi.push_settings().retry_refused,
        std::time::Duration::from_secs(300)
    );
    let cfg = Config::parse(
        "[treadfi]\npush = \"off\"\npush_retry_secs = 600\n",
        Path::new("c.toml"),
    )
    .unwrap();
    assert_eq!(cfg.treadfi.push_settings().mode, PushMode::Off);
    assert_eq!(
        cfg.treadfi.push_settings().retry_refused,
        std::time::Duration::from_secs(600)
    );
    let venue = "[[venue]]\nkind = \"treadfi\"\nurl = \"https://x\"\npush = \"off\"\n";
    match &Config::parse(venue, Path::new("c.toml")).unwrap().venues[..] {
        [VenueConfig::Treadfi(t)] => assert_eq!(t.push_settings().mode, PushMode::Off),
        other => panic!("{other:?}"),
    }
    for text in [
        "[treadfi]\npush = \"sometimes\"\n",
        "[[venue]]\nkind = \"treadfi\"\nurl = \"https://x\"\npush = \"sometimes\"\n",
    ] {
        let err = Config::parse(text, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(r#"push must be "auto" or "off", not "sometimes""#)
                && err.contains("c.toml"),
            "{err}"
        );
    }
}

#[test]
fn unknown_keys_are_errors() {
    let err = Config::parse("[treadfi]\napi_key = \"x\"\n", Path::new("c.toml"));
    assert!(matches!(err, Err(ConfigError::Parse { .. })));
}
