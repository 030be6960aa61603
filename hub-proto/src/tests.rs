#![allow(clippy::unwrap_used)]

//! Every example body of PROTOCOL.md parses, validates and keeps what it does
//! not know.

use super::*;
use crate::CustomerScoped;

const REPORT: &str = r#"{
  "customer_id": "kovacs-csalad",
  "timestamp": "2026-11-27T10:00:00Z",
  "controller_version": "1.8.2",
  "controller_url": "https://kovacs-csalad.felhom.eu:8443",
  "health": "ok",
  "monitoring_disabled": false,
  "system": {"hostname": "felhom-01", "os": "Debian 12", "kernel": "6.1.0-28-amd64",
             "uptime_seconds": 864000, "cpu_percent": 12.5, "load_avg": [0.4, 0.3, 0.2],
             "memory_total_bytes": 8208000000, "memory_used_bytes": 3100000000,
             "temperature_c": 48.0},
  "storage": [{"mount_point": "/", "label": "system", "uuid": "1b2c", "fs_type": "ext4",
               "total_bytes": 250000000000, "used_bytes": 61000000000, "smart_ok": true}],
  "containers": [{"name": "nextcloud", "image": "nextcloud:29", "state": "running",
                  "health": "healthy", "restart_count": 0}],
  "backup": {"last_backup_at": "2026-11-27T02:10:00Z", "last_backup_ok": true,
             "last_dbdump_at": "2026-11-27T01:30:00Z", "last_dbdump_ok": true,
             "snapshot_count": 42, "repo_size_bytes": 120000000000},
  "checks": [{"name": "tunnel", "status": "ok", "message": ""}]
}"#;

#[test]
fn report_example_parses_and_keeps_unknown_fields() {
    let mut v: serde_json::Value = serde_json::from_str(REPORT).unwrap();
    v["gpu"] = serde_json::json!({"model": "none", "future": [1, 2]});
    let r: Report = serde_json::from_value(v.clone()).unwrap();
    r.validate(now()).unwrap();
    assert_eq!(r.health, Health::Ok);
    assert_eq!(r.hostname(), Some("felhom-01"));
    assert_eq!(r.storage[0].used_bytes, 61_000_000_000);
    assert_eq!(r.backup.as_ref().unwrap().snapshot_count, Some(42));
    assert_eq!(r.extra["gpu"]["future"][1], 2);
    let back = serde_json::to_value(&r).unwrap();
    assert_eq!(back["gpu"], v["gpu"]);
}

#[test]
fn report_requires_customer_timestamp_health() {
    for field in ["customer_id", "timestamp", "health"] {
        let mut v: serde_json::Value = serde_json::from_str(REPORT).unwrap();
        v.as_object_mut().unwrap().remove(field);
        assert!(serde_json::from_value::<Report>(v).is_err(), "{field}");
    }
    let mut v: serde_json::Value = serde_json::from_str(REPORT).unwrap();
    v["health"] = "great".into();
    assert!(serde_json::from_value::<Report>(v).is_err());
    let mut v: serde_json::Value = serde_json::from_str(REPORT).unwrap();
    v["timestamp"] = "yesterday".into();
    assert!(serde_json::from_value::<Report>(v).is_err());
}

#[test]
fn event_example_parses() {
    let e: EventIn = serde_json::from_str(
        r#"{"customer_id": "kovacs-csalad", "event_type": "backup_failed", "severity": "error",
 "message": "restic exited with status 1", "details": {"repo": "/mnt/hdd1/restic"},
 "occurred_at": "2026-11-27T02:10:00Z", "event_id": "0f8e2c1a-77"}"#,
    )
    .unwrap();
    e.validate(now()).unwrap();
    assert_eq!(e.event_type, EventType::BackupFailed);
    assert_eq!(e.details.unwrap()["repo"], "/mnt/hdd1/restic");
}

#[test]
fn event_types_table() {
    // PROTOCOL.md: the 27 of the controller contract plus the hub's two.
    assert_eq!(EventType::ALL.len(), 29);
    let hub_only: Vec<_> = EventType::ALL
        .iter()
        .filter(|t| t.hub_only())
        .map(|t| t.as_str())
        .collect();
    assert_eq!(
        hub_only,
        [
            "node_stale",
            "node_down",
            "node_recovered",
            "expected_backup_missed",
            "expected_dbdump_missed",
            "config_drift",
            "config_drift_resolved"
        ]
    );
    assert_eq!(
        EventType::ALL
            .iter()
            .filter(|t| t.customer_facing())
            .count(),
        14
    );
    for t in EventType::ALL {
        let json = serde_json::to_string(t).unwrap();
        assert_eq!(json, format!("\"{}\"", t.as_str()));
        assert_eq!(EventType::parse(t.as_str()), Some(*t));
    }
    assert_eq!(EventType::CertExpiring.usual_severity(), Severity::Warning);
    assert!(serde_json::from_str::<EventType>("\"made_up\"").is_err());
}

