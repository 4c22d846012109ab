//! The command line: `serve` (default), `generate` (in-process or against a server), `migrate` and
//! `providers check` (in `providers_check`).

use clap::{Parser, Subcommand};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use pixel_core::catalogue::GenerationRequest;
use pixel_core::{Event, Image, Job, JobState};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "pixel-studio-server",
    version,
    about = "Pixel Studio: AI image generation server"
)]
pub struct Cli {
    /// Configuration file (default: ./pixel.toml if present, or PIXEL_CONFIG).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the web UI (the default).
    Serve,
    /// Generate images from the command line and write them with their records.
    Generate(GenerateArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Ask the configured providers what they serve today.
    #[command(subcommand)]
    Providers(crate::providers_check::ProvidersCommand),
}

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    #[arg(long)]
    pub prompt: String,
    /// Model id from the catalogue (default: the offline renderer `local-sketch`).
    #[arg(long, default_value = "local-sketch")]
    pub model: String,
    #[arg(long, default_value_t = 1)]
    pub n: u32,
    /// Size as WIDTHxHEIGHT, e.g. 1024x1024.
    #[arg(long)]
    pub size: Option<String>,
    #[arg(long)]
    pub seed: Option<i64>,
    #[arg(long)]
    pub negative_prompt: Option<String>,
    #[arg(long)]
    pub quality: Option<String>,
    /// Seconds of video, for a video model such as `local-clip` (its default when absent).
    #[arg(long)]
    pub duration: Option<u32>,
    /// Where to write the images and their JSON records.
    #[arg(long, default_value = "pixel-out")]
    pub out: PathBuf,
    /// Generate on a running server (e.g. http://127.0.0.1:8080) instead of in-process.
    #[arg(long)]
    pub server: Option<String>,
}

impl GenerateArgs {
    pub fn request(&self) -> anyhow::Result<GenerationRequest> {
        let (width, height) = match &self.size {
            None => (None, None),
            Some(s) => {
                let (w, h) = s
                    .to_lowercase()
                    .split_once('x')
                    .and_then(|(w, h)| {
                        Some((w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?))
                    })
                    .ok_or_else(|| anyhow::anyhow!("--size must look like 1024x1024; got '{s}'"))?;
                (Some(w), Some(h))
            }
        };
        Ok(GenerationRequest {
            prompt: self.prompt.clone(),
            model: self.model.clone(),
            n: Some(self.n),
            width,
            height,
            seed: self.seed,
            negative_prompt: self.negative_prompt.clone(),
            quality: self.quality.clone(),
            duration: self.duration,
            ..Default::default()
        })
    }
}

/// Progress bars, one per job.
struct Bars {
    bars: HashMap<String, ProgressBar>,
}

