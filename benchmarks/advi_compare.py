"""vilang's ADVI against its peers on the same models and data: fit wall time and accuracy.

    python benchmarks/advi_compare.py [eight_schools logistic hier_logistic]

Peers: NumPyro's SVI with AutoNormal (Adam, 0.01, 10,000 steps, as in its examples), PyMC's
ADVI (`pm.fit(method="advi")`, its defaults: 10,000 iterations), Stan's ADVI.  Each peer runs
in its own process; a peer that is not installed is reported as such.  PyMC may live in
another environment (its numba pin can clash with vilang's): point VILANG_BENCH_PYMC_PYTHON
at that interpreter.  Stan's ADVI needs CmdStan (cmdstanpy builds it from a download) or
PyStan 2; PyStan 3, the one on PyPI for current Pythons, has no ADVI.

Accuracy is measured against the exact mean-field optimum, the target all four share (they
fit the same Gaussian family on the same unconstrained scale): a long vilang run with
tol = 0.02.  "mean err" is the largest |mean - reference mean| over the unconstrained
coordinates, in reference sds; "sd err" the largest |sd / reference sd - 1|.  For eight
schools the NUTS reference of posteriordb is shown too (constrained means, in posterior sds).
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

ROOT = Path(__file__).resolve().parents[1]

LOGISTIC = """
data { int<lower=0> N; int<lower=1> D; matrix[N, D] X; array[N] int<lower=0, upper=1> y; }
parameters { real alpha; vector[D] beta; }
model {
  alpha ~ normal(0, 2.5);
  beta ~ normal(0, 1);
  y ~ bernoulli_logit(alpha + X * beta);
}
"""

HIER_LOGISTIC = """
data {
  int<lower=0> N; int<lower=1> D; int<lower=1> G;
  matrix[N, D] X; array[N] int<lower=1, upper=G> g; array[N] int<lower=0, upper=1> y;
}
parameters { real mu_a; real<lower=0> sigma_a; vector[G] z; vector[D] beta; }
model {
  mu_a ~ normal(0, 2);
  sigma_a ~ normal(0, 1);
  z ~ std_normal();
  beta ~ normal(0, 1);
  y ~ bernoulli_logit(mu_a + sigma_a * z[g] + X * beta);
}
"""


def problems() -> dict:
    """name -> (vilang code, data dict, unconstrained names in vilang's order)."""
    es = json.loads((ROOT / "examples" / "eight_schools" / "data.json").read_text())
    rng = np.random.default_rng(20240601)
    n, d = 100_000, 20
    x = rng.normal(size=(n, d))
    beta = rng.normal(scale=0.5, size=d)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(0.3 + x @ beta)))).astype(int)
    logistic = {"N": n, "D": d, "X": x, "y": y}
    rng = np.random.default_rng(7)
    groups, per, dh = 50, 100, 5
    gi = np.repeat(np.arange(groups), per)
    xh = rng.normal(size=(groups * per, dh))
    a = -0.5 + 0.8 * rng.normal(size=groups)
    bh = rng.normal(scale=0.5, size=dh)
    yh = (rng.uniform(size=gi.size) < 1 / (1 + np.exp(-(a[gi] + xh @ bh)))).astype(int)
    hier = {"N": int(gi.size), "D": dh, "G": groups, "X": xh, "g": gi + 1, "y": yh}
    es_code = (ROOT / "examples" / "eight_schools" / "eight_schools.vi").read_text()
    return {
        "eight_schools": (es_code, es, ["mu", "tau"] + [f"theta_tilde[{i}]" for i in
                                                        range(1, 9)]),
        "logistic": (LOGISTIC, logistic, ["alpha"] + [f"beta[{i}]" for i in range(1, 21)]),
        "hier_logistic": (HIER_LOGISTIC, hier, ["mu_a", "sigma_a"] +
                          [f"z[{i}]" for i in range(1, 51)] +
                          [f"beta[{i}]" for i in range(1, 6)]),
    }


# ----------------------------------------------------------------------------- vilang

