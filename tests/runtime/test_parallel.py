"""Tests of the chunk-parallel kernels (vilang.runtime.parallel and its users).

For every parallel kernel: the result is bit-identical on 1 and 2 threads; it equals the
serial path, which is the same computation over pieces of at most one chunk (each piece runs
serially), within 1e-12 relative; gradients match finite differences; and the chunking edge
cases (0, 1, CHUNK - 1, CHUNK + 1 rows, several chunks) are right.
"""
import threading
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
import pytest

from vilang.runtime import glm as G
from vilang.runtime import linalg as L
from vilang.runtime import parallel as P
from vilang.runtime import support as S
from vilang.runtime import vectorised as VD
from vilang.runtime.jit import get_threads, max_threads, set_threads, using_threads
from vilang.runtime.multivariate import FAMILIES
from vilang.runtime.univariate import FAMILIES as UNI

CHUNK = P.CHUNK
SIZES = (0, 1, CHUNK - 1, CHUNK + 1, 3 * CHUNK + 17)
K = 3


# ---------------------------------------------------------------------------------------------
# helpers


def on_threads(k, fn, *args):
    """fn(*args) run with k threads (needs k <= NUMBA_NUM_THREADS; 1 is always possible)."""
    with using_threads(k):
        return fn(*args)


def thread_counts():
    return sorted({1, min(2, max_threads())})


def flatten(result):
    """A kernel's result (a float, an array or a nested tuple) as a list of float arrays."""
    if isinstance(result, tuple):
        return [a for r in result for a in flatten(r)]
    return [np.atleast_1d(np.asarray(result, dtype=float))]


def assert_bit_identical(a, b):
    fa, fb = flatten(a), flatten(b)
    assert len(fa) == len(fb)
    for x, y in zip(fa, fb):
        assert x.shape == y.shape
        assert np.array_equal(x.view(np.int64), y.view(np.int64)), (x, y)


def assert_close(got, want, scale):
    """|got - want| <= 1e-12 * scale elementwise (scale: the size of the summed terms, so that
    sums that cancel are judged against what was added)."""
    for g, w, s in zip(flatten(got), flatten(want), flatten(scale)):
        assert g.shape == w.shape
        assert np.all(np.abs(g - w) <= 1e-12 * np.maximum(s, 1.0)), (g, w)


def deterministic(fn, *args):
    """fn's result on every available thread count, checked bit-identical; returns it."""
    results = [on_threads(k, fn, *args) for k in thread_counts()]
    for r in results[1:]:
        assert_bit_identical(results[0], r)
    return results[0]


# ---------------------------------------------------------------------------------------------
# threads API


def test_set_threads_caps_and_restores():
    before = get_threads()
    try:
        assert set_threads(None) == max_threads() == get_threads()
        assert set_threads(10 ** 6) == max_threads()
        assert set_threads(1) == 1 == get_threads()
        with using_threads(max_threads()) as k:
            assert k == get_threads() == max_threads()
        assert get_threads() == 1
    finally:
        numba.set_num_threads(before)


def test_threads_setting_is_per_calling_thread():
    before = get_threads()
    try:
        set_threads(1)
        seen = []
        t = threading.Thread(target=lambda: seen.append(get_threads()))
        t.start()
        t.join()
        assert seen == [max_threads()]
    finally:
        numba.set_num_threads(before)


# ---------------------------------------------------------------------------------------------
# chunk helpers and vectorisable math


def test_chunk_helpers():
    assert [P.n_chunks(n) for n in (0, 1, CHUNK, CHUNK + 1, 3 * CHUNK)] == [0, 1, 1, 2, 3]
    assert not P.is_parallel(CHUNK) and P.is_parallel(CHUNK + 1)
    assert P.chunk_rows(2, 2 * CHUNK + 5) == (2 * CHUNK, 2 * CHUNK + 5)
    part = P.partials(3 * CHUNK, 3)
    assert part.shape == (3, 8) and not part.any()
    part[:, 0] = [0.1, 0.2, 0.3]
    assert P.reduce_partials(part)[0] == (0.0 + 0.1 + 0.2) + 0.3


