//! One joint draw of every channel's expected response, as a policy's posterior sees it:
//! what `recommend` averages and optimises (see [`super::Policy::draw_curves`]).
//!
//! A channel's draw is a curve in the family of [`crate::channel`], `R(s) = r u(s)`, and a
//! wear `κ` per unit of steady daily delivery (see [`super::wear`]). Without wear (`κ = 0`) the
//! curve is the response. With wear, `r` is the rested revenue per unit and a spend `s` kept
//! day after day earns, once the exposure it sets has settled,
//!
//! ```text
//! R(s) = r u(s) / (1 + κ u(s)),    R'(s) = r u'(s) / (1 + κ u(s))²
//! ```
//!
//! the steady response that [`super::wear::optimal_worn`] maximises. A split that buys more of
//! a worn channel tires it, so the steady response, not today's, is the one to plan with.
//!
//! A channel's draw may instead be a [`RevenueCurve`] given by its marginal return, a curve
//! fitted to revenue rather than to paid units (see [`crate::recommend::revenue`]):
//!
//! ```text
//! R'(s) = β (1 + s / (a k))^{−a}         (tail a > 0; a → ∞: β e^{−s/k})
//! R(s)  = β a k / (1 − a) · ((1 + s / (a k))^{1−a} − 1)     (a = 1: β k ln(1 + s/k))
//! ```
//!
//! with `β` the return on the first unit of money and `k` the knee. The tail `a` says how fast
//! the return dies off past the knee: exponentially (`a = ∞`), like `s^{−2}` (`a = 2`: the
//! hyperbolic curve `β s / (1 + s/(2k))`, with a ceiling), `s^{−1}` (`a = 1`, logarithmic, no
//! ceiling) or `s^{−1/2}` (`a = 1/2`, a square-root curve). Or it is S-shaped, the Hill curve
//! `R(s) = β k x^a / (1 + x^a)` with `x = s/k` and `a > 1`: little return until the spend
//! reaches the knee, then a ceiling `β k`. Its marginal return is taken on its concave
//! envelope, the line from the origin to where it touches the curve at `x = (a − 1)^{1/a}`,
//! then the curve, so the equal-marginal solver can trade along it; its revenue is the
//! curve's own.

//!
//! **Beyond the spends seen.** A history tells a curve only over the spends it tried; past the
//! highest of them every family continues its own bend, a guess the days cannot check. A draw
//! may therefore carry a [`Beyond`]: past the spend `h` the money buys the curve's spend at a
//! falling rate `e^{−r (s − h)}`, so the draw's response is `R(φ(s))` with
//!
//! ```text
//! φ(s) = s  (s ≤ h),     φ(s) = h + (1 − e^{−r (s − h)}) / r  (s > h)
//! (R∘φ)'(s) = R'(φ(s)) e^{−r (s − h)}
//! ```
//!
//! still increasing and concave, bending more the larger `r`. The rate is drawn afresh in each
//! draw (see [`crate::recommend::recommend`]), so the posterior keeps curves that go on as they
//! went and curves that flatten soon after the history's highest day, and the optimal spend's
//! interval widens past it.

use super::wear::{optimal_worn, steady_demand};
use crate::channel::Channel;
use crate::constraints::Bounds;
use crate::objective::Objective;
use crate::oracle::equal_marginals;
use crate::oracle::optimal_constrained;

/// `x^a`, by multiplication for the small whole exponents the Hill families use (the same
/// value to rounding as `powf`, which costs a logarithm and an exponential).
fn hill_power(x: f64, a: f64) -> f64 {
    match a {
        1.0 => x,
        2.0 => x * x,
        3.0 => x * x * x,
        _ => x.powf(a),
    }
}

/// How a [`RevenueCurve`] bends (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bend {
    /// `R'(s) = β e^{−s/k}`.
    Exponential,
    /// `R'(s) = β (1 + s/(a k))^{−a}`, tail `a > 0`.
    Tail(f64),
    /// The S-shaped Hill curve `R(s) = β k x^a / (1 + x^a)`, `x = s/k`, exponent `a > 1`.
    Hill(f64),
}

/// A revenue curve given by its level, knee and bend (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RevenueCurve {
    /// `β`: the return on the first unit of money (for a Hill curve, its ceiling over `k`).
    pub beta: f64,
    /// `k`, the knee.
    pub knee: f64,
    /// How it bends.
    pub bend: Bend,
}

