//! Shared harness of the server's end-to-end tests: a real server on a bound loopback port.
#![allow(dead_code)]

pub mod browser;
pub mod fakes;
pub mod zip;

use pixel_core::ports::{Clock, OffsetClock, SystemClock};
use pixel_server::{build_node_with_clock, Config};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

pub enum Db {
    Sqlite,
    Postgres,
}

pub struct Opts {
    pub db: Db,
    pub charging: bool,
    pub starting_credits: i64,
    pub openai_base_url: Option<String>,
    /// Base URLs of the other providers' fakes; each one set also configures the fake's key.
    pub stability_base_url: Option<String>,
    pub bfl_base_url: Option<String>,
    pub ideogram_base_url: Option<String>,
    pub together_base_url: Option<String>,
    pub huggingface_base_url: Option<String>,
    pub fal_base_url: Option<String>,
    pub replicate_base_url: Option<String>,
    pub runway_base_url: Option<String>,
    pub luma_base_url: Option<String>,
    /// Local engines' URLs (the A1111 fake's credentials are configured with it).
    pub a1111_url: Option<String>,
    /// The OpenAI-compatible fake's URL (configured without a key, with the fake's model name).
    pub openai_compat_base_url: Option<String>,
    pub comfyui_url: Option<String>,
    /// A path to a ComfyUI workflow template (`COMFYUI_TEMPLATE`).
    pub comfyui_template: Option<String>,
    /// The vision fake's URL: tags are proposed by it (with the fake's key).
    pub tagger_url: Option<String>,
    pub workers: usize,
    pub provider_timeout: Duration,
    /// Per-provider concurrency limits (`PIXEL_PROVIDER_CONCURRENCY`).
    pub concurrency: Vec<(String, usize)>,
    /// Sign-in through this OpenID Connect provider (multi-user mode) instead of single-owner mode.
    pub oidc: Option<OidcOpts>,
    /// The operator's model settings (`[models.<id>]`), which may name a fake's URL.
    pub models: Vec<(String, pixel_core::catalogue::ModelOverride)>,
    /// Last changes to the server's configuration (settings no other option covers).
    pub config: Option<fn(&mut Config)>,
    /// The clock the server runs on; tests that wait for an expiry move it instead of sleeping.
    pub clock: Option<Arc<OffsetClock>>,
    /// The Stripe fake's URL: the server sells credit packs through it (with the fake's keys).
    pub stripe_api_base: Option<String>,
    /// The Printful fake's URL: the server sells prints made through it (with the fake's token).
    pub printful_base_url: Option<String>,
}

#[derive(Clone)]
pub struct OidcOpts {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub admin_emails: Vec<String>,
    /// `PIXEL_ALLOWED_EMAILS`: who may sign in (the test users' domains by default).
    pub allowed_emails: Vec<String>,
    pub session_ttl: Duration,
    pub auth_rate_limit: u32,
}

impl OidcOpts {
    /// The provider started by `scripts/services/oidc.sh`, or None when it is not running (local
    /// runs); CI must have it.
    pub fn from_env() -> Option<OidcOpts> {
        match std::env::var("OIDC_ISSUER") {
            Ok(issuer) if !issuer.is_empty() => Some(OidcOpts {
                issuer,
                client_id: std::env::var("OIDC_CLIENT_ID")
                    .unwrap_or_else(|_| "pixel-studio-test".into()),
                client_secret: std::env::var("OIDC_CLIENT_SECRET")
                    .unwrap_or_else(|_| "pixel-studio-test-secret".into()),
                admin_emails: vec!["admin@example.com".into()],
                allowed_emails: vec!["@example.com".into(), "@other.org".into()],
                session_ttl: Duration::from_secs(3600),
                auth_rate_limit: 1000,
            }),
            _ => {
                assert!(
                    std::env::var("CI").is_err(),
                    "CI must run the OpenID Connect provider (scripts/services/oidc.sh) and export OIDC_ISSUER"
                );
                eprintln!("skipping: no OIDC_ISSUER (start scripts/services/oidc.sh)");
                None
            }
        }
    }
}

impl Default for Opts {
    fn default() -> Self {
        Self {
            db: Db::Sqlite,
            charging: false,
            starting_credits: 0,
            openai_base_url: None,
            stability_base_url: None,
            bfl_base_url: None,
            ideogram_base_url: None,
            together_base_url: None,
            huggingface_base_url: None,
            fal_base_url: None,
            replicate_base_url: None,
            runway_base_url: None,
            luma_base_url: None,
            a1111_url: None,
            openai_compat_base_url: None,
            comfyui_url: None,
            comfyui_template: None,
            tagger_url: None,
            workers: 4,
            concurrency: Vec::new(),
            provider_timeout: Duration::from_secs(2),
            oidc: None,
            models: Vec::new(),
            config: None,
            clock: None,
            stripe_api_base: None,
            printful_base_url: None,
        }
    }
}

