"""Minibatch fits: the cost of a step as N grows, and a million-row fit against PyMC and NumPyro.

    python benchmarks/minibatch.py [steps] [peers]

steps: time of one minibatch iteration (B = 1000 rows, linear regression D = 10) for
N = 10^5, 10^6, 10^7, beside one gradient over the batch and one over all the data.  The
goal is a flat line in N and 20 us per step.

peers: linear regression N = 1,000,000, D = 10, B = 1000, fitted by vilang
(`minibatch={"N": 1000}`), PyMC (`pm.Minibatch` with `total_size`, `pm.fit(method="advi")`,
10,000 iterations, its defaults) and NumPyro (SVI, AutoNormal, `plate(subsample_size=1000)`,
Adam(0.01), 10,000 steps, as in its examples).  Accuracy against the exact posterior (the
posterior of a Gaussian linear model with known noise: OLS-like means and sds), as the
largest |mean error| and the largest |sd / exact sd - 1| over alpha and beta.  Each peer
runs in its own process; one that is not installed is reported as such.  PyMC's numba pin
may clash with vilang's: point VILANG_BENCH_PYMC_PYTHON at another environment's python.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import vilang
from vilang.infer.advi import ADVI, Settings
from vilang.infer.batches import Batches
from vilang.infer import api, loop as L

D, B = 10, 1000
LINEAR = """
data { int<lower=0> N; int<lower=1> D; matrix[N, D] X; vector[N] y; }
parameters { real alpha; vector[D] beta; real<lower=0> sigma; }
model { alpha ~ normal(0, 10); beta ~ normal(0, 10); sigma ~ normal(0, 10);
        y ~ normal(alpha + X * beta, sigma); }
"""


def linear_data(n: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, D))
    y = 0.5 + X @ np.linspace(-1.0, 1.0, D) + 2.0 * rng.standard_normal(n)
    return {"N": n, "D": D, "X": X, "y": y}


def median_time(fn, repeat: int = 7, number: int = 1) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return float(np.median(times))


# ----------------------------------------------------------------------------- steps
def step_time(bm, shuffle: bool) -> float:
    """Median time of one iteration, rows from a shuffled copy (windows, what an in-memory
    fit does) or drawn at random from the data (what a fit from memory-mapped files does)."""
    batches = Batches(bm, "N", B)
    if shuffle:
        assert batches.shuffle(seed=1)
    advi = ADVI(bm, Settings(), seed=1, batches=batches)
    api.compile_loop(advi)
    state = advi.init(np.zeros(advi.d), eta=0.1)
    state = advi.run(state, n_steps=64, check=False)       # warm up, refresh the anchor
    state.cvf[L.CV_NEXT] = 1e18                            # time steps, not refreshes
    steps = 2000
    return median_time(lambda: advi.run(state, n_steps=steps, check=False), repeat=5) / steps


def step_costs(n: int, model) -> dict:
    bm = model.bind(linear_data(n))
    batches = Batches(bm, "N", B)
    batches.sample(seed=1, index=0)
    theta = np.full(bm.param_unc_num(), 0.1)
    batch_grad = median_time(lambda: batches.log_density_gradient(theta), 7, 200)
    full_grad = median_time(lambda: bm.log_density_gradient(theta), 3, 1)
    return {"step": step_time(bm, True), "step_random": step_time(bm, False),
            "batch_grad": batch_grad, "full_grad": full_grad}


def report_steps():
    model = vilang.compile(code=LINEAR, filename="linear.vi")
    print(f"One minibatch ADVI iteration, linear regression D = {D}, B = {B} "
          f"(control variate on; anchor refreshes excluded).  step: windows of a shuffled "
          f"copy (in-memory data); random rows: rows gathered from random places (memory-mapped "
          f"data):")
    print(f"{'N':>12} {'step':>10} {'random rows':>12} {'batch gradient':>15} "
          f"{'full gradient':>14}")
    for n in (100_000, 1_000_000, 10_000_000):
        c = step_costs(n, model)
        print(f"{n:>12,} {c['step'] * 1e6:>8.1f} us {c['step_random'] * 1e6:>9.1f} us "
              f"{c['batch_grad'] * 1e6:>12.1f} us {c['full_grad'] * 1e3:>11.2f} ms")


# ----------------------------------------------------------------------------- peers
NUMPYRO = r"""
import json, sys, time, numpy as np
import jax, jax.numpy as jnp, numpyro, numpyro.distributions as dist
from numpyro.infer import SVI, Trace_ELBO
from numpyro.infer.autoguide import AutoNormal
jax.config.update("jax_enable_x64", True)
X = np.load(sys.argv[1]); y = np.load(sys.argv[2]); N, D = X.shape
def model(X, y):
    alpha = numpyro.sample("alpha", dist.Normal(0, 10))
    beta = numpyro.sample("beta", dist.Normal(0, 10).expand([D]))
    sigma = numpyro.sample("sigma", dist.HalfNormal(10))
    with numpyro.plate("N", N, subsample_size=1000) as idx:
        numpyro.sample("y", dist.Normal(alpha + X[idx] @ beta, sigma), obs=y[idx])
