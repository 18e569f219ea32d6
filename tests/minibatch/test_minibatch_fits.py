"""Minibatch fits end to end: the command line, reproducibility, and accuracy on a million
rows against the exact mean-field optimum of the full data (docs/minibatch.md)."""
import numpy as np
import pytest

import vilang
from vilang.cli import main

LINEAR = """
data { int<lower=0> N; int<lower=1> D; matrix[N, D] X; vector[N] y; }
parameters { real alpha; vector[D] beta; real<lower=0> sigma; }
model { alpha ~ normal(0, 10); beta ~ normal(0, 10); sigma ~ normal(0, 10);
        y ~ normal(alpha + X * beta, sigma); }
"""

LOGISTIC = """
data { int<lower=0> N; int<lower=1> D; matrix[N, D] X; array[N] int<lower=0, upper=1> y; }
parameters { real alpha; vector[D] beta; }
model { alpha ~ normal(0, 2.5); beta ~ normal(0, 1);
        for (n in 1:N) y[n] ~ bernoulli_logit(alpha + X[n] * beta); }
"""


def linear_data(n: int, d: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = 0.5 + X @ np.linspace(-1.0, 1.0, d) + 2.0 * rng.normal(size=n)
    return {"N": n, "D": d, "X": X, "y": y}


def logistic_data(n: int, d: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    p = 1.0 / (1.0 + np.exp(-(-0.3 + X @ np.linspace(-0.8, 0.8, d))))
    return {"N": n, "D": d, "X": X, "y": (rng.random(n) < p).astype(np.int64)}


def test_cli_minibatch_fit(tmp_path, capsys):
    import json
    data = linear_data(5000, 3)
    path = tmp_path / "data.json"
    path.write_text(json.dumps({k: np.asarray(v).tolist() for k, v in data.items()}))
    model = tmp_path / "linear.vi"
    model.write_text(LINEAR)
    out = tmp_path / "fit.csv"
    code = main(["fit", str(model), "--data", str(path), "--minibatch", "N=500",
                 "--output", str(out), "--draws", "100", "--quiet"])
    assert code == 0
    assert out.exists() and out.with_suffix(".json").exists()
    assert "beta[3]" in capsys.readouterr().out


def test_cli_refuses_an_unsafe_model(tmp_path, capsys):
    model = tmp_path / "ar.vi"
    model.write_text("data { int<lower=0> N; vector[N] y; }\n"
                     "parameters { real rho; real<lower=0> sigma; }\n"
                     "model { y[2:N] ~ normal(rho * y[1:(N - 1)], sigma); }\n")
    data = tmp_path / "d.json"
    data.write_text('{"N": 3, "y": [1, 2, 3]}')
    code = main(["fit", str(model), "--data", str(data), "--minibatch", "N=2",
                 "--output", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err
    assert code == 1
    assert "Cannot subsample 'N'" in err and "picks particular rows of 'y'" in err
    assert "Traceback" not in err


def test_cli_minibatch_option_is_checked(capsys):
    with pytest.raises(SystemExit):
        main(["fit", "m.vi", "--minibatch", "N:1000"])
    assert "expected NAME=SIZE, like N=1000" in capsys.readouterr().err


def test_minibatch_fit_is_reproducible_whatever_the_threads():
    model = vilang.compile(code=LINEAR)
    data = linear_data(20_000, 3)
    kw = dict(minibatch={"N": 200}, seed=4, iter=800, draws=50)
    a = model.fit(data, threads=1, **kw)
    b = model.fit(data, threads=2, **kw)
    assert np.array_equal(a.draws("beta"), b.draws("beta"))
    assert np.array_equal(a.elbo_trace, b.elbo_trace)


def exact_linear(data: dict):
    """Posterior of (alpha, beta) given sigma at its estimate: Gaussian, so the mean-field
    optimum has the posterior means and sds 1 / sqrt(diagonal of the precision)."""
    A = np.column_stack([np.ones(data["N"]), data["X"]])
    coef, *_ = np.linalg.lstsq(A, data["y"], rcond=None)
    s2 = np.sum((data["y"] - A @ coef) ** 2) / (data["N"] - A.shape[1])
    precision = A.T @ A / s2 + np.eye(A.shape[1]) / 100.0
    mean = np.linalg.solve(precision, A.T @ data["y"] / s2)
    return mean, 1.0 / np.sqrt(np.diag(precision))


def laplace_logistic(data: dict):
    """Mode and mean-field sds (1 / sqrt(diagonal of the Hessian)) by Newton's method."""
    A = np.column_stack([np.ones(data["N"]), data["X"]])
    prior = np.r_[1 / 2.5 ** 2, np.ones(data["D"])]
    w = np.zeros(A.shape[1])
    for _ in range(25):
        p = 1.0 / (1.0 + np.exp(-(A @ w)))
        grad = A.T @ (data["y"] - p) - prior * w
        hess = (A * (p * (1 - p))[:, None]).T @ A + np.diag(prior)
        w = w + np.linalg.solve(hess, grad)
    return w, 1.0 / np.sqrt(np.diag(hess))


@pytest.mark.parametrize("kind", ["linear", "logistic"])
def test_million_row_minibatch_fit_matches_the_full_data_optimum(kind):
    n, d = 1_000_000, 4
    if kind == "linear":
        data, code = linear_data(n, d), LINEAR
        mean, sd = exact_linear(data)
    else:
        data, code = logistic_data(n, d), LOGISTIC
        mean, sd = laplace_logistic(data)
    fit = vilang.compile(code=code).fit(data, minibatch={"N": 1000}, seed=1, draws=100)
    # q's own means (alpha and beta are unconstrained): the draws' means would add Monte
    # Carlo error of sd / sqrt(draws)
    assert fit.variational["unc_names"][:d + 1] == ["alpha"] + [f"beta[{i}]" for i in
                                                                range(1, d + 1)]
    fitted = fit.variational["mean"][:d + 1]
    errors = np.abs(fitted - mean) / sd
    assert fit.converged, fit.stop_reason
    assert errors.max() < 0.1, errors


@pytest.mark.parametrize("code,make", [(LINEAR, linear_data), (LOGISTIC, logistic_data)])
def test_diagnostic_log_density_is_the_full_datas_chunk_by_chunk(code, make):
    """A minibatch fit's draws get the full data's log density (for the Pareto k diagnostic)
    added up over chunks of rows (api.chunked_log_density): 2.5 chunks here, the last one
    partial.  It must equal the model's own full-data log density at each draw."""
    from vilang.infer import api
    model = vilang.compile(code=code, filename="m.vi")
    data = make(int(2.5 * api.CHUNK_ROWS), 3)
    fit = model.fit(data, minibatch={"N": 500}, seed=3, draws=40, iter=400, eta=0.1)
    bm = model.bind(data)
    names = [v.name for v in fit.variables]
    for j in range(0, 40, 7):
        values = np.concatenate([np.ravel(fit.draws(name)[j]) for name in names
                                 if name in ("alpha", "beta", "sigma")])
        theta = bm.param_unconstrain(values)
        want = bm.log_density(theta, propto=False, jacobian=True)
        assert fit.log_p[j] == pytest.approx(want, rel=1e-11, abs=1e-9)
