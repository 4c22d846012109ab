//! Pixel Studio infrastructure adapters: content-addressed blob storage and the media pipeline.

pub mod blobs;
pub mod media;
pub mod metadata;
pub mod range;
pub mod serve;

pub use blobs::LocalBlobStore;
pub use media::ImagePipeline;
