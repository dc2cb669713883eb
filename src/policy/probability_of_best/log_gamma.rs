//! The standardised log-gamma distributions, tabulated once: the shapes that a channel's
//! log-ROAS posterior is matched to.
//!
//! For `G ~ Gamma(α, 1)` let `Z = (ln G − ψ(α)) / √ψ'(α)`, with mean 0, variance 1 and skewness
//! `γ(α) = ψ''(α) / ψ'(α)^{3/2}`, which rises from −2 (as `α → 0`, where `α ln G` tends to the
//! log of a uniform variable and `Z` to `1 − Exp(1)`) to 0 (as `α → ∞`, the standard normal).
//! So one parameter, the skewness, indexes the family, and its distribution function
//! `H_γ(z)` is tabulated on a grid of `γ` in `[−2, 0]` and `z` in `[−24, 8]`.
//!
//! Each row is built by integrating the density of `Z`,
//!
//! ```text
//! h_γ(z) = s · exp(α y − e^y − ln Γ(α)),    y = ψ(α) + s z,    s = √ψ'(α),
//! ```
//!
//! with five-point Gauss–Legendre on every grid interval from `z = −60` (where the mass left
//! out is below 1e-20 of the first tabulated value), then normalised to total mass one. The
//! table holds `ln H` and its slope `h / H` at every node, so that a lookup is a cubic Hermite
//! interpolation in `z` (error of order `Δz⁴`) on the row nearest in `γ` (rows `1/256` apart,
//! so a skewness is off by at most `1/512`). The end rows are exact: `ln H = min(z − 1, 0)` at
//! `γ = −2` and the normal at `γ = 0`.

use crate::special::{digamma, tetragamma, trigamma};
use statrs::function::gamma::ln_gamma;
use std::sync::OnceLock;

/// Lowest tabulated `z`.
pub const Z_MIN: f64 = -24.0;
/// Highest tabulated `z`: above it `H = 1` to double precision for every skewness.
pub const Z_MAX: f64 = 8.0;
/// Nodes per unit of `z`.
const NODES_PER_UNIT: f64 = 16.0;
const NODES: usize = ((Z_MAX - Z_MIN) * NODES_PER_UNIT) as usize + 1;
/// Rows of skewness: `γ_r = −2 + 2 r / GAMMA_STEPS`.
const GAMMA_STEPS: usize = 512;
/// Where the integration of each row starts.
const INTEGRATION_START: f64 = -60.0;
/// Tail mass that counts as nothing: the bounds of a distribution's body.
pub const TAIL: f64 = 1e-10;

/// The tabulated family (built on first use, a few milliseconds).
pub struct LogGammaTable {
    /// Per row, per node: `(ln H, d ln H / dz · Δz)`.
    nodes: Vec<[f64; 2]>,
    /// Per row: the `z` below which `H < TAIL`, and above which `1 − H < TAIL`.
    body: Vec<(f64, f64)>,
}

/// A member of the family, resolved to its table row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    row: usize,
}

