//! The offline video path end to end: a clip asked for through the API runs as a job like any image,
//! is stored as H.264 in MP4 with a poster thumbnail, served whole and in ranges (so players seek),
//! and decodes with FFmpeg to the size, frame count and duration asked for; a duration the model
//! does not make, or one asked of an image model, is refused before anything runs.

mod common;

use common::{Opts, TestServer};
use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test]
async fn an_offline_clip_is_made_stored_and_served_for_players() {
    // A debug build renders far slower than a release one: give the clip the time it needs.
    let s = TestServer::start(Opts {
        provider_timeout: Duration::from_secs(120),
        ..Opts::default()
    })
    .await
    .expect("server");
    let catalogue = s.ok("catalogue.list", json!({})).await;
    let clip_model = catalogue["models"]
        .as_array()
        .expect("models")
        .iter()
        .find(|m| m["id"] == "local-clip")
        .expect("the offline clip model")
        .clone();
    assert_eq!(clip_model["video"]["durations"], json!([2, 4, 6, 8]));
    assert_eq!(clip_model["offline"], true);

    for (input, code) in [
        (
            json!({"prompt": "tide", "model": "local-clip", "duration": 3}),
            "invalid_parameter",
        ),
        (
            json!({"prompt": "tide", "model": "local-sketch", "duration": 2}),
            "unsupported_parameter",
        ),
        (
            json!({"prompt": "tide", "model": "local-clip", "n": 2}),
            "invalid_count",
        ),
        (
            json!({"prompt": "tide", "model": "local-clip", "width": 1000, "height": 1000}),
            "invalid_size",
        ),
    ] {
        let (status, body) = s.call("generations.create", input.clone()).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some(code)),
            "{input} -> {body}"
        );
    }

    let job_id = s
        .submit_one(json!({
            "prompt": "lanterns over a harbour",
            "model": "local-clip",
            "width": 640,
            "height": 360,
            "duration": 2,
            "seed": 11
        }))
        .await;
    let job = s.wait_final(&job_id, Duration::from_secs(120)).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let image = s.image_of(&job).await;
    assert_eq!(
        (&image["mime"], &image["width"], &image["height"]),
        (&json!("video/mp4"), &json!(640), &json!(360)),
        "{image}"
    );
    assert_eq!(image["record"]["params"]["duration"], 2);
    let facts = &image["record"]["video"];
    assert_eq!(
        (&facts["frames"], &facts["codec"]),
        (&json!(48), &json!("h264")),
        "{image}"
    );
    assert!(
        facts["duration_ms"]
            .as_u64()
            .is_some_and(|ms| (1900..=2100).contains(&ms)),
        "{facts}"
    );

    let url = image["url"].as_str().expect("url");
    let whole = s.get(url).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(
        whole.headers()["content-type"].to_str().expect("type"),
        "video/mp4"
    );
    let bytes = whole.bytes().await.expect("bytes").to_vec();
    assert_eq!(bytes.len() as u64, image["bytes"].as_u64().expect("bytes"));
    let info = pixel_video::probe(&bytes).expect("decodes");
    assert_eq!(
        (info.codec.as_str(), info.width, info.height, info.frames),
        ("h264", 640, 360, 48)
    );
    assert!(
        (1900..=2100).contains(&info.duration_ms),
        "{}",
        info.duration_ms
    );

    // Players seek with ranges.
    let part = s
        .client
        .get(format!("{}{url}", s.base))
        .header("range", "bytes=100-199")
        .send()
        .await
        .expect("range");
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.expect("part").as_ref(), &bytes[100..200]);

    // The thumbnail is the first frame, as an image.
    let thumb_url = image["thumb_url"].as_str().expect("thumb");
    let thumb = s.get(thumb_url).await;
    assert_eq!(thumb.status(), 200);
    assert_eq!(
        thumb.headers()["content-type"].to_str().expect("type"),
        "image/webp"
    );

    // Shared, its card shows the poster and names the video for players that embed it.
    s.ok(
        "images.set_visibility",
        json!({ "image_ids": [image["id"]], "visibility": "public" }),
    )
    .await;
    let page = s
        .get(&format!("/p/{}", image["id"].as_str().expect("id")))
        .await
        .text()
        .await
        .expect("page");
    let meta = |property: &str, content: String| {
        format!("<meta property=\"{property}\" content=\"{content}\">")
    };
    for tag in [
        meta("og:type", "video.other".into()),
        meta("og:image", format!("{}{thumb_url}", s.base)),
        meta("og:video", format!("{}{url}", s.base)),
        meta("og:video:type", "video/mp4".into()),
        meta("og:video:width", "640".into()),
    ] {
        assert!(page.contains(&tag), "{tag} in {page}");
    }

    // Beside a still, the library and explore filters keep clips or stills apart.
    let still = s
        .run_one(json!({ "prompt": "a harbour at noon", "model": "local-sketch" }))
        .await;
    s.ok(
        "images.set_visibility",
        json!({ "image_ids": [still["image_id"]], "visibility": "public" }),
    )
    .await;
    // The library lists images; explore, public images with their creator (`image` inside).
    let ids = |listed: Value, pointer: &str| -> Vec<Value> {
        listed["images"]
            .as_array()
            .expect("listed")
            .iter()
            .map(|i| i.pointer(pointer).cloned().unwrap_or(Value::Null))
            .collect()
    };
    for (media, expected) in [("video", &image["id"]), ("image", &still["image_id"])] {
        let library = s.ok("images.list", json!({ "media": media })).await;
        assert_eq!(ids(library, "/id"), vec![expected.clone()], "{media}");
        let explore = s.ok("explore.list", json!({ "media": media })).await;
        assert_eq!(ids(explore, "/image/id"), vec![expected.clone()], "{media}");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn a_clip_reports_progress_and_stops_when_cancelled() {
    let s = TestServer::start(Opts {
        provider_timeout: Duration::from_secs(300),
        ..Opts::default()
    })
    .await
    .expect("server");
    // The longest, largest clip: long enough in a debug build to be seen half-way.
    let job_id = s
        .submit_one(json!({
            "prompt": "a slow tide",
            "model": "local-clip",
            "width": 1280,
            "height": 720,
            "duration": 8
        }))
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let job = s.ok("generations.get", json!({ "job_id": job_id })).await;
        let progress = job["progress"].as_f64().unwrap_or(0.0);
        if job["state"] == "running" && progress > 0.0 && progress < 1.0 {
            break;
        }
        assert!(
            job["state"] == "queued" || job["state"] == "running",
            "it ended before it could be cancelled: {job}"
        );
        assert!(tokio::time::Instant::now() < deadline, "no progress: {job}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    s.ok("generations.cancel", json!({ "job_id": job_id }))
        .await;
    let job = s.wait_final(&job_id, Duration::from_secs(20)).await;
    assert_eq!(job["state"], "cancelled", "{job}");
    assert!(job["image_id"].is_null(), "{job}");
    s.shutdown().await;
}
