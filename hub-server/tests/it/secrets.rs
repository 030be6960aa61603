//! Secrets at rest: no customer secret is readable in the database file,
//! its WAL or a backup, while the node still gets them back; old plain
//! rows are sealed on the first start with a key; a wrong key stops the
//! start; rotation re-seals everything.

use std::path::Path;
use std::sync::Arc;

use hub_proto::admin::CustomerConfig;
use hub_server::secrets::SecretsConfig;
use hub_server::secrets::cipher::SecretKey;
use hub_server::store::{NewCustomerConfig, Store, StoreError, StoreOptions};
use serde_json::Value;

use crate::*;

const API_KEY: &str = "apikey-5e1c2a9d4b7f0e3a8c6b";
const PASSWORD: &str = "retrieval-2f8e7d6c5b4a3918";
const SESSION: &str = "session-9a8b7c6d5e4f3a2b";
const TOKEN: &str = "tunneltoken-1d2c3b4a59687";
const RESTIC: &str = "resticpassword-c0ffee15bad";

fn key(b: u8) -> SecretKey {
    SecretKey::parse(&format!("{b:02x}").repeat(32)).unwrap()
}

fn opts(current: Option<SecretKey>, old: Option<SecretKey>) -> StoreOptions {
    StoreOptions {
        secrets: SecretsConfig {
            key: current,
            key_old: old,
        },
        ..crate::fast()
    }
}

fn infra() -> String {
    format!(
        r#"{{"customer_id":"kovacs","created_at":"2026-11-27T03:00:00Z","restic":{{"primary_password":"{RESTIC}"}},"disks":[{{"uuid":"u1"}}]}}"#
    )
}

async fn add_known(store: &Store) {
    assert!(
        store
            .insert_customer_config(
                NewCustomerConfig {
                    config: CustomerConfig {
                        customer_id: "kovacs".into(),
                        domain: "kovacs.felhom.eu".into(),
                        tokens: [("tunnel".to_owned(), TOKEN.to_owned())].into(),
                        ..Default::default()
                    },
                    api_key: API_KEY.into(),
                    retrieval_password: PASSWORD.into(),
                    session_secret: SESSION.into(),
                },
                T0.parse().unwrap(),
            )
            .await
            .unwrap()
    );
}

/// Every file of the data dir (database, WAL, backups), searched for the
/// secrets; the key file is the one place a key may be.
/// 8 KB that do not compress.
fn padding() -> String {
    (0..128)
        .map(|_| hub_server::secrets::random_token().unwrap())
        .collect::<String>()
}

fn assert_nothing_readable(dir: &Path) {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.ends_with("secrets.key") {
                files.push(p);
            }
        }
    }
    assert!(files.iter().any(|f| f.ends_with("hub.db")));
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        for secret in [API_KEY, PASSWORD, SESSION, TOKEN, RESTIC] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} readable in {}",
                f.display()
            );
        }
    }
}

#[tokio::test]
async fn no_secret_reaches_the_disk_and_the_node_still_gets_them_back() {
    if crate::sqlite_only("it reads hub.db and its WAL") {
        return;
    }
    let hub = Hub::start().await;
    add_known(&hub.store).await;
    assert_eq!(
        hub.post("/api/v1/infra-backup", Some(API_KEY), infra())
            .await
            .status(),
        201
    );
    // A report with its own key: authentication works on the digest.
    assert_eq!(
        hub.post_json("/api/v1/report", Some(API_KEY), &report("kovacs", T0))
            .await
            .status(),
        200
    );
    let rec: Value = hub
        .client
        .get(format!("{}/api/v1/recovery/kovacs", hub.url))
        .header("x-retrieval-password", PASSWORD)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rec["infra_backup"]["restic"]["primary_password"], RESTIC);
    let yaml = rec["config_yaml"].as_str().unwrap();
    assert!(yaml.contains(API_KEY) && yaml.contains(TOKEN), "{yaml}");
    let token = hub.admin_token("ops", false).await;
    let creds: Value = hub
        .admin(
            reqwest::Method::GET,
            "/configs/kovacs/credentials",
            &token,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(creds["api_key"], API_KEY);
    assert_eq!(creds["session_secret"], SESSION);
    assert_eq!(creds["tokens"]["tunnel"], TOKEN);
    // The WAL as it is now, then the database after a checkpoint.
    assert_nothing_readable(hub.dir.path());
    let dir = hub.stop().await;
    // A backup of it neither.
    hub_server::store::backup::backup_to(dir.path(), &dir.path().join("backups/copy.db")).unwrap();
    assert_nothing_readable(dir.path());
    assert!(dir.path().join("backups/copy.db").exists());
}

