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

use super::wear::optimal_worn;
use crate::channel::Channel;
use crate::constraints::Bounds;
use crate::objective::Objective;
use crate::oracle::optimal_constrained;

/// One joint draw of every channel's response curve and wear (see the module docs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseDraw {
    /// Each channel's curve, in scenario order; names are left empty. Under wear, its value
    /// is the rested revenue per unit.
    pub curves: Vec<Channel>,
    /// Each channel's wear `κ` per paid unit of steady daily delivery (0: none); empty means
    /// no channel wears.
    pub wear: Vec<f64>,
}

impl ResponseDraw {
    /// A draw of `curves` without wear.
    pub fn unworn(curves: Vec<Channel>) -> ResponseDraw {
        ResponseDraw {
            curves,
            wear: Vec::new(),
        }
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
        let curve = &self.curves[i];
        let kappa = self.wear_of(i);
        if kappa > 0.0 {
            let units = curve.expected_units(spend);
            curve.revenue_per_unit() * units / (1.0 + kappa * units)
        } else {
            curve.expected_revenue(spend)
        }
    }

    /// Channel `i`'s (steady) marginal revenue at daily spend `spend`.
    pub fn marginal(&self, i: usize, spend: f64) -> f64 {
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
        if self.is_worn() {
            let wear: Vec<f64> = (0..self.curves.len()).map(|i| self.wear_of(i)).collect();
            optimal_worn(&self.curves, &wear, bounds, budget, objective)
        } else {
            optimal_constrained(&self.curves, bounds, budget, objective).spend
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