@numba.njit
def _map(fn_id, x):
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = P.vexp(x[i]) if fn_id == 0 else P.log1p_unit(x[i])
    return out


def test_vexp_accuracy_and_special_values():
    x = np.concatenate([np.linspace(-760.0, 720.0, 200_001), np.linspace(-1.0, 1.0, 20_001),
                        [0.0, -0.0, 709.78, 709.79, -708.4, -745.0, -745.2]])
    got = _map(0, x)
    with np.errstate(over="ignore"):
        want = np.exp(x)
    normal = (want > 2.3e-308) & np.isfinite(want)
    assert np.max(np.abs(got[normal] - want[normal]) / want[normal]) < 2.5 * 2.0 ** -52
    tiny = want <= 2.3e-308                     # subnormal or 0: absolute error
    assert np.all(np.abs(got[tiny] - want[tiny]) <= 5e-324)
    assert np.all(got[want == np.inf] == np.inf)
    special = _map(0, np.array([np.nan, np.inf, -np.inf]))
    assert np.isnan(special[0]) and special[1] == np.inf and special[2] == 0.0


def test_log1p_unit_accuracy():
    u = np.concatenate([np.linspace(0.0, 1.0, 200_001), np.geomspace(1e-300, 1.0, 20_001)])
    got = _map(1, u)
    want = np.log1p(u)
    pos = want > 0
    assert np.max(np.abs(got[pos] - want[pos]) / want[pos]) < 2.5 * 2.0 ** -52
    assert got[u == 0.0][0] == 0.0
    assert np.isnan(_map(1, np.array([np.nan]))[0])


# ---------------------------------------------------------------------------------------------
# matrix-vector products


@pytest.mark.parametrize("n", SIZES)
def test_matvec_kernels(n):
    rng = np.random.default_rng(n)
    a = rng.normal(size=(n, 7))
    x = rng.normal(size=7)
    z = rng.normal(size=n)
    out0 = rng.normal(size=n)
    acc0 = rng.normal(size=7)

    def all_products():
        o = out0.copy()
        S.matvec_acc(o, a, x)
        p = acc0.copy()
        S.vecmat_acc(p, z, a)
        return S.matvec(a, x), S.vecmat(z, a), o, p, L._matvec(a, x), L._vecmat(z, a)

    got = deterministic(all_products)
    mv = np.abs(a) @ np.abs(x)
    vm = np.abs(z) @ np.abs(a)
    want = (a @ x, z @ a, out0 + a @ x, acc0 + z @ a, a @ x, z @ a)
    scale = (mv, vm, mv + np.abs(out0), vm + np.abs(acc0), mv, vm)
    assert_close(got, want, scale)
    # the serial path: pieces of at most one chunk
    pieces = np.zeros(7)
    for lo in range(0, n, CHUNK):
        pieces = pieces + S.vecmat(z[lo:lo + CHUNK], a[lo:lo + CHUNK])
    assert_close(got[1], pieces, vm)


def test_matvec_non_contiguous_and_shared_use():
    rng = np.random.default_rng(5)
    a = rng.normal(size=(2 * CHUNK + 3, 12))[:, ::2]
    x = rng.normal(size=6)
    assert np.allclose(deterministic(S.matvec, np.ascontiguousarray(a), x), a @ x)
    assert np.allclose(L._matvec(np.ascontiguousarray(a), x), a @ x)