/// The token in the Printful webhook address of a test server that sells prints.
pub const PRINTFUL_WEBHOOK_TOKEN: &str = "pf-webhook-test-token";

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub node: Arc<pixel_server::Node>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server, or returns None for PostgreSQL when no test server is configured (local runs).
    pub async fn start(opts: Opts) -> Option<TestServer> {
        let dir = tempfile::tempdir().expect("tempdir");
        let database_url = match opts.db {
            Db::Sqlite => pixel_store::testing::sqlite_url(dir.path()),
            Db::Postgres => pixel_store::testing::fresh_postgres_database().await?,
        };
        // Bound first: the public URL (the sign-in callback's address) needs the port.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let oidc = opts.oidc.clone();
        let config = Config {
            bind: "127.0.0.1:0".into(),
            public_url: Some(base.clone()),
            google_client_id: oidc.as_ref().map(|o| o.client_id.clone()),
            google_client_secret: oidc.as_ref().map(|o| o.client_secret.clone()),
            oidc_issuer: oidc
                .as_ref()
                .map(|o| o.issuer.clone())
                .unwrap_or_else(|| pixel_server::config::DEFAULT_OIDC_ISSUER.into()),
            admin_emails: oidc
                .as_ref()
                .map(|o| o.admin_emails.clone())
                .unwrap_or_default(),
            session_ttl: oidc
                .as_ref()
                .map(|o| o.session_ttl)
                .unwrap_or(Duration::from_secs(3600)),
            auth_rate_limit: oidc.as_ref().map(|o| o.auth_rate_limit).unwrap_or(10),
            allowed_emails: oidc
                .as_ref()
                .map(|o| o.allowed_emails.clone())
                .unwrap_or_default(),
            data_dir: dir.path().to_path_buf(),
            database_url: Some(database_url),
            ui_dir: dir.path().join("no-ui"),
            charging: opts.charging,
            starting_credits: opts.starting_credits,
            workers: opts.workers,
            provider_timeout: opts.provider_timeout,
            provider_concurrency: opts.concurrency,
            retry_base: Duration::from_millis(100),
            max_attempts: 3,
            lease: Duration::from_secs(5),
            openai_api_key: opts
                .openai_base_url
                .as_ref()
                .map(|_| pixel_testkit::openai_fake::FAKE_KEY.to_string()),
            openai_base_url: opts.openai_base_url,
            stability_api_key: opts
                .stability_base_url
                .as_ref()
                .map(|_| pixel_testkit::stability_fake::FAKE_KEY.to_string()),
            stability_base_url: opts.stability_base_url,
            bfl_api_key: opts
                .bfl_base_url
                .as_ref()
                .map(|_| pixel_testkit::bfl_fake::FAKE_KEY.to_string()),
            bfl_base_url: opts.bfl_base_url,
            ideogram_api_key: opts
                .ideogram_base_url
                .as_ref()
                .map(|_| pixel_testkit::ideogram_fake::FAKE_KEY.to_string()),
            ideogram_base_url: opts.ideogram_base_url,
            together_api_key: opts
                .together_base_url
                .as_ref()
                .map(|_| pixel_testkit::together_fake::FAKE_KEY.to_string()),
            together_base_url: opts.together_base_url,
            huggingface_api_key: opts
                .huggingface_base_url
                .as_ref()
                .map(|_| pixel_testkit::huggingface_fake::FAKE_KEY.to_string()),
            huggingface_base_url: opts.huggingface_base_url,
            fal_api_key: opts
                .fal_base_url
                .as_ref()
                .map(|_| pixel_testkit::fal_fake::FAKE_KEY.to_string()),
            fal_base_url: opts.fal_base_url,
            replicate_api_token: opts
                .replicate_base_url
                .as_ref()
                .map(|_| pixel_testkit::replicate_fake::FAKE_TOKEN.to_string()),
            replicate_base_url: opts.replicate_base_url,
            runway_api_key: opts
                .runway_base_url
                .as_ref()
                .map(|_| pixel_testkit::runway_fake::FAKE_KEY.to_string()),
            runway_base_url: opts.runway_base_url,
            luma_api_key: opts
                .luma_base_url
                .as_ref()
                .map(|_| pixel_testkit::luma_fake::FAKE_KEY.to_string()),
            luma_base_url: opts.luma_base_url,
            a1111_auth: opts
                .a1111_url
                .as_ref()
                .map(|_| pixel_testkit::a1111_fake::FAKE_AUTH.to_string()),
            a1111_url: opts.a1111_url,
            openai_compat_model: opts
                .openai_compat_base_url
                .as_ref()
                .map(|_| pixel_testkit::openai_compat_fake::FAKE_MODEL.to_string()),
            openai_compat_base_url: opts.openai_compat_base_url,
            comfyui_url: opts.comfyui_url,
            comfyui_template: opts.comfyui_template,
            tagger_api_key: opts
                .tagger_url
                .as_ref()
                .map(|_| pixel_testkit::vision_fake::FAKE_KEY.to_string()),
            tagger_url: opts.tagger_url,
            // Fakes answer at once: poll quickly so async tests stay fast.
            poll_interval: Duration::from_millis(20),
            model_overrides: opts.models.iter().cloned().collect(),
            // Suites call far faster than a person; the limits have their own test.
            rate_limits: pixel_server::limits::RateLimits::OFF,
            stripe_secret_key: opts
                .stripe_api_base
                .as_ref()
                .map(|_| pixel_testkit::stripe_fake::FAKE_SECRET_KEY.to_string()),
            stripe_webhook_secret: opts
                .stripe_api_base
                .as_ref()
                .map(|_| pixel_testkit::stripe_fake::FAKE_WEBHOOK_SECRET.to_string()),
            stripe_api_base: opts.stripe_api_base,
            printful_api_key: opts
                .printful_base_url
                .as_ref()
                .map(|_| pixel_testkit::printful_fake::FAKE_PRINTFUL_KEY.to_string()),
            printful_webhook_secret: opts
                .printful_base_url
                .as_ref()
                .map(|_| PRINTFUL_WEBHOOK_TOKEN.to_string()),
            printful_base_url: opts.printful_base_url,
            // Streaks and achievements stay out of other features' balances and notifications;
            // the suites about them (engagement, authz) turn them on.
            engagement: false,
            ..Config::default()
        };
        let mut config = config;
        if let Some(tweak) = opts.config {
            tweak(&mut config);
        }
        let clock: Arc<dyn Clock> = match opts.clock {
            Some(clock) => clock,
            None => Arc::new(SystemClock),
        };
        let node = Arc::new(
            build_node_with_clock(&config, clock)
                .await
                .expect("build node"),
        );
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(pixel_server::http::serve(
            node.clone(),
            listener,
            async move {
                let _ = stopped.await;
            },
        ));
        Some(TestServer {
            base,
            client: reqwest::Client::new(),
            node,
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
        })
    }

    /// The server's data dir (database and media).
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// Calls an operation; returns (status, body).
    pub async fn call(&self, method: &str, input: Value) -> (u16, Value) {
        let resp = self
            .client
            .post(format!("{}/api/ops/{method}", self.base))
            .json(&input)
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// Calls an operation that must succeed.
    pub async fn ok(&self, method: &str, input: Value) -> Value {
        let (status, body) = self.call(method, input).await;
        assert_eq!(status, 200, "{method} failed: {body}");
        body
    }

    /// Submits a one-image request and returns its job id.
    pub async fn submit_one(&self, input: Value) -> String {
        let created = self.ok("generations.create", input).await;
        created["jobs"][0]["id"]
            .as_str()
            .expect("job id")
            .to_string()
    }

    /// Submits a one-image request and waits for its job to end.
    pub async fn run_one(&self, input: Value) -> Value {
        let job_id = self.submit_one(input).await;
        self.wait_final(&job_id, Duration::from_secs(30)).await
    }

    /// The image a finished job made.
    pub async fn image_of(&self, job: &Value) -> Value {
        self.ok("images.get", json!({ "image_id": job["image_id"] }))
            .await
    }

    /// A job that ended without an image: its state, code and attempts, and exactly one refund of
    /// its cost in the ledger (a free job, on the user's own engine, has nothing to settle).
    pub async fn assert_ended(&self, job: &Value, state: &str, code: &str, attempts: u64) {
        let free = job["cost"].as_i64() == Some(0);
        assert_eq!(
            (
                job["state"].as_str(),
                job["error"]["code"].as_str(),
                job["attempts"].as_u64(),
                job["refunded"].as_bool()
            ),
            (Some(state), Some(code), Some(attempts), Some(!free)),
            "{job}"
        );
        let ledger = self.assert_ledger_balances().await;
        let settle: Vec<&Value> = ledger["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["job_id"] == job["id"])
            .collect();
        if free {
            assert!(settle.is_empty(), "a free job moves no credits: {settle:?}");
            return;
        }
        assert_eq!(settle.len(), 1, "one settlement: {settle:?}");
        assert_eq!(settle[0]["kind"], "refund");
        assert_eq!(settle[0]["amount"], job["cost"]);
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("get")
    }

    /// Waits until the job reaches a final state and returns it.
    pub async fn wait_final(&self, job_id: &str, within: Duration) -> Value {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let job = self
                .ok("generations.get", json!({ "job_id": job_id }))
                .await;
            let state = job["state"].as_str().unwrap_or("");
            if !["queued", "running"].contains(&state) {
                return job;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "job {job_id} still {state}"
            );
            // Polls the job over HTTP (real I/O) until a worker ends it.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn balance(&self) -> i64 {
        self.ok("account.get", json!({})).await["balance"]
            .as_i64()
            .expect("balance")
    }

    /// The ledger invariant: the balance is the sum of the entries, and never negative.
    pub async fn assert_ledger_balances(&self) -> Value {
        let ledger = self.ok("ledger.list", json!({ "limit": 200 })).await;
        assert_ledger_whole(&ledger);
        ledger
    }

    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(30), task).await;
        }
    }
}

