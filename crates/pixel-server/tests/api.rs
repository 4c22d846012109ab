//! The API end to end on a bound port: a batch with the offline renderer, live events over the WebSocket,
//! media with Range and ETag, the record round trip, bad input, and the API description.

mod common;

use common::*;
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

async fn offline_batch(db: Db) {
    let Some(server) = TestServer::start(Opts {
        db,
        ..Opts::default()
    })
    .await
    else {
        eprintln!("skipped: no PostgreSQL configured (PIXEL_TEST_POSTGRES_URL)");
        return;
    };
    let mut ws = events(&server.base).await;
    let created = server
        .ok("generations.create", json!({ "prompt": "a lighthouse on a cliff at dawn", "model": "local-sketch", "n": 3, "width": 640, "height": 384, "seed": 42 }))
        .await;
    let job_ids: HashSet<String> = created["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .map(|j| j["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(job_ids.len(), 3);
    assert_eq!(created["cost"], 0);

    let mut progressed = HashSet::new();
    let mut completed = vec![];
    let mut heard = 0;
    while completed.len() < 3 {
        let ev = next_event(&mut ws, Duration::from_secs(30)).await;
        heard += 1;
        match ev["type"].as_str() {
            Some("generation.progress") => {
                let p = ev["progress"].as_f64().expect("progress");
                assert!((0.0..=1.0).contains(&p));
                progressed.insert(ev["job_id"].as_str().expect("job").to_string());
            }
            Some("generation.completed") => completed.push(ev),
            Some("generation.failed") => panic!("a job failed: {ev}"),
            _ => {}
        }
    }
    assert_eq!(progressed, job_ids, "every job reports progress");

    for ev in &completed {
        let image = &ev["image"];
        assert_eq!(ev["job"]["state"], "succeeded");
        assert_eq!(
            (image["width"].as_u64(), image["height"].as_u64()),
            (Some(640), Some(384))
        );
        // The record round-trips: what the API returns later equals what the event carried.
        let fetched = server
            .ok("images.get", json!({ "image_id": image["id"] }))
            .await;
        assert_eq!(&fetched, image);
        let record = &fetched["record"];
        assert_eq!(
            record["params"]["prompt"],
            "a lighthouse on a cliff at dawn"
        );
        assert_eq!(record["provider"], "local");
        assert_eq!(
            record["seed"].as_u64(),
            Some(42 + record["index"].as_u64().expect("index"))
        );
        assert!(
            record["timings"]["finished_at"].as_i64() >= record["timings"]["started_at"].as_i64()
        );

        let url = image["url"].as_str().expect("url");
        let resp = server.get(url).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], "image/png");
        let etag = resp.headers()["etag"].to_str().expect("etag").to_string();
        assert!(resp.headers()["cache-control"]
            .to_str()
            .expect("cc")
            .contains("immutable"));
        let bytes = resp.bytes().await.expect("body");
        let decoded = image::load_from_memory(&bytes).expect("the original decodes");
        assert_eq!((decoded.width(), decoded.height()), (640, 384));

        let thumb = server
            .get(image["thumb_url"].as_str().expect("thumb"))
            .await;
        assert_eq!(thumb.headers()["content-type"], "image/webp");
        let thumb =
            image::load_from_memory(&thumb.bytes().await.expect("thumb")).expect("thumb decodes");
        assert_eq!((thumb.width(), thumb.height()), (512, 307));

        let ranged = server
            .client
            .get(format!("{}{url}", server.base))
            .header("range", "bytes=0-99")
            .send()
            .await
            .expect("range");
        assert_eq!(ranged.status(), 206);
        assert_eq!(
            ranged.headers()["content-range"].to_str().expect("cr"),
            format!("bytes 0-99/{}", bytes.len())
        );
        assert_eq!(ranged.bytes().await.expect("part"), bytes.slice(0..100));
        let unsatisfiable = server
            .client
            .get(format!("{}{url}", server.base))
            .header("range", format!("bytes={}-", bytes.len()))
            .send()
            .await
            .expect("range");
        assert_eq!(unsatisfiable.status(), 416);
        let cached = server
            .client
            .get(format!("{}{url}", server.base))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("etag");
        assert_eq!(cached.status(), 304);
    }

    let set_id = created["set"]["id"].as_str().expect("set id");
    let set = server.ok("sets.get", json!({ "set_id": set_id })).await;
    assert_eq!(set["images"].as_array().map(Vec::len), Some(3));
    assert!(set["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .all(|j| j["state"] == "succeeded" && j["progress"] == 1.0));
    let listed = server
        .ok("images.list", json!({ "text": "LIGHTHOUSE" }))
        .await;
    assert_eq!(
        listed["images"].as_array().map(Vec::len),
        Some(3),
        "search is case-insensitive"
    );
    let none = server.ok("images.list", json!({ "text": "100%_" })).await;
    assert_eq!(
        none["images"].as_array().map(Vec::len),
        Some(0),
        "wildcards in search text match literally"
    );

    let metrics = server.get("/metrics").await.text().await.expect("metrics");
    assert!(
        metrics.contains("pixel_jobs_finished_total{state=\"succeeded\"} 3"),
        "{metrics}"
    );
    let counter = |name: &str| -> u64 {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("{name} in {metrics}"))
    };
    let (frames, writes) = (
        counter("pixel_event_frames_total"),
        counter("pixel_event_writes_total"),
    );
    assert!(frames >= heard, "{frames} frames sent, {heard} heard");
    // Three jobs queued at once, then their steps: a burst goes out in fewer writes than frames.
    assert!(
        writes > 0 && writes < frames,
        "{writes} writes for {frames} frames"
    );
    assert!(metrics.contains("pixel_event_streams 1"), "{metrics}");
    server.shutdown().await;
}