impl LogGammaTable {
    /// The shared table.
    pub fn get() -> &'static LogGammaTable {
        static TABLE: OnceLock<LogGammaTable> = OnceLock::new();
        TABLE.get_or_init(LogGammaTable::build)
    }

    fn build() -> LogGammaTable {
        let mut nodes = Vec::with_capacity((GAMMA_STEPS + 1) * NODES);
        let mut body = Vec::with_capacity(GAMMA_STEPS + 1);
        for row in 0..=GAMMA_STEPS {
            let skewness = -2.0 + 2.0 * row as f64 / GAMMA_STEPS as f64;
            let start = nodes.len();
            if row == 0 {
                nodes.extend((0..NODES).map(|k| {
                    let z = node_z(k);
                    if z < 1.0 {
                        [z - 1.0, 1.0 / NODES_PER_UNIT]
                    } else {
                        [0.0, 0.0]
                    }
                }));
            } else {
                let log_density = log_density(skewness);
                tabulate(&log_density, &mut nodes);
            }
            let row_nodes = &nodes[start..];
            let lowest = row_nodes
                .iter()
                .position(|n| n[0] >= TAIL.ln())
                .unwrap_or(0)
                .saturating_sub(1);
            let highest = row_nodes
                .iter()
                .position(|n| n[0] >= -TAIL)
                .unwrap_or(NODES - 1);
            body.push((node_z(lowest), node_z((highest + 1).min(NODES - 1))));
        }
        LogGammaTable { nodes, body }
    }

    /// The member with skewness `skewness` (clamped to `[−2, 0]`).
    pub fn shape(&self, skewness: f64) -> Shape {
        let position = (skewness.clamp(-2.0, 0.0) + 2.0) / 2.0 * GAMMA_STEPS as f64;
        Shape {
            row: (position.round() as usize).min(GAMMA_STEPS),
        }
    }

    /// The standardised bounds of a member's body: below the first, `H < TAIL`; above the
    /// second, `1 − H < TAIL`.
    pub fn body(&self, shape: Shape) -> (f64, f64) {
        self.body[shape.row]
    }

    /// `ln H_γ(z)` of the member `shape`.
    #[inline]
    pub fn ln_cdf(&self, shape: Shape, z: f64) -> f64 {
        if z >= Z_MAX {
            return 0.0;
        }
        if shape.row == 0 {
            return (z - 1.0).min(0.0);
        }
        let row = &self.nodes[shape.row * NODES..(shape.row + 1) * NODES];
        let t = (z - Z_MIN) * NODES_PER_UNIT;
        if t <= 0.0 {
            // Beyond the table's left end: the tail's slope continues.
            let [value, slope] = row[0];
            return value + slope * t;
        }
        let k = (t as usize).min(NODES - 2);
        let u = t - k as f64;
        let v = 1.0 - u;
        let [p0, m0] = row[k];
        let [p1, m1] = row[k + 1];
        let hermite = (1.0 + 2.0 * u) * v * v * p0 + u * v * v * m0 + u * u * (3.0 - 2.0 * u) * p1
            - u * u * v * m1;
        hermite.min(0.0)
    }
}

fn node_z(k: usize) -> f64 {
    Z_MIN + k as f64 / NODES_PER_UNIT
}

/// The shape `α` whose log has skewness `skewness` in (−2, 0), by bisection on `ln α`.
pub fn alpha_of_skewness(skewness: f64) -> f64 {
    let skewness_of = |alpha: f64| tetragamma(alpha) / trigamma(alpha).powf(1.5);
    let (mut low, mut high) = (1e-6f64.ln(), 1e12f64.ln());
    for _ in 0..200 {
        let middle = 0.5 * (low + high);
        if skewness_of(middle.exp()) < skewness {
            low = middle;
        } else {
            high = middle;
        }
        if high - low < 1e-13 {
            break;
        }
    }
    (0.5 * (low + high)).exp()
}

/// `ln h_γ(z)` of a row (the standard normal at `γ = 0`).
fn log_density(skewness: f64) -> impl Fn(f64) -> f64 {
    let normal = skewness == 0.0;
    let alpha = if normal {
        0.0
    } else {
        alpha_of_skewness(skewness)
    };
    let (mean, scale) = if normal {
        (0.0, 1.0)
    } else {
        (digamma(alpha), trigamma(alpha).sqrt())
    };
    let constant = if normal {
        -0.5 * (2.0 * std::f64::consts::PI).ln()
    } else {
        scale.ln() - ln_gamma(alpha)
    };
    move |z: f64| {
        if normal {
            constant - 0.5 * z * z
        } else {
            let y = mean + scale * z;
            constant + alpha * y - y.exp()
        }
    }
}