@pytest.mark.parametrize("n", SIZES)
def test_all_finite_2d(n):
    a = np.ones((n, 5))
    assert P.all_finite_2d(a)
    for bad in (np.nan, np.inf, -np.inf):
        for row in {0, n // 2, n - 1} if n else ():
            b = a.copy()
            b[row, 4] = bad
            assert not deterministic(P.all_finite_2d, b)
            assert not P.all_finite_2d(b[:, ::2])            # a strided view
            assert not P.all_finite_2d(np.asfortranarray(b))


# ---------------------------------------------------------------------------------------------
# GLMs
#
# Each case makes the arguments for n rows; `rows` says which arguments have one entry per row
# (split into pieces for the serial reference and whose gradients are concatenated; the others
# are shared, and their gradients are summed over the pieces).

def _case(name, n, form, rng):
    fam = FAMILIES[name]
    x = rng.normal(size=(n, K)) if form != "row" else rng.normal(size=K)
    ny = n if form != "row" else max(n, 1)
    per_row = form == "vector"
    if name == "categorical_logit_glm":
        C = 4
        return (rng.integers(1, C + 1, size=ny), x, rng.normal(size=C),
                0.5 * rng.normal(size=(K, C)))
    if name == "ordered_logistic_glm":
        return (rng.integers(1, 5, size=ny), x, 0.5 * rng.normal(size=K),
                np.sort(rng.normal(size=3)))
    y = {"normal_id_glm": lambda: rng.normal(size=ny),
         "bernoulli_logit_glm": lambda: rng.integers(0, 2, size=ny),
         "poisson_log_glm": lambda: rng.integers(0, 6, size=ny),
         "neg_binomial_2_log_glm": lambda: rng.integers(0, 8, size=ny)}[name]()
    alpha = 0.3 * rng.normal(size=n) if per_row else 0.2
    args = (y, x, alpha, 0.4 * rng.normal(size=K))
    if len(fam.args) == 5:
        args += (rng.uniform(0.5, 2.0, size=n) if per_row else 1.3,)
    return args


GLMS = ["normal_id_glm", "bernoulli_logit_glm", "poisson_log_glm", "neg_binomial_2_log_glm",
        "categorical_logit_glm", "ordered_logistic_glm"]
FORMS = ["scalar", "vector", "row"]


def _per_row(args, n, form):
    """Which arguments have one entry per row (form 'row': x is shared, y is per row)."""
    out = []
    for j, a in enumerate(args):
        if j == 1:
            out.append(form != "row")
        else:
            out.append(isinstance(a, np.ndarray) and a.ndim == 1 and a.shape[0] == n
                       and (j == 0 or form == "vector"))
    return out


def _piece(args, per_row, lo, hi):
    return tuple(a[lo:hi] if p else a for a, p in zip(args, per_row))


def _real(name):
    kinds = FAMILIES[name].kinds
    return [j for j, kind in enumerate(kinds) if not kind.startswith("int")]


def _serial_reference(name, fn, args, n, per_row):
    """The result of fn over pieces of at most one chunk (each piece takes the serial path),
    combined: sums in piece order, per-row gradients concatenated; and the scale (the same
    from the absolute values of each piece's result)."""
    real = _real(name)
    total, scale = None, None
    for lo in range(0, n, CHUNK):
        r = flatten(fn(*_piece(args, per_row, lo, min(n, lo + CHUNK))))
        if total is None:
            total, scale = [np.zeros_like(v) for v in r], [np.zeros_like(v) for v in r]
        for k, v in enumerate(r):
            pos = real[k - 1] if k else None
            if pos is not None and per_row[pos]:
                total[k] = v if lo == 0 else np.concatenate([total[k], v])
                scale[k] = np.abs(total[k])
            else:
                total[k] = total[k] + v
                scale[k] = scale[k] + np.abs(v)
    return total, scale


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("name", GLMS)
def test_glm_deterministic_and_equal_to_serial(name, form):
    if form == "vector" and name in ("categorical_logit_glm", "ordered_logistic_glm"):
        pytest.skip("no per-row alpha for this family")
    fam = FAMILIES[name]
    for n in SIZES:
        if form == "row" and n == 0:
            continue
        rng = np.random.default_rng(n)
        args = _case(name, n, form, rng)
        assert fam.check(*args) == 0
        per_row = _per_row(args, n, form)
        for fn in (fam.lpdf, fam.lpdf_d, fam.extra["d_nox"]):
            got = deterministic(fn, *args)
            if n == 0:
                assert flatten(got)[0][0] == 0.0
                continue
            # (d_nox's zero-size d x placeholder concatenates to the same placeholder)
            want, scale = _serial_reference(name, fn, args, n, per_row)
            assert_close(got, tuple(want), tuple(scale))


def _bump(args, pos, idx, h):
    out = list(args)
    a = out[pos]
    if np.ndim(a) == 0:
        out[pos] = a + h
    else:
        a = np.array(a, dtype=float)
        a.flat[idx] += h
        out[pos] = a
    return tuple(out)


@pytest.mark.parametrize("name", GLMS)
def test_glm_gradient_matches_finite_differences_on_many_chunks(name):
    fam = FAMILIES[name]
    n = 2 * CHUNK + 9
    rng = np.random.default_rng(11)
    for form in ("scalar", "row"):
        args = _case(name, n, form, rng)
        r = fam.lpdf_d(*args)
        for k, pos in enumerate(_real(name)):
            grad = np.atleast_1d(np.asarray(r[k + 1], dtype=float))
            size = np.size(args[pos])
            for idx in {0, size // 2, size - 1}:
                h = 1e-6 * max(1.0, abs(np.ravel(args[pos])[idx]))
                fd = (fam.lpdf(*_bump(args, pos, idx, h))
                      - fam.lpdf(*_bump(args, pos, idx, -h))) / (2 * h)
                assert grad.flat[idx] == pytest.approx(fd, rel=1e-5, abs=1e-5 * n ** 0.5)


def test_glm_check_finds_non_finite_x_in_any_chunk():
    fam = FAMILIES["bernoulli_logit_glm"]
    n = 3 * CHUNK + 17
    args = _case("bernoulli_logit_glm", n, "scalar", np.random.default_rng(2))
    for row in (0, CHUNK, n - 1):
        x = args[1].copy()
        x[row, 1] = np.nan
        assert deterministic(fam.check, args[0], x, *args[2:]) == 2


def test_poisson_normaliser_is_chunked_and_deterministic():
    n = 3 * CHUNK + 17
    y = np.random.default_rng(4).integers(0, 9, size=n)
    from scipy.special import gammaln
    got = deterministic(G._lgamma_y1, y, n)
    assert got == pytest.approx(gammaln(y + 1.0).sum(), rel=1e-12)


def test_parallel_kernels_called_from_concurrent_threads():
    """Worker threads (as in a fit's draws) may call parallel kernels at the same time."""
    fam = FAMILIES["bernoulli_logit_glm"]
    args = _case("bernoulli_logit_glm", 2 * CHUNK + 3, "scalar", np.random.default_rng(8))
    want = fam.lpdf_d(*args)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: fam.lpdf_d(*args), range(16)))
    for r in results:
        assert_bit_identical(r, want)


