//! The server's defences against the web pages its owner visits and against strangers: Host and Origin
//! checks (DNS rebinding, cross-site fetches and WebSockets), JSON-only operations, body limits by
//! operation and caller, `/metrics` access, trusted proxies, the sign-in allow-list, input caps, and
//! event streams that end with their session.

mod common;

use common::browser::Browser;
use common::{OidcOpts, Opts, TestServer};
use futures_util::StreamExt;
use serde_json::json;
use std::time::Duration;

async fn post_raw(
    s: &TestServer,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let mut req = s.client.post(format!("{}{path}", s.base)).body(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(serde_json::Value::Null))
}

async fn job_count(s: &TestServer) -> usize {
    s.ok("generations.list", json!({})).await["jobs"]
        .as_array()
        .expect("jobs")
        .len()
}

#[tokio::test]
async fn a_cross_site_simple_request_cannot_generate_on_the_owners_keys() {
    let s = TestServer::start(Opts::default()).await.expect("server");
    let body = br#"{"prompt":"spend their credits","model":"local-sketch"}"#.to_vec();
    // What a page on another site can send without a CORS preflight: a text/plain body, no Origin
    // check possible on the client side.
    let (status, out) = post_raw(
        &s,
        "/api/ops/generations.create",
        &[("content-type", "text/plain")],
        body.clone(),
    )
    .await;
    assert_eq!(status, 415, "{out}");
    assert_eq!(out["error"]["code"], "unsupported_media_type");
    // The same with the JSON type, but from another site's page.
    let (status, out) = post_raw(
        &s,
        "/api/ops/generations.create",
        &[
            ("content-type", "application/json"),
            ("origin", "http://evil.example"),
        ],
        body.clone(),
    )
    .await;
    assert_eq!(status, 403, "{out}");
    assert_eq!(job_count(&s).await, 0, "nothing was queued");
    // Our own pages (same origin) and clients that send no Origin work.
    let (status, out) = post_raw(
        &s,
        "/api/ops/generations.create",
        &[("content-type", "application/json"), ("origin", &s.base)],
        body,
    )
    .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(job_count(&s).await, 1);
}

#[tokio::test]
async fn dns_rebinding_cannot_read_the_library() {
    let s = TestServer::start(Opts::default()).await.expect("server");
    s.run_one(json!({"prompt": "a private sketch", "model": "local-sketch"}))
        .await;
    // A rebound name reaches the loopback server with the attacker's host name in Host.
    let resp = s
        .client
        .post(format!("{}/api/ops/images.list", s.base))
        .header("host", "evil.example:8080")
        .json(&json!({}))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 403);
    let text = resp.text().await.unwrap_or_default();
    assert!(!text.contains("private sketch"), "{text}");
    for path in ["/api/me", "/api/openapi.json", "/"] {
        let r = s
            .client
            .get(format!("{}{path}", s.base))
            .header("host", "evil.example")
            .send()
            .await
            .expect("request");
        assert_eq!(r.status().as_u16(), 403, "{path}");
    }
    // Health probes by address still answer.
    let r = s
        .client
        .get(format!("{}/healthz", s.base))
        .header("host", "10.1.2.3:8080")
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn a_cross_site_websocket_gets_no_events() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let s = TestServer::start(Opts::default()).await.expect("server");
    let url = format!("{}/api/events", s.base.replace("http://", "ws://"));
    let mut req = url.as_str().into_client_request().expect("request");
    req.headers_mut()
        .insert("origin", "http://evil.example".parse().expect("header"));
    let refused = tokio_tungstenite::connect_async(req).await;
    assert!(refused.is_err(), "a page on another site opened the stream");
    let mut own = url.as_str().into_client_request().expect("request");
    own.headers_mut()
        .insert("origin", s.base.parse().expect("header"));
    assert!(tokio_tungstenite::connect_async(own).await.is_ok());
}

