//! Loading, layering and validation of `hub.yaml`.

#![allow(clippy::unwrap_used)]
use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn durations() {
    assert_eq!(GoDuration::parse("90s").unwrap().0, Duration::from_secs(90));
    assert_eq!(
        GoDuration::parse("1h30m").unwrap().0,
        Duration::from_secs(5400)
    );
    assert_eq!(
        GoDuration::parse("7d").unwrap().0,
        Duration::from_secs(7 * 86400)
    );
    assert_eq!(
        GoDuration::parse("500ms").unwrap().0,
        Duration::from_millis(500)
    );
    for bad in ["", "5", "5x", "m", "1.5h", "-1s"] {
        assert!(GoDuration::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(GoDuration::parse("90m").unwrap().to_string(), "90m");
}

#[test]
fn defaults_without_file() {
    let c = Config::load(None, env(&[])).unwrap();
    assert_eq!(c.listen_addr().unwrap().to_string(), "127.0.0.1:8080");
    assert_eq!(c.server.data_dir, PathBuf::from("./hub-data"));
    assert_eq!(c.alerting.down_threshold.0, Duration::from_secs(3600));
}

#[test]
fn file_then_env() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("hub.yaml");
    std::fs::write(
        &p,
        "api:\n  report_api_key: \"from-file\"\nserver:\n  listen: \":9000\"\n  max_body_bytes: 4096\nalerting:\n  stale_threshold: 10m\n",
    )
    .unwrap();
    let c = Config::load(
        Some(&p),
        env(&[
            ("HUB_API_REPORT_API_KEY", "123456"),
            ("HUB_SERVER_MAX_BODY_BYTES", "2048"),
            ("HUB_NOTIFICATIONS_OPERATOR_ENABLED", "false"),
            ("HUB_CONFIG", "/elsewhere"),
            ("PATH", "/bin"),
        ]),
    )
    .unwrap();
    assert_eq!(c.api.report_api_key.expose(), "123456");
    assert_eq!(c.server.max_body_bytes, 2048);
    assert!(!c.notifications.operator_enabled);
    assert_eq!(c.listen_addr().unwrap().to_string(), "0.0.0.0:9000");
    assert_eq!(c.alerting.stale_threshold.0, Duration::from_secs(600));
    assert!(!format!("{c:?}").contains("123456"));
}

#[test]
fn errors_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("hub.yaml");
    let cases = [
        ("server:\n  lisen: \":1\"\n", "server.lisen"),
        ("servers: {}\n", "servers"),
        (
            "alerting:\n  stale_threshold: 5x\n",
            "alerting.stale_threshold",
        ),
        ("alerting:\n  timezone: Mars/Olympus\n", "alerting.timezone"),
        (
            "retention:\n  prune_schedule: \"25:00\"\n",
            "retention.prune_schedule",
        ),
        (
            "alerting:\n  stale_threshold: 2h\n",
            "alerting.stale_threshold",
        ),
        ("server:\n  listen: nowhere\n", "server.listen"),
    ];
    for (yaml, key) in cases {
        std::fs::write(&p, yaml).unwrap();
        let err = Config::load(Some(&p), env(&[])).unwrap_err().to_string();
        assert!(err.contains(key), "{yaml}: {err}");
    }
    let err = Config::load(None, env(&[("HUB_SERVER_LISEN", "x")])).unwrap_err();
    assert!(err.to_string().contains("server.lisen"), "{err}");
    let err = Config::load(None, env(&[("HUB_SERVER_MAX_BODY_BYTES", "lots")])).unwrap_err();
    assert!(err.to_string().contains("server.max_body_bytes"), "{err}");
}

#[test]
fn ranges_and_lists() {
    let c = Cidr::parse("10.0.0.0/8").unwrap();
    assert!(c.contains("10.1.2.3".parse().unwrap()));
    assert!(!c.contains("11.0.0.1".parse().unwrap()));
    assert!(c.contains("::ffff:10.0.0.1".parse().unwrap()));
    let c = Cidr::parse("fd00::/8").unwrap();
    assert!(c.contains("fd12::1".parse().unwrap()));
    assert!(!c.contains("fe80::1".parse().unwrap()));
    assert!(
        Cidr::parse("0.0.0.0/0")
            .unwrap()
            .contains("8.8.8.8".parse().unwrap())
    );
    assert_eq!(Cidr::parse("127.0.0.1").unwrap().prefix, 32);
    for bad in ["10.0.0.0/33", "x", "10.0.0.0/", "::/129"] {
        assert!(Cidr::parse(bad).is_err(), "{bad}");
    }
    let c = Config::load(
        None,
        env(&[
            ("HUB_CONTROLLERS_ALLOWED_NETWORKS", "127.0.0.0/8, fd00::/8"),
            ("HUB_CONTROLLERS_ALLOW_INSECURE", "true"),
        ]),
    )
    .unwrap();
    assert_eq!(c.controllers.allowed_networks.len(), 2);
    assert!(c.controllers.allow_insecure);
    let err = Config::load(None, env(&[("HUB_CONTROLLERS_ALLOWED_NETWORKS", "nope")])).unwrap_err();
    assert!(
        err.to_string().contains("controllers.allowed_networks"),
        "{err}"
    );
    let err = Config::load(None, env(&[("HUB_RETENTION_MAX_DAYS", "4000000000")])).unwrap_err();
    assert!(err.to_string().contains("retention.max_days"), "{err}");
}

