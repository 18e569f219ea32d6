"""ADVI on large regressions: the averaged means are accurate to a small fraction of a
posterior sd at the default tolerance with minibatches, and the minibatch control variate
takes the subsampling noise away."""
from __future__ import annotations

import numpy as np
import pytest

import vilang
from vilang.infer.api import fit as advi_fit

LINEAR = """
data { int<lower=0> N; int<lower=1> D; matrix[N, D] X; vector[N] y; }
parameters { real alpha; vector[D] beta; real<lower=0> sigma; }
model { alpha ~ normal(0, 10); beta ~ normal(0, 10); sigma ~ normal(0, 10);
        y ~ normal(alpha + X * beta, sigma); }
"""


def linear_data(n, d=10):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, d))
    beta = rng.normal(size=d)
    y = 0.5 + x @ beta + rng.normal(size=n) * 2.0
    return {"N": n, "D": d, "X": x, "y": y}


def exact_posterior(data):
    """Posterior means and sds of (alpha, beta): least squares (the priors are flat at this
    N); the mean-field optimum has the same means."""
    a = np.column_stack([np.ones(data["N"]), data["X"]])
    coef, *_ = np.linalg.lstsq(a, data["y"], rcond=None)
    resid = data["y"] - a @ coef
    s2 = resid @ resid / (data["N"] - a.shape[1])
    return coef, np.sqrt(np.diag(s2 * np.linalg.inv(a.T @ a)))


@pytest.fixture(scope="module")
def linear_model():
    return vilang.compile(code=LINEAR, filename="linear.vi")


RUNAWAY = pytest.mark.xfail(strict=True, reason=(
    "known: the eta search takes eta = 1 and q runs away (docs/advi.md, Known issues)"))


@pytest.mark.parametrize("seed", [pytest.param(1, marks=RUNAWAY), 2])
def test_minibatch_regression_means_within_a_tenth_of_a_sd(linear_model, seed):
    """At the default tolerance, the averaged means of a minibatch fit (B = 1000 of 200,000
    rows) are within 0.1 posterior sd of the exact ones: the Monte Carlo error the rule
    reports is honest.  (The mean of a fit's *draws* has its own error, sd / sqrt(draws).)"""
    data = linear_data(200_000)
    mean, sd = exact_posterior(data)
    fit = advi_fit(linear_model.bind(data), seed=seed, minibatch={"N": 1000}, draws=10)
    assert fit.converged, fit.stop_reason
    q = fit.variational
    np.testing.assert_array_less(np.abs(q["mean"][:11] - mean) / sd, 0.1)
    np.testing.assert_array_less(np.abs(q["sd"][:11] / sd - 1), 0.15)


def test_control_variate_removes_subsampling_noise(linear_model):
    """Gradient noise from the rows a minibatch draws, in units of q's sd, relative to the
    noise from q's draws itself: large without the control variate (about sqrt(N / B) times
    more), a small fraction with it when the anchor is q's mean."""
    from vilang.infer.batches import Batches
    data = linear_data(50_000)
    bm = linear_model.bind(data)
    mean, sd = exact_posterior(data)
    d = bm.param_unc_num()
    mu = np.append(mean, np.log(2.0))
    scale = np.append(sd, 1 / np.sqrt(2 * data["N"]))
    batch = Batches(bm, "N", 500)
    rng = np.random.default_rng(5)
    _, g_anchor = bm.log_density_gradient(mu)
    draw, plain, controlled = [], [], []
    for _ in range(100):
        z = mu + scale * rng.normal(size=d)
        _, g = bm.log_density_gradient(z)
        rows = rng.integers(0, data["N"], 500)
        _, gb = batch.log_density_gradient(z, rows)
        _, gb0 = batch.log_density_gradient(mu, rows)
        draw.append(g * scale)
        plain.append((gb - g) * scale)
        controlled.append((gb - gb0 + g_anchor - g) * scale)
    draw, plain, controlled = (np.std(x, axis=0) for x in (draw, plain, controlled))
    assert np.all(plain > 3 * draw)
    assert np.all(controlled < 0.3 * draw)
