//! Polygamma functions: the cumulants of the logarithm of a Gamma or Beta variable.
//!
//! For `G ~ Gamma(α, 1)` the cumulants of `ln G` are `κ_n = ψ^{(n−1)}(α)`: the digamma `ψ`
//! gives the mean, the trigamma `ψ'` the variance and the tetragamma `ψ''` the third
//! cumulant. A Beta variable `B = X / (X + Y)` with `X ~ Gamma(a)`, `Y ~ Gamma(b)` is
//! independent of `X + Y ~ Gamma(a + b)`, and `ln X = ln B + ln(X + Y)`, so the cumulants of
//! `ln B` are differences, `κ_n = ψ^{(n−1)}(a) − ψ^{(n−1)}(a + b)`.
//!
//! The digamma function is `statrs`'s. The trigamma and tetragamma functions shift their
//! argument above 12 by the recurrences `ψ'(x) = ψ'(x + 1) + 1/x²` and
//! `ψ''(x) = ψ''(x + 1) − 2/x³`, then sum the asymptotic series in `1/x` (Abramowitz and Stegun
//! 6.4.12, 6.4.13), accurate to about 1e-15 relative.

/// Below this the recurrences shift the argument up before the asymptotic series.
const SERIES_FROM: f64 = 12.0;

/// Shifts `x` to at least [`SERIES_FROM`], adding `term(x)` for every step.
fn shift(mut x: f64, mut term: impl FnMut(f64)) -> f64 {
    while x < SERIES_FROM {
        term(x);
        x += 1.0;
    }
    x
}

/// The digamma function `ψ(x) = d ln Γ(x) / dx`, for `x > 0`: `statrs`'s, beside the two
/// derivatives it does not have.
pub use statrs::function::gamma::digamma;

/// The trigamma function `ψ'(x)`, for `x > 0`.
pub fn trigamma(x: f64) -> f64 {
    let mut sum = 0.0;
    let x = shift(x, |x| sum += 1.0 / (x * x));
    let r = 1.0 / (x * x);
    let series = 1.0 / x
        + r / 2.0
        + r / x
            * (1.0 / 6.0
                - r * (1.0 / 30.0
                    - r * (1.0 / 42.0
                        - r * (1.0 / 30.0 - r * (5.0 / 66.0 - r * (691.0 / 2730.0))))));
    sum + series
}

/// The tetragamma function `ψ''(x)`, for `x > 0` (negative).
pub fn tetragamma(x: f64) -> f64 {
    let mut sum = 0.0;
    let x = shift(x, |x| sum -= 2.0 / (x * x * x));
    let r = 1.0 / (x * x);
    let series = -r
        * (1.0
            + 1.0 / x
            + r * (0.5
                - r * (1.0 / 6.0
                    - r * (1.0 / 6.0 - r * (0.3 - r * (5.0 / 6.0 - r * (691.0 / 210.0)))))));
    sum + series
}

#[cfg(test)]
mod tests {
    use super::*;

    const EULER: f64 = 0.577_215_664_901_532_9;
    const ZETA3: f64 = 1.202_056_903_159_594_3;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance * b.abs().max(1e-300)
    }

    #[test]
    fn values_at_one_and_a_half() {
        assert!(
            close(digamma(1.0), -EULER, 1e-14),
            "{}",
            digamma(1.0) + EULER
        );
        assert!(close(
            trigamma(1.0),
            std::f64::consts::PI.powi(2) / 6.0,
            1e-14
        ));
        assert!(close(tetragamma(1.0), -2.0 * ZETA3, 1e-14));
        // ψ(1/2) = −γ − 2 ln 2, ψ'(1/2) = π²/2, ψ''(1/2) = −14 ζ(3).
        assert!(close(digamma(0.5), -EULER - 2.0 * 2f64.ln(), 1e-14));
        assert!(close(
            trigamma(0.5),
            std::f64::consts::PI.powi(2) / 2.0,
            1e-14
        ));
        assert!(close(tetragamma(0.5), -14.0 * ZETA3, 1e-14));
    }

    #[test]
    fn recurrences_hold_across_the_series_switch() {
        // Tolerances relative to the largest term: the sums cancel for small x.
        let agree = |a: f64, b: f64, scale: f64| (a - b).abs() <= 1e-13 * scale.max(b.abs());
        for x in [0.01, 0.3, 2.5, 11.2, 11.9, 12.0, 30.0, 1e4, 1e9] {
            assert!(
                agree(digamma(x + 1.0), digamma(x) + 1.0 / x, 1.0 / x),
                "ψ at {x}"
            );
            assert!(
                agree(
                    trigamma(x + 1.0),
                    trigamma(x) - 1.0 / (x * x),
                    1.0 / (x * x)
                ),
                "ψ' at {x}"
            );
            assert!(
                agree(
                    tetragamma(x + 1.0),
                    tetragamma(x) + 2.0 / (x * x * x),
                    2.0 / (x * x * x)
                ),
                "ψ'' at {x}"
            );
        }
    }

    /// The derivatives by central differences of the function below them.
    #[test]
    fn each_is_the_derivative_of_the_one_before() {
        for x in [0.7, 3.0, 9.5, 100.0] {
            let h = 1e-5 * x;
            let d_digamma = (digamma(x + h) - digamma(x - h)) / (2.0 * h);
            assert!(close(d_digamma, trigamma(x), 1e-7), "ψ' at {x}");
            let d_trigamma = (trigamma(x + h) - trigamma(x - h)) / (2.0 * h);
            assert!(close(d_trigamma, tetragamma(x), 1e-6), "ψ'' at {x}");
        }
    }
}
