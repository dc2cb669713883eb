//! An accuracy harness for `recommend` on histories its own model did not draw.
//!
//! Each history comes from a truth written here, one module a step:
//!
//! - [`curve`]: every campaign's expected revenue is a Hill, power or log curve;
//! - [`market`]: the channels' curves move with weekdays, seasons, drift, outages, pauses and
//!   launches, by kind of history;
//! - [`history`]: a year of days is drawn (Poisson conversions, noisy basket values, clicks and
//!   impressions from the funnel) and written as a platform's CSV with an account file;
//! - [`optimum`]: tomorrow's true optimum, by equal marginals, checked against brute force;
//! - [`score`]: `recommend`'s split and intervals scored against it.

pub mod curve;
pub mod history;
pub mod market;
pub mod optimum;
pub mod score;

/// A 64-bit hash of `parts` (SplitMix64 steps), from which every random stream is seeded: a
/// history's streams depend on its kind and seed only, never on the thread that builds it.
pub fn mix(parts: &[u64]) -> u64 {
    parts.iter().fold(0x9e37_79b9_7f4a_7c15, |state, &part| {
        let mut z = (state ^ part).wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
}