def run_vilang(name, tol=0.1, iter=10_000, seed=1):
    import vilang
    from vilang.infer.api import fit
    code, data, _ = problems()[name]
    t0 = time.perf_counter()
    bm = vilang.compile(code=code, filename=f"{name}.vi").bind(data)
    f = fit(bm, seed=seed, tol=tol, iter=iter, draws=1000)
    total = time.perf_counter() - t0
    q = f.variational
    return {"mean": list(q["mean"]), "sd": list(q["sd"]), "seconds": f.timing["fit"],
            "draws_seconds": f.timing["draws"], "cold_seconds": total,
            "iterations": f.iterations, "converged": f.converged,
            "constrained_means": dict(zip(f.names, f.draws().mean(0).tolist()))}


# ----------------------------------------------------------------------------- NumPyro

def run_numpyro(name, steps=10_000, seed=1):
    import jax
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist
    from numpyro.infer import SVI, Trace_ELBO
    from numpyro.infer.autoguide import AutoNormal
    _, data, names = problems()[name]

    if name == "eight_schools":
        y, s = jnp.array(data["y"], float), jnp.array(data["sigma"], float)

        def model():
            mu = numpyro.sample("mu", dist.Normal(0, 5))
            tau = numpyro.sample("tau", dist.HalfCauchy(5))
            tt = numpyro.sample("theta_tilde", dist.Normal(0, 1).expand([8]))
            numpyro.sample("y", dist.Normal(mu + tau * tt, s), obs=y)
        order = [("mu", None), ("tau", None), ("theta_tilde", 8)]
    elif name == "logistic":
        x, y = jnp.array(data["X"]), jnp.array(data["y"])

        def model():
            alpha = numpyro.sample("alpha", dist.Normal(0, 2.5))
            beta = numpyro.sample("beta", dist.Normal(0, 1).expand([x.shape[1]]))
            numpyro.sample("y", dist.Bernoulli(logits=alpha + x @ beta), obs=y)
        order = [("alpha", None), ("beta", 20)]
    else:
        x, y, g = jnp.array(data["X"]), jnp.array(data["y"]), jnp.array(data["g"]) - 1

        def model():
            mu_a = numpyro.sample("mu_a", dist.Normal(0, 2))
            sigma_a = numpyro.sample("sigma_a", dist.HalfNormal(1))
            z = numpyro.sample("z", dist.Normal(0, 1).expand([50]))
            beta = numpyro.sample("beta", dist.Normal(0, 1).expand([5]))
            numpyro.sample("y", dist.Bernoulli(logits=mu_a + sigma_a * z[g] + x @ beta),
                           obs=y)
        order = [("mu_a", None), ("sigma_a", None), ("z", 50), ("beta", 5)]

    guide = AutoNormal(model)
    svi = SVI(model, guide, numpyro.optim.Adam(0.01), Trace_ELBO())
    t0 = time.perf_counter()
    result = svi.run(jax.random.PRNGKey(seed), steps, progress_bar=False)
    jax.block_until_ready(result.params)
    seconds = time.perf_counter() - t0
    locs, scales = [], []
    for site, size in order:
        loc = np.atleast_1d(np.asarray(result.params[f"{site}_auto_loc"]))
        scale = np.atleast_1d(np.asarray(result.params[f"{site}_auto_scale"]))
        locs.extend(loc.tolist())
        scales.extend(scale.tolist())
    return {"mean": locs, "sd": scales, "seconds": seconds, "iterations": steps,
            "note": "includes JAX's compilation of the step"}


# ----------------------------------------------------------------------------- PyMC

