//! The built-in video models: the offline clip renderer and the providers' text-to-video models, each
//! with the sizes and lengths its API makes and a price of credits per clip plus credits per second.

use super::builtin::preset;
use super::*;

/// A video model: one clip a request, no negative prompt, steps, guidance, quality or style.
struct VideoModel<'a> {
    id: &'a str,
    provider: &'a str,
    name: &'a str,
    description: &'a str,
    speed: Speed,
    sizes: Vec<SizePreset>,
    rule: VideoRule,
    credits: i64,
    seed: bool,
}

impl VideoModel<'_> {
    fn build(self) -> Model {
        let offline = is_offline_provider(self.provider);
        Model {
            id: self.id.into(),
            provider: self.provider.into(),
            name: self.name.into(),
            description: self.description.into(),
            offline,
            credits: self.credits,
            speed: self.speed,
            default_size: self.sizes[0].clone(),
            sizes: SizeRule::Fixed { sizes: self.sizes },
            // One clip a request: each takes minutes of a provider, or seconds of this machine.
            max_images: 1,
            negative_prompt: false,
            seed: self.seed,
            steps: None,
            cfg: None,
            qualities: vec![],
            styles: vec![],
            provider_model: None,
            quality_credits: vec![],
            prices: vec![],
            video: Some(self.rule),
        }
    }
}

pub(super) fn builtin() -> Vec<Model> {
    vec![
        VideoModel {
            id: OFFLINE_CLIP_MODEL_ID,
            provider: OFFLINE_CLIP_PROVIDER,
            name: "Offline clip renderer",
            description: "Built-in offline renderer of short looping clips: drifting lights drawn \
                          from your words, H.264 video. Not an AI model; needs no key and no network.",
            speed: Speed::Fast,
            sizes: vec![
                preset("Wide 16:9 (720p)", 1280, 720),
                preset("Square 1:1", 720, 720),
                preset("Tall 9:16", 720, 1280),
                preset("Small 16:9", 640, 360),
            ],
            rule: VideoRule {
                durations: vec![2, 4, 6, 8],
                default_duration: 4,
                fps: OFFLINE_CLIP_FPS,
                credits_per_second: 0,
                source_image: SourceImageRule::None,
            },
            credits: 0,
            seed: true,
        }
        .build(),
        // https://docs.dev.runwayml.com/api (POST /v1/text_to_video, version 2024-11-06, checked
        // 2026-12): veo3.1_fast makes 4, 6 or 8 s at 1280:720, 720:1280, 1920:1080 or 1080:1920,
        // 24 frames a second, and takes no seed. Priced as the original's Runway text to video.
        VideoModel {
            id: "runway-veo3.1-fast",
            provider: "runway",
            name: "Runway text to video (Veo 3.1 Fast)",
            description: "Google's Veo 3.1 Fast through Runway: a clip of 4 to 8 seconds from your \
                          words, up to 1080p.",
            speed: Speed::Slow,
            sizes: vec![
                preset("Wide 16:9 (720p)", 1280, 720),
                preset("Tall 9:16 (720p)", 720, 1280),
                preset("Wide 16:9 (1080p)", 1920, 1080),
                preset("Tall 9:16 (1080p)", 1080, 1920),
            ],
            rule: VideoRule {
                durations: vec![4, 6, 8],
                default_duration: 4,
                fps: 24,
                credits_per_second: 3,
                source_image: SourceImageRule::None,
            },
            credits: 10,
            seed: false,
        }
        .build(),
        // https://docs.dev.runwayml.com/api (POST /v1/image_to_video, checked 2026-12): gen4_turbo
        // animates an image (its first frame) for 2-10 s in six ratios, with a seed. Priced as the
        // original's Runway Gen-4 Turbo.
        VideoModel {
            id: "runway-gen4-turbo",
            provider: "runway",
            name: "Runway Gen-4 Turbo (image to video)",
            description: "Runway's Gen-4 Turbo brings one of your images to life: 2 to 10 \
                          seconds of motion, guided by your words.",
            speed: Speed::Slow,
            sizes: vec![
                preset("Wide 16:9", 1280, 720),
                preset("Tall 9:16", 720, 1280),
                preset("Landscape 4:3", 1104, 832),
                preset("Portrait 3:4", 832, 1104),
                preset("Square 1:1", 960, 960),
                preset("Cinema 21:9", 1584, 672),
            ],
            rule: VideoRule {
                durations: (2..=10).collect(),
                default_duration: 5,
                fps: 24,
                credits_per_second: 2,
                source_image: SourceImageRule::Required,
            },
            credits: 5,
            seed: true,
        }
        .build(),
        // https://docs.lumalabs.ai/docs/api (checked 2026-12): Ray 2 makes "5s" or "9s" clips at
        // 540p-4k in seven aspect ratios and takes no seed; an image to start from is a keyframe
        // URL Luma fetches. Offered at 720p in the three shapes the app uses (the size recorded is
        // the one read from the file). Priced as the original's Luma Dream Machine.
        VideoModel {
            id: "luma-ray-2",
            provider: "luma",
            name: "Luma Dream Machine (Ray 2)",
            description: "Luma's Ray 2: fluid, cinematic motion from your words, or from one of \
                          your images, 5 or 9 seconds at 720p.",
            speed: Speed::Slow,
            sizes: vec![
                preset("Wide 16:9 (720p)", 1280, 720),
                preset("Tall 9:16 (720p)", 720, 1280),
                preset("Square 1:1 (720p)", 960, 960),
            ],
            rule: VideoRule {
                durations: vec![5, 9],
                default_duration: 5,
                fps: 24,
                credits_per_second: 3,
                source_image: SourceImageRule::Optional,
            },
            credits: 10,
            seed: false,
        }
        .build(),
    ]
}