#[test]
fn controller_may_not_post_hub_events() {
    let e = EventIn {
        customer_id: "a".into(),
        event_type: EventType::NodeDown,
        severity: Severity::Error,
        message: "x".into(),
        details: None,
        occurred_at: None,
        event_id: None,
    };
    assert_eq!(e.validate(now()).unwrap_err().field, "event_type");
    let long = EventIn {
        event_type: EventType::BackupFailed,
        event_id: Some("x".repeat(65)),
        ..e
    };
    assert_eq!(long.validate(now()).unwrap_err().field, "event_id");
}

const INFRA: &str = r#"{"customer_id": "kovacs-csalad", "created_at": "2026-11-27T03:00:00Z",
 "controller_yaml_b64": "Y3VzdG9tZXI6", "settings_json_b64": "eyJiYWNrdXAi",
 "disks": [{"uuid": "1b2c", "label": "hdd1", "mount_point": "/mnt/hdd1",
            "fs_type": "ext4", "fstab_options": "defaults,nofail"}],
 "bind_mounts": [{"source": "/mnt/hdd1/nextcloud", "target": "/srv/nextcloud"}],
 "stacks": [{"name": "nextcloud", "display_name": "Nextcloud", "hdd_path": "/mnt/hdd1/nextcloud"}],
 "restic": {"primary_password": "s3cret-primary", "cross_drive_password": "s3cret-cross"}}"#;

#[test]
fn infra_example_parses_and_debug_hides_restic() {
    let b: InfraBackup = serde_json::from_str(INFRA).unwrap();
    b.validate(now()).unwrap();
    assert_eq!(b.disks[0].fstab_options.as_deref(), Some("defaults,nofail"));
    let dbg = format!("{b:?}");
    assert!(!dbg.contains("s3cret"), "{dbg}");
}

#[test]
fn preferences_rules() {
    let p: Preferences = serde_json::from_str(
        r#"{"customer_id": "kovacs-csalad", "email": "ugyfel@example.hu", "enabled_events": ["backup_failed", "node_down"], "cooldown_hours": 6}"#,
    )
    .unwrap();
    p.validate(now()).unwrap();
    let not_facing = Preferences {
        enabled_events: vec![EventType::NodeStale],
        ..p.clone()
    };
    assert_eq!(
        not_facing.validate(now()).unwrap_err().field,
        "enabled_events"
    );
    for h in [0, 169] {
        let bad = Preferences {
            cooldown_hours: Some(h),
            ..p.clone()
        };
        assert_eq!(bad.validate(now()).unwrap_err().field, "cooldown_hours");
    }
    let bad_mail = Preferences {
        email: "nobody".into(),
        ..p
    };
    assert_eq!(bad_mail.validate(now()).unwrap_err().field, "email");
}