/// Connects to the server's event stream.
pub async fn events(
    base: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let url = format!("{}/api/events", base.replacen("http", "ws", 1));
    let (ws, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .expect("websocket");
    ws
}

/// The next JSON event, or panics after `within`.
pub async fn next_event(
    ws: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    within: Duration,
) -> Value {
    use futures_util::StreamExt;
    loop {
        let msg = tokio::time::timeout(within, ws.next())
            .await
            .expect("event in time")
            .expect("stream open")
            .expect("frame");
        if let tokio_tungstenite::tungstenite::Message::Text(t) = msg {
            return serde_json::from_str(t.as_str()).expect("event json");
        }
    }
}

/// A job's error message, or "".
pub fn job_message(job: &Value) -> String {
    job["error"]["message"].as_str().unwrap_or("").to_string()
}

/// The generation record a desktop sends with `images.publish`: `provider` and `params` (which name the
/// model) as given, the rest fixed. The timings and ids are the desktop's own and replaced by the server.
pub fn published_record(provider: &str, provider_model: Option<&str>, params: Value) -> Value {
    let mut record = json!({
        "provider": provider, "model": params["model"].clone(), "params": params,
        "seed": 1, "cost": 0, "attempts": 1,
        "timings": {"queued_at": 1, "started_at": 2, "finished_at": 3, "provider_ms": 1, "processing_ms": 1},
        "retried_errors": [], "set_id": "local-set", "job_id": "local-job", "index": 0
    });
    if let Some(m) = provider_model {
        record["provider_model"] = json!(m);
    }
    record
}

/// The ledger invariant on a `ledger.list` answer: the balance is the sum of the entries, and neither
/// it nor any entry's balance after it is negative.
pub fn assert_ledger_whole(ledger: &Value) {
    let sum: i64 = ledger["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["amount"].as_i64().unwrap_or(0))
        .sum();
    let balance = ledger["balance"].as_i64().expect("balance");
    assert_eq!(sum, balance, "entries must sum to the balance: {ledger}");
    assert!(balance >= 0, "a negative balance: {balance}");
    for e in ledger["entries"].as_array().expect("entries") {
        assert!(
            e["balance_after"].as_i64().unwrap_or(-1) >= 0,
            "negative balance_after: {e}"
        );
    }
}

/// A multi-user server (sign-in through the test provider) that charges nobody; None where the OIDC
/// provider (or PostgreSQL) is not running.
pub async fn signed_in_server(db: Db) -> Option<TestServer> {
    let oidc = OidcOpts::from_env()?;
    TestServer::start(Opts {
        db,
        oidc: Some(oidc),
        ..Default::default()
    })
    .await
}

/// A multi-user server that charges in credits, each new account starting with `starting_credits`;
/// None where the OIDC provider (or PostgreSQL) is not running.
pub async fn charging_server(db: Db, starting_credits: i64) -> Option<TestServer> {
    let oidc = OidcOpts::from_env()?;
    TestServer::start(Opts {
        db,
        charging: true,
        starting_credits,
        oidc: Some(oidc),
        ..Default::default()
    })
    .await
}

/// An API token of `email`, signed in through the test provider (a bearer caller: no cookie, no CSRF).
pub async fn token_for(s: &TestServer, email: &str) -> String {
    let b = browser::Browser::new(&s.base);
    assert_eq!(b.sign_in(email).await.status().as_u16(), 303);
    let (_, me) = b.me().await;
    let csrf = me["csrf_token"].as_str().expect("csrf").to_string();
    let (status, out) = b
        .op("tokens.create", json!({"label": "test"}), Some(&csrf))
        .await;
    assert_eq!(status, 200, "{out}");
    out["token"].as_str().expect("token").to_string()
}

/// Calls an operation as the holder of `token` (anonymous without one); returns (status, body).
pub async fn call_as(
    s: &TestServer,
    token: Option<&str>,
    method: &str,
    input: &Value,
) -> (u16, Value) {
    let mut req = s
        .client
        .post(format!("{}/api/ops/{method}", s.base))
        .json(input);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Calls an operation that must succeed as the holder of `token`; returns its answer.
/// The account's notifications of `kind` now (its newest 200), newest first.
pub async fn notes_of_kind(s: &TestServer, token: &str, kind: &str) -> Vec<Value> {
    let notes = ok_as(s, token, "notifications.list", json!({"limit": 200})).await;
    notes["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter(|n| n["kind"] == kind)
        .cloned()
        .collect()
}

pub async fn ok_as(s: &TestServer, token: &str, method: &str, input: Value) -> Value {
    let (status, out) = call_as(s, Some(token), method, &input).await;
    assert_eq!(status, 200, "{method}: {out}");
    out
}

/// A finished offline image of the caller's, made public; returns its id.
pub async fn public_image(s: &TestServer, token: &str, prompt: &str) -> String {
    let (status, created) = call_as(
        s,
        Some(token),
        "generations.create",
        &json!({"prompt": prompt, "model": "local-sketch"}),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let job_id = created["jobs"][0]["id"].as_str().expect("job").to_string();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    let image_id = loop {
        let (_, job) = call_as(
            s,
            Some(token),
            "generations.get",
            &json!({"job_id": job_id}),
        )
        .await;
        if let Some(id) = job["image_id"].as_str() {
            break id.to_string();
        }
        assert!(tokio::time::Instant::now() < deadline, "{job}");
        // Polls the job over HTTP until the worker ends it.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let (status, out) = call_as(
        s,
        Some(token),
        "images.set_visibility",
        &json!({"image_ids": [image_id], "visibility": "public"}),
    )
    .await;
    assert_eq!(status, 200, "{out}");
    image_id
}

/// Waits for every job of a submission to end.
pub async fn settled(s: &TestServer, token: &str, submitted: &Value) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    for job in submitted["jobs"].as_array().expect("jobs") {
        loop {
            let now = ok_as(s, token, "generations.get", json!({"job_id": job["id"]})).await;
            if !["queued", "running"].contains(&now["state"].as_str().unwrap_or("")) {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "{now}");
            // Polls the job over HTTP until a worker ends it.
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

/// Now, in seconds (webhook signatures carry it).
pub fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Delivers one event to the Stripe webhook, signed as Stripe signs it now; returns (status, body).
pub async fn deliver_stripe(s: &TestServer, payload: &str) -> (u16, Value) {
    let signature = pixel_testkit::stripe_fake::sign(
        payload,
        pixel_testkit::stripe_fake::FAKE_WEBHOOK_SECRET,
        now_seconds(),
    );
    let resp = s
        .client
        .post(format!("{}/api/payments/stripe", s.base))
        .header("content-type", "application/json")
        .header("stripe-signature", signature)
        .body(payload.to_string())
        .send()
        .await
        .expect("webhook");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Waits (with a generous deadline) until `done` holds; for effects that happen after a job ends.
pub async fn eventually(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        // Polls real I/O (the job over HTTP, the fake's counters) until the worker gets there.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Submits a held job, waits until its task is polled, cancels it and checks the refund.
pub async fn cancel_while_polling(server: &TestServer, input: Value, polled: impl Fn() -> bool) {
    let job_id = server.submit_one(input).await;
    eventually("the task is polled", &polled).await;
    server
        .ok("generations.cancel", json!({ "job_id": job_id }))
        .await;
    let job = server.wait_final(&job_id, Duration::from_secs(20)).await;
    server.assert_ended(&job, "cancelled", "cancelled", 1).await;
}