/// Integrates one row's density and appends its nodes.
fn tabulate(log_density: &impl Fn(f64) -> f64, nodes: &mut Vec<[f64; 2]>) {
    // Five-point Gauss–Legendre on [−1, 1].
    const POINTS: [(f64, f64); 5] = [
        (0.0, 0.568_888_888_888_888_9),
        (-0.538_469_310_105_683_1, 0.478_628_670_499_366_5),
        (0.538_469_310_105_683_1, 0.478_628_670_499_366_5),
        (-0.906_179_845_938_664, 0.236_926_885_056_189_1),
        (0.906_179_845_938_664, 0.236_926_885_056_189_1),
    ];
    let step = 1.0 / NODES_PER_UNIT;
    let half = step / 2.0;
    let mut cumulative = Vec::with_capacity(NODES);
    let mut mass = 0.0;
    let mut z = INTEGRATION_START;
    while z < Z_MAX - 0.5 * step {
        if z >= Z_MIN - 0.5 * step {
            cumulative.push((z, mass));
        }
        let middle = z + half;
        mass += half
            * POINTS
                .iter()
                .map(|&(x, w)| w * log_density(middle + half * x).exp())
                .sum::<f64>();
        z += step;
    }
    cumulative.push((z, mass));
    debug_assert_eq!(cumulative.len(), NODES);
    for (z, below) in cumulative {
        let cdf = below / mass;
        let slope = if cdf > 0.0 {
            log_density(z).exp() / mass / cdf
        } else {
            0.0
        };
        nodes.push([cdf.ln().max(-745.0), slope * step]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{ContinuousCDF, Gamma, Normal};

    /// `ln H` straight from the Gamma distribution function at any shape.
    fn direct(alpha: f64, z: f64) -> f64 {
        let x = (digamma(alpha) + trigamma(alpha).sqrt() * z).exp();
        Gamma::new(alpha, 1.0).unwrap().cdf(x).ln()
    }

    #[test]
    fn skewness_inverts() {
        for alpha in [0.05, 0.5, 1.0, 7.0, 300.0] {
            let skewness = tetragamma(alpha) / trigamma(alpha).powf(1.5);
            assert!((skewness + 2.0) > 0.0 && skewness < 0.0);
            let back = alpha_of_skewness(skewness);
            assert!(
                (back / alpha - 1.0).abs() < 1e-9,
                "{alpha} came back as {back}"
            );
        }
    }

    /// Between the tabulated rows and nodes the lookup matches the distribution function
    /// computed directly, in the body and in the left tail.
    #[test]
    fn lookups_match_the_gamma_distribution_function() {
        let table = LogGammaTable::get();
        for alpha in [0.3, 1.0, 2.7, 40.0, 900.0] {
            let skewness = tetragamma(alpha) / trigamma(alpha).powf(1.5);
            let shape = table.shape(skewness);
            for z in [-9.77, -4.03, -2.5, -1.01, -0.3, 0.0, 0.41, 1.3, 2.2] {
                let exact = direct(alpha, z);
                if exact < TAIL.ln() {
                    continue;
                }
                let looked_up = table.ln_cdf(shape, z);
                // The nearest row is off by at most 1/512 in skewness: H within 2e-4, and
                // within a percent down to H = 1e-3.
                assert!(
                    (looked_up.exp() - exact.exp()).abs() < 2e-4
                        && (exact < 1e-3f64.ln() || (looked_up - exact).abs() < 1e-2),
                    "α = {alpha}, z = {z}: table {looked_up}, direct {exact}"
                );
            }
        }
    }

    #[test]
    fn end_rows_are_the_uniform_log_and_the_normal() {
        let table = LogGammaTable::get();
        let uniform = table.shape(-2.0);
        for z in [-15.0, -3.2, 0.0, 0.99] {
            assert!((table.ln_cdf(uniform, z) - (z - 1.0)).abs() < 1e-12);
        }
        assert_eq!(table.ln_cdf(uniform, 1.5), 0.0);
        let normal = table.shape(0.0);
        let standard = Normal::standard();
        for z in [-7.0, -2.0, -0.5, 0.0, 1.7, 4.0] {
            let exact = standard.cdf(z).ln();
            assert!(
                (table.ln_cdf(normal, z) - exact).abs() < 1e-7 * (1.0 + exact.abs()),
                "z = {z}: {} vs {exact}",
                table.ln_cdf(normal, z)
            );
        }
        let (low, high) = table.body(normal);
        assert!((-6.6..=-6.2).contains(&low) && (6.2..=6.6).contains(&high));
    }
}