impl RevenueCurve {
    /// Expected revenue at `spend`.
    pub fn revenue(&self, spend: f64) -> f64 {
        let s = spend.max(0.0);
        let k = self.knee;
        self.beta
            * match self.bend {
                Bend::Exponential => -k * (-s / k).exp_m1(),
                Bend::Tail(a) if (a - 1.0).abs() < 1e-12 => k * (s / k).ln_1p(),
                // The tails the recommendation's families use, in closed forms free of
                // `ln_1p`/`exp_m1` (the same values to rounding, several times faster):
                // a = 2 is `s / (1 + x)`, a = 1/2 is `k (√(1 + x) − 1)` with x = s/(a k).
                Bend::Tail(2.0) => s / (1.0 + s / (2.0 * k)),
                Bend::Tail(0.5) => {
                    let x = 2.0 * s / k;
                    k * x / ((1.0 + x).sqrt() + 1.0)
                }
                Bend::Tail(a) => {
                    let x = s / (a * k);
                    // ((1 + x)^{1−a} − 1) / (1 − a), written to keep its precision near x = 0.
                    a * k * ((1.0 - a) * x.ln_1p()).exp_m1() / (1.0 - a)
                }
                Bend::Hill(a) => {
                    let xa = hill_power(s / k, a);
                    k * xa / (1.0 + xa)
                }
            }
    }

    /// Marginal revenue at `spend`; for a Hill curve, of its concave envelope (the line from
    /// the origin to where it touches the curve, then the curve), the curve an optimiser can
    /// trade along: below that point the best spend is none or more.
    pub fn marginal(&self, spend: f64) -> f64 {
        let s = spend.max(0.0);
        match self.bend {
            Bend::Exponential => self.beta * (-s / self.knee).exp(),
            Bend::Tail(2.0) => {
                let root = 1.0 + s / (2.0 * self.knee);
                self.beta / (root * root)
            }
            Bend::Tail(0.5) => self.beta / (1.0 + 2.0 * s / self.knee).sqrt(),
            Bend::Tail(a) => self.beta * (-a * (s / (a * self.knee)).ln_1p()).exp(),
            Bend::Hill(a) => {
                let touch = self.knee * (a - 1.0).powf(1.0 / a);
                self.hill_slope(a, s.max(touch))
            }
        }
    }

    /// The Hill curve's own slope at `spend`, `β a x^{a−1} / (1 + x^a)²`.
    fn hill_slope(&self, a: f64, spend: f64) -> f64 {
        let x = spend / self.knee;
        let xa = hill_power(x, a);
        self.beta * a * hill_power(x, a - 1.0) / ((1.0 + xa) * (1.0 + xa))
    }

    /// The spend at which the marginal return falls to `marginal` (0 where it never reaches
    /// that much).
    pub fn demand(&self, marginal: f64) -> f64 {
        let first = self.marginal(0.0);
        if marginal >= first || first <= 0.0 {
            return 0.0;
        }
        if marginal <= 0.0 {
            return f64::INFINITY;
        }
        let ratio = self.beta / marginal;
        match self.bend {
            Bend::Exponential => self.knee * ratio.ln(),
            Bend::Tail(a) => a * self.knee * (ratio.ln() / a).exp_m1(),
            Bend::Hill(a) => {
                // The slope falls past the touching point: bisection on it, in ln s.
                let touch = self.knee * (a - 1.0).powf(1.0 / a);
                let (mut low, mut high) = (touch, touch);
                while self.hill_slope(a, high) > marginal && high < 1e18 {
                    high *= 2.0;
                }
                for _ in 0..60 {
                    let mid = (low * high).sqrt();
                    if self.hill_slope(a, mid) > marginal {
                        low = mid;
                    } else {
                        high = mid;
                    }
                }
                0.5 * (low + high)
            }
        }
    }
}

/// Past the spend `from`, a draw's money buys its curve's spend at the falling rate
/// `e^{−rate (s − from)}` (see the module docs): how a curve may bend beyond the spends a
/// history shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Beyond {
    /// `h`: the spend up to which the curve holds as drawn.
    pub from: f64,
    /// `r > 0`, per currency unit past `h`.
    pub rate: f64,
}

impl Beyond {
    /// `φ(s)`: the spend of the curve that `spend` buys.
    pub fn effective(&self, spend: f64) -> f64 {
        if spend <= self.from {
            spend
        } else {
            self.from - (-self.rate * (spend - self.from)).exp_m1() / self.rate
        }
    }

