//! GP combinatorial bandits (`gp-ucb`, `gp-thompson`): each channel's units curve is a Gaussian
//! process over spend, its value per unit a conjugate posterior, and the day's split a knapsack
//! over a spend grid.
//!
//! This is AdComB (Nuara, Trovò, Gatti and Restelli, "A combinatorial-bandit algorithm for the
//! online joint bid/budget optimization of pay-per-click advertising campaigns", AAAI 2018) with
//! the bid dimension left out: the simulator's channels have a price, not a bid.
//!
//! **Units curve.** Channel `i`'s expected paid units (impressions per mille for CPM, clicks,
//! leads or acquisitions; see [`crate::channel`]) at spend `s`, `u_i(s)`, has a zero-mean GP
//! prior with the squared-exponential kernel conditioned on `u_i(0) = 0`:
//!
//! ```text
//! k(x, y) = σ_f² exp(−(x − y)² / 2ℓ²),
//! k₀(x, y) = k(x, y) − k(x, 0) k(0, y) / k(0, 0) = σ_f² [exp(−(x − y)² / 2ℓ²) − exp(−(x² + y²) / 2ℓ²)]
//! ```
//!
//! `k₀` is exactly the posterior covariance of the GP after a noise-free pseudo-observation
//! `(0, 0)`, so the two give the same posterior; the kernel form keeps that observation out of
//! the Gram matrix, which a noise-free row would make singular up to rounding, and gives the
//! posterior mean and variance exactly zero at zero spend (see [`kernel`]). A day that spent
//! `s_t` and bought `n_t` units observes `n_t = u_i(s_t) + ε_t`, `ε_t ~ N(0, σ²)`.
//!
//! **Hyperparameters.** Fixed rules from the data's scale, recomputed whenever the channel's
//! data change:
//!
//! ```text
//! ℓ = 0.4 B,    σ_f = max_a ȳ_a,
//! σ² = (ν₀ (0.1 σ_f)² + Σ_a Σ_{t at a} (n_t − ȳ_a)²) / (ν₀ + Σ_a (n_a − 1)),    ν₀ = 2
//! ```
//!
//! with `B` the daily budget and `ȳ_a` the mean units of the `n_a` days at grid point `a`. The
//! length scale lets a curve bend within a fraction of the budget (the scenarios' curves
//! saturate between a tenth of the budget and several budgets); the signal scale is the largest
//! mean seen, so a curve may double beyond its observed top at two standard deviations; the
//! noise is the scatter of repeated days at one spend, shrunk towards 10% of the signal with
//! the weight of two days while few spends repeat. On `saturation` (100 replications) `ℓ` of
//! 0.2, 0.3, 0.4 and 0.5 `B` gave gp-ucb (`β = 2`) 42,169, 37,344, 40,702 and 53,238 and
//! gp-thompson 145,352, 91,507, 63,002 and 58,861. Maximising the marginal likelihood (ML-II)
//! over `ℓ ∈ {0.1, 0.2, 0.3, 0.5, 0.75, 1} B` and `σ_f ∈ {0.5, 1, 2, 4} max ȳ` every time the
//! data change gave gp-ucb 39,084 and gp-thompson 73,864, at 24 Cholesky factorisations per
//! channel and day: no better, so the rules stay fixed (and a day's cost bounded).
//!
//! **Aggregation.** Spends come from the grid `s = j · B / G`, `j = 0..=G` (`grid = G`, 40 by
//! default); a day's spend that falls off the grid (floors, caps, pacing, the even first day)
//! is snapped to the nearest grid point (at least one step when anything was spent), an error
//! of at most half a step, `B / 2G`. Days at one grid point are kept as count, sum and sum of
//! squares: their mean with noise `σ² / n_a` carries exactly what the days apart do about the
//! curve (see [`posterior`]), so the GP has at most `2G + 1` inputs (spends beyond the budget,
//! from an account's history, are kept up to `2B`) and a day costs `O(G³)` per channel that
//! bought anything new, whatever the horizon; other channels keep their posterior. Every input
//! and output is a grid point and `ℓ` is fixed, so the kernel's exponentials are tabulated
//! once per grid (`kernel::KernelTable`) and a refit only multiplies in the new `σ_f²`.
//!
//! **Value per unit.** Revenue per paid unit, `r_i = ρ_i τ_i v_i`, has the conjugate posterior
//! of [Thompson sampling](super::thompson) (conversion rate `ρ_i ~ Beta`, value per conversion
//! `v_i ~ Gamma`, `τ_i` trials per unit): `gp-thompson` draws it (a ROAS draw divided by the
//! observed units per spend), `gp-ucb` takes its posterior mean
//! `E[ρ_i] τ_i v̂_i = (α₀ + C_i) / (α₀ + β₀ + T_i) · τ_i · v̂_i`, as AdComB takes the mean value
//! per click and the upper bound of the clicks. A channel that has bought no unit yet is valued
//! as Thompson sampling values an untried channel: a linear curve `θ s` with `θ` drawn
//! (`gp-thompson`) or at its prior mean (`gp-ucb`), `α₀ / (α₀ + β₀)` times the best known
//! `τ λ v̂`.
//!
//! **Curves for the day.** `gp-ucb` takes the upper bound `μ_i(s) + sqrt(β) σ_i(s)` at every
//! grid point with a constant `β` (`beta`, 2 by default); `gp-thompson` draws one joint sample
//! of every channel's curve at the grid points from its posterior (the Cholesky factor of the
//! posterior covariance at the grid times standard normals). AdComB's schedule,
//! `β_t = 2 ln(π² K (G + 1) t² / (3δ))` for `K` channels of `G + 1` grid points (`√β_t` from 4.3
//! on day 1 to 6.0 on day 90 of `saturation` with `δ = 0.05`), makes the bound hold with probability `1 − δ` for the
//! regret analysis but explores far too long for a horizon of months: on `saturation` it
//! lost 105,679 (100 replications), more than the even split's 99,643, where `β` of 0.5, 1, 2
//! and 4 lost 45,810, 40,860, 40,702 and 46,765. A constant `β` is the usual practice
//! (Srinivas et al., 2010, scale their `β_t` down by a factor of 5 in their experiments).
//!
//! **Split.** Channel `i` spending `j` steps is worth `v_i(j) = V(r_i u_i(j B / G), j B / G)`,
//! with `V(R, S) = R` for the revenue objective and `R / τ − S` for profit, as the
//! [oracle](crate::oracle) values a split; the [knapsack] picks the steps that
//! maximise `Σ v_i`, spending all `G` steps (revenue) or at most `G` (profit), within the day's
//! floors and caps rounded inwards to the grid (outwards if that leaves no feasible split), and
//! the result is projected onto the exact bounds (a no-op when they fall on the grid). Under
//! winner-takes-all the whole budget goes to the channel with the highest `v_i(G)`.
//!
//! **First day.** With nothing bought anywhere the budget is split evenly (under
//! winner-takes-all: one channel at random), as the other learners open.

