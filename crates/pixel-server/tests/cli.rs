//! The command line end to end with the real binary: `generate` in-process and against a running server
//! (`--server`), `migrate`, and clear errors for bad input.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pixel-studio-server"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PIXEL_LOG", "warn");
    c
}

/// Checks every image written to `out` decodes at the size asked for, beside a parseable record.
fn assert_outputs(out: &Path, n: usize, w: u32, h: u32, prompt: &str) {
    let mut pngs: Vec<_> = std::fs::read_dir(out)
        .expect("out dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pngs.sort();
    assert_eq!(pngs.len(), n, "{pngs:?}");
    for png in pngs {
        let img = image::open(&png).expect("decodes");
        assert_eq!((img.width(), img.height()), (w, h));
        let record: serde_json::Value = serde_json::from_slice(
            &std::fs::read(png.with_extension("json")).expect("record beside image"),
        )
        .expect("json");
        assert_eq!(record["record"]["params"]["prompt"], prompt);
        assert_eq!(record["record"]["provider"], "local");
    }
}

#[test]
fn generate_in_process_writes_images_and_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let status = bin()
        .env("PIXEL_DATA_DIR", dir.path().join("data"))
        .args([
            "generate",
            "--prompt",
            "a quiet harbour",
            "--n",
            "2",
            "--size",
            "320x256",
            "--seed",
            "9",
            "--out",
        ])
        .arg(&out)
        .status()
        .expect("run");
    assert!(status.success());
    assert_outputs(&out, 2, 320, 256, "a quiet harbour");
    // The same seed gives the same pixels on a second run.
    let again = dir.path().join("again");
    let status = bin()
        .env("PIXEL_DATA_DIR", dir.path().join("data2"))
        .args([
            "generate",
            "--prompt",
            "a quiet harbour",
            "--n",
            "1",
            "--size",
            "320x256",
            "--seed",
            "9",
            "--out",
        ])
        .arg(&again)
        .status()
        .expect("run");
    assert!(status.success());
    let first = |d: &Path| {
        let mut v: Vec<_> = std::fs::read_dir(d)
            .expect("dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with("-0.png"))
            .collect();
        v.sort();
        image::open(&v[0]).expect("decode").to_rgb8().into_raw()
    };
    assert_eq!(first(&out), first(&again));
}

#[test]
fn generate_writes_a_clip_as_mp4_beside_its_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let status = bin()
        .env("PIXEL_DATA_DIR", dir.path().join("data"))
        .args([
            "generate",
            "--prompt",
            "lanterns",
            "--model",
            "local-clip",
            "--size",
            "640x360",
            "--duration",
            "2",
            "--out",
        ])
        .arg(&out)
        .status()
        .expect("run");
    assert!(status.success());
    let clip = std::fs::read_dir(&out)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "mp4"))
        .expect("an .mp4");
    let info = pixel_video::probe(&std::fs::read(&clip).expect("read")).expect("decodes");
    assert_eq!((info.width, info.height, info.frames), (640, 360, 48));
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(clip.with_extension("json")).expect("record"))
            .expect("json");
    assert_eq!(record["record"]["video"]["frames"], 48);
}

#[test]
fn bad_input_exits_non_zero_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = bin()
        .env("PIXEL_DATA_DIR", dir.path())
        .args(["generate", "--prompt", "x", "--size", "10x10"])
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("width must be 256"), "{stderr}");
    let output = bin()
        .env("PIXEL_DATA_DIR", dir.path())
        .args(["generate", "--prompt", "x", "--size", "big"])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&output.stderr).contains("--size must look like"));
    let output = bin()
        .env("PIXEL_WORKERS", "lots")
        .arg("migrate")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("PIXEL_WORKERS"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_on_a_running_servers_data_dir_is_refused() {
    let server = TestServer::start(Opts::default()).await.expect("server");
    let data = server.data_dir().to_path_buf();
    let output = tokio::task::spawn_blocking(move || {
        bin()
            .env("PIXEL_DATA_DIR", &data)
            .args(["generate", "--prompt", "steal the leases"])
            .output()
            .expect("run")
    })
    .await
    .expect("join");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("another Pixel Studio process") && stderr.contains("--server"),
        "{stderr}"
    );
    let jobs = server.ok("generations.list", serde_json::json!({})).await;
    assert_eq!(jobs["jobs"].as_array().map(Vec::len), Some(0));
    server.shutdown().await;
}

#[test]
fn migrate_creates_the_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = bin()
        .env("PIXEL_DATA_DIR", dir.path())
        .arg("migrate")
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.path().join("pixel.db").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_against_a_running_server() {
    let server = TestServer::start(Opts::default()).await.expect("server");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let base = server.base.clone();
    let out2 = out.clone();
    let status = tokio::task::spawn_blocking(move || {
        bin()
            .args([
                "generate",
                "--prompt",
                "remote rivers",
                "--n",
                "3",
                "--size",
                "256x256",
                "--server",
                &base,
                "--out",
            ])
            .arg(&out2)
            .status()
            .expect("run")
    })
    .await
    .expect("join");
    assert!(status.success());
    assert_outputs(&out, 3, 256, 256, "remote rivers");
    let listed = server.ok("images.list", serde_json::json!({})).await;
    assert_eq!(
        listed["images"].as_array().map(Vec::len),
        Some(3),
        "the images live on the server"
    );
    server.shutdown().await;
}
