"""Fit one posteriordb posterior and compare it with its reference (used by
test_posteriordb.py; runs in worker processes, so it returns plain values).

    python tests/infer/posteriordb_fits.py [name ...]     # prints the table
"""
from __future__ import annotations

import json
import math
import re
import sys
import time
import traceback
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
MEAN_TOL = 0.25          # |mean - reference mean| / reference sd
SD_TOL = 0.25            # |sd / mf_gauss_sd - 1|
FIT_TOL = 0.05           # the stopping rule's tolerance: Monte Carlo error under 0.025 sd,
                         # well inside the tolerances above (the default 0.1 allows 0.05)


def reference_expression(fit, name: str) -> np.ndarray:
    """Draws of a reference quantity such as `log(tau)`, `logit(theta1[1])` or
    `log(mu[2]-mu[1])`, evaluated from the fit's draws."""
    from scipy.special import logit
    columns = {n: i for i, n in enumerate(fit.names)}
    x = fit.draws()

    def value(match):
        return f"_v({match.group(0)!r})"

    expr = re.sub(r"(?<![\w\]])(?!log\(|logit\()[A-Za-z_]\w*(\[[\d,]+\])?", value, name)
    return eval(expr, {"_v": lambda n: x[:, columns[n]], "log": np.log, "logit": logit})


def fit_one(directory: str, name: str, seed: int = 1) -> dict:
    import vilang
    from vilang.infer.api import fit as advi_fit
    folder = Path(directory) / name
    info = json.loads((folder / "info.json").read_text())
    ref = json.loads((folder / "reference.json").read_text())
    row = {"name": name, "tier": info["tier"], "hard": info["known_hard_for_mean_field"],
           "status": "ok", "mean_err": math.nan, "worst_mean": "", "sd_err": math.nan,
           "worst_sd": "", "iterations": 0, "seconds": math.nan, "pareto_k": math.nan,
           "converged": False, "message": ""}
    try:
        t0 = time.perf_counter()
        bm = vilang.compile(ROOT / "examples" / "posteriordb" / f"{name}.vi").bind(
            folder / "data.json")
        t1 = time.perf_counter()
        fit = advi_fit(bm, seed=seed, draws=2000, tol=FIT_TOL, iter=40_000)
        row["seconds"] = time.perf_counter() - t1
        row["compile_seconds"] = t1 - t0
        row.update(iterations=fit.iterations, pareto_k=fit.pareto_k, converged=fit.converged)
        columns = {n: i for i, n in enumerate(fit.names)}
        means = fit.draws().mean(axis=0)
        worst = (0.0, "")
        for q, r in ref["parameters"].items():
            if q not in columns or not r.get("sd"):
                continue
            err = abs(means[columns[q]] - r["mean"]) / r["sd"]
            worst = max(worst, (err, q))
        row["mean_err"], row["worst_mean"] = worst
        worst = (0.0, "")
        for q, r in ref.get("unconstrained", {}).get("parameters", {}).items():
            if not r.get("mf_gauss_sd"):
                continue
            sd = float(np.std(reference_expression(fit, q), ddof=1))
            err = abs(sd / r["mf_gauss_sd"] - 1.0)
            worst = max(worst, (err, q))
        row["sd_err"], row["worst_sd"] = worst
        if not (row["mean_err"] < MEAN_TOL and row["sd_err"] < SD_TOL):
            row["status"] = "off"
    except Exception as err:  # noqa: BLE001 - the table reports every failure
        row["status"] = "error"
        row["message"] = f"{type(err).__name__}: {str(err).splitlines()[0][:200]}"
        row["trace"] = traceback.format_exc()
    return row


def table(rows: list[dict]) -> str:
    head = (f"{'tier':>4} {'posterior':44s} {'status':7s} {'mean err':>8s} {'sd err':>7s} "
            f"{'iter':>6s} {'fit s':>6s} {'k':>5s}  worst")
    lines = [head]
    for r in sorted(rows, key=lambda r: (r["tier"], r["name"])):
        hard = "*" if r["hard"] else " "
        lines.append(
            f"{r['tier']:>3d}{hard} {r['name']:44s} {r['status']:7s} {r['mean_err']:8.3f} "
            f"{r['sd_err']:7.3f} {r['iterations']:6d} {r['seconds']:6.2f} {r['pareto_k']:5.2f}"
            f"  {r['worst_mean']} / {r['worst_sd']} {r['message']}")
    lines.append(f"(* known hard for mean-field; mean err: largest |mean - reference| in "
                 f"reference sds, must be < {MEAN_TOL}; sd err: largest |sd / mf_gauss_sd - 1| "
                 f"on the unconstrained scale, must be < {SD_TOL})")
    return "\n".join(lines)


def worker_pool(workers: int):
    """Worker processes started afresh ("spawn"): a child forked from a process whose
    OpenMP threads are running (numba's parallel kernels) must not run parallel code."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def fit_all(directory, names, workers: int = 2) -> list[dict]:
    with worker_pool(workers) as pool:
        return list(pool.map(fit_one, [str(directory)] * len(names), names))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import posteriordb_dir
    db = posteriordb_dir()
    names = sys.argv[1:] or [p["posterior_name"] for p in
                             json.loads((db / "index.json").read_text())["posteriors"]]
    rows = []
    from concurrent.futures import as_completed
    with worker_pool(2) as pool:
        futures = [pool.submit(fit_one, str(db), n) for n in names]
        for f in as_completed(futures):
            rows.append(f.result())
            print(table(rows[-1:]).splitlines()[1], flush=True)
    print(table(rows))
    for r in rows:
        if r.get("trace"):
            print(r["name"], r["trace"])
