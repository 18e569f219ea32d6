"""Pareto-smoothed importance sampling diagnostic for a variational fit.

Yao, Vehtari, Simpson, Gelman (2018), "Yes, but did it work?: Evaluating variational
inference", ICML: fit a generalised Pareto distribution to the largest importance ratios
p(theta) / q(theta) of draws from q; its shape k says how far q is from the posterior.
The fit is Zhang and Stephens' (2009) empirical-Bayes estimate with the weakly informative
prior of Vehtari et al. (2024), "Pareto smoothed importance sampling", JMLR 25, as in the
`loo` R package.

    >>> k = pareto_k(log_p - log_q)          # doctest: +SKIP
    >>> reading(k)                            # doctest: +SKIP
"""
from __future__ import annotations

import math

import numpy as np

GOOD, USABLE = 0.5, 0.7


def tail_length(n: int) -> int:
    """Draws in the tail: min(n / 5, 3 sqrt(n)), as in loo."""
    return int(min(math.ceil(0.2 * n), math.ceil(3.0 * math.sqrt(n))))


def gpd_fit(x: np.ndarray) -> tuple[float, float]:
    """(k, sigma) of a generalised Pareto fitted to the positive exceedances x (sorted
    ascending), by Zhang & Stephens (2009), with k shrunk towards 0.5 by a prior worth 10
    observations."""
    n = x.shape[0]
    prior = 3.0
    m = 30 + int(math.sqrt(n))
    j = np.arange(1, m + 1)
    quartile = x[int(n / 4.0 + 0.5) - 1]
    theta = 1.0 / x[-1] + (1.0 - np.sqrt(m / (j - 0.5))) / (prior * quartile)
    k = np.mean(np.log1p(-theta[:, None] * x[None, :]), axis=1)
    log_lik = n * (np.log(-theta / k) - k - 1.0)
    weights = 1.0 / np.sum(np.exp(log_lik[None, :] - log_lik[:, None]), axis=1)
    theta_hat = float(np.sum(theta * weights))
    k_hat = float(np.mean(np.log1p(-theta_hat * x)))
    sigma = -k_hat / theta_hat
    k_hat = (n * k_hat + 10 * 0.5) / (n + 10)
    return k_hat, sigma


def pareto_k(log_ratios: np.ndarray) -> float:
    """The Pareto shape k of the importance ratios exp(log_ratios) (one per draw from q).

    Draws whose log density is -inf carry zero weight and are dropped; returns inf when the
    ratios cannot be assessed (fewer than 10 usable draws in all, or a tail of one value),
    or when they spread over so many orders of magnitude that the fit breaks down; -inf
    when the ratios are all equal (q is the posterior up to rounding)."""
    r = np.asarray(log_ratios, dtype=np.float64)
    r = r[np.isfinite(r)]
    n = r.shape[0]
    if n < 10:
        return math.inf
    m = tail_length(n)
    r = np.sort(r)
    cutoff = r[n - m - 1]
    tail = r[n - m:]
    if tail[-1] - r[0] < 1e-9:
        return -math.inf           # all ratios equal: q is the posterior
    exceed = np.exp(tail - tail[-1]) - math.exp(cutoff - tail[-1])
    if not np.all(np.isfinite(exceed)) or exceed[-1] <= 0 or np.all(exceed == exceed[0]):
        return math.inf
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # ratios spread over hundreds of orders of magnitude underflow to a zero quartile
        k, _ = gpd_fit(np.sort(exceed))
    return float(k) if math.isfinite(k) else math.inf


def reading(k: float) -> str:
    """What k means, in plain English."""
    if k == -math.inf:
        return ("Pareto k = -inf: every importance ratio is the same, so the approximation is "
                "the posterior itself (up to rounding).")
    if not math.isfinite(k):
        return ("Pareto k could not be computed (too few draws with a finite log density, or "
                "importance ratios spread over hundreds of orders of magnitude, which means "
                "q is far from the posterior); the approximation cannot be checked.")
    if k < GOOD:
        return (f"Pareto k = {k:.2f} (< 0.5): the approximation is close to the posterior; its "
                "draws can be used as they are.")
    if k < USABLE:
        return (f"Pareto k = {k:.2f} (0.5 to 0.7): the approximation is usable; means are "
                "reliable, tail quantities a little less so.")
    return (f"Pareto k = {k:.2f} (> 0.7): the approximation is far from the posterior in ways "
            "that matter; do not trust its sds, quantiles or tails, and treat its means with "
            "care.  Try --algorithm fullrank (for correlated parameters), a reparameterisation "
            "(non-centred hierarchical models), or MCMC for this model.")