#[tokio::test]
async fn offline_batch_end_to_end_sqlite() {
    offline_batch(Db::Sqlite).await;
}

#[tokio::test]
async fn offline_batch_end_to_end_postgres() {
    offline_batch(Db::Postgres).await;
}

#[tokio::test]
async fn bad_input_gets_clear_codes_and_writes_nothing() {
    let server = TestServer::start(Opts {
        charging: true,
        starting_credits: 5,
        ..Opts::default()
    })
    .await
    .expect("server");
    let long = "x".repeat(3501);
    let cases = [
        (
            json!({ "prompt": "", "model": "local-sketch" }),
            "invalid_prompt",
        ),
        (
            json!({ "prompt": "   ", "model": "local-sketch" }),
            "invalid_prompt",
        ),
        (
            json!({ "prompt": long, "model": "local-sketch" }),
            "invalid_prompt",
        ),
        (
            json!({ "prompt": "cat", "model": "no-such-model" }),
            "unknown_model",
        ),
        (
            json!({ "prompt": "cat", "model": "local-sketch", "width": 64, "height": 64 }),
            "invalid_size",
        ),
        (
            json!({ "prompt": "cat", "model": "local-sketch", "width": 8192, "height": 1024 }),
            "invalid_size",
        ),
        (
            json!({ "prompt": "cat", "model": "local-sketch", "width": 1024 }),
            "invalid_size",
        ),
        (
            json!({ "prompt": "cat", "model": "local-sketch", "n": 0 }),
            "invalid_count",
        ),
        (
            json!({ "prompt": "cat", "model": "local-sketch", "n": 11 }),
            "invalid_count",
        ),
        (
            json!({ "prompt": "cat", "model": "local-sketch", "steps": 30 }),
            "unsupported_parameter",
        ),
        (
            json!({ "prompt": "cat", "model": "local-sketch", "seed": -5 }),
            "invalid_parameter",
        ),
        (
            json!({ "prompt": "cat", "model": "local-sketch", "n": "three" }),
            "invalid_body",
        ),
        (
            json!({ "prompt": "cat", "model": "gpt-image-2" }),
            "model_unavailable",
        ),
        (
            json!({ "prompt": "cat", "model": "dall-e-2" }),
            "model_unavailable",
        ),
    ];
    for (input, code) in cases {
        let (status, body) = server.call("generations.create", input.clone()).await;
        assert_eq!(body["error"]["code"], code, "{input} -> {body}");
        // 400 only for a body the API document forbids; a rule it cannot state is 422.
        let expected = match code {
            "invalid_body" => 400,
            "model_unavailable" => 503,
            _ => 422,
        };
        assert_eq!(status, expected, "{input} -> {body}");
        assert!(!body["error"]["message"].as_str().unwrap_or("").is_empty());
    }
    let (status, body) = server.call("no.such.op", json!({})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("unknown_operation"))
    );
    let raw = server
        .client
        .post(format!("{}/api/ops/generations.create", server.base))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("post");
    assert_eq!(raw.status(), 400);

    // Nothing was written: no set, no job, and the ledger holds only the starting grant.
    assert_eq!(
        server.ok("sets.list", json!({})).await["sets"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    assert_eq!(
        server.ok("generations.list", json!({})).await["jobs"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let ledger = server.assert_ledger_balances().await;
    assert_eq!(ledger["entries"].as_array().map(Vec::len), Some(1));
    assert_eq!(ledger["balance"], 5);
    server.shutdown().await;
}

#[tokio::test]
async fn api_description_health_and_ui_fallback() {
    let server = TestServer::start(Opts::default()).await.expect("server");
    let doc: serde_json::Value = server
        .get("/api/openapi.json")
        .await
        .json()
        .await
        .expect("openapi");
    assert_eq!(doc["openapi"], "3.1.0");
    let create = &doc["paths"]["/api/ops/generations.create"]["post"];
    assert!(
        create["requestBody"]["content"]["application/json"]["schema"]["properties"]["prompt"]
            .is_object(),
        "{create}"
    );
    let text = doc.to_string();
    for r in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = r.split('"').next().expect("ref");
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling $ref {name}"
        );
    }
    let health: serde_json::Value = server.get("/healthz").await.json().await.expect("health");
    assert_eq!(health["status"], "ok");
    let page = server.get("/").await.text().await.expect("page");
    assert!(page.contains("Pixel Studio"));
    let catalogue = server.ok("catalogue.list", json!({})).await;
    assert_eq!(
        catalogue["default_model"], "local-sketch",
        "no key configured: the offline renderer is the default"
    );
    let missing = server.get("/media/nope/original").await;
    assert_eq!(missing.status(), 404);
    server.shutdown().await;
}

#[tokio::test]
async fn cancel_a_queued_job_refunds_it_once() {
    let fake = pixel_testkit::FakeOpenAi::start().await;
    let server = TestServer::start(Opts {
        charging: true,
        starting_credits: 20,
        workers: 1,
        openai_base_url: Some(fake.base_url.clone()),
        provider_timeout: Duration::from_secs(10),
        ..Opts::default()
    })
    .await
    .expect("server");
    let created = server
        .ok(
            "generations.create",
            json!({ "prompt": "[slow:1500] a slow one", "model": "gpt-image-2", "n": 3 }),
        )
        .await;
    assert_eq!(server.balance().await, 2);
    let last = created["jobs"][2]["id"].as_str().expect("id").to_string();
    let cancelled = server
        .ok("generations.cancel", json!({ "job_id": last }))
        .await;
    assert_eq!(cancelled["state"], "cancelled");
    assert_eq!(cancelled["refunded"], true);
    let (status, again) = server
        .call("generations.cancel", json!({ "job_id": last }))
        .await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (409, Some("conflict"))
    );
    // Cancel the running one too: the worker stops it and refunds it.
    let first = created["jobs"][0]["id"].as_str().expect("id").to_string();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while server
        .ok("generations.get", json!({ "job_id": first }))
        .await["state"]
        != "running"
    {
        assert!(tokio::time::Instant::now() < deadline);
        // Polls the job over HTTP (real I/O) until the worker reports it.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server
        .ok("generations.cancel", json!({ "job_id": first }))
        .await;
    let ended = server.wait_final(&first, Duration::from_secs(10)).await;
    assert_eq!(
        (ended["state"].as_str(), ended["refunded"].as_bool()),
        (Some("cancelled"), Some(true))
    );
    let middle = server
        .wait_final(
            created["jobs"][1]["id"].as_str().expect("id"),
            Duration::from_secs(20),
        )
        .await;
    assert_eq!(middle["state"], "succeeded");
    assert_eq!(server.balance().await, 14, "two refunds of 6, one capture");
    // Every entry, the reservation and each job's refund or capture, links to the set it paid for.
    let ledger = server.assert_ledger_balances().await;
    let set_link = json!({"to": "set", "set_id": created["set"]["id"]});
    let entries = ledger["entries"].as_array().expect("entries");
    let paid_for: Vec<&serde_json::Value> = entries
        .iter()
        .filter(|e| e["kind"] != "grant")
        .map(|e| &e["link"])
        .collect();
    assert!(paid_for.len() >= 3, "{ledger}");
    assert!(paid_for.iter().all(|l| **l == set_link), "{ledger}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_provider_never_runs_more_jobs_than_its_limit() {
    let fake = pixel_testkit::FakeOpenAi::start().await;
    let server = TestServer::start(Opts {
        workers: 6,
        openai_base_url: Some(fake.base_url.clone()),
        provider_timeout: Duration::from_secs(10),
        concurrency: vec![("openai".into(), 2)],
        ..Opts::default()
    })
    .await
    .expect("server");
    let slow = server
        .ok(
            "generations.create",
            json!({ "prompt": "[slow:600] limited", "model": "gpt-image-2", "n": 5 }),
        )
        .await;
    // Other providers still run while OpenAI is at its limit.
    let quick = server.ok("generations.create", json!({ "prompt": "meanwhile offline", "model": "local-sketch", "n": 2, "width": 256, "height": 256 })).await;
    let mut most = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let jobs = server.ok("generations.list", json!({ "limit": 50 })).await;
        let jobs = jobs["jobs"].as_array().cloned().expect("jobs");
        let running = jobs
            .iter()
            .filter(|j| j["provider"] == "openai" && j["state"] == "running")
            .count();
        most = most.max(running);
        assert!(running <= 2, "{running} OpenAI jobs ran at once");
        if jobs.iter().all(|j| j["state"] == "succeeded") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "jobs did not finish"
        );
        // Polls the job over HTTP (real I/O) until the worker reports it.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(most, 2, "the limit allows two at once");
    for job in quick["jobs"].as_array().expect("jobs") {
        let done = server
            .ok("generations.get", json!({ "job_id": job["id"] }))
            .await;
        assert_eq!(done["state"], "succeeded");
    }
    assert_eq!(slow["jobs"].as_array().map(Vec::len), Some(5));
    server.shutdown().await;
}

#[tokio::test]
async fn import_a_png_record_and_generate_again() {
    use base64::Engine;
    let server = TestServer::start(Opts::default()).await.expect("server");
    let infotext = "a castle on a hill\nNegative prompt: blurry\nSteps: 28, Sampler: Euler a, CFG scale: 6.5, Seed: 1234567, Size: 768x512, Model: dreamshaper_8";
    let png = pixel_testkit::png_with_text(&[("parameters", infotext)]);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
    let out = server
        .ok("records.import", json!({ "png_base64": b64 }))
        .await;
    assert_eq!(out["record"]["source"], "a1111");
    assert_eq!(out["record"]["seed"], 1234567);
    let request = &out["request"];
    assert_eq!(request["model"], "local-sketch");
    assert_eq!(
        (request["width"].as_u64(), request["height"].as_u64()),
        (Some(768), Some(512))
    );
    assert_eq!(request["negative_prompt"], "blurry");
    assert_eq!(request["seed"], 1234567);
    let dropped: Vec<&str> = out["dropped"]
        .as_array()
        .expect("dropped")
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    assert!(
        dropped.contains(&"28 steps") && dropped.contains(&"CFG scale 6.5"),
        "{dropped:?}"
    );
    assert!(dropped.iter().any(|d| d.contains("dreamshaper_8")));
    let created = server.ok("generations.create", request.clone()).await;
    let job = server
        .wait_final(
            created["jobs"][0]["id"].as_str().expect("id"),
            Duration::from_secs(30),
        )
        .await;
    assert_eq!(job["state"], "succeeded");

    let plain = base64::engine::general_purpose::STANDARD
        .encode(pixel_testkit::png_with_text(&[("Software", "GIMP")]));
    let (status, body) = server
        .call("records.import", json!({ "png_base64": plain }))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, body) = server
        .call("records.import", json!({ "png_base64": "bm90IGEgcG5n" }))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("invalid_input"))
    );

    // A JPEG saved by AUTOMATIC1111 (the record in its EXIF UserComment), by the field's new name.
    use pixel_testkit::record_files::{exif_tiff, jpeg_with_exif, unicode_comment};
    let jpeg = jpeg_with_exif(&exif_tiff(&unicode_comment(infotext), None, false), None);
    let out = server
        .ok(
            "records.import",
            json!({ "file_base64": base64::engine::general_purpose::STANDARD.encode(&jpeg) }),
        )
        .await;
    assert_eq!(
        (&out["record"]["source"], &out["request"]["seed"]),
        (&json!("a1111"), &json!(1234567))
    );
    // One file, not two.
    let (status, _) = server
        .call(
            "records.import",
            json!({ "file_base64": b64, "png_base64": b64 }),
        )
        .await;
    assert_eq!(status, 422);
    server.shutdown().await;
}

