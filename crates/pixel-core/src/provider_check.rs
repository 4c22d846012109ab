//! `providers check`: asks each configured provider, the cheapest way its API allows, whether it still
//! answers and still serves the catalogue's models, with the same request code the jobs use.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::catalogue::{validate, Catalogue, GenerationRequest, Model};
use crate::ports::{JobContext, Provider, ProviderRequest};

/// What to check and what it may cost.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Only this provider id.
    pub provider: Option<String>,
    /// Whether a provider without a models list may be asked for one image (it costs money).
    pub make_images: bool,
    /// One image of every model of such a provider instead of only its cheapest.
    pub every_model: bool,
    /// Longest one call may take.
    pub timeout: Duration,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            provider: None,
            make_images: true,
            every_model: false,
            timeout: Duration::from_secs(180),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    NotConfigured,
    Works,
    /// It answers but something the catalogue relies on fails.
    Problems,
}

/// What one provider answered, in words.
#[derive(Debug, Clone)]
pub struct ProviderReport {
    pub id: String,
    pub name: String,
    pub verdict: Verdict,
    pub lines: Vec<String>,
    /// Catalogue ids the provider no longer serves or that failed to make an image.
    pub failing_models: Vec<String>,
}

/// The prompt of a check image: plain, so no provider's moderation has a reason to refuse it.
pub const CHECK_PROMPT: &str = "a red apple on a white table, studio light";

struct Unobserved;

#[async_trait::async_trait]
impl JobContext for Unobserved {
    async fn progress(&self, _fraction: f32) {}
    async fn remote_handle(&self, _handle: &str) {}
    async fn cancelled(&self) {
        std::future::pending::<()>().await
    }
}

/// Checks every configured provider (or the one asked for), one after another so the words come out
/// in a stable order and no provider's rate limit sees a burst.
pub async fn check_providers(
    catalogue: &Catalogue,
    providers: &[Arc<dyn Provider>],
    options: &CheckOptions,
) -> Vec<ProviderReport> {
    let mut reports = vec![];
    for provider in providers {
        // The built-in renderer has no account and no API to drift.
        if crate::catalogue::is_offline_provider(provider.id()) {
            continue;
        }
        if options
            .provider
            .as_deref()
            .is_some_and(|p| p != provider.id())
        {
            continue;
        }
        reports.push(check_one(catalogue, provider.as_ref(), options).await);
    }
    reports
}

async fn check_one(
    catalogue: &Catalogue,
    provider: &dyn Provider,
    options: &CheckOptions,
) -> ProviderReport {
    let mut report = ProviderReport {
        id: provider.id().to_string(),
        name: provider.name().to_string(),
        verdict: Verdict::NotConfigured,
        lines: vec![],
        failing_models: vec![],
    };
    if !provider.configured() {
        return report;
    }
    report.verdict = Verdict::Works;
    let health = crate::ports::health_within(provider, options.timeout).await;
    if health.reachable == Some(false) {
        report.verdict = Verdict::Problems;
        report.lines.push(format!(
            "cannot be reached: {}",
            health.message.as_deref().unwrap_or("no answer")
        ));
        return report;
    }
    if let Some(balance) = &health.balance {
        report.lines.push(format!("balance: {balance}"));
    }
    let mut models: Vec<&Model> = catalogue
        .models()
        .iter()
        .filter(|m| m.provider == provider.id())
        .collect();
    if models.is_empty() {
        report
            .lines
            .push("no catalogue model uses it (all disabled in the settings)".into());
        return report;
    }
    let asked: Vec<Model> = models.iter().map(|m| (*m).clone()).collect();
    let served = tokio::time::timeout(options.timeout, provider.served_models(&asked)).await;
    // Health words matter only where no models list says more precisely what is served.
    if matches!(served, Ok(None)) {
        report.lines.extend(health.message.clone());
    }
    match served {
        Err(_) => problem(
            &mut report,
            None,
            format!(
                "its models list did not answer within {} s",
                options.timeout.as_secs()
            ),
        ),
        Ok(Some(Err(e))) => problem(&mut report, None, format!("its models list answered: {e}")),
        Ok(Some(Ok(served))) => {
            for entry in served {
                let name = catalogue
                    .get(&entry.model_id)
                    .map_or(entry.model_id.as_str(), |m| m.name.as_str());
                if entry.served {
                    report
                        .lines
                        .push(format!("serves {name} (as {})", entry.provider_model));
                } else {
                    problem(
                        &mut report,
                        Some(&entry.model_id),
                        format!(
                            "no longer serves {name} (asked as {}): disable it with \
                             [models.{}] enabled = false, or PIXEL_DISABLED_MODELS",
                            entry.provider_model, entry.model_id
                        ),
                    );
                }
            }
        }
        Ok(None) if !options.make_images => report.lines.push(
            "its API has no models list; not asked for an image (--no-images), so its models are \
             not checked"
                .into(),
        ),
        Ok(None) => {
            // A model that animates an image cannot be checked without one: the others go first.
            models.sort_by(|a, b| {
                (needs_source_image(a), a.credits, &a.id).cmp(&(
                    needs_source_image(b),
                    b.credits,
                    &b.id,
                ))
            });
            let (tried, untried) = if options.every_model {
                (models.as_slice(), &[][..])
            } else {
                models.split_at(1)
            };
            for model in tried {
                make_image(&mut report, catalogue, provider, model, options).await;
            }
            if !untried.is_empty() {
                let names: Vec<&str> = untried.iter().map(|m| m.name.as_str()).collect();
                report.lines.push(format!(
                    "not checked: {} (its API has no models list and each costs an image; \
                     --every-model makes one of each)",
                    names.join(", ")
                ));
            }
        }
    }
    report
}