/// Turns the sealed values back into what a hub before sealing stored.
fn unseal_like_an_old_hub(dir: &Path) {
    let c = rusqlite::Connection::open(dir.join("hub.db")).unwrap();
    let doc: String = c
        .query_row("SELECT document FROM customer_configs", [], |r| r.get(0))
        .unwrap();
    let mut doc: Value = serde_json::from_str(&doc).unwrap();
    doc["tokens"]["tunnel"] = TOKEN.into();
    c.execute(
        "UPDATE customer_configs SET api_key = ?1, retrieval_password = ?2, session_secret = ?3, \
         document = ?4, tokens = NULL",
        rusqlite::params![API_KEY, PASSWORD, SESSION, doc.to_string()],
    )
    .unwrap();
    let compressed = zstd::encode_all(infra().as_bytes(), 3).unwrap();
    c.execute("UPDATE infra_backups SET body = ?1", [compressed])
        .unwrap();
    c.execute("DELETE FROM secrets_meta", []).unwrap();
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
}

#[tokio::test]
async fn plain_rows_of_an_older_hub_are_sealed_on_the_first_start_with_a_key() {
    if crate::sqlite_only("plain text from a hub before sealing") {
        return;
    }
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let store = crate::open_store(dir.path(), opts(Some(key(1)), None)).unwrap();
    add_known(&store).await;
    store
        .insert_infra_backup(
            "kovacs".into(),
            T0.parse().unwrap(),
            T0.parse().unwrap(),
            infra().into_bytes(),
        )
        .await
        .unwrap();
    store.close().await;
    drop(store);
    unseal_like_an_old_hub(dir.path());

    let store = crate::open_store(dir.path(), opts(Some(key(1)), None)).unwrap();
    let cfg = store
        .customer_config("kovacs".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cfg.api_key, API_KEY);
    assert_eq!(cfg.config.tokens["tunnel"], TOKEN);
    let backup = store.latest_infra_backup("kovacs".into()).await.unwrap();
    assert!(backup.unwrap().get().contains(RESTIC));
    let now = T0.parse().unwrap();
    for (pw, ok) in [(PASSWORD, true), ("wrong", false)] {
        let a = store
            .retrieval_attempt(Some("kovacs".into()), None, pw.into(), now)
            .await
            .unwrap();
        assert_eq!(a == hub_server::store::Attempt::Allowed, ok, "{pw}");
    }
    store.close().await;
    drop(store);
    assert_nothing_readable(dir.path());
}