# ---------------------------------------------------------------------------------------------
# vectorised univariate densities (the generated loop's parallel branch)

NO = np.empty(0)


def _uni_case(name, n, rng, containers):
    """Arguments of `name` for n elements: the variate a container, parameter k a container
    when k in `containers` (else a scalar); int arguments as int64."""
    values = {
        "normal": lambda m: (rng.normal(size=m), rng.normal(size=m), rng.uniform(0.5, 2, m)),
        "student_t": lambda m: (rng.normal(size=m), rng.uniform(2, 9, m), rng.normal(size=m),
                                rng.uniform(0.5, 2, m)),
        "poisson": lambda m: (rng.integers(0, 9, m), rng.uniform(0.5, 5, m)),
        "binomial": lambda m: (rng.integers(0, 5, m), rng.integers(5, 9, m),
                               rng.uniform(0.1, 0.9, m)),
        "std_normal": lambda m: (rng.normal(size=m),),
    }[name](max(n, 1))
    out = []
    for k, v in enumerate(values):
        if k == 0 or k in containers:
            out.append(v[:n])
        else:
            out.append(v[0].item())
    return out


def _uni_call(name, args, grad, propto, active, scale=1.0):
    """vectorised.density for these arguments: returns (result, adjoint buffers)."""
    fam = UNI[name]
    real = VD.real_positions(fam)
    bars = [np.zeros(np.size(a)) if (grad and k in real and active[k] and np.ndim(a))
            else NO for k, a in enumerate(args)]
    pad = VD.MAX_ARGS - len(args)
    flags = tuple(bool(active[k]) and k in real for k in range(len(args))) + (False,) * pad
    r = VD.density(name, grad, propto, scale, flags, *(bars + [NO] * pad),
                   *(list(args) + [0.0] * pad))
    return r, bars