    /// `φ'(s)`.
    pub fn slope(&self, spend: f64) -> f64 {
        if spend <= self.from {
            1.0
        } else {
            (-self.rate * (spend - self.from)).exp()
        }
    }

    /// The spend `s` with `φ(s) = effective` (infinite at or past the ceiling `h + 1/r`).
    pub fn spend(&self, effective: f64) -> f64 {
        if effective <= self.from {
            return effective;
        }
        let left = 1.0 - self.rate * (effective - self.from);
        if left <= 0.0 {
            f64::INFINITY
        } else {
            self.from - left.ln() / self.rate
        }
    }
}

/// One joint draw of every channel's response curve and wear (see the module docs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseDraw {
    /// Each channel's curve, in scenario order; names are left empty. Under wear, its value
    /// is the rested revenue per unit.
    pub curves: Vec<Channel>,
    /// Each channel's wear `κ` per paid unit of steady daily delivery (0: none); empty means
    /// no channel wears.
    pub wear: Vec<f64>,
    /// Channels whose draw is a revenue curve instead of `curves[i]` and its wear (`None`:
    /// the curve); empty means none.
    pub revenue_curves: Vec<Option<RevenueCurve>>,
    /// Each channel's bend past the spends seen (`None`: the curve as drawn); empty means
    /// none.
    pub beyond: Vec<Option<Beyond>>,
}

impl ResponseDraw {
    /// A draw of `curves` without wear.
    pub fn unworn(curves: Vec<Channel>) -> ResponseDraw {
        ResponseDraw {
            curves,
            wear: Vec::new(),
            revenue_curves: Vec::new(),
            beyond: Vec::new(),
        }
    }

    /// Channel `i`'s bend past the spends seen, where it has one.
    pub fn beyond_of(&self, i: usize) -> Option<&Beyond> {
        self.beyond.get(i).and_then(Option::as_ref)
    }

    /// Channel `i`'s revenue curve, where its draw is one.
    pub fn revenue_curve(&self, i: usize) -> Option<&RevenueCurve> {
        self.revenue_curves.get(i).and_then(Option::as_ref)
    }

    /// Channel `i`'s wear `κ` (0 without).
    pub fn wear_of(&self, i: usize) -> f64 {
        self.wear.get(i).copied().unwrap_or(0.0)
    }

    /// Whether any channel wears.
    pub fn is_worn(&self) -> bool {
        self.wear.iter().any(|&k| k > 0.0)
    }

    /// Channel `i`'s (steady) expected revenue at daily spend `spend`.
    pub fn revenue(&self, i: usize, spend: f64) -> f64 {
        match self.beyond_of(i) {
            Some(beyond) => self.drawn_revenue(i, beyond.effective(spend)),
            None => self.drawn_revenue(i, spend),
        }
    }

    /// Channel `i`'s (steady) marginal revenue at daily spend `spend`.
    pub fn marginal(&self, i: usize, spend: f64) -> f64 {
        match self.beyond_of(i) {
            Some(beyond) => self.drawn_marginal(i, beyond.effective(spend)) * beyond.slope(spend),
            None => self.drawn_marginal(i, spend),
        }
    }

    /// Adds channel `i`'s (steady) marginal revenue at the spends `low + k · step` to
    /// `out[k]`, for every `k` of `out`: [`marginal`](Self::marginal) on an evenly spaced grid,
    /// with fewer exponentials. Without wear a simulator curve's marginal is geometric in the
    /// spend, `R'(s + step) = R'(s) · e^{−step / (price · A)}`, and so is a bend's slope past
    /// its `h`, `φ'(s + step) = φ'(s) · e^{−r · step}`; a revenue curve or a worn one is
    /// evaluated at each point's effective spend.
    pub fn add_marginals(&self, i: usize, low: f64, step: f64, out: &mut [f64]) {
        let beyond = self.beyond_of(i).copied();
        let geometric = self.wear_of(i) <= 0.0 && self.revenue_curve(i).is_none();
        let curve = &self.curves[i];
        let mut value = curve.marginal_revenue(low);
        let ratio = match curve.audience {
            Some(audience) => (-step / (curve.price * audience)).exp(),
            None => 1.0,
        };
        // φ'(s) past `h`: set at the first point past it, then carried by `shrink`.
        let shrink = beyond.map_or(1.0, |bend| (-bend.rate * step).exp());
        let mut slope: Option<f64> = None;
        for (k, total) in out.iter_mut().enumerate() {
            let spend = low + step * k as f64;
            match beyond {
                Some(bend) if spend > bend.from => {
                    let current = slope.map_or_else(|| bend.slope(spend), |s| s * shrink);
                    slope = Some(current);
                    let effective = bend.from + (1.0 - current) / bend.rate;
                    *total += self.drawn_marginal(i, effective) * current;
                }
                _ if geometric => {
                    *total += value;
                    value *= ratio;
                }
                _ => *total += self.drawn_marginal(i, spend),
            }
        }
    }

