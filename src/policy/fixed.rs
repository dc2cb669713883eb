//! The fixed split: the same shares every day, learning nothing. The baseline a strategist
//! starts from ("a fifth to each channel", or last quarter's plan).
//!
//! With winner-takes-all allocation the shares become the probabilities of funding each
//! channel on a day, so the expected split is still the given one.

use super::{Day, Observations, Policy, all_on};
use crate::scenario::Allocation;
use crate::streams::StreamRng;
use rand::RngExt;
use serde::Serialize;

/// Parameters of the fixed split.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixedParams {
    /// Share of the budget per channel, in channel order, summing to 1; `None` for equal shares.
    pub shares: Option<Vec<f64>>,
}

/// The fixed-split policy.
#[derive(Debug, Clone)]
pub struct Fixed {
    shares: Vec<f64>,
}

impl Fixed {
    /// A fixed split over `channels` channels.
    pub fn new(params: &FixedParams, channels: usize) -> Self {
        let shares = params
            .shares
            .clone()
            .unwrap_or_else(|| vec![1.0 / channels as f64; channels]);
        Fixed { shares }
    }
}

impl Policy for Fixed {
    fn allocate(&mut self, day: &Day, _: &Observations, rng: &mut StreamRng, spend: &mut [f64]) {
        match day.allocation {
            Allocation::Proportional => {
                for (s, share) in spend.iter_mut().zip(&self.shares) {
                    *s = share * day.budget;
                }
            }
            Allocation::WinnerTakesAll => {
                let mut pick = rng.random::<f64>();
                let mut chosen = self.shares.len() - 1;
                for (i, share) in self.shares.iter().enumerate() {
                    if pick < *share {
                        chosen = i;
                        break;
                    }
                    pick -= share;
                }
                all_on(spend, chosen, day.budget);
            }
        }
    }
}