#[tokio::test]
async fn bodies_are_capped_per_operation() {
    let s = TestServer::start(Opts::default()).await.expect("server");
    let big = format!(
        r#"{{"prompt":"{}","model":"local-sketch"}}"#,
        "a".repeat(300 * 1024)
    );
    let (status, out) = post_raw(
        &s,
        "/api/ops/generations.create",
        &[("content-type", "application/json")],
        big.into_bytes(),
    )
    .await;
    assert_eq!(status, 413, "{out}");
    assert_eq!(out["error"]["code"], "payload_too_large");
    // Operations that take files keep their room: a 1 MB body reaches records.import, which reads it.
    let png = format!(r#"{{"png_base64":"{}"}}"#, "A".repeat(1024 * 1024));
    let (status, out) = post_raw(
        &s,
        "/api/ops/records.import",
        &[("content-type", "application/json")],
        png.into_bytes(),
    )
    .await;
    assert_ne!(status, 413, "{out}");
}

#[tokio::test]
async fn strangers_cannot_make_the_server_buffer_large_bodies() {
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let s = TestServer::start(Opts {
        charging: true,
        oidc: Some(oidc),
        ..Opts::default()
    })
    .await
    .expect("server");
    let body = format!(
        r#"{{"image_base64":"{}","record":{{}}}}"#,
        "A".repeat(1024 * 1024)
    );
    let (status, out) = post_raw(
        &s,
        "/api/ops/images.publish",
        &[("content-type", "application/json")],
        body.into_bytes(),
    )
    .await;
    assert_eq!(status, 413, "an anonymous caller's large body: {out}");
}

#[tokio::test]
async fn job_state_filters_are_capped() {
    let s = TestServer::start(Opts::default()).await.expect("server");
    let states: Vec<&str> = std::iter::repeat_n("queued", 7).collect();
    let (status, out) = s
        .call("generations.list", json!({ "states": states }))
        .await;
    assert_eq!(status, 422, "{out}");
    let (status, _) = s
        .call(
            "generations.list",
            json!({ "states": ["queued", "queued"] }),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn metrics_are_for_this_machine_or_token_holders() {
    let s = TestServer::start(Opts {
        config: Some(|c| c.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")]),
        ..Opts::default()
    })
    .await
    .expect("server");
    assert_eq!(s.get("/metrics").await.status().as_u16(), 200);
    // A client out on the network, as the trusted proxy in front reports it.
    let r = s
        .client
        .get(format!("{}/metrics", s.base))
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 403);

    let t = TestServer::start(Opts {
        config: Some(|c| c.metrics_token = Some("scrape-me".into())),
        ..Opts::default()
    })
    .await
    .expect("server");
    assert_eq!(t.get("/metrics").await.status().as_u16(), 403);
    let r = t
        .client
        .get(format!("{}/metrics", t.base))
        .bearer_auth("scrape-me")
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap_or_default().contains("pixel_jobs"));
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_sign_in_limit() {
    let Some(mut oidc) = OidcOpts::from_env() else {
        return;
    };
    oidc.auth_rate_limit = 2;
    let s = TestServer::start(Opts {
        charging: true,
        oidc: Some(oidc),
        config: Some(|c| c.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")]),
        ..Opts::default()
    })
    .await
    .expect("server");
    let b = Browser::new(&s.base);
    let start = |client: &'static str| {
        let b = &b;
        let url = format!("{}/auth/google", s.base);
        async move {
            b.request(
                reqwest::Method::GET,
                &url,
                &[("x-forwarded-for", client)],
                None,
            )
            .await
            .status()
            .as_u16()
        }
    };
    assert_eq!(start("198.51.100.1").await, 303);
    assert_eq!(start("198.51.100.1").await, 303);
    assert_eq!(start("198.51.100.1").await, 429);
    // Another client behind the same proxy is not in the first one's bucket.
    assert_eq!(start("198.51.100.2").await, 303);
    // A forged address left of the real one does not buy a fresh bucket.
    assert_eq!(start("10.9.9.9, 198.51.100.1").await, 429);
}

#[tokio::test]
async fn sign_in_without_charging_admits_only_the_allow_list() {
    let Some(mut oidc) = OidcOpts::from_env() else {
        return;
    };
    oidc.allowed_emails = vec!["invited@example.com".into(), "@team.example".into()];
    let s = TestServer::start(Opts {
        charging: false,
        oidc: Some(oidc.clone()),
        ..Opts::default()
    })
    .await
    .expect("server");
    for (email, admitted) in [
        ("invited@example.com", true),
        ("someone@team.example", true),
        ("stranger@example.com", false),
    ] {
        let b = Browser::new(&s.base);
        let resp = b.sign_in(email).await;
        assert_eq!(resp.status().as_u16() == 303, admitted, "{email}");
        let (status, _) = b.me().await;
        assert_eq!(status == 200, admitted, "{email}");
    }
    // And without a list (nor charging) the server does not start at all.
    oidc.allowed_emails.clear();
    let started = std::panic::AssertUnwindSafe(TestServer::start(Opts {
        charging: false,
        oidc: Some(oidc),
        ..Opts::default()
    }));
    let outcome = futures_util::FutureExt::catch_unwind(started).await;
    assert!(outcome.is_err(), "a server open to every account started");
}

#[tokio::test]
async fn revoking_a_session_closes_its_event_stream() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let s = TestServer::start(Opts {
        charging: true,
        oidc: Some(oidc),
        ..Opts::default()
    })
    .await
    .expect("server");
    let b = Browser::new(&s.base);
    assert_eq!(b.sign_in("ws@example.com").await.status().as_u16(), 303);
    let (_, me) = b.me().await;
    let csrf = me["csrf_token"].as_str().expect("csrf").to_string();
    let (status, token) = b
        .op("tokens.create", json!({"label": "stream"}), Some(&csrf))
        .await;
    assert_eq!(status, 200, "{token}");
    let bearer = format!("Bearer {}", token["token"].as_str().expect("token"));
    let mut req = format!("{}/api/events", s.base.replace("http://", "ws://"))
        .into_client_request()
        .expect("request");
    req.headers_mut()
        .insert("authorization", bearer.parse().expect("header"));
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("stream");
    let (status, out) = b.op("sessions.revoke_all", json!({}), Some(&csrf)).await;
    assert_eq!(status, 200, "{out}");
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        let mut saw_revoked = false;
        while let Some(msg) = ws.next().await {
            match msg {
                Ok(tokio_tungstenite::tungstenite::Message::Text(t)) => {
                    saw_revoked |= t.contains("sessions.revoked");
                }
                Ok(tokio_tungstenite::tungstenite::Message::Close(_)) | Err(_) => break,
                Ok(_) => {}
            }
        }
        saw_revoked
    })
    .await;
    assert_eq!(ended, Ok(true), "the stream outlived its session");
}