def _uni_serial(name, args, propto, active, scale=1.0):
    """The generated serial loop, in Python: sums and adjoints from the scalar kernels."""
    fam = UNI[name]
    real = VD.real_positions(fam)
    n = max(np.size(a) for a in args)
    value, sums = 0.0, [0.0] * VD.MAX_ARGS
    bars = [np.zeros(np.size(a)) if (k in real and active[k] and np.ndim(a)) else None
            for k, a in enumerate(args)]
    flags = [bool(active[k]) for k in sorted(real)]
    for i in range(n):
        e = [a[i] if np.ndim(a) else a for a in args]
        e = [x.item() if isinstance(x, np.generic) else x for x in e]
        e = [float(x) if k in real else int(x) for k, x in enumerate(e)]
        code = fam.check(*e)
        if code:
            return (-np.inf, code), bars, sums
        r = fam.lpdf_d(*e)
        value += r[0]
        if propto:
            value -= fam.dropped(*e, *flags)
        for k, pos in real.items():
            if active[k]:
                if bars[k] is not None:
                    bars[k][i] += scale * r[pos + 1]
                else:
                    sums[k] += scale * r[pos + 1]
    return (value, 0), bars, sums


UNI_CASES = [("normal", (1, 2)), ("normal", ()), ("student_t", (2,)), ("poisson", (1,)),
             ("binomial", (1, 2)), ("std_normal", ())]


@pytest.mark.parametrize("name,containers", UNI_CASES)
def test_vectorised_density_matches_serial_loop(name, containers):
    for n in (1, 7, CHUNK + 1):
        rng = np.random.default_rng(n)
        args = _uni_case(name, n, rng, containers)
        active = [True] * len(args)
        for propto in (False, True):
            (r, bars) = _uni_call(name, args, True, propto, active, scale=0.5)
            (want, code), wbars, sums = _uni_serial(name, args, propto, active, scale=0.5)
            assert r[1] == code == 0
            assert r[0] == pytest.approx(want, rel=1e-12, abs=1e-12)
            for k, b in enumerate(bars):
                if wbars[k] is not None:
                    assert np.allclose(b, wbars[k], rtol=1e-12, atol=1e-14)
                elif k < len(args):
                    assert r[2 + k] == pytest.approx(sums[k], rel=1e-12, abs=1e-12)
            value_only = _uni_call(name, args, False, propto, active)[0]
            assert value_only[0] == pytest.approx(r[0], rel=1e-13)


@pytest.mark.parametrize("name,containers", UNI_CASES)
def test_vectorised_density_deterministic_and_equal_to_pieces(name, containers):
    for n in SIZES[1:]:
        rng = np.random.default_rng(n + 1)
        args = _uni_case(name, n, rng, containers)
        active = [True] * len(args)

        def run():
            r, bars = _uni_call(name, args, True, True, active)
            return r, tuple(bars)
        r, bars = deterministic(run)
        # the serial path: pieces of at most one chunk, combined in order
        value, sums = 0.0, np.zeros(VD.MAX_ARGS)
        pieces = [np.zeros(0) for _ in args]
        for lo in range(0, n, CHUNK):
            part = [a[lo:lo + CHUNK] if np.ndim(a) else a for a in args]
            pr, pb = _uni_call(name, part, True, True, active)
            value += pr[0]
            sums += np.array(pr[2:])
            pieces = [np.concatenate([p, b]) for p, b in zip(pieces, pb)]
        assert r[0] == pytest.approx(value, rel=1e-12)
        assert np.allclose(r[2:], sums, rtol=1e-12, atol=1e-12)
        for b, p in zip(bars, pieces):
            if b.size:
                assert np.array_equal(b, p)