pub mod kernel;
pub mod knapsack;
pub mod posterior;

use super::thompson::{Beliefs, ThompsonParams};
use super::{Arrival, Day, Observations, Policy, all_on, argmax_random_ties};
use crate::channel::Pricing;
use crate::constraints::project;
use crate::scenario::{Allocation, Scenario};
use crate::simulate::Outcome;
use crate::streams::StreamRng;
use knapsack::Knapsack;
use posterior::{GridData, GridPosterior};
use rand::RngExt;
use serde::Serialize;

/// Parameters of the GP bandits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GpParams {
    /// Steps of the spend grid, `G`: spends are multiples of `B / G`.
    pub grid: usize,
    /// `gp-ucb`'s `β` of the bound `μ + sqrt(β) σ` (`None` for `gp-thompson`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beta: Option<f64>,
    /// Prior of the conversion rate, as for Thompson sampling (`draws` is unused).
    #[serde(flatten)]
    pub thompson: ThompsonParams,
}

impl GpParams {
    /// The default grid, 40 steps of 2.5% of the budget.
    pub const DEFAULT_GRID: usize = 40;
    /// The default `β`: the bound at `μ + 1.41 σ`.
    pub const DEFAULT_BETA: f64 = 2.0;
}

impl Default for GpParams {
    fn default() -> Self {
        GpParams {
            grid: Self::DEFAULT_GRID,
            beta: None,
            thompson: ThompsonParams::default(),
        }
    }
}

