//! Pixel Studio's benchmark tools: a realistic social data set seeded fast into either database, and a
//! closed-loop HTTP load driver for the explore, search, feed, trending and detail reads, and the library
//! export's memory on a seeded library.

pub mod export;
pub mod library;
pub mod load;
pub mod seed;
