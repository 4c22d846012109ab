//! Pixel Studio infrastructure adapters: content-addressed blob storage, the media pipeline, and the
//! library export.

pub mod blobs;
pub mod exif;
pub mod export;
pub mod media;
pub mod metadata;
pub mod range;
pub mod record_formats;
pub mod serve;
pub mod stealth;

pub use blobs::LocalBlobStore;
pub use media::ImagePipeline;