#[test]
fn secrets_keys_are_checked_without_echoing_them() {
    let good = "ab".repeat(32);
    let c = Config::load(None, env(&[("HUB_SECRETS_KEY", &good)])).unwrap();
    assert!(c.secrets.key.is_some());
    assert!(!format!("{c:?}").contains(&good), "the key in Debug");
    for (var, key) in [
        ("HUB_SECRETS_KEY", "secrets.key"),
        ("HUB_SECRETS_KEY_OLD", "secrets.key_old"),
    ] {
        let err = Config::load(
            None,
            env(&[("HUB_SECRETS_KEY", &good), (var, "hunter2-not-a-key")]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains(key), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }
    let err = Config::load(None, env(&[("HUB_SECRETS_KEY_OLD", &good)]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("secrets.key_old"), "{err}");
}

#[test]
fn seed_example_parses() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("hub.yaml");
    std::fs::write(&p, include_str!("../../../deploy/k8s/hub.yaml")).unwrap();
    let c = Config::load(Some(&p), env(&[])).unwrap();
    assert_eq!(c.server.data_dir, PathBuf::from("/data"));
    assert_eq!(c.listen_addr().unwrap().port(), 8080);
}

#[test]
fn a_cheap_password_hash_is_refused_without_being_echoed() {
    let cheap = "$2b$04$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    assert_eq!(cheap.len(), 60);
    let err = Config::load(None, env(&[("HUB_AUTH_PASSWORD_HASH", cheap)]))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("auth.password_hash") && err.contains("cost"),
        "{err}"
    );
    assert!(!err.contains("abcdefgh"), "{err}");
    let fine = cheap.replace("$04$", "$10$");
    assert!(Config::load(None, env(&[("HUB_AUTH_PASSWORD_HASH", &fine)])).is_ok());
    let err = Config::load(None, env(&[("HUB_AUTH_SESSION_IDLE", "13h")])).unwrap_err();
    assert!(err.to_string().contains("auth.session_idle"), "{err}");
}

#[test]
fn a_template_over_plain_http_is_refused_but_on_loopback() {
    for bad in [
        "http://templates.felhom.eu/controller.yaml",
        "http://10.0.0.5/t.yaml",
        "ftp://templates.felhom.eu/t.yaml",
        "templates.felhom.eu/t.yaml",
    ] {
        let err = Config::load(None, env(&[("HUB_REGISTRY_TEMPLATE_URL", bad)]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("registry.template_url"), "{bad}: {err}");
    }
    for good in [
        "https://templates.felhom.eu/controller.yaml",
        "http://127.0.0.1:9000/t.yaml",
        "http://[::1]:9000/t.yaml",
        "http://localhost/t.yaml",
    ] {
        let c = Config::load(None, env(&[("HUB_REGISTRY_TEMPLATE_URL", good)]));
        assert!(c.is_ok(), "{good}: {:?}", c.err());
    }
}

#[test]
fn the_dashboard_url_defaults_to_the_public_url_and_must_be_http() {
    let c = Config::load(
        None,
        env(&[("HUB_SERVER_PUBLIC_URL", "https://hub.felhom.eu")]),
    )
    .unwrap();
    assert_eq!(c.server.dashboard_url(), "https://hub.felhom.eu");
    let c = Config::load(
        None,
        env(&[
            ("HUB_SERVER_PUBLIC_URL", "https://hub.felhom.eu"),
            ("HUB_SERVER_DASHBOARD_URL", "https://hub-admin.felhom.eu"),
        ]),
    )
    .unwrap();
    assert_eq!(c.server.dashboard_url(), "https://hub-admin.felhom.eu");
    let err = Config::load(None, env(&[("HUB_SERVER_DASHBOARD_URL", "hub-admin")]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("server.dashboard_url"), "{err}");
}
