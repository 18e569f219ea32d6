"""Minibatch kernels: which models can be subsampled, and unbiased estimates for those that can.

Golden files: every model in tests/minibatch/bad/ is refused for `minibatch={"N": B}` with
exactly the message checked in beside it.  Regenerate after an intended change of wording:
    VILANG_UPDATE_GOLDEN=1 python -m pytest tests/minibatch
"""
import os
from pathlib import Path

import numpy as np
import pytest

import vilang
from vilang.infer.batches import Batches

BAD = Path(__file__).parent / "bad"
CASES = sorted(BAD.glob("*.vi"))


def refusal(path: Path) -> str:
    model = vilang.compile(path, filename=path.name)
    try:
        model.minibatch_kernels("N")
    except vilang.ModelError as err:
        return str(err)
    return "<no error>\n"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_unsafe_model_is_refused_with_its_reason(path):
    expected = path.with_suffix(".expected")
    actual = refusal(path)
    if os.environ.get("VILANG_UPDATE_GOLDEN"):
        expected.write_text(actual)
    assert actual != "<no error>\n", f"{path.name} should be refused"
    assert actual == expected.read_text()


# ------------------------------------------------------------------ safe models
SAFE = {
    "vectorised": """
        data { int<lower=0> N; int<lower=1> K; matrix[N, K] X; vector[N] y; }
        parameters { real alpha; vector[K] beta; real<lower=0> sigma; }
        model { alpha ~ normal(0, 2); beta ~ normal(0, 1); sigma ~ exponential(1);
                y ~ normal(alpha + X * beta, sigma); }""",
    "looped": """
        data { int<lower=0> N; int<lower=1> K; matrix[N, K] X; array[N] int<lower=0, upper=1> z; }
        parameters { real alpha; vector[K] beta; }
        model { alpha ~ normal(0, 2); beta ~ normal(0, 1);
                for (n in 1:N) z[n] ~ bernoulli_logit(alpha + X[n] * beta); }""",
    "accumulator_and_size": """
        data { int<lower=0> N; vector[N] y; }
        parameters { real mu; real<lower=0> sigma; }
        model { real total = 0;
                mu ~ normal(0, 5); sigma ~ lognormal(0, 1);
                for (n in 1:N) total += -0.5 * square((y[n] - mu) / sigma);
                target += total - N * log(sigma); }""",
    "groups_and_row_wise_transformed_data": """
        data { int<lower=0> N; int<lower=1> G; vector<lower=0>[N] x; array[N] int<lower=1, upper=G> g; }
        transformed data { vector[N] lx = log(x) - mean(log(x)); }
        parameters { vector[G] a; real<lower=0> tau; real b; }
        transformed parameters { vector[N] mu = a[g] + b * lx; }
        model { tau ~ normal(0, 1); a ~ normal(0, tau); b ~ normal(0, 1);
                lx ~ normal(mu, 1); }""",
    "reduce_sum_and_foreach": """
        functions {
          real part_lpdf(array[] real ys, int start, int end, real mu) {
            return normal_lpdf(ys | mu, 1);
          }
        }
        data { int<lower=0> N; array[N] real y; }
        parameters { real mu; }
        model { mu ~ normal(0, 3);
                target += reduce_sum(part_lpdf, y, 1, mu);
                for (v in y) target += v > 0 ? normal_lpdf(v | mu, 2) : 0; }""",
}


def safe_data(name: str, n: int, rng) -> dict:
    k = 3
    X = rng.normal(size=(n, k))
    if name == "vectorised":
        return {"N": n, "K": k, "X": X, "y": X @ [1.0, -1.0, 0.5] + rng.normal(size=n)}
    if name == "looped":
        return {"N": n, "K": k, "X": X, "z": (rng.random(n) < 0.4).astype(int)}
    if name == "groups_and_row_wise_transformed_data":
        return {"N": n, "G": 4, "x": rng.lognormal(size=n), "g": rng.integers(1, 5, n)}
    return {"N": n, "y": rng.normal(1.0, 2.0, size=n)}


@pytest.fixture(scope="module", params=sorted(SAFE))
def safe(request):
    rng = np.random.default_rng(7)
    n = 40
    bm = vilang.compile(code=SAFE[request.param]).bind(safe_data(request.param, n, rng))
    theta = rng.normal(scale=0.5, size=bm.param_unc_num())
    return bm, theta, n


def test_all_rows_once_is_the_full_density(safe):
    """B = N with every row once: scale 1, the minibatch kernel is the model's kernel."""
    bm, theta, n = safe
    lp, grad = bm.log_density_gradient(theta)
    batch_lp, batch_grad = Batches(bm, "N", n).log_density_gradient(theta, np.arange(n))
    assert batch_lp == pytest.approx(lp, rel=1e-12, abs=1e-9)
    np.testing.assert_allclose(batch_grad, grad, rtol=1e-10, atol=1e-9)


def test_single_row_batches_average_to_the_full_gradient_exactly(safe):
    """Rows drawn uniformly with replacement: a batch of B rows is the mean of B one-row
    estimates, so unbiasedness for every B follows from the mean over all one-row batches."""
    bm, theta, n = safe
    lp, grad = bm.log_density_gradient(theta)
    batches = Batches(bm, "N", 1)
    pairs = [batches.log_density_gradient(theta, [r]) for r in range(n)]
    assert np.mean([p[0] for p in pairs]) == pytest.approx(lp, rel=1e-10)
    np.testing.assert_allclose(np.mean([p[1] for p in pairs], axis=0), grad, rtol=1e-9,
                               atol=1e-8)


