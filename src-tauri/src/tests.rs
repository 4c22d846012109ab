//! Tests of the command bodies over a real core on a temporary library (SQLite file, media files, the
//! offline renderer), without a window; keys go to an in-memory stand-in of the keychain.

use pixel_core::{Audience, Envelope, ErrorCode, Event};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tauri::http::{header, Request, StatusCode};

use crate::core::DesktopCore;
use crate::keys::MemoryStore;

pub(crate) struct Fixture {
    pub core: Arc<DesktopCore>,
    pub secrets: Arc<MemoryStore>,
    _dir: tempfile::TempDir,
}

pub(crate) async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let secrets = Arc::new(MemoryStore::default());
    let core = DesktopCore::open(&dir.path().join("data"), secrets.clone())
        .await
        .expect("open the library");
    Fixture {
        core: Arc::new(core),
        secrets,
        _dir: dir,
    }
}

/// Generates one offline image through `op` and returns it (as JSON) once its event arrived.
pub(crate) async fn generate(core: &Arc<DesktopCore>, prompt: &str) -> Value {
    core.start_runner().await.expect("runner");
    let rx = core.subscribe();
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let forwarder = {
        let core = core.clone();
        tokio::spawn(async move { core.forward_events(rx, |e| tx.send(e).is_ok()).await })
    };
    let submitted = core
        .op(
            "generations.create",
            json!({ "prompt": prompt, "model": "local-sketch", "n": 1, "width": 512, "height": 512, "seed": 7 }),
        )
        .await
        .expect("generations.create");
    assert_eq!(submitted["jobs"].as_array().map(Vec::len), Some(1));
    let image = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(event) = events.recv().await {
            if event["type"] == "generation.completed" {
                return event["image"].clone();
            }
        }
        panic!("event stream ended before the image");
    })
    .await
    .expect("the image within 30 s");
    forwarder.abort();
    image
}

#[tokio::test]
async fn the_library_opens_in_folders_with_awkward_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    // macOS puts app data under "Application Support"; users put homes anywhere.
    let data = dir.path().join("Application Support").join("a#b?c%20d é");
    let core = DesktopCore::open(&data, Arc::new(MemoryStore::default()))
        .await
        .expect("open");
    assert!(
        data.join(crate::core::DB_FILE).is_file(),
        "library.db where asked"
    );
    assert!(core.op("catalogue.list", Value::Null).await.is_ok());
    #[cfg(windows)]
    let (path, url) = (
        "C:\\Users\\Ann Lee\\lib.db",
        "sqlite:C%3A/Users/Ann%20Lee/lib.db?mode=rwc",
    );
    #[cfg(not(windows))]
    let (path, url) = (
        "/home/ann lee/lib#1.db",
        "sqlite:/home/ann%20lee/lib%231.db?mode=rwc",
    );
    assert_eq!(crate::core::sqlite_url(std::path::Path::new(path)), url);
}

#[tokio::test]
async fn op_dispatches_to_the_registry_as_the_owner() {
    let f = fixture().await;
    let catalogue = f
        .core
        .op("catalogue.list", Value::Null)
        .await
        .expect("catalogue");
    let models = catalogue["models"].as_array().expect("models");
    assert!(models.iter().any(|m| m["id"] == "local-sketch"));
    let account = f.core.op("account.get", json!({})).await.expect("account");
    assert_eq!(account["user"]["id"], pixel_core::LOCAL_OWNER_ID);
}

#[tokio::test]
async fn unknown_operations_and_bad_input_have_clear_codes() {
    let f = fixture().await;
    let e = f.core.op("images.steal", json!({})).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::UnknownOperation);
    assert!(e.message.contains("images.steal"));
    let e = f
        .core
        .op("images.get", json!({ "nope": 1 }))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidBody);
    let e = f
        .core
        .op(
            "generations.create",
            json!({ "prompt": "", "model": "local-sketch" }),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidPrompt);
    let e = f
        .core
        .op("images.get", json!({ "image_id": "missing" }))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    // Errors serialize as the UI expects them: { code, message }.
    let v = serde_json::to_value(&e).expect("json");
    assert_eq!(v["code"], "not_found");
    assert!(v["message"].is_string());
}

