//! The signed links to customers' status pages: made through the admin
//! API, and what each is worth — a tampered byte, a swapped customer, an
//! expired link, an old revocation counter, a blocked or deleted customer;
//! a link for A never opens B; the link key survives a secrets-key
//! rotation and a restart.

use hub_server::secrets::SecretsConfig;
use hub_server::secrets::cipher::SecretKey;
use hub_server::service::status_link::{LinkCheck, check};
use hub_server::status_link::{LinkClaims, sign, verify};
use hub_server::store::StoreOptions;
use reqwest::Method;
use serde_json::{Value, json};

use crate::*;

async fn link(hub: &Hub, token: &str, id: &str, ttl: Option<&str>) -> Value {
    let body = match ttl {
        Some(t) => json!({"ttl": t}),
        None => json!({}),
    };
    let resp = hub
        .admin(
            Method::POST,
            &format!("/customers/{id}/status-link"),
            token,
            Some(body),
        )
        .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    resp.json().await.unwrap()
}

fn token_of(v: &Value) -> String {
    let url = v["url"].as_str().unwrap();
    assert!(url.starts_with("https://hub.example.test/s/"), "{url}");
    url.rsplit('/').next().unwrap().to_owned()
}

async fn worth(hub: &Hub, token: &str) -> LinkCheck {
    check(&hub.state, token).await.unwrap()
}

#[tokio::test]
async fn each_link_is_worth_what_it_should_be() {
    let hub = Hub::start().await;
    let admin = hub.admin_token("ops", false).await;
    let ro = hub.admin_token("ci", true).await;
    hub.add_config("anna").await;
    hub.add_config("bela").await;
    let a = link(&hub, &admin, "anna", None).await;
    let ta = token_of(&a);
    // 30 days by default (status_page.ttl).
    let expires: jiff::Timestamp = a["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        expires,
        hub.clock.now_ts() + jiff::SignedDuration::from_hours(30 * 24)
    );
    match worth(&hub, &ta).await {
        LinkCheck::Valid(c) => assert_eq!(c.customer_id, "anna"),
        other => panic!("{other:?}"),
    }
    // A tampered byte anywhere: not found.
    for i in 0..ta.len() {
        let mut b = ta.clone().into_bytes();
        b[i] = if b[i] == b'x' { b'y' } else { b'x' };
        let t = String::from_utf8(b).unwrap();
        match worth(&hub, &t).await {
            LinkCheck::NotFound => {}
            LinkCheck::Valid(c) => assert_eq!(c.customer_id, "anna", "{t}"),
            LinkCheck::Expired => panic!("{t}"),
        }
    }
    // B's payload under A's signature: not found; A's link never says B.
    let tb = token_of(&link(&hub, &admin, "bela", Some("2h")).await);
    let swapped = format!(
        "{}.{}",
        tb.split_once('.').unwrap().0,
        ta.split_once('.').unwrap().1
    );
    assert_eq!(worth(&hub, &swapped).await, LinkCheck::NotFound);
    // Expired: 2 hours later bela's link is worth "expired", anna's good.
    hub.clock.advance(jiff::SignedDuration::from_hours(2));
    assert_eq!(worth(&hub, &tb).await, LinkCheck::Expired);
    assert!(matches!(worth(&hub, &ta).await, LinkCheck::Valid(_)));
    // Revoked: every earlier link ends, a new one works.
    let resp = hub
        .admin(
            Method::POST,
            "/customers/anna/status-link/revoke",
            &admin,
            None,
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(worth(&hub, &ta).await, LinkCheck::NotFound);
    let ta2 = token_of(&link(&hub, &admin, "anna", Some("1d")).await);
    assert!(matches!(worth(&hub, &ta2).await, LinkCheck::Valid(_)));
    // An expired link that was also revoked reveals nothing.
    hub.clock.advance(jiff::SignedDuration::from_hours(3));
    assert_eq!(worth(&hub, &tb).await, LinkCheck::Expired);
    hub.admin(
        Method::POST,
        "/customers/bela/status-link/revoke",
        &admin,
        None,
    )
    .await;
    assert_eq!(worth(&hub, &tb).await, LinkCheck::NotFound);
    // Blocked, then deleted: not found.
    hub.store.set_blocked("anna".into(), true).await.unwrap();
    assert_eq!(worth(&hub, &ta2).await, LinkCheck::NotFound);
    hub.store.set_blocked("anna".into(), false).await.unwrap();
    assert!(matches!(worth(&hub, &ta2).await, LinkCheck::Valid(_)));
    hub.store.delete_config("anna".into()).await.unwrap();
    assert_eq!(worth(&hub, &ta2).await, LinkCheck::NotFound);

    // Refused requests: a read-only token, a bad ttl, an unknown customer.
    let resp = hub
        .admin(
            Method::POST,
            "/customers/bela/status-link",
            &ro,
            Some(json!({})),
        )
        .await;
    assert_eq!(resp.status(), 403);
    for (ttl, status) in [("soon", 400), ("400d", 400)] {
        let resp = hub
            .admin(
                Method::POST,
                "/customers/bela/status-link",
                &admin,
                Some(json!({"ttl": ttl})),
            )
            .await;
        assert_eq!(resp.status(), status, "{ttl}");
    }
    let resp = hub
        .admin(
            Method::POST,
            "/customers/nobody/status-link",
            &admin,
            Some(json!({})),
        )
        .await;
    assert_eq!(resp.status(), 404);
    // Every link made and revoked is in the audit log; no token is.
    let audit: Value = hub
        .admin(Method::GET, "/audit?limit=100", &admin, None)
        .await
        .json()
        .await
        .unwrap();
    let text = audit.to_string();
    assert!(text.contains("status_link.issue") && text.contains("status_link.revoke"));
    assert!(!text.contains(&ta) && !text.contains(&tb));
    hub.stop().await;
}

fn key(b: u8) -> SecretKey {
    SecretKey::parse(&format!("{b:02x}").repeat(32)).unwrap()
}

fn opts(current: SecretKey, old: Option<SecretKey>) -> StoreOptions {
    StoreOptions {
        secrets: SecretsConfig {
            key: Some(current),
            key_old: old,
        },
        ..crate::fast()
    }
}

/// The link key is made once, sealed, kept across restarts and re-sealed
/// by a secrets-key rotation: links made before still open after.
#[tokio::test]
async fn links_outlive_a_restart_and_a_secrets_key_rotation() {
    if crate::sqlite_only("it reads hub.db directly") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = crate::open_store(dir.path(), opts(key(1), None)).unwrap();
    let k1 = store.status_link_key().await.unwrap();
    assert_eq!(*store.status_link_key().await.unwrap(), *k1, "made once");
    let claims = LinkClaims {
        customer_id: "anna".into(),
        expires_at: "2027-01-01T00:00:00Z".parse().unwrap(),
        epoch: 0,
    };
    let token = sign(&k1, &claims);
    store.close().await;
    drop(store);
    // Not in the file in the clear.
    let bytes = std::fs::read(dir.path().join("hub.db")).unwrap();
    assert!(!bytes.windows(32).any(|w| w == k1.as_slice()));

    let store = crate::open_store(dir.path(), opts(key(2), Some(key(1)))).unwrap();
    while store.reseal(10).await.unwrap() > 0 {}
    store.close().await;
    drop(store);
    let store = crate::open_store(dir.path(), opts(key(2), None)).unwrap();
    let k2 = store.status_link_key().await.unwrap();
    assert_eq!(verify(&k2, &token).unwrap(), claims);
    store.close().await;
}