/// An older hub stored secrets in plain text and deleted some with
/// `secure_delete` off: the free pages kept them. The first start with a
/// key seals the rows and rewrites the file: none is left.
#[tokio::test]
async fn an_older_database_keeps_no_plain_text_in_free_pages() {
    if crate::sqlite_only("plain text from a hub before sealing") {
        return;
    }
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let store = crate::open_store(dir.path(), opts(Some(key(1)), None)).unwrap();
    add_known(&store).await;
    store.close().await;
    drop(store);
    unseal_like_an_old_hub(dir.path());
    const FREED: &str = "freed-secret-7c1e55aa90";
    {
        let c = rusqlite::Connection::open(dir.path().join("hub.db")).unwrap();
        c.execute_batch("PRAGMA secure_delete = OFF; CREATE TABLE scratch (v TEXT);")
            .unwrap();
        for _ in 0..200 {
            c.execute("INSERT INTO scratch VALUES (?1)", [FREED.repeat(20)])
                .unwrap();
        }
        c.execute_batch(
            "DELETE FROM scratch; DROP TABLE scratch; PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .unwrap();
        let bytes = std::fs::read(dir.path().join("hub.db")).unwrap();
        assert!(
            bytes.windows(FREED.len()).any(|w| w == FREED.as_bytes()),
            "the test's free pages hold the text"
        );
    }
    let store = crate::open_store(dir.path(), opts(Some(key(1)), None)).unwrap();
    store.close().await;
    drop(store);
    for file in ["hub.db", "hub.db-wal"] {
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_default();
        assert!(
            !bytes.windows(FREED.len()).any(|w| w == FREED.as_bytes()),
            "plain text left in the free pages of {file}"
        );
    }
    assert_nothing_readable(dir.path());
}

#[tokio::test]
async fn a_wrong_or_missing_key_stops_the_start_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = crate::open_store(dir.path(), opts(Some(key(1)), None)).unwrap();
    add_known(&store).await;
    store.close().await;
    drop(store);
    for (current, old) in [
        (Some(key(2)), None),
        (Some(key(2)), Some(key(3))),
        (None, None),
    ] {
        let Err(err) = crate::open_store(dir.path(), opts(current, old)) else {
            panic!("opened with the wrong key");
        };
        assert!(matches!(err, StoreError::Secrets(_)), "{err}");
        assert!(err.to_string().contains("HUB_SECRETS_KEY"), "{err}");
    }
    assert!(!dir.path().join("secrets.key").exists());
    // Nothing was re-sealed: the right key still opens everything.
    let store = crate::open_store(dir.path(), opts(Some(key(1)), None)).unwrap();
    let cfg = store
        .customer_config("kovacs".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cfg.api_key, API_KEY);
    store.close().await;
}