guide = AutoNormal(model)
svi = SVI(model, guide, numpyro.optim.Adam(0.01), Trace_ELBO())
t0 = time.perf_counter()
res = svi.run(jax.random.PRNGKey(0), 10000, jnp.asarray(X), jnp.asarray(y), progress_bar=False)
q = guide.median(res.params)
jax.block_until_ready(q)
elapsed = time.perf_counter() - t0
loc = res.params
mean = [float(loc["alpha_auto_loc"])] + [float(v) for v in loc["beta_auto_loc"]]
sd = [float(loc["alpha_auto_scale"])] + [float(v) for v in loc["beta_auto_scale"]]
print(json.dumps({"time": elapsed, "mean": mean, "sd": sd}))
"""

PYMC = r"""
import json, sys, time, numpy as np, pymc as pm
X = np.load(sys.argv[1]); y = np.load(sys.argv[2]); N, D = X.shape
Xb, yb = pm.Minibatch(X, y, batch_size=1000)
with pm.Model():
    alpha = pm.Normal("alpha", 0, 10)
    beta = pm.Normal("beta", 0, 10, shape=D)
    sigma = pm.HalfNormal("sigma", 10)
    pm.Normal("y", alpha + pm.math.dot(Xb, beta), sigma, observed=yb, total_size=N)
    t0 = time.perf_counter()
    approx = pm.fit(10000, method="advi", progressbar=False, random_seed=0)
    elapsed = time.perf_counter() - t0
mean = approx.mean.eval(); sd = approx.std.eval()
names = [v.name for v in approx.model.value_vars]
order = approx.ordering
def pick(vec, name):
    sl = order[name].slc if hasattr(order[name], "slc") else order[name][1]
    return np.atleast_1d(vec[sl]).tolist()
print(json.dumps({"time": elapsed, "mean": pick(mean, "alpha") + pick(mean, "beta"),
                  "sd": pick(sd, "alpha") + pick(sd, "beta")}))
"""


def exact_posterior(data: dict):
    A = np.column_stack([np.ones(data["N"]), data["X"]])
    coef, *_ = np.linalg.lstsq(A, data["y"], rcond=None)
    s2 = np.sum((data["y"] - A @ coef) ** 2) / (data["N"] - A.shape[1])
    precision = A.T @ A / s2 + np.eye(A.shape[1]) / 100.0
    cov = np.linalg.inv(precision)
    return np.linalg.solve(precision, A.T @ data["y"] / s2), np.sqrt(np.diag(cov))


def run_peer(name: str, code: str, python: str, x_path: str, y_path: str) -> dict | str:
    try:
        out = subprocess.run([python, "-c", code, x_path, y_path], capture_output=True,
                             text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"could not run: {err}"
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["?"])[-1]
        return f"not available ({last[:100]})"
    return json.loads(out.stdout.strip().splitlines()[-1])


def report_peers():
    n = 1_000_000
    data = linear_data(n)
    mean, sd = exact_posterior(data)
    results = {}
    model = vilang.compile(code=LINEAR, filename="linear.vi")
    model.fit(linear_data(5000), minibatch={"N": B}, iter=100, draws=10)   # compile, cache
    t0 = time.perf_counter()
    fit = model.fit(data, minibatch={"N": B}, seed=1, draws=1000)
    q = fit.variational                    # q's own means and sds, as for the peers
    results["vilang"] = {"time": time.perf_counter() - t0, "fit_only": fit.timing["fit"],
                         "mean": list(q["mean"][:D + 1]), "sd": list(q["sd"][:D + 1]),
                         "iterations": fit.iterations}
    with tempfile.TemporaryDirectory() as tmp:
        x_path, y_path = os.path.join(tmp, "X.npy"), os.path.join(tmp, "y.npy")
        np.save(x_path, data["X"])
        np.save(y_path, data["y"])
        results["NumPyro"] = run_peer("NumPyro", NUMPYRO, sys.executable, x_path, y_path)
        results["PyMC"] = run_peer("PyMC", PYMC, os.environ.get(
            "VILANG_BENCH_PYMC_PYTHON", sys.executable), x_path, y_path)
    print(f"\nMinibatch ADVI, linear regression N = {n:,}, D = {D}, B = {B} "
          f"(errors against the exact posterior):")
    print("time: the fit (vilang: the shuffled copy, the step size search and the "
          "optimisation; the peers: their fit call).  vilang's whole run adds 1000 draws and the Pareto k diagnostic "
          "over all rows, which the peers do not compute.")
    print(f"{'':10} {'time':>9} {'mean err (sd)':>14} {'sd err':>8} {'vilang fit faster':>18} "
          f"{'whole run faster':>17}")
    ours, whole = results["vilang"]["fit_only"], results["vilang"]["time"]
    for name, r in results.items():
        if isinstance(r, str):
            print(f"{name:10} {r}")
            continue
        err = np.max(np.abs(np.asarray(r["mean"]) - mean) / sd)
        sd_err = np.max(np.abs(np.asarray(r["sd"]) / sd - 1))
        t = r["fit_only"] if name == "vilang" else r["time"]
        fit_ratio = "" if name == "vilang" else f"{t / ours:.1f}x"
        whole_ratio = "" if name == "vilang" else f"{t / whole:.1f}x"
        print(f"{name:10} {t:>7.2f} s {err:>14.3f} {sd_err:>8.2f} {fit_ratio:>18} "
              f"{whole_ratio:>17}")
    r = results["vilang"]
    print(f"(vilang: {r['iterations']} iterations; whole run {r['time']:.2f} s, of which "
          f"{r['time'] - r['fit_only']:.2f} s are the draws and the diagnostic)")


if __name__ == "__main__":
    which = sys.argv[1:] or ["steps", "peers"]
    if "steps" in which:
        report_steps()
    if "peers" in which:
        report_peers()
