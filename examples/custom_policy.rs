//! Your own policy beside the built-in ones: softmax (Boltzmann) exploration on each channel's
//! posterior mean return on ad spend, run on `scenarios/default.toml` with the scenario's own
//! policies, ranked, tabled and charted like them.
//!
//! ```sh
//! cargo run --release --example custom_policy            # writes target/custom-policy/default/
//! cargo run --release --example custom_policy -- OUT     # writes OUT/default/
//! ```

use budget_bandit::{Allocation, Day, Observations, Policy, Runner, Scenario, StreamRng};
use rand::RngExt;
use std::error::Error;
use std::path::Path;
use std::process::ExitCode;

/// Splits the budget in proportion to `exp(m_i / T_t)`, with `m_i` channel `i`'s posterior
/// mean ROAS and a temperature `T_t = T₀ · m̄ / √(1 + t)` that cools day by day.
///
/// The posterior mean shrinks the observed ROAS towards the pooled ROAS `m̄` of all channels
/// with the weight of one day's even share of spend: `m_i = (R_i + m̄ w) / (S_i + w)`, with
/// `R_i` the revenue arrived, corrected for conversions still to come, and `S_i` the spend.
struct Softmax {
    /// `w`: one day's even share of the budget.
    prior_spend: f64,
    /// `T₀`: the temperature on day 1, relative to the pooled ROAS.
    temperature: f64,
    weights: Vec<f64>,
}

impl Softmax {
    fn new(scenario: &Scenario) -> Softmax {
        Softmax {
            prior_spend: scenario.daily_budget / scenario.channels.len() as f64,
            temperature: 0.25,
            weights: Vec::new(),
        }
    }
}

impl Policy for Softmax {
    fn allocate(&mut self, day: &Day, seen: &Observations, rng: &mut StreamRng, spend: &mut [f64]) {
        let channels = seen.channels();
        let (revenue, spent) = channels.iter().fold((0.0, 0.0), |(r, s), c| {
            (r + c.matured_roas() * c.spend, s + c.spend)
        });
        let pooled = if spent > 0.0 { revenue / spent } else { 1.0 };
        let temperature = self.temperature * pooled.max(1e-9) / (1.0 + day.index as f64).sqrt();
        let w = self.prior_spend;
        self.weights.clear();
        self.weights.extend(
            channels
                .iter()
                .map(|c| (c.matured_roas() * c.spend + pooled * w) / (c.spend + w)),
        );
        let top = self.weights.iter().fold(f64::MIN, |a, &m| a.max(m));
        for x in &mut self.weights {
            *x = ((*x - top) / temperature).exp();
        }
        let total: f64 = self.weights.iter().sum();
        if day.allocation == Allocation::WinnerTakesAll {
            // One channel a day: drawn with the softmax probabilities.
            let mut pick = rng.random::<f64>() * total;
            let chosen = self.weights.iter().position(|&x| {
                pick -= x;
                pick <= 0.0
            });
            spend[chosen.unwrap_or(spend.len() - 1)] = day.budget;
        } else {
            for (s, x) in spend.iter_mut().zip(&self.weights) {
                *s = day.budget * x / total;
            }
        }
    }
}

fn main() -> ExitCode {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/custom-policy".to_owned());
    match run(Path::new(&out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

fn run(out: &Path) -> Result<(), Box<dyn Error>> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/default.toml");
    let scenario = Scenario::load(&file)?;
    let results = Runner::new(&scenario)
        .with_policy("softmax", |scenario| Box::new(Softmax::new(scenario)))
        .run()?;
    print!("{}", results.table());
    let folder = results.write_folder(out)?;
    println!("wrote {}", folder.display());
    Ok(())
}