def run_pymc(name, n=10_000, seed=1):
    import pymc as pm
    _, data, _ = problems()[name]
    with pm.Model():
        if name == "eight_schools":
            mu = pm.Normal("mu", 0, 5)
            tau = pm.HalfCauchy("tau", 5)
            tt = pm.Normal("theta_tilde", 0, 1, shape=8)
            pm.Normal("y", mu + tau * tt, np.asarray(data["sigma"], float),
                      observed=np.asarray(data["y"], float))
            order = [("mu", None), ("tau_log__", None), ("theta_tilde", 8)]
        elif name == "logistic":
            alpha = pm.Normal("alpha", 0, 2.5)
            beta = pm.Normal("beta", 0, 1, shape=20)
            pm.Bernoulli("y", logit_p=alpha + pm.math.dot(np.asarray(data["X"]), beta),
                         observed=np.asarray(data["y"]))
            order = [("alpha", None), ("beta", 20)]
        else:
            g = np.asarray(data["g"]) - 1
            mu_a = pm.Normal("mu_a", 0, 2)
            sigma_a = pm.HalfNormal("sigma_a", 1)
            z = pm.Normal("z", 0, 1, shape=50)
            beta = pm.Normal("beta", 0, 1, shape=5)
            pm.Bernoulli("y", logit_p=mu_a + sigma_a * z[g] + pm.math.dot(
                np.asarray(data["X"]), beta), observed=np.asarray(data["y"]))
            order = [("mu_a", None), ("sigma_a_log__", None), ("z", 50), ("beta", 5)]
        t0 = time.perf_counter()
        approx = pm.fit(n=n, method="advi", random_seed=seed, progressbar=False)
        seconds = time.perf_counter() - t0
        mean = approx.mean.eval()
        sd = approx.std.eval()
        locs, scales = [], []
        for site, size in order:
            sl = approx.ordering[site][1]          # (name, slice, shape, dtype)
            locs.extend(np.atleast_1d(mean[sl]).tolist())
            scales.extend(np.atleast_1d(sd[sl]).tolist())
    return {"mean": locs, "sd": scales, "seconds": seconds, "iterations": n,
            "note": "includes PyTensor's compilation"}


RUNNERS = {"vilang": run_vilang, "numpyro": run_numpyro, "pymc": run_pymc}


def in_subprocess(peer: str, name: str, python: str) -> dict:
    cmd = [python, __file__, "--run", peer, name]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH",
                                                                              ""))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    for line in proc.stdout.splitlines()[::-1]:
        if line.startswith("{"):
            return json.loads(line)
    err = (proc.stderr.strip().splitlines() or ["failed"])[-1]
    return {"error": err}


def errors(result, ref):
    m, s = np.asarray(result["mean"]), np.asarray(result["sd"])
    rm, rs = np.asarray(ref["mean"]), np.asarray(ref["sd"])
    return float(np.max(np.abs(m - rm) / rs)), float(np.max(np.abs(s / rs - 1)))


def main(names):
    pymc_python = os.environ.get("VILANG_BENCH_PYMC_PYTHON", sys.executable)
    for name in names:
        print(f"\n== {name}")
        ref = run_vilang(name, tol=0.02, iter=400_000, seed=7)
        ours = run_vilang(name)
        rows = {"vilang": ours}
        rows["numpyro"] = in_subprocess("numpyro", name, sys.executable)
        rows["pymc"] = in_subprocess("pymc", name, pymc_python)
        rows["stan"] = {"error": "not installed: PyStan 3 has no ADVI and CmdStan cannot be "
                                 "built here (cmdstanpy downloads it)"}
        print(f"reference: vilang, tol 0.02, {ref['iterations']} iterations")
        print(f"{'method':8s} {'fit s':>8s} {'iters':>7s} {'mean err':>9s} {'sd err':>7s} "
              f"{'time ratio':>10s}  note")
        for peer, r in rows.items():
            if "error" in r:
                print(f"{peer:8s} {r['error']}")
                continue
            me, se = errors(r, ref)
            ratio = r["seconds"] / ours["seconds"]
            note = r.get("note", "")
            if peer == "vilang":
                note = (f"converged={r['converged']}; draws {r['draws_seconds']:.2f} s; "
                        f"with compile (cold cache) {r['cold_seconds']:.1f} s")
            print(f"{peer:8s} {r['seconds']:8.3f} {r['iterations']:7d} {me:9.3f} {se:7.3f} "
                  f"{ratio:10.1f}  {note}")
        if name == "eight_schools":
            nuts = ROOT.parent / "shared" / "posteriordb" / \
                "eight_schools-eight_schools_noncentered" / "reference.json"
            if nuts.exists():
                p = json.loads(nuts.read_text())["parameters"]
                cm = ours["constrained_means"]
                worst = max(abs(cm[k] - v["mean"]) / v["sd"] for k, v in p.items() if k in cm)
                print(f"vilang vs NUTS (posteriordb), constrained means: largest error "
                      f"{worst:.3f} posterior sds")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--run":
        peer, name = sys.argv[2], sys.argv[3]
        try:
            print(json.dumps(RUNNERS[peer](name)))
        except ImportError as err:
            print(json.dumps({"error": f"not installed ({err.name})"}))
    else:
        main(sys.argv[1:] or ["eight_schools", "logistic", "hier_logistic"])