    /// Channel `i`'s (steady) expected revenue at `spend` by its curve as drawn, without its
    /// bend past the spends seen.
    fn drawn_revenue(&self, i: usize, spend: f64) -> f64 {
        if let Some(curve) = self.revenue_curve(i) {
            return curve.revenue(spend);
        }
        let curve = &self.curves[i];
        let kappa = self.wear_of(i);
        if kappa > 0.0 {
            let units = curve.expected_units(spend);
            curve.revenue_per_unit() * units / (1.0 + kappa * units)
        } else {
            curve.expected_revenue(spend)
        }
    }

    /// Channel `i`'s (steady) marginal revenue at `spend` by its curve as drawn.
    fn drawn_marginal(&self, i: usize, spend: f64) -> f64 {
        if let Some(curve) = self.revenue_curve(i) {
            return curve.marginal(spend);
        }
        let curve = &self.curves[i];
        let kappa = self.wear_of(i);
        if kappa > 0.0 {
            let load = 1.0 + kappa * curve.expected_units(spend);
            curve.marginal_revenue(spend) / (load * load)
        } else {
            curve.marginal_revenue(spend)
        }
    }

    /// The split of `budget` within `bounds` that maximises this draw's (steady) objective: the
    /// oracle's solver without wear, the steady one with it.
    pub fn optimal(&self, bounds: &Bounds, budget: f64, objective: Objective) -> Vec<f64> {
        if self.revenue_curves.iter().any(Option::is_some)
            || self.beyond.iter().any(Option::is_some)
        {
            let initial: Vec<f64> = (0..self.curves.len())
                .map(|i| self.marginal(i, 0.0))
                .collect();
            return equal_marginals(bounds, budget, objective, &initial, |i, marginal| {
                self.demand(i, marginal)
                    .clamp(bounds.low[i], bounds.high[i])
            });
        }
        if self.is_worn() {
            let wear: Vec<f64> = (0..self.curves.len()).map(|i| self.wear_of(i)).collect();
            optimal_worn(&self.curves, &wear, bounds, budget, objective)
        } else {
            optimal_constrained(&self.curves, bounds, budget, objective).spend
        }
    }
}

impl ResponseDraw {
    /// The spend at which channel `i`'s (steady) marginal revenue falls to `marginal`
    /// (infinite where it never does).
    pub fn demand(&self, i: usize, marginal: f64) -> f64 {
        let drawn = self.drawn_demand(i, marginal);
        let Some(beyond) = self.beyond_of(i) else {
            return drawn;
        };
        if drawn <= beyond.from {
            return drawn;
        }
        // Past `h`, in the effective spend `u = φ(s)`: `R'(u) (1 − r (u − h))` falls from above
        // `marginal` at `u = h` to below it at `min(drawn, h + 1/r)`; the crossing by the
        // Illinois variant of regula falsi on its logarithm.
        let (h, r) = (beyond.from, beyond.rate);
        let gap = |u: f64| -> f64 {
            let left = (1.0 - r * (u - h)).max(0.0);
            (self.drawn_marginal(i, u) * left).max(1e-300).ln() - marginal.ln()
        };
        let (mut a, mut b) = (h, drawn.min(h + 1.0 / r));
        let (mut fa, mut fb) = (gap(a), gap(b));
        if fa <= 0.0 {
            return h;
        }
        let mut side = 0;
        for _ in 0..60 {
            if fb >= 0.0 || (b - a) <= 1e-12 * b {
                break;
            }
            let c = (a * fb - b * fa) / (fb - fa);
            let c = if c > a && c < b { c } else { 0.5 * (a + b) };
            let fc = gap(c);
            if fc > 0.0 {
                a = c;
                fa = fc;
                if side == 1 {
                    fb *= 0.5;
                }
                side = 1;
            } else {
                b = c;
                fb = fc;
                if side == -1 {
                    fa *= 0.5;
                }
                side = -1;
            }
            if fc.abs() < 1e-12 {
                break;
            }
        }
        let u = if fa.abs() < fb.abs() { a } else { b };
        beyond.spend(u)
    }