def test_vectorised_density_reports_the_first_failing_element():
    n = 3 * CHUNK + 17
    rng = np.random.default_rng(3)
    y, mu, sigma = _uni_case("normal", n, rng, (1, 2))
    sigma = sigma.copy()
    sigma[2 * CHUNK + 5] = -1.0          # scale: check code 3
    y = y.copy()
    y[CHUNK + 2] = np.nan                # variate: check code 1, an earlier element
    r = deterministic(lambda: _uni_call("normal", (y, mu, sigma), True, False,
                                        [True] * 3)[0])
    assert r[0] == -np.inf and r[1] == 1
    y[CHUNK + 2] = 0.0
    assert _uni_call("normal", (y, mu, sigma), False, False, [True] * 3)[0][1] == 3


def test_vectorised_density_inactive_arguments_get_no_adjoint():
    n = 2 * CHUNK + 1
    args = _uni_case("normal", n, np.random.default_rng(6), (1,))
    r, bars = _uni_call("normal", args, True, True, [True, False, False])
    assert bars[1].size == 0 and r[3] == 0.0 and r[4] == 0.0
    full, _ = _uni_call("normal", args, True, True, [True, True, True])
    assert r[0] != full[0]              # propto drops different terms


# ---------------------------------------------------------------------------------------------
# a compiled model using all three: a GLM, X * beta with its VJP, a vectorised density

MODEL = """
data { int<lower=0> N; int<lower=1> D; matrix[N, D] X; array[N] int<lower=0, upper=1> y;
       vector[N] w; }
parameters { real alpha; vector[D] beta; real<lower=0> sigma; }
model {
  alpha ~ normal(0, 2);
  beta ~ normal(0, 1);
  sigma ~ normal(0, 1);
  y ~ bernoulli_logit(alpha + X * beta);
  w ~ student_t(4, X * beta, sigma);
}
"""


def _model_reference(theta, data):
    from scipy import stats
    D = data["D"]
    alpha, beta, u = theta[0], theta[1:1 + D], theta[1 + D]
    sigma = np.exp(u)
    X, y, w = data["X"], data["y"], data["w"]
    eta = alpha + X @ beta
    return (stats.norm.logpdf(alpha, 0, 2) + stats.norm.logpdf(beta, 0, 1).sum()
            + stats.norm.logpdf(sigma, 0, 1) + u
            + np.sum(y * eta - np.logaddexp(0.0, eta))
            + stats.t.logpdf(w, 4, X @ beta, sigma).sum())


def test_compiled_model_is_deterministic_and_right_on_many_chunks():
    import vilang
    n, D = 2 * CHUNK + 3, 3
    rng = np.random.default_rng(21)
    X = rng.normal(size=(n, D))
    data = {"N": n, "D": D, "X": X, "y": rng.integers(0, 2, n),
            "w": X @ np.array([0.5, -0.2, 0.1]) + rng.standard_t(4, n)}
    bm = vilang.compile(code=MODEL, filename="parallel_model.vi").bind(data)
    theta = 0.3 * rng.normal(size=bm.param_unc_num())

    def evaluate():
        return (bm.log_density(theta, propto=False), bm.log_density(theta),
                bm.log_density_gradient(theta, propto=False), bm.log_density_gradient(theta))
    lp_full, lp, (lpg_full, g_full), (lpg, g) = deterministic(evaluate)
    assert lp_full == pytest.approx(_model_reference(theta, data), rel=1e-11)
    assert lpg_full == pytest.approx(lp_full, rel=1e-12) and lpg == pytest.approx(lp, rel=1e-12)
    assert np.allclose(g, g_full, rtol=1e-12)
    for d in np.eye(len(theta))[[0, 1, len(theta) - 1]]:
        h = 1e-6
        fd = (bm.log_density(theta + h * d) - bm.log_density(theta - h * d)) / (2 * h)
        assert g @ d == pytest.approx(fd, rel=1e-6, abs=1e-4)