#[tokio::test]
async fn events_reach_the_ui_only_for_the_owner() {
    let f = fixture().await;
    let rx = f.core.subscribe();
    let (tx, mut got) = tokio::sync::mpsc::unbounded_channel();
    let core = f.core.clone();
    let forwarder =
        tokio::spawn(async move { core.forward_events(rx, |e| tx.send(e).is_ok()).await });
    let publish = |user: &str, balance: i64| {
        f.core.app.events.publish(Envelope {
            audience: Audience::User(user.into()),
            event: Event::BalanceChanged { balance },
        })
    };
    publish("someone-else", 1);
    publish(pixel_core::LOCAL_OWNER_ID, 2);
    let first = tokio::time::timeout(Duration::from_secs(5), got.recv())
        .await
        .expect("an event")
        .expect("open");
    // The same JSON as the server's WebSocket frames.
    assert_eq!(first, json!({ "type": "balance.changed", "balance": 2 }));
    // A closed channel ends the forwarder.
    drop(got);
    publish(pixel_core::LOCAL_OWNER_ID, 3);
    tokio::time::timeout(Duration::from_secs(5), forwarder)
        .await
        .expect("the forwarder stops when its channel is gone")
        .expect("no panic");
}

#[tokio::test]
async fn media_is_served_with_type_etag_and_ranges() {
    let f = fixture().await;
    let image = generate(&f.core, "a red lighthouse").await;
    let id = image["id"].as_str().expect("id");
    let get = |path: String, headers: &[(&str, &str)]| {
        let mut req = Request::builder().uri(format!("pixel://localhost{path}"));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req.body(Vec::new()).expect("request");
        let core = f.core.clone();
        async move { crate::media::respond(&core, &req).await }
    };

    let full = get(format!("/media/{id}/original"), &[]).await;
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(full.headers()[header::CONTENT_TYPE], "image/png");
    assert_eq!(&full.body()[..4], b"\x89PNG");
    assert_eq!(
        full.headers()[header::CONTENT_LENGTH],
        full.body().len().to_string().as_str()
    );
    let etag = full.headers()[header::ETAG]
        .to_str()
        .expect("etag")
        .to_string();
    assert_eq!(
        etag,
        format!("\"{}\"", image["sha256"].as_str().expect("sha"))
    );
    let len = full.body().len();

    let part = get(format!("/media/{id}/original"), &[("range", "bytes=0-9")]).await;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.body().as_slice(), &full.body()[..10]);
    assert_eq!(
        part.headers()[header::CONTENT_RANGE],
        format!("bytes 0-9/{len}").as_str()
    );

    let tail = get(format!("/media/{id}/original"), &[("range", "bytes=-4")]).await;
    assert_eq!(tail.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(tail.body().as_slice(), &full.body()[len - 4..]);

    let beyond = get(
        format!("/media/{id}/original"),
        &[("range", &format!("bytes={len}-"))],
    )
    .await;
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        beyond.headers()[header::CONTENT_RANGE],
        format!("bytes */{len}").as_str()
    );
    assert!(beyond.body().is_empty());

    // A range for another version of the file gets the whole (current) file.
    let stale = get(
        format!("/media/{id}/original"),
        &[("range", "bytes=0-9"), ("if-range", "\"other\"")],
    )
    .await;
    assert_eq!(stale.status(), StatusCode::OK);
    assert_eq!(stale.body().len(), len);

    let cached = get(format!("/media/{id}/original"), &[("if-none-match", &etag)]).await;
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    assert!(cached.body().is_empty());

    let thumb = get(format!("/media/{id}/thumb"), &[]).await;
    assert_eq!(thumb.status(), StatusCode::OK);
    assert_eq!(thumb.headers()[header::CONTENT_TYPE], "image/webp");
    assert_eq!(&thumb.body()[8..12], b"WEBP");

    for bad in [
        format!("/media/{id}/huge"),
        "/media/0190f1d2a3b4c5d6e7f8091a2b3c4d5e/original".to_string(),
        "/media/../../etc/passwd".to_string(),
        "/index.html".to_string(),
    ] {
        let r = get(bad.clone(), &[]).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{bad}");
        let body: Value = serde_json::from_slice(r.body()).expect("json error");
        assert_eq!(body["error"]["code"], "not_found");
    }

    let post = Request::builder()
        .method("POST")
        .uri(format!("pixel://localhost/media/{id}/original"))
        .body(Vec::new())
        .expect("request");
    assert_eq!(
        crate::media::respond(&f.core, &post).await.status(),
        StatusCode::BAD_REQUEST
    );
    f.core.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn saved_images_are_the_original_bytes_and_only_they_can_be_revealed() {
    let f = fixture().await;
    let image = generate(&f.core, "a blue boat").await;
    let id = image["id"].as_str().expect("id");
    assert_eq!(
        f.core.suggested_file_name(id).await.expect("name"),
        format!("pixel-{id}.png")
    );
    let dest = f._dir.path().join("export.png");
    let saved = f.core.export_image(id, &dest).await.expect("saved");
    let original = f
        .core
        .app
        .blobs
        .get(image["sha256"].as_str().expect("sha"))
        .await
        .expect("blob")
        .expect("present");
    assert_eq!(std::fs::read(&dest).expect("written"), original);
    assert!(f.core.revealable(&saved.path).is_ok());
    let e = f.core.revealable("/etc/passwd").unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let e = f.core.suggested_file_name("missing").await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    f.core.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn the_library_exports_as_a_zip_offline_with_progress() {
    let f = fixture().await;
    let first = generate(&f.core, "a blue boat").await;
    let second = generate(&f.core, "a red kite").await;
    let ids: Vec<String> = [&first, &second]
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect();
    let dest = f._dir.path().join("export.zip");
    let seen = Arc::new(std::sync::Mutex::new(vec![]));
    let counted = seen.clone();
    let query = pixel_core::ops::exports::ExportQuery {
        image_ids: Some(ids.clone()),
        ..Default::default()
    };
    let exported = f
        .core
        .export_zip(query, &dest, move |n| {
            counted.lock().expect("progress").push(n)
        })
        .await
        .expect("exported");
    assert_eq!(exported.images, 2);
    assert_eq!(*seen.lock().expect("progress"), vec![1, 2]);
    assert!(f.core.revealable(&exported.path).is_ok());
    let bytes = std::fs::read(&dest).expect("written");
    let archive = rawzip::ZipArchive::from_slice(&bytes).expect("a zip");
    let mut entries = archive.entries();
    let mut names = vec![];
    while let Some(entry) = entries.next_entry().expect("an entry") {
        let name: String = entry.file_path().try_normalize().expect("path").into();
        names.push(name);
    }
    names.sort();
    let mut want: Vec<String> = ids
        .iter()
        .flat_map(|id| [format!("pixel-{id}.json"), format!("pixel-{id}.png")])
        .collect();
    want.sort();
    assert_eq!(names, want);

    // A filter of the library: the whole of it here.
    let all = f._dir.path().join("all.zip");
    let whole = f
        .core
        .export_zip(Default::default(), &all, |_| {})
        .await
        .expect("exported");
    assert_eq!(whole.images, 2);

    // The whole account: its data documents first, then the same images.
    let account = f._dir.path().join("account.zip");
    let query = pixel_core::ops::exports::ExportQuery {
        whole_account: Some(true),
        ..Default::default()
    };
    let exported = f
        .core
        .export_zip(query, &account, |_| {})
        .await
        .expect("exported");
    assert_eq!(exported.images, 2);
    let bytes = std::fs::read(&account).expect("written");
    let archive = rawzip::ZipArchive::from_slice(&bytes).expect("a zip");
    let mut entries = archive.entries();
    let mut names = vec![];
    while let Some(entry) = entries.next_entry().expect("an entry") {
        let name: String = entry.file_path().try_normalize().expect("path").into();
        names.push(name);
    }
    assert_eq!(
        names[..7],
        [
            "account.json",
            "ledger.json",
            "collections.json",
            "tags.json",
            "comments.json",
            "likes.json",
            "follows.json"
        ]
    );
    assert_eq!(names.len(), 7 + 4);

    // An id that is not in the library refuses the export before a file is made.
    let refused = f._dir.path().join("refused.zip");
    let query = pixel_core::ops::exports::ExportQuery {
        image_ids: Some(vec![ids[0].clone(), "img_missing".into()]),
        ..Default::default()
    };
    let e = f
        .core
        .export_zip(query, &refused, |_| {})
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(!refused.exists());

    // A place that cannot be written: an error, not a wait for ever on a writer whose chunks (more
    // than the channel holds: five images) nobody reads.
    for prompt in ["a green hill", "a grey cloud", "a white sail"] {
        generate(&f.core, prompt).await;
    }
    let nowhere = f._dir.path().join("no-such-folder").join("export.zip");
    let e = tokio::time::timeout(
        Duration::from_secs(30),
        f.core.export_zip(Default::default(), &nowhere, |_| {}),
    )
    .await
    .expect("the export ends")
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Internal);
    assert!(!nowhere.exists());
    f.core.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn keys_are_stored_in_the_keychain_and_apply_at_once() {
    let f = fixture().await;
    let configured = |id: &str| f.core.app.provider(id).map(|p| p.configured());
    assert_eq!(configured("openai"), Some(false));

    let e = f.core.keys_set("local", "k").await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let e = f.core.keys_set("no-such-provider", "k").await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let e = f.core.keys_set("openai", "   ").await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let e = f.core.keys_delete("nope").await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);

    f.core
        .keys_set("openai", " sk-test-123 ")
        .await
        .expect("stored");
    assert_eq!(
        f.secrets
            .secrets
            .lock()
            .expect("lock")
            .get("openai")
            .map(String::as_str),
        Some("sk-test-123")
    );
    assert_eq!(
        configured("openai"),
        Some(true),
        "the key applies without a restart"
    );
    let list = f.core.keys_list().await;
    assert_eq!(list.len(), crate::keys::KEY_PROVIDERS.len());
    let openai = list
        .iter()
        .find(|k| k.provider == "openai")
        .expect("openai listed");
    assert!(openai.stored);
    assert_eq!(openai.name, "OpenAI");
    assert!(list
        .iter()
        .filter(|k| k.provider != "openai")
        .all(|k| !k.stored));
    // The listing never carries the key.
    assert!(!serde_json::to_string(&list)
        .expect("json")
        .contains("sk-test"));
    // The catalogue's default model follows the configured provider.
    assert_ne!(
        f.core.app.default_model(),
        pixel_core::catalogue::OFFLINE_MODEL_ID
    );

    f.core.keys_delete("openai").await.expect("deleted");
    assert_eq!(configured("openai"), Some(false));
    assert!(f.secrets.secrets.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn keys_from_the_keychain_apply_at_start() {
    let f = fixture().await;
    f.secrets
        .secrets
        .lock()
        .expect("lock")
        .insert("stability".into(), "sk-stab".into());
    f.core.load_keys().await;
    assert_eq!(
        f.core.app.provider("stability").map(|p| p.configured()),
        Some(true)
    );
}

#[tokio::test]
async fn without_a_keychain_keys_fail_clearly_and_the_app_works_on() {
    let f = fixture().await;
    f.secrets.unavailable.store(true, Ordering::SeqCst);
    f.core.load_keys().await;
    let e = f.core.keys_set("openai", "sk-test-123").await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Internal);
    assert!(e.message.contains("keychain"), "{}", e.message);
    assert!(!e.message.contains("sk-test"));
    assert_eq!(
        f.core.app.provider("openai").map(|p| p.configured()),
        Some(false)
    );
    assert!(f.core.keys_list().await.iter().all(|k| !k.stored));
    assert!(f.core.op("catalogue.list", Value::Null).await.is_ok());
}

#[test]
fn every_command_is_in_the_permission_manifest_and_the_capability() {
    let build_rs = include_str!("../build.rs");
    let capability: Value =
        serde_json::from_str(include_str!("../capabilities/main.json")).expect("capability json");
    let granted: Vec<&str> = capability["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for command in crate::commands::COMMANDS {
        assert!(
            build_rs.contains(&format!("\"{command}\"")),
            "{command} missing in build.rs"
        );
        let allow = format!("allow-{}", command.replace('_', "-"));
        assert!(
            granted.contains(&allow.as_str()),
            "{allow} missing in capabilities/main.json"
        );
    }
    // The webview gets no file system, shell, dialog or opener permission...
    for p in &granted {
        assert!(
            !["fs:", "shell:", "dialog:", "opener:"]
                .iter()
                .any(|x| p.starts_with(x)),
            "{p} should not be granted"
        );
    }
    // ...except opening web addresses (never files or programs) in the system browser.
    let scoped: Vec<&Value> = capability["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter(|p| p.is_object())
        .collect();
    assert_eq!(scoped.len(), 1, "{scoped:?}");
    assert_eq!(scoped[0]["identifier"], "opener:allow-open-url");
    for allowed in scoped[0]["allow"].as_array().expect("scope") {
        let url = allowed["url"].as_str().expect("url scope");
        assert!(url == "https://*" || url == "http://*", "{url}");
    }
}

#[tokio::test]
async fn server_addresses_are_checked_and_sign_in_needs_a_start() {
    use crate::remote::{normalize_server, RemoteAccount};
    assert_eq!(
        normalize_server(" https://pixel.example.com/ ").unwrap(),
        "https://pixel.example.com"
    );
    for bad in [
        "ftp://x",
        "pixel.example.com",
        "https://x/?a=1",
        "javascript:alert(1)",
    ] {
        assert!(normalize_server(bad).is_err(), "{bad}");
    }
    let dir = tempfile::tempdir().unwrap();
    let remote = RemoteAccount::new(Arc::new(MemoryStore::default()), dir.path().into());
    // A code arriving without a sign-in started here (a link from elsewhere) is refused.
    let e = remote.complete("psd_anything").await.unwrap_err();
    assert_eq!(e.code.as_str(), "sign_in_failed");
    let url = remote.begin("http://127.0.0.1:9").unwrap();
    assert!(url.starts_with("http://127.0.0.1:9/auth/desktop?challenge="));
    let status = remote.status().await;
    assert!(status.pending && !status.signed_in);
    // An unreachable server: the failure is kept as the status's problem.
    let status = remote.finish_sign_in("psd_code").await;
    assert!(!status.signed_in && !status.pending);
    assert!(status.problem.unwrap().contains("could not reach"));
}

/// The desktop's whole sign-in against a real server and the real OpenID Connect provider
/// (scripts/services/oidc.sh): challenge, browser round trip, `pixelstudio://` code, exchange,
/// token in the keychain, the server account, publishing a local image, signing out.
#[tokio::test]
async fn signs_in_to_a_server_publishes_and_signs_out() {
    use crate::remote::{RemoteAccount, TOKEN_ENTRY};
    let Some(issuer) = oidc_issuer() else {
        return;
    };
    let server = TestServer::start(issuer).await;
    let base = server.base.clone();

    let f = fixture().await;
    let local = generate(&f.core, "a paper boat").await;
    let remote = RemoteAccount::new(f.secrets.clone(), f.core.data_dir().to_path_buf());
    let code = browser_sign_in(&remote, &base, "desk@example.com").await;

    let status = remote.finish_sign_in(&code).await;
    assert!(status.signed_in, "{status:?}");
    let account = status.account.expect("account");
    assert_eq!(account.email.as_deref(), Some("desk@example.com"));
    assert_eq!(account.credits, 9);
    assert!(
        f.secrets.secrets.lock().unwrap().contains_key(TOKEN_ENTRY),
        "the token lives in the keychain"
    );
    // The same code again (a replayed link) is refused and changes nothing.
    remote.begin(&base).unwrap();
    let replay = remote.finish_sign_in(&code).await;
    assert!(replay.problem.is_some() && replay.signed_in, "{replay:?}");

    let image_id = local["id"].as_str().unwrap();
    let published = remote
        .publish(&f.core, image_id, Some(pixel_core::Visibility::Public))
        .await
        .unwrap();
    let resp = reqwest::Client::new()
        .post(format!("{base}/api/ops/images.get"))
        .json(&json!({"image_id": published.server_image_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status().as_u16(),
        200,
        "public on the server, visible to anyone"
    );
    let image: Value = resp.json().await.unwrap();
    assert_eq!(image["record"]["params"]["prompt"], "a paper boat");

    let status = remote.sign_out().await.unwrap();
    assert!(!status.signed_in);
    assert!(!f.secrets.secrets.lock().unwrap().contains_key(TOKEN_ENTRY));
    let e = remote.publish(&f.core, image_id, None).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    // The local library is untouched by all of it.
    assert!(f
        .core
        .op("images.get", json!({"image_id": image_id}))
        .await
        .is_ok());
    server.stop().await;
}

/// The system browser's part of a desktop sign-in: our server, the provider (auto-approves as
/// `email`), our callback; returns the code of the `pixelstudio://auth/callback` link.
pub(crate) async fn browser_sign_in(
    remote: &crate::remote::RemoteAccount,
    base: &str,
    email: &str,
) -> String {
    let start = remote.begin(base).unwrap();
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = browser.get(&start).send().await.unwrap();
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let authorize = resp.headers()["location"].to_str().unwrap().to_string();
    let authorize = format!("{authorize}&login_hint={email}");
    let resp = browser.get(&authorize).send().await.unwrap();
    let callback = resp.headers()["location"].to_str().unwrap().to_string();
    let resp = browser
        .get(&callback)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let link = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(
        link.starts_with("pixelstudio://auth/callback?code="),
        "{link}"
    );
    let url = tauri::Url::parse(&link).unwrap();
    let crate::deeplink::LinkAction::AuthCallback { code } =
        crate::deeplink::parse_link(&url).unwrap()
    else {
        panic!("not a sign-in link");
    };
    code
}

/// The OpenID Connect provider of scripts/services/oidc.sh; None (the test skips) outside CI.
pub(crate) fn oidc_issuer() -> Option<String> {
    let issuer = std::env::var("OIDC_ISSUER").ok();
    if issuer.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "CI must run scripts/services/oidc.sh"
        );
        eprintln!("skipping: no OIDC_ISSUER");
    }
    issuer
}

/// A real Pixel Studio server on loopback (SQLite in a temporary folder), signing in through `issuer`.
pub(crate) struct TestServer {
    pub base: String,
    stop: tokio::sync::oneshot::Sender<()>,
    served: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start(issuer: String) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let config = pixel_server::Config {
            data_dir: dir.path().into(),
            database_url: Some(pixel_store::testing::sqlite_url(dir.path())),
            public_url: Some(base.clone()),
            google_client_id: Some("pixel-studio-test".into()),
            google_client_secret: Some("pixel-studio-test-secret".into()),
            oidc_issuer: issuer,
            charging: true,
            starting_credits: 9,
            ..pixel_server::Config::default()
        };
        let node = Arc::new(pixel_server::build_node(&config).await.unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.await;
            };
            if let Err(e) = pixel_server::http::serve(node, listener, shutdown).await {
                panic!("the test server failed: {e}");
            }
        });
        TestServer {
            base,
            stop,
            served,
            _dir: dir,
        }
    }

    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.served.await;
    }
}