    /// The spend at which channel `i`'s curve as drawn has marginal revenue `marginal`.
    fn drawn_demand(&self, i: usize, marginal: f64) -> f64 {
        match self.revenue_curve(i) {
            Some(curve) => curve.demand(marginal),
            None => steady_demand(
                &self.curves[i],
                self.wear_of(i),
                0.0,
                f64::INFINITY,
                marginal,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::test_curve;

    fn draw(wear: Vec<f64>) -> ResponseDraw {
        ResponseDraw {
            curves: vec![
                test_curve(45.0, 144.0, Some(250.0)),
                test_curve(7.0, 15.0, Some(900.0)),
                test_curve(3.0, 2.0, None),
            ],
            wear,
            revenue_curves: Vec::new(),
            beyond: Vec::new(),
        }
    }

    /// Revenue curves of every tail: the revenue is the integral of the marginal, and the
    /// demand its inverse.
    #[test]
    fn revenue_curves_integrate_their_marginal_and_invert_it() {
        for bend in [
            Bend::Exponential,
            Bend::Tail(0.5),
            Bend::Tail(1.0),
            Bend::Tail(2.0),
            Bend::Hill(2.0),
            Bend::Hill(3.0),
        ] {
            let curve = RevenueCurve {
                beta: 4.0,
                knee: 700.0,
                bend,
            };
            assert_eq!(curve.revenue(0.0), 0.0);
            let past = match bend {
                Bend::Hill(a) => 700.0 * (a - 1.0).powf(1.0 / a),
                _ => 0.0,
            };
            for s in [10.0, 700.0, 5000.0].map(|s: f64| s.max(1.5 * past)) {
                let h = 1e-4 * s;
                let slope = (curve.revenue(s + h) - curve.revenue(s - h)) / (2.0 * h);
                assert!(
                    (slope / curve.marginal(s) - 1.0).abs() < 1e-6,
                    "{bend:?} {s}"
                );
                let back = curve.demand(curve.marginal(s));
                assert!((back / s - 1.0).abs() < 1e-9, "{bend:?} {s}: {back}");
            }
            assert_eq!(curve.demand(5.0), 0.0);
        }
        // a = 2 is the hyperbolic curve with a ceiling of 2 β k.
        let hyperbolic = RevenueCurve {
            beta: 3.0,
            knee: 100.0,
            bend: Bend::Tail(2.0),
        };
        let s = 450.0;
        assert!((hyperbolic.revenue(s) - 3.0 * s / (1.0 + s / 200.0)).abs() < 1e-9);
    }

    /// Past the spends seen, the marginal is the derivative of the revenue, the demand its
    /// inverse, and the curve bends below the drawn one; up to `h` nothing changes.
    #[test]
    fn a_bend_past_the_spends_seen_keeps_the_marginal_the_revenues_slope() {
        let mut bent = draw(vec![0.0, 0.004, 0.0]);
        bent.revenue_curves = vec![
            None,
            None,
            Some(RevenueCurve {
                beta: 4.0,
                knee: 900.0,
                bend: Bend::Tail(1.0),
            }),
        ];
        let plain = bent.clone();
        bent.beyond = vec![
            Some(Beyond {
                from: 600.0,
                rate: 1.0 / 600.0,
            }),
            Some(Beyond {
                from: 2000.0,
                rate: 0.3 / 2000.0,
            }),
            Some(Beyond {
                from: 1500.0,
                rate: 2.0 / 1500.0,
            }),
        ];
        for i in 0..3 {
            let from = bent.beyond[i].unwrap().from;
            for s in [0.5 * from, from] {
                assert_eq!(bent.revenue(i, s), plain.revenue(i, s));
                assert_eq!(bent.marginal(i, s), plain.marginal(i, s));
            }
            for s in [1.2 * from, 2.0 * from, 5.0 * from] {
                let h = 1e-4 * s;
                let slope = (bent.revenue(i, s + h) - bent.revenue(i, s - h)) / (2.0 * h);
                let marginal = bent.marginal(i, s);
                assert!((slope / marginal - 1.0).abs() < 1e-6, "{i} at {s}");
                assert!(marginal < plain.marginal(i, s), "{i} at {s}");
                assert!(bent.revenue(i, s) < plain.revenue(i, s), "{i} at {s}");
                let back = bent.demand(i, marginal);
                assert!((back / s - 1.0).abs() < 1e-6, "{i} at {s}: {back}");
            }
        }
    }

    /// The marginals on a grid, by their ratios, are the marginals point by point: for a
    /// simulator curve, a worn one and a revenue curve, each with and without a bend.
    #[test]
    fn marginals_on_a_grid_are_the_marginals_at_its_points() {
        let mut plain = draw(vec![0.0, 0.004, 0.0]);
        plain.curves.push(test_curve(45.0, 144.0, Some(250.0)));
        plain.wear.push(0.0);
        plain.revenue_curves = vec![
            None,
            None,
            Some(RevenueCurve {
                beta: 4.0,
                knee: 900.0,
                bend: Bend::Hill(2.0),
            }),
            None,
        ];
        let mut bent = plain.clone();
        bent.beyond = (0..4)
            .map(|i| {
                (i != 3).then_some(Beyond {
                    from: 400.0 + 300.0 * i as f64,
                    rate: 1.0 / (500.0 + 200.0 * i as f64),
                })
            })
            .collect();
        for draw in [&plain, &bent] {
            for i in 0..4 {
                let (low, step) = (37.5, 11.25);
                let mut grid = vec![0.0; 801];
                draw.add_marginals(i, low, step, &mut grid);
                for (k, value) in grid.iter().enumerate() {
                    let point = draw.marginal(i, low + step * k as f64);
                    assert!(
                        (value - point).abs() <= 1e-9 * point,
                        "channel {i} at point {k}: {value} against {point}"
                    );
                }
            }
        }
    }

    /// With bends past the spends seen, the solver's split equalises the bent marginals.
    #[test]
    fn the_split_equalises_the_bent_marginals() {
        let mut bent = draw(Vec::new());
        bent.beyond = vec![
            Some(Beyond {
                from: 300.0,
                rate: 1.0 / 300.0,
            }),
            None,
            Some(Beyond {
                from: 500.0,
                rate: 0.5 / 500.0,
            }),
        ];
        let budget = 3000.0;
        let split = bent.optimal(&Bounds::free(3, budget), budget, Objective::Revenue);
        assert!((split.iter().sum::<f64>() / budget - 1.0).abs() < 1e-9);
        let funded: Vec<f64> = (0..3)
            .filter(|&i| split[i] > 1e-6)
            .map(|i| bent.marginal(i, split[i]))
            .collect();
        assert!(funded.len() >= 2, "{split:?}");
        for m in &funded {
            assert!((m / funded[0] - 1.0).abs() < 1e-4, "{split:?}: {funded:?}");
        }
    }

    #[test]
    fn without_wear_the_response_is_the_curve() {
        let unworn = draw(Vec::new());
        let zero = draw(vec![0.0; 3]);
        for i in 0..3 {
            for s in [0.0, 100.0, 2500.0, 9000.0] {
                let curve = &unworn.curves[i];
                assert_eq!(unworn.revenue(i, s), curve.expected_revenue(s));
                assert_eq!(zero.revenue(i, s), curve.expected_revenue(s));
                assert_eq!(unworn.marginal(i, s), curve.marginal_revenue(s));
            }
        }
        assert!(!zero.is_worn());
    }

    /// The steady marginal is the derivative of the steady revenue (central differences), and
    /// wear lowers the response the more the channel buys.
    #[test]
    fn the_worn_marginal_is_the_derivative_of_the_worn_revenue() {
        let worn = draw(vec![0.006, 0.0, 0.002]);
        assert!(worn.is_worn());
        for i in 0..3 {
            for s in [50.0, 1000.0, 3000.0, 8000.0] {
                let h = 1e-3 * s;
                let slope = (worn.revenue(i, s + h) - worn.revenue(i, s - h)) / (2.0 * h);
                let marginal = worn.marginal(i, s);
                assert!((slope / marginal - 1.0).abs() < 1e-6, "{i} at {s}");
            }
        }
        let unworn = draw(Vec::new());
        assert!(worn.revenue(0, 3000.0) < unworn.revenue(0, 3000.0));
        assert_eq!(worn.revenue(1, 3000.0), unworn.revenue(1, 3000.0));
    }
}