#[tokio::test]
async fn compare_models_side_by_side_with_separate_refunds() {
    let fake = pixel_testkit::FakeOpenAi::start().await;
    let server = TestServer::start(Opts {
        charging: true,
        starting_credits: 20,
        openai_base_url: Some(fake.base_url.clone()),
        provider_timeout: Duration::from_secs(5),
        ..Opts::default()
    })
    .await
    .expect("server");
    for (models, code) in [
        (json!(["local-sketch"]), "invalid_input"),
        (json!(["local-sketch", "local-sketch"]), "invalid_input"),
        (
            json!([
                "local-sketch",
                "gpt-image-2",
                "sd3.5-large",
                "flux-dev",
                "ideogram-v2"
            ]),
            "invalid_input",
        ),
        (json!(["local-sketch", "no-such-model"]), "unknown_model"),
        (json!(["local-sketch", "dall-e-3"]), "model_unavailable"),
        // 4 images of 6 credits against 20.
        (
            json!(["local-sketch", "gpt-image-2"]),
            "insufficient_credits",
        ),
    ] {
        let (_, body) = server
            .call(
                "generations.compare",
                json!({ "prompt": "side by side", "models": models, "n": 4 }),
            )
            .await;
        assert_eq!(body["error"]["code"], code, "{models} -> {body}");
    }
    assert_eq!(
        server.ok("sets.list", json!({})).await["sets"]
            .as_array()
            .map(Vec::len),
        Some(0),
        "nothing half-written"
    );
    assert_eq!(server.balance().await, 20);

    let out = server
        .ok("generations.compare", json!({ "prompt": "[500] a lighthouse", "models": ["local-sketch", "gpt-image-2"], "n": 2 }))
        .await;
    assert_eq!(out["cost"], 12, "the sum of each model's cost");
    assert_eq!(server.balance().await, 8);
    let comparison_id = out["comparison_id"].as_str().expect("id").to_string();
    for set in out["sets"].as_array().expect("sets") {
        for job in set["jobs"].as_array().expect("jobs") {
            server
                .wait_final(job["id"].as_str().expect("id"), Duration::from_secs(30))
                .await;
        }
    }
    let detail = server
        .ok("comparisons.get", json!({ "comparison_id": comparison_id }))
        .await;
    let sets = detail["sets"].as_array().expect("sets");
    assert_eq!(sets.len(), 2);
    let by_model = |m: &str| {
        sets.iter()
            .find(|s| s["set"]["params"]["model"] == m)
            .expect("set")
            .clone()
    };
    let local = by_model("local-sketch");
    assert_eq!(local["images"].as_array().map(Vec::len), Some(2));
    let openai = by_model("gpt-image-2");
    assert!(openai["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .all(|j| j["state"] == "failed" && j["refunded"] == true));
    assert_eq!(
        server.balance().await,
        20,
        "the failed model's images were refunded on their own"
    );
    server.assert_ledger_balances().await;
    let (status, _) = server
        .call("comparisons.get", json!({ "comparison_id": "nope" }))
        .await;
    assert_eq!(status, 404);
    server.shutdown().await;
}

#[tokio::test]
async fn provider_health_reports_reachability_and_balance() {
    let openai = pixel_testkit::FakeOpenAi::start().await;
    let stability = pixel_testkit::FakeStability::start().await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let server = TestServer::start(Opts {
        openai_base_url: Some(openai.base_url.clone()),
        stability_base_url: Some(stability.base_url.clone()),
        bfl_base_url: Some(format!("http://127.0.0.1:{closed}")),
        ..Opts::default()
    })
    .await
    .expect("server");
    let out = server.ok("providers.health", json!({})).await;
    let find = |id: &str| {
        out["providers"]
            .as_array()
            .expect("providers")
            .iter()
            .find(|p| p["id"] == id)
            .expect("provider")
            .clone()
    };
    assert_eq!(find("local")["health"]["reachable"], true);
    assert_eq!(find("openai")["health"]["reachable"], true);
    let st = find("stability");
    assert_eq!(
        (
            st["health"]["reachable"].as_bool(),
            st["health"]["balance"].as_str()
        ),
        (Some(true), Some("42.50 credits"))
    );
    let bfl = find("bfl");
    assert_eq!(bfl["health"]["reachable"], false, "{bfl}");
    assert!(bfl["health"]["message"]
        .as_str()
        .expect("why")
        .contains("cannot connect"));
    let ideogram = find("ideogram");
    assert_eq!(ideogram["configured"], false);
    assert!(
        ideogram["health"].get("reachable").is_none(),
        "unconfigured providers are not probed"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_operator_prices_and_turns_off_models_in_configuration() {
    let fake = pixel_testkit::FakeOpenAi::start().await;
    let server = TestServer::start(Opts {
        charging: true,
        starting_credits: 10,
        openai_base_url: Some(fake.base_url.clone()),
        config: Some(|c| {
            c.model_overrides.insert(
                "gpt-image-2".into(),
                pixel_core::catalogue::ModelOverride {
                    credits: Some(2),
                    ..Default::default()
                },
            );
            c.model_overrides.insert(
                "local-sketch".into(),
                pixel_core::catalogue::ModelOverride {
                    enabled: Some(false),
                    ..Default::default()
                },
            );
        }),
        ..Opts::default()
    })
    .await
    .expect("server");
    let catalogue = server.ok("catalogue.list", json!({})).await;
    let models = catalogue["models"].as_array().expect("models");
    assert!(
        models.iter().all(|m| m["id"] != "local-sketch"),
        "turned off"
    );
    let gpt = models
        .iter()
        .find(|m| m["id"] == "gpt-image-2")
        .expect("gpt-image-2");
    assert_eq!(gpt["credits"], 2);
    assert_eq!(
        catalogue["default_model"], "gpt-image-2",
        "the default follows"
    );
    let (status, body) = server
        .call(
            "generations.create",
            json!({ "prompt": "x", "model": "local-sketch" }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("model_unavailable")),
        "{body}"
    );
    let job = server
        .run_one(json!({ "prompt": "a priced heron", "model": "gpt-image-2" }))
        .await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(server.balance().await, 8, "charged the configured price");
    server.shutdown().await;
}

#[tokio::test]
async fn share_links_show_a_public_image_with_its_card_and_nothing_of_a_private_one() {
    let server = TestServer::start(Opts::default()).await.expect("server");
    let prompt = r#"a "harbour" at <dawn> & fog"#;
    let job = server
        .run_one(json!({ "prompt": prompt, "model": "local-sketch" }))
        .await;
    let id = job["image_id"].as_str().expect("image").to_string();

    // Private (the default): the same 404 a missing image gets, without a word of it.
    let private = server.get(&format!("/p/{id}")).await;
    assert_eq!(private.status(), 404);
    let private_body = private.text().await.expect("body");
    let missing = server.get("/p/no-such-image").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(private_body, missing.text().await.expect("body"));
    assert!(!private_body.contains("harbour") && !private_body.contains("og:image"));

    server
        .ok(
            "images.set_visibility",
            json!({ "image_ids": [id], "visibility": "public" }),
        )
        .await;
    let shared = server.get(&format!("/p/{id}")).await;
    assert_eq!(shared.status(), 200);
    let page = shared.text().await.expect("body");
    let escaped = "a &quot;harbour&quot; at &lt;dawn&gt; &amp; fog";
    assert!(
        page.contains(&format!(
            "<meta property=\"og:title\" content=\"{escaped}\">"
        )),
        "{page}"
    );
    assert!(page.contains(&format!(
        "<meta property=\"og:image\" content=\"{}/media/{id}/original\">",
        server.base
    )));
    assert!(page.contains("summary_large_image"));
    assert!(!page.contains("<dawn>"), "the prompt cannot write HTML");
    // The card's picture is fetchable by anyone (a link preview bot is signed out).
    let media = reqwest::get(format!("{}/media/{id}/original", server.base))
        .await
        .expect("media");
    assert_eq!(media.status(), 200);
}
