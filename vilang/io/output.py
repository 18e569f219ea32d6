"""Writing a fit: the draws as a CmdStan CSV, q and the run's record as JSON.

The CSV is what CmdStan's `method=variational` writes (docs/outputs.md has the details):
comment lines with the configuration, the header `lp__,log_p__,log_g__,<outputs>` with
CmdStan's dotted names (`beta.1`, `Sigma.2.1`), the comments `# Stepsize adaptation complete.`
and `# eta = ...`, a first row holding the outputs at q's unconstrained mean (lp__, log_p__,
log_g__ = 0), then one row per draw.  `arviz.from_cmdstan` and `cmdstanpy.from_csv` read it.
"""
from __future__ import annotations

import json
import math
import os
from datetime import datetime, timezone
from pathlib import Path

import numpy as np


class OutputExistsError(Exception):
    """An output file exists and overwriting it was not asked for."""


def check_writable(path, force: bool) -> Path:
    path = Path(path)
    if path.exists() and not force:
        raise OutputExistsError(f"output file '{path}' already exists; pass --force "
                                "(force=True) to overwrite it, or choose another name")
    if path.parent and not path.parent.exists():
        raise OutputExistsError(f"cannot write '{path}': folder '{path.parent}' does not exist")
    return path


def cmdstan_name(name: str) -> str:
    """beta[1,2] -> beta.1.2, as CmdStan's CSV header spells it."""
    if "[" not in name:
        return name
    base, idx = name[:-1].split("[", 1)
    return base + "." + idx.replace(",", ".")


def _fmt(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(float(x))


def write_cmdstan_csv(path, fit, force: bool = False, data_file: str = "",
                      model_file: str = "") -> None:
    """Write `fit` (a `vilang.infer.results.Fit`) to `path` in CmdStan's variational format."""
    path = check_writable(path, force)
    s = fit.settings
    config = [
        "stan_version_major = 2", "stan_version_minor = 33", "stan_version_patch = 0",
        f"model = {fit.model_name}",
        f"start_datetime = {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M:%S UTC')}",
        "method = variational",
        "  variational",
        f"    algorithm = {fit.algorithm}",
        f"      {fit.algorithm}",
        f"    iter = {s.get('max_iter', 10000)}",
        f"    grad_samples = {s.get('grad_samples', 1)}",
        f"    elbo_samples = {s.get('elbo_samples', 100)}",
        f"    eta = {_fmt(fit.eta)}",
        "    adapt",
        f"      engaged = {0 if s.get('eta_given') else 1}",
        f"      iter = {s.get('adapt_iter', 50)}",
        # vilang stops on its own rule (docs/advi.md); CmdStan's keys are kept for readers
        "    tol_rel_obj = 0.01",
        f"    eval_elbo = {s.get('block', 25)}",
        f"    output_samples = {fit.num_draws}",
        "id = 1",
        "data",
        f"  file = {data_file}",
        "init = 2",
        "random",
        f"  seed = {fit.seed}",
        "output",
        f"  file = {path.name}",
        "num_threads = 1",
        "vilang",
        f"  model_file = {model_file}",
        f"  optimizer = {s.get('optimizer', 'adagrad')}",
        f"  tol = {s.get('tol')}",
        f"  iterations = {fit.iterations}",
        f"  converged = {int(fit.converged)}",
        f"  stop_reason = {fit.stop_reason.splitlines()[0]}",
        f"  elbo = {_fmt(fit.elbo)}",
        f"  pareto_k = {_fmt(fit.pareto_k)}",
    ]
    header = ["lp__", "log_p__", "log_g__"] + [cmdstan_name(n) for n in fit.names]
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as f:
        for line in config:
            f.write(f"# {line}\n")
        f.write(",".join(header) + "\n")
        f.write("# Stepsize adaptation complete.\n")
        f.write(f"# eta = {_fmt(fit.eta)}\n")
        f.write(",".join(["0", "0", "0"] + [_fmt(x) for x in fit.mean_row]) + "\n")
        block = np.column_stack([np.zeros(fit.num_draws), fit.log_p, fit.log_g,
                                 fit.draws_matrix])
        for row in block:
            f.write(",".join(_fmt(x) for x in row) + "\n")
    os.replace(tmp, path)


def fit_record(fit) -> dict:
    """Everything about a fit except its draws, as plain JSON values."""
    v = fit.variational
    record = {
        "model": fit.model_name,
        "algorithm": fit.algorithm,
        "converged": fit.converged,
        "stop_reason": fit.stop_reason,
        "iterations": fit.iterations,
        "eta": fit.eta,
        "seed": fit.seed,
        "elbo": _json_float(fit.elbo),
        "pareto_k": _json_float(fit.pareto_k),
        "diagnostic": fit.diagnostic,
        "settings": fit.settings,
        "variational": {
            "family": fit.algorithm,
            "unconstrained_names": list(v["unc_names"]),
            "mean": [float(x) for x in v["mean"]],
            "sd": [float(x) for x in v["sd"]],
        },
        "elbo_trace": [{"iteration": int(i), "elbo": _json_float(e)}
                       for i, e in fit.elbo_trace],
        "timing_seconds": fit.timing,
        "notes": fit.notes,
    }
    if "factor" in v:
        record["variational"]["factor"] = np.asarray(v["factor"]).tolist()
    return record


def _json_float(x):
    x = float(x)
    return x if math.isfinite(x) else str(x)


def write_fit_json(path, fit, force: bool = False) -> None:
    path = check_writable(path, force)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(fit_record(fit), indent=1) + "\n")
    os.replace(tmp, path)