impl Bars {
    fn new(jobs: &[Job]) -> Self {
        let multi = MultiProgress::new();
        let style =
            ProgressStyle::with_template("{prefix:>8} [{bar:30.cyan/blue}] {percent:>3}% {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
        let bars = jobs
            .iter()
            .map(|j| {
                let b = multi.add(ProgressBar::new(100));
                b.set_style(style.clone());
                b.set_prefix(format!("image {}", j.index + 1));
                b.set_message("queued");
                (j.id.clone(), b)
            })
            .collect();
        Self { bars }
    }
    fn progress(&self, job_id: &str, p: f32) {
        if let Some(b) = self.bars.get(job_id) {
            b.set_message("running");
            b.set_position((p * 100.0) as u64);
        }
    }
    fn finish(&self, job: &Job) {
        if let Some(b) = self.bars.get(&job.id) {
            let msg = match (&job.state, &job.error) {
                (JobState::Succeeded, _) => "done".to_string(),
                (state, Some(e)) => format!("{}: {}", state.as_str(), e.message),
                (state, None) => state.as_str().to_string(),
            };
            b.finish_with_message(msg);
        }
    }
}

/// Writes an image and its record (`<set>-<index>.<ext>` and `.json`); returns the image path.
fn write_output(out: &Path, image: &Image, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(out)?;
    let ext = match image.mime.as_str() {
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        "video/mp4" => "mp4",
        "video/webm" => "webm",
        _ => "png",
    };
    let stem = format!("{}-{}", image.set_id, image.record.index);
    let path = out.join(format!("{stem}.{ext}"));
    std::fs::write(&path, bytes)?;
    std::fs::write(
        out.join(format!("{stem}.json")),
        serde_json::to_vec_pretty(&image)?,
    )?;
    Ok(path)
}

/// Waits for every job to end, showing progress; returns (succeeded images, failed jobs).
async fn follow(
    jobs: &[Job],
    mut next: impl AsyncFnMut() -> anyhow::Result<Option<Event>>,
) -> anyhow::Result<(Vec<Image>, Vec<Job>)> {
    let bars = Bars::new(jobs);
    let mut pending: std::collections::HashSet<String> =
        jobs.iter().map(|j| j.id.clone()).collect();
    let (mut images, mut failed) = (vec![], vec![]);
    while !pending.is_empty() {
        let Some(ev) = next().await? else {
            anyhow::bail!("the event stream ended before the jobs finished")
        };
        match ev {
            Event::GenerationProgress {
                job_id, progress, ..
            } => bars.progress(&job_id, progress),
            Event::GenerationStarted { job } => bars.progress(&job.id, 0.0),
            Event::GenerationCompleted { job, image, .. } if pending.remove(&job.id) => {
                bars.finish(&job);
                images.push(*image);
            }
            Event::GenerationFailed { job } if pending.remove(&job.id) => {
                bars.finish(&job);
                failed.push(job);
            }
            _ => {}
        }
    }
    Ok((images, failed))
}

fn report(images: &[Image], failed: &[Job], paths: &[PathBuf]) -> anyhow::Result<()> {
    for p in paths {
        println!("wrote {}", p.display());
    }
    for j in failed {
        let why = j
            .error
            .as_ref()
            .map(|e| e.message.as_str())
            .unwrap_or("unknown error");
        let refund = if j.refunded {
            format!(" ({} credits refunded)", j.cost)
        } else {
            String::new()
        };
        eprintln!("image {} {}: {why}{refund}", j.index + 1, j.state.as_str());
    }
    if !failed.is_empty() {
        anyhow::bail!(
            "{} of {} images failed",
            failed.len(),
            failed.len() + images.len()
        );
    }
    Ok(())
}

/// Generates in this process, on the configured data dir.
pub async fn generate_local(config: &crate::Config, args: &GenerateArgs) -> anyhow::Result<()> {
    let node = crate::build_node(config).await?;
    let runner = pixel_core::runner::Runner::start(&node.app).await?;
    let viewer = pixel_core::events::Viewer::of(&node.owner)
        .ok_or_else(|| anyhow::anyhow!("generating here needs the local owner"))?;
    let mut events = node.app.events.subscribe(viewer);
    let submitted =
        pixel_core::ops::generations_create(&node.app, &node.owner, args.request()?).await?;
    let result = follow(&submitted.jobs, async || loop {
        match events.recv().await {
            pixel_core::events::Received::Event(d) => return Ok(Some(d.event().clone())),
            pixel_core::events::Received::Missed(_) => continue,
            pixel_core::events::Received::Closed => return Ok(None),
        }
    })
    .await;
    runner.shutdown(std::time::Duration::from_secs(5)).await;
    let (images, failed) = result?;
    let mut paths = vec![];
    for image in &images {
        let bytes = node
            .app
            .blobs
            .get(&image.sha256)
            .await?
            .ok_or_else(|| anyhow::anyhow!("image file missing"))?;
        paths.push(write_output(&args.out, image, &bytes)?);
    }
    report(&images, &failed, &paths)
}

/// Generates on a running server: submit over HTTP, follow over its WebSocket, download the media.
pub async fn generate_remote(server: &str, args: &GenerateArgs) -> anyhow::Result<()> {
    use futures_util::StreamExt;
    let base = server.trim_end_matches('/');
    let ws_url = format!("{}/api/events", base.replacen("http", "ws", 1));
    // Subscribe before submitting so no event is missed.
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url.as_str()).await?;
    let client = reqwest::Client::new();
    let resp = client
        .post(format!("{base}/api/ops/generations.create"))
        .json(&args.request()?)
        .send()
        .await?;
    let status = resp.status();
    let body: serde_json::Value = resp.json().await?;
    if !status.is_success() {
        let msg = body["error"]["message"]
            .as_str()
            .unwrap_or("request failed");
        anyhow::bail!(
            "{} ({})",
            msg,
            body["error"]["code"].as_str().unwrap_or("error")
        );
    }
    let submitted: pixel_core::ops::SubmitOutput = serde_json::from_value(body)?;
    let (images, failed) = follow(&submitted.jobs, async || loop {
        match ws.next().await {
            Some(Ok(tokio_tungstenite::tungstenite::Message::Text(t))) => {
                if let Ok(ev) = serde_json::from_str::<Event>(t.as_str()) {
                    return Ok(Some(ev));
                }
            }
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(e.into()),
            None => return Ok(None),
        }
    })
    .await?;
    let mut paths = vec![];
    for image in &images {
        let bytes = client
            .get(format!("{base}{}", image.url))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        paths.push(write_output(&args.out, image, &bytes)?);
    }
    report(&images, &failed, &paths)
}