#[tokio::test]
async fn past_its_stream_budget_the_server_refuses_out_loud_and_keeps_answering() {
    let s = TestServer::start(Opts {
        config: Some(|c| c.max_event_streams = Some(2)),
        ..Default::default()
    })
    .await
    .expect("server");
    let url = format!("{}/api/events", s.base.replacen("http", "ws", 1));
    let first = common::events(&s.base).await;
    let _second = common::events(&s.base).await;
    match tokio_tungstenite::connect_async(url.as_str()).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(refused)) => {
            assert_eq!(refused.status(), 503);
        }
        other => panic!("a third stream is refused with 503, got {other:?}"),
    }
    let health = s
        .client
        .get(format!("{}/healthz", s.base))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200, "plain requests still answer");
    // A closed stream gives its place back.
    drop(first);
    let mut reopened = None;
    for _ in 0..100 {
        if let Ok((ws, _)) = tokio_tungstenite::connect_async(url.as_str()).await {
            reopened = Some(ws);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(reopened.is_some(), "a place frees up when a window closes");
    s.shutdown().await;
}

#[tokio::test]
async fn a_retried_create_with_its_idempotency_key_is_charged_once() {
    let s = TestServer::start(Opts {
        charging: true,
        starting_credits: 10,
        ..Opts::default()
    })
    .await
    .expect("server");
    let before = s.ok("account.get", json!({})).await["balance"]
        .as_i64()
        .expect("balance");
    let request = json!({
        "prompt": "a lighthouse at dusk",
        "model": "local-sketch",
        "n": 2,
        "idempotency_key": "client-retry-7",
    });
    let first = s.ok("generations.create", request.clone()).await;
    // The client timed out and sends the same request again.
    let again = s.ok("generations.create", request).await;
    assert_eq!(again["set"]["id"], first["set"]["id"]);
    // The same jobs (their states may have moved on since).
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["jobs"]
            .as_array()
            .expect("jobs")
            .iter()
            .map(|j| j["id"].as_str().expect("id").to_string())
            .collect()
    };
    assert_eq!(ids(&again), ids(&first));
    assert_eq!(ids(&first).len(), 2);
    let cost = first["cost"].as_i64().expect("cost");
    let after = s.ok("account.get", json!({})).await["balance"]
        .as_i64()
        .expect("balance");
    assert_eq!(before - after, cost, "charged once");
    // The same key on a different request is a mistake the client must hear about.
    let (status, out) = s
        .call(
            "generations.create",
            json!({"prompt": "something else", "model": "local-sketch", "idempotency_key": "client-retry-7"}),
        )
        .await;
    assert_eq!(status, 409, "{out}");
    let (status, _) = s
        .call(
            "generations.create",
            json!({"prompt": "x", "model": "local-sketch", "idempotency_key": ""}),
        )
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn a_small_png_claiming_a_huge_size_is_read_without_decoding_and_never_stored() {
    use base64::Engine;
    let s = TestServer::start(Opts::default()).await.expect("server");
    let infotext = "a castle\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 16384x8192, Model: sdxl";
    let bomb = pixel_testkit::png_claiming(16384, 8192, &[("parameters", infotext)]);
    assert!(bomb.len() < 4096, "{} bytes", bomb.len());
    let b64 = base64::engine::general_purpose::STANDARD.encode(&bomb);
    // Importing reads only the text chunks: the record comes back, no pixels are touched.
    let out = s.ok("records.import", json!({ "png_base64": b64 })).await;
    assert_eq!(out["record"]["seed"], 42, "{out}");
    // Publishing needs the pixels (a thumbnail): refused by its header's size, nothing written.
    let record = common::published_record(
        "a1111",
        Some("sdxl"),
        json!({"prompt": "a castle", "model": "a1111", "width": 1024, "height": 1024}),
    );
    let (status, out) = s
        .call(
            "images.publish",
            json!({ "image_base64": b64, "record": record }),
        )
        .await;
    assert_eq!(
        (status, out["error"]["code"].as_str()),
        (413, Some("image_too_large")),
        "{out}"
    );
    let images = s.ok("images.list", json!({})).await;
    assert_eq!(
        images["images"].as_array().map(Vec::len),
        Some(0),
        "{images}"
    );
    let sets = s.ok("sets.list", json!({})).await;
    assert_eq!(sets["sets"].as_array().map(Vec::len), Some(0), "{sets}");
}

#[tokio::test]
async fn internal_failures_answer_a_reference_never_the_detail() {
    use base64::Engine;
    let s = TestServer::start(Opts::default()).await.expect("server");
    // The media folder turns into a file: every write of a blob fails inside the server with an I/O
    // error that names paths on the server's disk.
    let media = s.data_dir().join("media");
    std::fs::remove_dir_all(&media).expect("remove media");
    std::fs::write(&media, b"not a folder").expect("file");
    let record = common::published_record(
        "local",
        None,
        json!({"prompt": "a lantern", "model": "local-sketch", "width": 64, "height": 48}),
    );
    let png = base64::engine::general_purpose::STANDARD.encode(pixel_testkit::png(64, 48));
    let (status, out) = s
        .call(
            "images.publish",
            json!({ "image_base64": png, "record": record }),
        )
        .await;
    assert_eq!(
        (status, out["error"]["code"].as_str()),
        (500, Some("internal")),
        "{out}"
    );
    let message = out["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("reference "), "{message}");
    let dir = s.data_dir().to_string_lossy().to_string();
    assert!(
        !message.contains(&dir) && !message.contains("media"),
        "{message}"
    );
}

#[tokio::test]
async fn operations_are_limited_per_account_and_class_with_retry_after() {
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let s = TestServer::start(Opts {
        charging: true,
        starting_credits: 10,
        oidc: Some(oidc),
        config: Some(|c| {
            c.rate_limits = pixel_server::limits::RateLimits {
                generation: 1,
                money: 0,
                writes: 2,
                reads: 3,
            }
        }),
        ..Opts::default()
    })
    .await
    .expect("server");
    let signed_in = |email: &'static str| {
        let b = Browser::new(&s.base);
        async move {
            assert_eq!(b.sign_in(email).await.status().as_u16(), 303);
            let (_, me) = b.me().await;
            let csrf = me["csrf_token"].as_str().expect("csrf").to_string();
            (b, csrf)
        }
    };
    let (a, a_csrf) = signed_in("limits-a@example.com").await;
    let (b, _) = signed_in("limits-b@example.com").await;

    for _ in 0..3 {
        assert_eq!(a.op("notifications.list", json!({}), None).await.0, 200);
    }
    let url = format!("{}/api/ops/notifications.list", s.base);
    let refused = a
        .request(reqwest::Method::POST, &url, &[], Some(json!({})))
        .await;
    assert_eq!(refused.status().as_u16(), 429);
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    let body: serde_json::Value = refused.json().await.expect("json");
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("3 reads a minute")));

    // Another account has its own budget, and A's writes are another class.
    assert_eq!(b.op("notifications.list", json!({}), None).await.0, 200);
    let mark = json!({});
    for _ in 0..2 {
        let (status, _) = a
            .op("notifications.mark_read", mark.clone(), Some(&a_csrf))
            .await;
        assert_eq!(status, 200);
    }
    let (status, _) = a.op("notifications.mark_read", mark, Some(&a_csrf)).await;
    assert_eq!(status, 429);

    // Generation has its own, tighter class: the writes spent above do not count against it.
    let generate = json!({"prompt": "a lighthouse", "model": "local-sketch"});
    let (status, out) = a
        .op("generations.create", generate.clone(), Some(&a_csrf))
        .await;
    assert_eq!(status, 200, "{out}");
    let (status, out) = a.op("generations.create", generate, Some(&a_csrf)).await;
    assert_eq!(status, 429, "{out}");

    // Callers who are not signed in are counted by address.
    let stranger = Browser::new(&s.base);
    let explore = json!({"sort": "newest"});
    for _ in 0..3 {
        assert_eq!(
            stranger.op("explore.list", explore.clone(), None).await.0,
            200
        );
    }
    assert_eq!(stranger.op("explore.list", explore, None).await.0, 429);
}