# ---------------------------------------------------------------------------------------------
# column-major matrices (minibatch buffers) and the row gather


@pytest.mark.parametrize("name", GLMS)
def test_glm_column_major_x_gives_the_row_major_result(name):
    """A minibatch's x is column-major (`Batches`); the GLMs loop over its columns instead of
    its rows, and must agree with the row-major result."""
    fam = FAMILIES[name]
    n = CHUNK + 300
    for form in ("scalar", "vector"):
        if form == "vector" and name in ("categorical_logit_glm", "ordered_logistic_glm"):
            continue
        args = _case(name, n, form, np.random.default_rng(3))
        col = (args[0], np.asfortranarray(args[1])) + tuple(args[2:])
        assert col[1].flags.f_contiguous and not col[1].flags.c_contiguous
        assert fam.check(*col) == 0
        for fn in (fam.lpdf, fam.lpdf_d, fam.extra["d_nox"]):
            got, want = flatten(deterministic(fn, *col)), flatten(fn(*args))
            scale = [np.abs(w) + 1.0 for w in want]
            assert_close(tuple(got), tuple(want), tuple(scale))
        bad = np.asfortranarray(args[1].copy())
        bad[n - 1, 0] = np.nan
        assert fam.check(args[0], bad, *args[2:]) != 0


@pytest.mark.parametrize("n", SIZES)
def test_matvec_column_major(n):
    rng = np.random.default_rng(n)
    a = np.asfortranarray(rng.normal(size=(n, 7)))
    x, z = rng.normal(size=7), rng.normal(size=n)
    out0, acc0 = rng.normal(size=n), rng.normal(size=7)
    o, p = out0.copy(), acc0.copy()
    S.matvec_acc(o, a, x)
    S.vecmat_acc(p, z, a)
    got = (deterministic(S.matvec, a, x), deterministic(S.vecmat, z, a), o, p)
    mv, vm = np.abs(a) @ np.abs(x), np.abs(z) @ np.abs(a)
    assert_close(got, (a @ x, z @ a, out0 + a @ x, acc0 + z @ a),
                 (mv, vm, mv + np.abs(out0), vm + np.abs(acc0)))
    if n:
        bad = a.copy(order="F")
        bad[n - 1, 6] = np.inf
        assert P.all_finite_2d(a) and not deterministic(P.all_finite_2d, bad)


@pytest.mark.parametrize("order", ["C", "F"])
def test_gather_rows_any_rank_and_order(order):
    rng = np.random.default_rng(9)
    rows = rng.integers(0, 500, 64)
    rows[:3] = (0, 499, 0)                    # the ends, and a repeat
    for shape in ((500,), (500, 3), (500, 1), (500, 2, 3)):
        src = rng.normal(size=shape)
        dst = np.empty((64,) + shape[1:], order=order if len(shape) == 2 else "C")
        S.gather_rows(src, rows, dst)
        assert np.array_equal(dst, src[rows])
    ints = rng.integers(0, 9, (500, 4))
    dst = np.empty((64, 4), np.int64)
    S.gather_rows(ints, rows, dst)
    assert np.array_equal(dst, ints[rows])
    strided = rng.normal(size=(500, 6))[:, ::2]          # not contiguous: the plain copy
    dst = np.empty((64, 3), order=order)
    S.gather_rows(strided, rows, dst)
    assert np.array_equal(dst, strided[rows])
