//! The store below the API: the compression dictionary and its effect.

use serde_json::Value;

use crate::*;

#[tokio::test]
async fn dictionary_is_trained_and_old_rows_stay_readable() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let opts = StoreOptions {
        dict_train_after: 150,
        ..Default::default()
    };
    let hub = Hub::start_in(dir, opts).await;
    let start: jiff::Timestamp = T0.parse().unwrap();
    let mut sent = Vec::new();
    for i in 0..400 {
        let ts = start + jiff::SignedDuration::from_mins(i);
        let mut body = report(&format!("node-{}", i % 20), &ts.to_string());
        body["system"]["uptime_seconds"] = (1000 + i).into();
        let raw = body.to_string();
        assert_eq!(
            hub.post("/api/v1/report", Some(KEY), raw.clone())
                .await
                .status(),
            200
        );
        sent.push(raw);
    }
    // Training and recompression run in the background; wait for them.
    let mut trained = false;
    for _ in 0..200 {
        let (dicts, undicted) = hub
            .store
            .read(|c| {
                let d: i64 =
                    c.query_row("SELECT count(*) FROM compression_dicts", [], |r| r.get(0))?;
                let u: i64 =
                    c.query_row("SELECT count(*) FROM reports WHERE dict = 0", [], |r| {
                        r.get(0)
                    })?;
                Ok((d, u))
            })
            .await
            .unwrap();
        if dicts == 1 && undicted == 0 {
            trained = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(trained, "dictionary was not trained and applied");
    let avg: f64 = hub
        .store
        .read(|c| Ok(c.query_row("SELECT avg(length(body)) FROM reports", [], |r| r.get(0))?))
        .await
        .unwrap();
    let raw_avg = sent.iter().map(String::len).sum::<usize>() as f64 / sent.len() as f64;
    assert!(avg * 4.0 < raw_avg, "compressed {avg} vs raw {raw_avg}");

    // Every report, old or new, reads back byte for byte.
    let mut seen = 0;
    for n in 0..20 {
        let text = hub
            .get(
                &format!("/api/v1/customers/node-{n}/history?period=24h"),
                Some(KEY),
            )
            .await
            .text()
            .await
            .unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        for r in v["reports"].as_array().unwrap() {
            let got = r["report"].to_string();
            assert!(sent.contains(&got));
            seen += 1;
        }
    }
    assert_eq!(seen, 400);
    hub.stop().await;
}