/// How a GP bandit turns posteriors into the day's curves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// Upper confidence bounds of the units, mean value per unit.
    Ucb,
    /// A joint posterior draw of the units, a drawn value per unit.
    Thompson,
}

/// A GP combinatorial bandit (see the module docs).
#[derive(Debug, Clone)]
pub struct GpBandit {
    params: GpParams,
    rule: Rule,
    /// `B / G` of the scenario's daily budget.
    step: f64,
    budget: f64,
    data: Vec<GridData>,
    posteriors: Vec<GridPosterior>,
    /// Whether each channel's posterior is fitted to its current data.
    fitted: Vec<bool>,
    beliefs: Beliefs,
    values: Vec<Vec<f64>>,
    curve: Vec<f64>,
    normals: Vec<f64>,
    lo: Vec<usize>,
    hi: Vec<usize>,
    steps: Vec<usize>,
    knapsack: Knapsack,
}

impl GpBandit {
    /// A fresh learner for one replication of `scenario`.
    pub fn new(params: GpParams, rule: Rule, scenario: &Scenario) -> Self {
        let channels = scenario.channels.len();
        let grid = params.grid;
        GpBandit {
            params,
            rule,
            step: scenario.daily_budget / grid as f64,
            budget: scenario.daily_budget,
            data: vec![GridData::new(2 * grid + 1); channels],
            posteriors: vec![GridPosterior::default(); channels],
            fitted: vec![false; channels],
            beliefs: Beliefs::default(),
            values: vec![Vec::with_capacity(grid + 1); channels],
            curve: Vec::with_capacity(grid + 1),
            normals: Vec::with_capacity(grid),
            lo: vec![0; channels],
            hi: vec![grid; channels],
            steps: vec![0; channels],
            knapsack: Knapsack::default(),
        }
    }

    /// Each channel's value of every number of grid steps, into `self.values`.
    fn value_curves(&mut self, day: &Day, observed: &Observations, rng: &mut StreamRng) {
        let grid = self.params.grid;
        let root_beta = self.params.beta.unwrap_or(GpParams::DEFAULT_BETA).sqrt();
        let beliefs = self.beliefs.update(&self.params.thompson, observed);
        let channels = observed.channels();
        let pooled_value = observed.pooled_value_per_conversion().unwrap_or(1.0);
        let prior = &self.params.thompson;
        // Thompson sampling's scale for a channel that bought nothing: the best known τ λ v̂.
        let best_scale = channels
            .iter()
            .filter_map(|c| {
                c.units_per_spend().map(|units| {
                    c.pricing.trials_per_unit()
                        * units
                        * c.value_per_conversion().unwrap_or(pooled_value)
                })
            })
            .fold(None, |best: Option<f64>, x| {
                Some(best.map_or(x, |b| b.max(x)))
            })
            .unwrap_or(1.0);
        for i in 0..channels.len() {
            let channel = &channels[i];
            let belief = &beliefs[i];
            let values = &mut self.values[i];
            values.clear();
            let spend = |j: usize| j as f64 * self.step;
            match belief.units_per_spend() {
                Some(units_per_spend) if !self.data[i].is_empty() => {
                    if !self.fitted[i] {
                        let (kernel, noise) = kernel::hyperparameters(&self.data[i], self.budget);
                        self.posteriors[i].fit(
                            &self.data[i],
                            self.step,
                            grid,
                            &kernel,
                            noise,
                            self.rule == Rule::Thompson,
                        );
                        self.fitted[i] = true;
                    }
                    let posterior = &self.posteriors[i];
                    let unit_value = match self.rule {
                        Rule::Ucb => {
                            let rate = if channel.pricing == Pricing::Cpa {
                                1.0
                            } else {
                                let failures =
                                    (channel.matured_trials - channel.conversions).max(0.0);
                                (prior.prior_alpha + channel.conversions)
                                    / (prior.prior_alpha
                                        + prior.prior_beta
                                        + channel.conversions
                                        + failures)
                            };
                            rate * channel.pricing.trials_per_unit()
                                * channel.value_per_conversion().unwrap_or(pooled_value)
                        }
                        Rule::Thompson => belief.draw(rng) / units_per_spend,
                    };
                    match self.rule {
                        Rule::Ucb => {
                            for j in 0..=grid {
                                let units = posterior.mean[j] + root_beta * posterior.sd[j];
                                values.push(day.objective.value(unit_value * units, spend(j)));
                            }
                        }
                        Rule::Thompson => {
                            posterior.draw(rng, &mut self.normals, &mut self.curve);
                            for (j, units) in self.curve.iter().enumerate() {
                                values.push(day.objective.value(unit_value * units, spend(j)));
                            }
                        }
                    }
                }
                _ => {
                    // Nothing bought yet: a constant return, as Thompson sampling has it.
                    let roas = match self.rule {
                        Rule::Ucb => {
                            prior.prior_alpha / (prior.prior_alpha + prior.prior_beta) * best_scale
                        }
                        Rule::Thompson => belief.draw(rng),
                    };
                    for j in 0..=grid {
                        values.push(day.objective.value(roas * spend(j), spend(j)));
                    }
                }
            }
        }
    }

