//! Truth curves: a campaign's expected daily revenue `R(s)` against its spend `s`, from
//! families the project's model, `R(s) = r A (1 − e^{−s/A})`, does not contain:
//!
//! ```text
//! Hill    R(s) = V s^a / (s^a + k^a)      a in [1, 2.5]: S-shaped above 1, saturating at V
//! power   R(s) = c s^b                    b in [0.3, 0.8]: no ceiling, R'(0) infinite
//! log     R(s) = c ln(1 + s/k)            no ceiling, R'(0) = c/k
//! ```
//!
//! and, to check the harness itself, the project's own family
//! `R(s) = V (1 − e^{−s/k})` ([`Curve::Saturating`]).
//!
//! Each curve is calibrated by the spend `s₀` it usually gets and its average return there,
//! `R(s₀) = ρ s₀`, so that a channel's history earns a plausible ROAS whatever its family.

/// One campaign's expected revenue against its daily spend.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Curve {
    /// `V s^a / (s^a + k^a)`.
    Hill { v: f64, k: f64, a: f64 },
    /// `c s^b`.
    Power { c: f64, b: f64 },
    /// `c ln(1 + s/k)`.
    Log { c: f64, k: f64 },
    /// `V (1 − e^{−s/k})`: the project's own model.
    Saturating { v: f64, k: f64 },
}

impl Curve {
    /// The Hill curve of exponent `a` whose half-saturation spend is `half · s₀` and whose
    /// average return at `s₀` is `roas`.
    pub fn hill(reference: f64, roas: f64, a: f64, half: f64) -> Curve {
        let k = half * reference;
        let x = (reference / k).powf(a);
        Curve::Hill {
            v: roas * reference * (1.0 + x) / x,
            k,
            a,
        }
    }

    /// The power curve of exponent `b` whose average return at `s₀` is `roas`.
    pub fn power(reference: f64, roas: f64, b: f64) -> Curve {
        Curve::Power {
            c: roas * reference.powf(1.0 - b),
            b,
        }
    }

    /// The log curve with knee `k = knee · s₀` whose average return at `s₀` is `roas`.
    pub fn log(reference: f64, roas: f64, knee: f64) -> Curve {
        let k = knee * reference;
        Curve::Log {
            c: roas * reference / (reference / k).ln_1p(),
            k,
        }
    }

    /// The project's curve through `(s₀, roas · s₀)` whose marginal return there is
    /// `slope · roas` (a slope of 1 or more, which no saturating curve has, gives a nearly
    /// straight one).
    pub fn saturating(reference: f64, roas: f64, slope: f64) -> Curve {
        // The ratio of marginal to average return at s₀ is x e^{−x} / (1 − e^{−x}) with
        // x = s₀ / k, falling from 1 at x = 0: solved by bisection on x.
        let ratio = |x: f64| x * (-x).exp() / -(-x).exp_m1();
        let (mut low, mut high) = (1e-3, 50.0);
        for _ in 0..100 {
            let mid = 0.5 * (low + high);
            if ratio(mid) > slope {
                low = mid;
            } else {
                high = mid;
            }
        }
        let k = reference / low;
        Curve::Saturating {
            v: roas * reference / -(-low).exp_m1(),
            k,
        }
    }

    /// Expected revenue at daily spend `s` (nothing without spend).
    pub fn revenue(&self, s: f64) -> f64 {
        if s <= 0.0 {
            return 0.0;
        }
        match *self {
            Curve::Hill { v, k, a } => {
                let x = (s / k).powf(a);
                v * x / (1.0 + x)
            }
            Curve::Power { c, b } => c * s.powf(b),
            Curve::Log { c, k } => c * (s / k).ln_1p(),
            Curve::Saturating { v, k } => -v * (-s / k).exp_m1(),
        }
    }

    /// The family's name, for messages.
    pub fn family(&self) -> &'static str {
        match self {
            Curve::Hill { .. } => "hill",
            Curve::Power { .. } => "power",
            Curve::Log { .. } => "log",
            Curve::Saturating { .. } => "saturating",
        }
    }
}

#[test]
fn calibrated_curves_earn_their_roas_at_their_reference_spend() {
    for curve in [
        Curve::hill(800.0, 3.0, 2.2, 0.7),
        Curve::power(800.0, 3.0, 0.5),
        Curve::log(800.0, 3.0, 0.4),
    ] {
        let roas = curve.revenue(800.0) / 800.0;
        assert!((roas - 3.0).abs() < 1e-12, "{}: {roas}", curve.family());
        assert!(curve.revenue(1600.0) < 2.0 * curve.revenue(800.0));
        assert_eq!(curve.revenue(0.0), 0.0);
    }
}
