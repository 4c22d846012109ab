//! Pixel Studio's benchmark tools: a realistic social data set seeded fast into either database, and a
//! closed-loop HTTP load driver for the explore, search, feed, trending and detail reads.

pub mod load;
pub mod seed;
