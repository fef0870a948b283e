"""How much of the data one "epoch" of sampling with replacement never sees (book 8.3-Q11).

Draw n times with replacement from n examples. A given example is missed by one draw with
probability 1 - 1/n, and by all n independent draws with probability

    P(never drawn) = (1 - 1/n)^n  →  1/e ≈ 0.3679 as n → ∞,

since n·log(1 - 1/n) → -1. So about 36.8% of the examples go unseen while others repeat, and
the expected fraction of distinct examples drawn is 1 - (1 - 1/n)^n ≈ 63.2% (the bootstrap's
"0.632"). Sampling without replacement (epochs) uses every example exactly once.

The simulation draws ``trials`` independent rounds of n draws with ``seed`` and averages the
fraction of examples never drawn. Its standard error is exact: with X the number unseen,
E[X] = n·p and E[X²] = n·p + n(n-1)·q, where p = (1 - 1/n)^n and q = (1 - 2/n)^n is the
chance two given examples are both missed.

>>> r = solve()
>>> round(r.p_never, 4), round(r.limit, 4), round(r.unique_fraction, 4)
(0.3677, 0.3679, 0.6323)
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers.result import Plot, Result, SolverInputError, Step, Table

INPUTS = ("n", "trials", "seed")

CONVERGENCE_NS = (10, 100, 1000, 10**4, 10**6)
MAX_DRAWS = 50_000_000  # n × trials; keeps the simulation to seconds
DEFAULT_TRIALS = 1000  # fewer when n is so large that n × 1000 would exceed MAX_DRAWS
_CHUNK = 1_000_000  # draws generated per numpy call, so memory stays bounded for any n


@dataclass(frozen=True, kw_only=True)
class SamplingResult(Result):
    """Exact and simulated chance that a given example is never drawn."""

    p_never: float
    limit: float
    simulated: float
    unique_fraction: float

    def headline(self) -> str:
        n, trials = self.inputs["n"], self.inputs["trials"]
        return (f"P(never drawn) = (1 - 1/{n})^{n} = {self.p_never:.4f} (limit 1/e = {self.limit:.4f}); "
                f"simulated {self.simulated:.4f} over {trials} trials; "
                f"{self.unique_fraction:.1%} of the examples are drawn at least once")


def p_never(n: int) -> float:
    """(1 - 1/n)^n, computed as exp(n·log1p(-1/n)) so that large n loses no precision."""
    return 0.0 if n == 1 else math.exp(n * math.log1p(-1.0 / n))


def standard_error(n: int, trials: int) -> float:
    """Standard error of the simulated unseen fraction averaged over ``trials`` rounds."""
    p = p_never(n)
    q = (1.0 - 2.0 / n) ** n if n >= 2 else 0.0
    variance = n * p + n * (n - 1) * q - (n * p) ** 2
    return math.sqrt(max(variance, 0.0)) / n / math.sqrt(trials)


def simulate(n: int, trials: int, seed: int) -> float:
    """Mean over ``trials`` rounds of the fraction of n examples missed by n draws with replacement.

    Several rounds share one "seen" array (round r owns slots r·n .. r·n + n - 1), and draws
    are generated in chunks, so small n runs many rounds per numpy call and large n never
    holds more than one chunk of draws in memory.
    """
    rng = np.random.default_rng(seed)
    rounds_per_batch = max(1, _CHUNK // n)
    unseen = 0
    for first in range(0, trials, rounds_per_batch):
        rounds = min(rounds_per_batch, trials - first)
        seen = np.zeros(rounds * n, dtype=bool)
        for start in range(0, rounds * n, _CHUNK):
            draw_ids = np.arange(start, min(start + _CHUNK, rounds * n))
            seen[(draw_ids // n) * n + rng.integers(0, n, size=draw_ids.size)] = True
        unseen += rounds * n - int(np.count_nonzero(seen))
    return unseen / (n * trials)


def solve(n: int = 1000, trials: int | None = None, seed: int = 0) -> SamplingResult:
    """Exact probability, its limit, a seeded simulation and the convergence table.

    ``trials`` defaults to 1000 rounds, or fewer for n above 50,000 so the simulation stays
    within MAX_DRAWS draws.
    """
    _check_int("n", n, 1)
    _check_int("seed", seed, 0)
    if n > MAX_DRAWS:
        raise SolverInputError(f"n = {n:,} is too large to simulate; keep it at most {MAX_DRAWS:,}")
    if trials is None:
        trials = min(DEFAULT_TRIALS, MAX_DRAWS // n)
    _check_int("trials", trials, 1)
    if n * trials > MAX_DRAWS:
        raise SolverInputError(f"n × trials = {n * trials:,} draws; keep it at most {MAX_DRAWS:,} (lower trials)")
    exact, limit = p_never(n), math.exp(-1.0)
    simulated, error = simulate(n, trials, seed), standard_error(n, trials)
    ns = sorted(set(CONVERGENCE_NS) | {n})
    steps = (
        Step("miss_one_draw", "P(a given example is missed by one draw)", 1 - 1 / n, formula=f"1 - 1/n = 1 - 1/{n}"),
        Step("p_never", "P(it is missed by all n draws)", exact, formula=f"(1 - 1/n)^n = (1 - 1/{n})^{n}",
             note="the n draws are independent"),
        Step("limit", "Limit as n → ∞", limit, formula="lim (1 - 1/n)^n = e^(-1)", note="n·log(1 - 1/n) → -1"),
        Step("unique_fraction", "Expected fraction of distinct examples drawn", 1 - exact,
             formula="1 - (1 - 1/n)^n", note="by linearity of expectation over the n examples"),
        Step("simulated", f"Simulated unseen fraction ({trials} rounds, seed {seed})", simulated,
             formula="mean over rounds of (#examples never drawn) / n"),
        Step("standard_error", "Standard error of the simulation", error,
             formula="sqrt(n·p + n(n-1)·q - (n·p)²) / (n·sqrt(trials)), q = (1 - 2/n)^n",
             note=f"the simulation is {(simulated - exact) / error:+.2f} standard errors from the exact value"
             if error > 0 else "no randomness: with n = 1 the single example is always drawn"),
        Step("convergence", "Convergence to 1/e",
             Table(("(1 - 1/n)^n", "1 - (1 - 1/n)^n", "gap to 1/e"),
                   tuple((p_never(m), 1 - p_never(m), p_never(m) - limit) for m in ns), tuple(f"{m:,}" for m in ns))),
        Step("convergence_plot", "P(never drawn) against n",
             Plot("(1 - 1/n)^n approaching 1/e",
                  (("(1 - 1/n)^n", tuple(math.log10(m) for m in ns), tuple(p_never(m) for m in ns)),
                   ("1/e", (math.log10(ns[0]), math.log10(ns[-1])), (limit, limit))),
                  xlabel="log10 n", ylabel="probability")),
    )
    return SamplingResult(p_never=exact, limit=limit, simulated=simulated, unique_fraction=1 - exact,
                          inputs={"n": n, "trials": trials, "seed": seed}, steps=steps)


def random_inputs(seed: int) -> dict[str, Any]:
    """A dataset size from tens to thousands, a few hundred rounds, and a fresh simulation seed."""
    rng = random.Random(seed)
    return {"n": rng.choice((20, 50, 100, 250, 500, 1000, 2000, 5000)),
            "trials": rng.choice((200, 500, 1000)), "seed": rng.randrange(10**6)}


def _check_int(name: str, value: Any, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SolverInputError(f"{name} must be a whole number, not {value!r}")
    if value < least:
        raise SolverInputError(f"{name} must be at least {least}, not {value}")