#[tokio::test]
async fn without_a_key_one_is_generated_next_to_the_data_and_kept() {
    if crate::sqlite_only("the key file next to hub.db") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = crate::open_store(dir.path(), crate::fast()).unwrap();
    assert!(matches!(
        store.key_source(),
        hub_server::store::secrets::KeySource::File {
            generated: true,
            ..
        }
    ));
    add_known(&store).await;
    store.close().await;
    drop(store);
    let path = dir.path().join("secrets.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let store = crate::open_store(dir.path(), crate::fast()).unwrap();
    assert_eq!(
        store
            .customer_config("kovacs".into())
            .await
            .unwrap()
            .unwrap()
            .api_key,
        API_KEY
    );
    store.close().await;
    drop(store);
    // The key configured from the file's value opens it too.
    let text = std::fs::read_to_string(&path).unwrap();
    let store = crate::open_store(
        dir.path(),
        opts(Some(SecretKey::parse(&text).unwrap()), None),
    )
    .unwrap();
    store.close().await;
    drop(store);
    // Lost key file: refused, not silently replaced.
    std::fs::remove_file(&path).unwrap();
    assert!(crate::open_store(dir.path(), crate::fast()).is_err());
    assert!(!path.exists());
}

#[tokio::test]
async fn rotation_reseals_everything_under_the_new_key_and_leaves_no_old_copy() {
    if crate::sqlite_only("it reads hub.db and its free pages") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = crate::open_store(dir.path(), opts(Some(key(1)), None)).unwrap();
    add_known(&store).await;
    for i in 0..3 {
        store
            .insert_infra_backup(
                "kovacs".into(),
                T0.parse().unwrap(),
                T0.parse().unwrap(),
                // Large enough for overflow pages, which re-sealing frees.
                infra()
                    .replace("u1", &format!("u{i}"))
                    .replace("\"disks\"", &format!("\"pad\":\"{}\",\"disks\"", padding()))
                    .into_bytes(),
            )
            .await
            .unwrap();
    }
    store.close().await;
    drop(store);
    // The values as sealed under the old key, to look for afterwards.
    let sealed_before: Vec<Vec<u8>> = {
        let c = rusqlite::Connection::open(dir.path().join("hub.db")).unwrap();
        let mut out: Vec<Vec<u8>> = c
            .prepare("SELECT body FROM infra_backups")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        out.push(
            c.query_row("SELECT api_key FROM customer_configs", [], |r| r.get(0))
                .unwrap(),
        );
        // A backup pruned away (by a hub without secure_delete): its pages
        // are free, and still hold its old-key ciphertext.
        c.execute_batch(
            "PRAGMA secure_delete = OFF; \
             DELETE FROM infra_backups WHERE id = (SELECT min(id) FROM infra_backups); \
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .unwrap();
        out
    };

    // New key, old key for reading: everything opens before the re-seal.
    let store = crate::open_store(dir.path(), opts(Some(key(2)), Some(key(1)))).unwrap();
    assert_eq!(
        store
            .credentials("kovacs".into())
            .await
            .unwrap()
            .unwrap()
            .api_key,
        API_KEY
    );
    let mut total = 0;
    loop {
        let n = store.reseal(2).await.unwrap();
        if n == 0 {
            break;
        }
        total += n;
    }
    assert_eq!(total, 3, "one config row and two backups");
    // What `hub-server secrets rotate` does last: rewrite the file.
    store.scrub().await.unwrap();
    store.close().await;
    drop(store);
    // No value sealed with the old key is left anywhere in the file (a
    // sealed value starts with FHS\x01 and its key's id).
    let old = [
        b"FHS\x01".as_slice(),
        &hub_server::secrets::cipher::Sealer::new(key(1), None).current_id(),
    ]
    .concat();
    for file in ["hub.db", "hub.db-wal"] {
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_default();
        assert!(
            !bytes.windows(old.len()).any(|w| w == old),
            "an old-key ciphertext is left in {file}"
        );
        // Nor any part of one (overflow pages carry no header).
        for value in &sealed_before {
            for piece in value.chunks(32).filter(|p| p.len() == 32) {
                assert!(
                    !bytes.windows(32).any(|w| w == piece),
                    "a piece of an old-key ciphertext is left in {file}"
                );
            }
        }
    }

    // The old key is no longer needed; alone it no longer opens anything.
    let store = crate::open_store(dir.path(), opts(Some(key(2)), None)).unwrap();
    let creds = store.credentials("kovacs".into()).await.unwrap().unwrap();
    assert_eq!(creds.session_secret, SESSION);
    assert_eq!(creds.tokens["tunnel"], TOKEN);
    assert!(
        store
            .latest_infra_backup("kovacs".into())
            .await
            .unwrap()
            .unwrap()
            .get()
            .contains(RESTIC)
    );
    store.close().await;
    drop(store);
    assert!(crate::open_store(dir.path(), opts(Some(key(1)), None)).is_err());
}

/// Secrets anywhere in `settings` or `monitoring` are sealed at rest,
/// `<redacted>` for a read-only token and on the customer page, kept when
/// sent back redacted, and given only by the credentials endpoint and in
/// the generated controller.yaml.
#[tokio::test]
async fn settings_secrets_are_sealed_and_hidden() {
    let hub = Hub::start().await;
    let full = hub.admin_token("ops", false).await;
    let ro = hub.admin_token("ci", true).await;
    const SMTP: &str = "smtp-password-4e7a01c2";
    const URLPW: &str = "url-pw-93aa17";
    let cfg = serde_json::json!({
        "customer_id": "kovacs",
        "settings": {"smtp": {"host": "mail", "password": SMTP},
                     "backup": {"target": format!("sftp://u:{URLPW}@nas/b")}},
        "monitoring": {"disk_space_warning_percent": 80}
    });
    let r = hub
        .admin(reqwest::Method::POST, "/configs", &full, Some(cfg))
        .await;
    assert_eq!(r.status(), 201);
    let creds: Value = r.json().await.unwrap();
    assert_eq!(creds["secrets"]["/settings/smtp/password"], SMTP);
    for token in [&ro, &full] {
        let view: Value = hub
            .admin(reqwest::Method::GET, "/configs/kovacs", token, None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(view["settings"]["smtp"]["password"], "<redacted>");
        assert_eq!(view["settings"]["smtp"]["host"], "mail");
        assert_eq!(view["settings"]["backup"]["target"], "<redacted>");
        assert_eq!(view["monitoring"]["disk_space_warning_percent"], 80);
    }
    let view: Value = hub
        .admin(reqwest::Method::GET, "/customers/kovacs", &ro, None)
        .await
        .json()
        .await
        .unwrap();
    assert!(!view.to_string().contains(SMTP));
    // Sent back redacted: kept.
    let mut edited: Value = hub
        .admin(reqwest::Method::GET, "/configs/kovacs", &full, None)
        .await
        .json()
        .await
        .unwrap();
    edited["display_name"] = "Kovács".into();
    let r = hub
        .admin(reqwest::Method::PUT, "/configs/kovacs", &full, Some(edited))
        .await;
    assert_eq!(r.status(), 200);
    let yaml = hub
        .admin(reqwest::Method::GET, "/configs/kovacs/yaml", &full, None)
        .await
        .text()
        .await
        .unwrap();
    assert!(yaml.contains(SMTP) && yaml.contains(URLPW), "{yaml}");
    let creds: Value = hub
        .admin(
            reqwest::Method::GET,
            "/configs/kovacs/credentials",
            &full,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(creds["secrets"]["/settings/smtp/password"], SMTP);
    for file in ["hub.db", "hub.db-wal"] {
        let bytes = std::fs::read(hub.dir.path().join(file)).unwrap_or_default();
        for s in [SMTP, URLPW] {
            assert!(
                !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
                "{s} readable in {file}"
            );
        }
    }
    hub.stop().await;
}

/// An older hub kept settings secrets in the config document: the first
/// start seals them and leaves no copy in the file.
#[tokio::test]
async fn settings_secrets_of_an_older_hub_are_sealed_on_the_first_start() {
    if crate::sqlite_only("plain text from a hub before sealing") {
        return;
    }
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let store = crate::open_store(dir.path(), opts(Some(key(1)), None)).unwrap();
    add_known(&store).await;
    store.close().await;
    drop(store);
    const SMTP: &str = "old-smtp-secret-55aa";
    {
        let c = rusqlite::Connection::open(dir.path().join("hub.db")).unwrap();
        let doc: String = c
            .query_row("SELECT document FROM customer_configs", [], |r| r.get(0))
            .unwrap();
        let mut doc: Value = serde_json::from_str(&doc).unwrap();
        doc["settings"] = serde_json::json!({"smtp": {"password": SMTP}});
        c.execute(
            "UPDATE customer_configs SET document = ?1",
            [doc.to_string()],
        )
        .unwrap();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    }
    let store = crate::open_store(dir.path(), opts(Some(key(1)), None)).unwrap();
    let cfg = store
        .customer_config("kovacs".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cfg.config.settings["smtp"]["password"], SMTP);
    assert_eq!(cfg.config.tokens["tunnel"], TOKEN);
    store.close().await;
    drop(store);
    for file in ["hub.db", "hub.db-wal"] {
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_default();
        assert!(
            !bytes.windows(SMTP.len()).any(|w| w == SMTP.as_bytes()),
            "plain in {file}"
        );
    }
}
