//! The test app the core's operation tests share: the real core on a real SQLite store and local
//! files, a scripted provider standing in for a paid one, and helpers to call operations by name.
#![allow(dead_code)] // each test target uses its own part of this module

use async_trait::async_trait;
use pixel_app::{wire, Wiring};
use pixel_core::account::{provision_account, AdmissionPolicy, VerifiedIdentity};
use pixel_core::ports::{
    JobContext, Provider, ProviderError, ProviderImage, ProviderOutput, ProviderRequest,
};
use pixel_core::registry::Registry;
use pixel_core::{App, AppConfig, Caller, ChargePolicy, Envelope, Event, Job, Role};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// A paid model the scripted provider serves; its price comes from the catalogue.
pub const PAID_MODEL: &str = "gpt-image-2";

/// Stands in for OpenAI: the prompt says how the call ends, so each test picks its path.
/// `[reject]` is refused, `[moderate]` is blocked by the safety system, `[flaky]` fails once
/// with a temporary error and then works, `[hang]` runs until cancelled; anything else works.
pub struct ScriptedProvider {
    pub calls: AtomicU32,
    pub configured: bool,
}

impl Default for ScriptedProvider {
    fn default() -> Self {
        Self {
            calls: AtomicU32::new(0),
            configured: true,
        }
    }
}

impl ScriptedProvider {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }
}

#[async_trait]
impl Provider for ScriptedProvider {
    fn id(&self) -> &'static str {
        "openai"
    }
    fn name(&self) -> &'static str {
        "OpenAI (scripted)"
    }
    fn configured(&self) -> bool {
        self.configured
    }
    async fn generate(
        &self,
        req: &ProviderRequest,
        ctx: &dyn JobContext,
    ) -> Result<ProviderOutput, ProviderError> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        let prompt = req.params.prompt.as_str();
        if prompt.contains("[reject]") {
            return Err(ProviderError::Rejected {
                message: "Invalid value for 'size'".into(),
            });
        }
        if prompt.contains("[moderate]") {
            return Err(ProviderError::Moderated {
                message: "Your request was rejected by the safety system".into(),
            });
        }
        if prompt.contains("[flaky]") && call == 0 {
            return Err(ProviderError::Retryable {
                message: "503 Service Unavailable".into(),
                retry_after: None,
            });
        }
        if prompt.contains("[hang]") {
            ctx.cancelled().await;
            return Err(ProviderError::Cancelled);
        }
        ctx.progress(0.5).await;
        let mut small = req.params.clone();
        small.width = 64;
        small.height = 64;
        let bytes = pixel_providers::offline::render_png(&small, req.seed, |_| {});
        Ok(ProviderOutput {
            image: ProviderImage {
                bytes,
                seed: None,
                revised_prompt: None,
            },
            provider_model: Some(PAID_MODEL.into()),
            request_id: Some(format!("req_{}", req.job_id)),
        })
    }
}

/// The core on SQLite in `dir`, wired by the composition root as the server and the desktop are,
/// charging credits, with fast retries so a retried job ends quickly, and the scripted provider in
/// OpenAI's place.
pub async fn test_app(dir: &Path, starting_credits: i64, provider: Arc<ScriptedProvider>) -> App {
    let mut wiring = Wiring::new(pixel_store::testing::sqlite_url(dir), dir.join("media"));
    wiring.config = AppConfig {
        charging: ChargePolicy::Charge,
        starting_credits,
        // Streaks and achievements stay out of other features' balances and notifications here;
        // the server's engagement tests run with them on.
        engagement: false,
        workers: 2,
        retry_base: Duration::from_millis(10),
        retry_max: Duration::from_millis(50),
        ..AppConfig::default()
    };
    wiring.event_capacity = 1024;
    let app = wire(wiring).await.expect("wired").app;
    app.replace_providers(vec![provider]);
    app
}

/// A person signed in through the identity provider, with their starting credits.
pub async fn sign_in(app: &App, subject: &str) -> Caller {
    let identity = VerifiedIdentity {
        issuer: "https://accounts.example.com/".into(),
        subject: subject.into(),
        name: Some(subject.into()),
        email: Some(format!("{subject}@example.com")),
        email_verified: true,
    };
    let user = provision_account(app, &identity, &AdmissionPolicy::default())
        .await
        .expect("account");
    Caller::User {
        id: user.id,
        role: Role::User,
        session: None,
    }
}

/// Calls an operation by name the way every transport does, and reads its answer.
pub async fn call<T: DeserializeOwned>(
    app: &App,
    caller: &Caller,
    name: &str,
    input: Value,
) -> pixel_core::Result<T> {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    let out = REGISTRY
        .get_or_init(Registry::standard)
        .call(app, caller, name, input)
        .await?;
    Ok(serde_json::from_value(out).expect("the answer has the documented shape"))
}

/// Waits for the job's end as its owner's clients learn it: the completed or failed event.
pub async fn job_end(events: &mut tokio::sync::broadcast::Receiver<Envelope>, job_id: &str) -> Job {
    let mut ended = jobs_end(events, &[job_id.to_string()]).await;
    ended.pop().expect("the job ends")
}

/// Waits for every job of `job_ids` to end, in whatever order they finish; returns them in the order
/// asked. (Waiting for one after another would drop an earlier-finishing job's event.)
pub async fn jobs_end(
    events: &mut tokio::sync::broadcast::Receiver<Envelope>,
    job_ids: &[String],
) -> Vec<Job> {
    let mut ended: std::collections::HashMap<String, Job> = std::collections::HashMap::new();
    // Real work on worker threads (decode, thumbnail, SQLite): bounded so a lost event fails the test.
    tokio::time::timeout(Duration::from_secs(30), async {
        while ended.len() < job_ids.len() {
            if let Envelope {
                event: Event::GenerationCompleted { job, .. } | Event::GenerationFailed { job },
                ..
            } = events.recv().await.expect("event bus open")
            {
                if job_ids.contains(&job.id) {
                    ended.insert(job.id.clone(), job);
                }
            }
        }
    })
    .await
    .expect("the jobs end");
    job_ids.iter().filter_map(|id| ended.remove(id)).collect()
}

/// Makes one image for `caller` through a real job, public or private.
pub async fn made_image(
    app: &App,
    caller: &Caller,
    prompt: &str,
    public: bool,
) -> pixel_core::Image {
    let mut events = app.events.observe_all();
    let out: pixel_core::ops::SubmitOutput = call(
        app,
        caller,
        "generations.create",
        serde_json::json!({ "prompt": prompt, "model": PAID_MODEL, "quality": "low" }),
    )
    .await
    .expect("submitted");
    let job = job_end(&mut events, &out.jobs[0].id).await;
    let id = job.image_id.expect("the job made an image");
    if public {
        let _: Value = call(
            app,
            caller,
            "images.set_visibility",
            serde_json::json!({ "image_ids": [id], "visibility": "public" }),
        )
        .await
        .expect("published");
    }
    call(
        app,
        caller,
        "images.get",
        serde_json::json!({ "image_id": id }),
    )
    .await
    .expect("the owner sees it")
}