    /// Grid steps allowed per channel by `day.bounds`: rounded inwards, or outwards when that
    /// leaves no feasible split. `total` is the budget in steps.
    fn grid_bounds(&mut self, day: &Day, total: usize) {
        let exact = day.objective.spends_all();
        let fits = |lo: &[usize], hi: &[usize]| {
            lo.iter().zip(hi).all(|(l, h)| l <= h)
                && lo.iter().sum::<usize>() <= total
                && (!exact || hi.iter().sum::<usize>() >= total)
        };
        for (i, (low, high)) in day.bounds.low.iter().zip(&day.bounds.high).enumerate() {
            self.lo[i] = ((low / self.step - 1e-9).ceil().max(0.0) as usize).min(total);
            self.hi[i] = ((high / self.step + 1e-9).floor().max(0.0) as usize).min(total);
        }
        if !fits(&self.lo, &self.hi) {
            for (i, (low, high)) in day.bounds.low.iter().zip(&day.bounds.high).enumerate() {
                self.lo[i] = ((low / self.step + 1e-9).floor().max(0.0) as usize).min(total);
                self.hi[i] = ((high / self.step - 1e-9).ceil().max(0.0) as usize).min(total);
            }
        }
    }
}

impl Policy for GpBandit {
    fn allocate(
        &mut self,
        day: &Day,
        observed: &Observations,
        rng: &mut StreamRng,
        spend: &mut [f64],
    ) {
        if observed.channels().iter().all(|c| c.is_untried()) {
            match day.allocation {
                Allocation::Proportional => spend.fill(day.budget / spend.len() as f64),
                Allocation::WinnerTakesAll => {
                    let pick = rng.random_range(0..spend.len());
                    all_on(spend, pick, day.budget);
                }
            }
            return;
        }
        self.value_curves(day, observed, rng);
        let total = ((day.budget / self.step).round() as usize).min(self.params.grid);
        match day.allocation {
            Allocation::WinnerTakesAll => {
                let at_budget: Vec<f64> = self.values.iter().map(|v| v[total]).collect();
                let best = argmax_random_ties(&at_budget, rng);
                all_on(spend, best, day.budget);
            }
            Allocation::Proportional => {
                self.grid_bounds(day, total);
                let exact = day.objective.spends_all();
                let solved = self.knapsack.solve(
                    &self.values,
                    &self.lo,
                    &self.hi,
                    total,
                    exact,
                    &mut self.steps,
                );
                if solved.is_some() {
                    for (s, &j) in spend.iter_mut().zip(&self.steps) {
                        *s = j as f64 * self.step;
                    }
                } else {
                    spend.copy_from_slice(&day.bounds.low);
                }
                project(spend, day.bounds, day.budget, exact);
            }
        }
    }

