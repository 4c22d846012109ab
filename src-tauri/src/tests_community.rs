//! The team server's social side from signed-in desktops, against a real server and the real
//! OpenID Connect provider: its operations with the app's token, its media through the `pixel`
//! scheme's proxy (privacy kept), and its live events relayed as they happen.

use pixel_core::{ErrorCode, Visibility};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::community::RelayUpdate;
use crate::remote::RemoteAccount;
use crate::tests::{browser_sign_in, fixture, generate, oidc_issuer, TestServer};

async fn next_update(updates: &mut UnboundedReceiver<RelayUpdate>) -> RelayUpdate {
    tokio::time::timeout(Duration::from_secs(10), updates.recv())
        .await
        .expect("a relay update within 10 s")
        .expect("the relay is running")
}

/// The next event of the given type, skipping others (the stream carries every event of the account).
async fn next_event(updates: &mut UnboundedReceiver<RelayUpdate>, kind: &str) -> Value {
    loop {
        if let RelayUpdate::Event(text) = next_update(updates).await {
            let event: Value = serde_json::from_str(&text).expect("events are JSON");
            if event["type"] == kind {
                return event;
            }
        }
    }
}

#[tokio::test]
async fn a_signed_in_desktop_reaches_the_servers_social_side() {
    let Some(issuer) = oidc_issuer() else {
        return;
    };
    let server = TestServer::start(issuer).await;
    let base = server.base.clone();

    // Two desktops, two accounts: A publishes, B likes.
    let a_desk = fixture().await;
    let a = Arc::new(RemoteAccount::new(
        a_desk.secrets.clone(),
        a_desk.core.data_dir().to_path_buf(),
    ));
    let b_desk = fixture().await;
    let b = RemoteAccount::new(b_desk.secrets.clone(), b_desk.core.data_dir().to_path_buf());

    // Signed out, nothing of the server is reachable, and nothing is relayed.
    let e = a.call("explore.list", json!({})).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    let (tx, mut updates) = tokio::sync::mpsc::unbounded_channel();
    let relay = {
        let a = a.clone();
        tokio::spawn(async move {
            a.relay_forever(|u| {
                let _ = tx.send(u);
            })
            .await
        })
    };

    let code = browser_sign_in(&a, &base, "ana@example.com").await;
    assert!(a.finish_sign_in(&code).await.signed_in);
    // The sign-in wakes the relay: the stream opens without waiting for a retry.
    assert_eq!(
        next_update(&mut updates).await,
        RelayUpdate::Connected(true)
    );
    let code = browser_sign_in(&b, &base, "bo@example.com").await;
    assert!(b.finish_sign_in(&code).await.signed_in);

    let local = generate(&a_desk.core, "a lighthouse at dusk").await;
    let local_id = local["id"].as_str().unwrap();
    let public = a
        .publish(&a_desk.core, local_id, Some(Visibility::Public))
        .await
        .unwrap();
    let private = a
        .publish(&a_desk.core, local_id, Some(Visibility::Private))
        .await
        .unwrap();

    // Explore on B's desktop shows A's public image, not the private one.
    let page = b.call("explore.list", json!({})).await.unwrap();
    let ids: Vec<&str> = page["images"]
        .as_array()
        .expect("a page of images")
        .iter()
        .filter_map(|i| i["image"]["id"].as_str())
        .collect();
    assert_eq!(ids, vec![public.server_image_id.as_str()], "{page}");

    // B likes it: A's desktop hears of it at once, and the server's list agrees.
    let liked = b
        .call(
            "likes.like_image",
            json!({"image_id": public.server_image_id}),
        )
        .await
        .unwrap();
    assert_eq!(liked["likes"], 1);
    let event = next_event(&mut updates, "notification.created").await;
    assert_eq!(event["notification"]["kind"], "like", "{event}");
    let listed = a.call("notifications.list", json!({})).await.unwrap();
    assert_eq!(listed["unread"], 1, "{listed}");

    // Media through the proxy: the public image for anyone signed in, the private one for A only
    // (B gets the same 404 as for a missing image).
    let public_original = format!("/server/media/{}/original", public.server_image_id);
    let resp = b.media(&public_original, false, None).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/png");
    assert!(resp.body().starts_with(b"\x89PNG"), "PNG bytes");
    // The server's validators pass through, so the webview's cache revalidates instead of refetching.
    let tag = resp.headers()["etag"].to_str().unwrap().to_string();
    let again = b.media(&public_original, false, Some(&tag)).await.unwrap();
    assert_eq!(again.status(), 304);
    let thumb = format!("/server/media/{}/thumb", public.server_image_id);
    let resp = b.media(&thumb, true, None).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/webp");
    assert!(resp.body().is_empty(), "HEAD has no body");
    let private_original = format!("/server/media/{}/original", private.server_image_id);
    assert_eq!(
        a.media(&private_original, false, None)
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        b.media(&private_original, false, None)
            .await
            .unwrap()
            .status(),
        404
    );
    for bad in [
        "/server/media/../thumb",
        "/server/auth/logout",
        "/media/x/thumb",
    ] {
        let e = a.media(bad, false, None).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound, "{bad}");
    }

    // Errors keep the server's code; a name that is not an operation never leaves the app.
    let e = b
        .call(
            "likes.like_image",
            json!({"image_id": private.server_image_id}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = a.call("../auth/logout", json!({})).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::UnknownOperation);

    // Signing out closes the stream at once and the server is out of reach again.
    a.sign_out().await.unwrap();
    loop {
        if next_update(&mut updates).await == RelayUpdate::Connected(false) {
            break;
        }
    }
    let e = a.call("notifications.list", json!({})).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    relay.abort();
    server.stop().await;
}