#[test]
fn legacy_notify_parses() {
    let n: LegacyNotify = serde_json::from_str(
        r#"{"customer_id": "kovacs-csalad", "subject": "Disk", "message": "full", "severity": "warning"}"#,
    )
    .unwrap();
    n.validate(now()).unwrap();
    let old: LegacyNotify =
        serde_json::from_str(r#"{"customer_id": "a", "subject": "s", "message": "m"}"#).unwrap();
    assert_eq!(old.severity, Severity::Warning);
}

#[test]
fn status_rules_first_match_wins() {
    use std::time::Duration;
    let t = StatusThresholds {
        stale: Duration::from_secs(30 * 60),
        down: Duration::from_secs(60 * 60),
    };
    let now: jiff::Timestamp = "2026-11-27T10:00:00Z".parse().unwrap();
    let ago = |m: i64| now - jiff::SignedDuration::from_mins(m);
    let base = StatusInputs {
        blocked: false,
        has_config: true,
        last_received_at: Some(ago(5)),
        health: Some(Health::Ok),
        monitoring_disabled: false,
        signals: None,
        open_incidents: &[],
        maintenance_until: None,
    };
    assert_eq!(base.status(now, t), CustomerStatus::Ok);
    let s = |i: StatusInputs| i.status(now, t);
    assert_eq!(
        s(StatusInputs {
            blocked: true,
            ..base
        }),
        CustomerStatus::Blocked
    );
    assert_eq!(
        s(StatusInputs {
            last_received_at: None,
            health: None,
            ..base
        }),
        CustomerStatus::Pending
    );
    assert_eq!(
        s(StatusInputs {
            monitoring_disabled: true,
            last_received_at: Some(ago(500)),
            ..base
        }),
        CustomerStatus::Disabled
    );
    assert_eq!(
        s(StatusInputs {
            last_received_at: Some(ago(61)),
            ..base
        }),
        CustomerStatus::Down
    );
    assert_eq!(
        s(StatusInputs {
            health: Some(Health::Fail),
            ..base
        }),
        CustomerStatus::Down
    );
    assert_eq!(
        s(StatusInputs {
            last_received_at: Some(ago(31)),
            ..base
        }),
        CustomerStatus::Warn
    );
    assert_eq!(
        s(StatusInputs {
            health: Some(Health::Warn),
            ..base
        }),
        CustomerStatus::Warn
    );
    assert_eq!(
        s(StatusInputs {
            last_received_at: Some(ago(30)),
            ..base
        }),
        CustomerStatus::Ok
    );
}

/// The issue's finding: a report that says the last backup failed left the
/// status `ok`. Every non-ok status now says why.
#[test]
fn failed_backups_warn_and_every_status_has_a_reason() {
    use crate::alerts::Family;
    use crate::{ReportSignals, Verdict};
    let t = StatusThresholds {
        stale: std::time::Duration::from_secs(30 * 60),
        down: std::time::Duration::from_secs(60 * 60),
    };
    let tz = jiff::tz::TimeZone::get("Europe/Budapest").unwrap();
    let now: jiff::Timestamp = "2026-11-27T10:00:00Z".parse().unwrap();
    let ago = |m: i64| now - jiff::SignedDuration::from_mins(m);
    let failed = ReportSignals {
        backup_failed_at: Some("2026-11-26T23:30:00Z".parse().unwrap()),
        failing_checks: "tunnel".into(),
        ..Default::default()
    };
    let base = StatusInputs {
        blocked: false,
        has_config: true,
        last_received_at: Some(ago(5)),
        health: Some(Health::Ok),
        monitoring_disabled: false,
        signals: None,
        open_incidents: &[],
        maintenance_until: None,
    };
    let v = |i: StatusInputs| {
        let Verdict { status, reason } = i.verdict(now, t, &tz);
        (status.as_str(), reason.unwrap_or_default())
    };
    assert_eq!(v(base), ("ok", String::new()));
    // 23:30Z on the 26th is the 27th in Budapest.
    assert_eq!(
        v(StatusInputs {
            signals: Some(&failed),
            ..base
        }),
        ("warn", "backup failed 2026-11-27".into())
    );
    let missed = [(
        Family::Backup,
        "expected_backup_missed".to_string(),
        ago(300),
    )];
    assert_eq!(
        v(StatusInputs {
            open_incidents: &missed,
            ..base
        }),
        ("warn", "backup missed 2026-11-27".into())
    );
    assert_eq!(
        v(StatusInputs {
            last_received_at: Some(ago(65)),
            ..base
        }),
        ("down", "down since 10:55; no report for 1h 5m".into())
    );
    // Silent since yesterday: the date too.
    assert_eq!(
        v(StatusInputs {
            last_received_at: Some(ago(24 * 60)),
            ..base
        }),
        (
            "down",
            "down since 2026-11-26 12:00; no report for 1d".into()
        )
    );
    // A failing node: since its node incident opened.
    let node = [(Family::Node, "health_fail".to_string(), ago(20))];
    assert_eq!(
        v(StatusInputs {
            health: Some(Health::Fail),
            open_incidents: &node,
            ..base
        }),
        ("down", "down since 10:40; health fail".into())
    );
    assert_eq!(
        v(StatusInputs {
            health: Some(Health::Fail),
            signals: Some(&failed),
            ..base
        }),
        ("down", "health fail: tunnel".into())
    );
    assert_eq!(
        v(StatusInputs {
            last_received_at: Some(ago(35)),
            maintenance_until: Some("2026-11-27T01:30:00Z".parse().unwrap()),
            ..base
        }),
        ("warn", "no report for 35m; maintenance until 02:30".into())
    );
    assert_eq!(
        v(StatusInputs {
            maintenance_until: Some(now),
            ..base
        }),
        ("ok", "maintenance until 11:00".into())
    );
    assert_eq!(
        v(StatusInputs {
            blocked: true,
            ..base
        }),
        ("blocked", "blocked".into())
    );
    assert_eq!(
        v(StatusInputs {
            last_received_at: None,
            ..base
        }),
        ("pending", "no report yet".into())
    );
}

#[test]
fn history_periods() {
    for p in ["1h", "24h", "7d", "30d", "90d"] {
        assert_eq!(HistoryPeriod::parse(p).unwrap().as_str(), p);
    }
    assert!(HistoryPeriod::parse("2d").is_none());
}

fn now() -> jiff::Timestamp {
    "2026-11-27T12:00:00Z".parse().unwrap()
}

#[test]
fn go_controllers_are_understood() {
    // What encoding/json makes of a report with nil slices and float64 fields.
    let go = r#"{"customer_id": "go-node", "timestamp": "2026-11-27T10:00:00Z", "health": "ok",
        "monitoring_disabled": null, "storage": null, "containers": null, "checks": null,
        "system": {"hostname": "n1", "uptime_seconds": 864000.0, "load_avg": null,
                   "memory_total_bytes": 8.208e9, "memory_used_bytes": null},
        "backup": {"snapshot_count": 42.0, "repo_size_bytes": null, "last_backup_at": "0001-01-01T00:00:00Z"}}"#;
    let r: Report = serde_json::from_str(go).unwrap();
    r.validate(now()).unwrap();
    assert!(r.storage.is_empty() && r.containers.is_empty() && r.checks.is_empty());
    let sys = r.system.unwrap();
    assert_eq!(sys.uptime_seconds, Some(864_000));
    assert_eq!(sys.memory_total_bytes, Some(8_208_000_000));
    assert_eq!(r.backup.unwrap().snapshot_count, Some(42));

    let e: EventIn = serde_json::from_str(
        r#"{"customer_id": "go-node", "event_type": "backup_failed", "severity": "error",
            "message": "m", "event_id": "", "details_json": "{\"repo\": \"/mnt/hdd1\"}"}"#,
    )
    .unwrap();
    e.validate(now()).unwrap();
    assert_eq!(e.event_id, None);
    assert_eq!(e.details.unwrap()["repo"], "/mnt/hdd1");
    // `details` wins over `details_json`; a string that is no object is refused.
    let e: EventIn = serde_json::from_str(
        r#"{"customer_id": "a", "event_type": "app_installed", "severity": "info", "message": "m",
            "details": {"x": 1}, "details_json": "{\"x\": 2}"}"#,
    )
    .unwrap();
    assert_eq!(e.details.unwrap()["x"], 1);
    assert!(
        serde_json::from_str::<EventIn>(
            r#"{"customer_id": "a", "event_type": "app_installed", "severity": "info",
                "message": "m", "details_json": "[1]"}"#
        )
        .is_err()
    );

    let p: Preferences = serde_json::from_str(
        r#"{"customer_id": "go-node", "email": "a@b.hu", "enabled_events": null, "cooldown_hours": 6.0}"#,
    )
    .unwrap();
    p.validate(now()).unwrap();
    assert_eq!((p.enabled_events.len(), p.cooldown_hours), (0, Some(6)));

    let b: InfraBackup = serde_json::from_str(
        r#"{"customer_id": "go-node", "created_at": "2026-11-27T03:00:00Z",
            "disks": null, "bind_mounts": null, "stacks": null, "restic": null}"#,
    )
    .unwrap();
    b.validate(now()).unwrap();
    assert!(b.disks.is_empty());
}

