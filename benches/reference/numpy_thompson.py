"""A vectorised NumPy Thompson sampler of the classic instance, for comparison.

Ten Bernoulli arms with success rates 0.05, 0.10, ..., 0.50 (scenarios/classic-bernoulli.toml),
Beta(1, 1) priors, one pull a day, winner takes all; every replication advances together, so
each day is one vectorised Beta draw of shape (replications, arms), an argmax per row and one
Bernoulli outcome per replication. Prints the mean cumulative regret and the time taken.

    python3 benches/reference/numpy_thompson.py [DAYS] [REPLICATIONS]

The README compares it with `budget-bandit run scenarios/classic-bernoulli.toml --days 10000
--replications 100 --policies thompson --no-charts --quiet`, both timed with /usr/bin/time.
"""

import sys
import time

import numpy as np


def main() -> None:
    days = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    replications = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    rates = np.arange(1, 11) * 0.05
    rng = np.random.default_rng(11)
    successes = np.ones((replications, rates.size))
    failures = np.ones((replications, rates.size))
    rows = np.arange(replications)
    regret = 0.0
    start = time.perf_counter()
    for _ in range(days):
        arms = rng.beta(successes, failures).argmax(axis=1)
        converted = rng.random(replications) < rates[arms]
        successes[rows, arms] += converted
        failures[rows, arms] += ~converted
        regret += (rates.max() - rates[arms]).sum()
    elapsed = time.perf_counter() - start
    print(
        f"{days} days x {replications} replications: mean regret {regret / replications:.1f}, "
        f"{elapsed:.2f} s"
    )


if __name__ == "__main__":
    main()