    fn observe(&mut self, _day: &Day, bought: &[Outcome], _arrived: &[Arrival]) {
        for (i, outcome) in bought.iter().enumerate() {
            if outcome.allocated > 0.0 {
                let g = ((outcome.allocated / self.step).round() as usize).max(1);
                self.data[i].add(g, outcome.units as f64);
                self.fitted[i] = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use rand::SeedableRng;

    fn scenario(source_policies: &str) -> Scenario {
        let source = format!(
            "name = \"gp\"\ndays = 30\ndaily_budget = 1000.0\n\
             [[channels]]\nname = \"a\"\npricing = \"cpc\"\nprice = 1.0\ncvr = 0.05\nvalue = 100.0\naudience = 400.0\n\
             [[channels]]\nname = \"b\"\npricing = \"cpc\"\nprice = 2.0\ncvr = 0.05\nvalue = 100.0\naudience = 2000.0\n{source_policies}"
        );
        Scenario::from_toml("gp", &source).unwrap()
    }

    /// The first day is even; later days are on the grid and spend the budget.
    #[test]
    fn days_are_even_then_on_the_grid() {
        let scenario = scenario("");
        for rule in [Rule::Ucb, Rule::Thompson] {
            let mut policy = GpBandit::new(GpParams::default(), rule, &scenario);
            let mut observed = Observations::new([Pricing::Cpc; 2]);
            let mut rng = StreamRng::seed_from_u64(2);
            let mut spend = vec![0.0; 2];
            let day = crate::policy::test_day(0, 1000.0, Allocation::Proportional, 2);
            policy.allocate(&day, &observed, &mut rng, &mut spend);
            assert_eq!(spend, vec![500.0, 500.0]);
            for index in 1..6 {
                let outcomes: Vec<Outcome> = scenario
                    .channels
                    .iter()
                    .zip(&spend)
                    .map(|(c, &s)| {
                        let units = c.expected_units(s).round() as u64;
                        Outcome {
                            allocated: s,
                            spend: s,
                            units,
                            clicks: units,
                            conversions: units / 20,
                            revenue: (units / 20) as f64 * 100.0,
                            ..Outcome::default()
                        }
                    })
                    .collect();
                observed.record_outcomes(&outcomes);
                policy.observe(&day, &outcomes, &[]);
                let day = crate::policy::test_day(index, 1000.0, Allocation::Proportional, 2);
                policy.allocate(&day, &observed, &mut rng, &mut spend);
                assert!(
                    (spend.iter().sum::<f64>() - 1000.0).abs() < 1e-9,
                    "{spend:?}"
                );
                for s in &spend {
                    let steps = s / 25.0;
                    assert!((steps - steps.round()).abs() < 1e-9, "{spend:?}");
                }
            }
        }
    }

    /// Under winner-takes-all every day puts the whole budget on one channel, the first day
    /// on a channel at random.
    #[test]
    fn winner_takes_all_funds_one_channel() {
        let scenario = scenario("");
        for rule in [Rule::Ucb, Rule::Thompson] {
            let mut policy = GpBandit::new(GpParams::default(), rule, &scenario);
            let mut observed = Observations::new([Pricing::Cpc; 2]);
            let mut rng = StreamRng::seed_from_u64(5);
            let mut spend = vec![0.0; 2];
            for index in 0..8 {
                let day = crate::policy::test_day(index, 1000.0, Allocation::WinnerTakesAll, 2);
                spend.fill(0.0);
                policy.allocate(&day, &observed, &mut rng, &mut spend);
                assert_eq!(spend.iter().filter(|&&s| s > 0.0).count(), 1, "{spend:?}");
                assert_eq!(spend.iter().sum::<f64>(), 1000.0);
                let outcomes: Vec<Outcome> = spend
                    .iter()
                    .map(|&s| Outcome {
                        allocated: s,
                        spend: s,
                        units: (s / 4.0) as u64,
                        clicks: (s / 4.0) as u64,
                        conversions: (s / 80.0) as u64,
                        revenue: (s / 80.0).floor() * 100.0,
                        ..Outcome::default()
                    })
                    .collect();
                observed.record_outcomes(&outcomes);
                policy.observe(&day, &outcomes, &[]);
            }
        }
    }
}