#[test]
fn implausible_timestamps_are_refused() {
    let mut v: serde_json::Value = serde_json::from_str(REPORT).unwrap();
    v["timestamp"] = "0001-01-01T00:00:00Z".into();
    let r: Report = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(r.validate(now()).unwrap_err().field, "timestamp");
    v["timestamp"] = "2026-11-30T00:00:00Z".into();
    let r: Report = serde_json::from_value(v).unwrap();
    assert_eq!(r.validate(now()).unwrap_err().field, "timestamp");
    let e: EventIn = serde_json::from_str(
        r#"{"customer_id": "a", "event_type": "app_installed", "severity": "info", "message": "m",
            "occurred_at": "0001-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    assert_eq!(e.validate(now()).unwrap_err().field, "occurred_at");
}

#[test]
fn front_end_orders_and_ages() {
    assert_eq!(short_age(None), "never");
    assert_eq!(short_age(Some(-3)), "0s");
    assert_eq!(short_age(Some(59)), "59s");
    assert_eq!(short_age(Some(3599)), "59m");
    assert_eq!(short_age(Some(7200)), "2h");
    assert_eq!(short_age(Some(2 * 86_400 + 5)), "2d");
    let mut all = [
        CustomerStatus::Ok,
        CustomerStatus::Blocked,
        CustomerStatus::Down,
        CustomerStatus::Pending,
        CustomerStatus::Warn,
        CustomerStatus::Disabled,
    ];
    all.sort_by_key(|s| s.urgency());
    assert_eq!(all[0], CustomerStatus::Down);
    assert_eq!(all[1], CustomerStatus::Warn);
    assert_eq!(all[5], CustomerStatus::Blocked);
    assert_eq!(Severity::rank("error"), 2);
    assert_eq!(Severity::rank("warning"), 1);
    assert_eq!(Severity::rank("info"), 0);
    assert_eq!(Severity::rank("bogus"), 0);
}