@pytest.mark.parametrize("name", ["vectorised", "looped"])
def test_sampled_batches_are_unbiased_within_monte_carlo_error(name):
    rng = np.random.default_rng(3)
    bm = vilang.compile(code=SAFE[name]).bind(safe_data(name, 500, rng))
    theta = rng.normal(scale=0.5, size=bm.param_unc_num())
    _, grad = bm.log_density_gradient(theta)
    batches = Batches(bm, "N", 25)
    draws = np.array([batches.log_density_gradient(theta, rng.integers(0, 500, 25))[1]
                      for _ in range(3000)])
    z = (draws.mean(axis=0) - grad) / (draws.std(axis=0, ddof=1) / np.sqrt(len(draws)))
    assert np.all(np.abs(z) < 5), z


def test_the_compiled_loop_draws_rows_uniformly():
    from vilang.infer import core
    rng = np.zeros(1, np.uint64)
    rng[0] = core.stream_key(1, core.TAG_ROWS, 3)
    rows = np.zeros(5000, np.int64)
    core.sample_rows(rng, 10, rows)
    counts = np.bincount(rows, minlength=10)
    assert rows.min() >= 0 and rows.max() < 10
    assert np.all(np.abs(counts - 500) < 5 * np.sqrt(500 * 0.9))
    bm = vilang.compile(code=SAFE["vectorised"]).bind(
        safe_data("vectorised", 10, np.random.default_rng(0)))
    batches = Batches(bm, "N", 5)
    first = batches.sample(seed=1, index=3)
    assert np.array_equal(first, batches.sample(seed=1, index=3))
    assert not np.array_equal(first, batches.sample(seed=1, index=4))


def test_windows_of_the_shuffled_copy_average_to_the_full_gradient_exactly(safe):
    """Every row lies in exactly B of the N windows (wrapping past the end), so the mean over
    all window starts of the scaled batch estimate is the full value, for any permutation."""
    bm, theta, n = safe
    lp, grad = bm.log_density_gradient(theta)
    batches = Batches(bm, "N", 7)
    assert batches.shuffle(seed=5)
    assert sorted(batches.order) == list(range(n))
    pairs = [batches.log_density_gradient(theta, batches.order[(s + np.arange(7)) % n])
             for s in range(n)]
    assert np.mean([p[0] for p in pairs]) == pytest.approx(lp, rel=1e-10)
    np.testing.assert_allclose(np.mean([p[1] for p in pairs], axis=0), grad, rtol=1e-9,
                               atol=1e-8)


def test_the_shuffled_copy_holds_the_datas_rows_in_its_order(safe):
    """The source the compiled loop reads: row i is data row order[i], for data and row-wise
    transformed data alike, with the same numba types as the data (no second compile)."""
    import numba
    bm, _, n = safe
    batches = Batches(bm, "N", 5)
    assert batches.shuffle(seed=2)
    for original, copy in zip(bm.data + bm.tdata, batches.source[0] + batches.source[1]):
        assert numba.typeof(copy) == numba.typeof(original)
        if isinstance(original, np.ndarray) and original.ndim and original.shape[0] == n \
                and copy is not original:
            np.testing.assert_array_equal(copy, original[batches.order])


def test_the_compiled_loop_reads_the_windows_batches_sample_names():
    """The rows of iteration k in the loop (positions in the shuffled copy) are the data rows
    `Batches.sample(seed, k)` returns."""
    from vilang.infer.advi import ADVI, Settings
    rng = np.random.default_rng(0)
    bm = vilang.compile(code=SAFE["vectorised"]).bind(safe_data("vectorised", 50, rng))
    batches = Batches(bm, "N", 8)
    assert batches.shuffle(seed=3)
    advi = ADVI(bm, Settings(control_variate=False), seed=3, batches=batches)
    state = advi.run(advi.init(np.zeros(advi.d), eta=0.1), n_steps=4, check=False)
    assert state.iteration == 4
    loop_rows = batches.order[batches.rows]
    check = Batches(bm, "N", 8)
    check.shuffle(seed=3)
    assert np.array_equal(loop_rows, check.sample(seed=3, index=4))
    assert len(set(loop_rows)) == 8           # a window: no row twice
    np.testing.assert_array_equal(check.data[2], bm.data[2][loop_rows])


def test_memory_mapped_or_too_large_data_is_not_copied(tmp_path):
    rng = np.random.default_rng(1)
    data = safe_data("vectorised", 30, rng)
    np.save(tmp_path / "X.npy", data["X"])
    mapped = dict(data, X=np.load(tmp_path / "X.npy", mmap_mode="r"))
    model = vilang.compile(code=SAFE["vectorised"])
    batches = Batches(model.bind(mapped), "N", 5)
    assert not batches.shuffle(seed=1) and not batches.windows
    assert batches.source[0] is batches.bm.data
    in_memory = Batches(model.bind(data), "N", 5)
    assert not in_memory.shuffle(seed=1, max_bytes=100)
    assert in_memory.shuffle(seed=1) and in_memory.windows


def test_a_size_that_is_not_a_row_dimension_is_named():
    model = vilang.compile(code=SAFE["vectorised"])
    with pytest.raises(vilang.ModelError, match="'X' uses 'K' in a size other than its first"):
        model.minibatch_kernels("K")
    with pytest.raises(ValueError, match="'M': it is not an int data variable"):
        model.minibatch_kernels("M")
    counts = vilang.compile(code="data { int M; real y; } parameters { real mu; } "
                                 "model { y ~ normal(mu, M); }")
    with pytest.raises(ValueError, match="no data variable has it as its leading size"):
        counts.minibatch_kernels("M")


def test_batch_size_must_fit_the_data():
    bm = vilang.compile(code=SAFE["vectorised"]).bind(safe_data("vectorised", 10, np.random.default_rng(0)))
    with pytest.raises(ValueError, match="between 1 and N = 10, not 11"):
        Batches(bm, "N", 11)