fn problem(report: &mut ProviderReport, model_id: Option<&str>, line: String) {
    report.verdict = Verdict::Problems;
    report.lines.push(line);
    if let Some(id) = model_id {
        report.failing_models.push(id.to_string());
    }
}

fn needs_source_image(model: &Model) -> bool {
    model
        .video
        .as_ref()
        .is_some_and(|v| v.source_image == crate::catalogue::SourceImageRule::Required)
}

/// Asks for one image of `model` at its default size through the provider's job code.
async fn make_image(
    report: &mut ProviderReport,
    catalogue: &Catalogue,
    provider: &dyn Provider,
    model: &Model,
    options: &CheckOptions,
) {
    if needs_source_image(model) {
        report.lines.push(format!(
            "not checked: {} (it animates an image from a library, which a check has none of)",
            model.name
        ));
        return;
    }
    let request = GenerationRequest {
        prompt: CHECK_PROMPT.into(),
        model: model.id.clone(),
        n: Some(1),
        ..Default::default()
    };
    let valid = match validate(catalogue, &request) {
        Ok(valid) => valid,
        Err(e) => {
            return problem(
                report,
                Some(&model.id),
                format!(
                    "{}: the catalogue refuses its own check request: {e}",
                    model.name
                ),
            )
        }
    };
    let request = ProviderRequest {
        job_id: format!("providers-check-{}", model.id),
        params: valid.params.clone(),
        seed: 1,
        resume_handle: None,
        provider_model: model.provider_model.clone(),
        source_image: None,
    };
    let started = Instant::now();
    let answer =
        tokio::time::timeout(options.timeout, provider.generate(&request, &Unobserved)).await;
    let seconds = started.elapsed().as_secs_f32();
    match answer {
        Ok(Ok(output)) if !output.image.bytes.is_empty() => report.lines.push(format!(
            "made a {}x{} image with {} in {seconds:.1} s ({} KB{})",
            valid.params.width,
            valid.params.height,
            model.name,
            output.image.bytes.len().div_ceil(1024),
            output
                .provider_model
                .map(|m| format!(", served by {m}"))
                .unwrap_or_default()
        )),
        Ok(Ok(_)) => problem(
            report,
            Some(&model.id),
            format!("{}: answered with an empty image", model.name),
        ),
        Ok(Err(e)) => problem(report, Some(&model.id), format!("{}: {e}", model.name)),
        Err(_) => problem(
            report,
            Some(&model.id),
            format!(
                "{}: no image within {} s",
                model.name,
                options.timeout.as_secs()
            ),
        ),
    }
}
