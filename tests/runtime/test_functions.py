"""Tests of Stan's built-in functions (vilang.runtime.scalar / tensor / linalg), generic over
`vilang.runtime.functions.FUNCTIONS`: every implementation listed there is

(a) compared with an independent numpy/scipy reference (`REF`, keyed by the Stan name, or by
    (name, argument types) where the types change the meaning) at random valid points;
(b) differentiated by central finite differences in a random direction: scalar `f_d` partials
    one argument at a time, tensor `f_vjp` as <value_bar, f'(x) dx> = sum_k <adj_k, dx_k> with
    random value_bar and dx, and every per-argument VJP against the full one.

Valid inputs come from each Impl's `domains` hints (sizes: vectors 4, matrices 4 x 3, or 4 x 4
when the domain needs a square matrix); `ARGS` overrides them, keyed by kernel name, where
int arguments depend on sizes or shapes must conform.  Symmetric-input functions ("spd", "sym"
domains: cholesky_decompose, *_spd, eigen*_sym, quad_form_sym, inverse_spd,
log_determinant_spd) are perturbed symmetrically (both triangles together), since they admit
only symmetric arguments; lower-triangular ones ("tril") are perturbed in every element, the
upper triangle being ignored by the value and getting a zero adjoint.  "sparse" matrices are
perturbed on their non-zeros only, "simplex" vectors and "stochastic" matrices (hmm_marginal's
rho and Gamma, log_mix's theta) along directions with zero (row) sums.

(c) the stable scalar forms at extreme arguments (`test_edge_values`).

A new FUNCTIONS entry without a reference fails `test_value` until one is added here.

Compilation dominates the run time (about 500 kernels, some 130 s of CPU when numba's cache is
cold), so a module fixture first compiles the kernels of the selected tests in two processes
at once: a subprocess compiles the linear algebra into numba's on-disk cache while this
process compiles the rest (`_warm`); set VILANG_TEST_SERIAL=1 to skip that.
"""
import math
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.special as sp
from scipy.spatial.distance import cdist

from vilang.runtime import linalg as L
from vilang.runtime import scalar as S
from vilang.runtime import tensor as T
from vilang.runtime.functions import FUNCTIONS, OMITTED, lookup, real_args

CASES = [(name, k, impl) for name, impls in sorted(FUNCTIONS.items())
         for k, impl in enumerate(impls)]


def case_id(case):
    name, k, impl = case
    return f"{name}({','.join(impl.args)})"


SCALAR = [c for c in CASES if c[2].kind == "scalar"]
TENSOR = [c for c in CASES if c[2].kind == "tensor"]
DIFFERENTIABLE_SCALAR = [c for c in SCALAR if c[2].derivative is not None]
DIFFERENTIABLE_TENSOR = [c for c in TENSOR if c[2].derivative is not None]


def kname(fn) -> str:
    return fn.py_func.__name__


def rng_for(*parts) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(parts).encode()))


# ---------------------------------------------------------------------------------------------
# Random valid arguments

def scalar_draw(rng, dom):
    if dom in ("real", "any"):
        return float(rng.normal(0.0, 1.5))
    if dom == "pos":
        return float(rng.uniform(0.3, 3.0))
    if dom == "unit":
        return float(rng.uniform(0.05, 0.95))
    if dom == "unit2":
        return float(rng.uniform(0.1, 1.9))
    if dom == "pm1":
        return float(rng.uniform(-0.9, 0.9))
    if dom == "gt1":
        return float(rng.uniform(1.2, 4.0))
    if dom == "gtm1":
        return float(rng.uniform(-0.8, 3.0))
    if dom == "lt1":
        return float(rng.uniform(-3.0, 0.8))
    if dom == "neg":
        return float(rng.uniform(-4.0, -0.1))
    if dom == "nonzero":
        return float(rng.choice([-1.0, 1.0]) * rng.uniform(0.3, 3.0))
    if dom == "big":
        return float(rng.uniform(4.0, 6.0))
    if dom == "bign":
        return float(rng.uniform(3.0, 20.0))
    if dom == "unitk":
        return float(rng.uniform(0.5, 2.5))
    raise KeyError(dom)


def int_draw(rng, dom):
    return {"int": int(rng.integers(0, 6)), "bool": 1, "size": 3, "idx": 2, "len": 2,
            "nonzeroint": int(rng.choice([-5, -3, -2, 2, 3, 7]))}.get(dom, 2)


def spd(rng, n):
    a = rng.normal(size=(n, n))
    s = a @ a.T / n + 0.7 * np.eye(n)
    return 0.5 * (s + s.T)


def matrix_draw(rng, dom, shape=None):
    if dom in ("spd", "sym", "square", "tril", "stochastic"):
        n = 4 if shape is None else shape[0]
        if dom == "spd":
            return spd(rng, n)
        if dom == "sym":
            a = rng.normal(size=(n, n))
            return 0.5 * (a + a.T)
        if dom == "square":
            return rng.normal(size=(n, n)) + 3.0 * np.eye(n)
        if dom == "tril":
            a = rng.normal(size=(n, n))
            a[np.diag_indices(n)] = rng.uniform(1.0, 2.0, size=n)
            return a  # upper triangle deliberately non-zero: it must be ignored
        p = rng.gamma(2.0, size=(n, n))
        return p / p.sum(axis=1, keepdims=True)
    shape = (4, 3) if shape is None else shape
    if dom == "sparse":
        a = rng.normal(size=shape)
        a[rng.random(shape) < 0.4] = 0.0
        return a
    if dom == "pos":
        return rng.uniform(0.3, 3.0, size=shape)
    return rng.normal(size=shape)


def vector_draw(rng, dom, n=4):
    if dom == "simplex":
        p = rng.gamma(2.0, size=n)
        return p / p.sum()
    if dom == "pos":
        return rng.uniform(0.3, 3.0, size=n)
    if dom == "unit":
        return rng.uniform(0.05, 0.95, size=n)
    if dom == "nonzero":
        return rng.choice([-1.0, 1.0], size=n) * rng.uniform(0.3, 3.0, size=n)
    return rng.normal(size=n)


def draw(rng, stan_type, dom):
    dom = dom or "real"
    if stan_type == "real":
        return scalar_draw(rng, dom)
    if stan_type == "int":
        return int_draw(rng, dom)
    if stan_type in ("vector", "row_vector", "array[] real"):
        return vector_draw(rng, dom)
    if stan_type == "matrix":
        return matrix_draw(rng, dom)
    if stan_type in ("array[] vector", "array[] row_vector", "array[,] real"):
        return rng.normal(size=(3, 4))
    if stan_type == "array[,,] real":
        return rng.normal(size=(2, 3, 2))
    if stan_type == "array[] matrix":
        return rng.normal(size=(2, 3, 2))
    if stan_type == "array[] int":
        return rng.integers(0, 10, size=4)
    if stan_type == "array[,] int":
        return rng.integers(0, 10, size=(3, 2))
    if stan_type == "array[,,] int":
        return rng.integers(0, 10, size=(2, 3, 2))
    raise KeyError(stan_type)


def _csr(rng):
    a = matrix_draw(rng, "sparse", (4, 5))
    w, v, u = [], [], [1]
    for i in range(4):
        for j in range(5):
            if a[i, j] != 0.0:
                w.append(a[i, j])
                v.append(j + 1)
        u.append(len(w) + 1)
    return 4, 5, np.array(w), np.array(v, dtype=np.int64), np.array(u, dtype=np.int64)


def _shapes(*shapes):
    """Arguments drawn as real arrays of the given shapes (None: draw by type/domain)."""
    def make(rng, impl):
        out = []
        for t, dom, shp in zip(impl.args, impl.domains or (None,) * len(impl.args), shapes):
            if shp is None:
                out.append(draw(rng, t, dom))
            elif t == "matrix":
                out.append(matrix_draw(rng, dom or "real", shp))
            else:
                out.append(vector_draw(rng, dom or "real", shp[0]) if len(shp) == 1
                           else rng.normal(size=shp))
        return out
    return make


def _fixed(*values):
    def make(rng, impl):
        return [v(rng) if callable(v) else v for v in values]
    return make


ARGS = {
    # products and shapes that must conform (non-square on purpose)
    "multiply_mv": _shapes((5, 3), (3,)),
    "multiply_vm": _shapes((5,), (5, 3)),
    "multiply_mm": _shapes((5, 3), (3, 2)),
    "multiply_outer": _shapes((4,), (3,)),
    "crossprod_m": _shapes((5, 3)),
    "tcrossprod_m": _shapes((5, 3)),
    "multiply_lower_tri_self_transpose_m": _shapes((3, 5)),
    "diag_pre_multiply_vm": _shapes((5,), (5, 3)),
    "diag_post_multiply_mv": _shapes((5, 3), (3,)),
    "quad_form_mm": _shapes(None, (4, 2)),
    "quad_form_sym_mm": _shapes(None, (4, 2)),
    "trace_quad_form_mm": _shapes(None, (4, 2)),
    "trace_gen_quad_form_mmm": _shapes((2, 2), None, (4, 2)),
    "mdivide_left_mm": _shapes(None, (4, 2)),
    "mdivide_left_spd_mm": _shapes(None, (4, 2)),
    "mdivide_left_tri_low_mm": _shapes(None, (4, 2)),
    "mdivide_right_mm": _shapes((2, 4), None),
    "mdivide_right_spd_mm": _shapes((2, 4), None),
    "mdivide_right_tri_low_mm": _shapes((2, 4), None),
    "append_row_mm": _shapes((2, 4), (3, 4)),
    "append_row_mr": _shapes((2, 3), (3,)),
    "append_row_rm": _shapes((3,), (2, 3)),
    "append_col_mm": _shapes((3, 2), (3, 1)),
    "append_col_mv": _shapes((4, 2), (4,)),
    "append_col_vm": _shapes((4,), (4, 2)),
    "singular_values_m": _shapes((5, 3)),
    "log_mix_va": _shapes(None, (3, 4)),
    # int arguments that depend on sizes
    "to_matrix_vii": _fixed(lambda r: r.normal(size=6), 2, 3),
    "to_matrix_viii": _fixed(lambda r: r.normal(size=6), 2, 3, 0),
    "to_matrix_mii": _fixed(lambda r: r.normal(size=(4, 3)), 2, 6),
    "to_matrix_miii": _fixed(lambda r: r.normal(size=(4, 3)), 6, 2, 0),
    "to_matrix_intii": _fixed(lambda r: r.integers(0, 9, size=6), 3, 2),
    "to_matrix_intiii": _fixed(lambda r: r.integers(0, 9, size=6), 3, 2, 0),
    "block_m": _fixed(lambda r: r.normal(size=(4, 3)), 2, 1, 2, 2),
    "sub_col_m": _fixed(lambda r: r.normal(size=(4, 3)), 2, 3, 3),
    "sub_row_m": _fixed(lambda r: r.normal(size=(4, 3)), 3, 1, 2),
    "col_m": _fixed(lambda r: r.normal(size=(4, 3)), 3),
    "row_m": _fixed(lambda r: r.normal(size=(4, 3)), 4),
    "segment_a2": _fixed(lambda r: r.normal(size=(4, 3)), 2, 2),
    "head_a2": _fixed(lambda r: r.normal(size=(4, 3)), 3),
    "tail_a2": _fixed(lambda r: r.normal(size=(4, 3)), 3),
    "linspaced_v": _fixed(5, -1.5, 2.5),
    "linspaced_int": _fixed(5, 1, 10),
    "one_hot_v": _fixed(4, 2),
    "one_hot_int": _fixed(4, 3),
    "quantile_v": _fixed(lambda r: r.normal(size=7), 0.3),
    "quantile_vv": _fixed(lambda r: r.normal(size=7), np.array([0.0, 0.3, 0.77, 1.0])),
    "rank_int": _fixed(lambda r: r.integers(0, 9, size=6), 4),
    "matrix_power_m": _fixed(lambda r: r.normal(size=(3, 3)) / 2, 3),
    "to_int_v": _fixed(lambda r: r.normal(0, 5, size=5)),
    "to_int_a2": _fixed(lambda r: r.normal(0, 5, size=(2, 3))),
    # GP inputs: 4 points of dimension 2, ARD length scales per dimension
    "gp_exp_quad_cov_vecs": _fixed(lambda r: r.normal(size=(4, 2)), 1.3, 0.9),
    "gp_exp_quad_cov_vecs2": _fixed(lambda r: r.normal(size=(4, 2)),
                                    lambda r: r.normal(size=(3, 2)), 1.3, 0.9),
    "gp_exp_quad_cov_ard": _fixed(lambda r: r.normal(size=(4, 2)), 1.3,
                                  np.array([0.7, 1.6])),
    "gp_exp_quad_cov_ard2": _fixed(lambda r: r.normal(size=(4, 2)),
                                   lambda r: r.normal(size=(3, 2)), 1.3, np.array([0.7, 1.6])),
    "gp_exp_quad_cov_aa": _fixed(lambda r: r.normal(size=4), lambda r: r.normal(size=3),
                                 1.3, 0.9),
    "hmm_marginal": lambda r, impl: [r.normal(size=(3, 5)), matrix_draw(r, "stochastic",
                                                                        (3, 3)),
                                     vector_draw(r, "simplex", 3)],
    "csr_matrix_times_vector": lambda r, impl: [*_csr(r), r.normal(size=5)],
    "csr_to_dense_matrix": lambda r, impl: list(_csr(r)),
    # scalar argument pairs with a joint domain
    "log_diff_exp": "ordered",
    "log_inv_logit_diff": "ordered",
    "lchoose": "choose",
    "log_falling_factorial": "choose",
}


def make_args(impl, rng):
    key = kname(impl.value)
    gen = ARGS.get(key)
    if gen == "ordered":
        y = float(rng.normal())
        return [y + float(rng.uniform(0.3, 2.0)), y]
    if gen == "choose":
        n = float(rng.uniform(3.0, 20.0))
        return [n, float(rng.uniform(0.5, n - 0.5))]
    if callable(gen):
        args = gen(rng, impl)
    else:
        doms = impl.domains or (None,) * len(impl.args)
        args = [draw(rng, t, d) for t, d in zip(impl.args, doms)]
    out = []
    for a in args:
        if isinstance(a, np.ndarray):
            a = np.ascontiguousarray(a, dtype=np.int64 if a.dtype.kind in "iu" else np.float64)
        elif isinstance(a, (bool, int, np.integer)):
            a = int(a)
        out.append(a)
    return out


# ---------------------------------------------------------------------------------------------
# Compiling in two processes

def _value_bar(value):
    shape = np.shape(value)
    return 1.0 if shape == () else np.ones(shape)


def _warm(cases):
    """Compile (or load from numba's cache) every kernel that the tests of `cases` call, with
    the argument types the tests use."""
    for name, k, impl in cases:
        try:
            args = make_args(impl, rng_for(name, k, 0))
            value = impl.value(*args)
            if impl.derivative is None:
                continue
            if impl.kind == "scalar":
                impl.derivative(*args)
                continue
            wbar = _value_bar(value)
            impl.derivative(*args, value, wbar)
            for f in impl.arg_vjps or ():
                f(*args, value, wbar)
        except Exception:  # the tests themselves will report it
            pass


@pytest.fixture(scope="module", autouse=True)
def _compile_in_parallel(request):
    here = Path(__file__).resolve()
    keys = []
    for item in request.session.items:
        case = getattr(getattr(item, "callspec", None), "params", {}).get("case")
        if case is not None and Path(str(item.fspath)).resolve() == here:
            key = f"{case[0]}:{case[1]}"
            if key not in keys:
                keys.append(key)
    if (len(keys) < 40 or (os.cpu_count() or 1) < 2
            or os.environ.get("VILANG_TEST_SERIAL")):
        return
    # linear algebra (about half the compile time, and the only user of numba's LAPACK
    # bindings, which are slow to compile the first time) in the helper, the rest here
    cases = _cases_for(keys)
    theirs = [f"{n}:{k}" for n, k, impl in cases if impl.value.py_func.__module__ == L.__name__]
    mine = [c for c in cases if c[2].value.py_func.__module__ != L.__name__]
    env = dict(os.environ)
    root = str(here.parents[2])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    helper = subprocess.Popen([sys.executable, str(here), "--warm", ",".join(theirs)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _warm(mine)
    finally:
        helper.wait()


def _cases_for(keys):
    by_key = {f"{name}:{k}": (name, k, impl) for name, k, impl in CASES}
    return [by_key[key] for key in keys if key in by_key]


# ---------------------------------------------------------------------------------------------
# References (numpy / scipy)

def _f(x):
    return np.asarray(x, dtype=float)


def _lchoose(n, k):
    return sp.gammaln(n + 1) - sp.gammaln(k + 1) - sp.gammaln(n - k + 1)


def _c_div(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _multiply(a, b, types):
    if "real" in types:
        return a * b
    if types == ("vector", "row_vector"):
        return np.outer(a, b)
    return np.dot(a, b)


def _gp(x1, x2, alpha, rho):
    x1 = _f(x1).reshape(len(x1), -1)
    x2 = _f(x2).reshape(len(x2), -1)
    rho = np.broadcast_to(_f(rho), (x1.shape[1],))
    return alpha ** 2 * np.exp(-0.5 * cdist(x1 / rho, x2 / rho, "sqeuclidean"))


def _hmm(log_omega, gamma, rho):
    # every state path, summed: an independent reference for small K, N
    k, n = log_omega.shape
    total = -np.inf
    for path in np.ndindex(*(k,) * n):
        lp = math.log(rho[path[0]]) + log_omega[path[0], 0]
        for t in range(1, n):
            lp += math.log(gamma[path[t - 1], path[t]]) + log_omega[path[t], t]
        total = np.logaddexp(total, lp)
    return total


def _csr_dense(m, n, w, v, u):
    d = np.zeros((m, n))
    for i in range(m):
        for k in range(u[i] - 1, u[i + 1] - 1):
            d[i, v[k] - 1] = w[k]
    return d


def _linspaced_int(n, lo, hi):
    # Eigen's integer LinSpaced, as Stan uses
    if n == 1:
        return np.array([hi])
    if hi - lo + 1 < n:
        div = (n + hi - lo) // (hi - lo + 1)
        return lo + np.arange(n) // div
    return lo + np.arange(n) * ((hi - lo) // (n - 1))


def _dims(x, t):
    if t in ("int", "real"):
        return []
    if t == "vector":
        return [len(x), 1]
    if t == "row_vector":
        return [1, len(x)]
    if t == "array[] vector":
        return [x.shape[0], x.shape[1], 1]
    if t == "array[] row_vector":
        return [x.shape[0], 1, x.shape[1]]
    return list(x.shape)


def _size(x, t):
    if t in ("int", "real"):
        return 1
    return x.size if t == "matrix" else x.shape[0]


def _append_row(a, b, types):
    if types[0] in ("vector", "real") and types[1] in ("vector", "real"):
        return np.concatenate([np.atleast_1d(a), np.atleast_1d(b)])
    return np.vstack([np.atleast_2d(a), np.atleast_2d(b)])


def _append_col(a, b, types):
    if "matrix" in types or types == ("vector", "vector"):
        return np.hstack([_f(a).reshape(len(a), -1), _f(b).reshape(len(b), -1)])
    return np.concatenate([np.atleast_1d(a), np.atleast_1d(b)])


def _log_mix(theta, lam, types=None):
    lam = _f(lam)
    if lam.ndim == 1:
        return sp.logsumexp(np.log(theta) + lam)
    return sum(sp.logsumexp(np.log(theta) + row) for row in lam)


def _columns_dot(a, b, types):
    if types[0] == "vector":
        return np.array([a @ b])
    if types[0] == "row_vector":
        return a * b
    return (a * b).sum(axis=0)


def _rows_dot(a, b, types):
    if types[0] == "vector":
        return a * b
    if types[0] == "row_vector":
        return np.array([a @ b])
    return (a * b).sum(axis=1)


def _to_matrix(x, *mnc, types):
    x = _f(x)
    if not mnc:
        if types[0] == "vector":
            return x.reshape(-1, 1)
        if types[0] == "row_vector":
            return x.reshape(1, -1)
        return x.copy()
    m, n = mnc[0], mnc[1]
    col_major = mnc[2] if len(mnc) == 3 else 1
    flat = x.flatten(order="F") if types[0] == "matrix" else x.ravel()
    return flat.reshape((m, n), order="F" if col_major else "C")


def _flatten(x, types):
    return _f(x).flatten(order="F") if types[0] == "matrix" else np.asarray(x).ravel()


def _rep_array(x, *dims, types):
    if types[0] in ("vector", "row_vector", "array[] real"):
        return np.tile(x, (dims[0], 1))
    return np.full(dims, x)


def _rep_matrix(x, *dims, types):
    if types[0] == "vector":
        return np.tile(x.reshape(-1, 1), (1, dims[0]))
    if types[0] == "row_vector":
        return np.tile(x, (dims[0], 1))
    return np.full(dims, x)


def _sym_lower(a):
    return np.tril(a) + np.tril(a, -1).T


REF = {
    # scalar functions
    "exp": np.exp, "exp2": np.exp2, "expm1": np.expm1, "log": np.log, "log2": np.log2,
    "log10": np.log10, "log1p": np.log1p, "log1m": lambda x: np.log1p(-x),
    "log1p_exp": lambda x: np.logaddexp(0.0, x), "log1m_exp": lambda x: np.log(-np.expm1(x)),
    "sqrt": np.sqrt, "cbrt": np.cbrt, "square": np.square, "inv": lambda x: 1 / x,
    "inv_sqrt": lambda x: 1 / np.sqrt(x), "inv_square": lambda x: 1 / x ** 2,
    "abs": np.abs, "fabs": np.abs, "floor": np.floor, "ceil": np.ceil,
    "round": lambda x: np.sign(x) * np.floor(np.abs(x) + 0.5), "trunc": np.trunc,
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin, "acos": np.arccos,
    "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh,
    "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh,
    "logit": sp.logit, "inv_logit": sp.expit, "log_inv_logit": sp.log_expit,
    "log1m_inv_logit": lambda x: sp.log_expit(-x),
    "inv_cloglog": lambda x: -np.expm1(-np.exp(x)),
    "erf": sp.erf, "erfc": sp.erfc, "Phi": sp.ndtr,
    "Phi_approx": lambda x: sp.expit(0.07056 * x ** 3 + 1.5976 * x),
    "inv_Phi": sp.ndtri, "std_normal_qf": sp.ndtri,
    "std_normal_log_qf": lambda lp: sp.ndtri(np.exp(lp)), "inv_erfc": sp.erfcinv,
    "lgamma": sp.gammaln, "tgamma": sp.gamma, "digamma": sp.psi,
    "trigamma": lambda x: sp.polygamma(1, x),
    "step": lambda x: 0.0 if x < 0 else 1.0, "int_step": lambda x: int(x > 0),
    "is_inf": lambda x: int(np.isinf(x)), "is_nan": lambda x: int(np.isnan(x)),
    "to_int": lambda x: np.trunc(x).astype(np.int64) if np.ndim(x) else int(x),
    "pow": np.power, "fmin": np.fmin, "fmax": np.fmax, "fdim": lambda x, y: max(x - y, 0.0),
    "fmod": np.fmod, "hypot": np.hypot, "atan2": np.arctan2,
    "log_diff_exp": lambda x, y: x + np.log(-np.expm1(y - x)),
    "lbeta": sp.betaln, "beta": sp.beta, "lchoose": _lchoose,
    "binomial_coefficient_log": _lchoose, "lmultiply": sp.xlogy, "multiply_log": sp.xlogy,
    "log_inv_logit_diff": lambda x, y: np.log(sp.expit(x) - sp.expit(y)),
    "log_falling_factorial": lambda x, n: sp.gammaln(x + 1) - sp.gammaln(x - n + 1),
    "log_rising_factorial": lambda x, n: sp.gammaln(x + n) - sp.gammaln(x),
    "ldexp": lambda x, n: np.ldexp(x, n),
    "lmgamma": lambda k, x: sp.multigammaln(x, k) if k > 0 else 0.0,
    "binary_log_loss": lambda y, p: -np.log(p) if y else -np.log1p(-p),
    "fma": lambda x, y, z: x * y + z,
    "choose": lambda n, k: sp.comb(n, k, exact=True),
    "modulus": lambda a, b: a - _c_div(a, b) * b, "intdivide": _c_div,
    "pi": lambda: math.pi, "e": lambda: math.e, "sqrt2": lambda: math.sqrt(2),
    "not_a_number": lambda: math.nan, "positive_infinity": lambda: math.inf,
    "negative_infinity": lambda: -math.inf, "machine_precision": lambda: np.finfo(float).eps,
    ("log2", ()): lambda: math.log(2), ("log10", ()): lambda: math.log(10),
    ("max", ("int", "int")): max, ("min", ("int", "int")): min,
    ("falling_factorial", ("real", "int")): lambda x, n: sp.poch(x - n + 1, n),
    ("falling_factorial", ("int", "int")): lambda x, n: math.perm(x, n),
    ("rising_factorial", ("real", "int")): lambda x, n: sp.poch(x, n),
    ("rising_factorial", ("int", "int")): lambda x, n: int(round(sp.poch(x, n))),
    # reductions
    "sum": np.sum, "prod": np.prod, "max": np.max, "min": np.min, "mean": np.mean,
    "variance": lambda x: np.var(x, ddof=1), "sd": lambda x: np.std(x, ddof=1),
    "log_sum_exp": lambda *a: sp.logsumexp(a[0]) if len(a) == 1 else np.logaddexp(*a),
    "norm1": lambda x: np.abs(x).sum(), "norm2": np.linalg.norm,
    "cumulative_sum": np.cumsum, "dot_self": lambda x: x @ x,
    "columns_dot_self": lambda x, types: _columns_dot(x, x, types),
    "rows_dot_self": lambda x, types: _rows_dot(x, x, types),
    "dot_product": np.dot, "distance": lambda x, y: np.linalg.norm(x - y),
    "squared_distance": lambda x, y: np.sum((_f(x) - y) ** 2),
    "columns_dot_product": _columns_dot, "rows_dot_product": _rows_dot,
    "quantile": lambda x, p: np.quantile(x, p),
    # operators
    "elt_multiply": lambda a, b: a * b, "elt_divide": lambda a, b: a / b,
    "multiply": _multiply,
    "divide": lambda a, b, types: (a / b if types[1] == "real" else
                                   np.linalg.solve(_f(b).T, _f(a).T).T),
    # softmax, log_mix, sorting
    "softmax": sp.softmax, "log_softmax": sp.log_softmax,
    ("log_mix", ("real", "real", "real")): lambda t, a, b: np.logaddexp(
        np.log(t) + a, np.log1p(-t) + b),
    "log_mix": _log_mix,
    "sort_asc": np.sort, "sort_desc": lambda x: np.sort(x)[::-1],
    "sort_indices_asc": lambda x: np.argsort(x, kind="stable") + 1,
    "sort_indices_desc": lambda x: np.argsort(-x, kind="stable") + 1,
    "rank": lambda x, s: int(np.sum(x < x[s - 1])),
    # constructors
    "linspaced_vector": lambda n, lo, hi: np.linspace(lo, hi, n),
    "linspaced_row_vector": lambda n, lo, hi: np.linspace(lo, hi, n),
    "linspaced_array": lambda n, lo, hi: np.linspace(lo, hi, n),
    "linspaced_int_array": _linspaced_int,
    "one_hot_vector": lambda n, k: np.eye(n)[k - 1], "one_hot_row_vector":
        lambda n, k: np.eye(n)[k - 1], "one_hot_array": lambda n, k: np.eye(n)[k - 1],
    "one_hot_int_array": lambda n, k: np.eye(n, dtype=int)[k - 1],
    "zeros_vector": np.zeros, "zeros_row_vector": np.zeros, "zeros_array": np.zeros,
    "zeros_int_array": lambda n: np.zeros(n, dtype=int), "ones_vector": np.ones,
    "ones_row_vector": np.ones, "ones_array": np.ones,
    "ones_int_array": lambda n: np.ones(n, dtype=int),
    "uniform_simplex": lambda n: np.full(n, 1 / n), "identity_matrix": np.eye,
    "rep_vector": lambda x, n: np.full(n, x), "rep_row_vector": lambda x, n: np.full(n, x),
    "rep_matrix": _rep_matrix,
    "rep_array": _rep_array,
    # conversions
    "to_vector": lambda x, types: _flatten(x, types).astype(float),
    "to_row_vector": lambda x, types: _flatten(x, types).astype(float),
    "to_matrix": _to_matrix, "to_array_1d": _flatten, "to_array_2d": np.array,
    "transpose": lambda x: _f(x).T,
    "append_array": lambda a, b: np.concatenate([a, b]), "append_row": _append_row,
    "append_col": _append_col,
    "head": lambda x, n: x[:n], "tail": lambda x, n: x[len(x) - n:],
    "segment": lambda x, i, n: x[i - 1:i - 1 + n], "reverse": lambda x: x[::-1],
    "col": lambda a, j: a[:, j - 1], "row": lambda a, i: a[i - 1],
    "block": lambda a, i, j, nr, nc: a[i - 1:i - 1 + nr, j - 1:j - 1 + nc],
    "sub_col": lambda a, i, j, n: a[i - 1:i - 1 + n, j - 1],
    "sub_row": lambda a, i, j, n: a[i - 1, j - 1:j - 1 + n],
    "diagonal": np.diag, "diag_matrix": np.diag,
    "size": lambda x, types: _size(x, types[0]),
    "num_elements": lambda x: np.size(x), "rows": lambda x, types: (
        1 if types[0] == "row_vector" else x.shape[0]),
    "cols": lambda x, types: (1 if types[0] == "vector" else x.shape[-1]),
    "dims": lambda x, types: _dims(x, types[0]),
    # linear algebra
    "crossprod": lambda a: a.T @ a, "tcrossprod": lambda a: a @ a.T,
    "multiply_lower_tri_self_transpose": lambda a: np.tril(a) @ np.tril(a).T,
    "diag_pre_multiply": lambda v, a: np.diag(v) @ a,
    "diag_post_multiply": lambda a, v: a @ np.diag(v),
    "quad_form_diag": lambda a, v: np.diag(v) @ a @ np.diag(v),
    "add_diag": lambda a, d: a + np.diag(np.broadcast_to(d, (min(a.shape),))),
    "quad_form": lambda a, b: b.T @ a @ b, "quad_form_sym": lambda a, b: b.T @ a @ b,
    "trace_quad_form": lambda a, b: np.trace(np.atleast_2d(b.T @ a @ b)),
    "trace_gen_quad_form": lambda d, a, b: np.trace(d @ b.T @ a @ b),
    "trace": np.trace, "symmetrize_from_lower_tri": _sym_lower,
    "matrix_power": np.linalg.matrix_power,
    "mdivide_left": np.linalg.solve, "mdivide_left_spd": np.linalg.solve,
    "mdivide_left_tri_low": lambda a, b: sla.solve_triangular(a, b, lower=True),
    "mdivide_right": lambda b, a: np.linalg.solve(a.T, b.T).T,
    "mdivide_right_spd": lambda b, a: np.linalg.solve(a.T, b.T).T,
    "mdivide_right_tri_low": lambda b, a: sla.solve_triangular(
        np.tril(a), _f(b).T, trans="T", lower=True).T,
    "inverse": np.linalg.inv, "inverse_spd": np.linalg.inv,
    "chol2inv": lambda lo: np.linalg.inv(np.tril(lo) @ np.tril(lo).T),
    "determinant": np.linalg.det, "log_determinant": lambda a: np.linalg.slogdet(a)[1],
    "log_determinant_spd": lambda a: np.linalg.slogdet(a)[1],
    "cholesky_decompose": np.linalg.cholesky, "eigenvalues_sym": np.linalg.eigvalsh,
    "eigenvectors_sym": "eigenvectors", "singular_values": lambda a: np.linalg.svd(
        a, compute_uv=False),
    "gp_exp_quad_cov": lambda *a: _gp(a[0], a[-3] if len(a) == 4 else a[0], a[-2], a[-1]),
    "cov_exp_quad": lambda *a: _gp(a[0], a[-3] if len(a) == 4 else a[0], a[-2], a[-1]),
    "hmm_marginal": _hmm,
    "csr_matrix_times_vector": lambda m, n, w, v, u, b: _csr_dense(m, n, w, v, u) @ b,
    "csr_to_dense_matrix": _csr_dense,
    "csr_extract_w": lambda a: a[a != 0], "csr_extract_v": lambda a: np.nonzero(a)[1] + 1,
    "csr_extract_u": lambda a: np.concatenate([[1], 1 + np.cumsum((a != 0).sum(axis=1))]),
}

NEEDS_TYPES = {"columns_dot_self", "rows_dot_self", "columns_dot_product", "rows_dot_product",
               "multiply", "divide", "to_vector", "to_row_vector", "to_matrix", "to_array_1d",
               "append_row", "append_col", "size", "rows", "cols", "dims", "rep_array",
               "rep_matrix"}


def reference(name, impl):
    ref = REF.get((name, impl.args), REF.get(name))
    if ref is None:
        pytest.fail(f"no reference for {name}{impl.args}: add one to REF in {__file__}")
    if name in NEEDS_TYPES and (name, impl.args) not in REF:
        return lambda *a: ref(*a, types=impl.args)
    return ref


# ---------------------------------------------------------------------------------------------
# (a) values

def _close(got, want, rtol=1e-9, atol=1e-11):
    got = np.asarray(got)
    want = np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    if got.dtype.kind in "iub" and want.dtype.kind in "iub":
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_value(case):
    name, k, impl = case
    ref = reference(name, impl)
    for rep in range(3 if impl.kind == "scalar" else 1):
        rng = rng_for(name, k, rep)
        args = make_args(impl, rng)
        got = impl.value(*args)
        if ref == "eigenvectors":
            want = np.linalg.eigh(args[0])[1]
            got = got * np.sign(np.sum(got * want, axis=0))
        else:
            want = ref(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
        if impl.returns.split()[-1] in ("int",):
            assert isinstance(got, (int, np.integer)) or got.dtype == np.int64, type(got)
        elif impl.kind == "tensor" and impl.returns != "real":
            assert got.dtype == np.float64 and got.flags.c_contiguous
        _close(got, want)
        if impl.kind == "scalar" and impl.derivative is not None:
            _close(impl.derivative(*args)[0], got, rtol=1e-14, atol=0)
        for a, before in zip(args, make_args(impl, rng_for(name, k, rep))):
            if isinstance(a, np.ndarray):  # arguments are never written to
                np.testing.assert_array_equal(a, before)


# ---------------------------------------------------------------------------------------------
# (b) derivatives

@pytest.mark.parametrize("case", DIFFERENTIABLE_SCALAR, ids=case_id)
def test_scalar_derivative(case):
    name, k, impl = case
    for rep in range(3):
        args = make_args(impl, rng_for(name, k, "d", rep))
        out = impl.derivative(*args)
        positions = real_args(impl)
        assert len(out) == len(positions) + 1
        for slot, pos in enumerate(positions):
            x = args[pos]
            h = 1e-6 * max(1.0, abs(x))

            def at(v):
                a = list(args)
                a[pos] = v
                return impl.value(*a)
            fd = (at(x + h) - at(x - h)) / (2 * h)
            np.testing.assert_allclose(out[slot + 1], fd, rtol=1e-6, atol=1e-7,
                                       err_msg=f"d{name}/d arg{pos} at {args}")


def direction(rng, arg, stan_type, dom):
    if not isinstance(arg, np.ndarray):
        return float(rng.normal())
    d = rng.normal(size=arg.shape)
    if dom in ("spd", "sym"):
        d = 0.5 * (d + d.T)
    elif dom == "sparse":
        d = d * (arg != 0)
    elif dom in ("simplex", "stochastic"):  # stay on the simplex: zero (row) sums
        d = d - d.mean(axis=-1, keepdims=True)
    return d


def _inner(a, b):
    return float(np.sum(np.asarray(a) * np.asarray(b)))


@pytest.mark.parametrize("case", DIFFERENTIABLE_TENSOR, ids=case_id)
def test_vjp(case):
    name, k, impl = case
    rng = rng_for(name, k, "vjp")
    args = make_args(impl, rng)
    value = impl.value(*args)
    wbar = rng.normal(size=np.shape(value))
    wbar = float(wbar) if np.ndim(value) == 0 else np.ascontiguousarray(wbar)
    adj = impl.derivative(*args, value, wbar)
    positions = real_args(impl)
    assert isinstance(adj, tuple) and len(adj) == len(positions)
    doms = impl.domains or (None,) * len(impl.args)
    dirs = {}
    for slot, pos in enumerate(positions):
        assert np.shape(adj[slot]) == np.shape(args[pos]), (slot, np.shape(adj[slot]))
        if isinstance(adj[slot], np.ndarray):
            assert adj[slot].dtype == np.float64 and adj[slot].flags.c_contiguous, slot
        else:
            assert isinstance(adj[slot], float), type(adj[slot])
        dirs[pos] = direction(rng, args[pos], impl.args[pos], doms[pos])
    predicted = sum(_inner(adj[s], dirs[p]) for s, p in enumerate(positions))

    ref_value = np.asarray(value)

    def phi(t):
        a = [x + t * dirs[i] if i in dirs else x for i, x in enumerate(args)]
        v = np.asarray(impl.value(*a))
        if name == "eigenvectors_sym":  # fix the arbitrary sign of each eigenvector
            v = v * np.sign(np.sum(v * ref_value, axis=0))
        return _inner(v, wbar)
    h = 1e-6
    fd = (phi(h) - phi(-h)) / (2 * h)
    scale = max(1.0, abs(predicted), sum(np.abs(adj[s]).sum() * np.abs(dirs[p]).max()
                                         for s, p in enumerate(positions)))
    assert abs(fd - predicted) <= 2e-6 * scale, (fd, predicted)

    if impl.arg_vjps is not None:
        assert len(impl.arg_vjps) == len(positions)
        for slot, f in enumerate(impl.arg_vjps):
            np.testing.assert_allclose(f(*args, value, wbar), adj[slot], rtol=1e-12,
                                       atol=1e-12)


# ---------------------------------------------------------------------------------------------
# (c) edge values of the stable forms

def _rel(got, want, rtol=1e-12):
    assert got == want or abs(got - want) <= rtol * abs(want), (got, want)


def test_edge_values():
    inf = math.inf
    # log1p_exp, inv_logit and relatives far in the tails
    assert S.log1p_exp(800.0) == 800.0 and S.log1p_exp_d(800.0)[1] == 1.0
    assert S.log1p_exp(-800.0) == 0.0 and S.log1p_exp(-40.0) == pytest.approx(math.exp(-40))
    assert S.inv_logit(-800.0) == 0.0 and S.inv_logit(800.0) == 1.0
    _rel(S.inv_logit(-40.0), sp.expit(-40.0))
    assert S.inv_logit_d(-800.0)[1] == 0.0 and S.inv_logit_d(800.0)[1] == 0.0
    assert S.log_inv_logit(-800.0) == -800.0 and S.log1m_inv_logit(800.0) == -800.0
    _rel(S.log_inv_logit(40.0), sp.log_expit(40.0))
    assert S.log_inv_logit_d(-800.0)[1] == 1.0 and S.log1m_inv_logit_d(800.0)[1] == -1.0
    _rel(S.logit(1e-300), math.log(1e-300))
    assert S.logit(0.0) == -inf and S.logit(1.0) == inf
    _rel(S.inv_cloglog(-40.0), -math.expm1(-math.exp(-40.0)))
    # log1m_exp near 0 and far below
    _rel(S.log1m_exp(-1e-20), math.log(1e-20))
    _rel(S.log1m_exp_d(-1e-20)[1], -1e20)
    assert S.log1m_exp(-800.0) == 0.0 and S.log1m_exp(0.0) == -inf
    assert math.isnan(S.log1m_exp(1.0))
    # log_diff_exp / log_sum_exp
    assert S.log_diff_exp(1.0, 1.0) == -inf
    v, dx, dy = S.log_diff_exp_d(1.0, 1.0)
    assert v == -inf and dx == inf and dy == -inf
    assert S.log_diff_exp(0.0, -inf) == 0.0 and math.isnan(S.log_diff_exp(0.0, 1.0))
    _rel(S.log_diff_exp(800.0, 799.0), 800.0 + math.log(-math.expm1(-1.0)))
    _rel(S.log_diff_exp(0.0, -1e-20), math.log(1e-20))
    _rel(S.log_sum_exp2(800.0, 800.0), 800.0 + math.log(2.0))
    assert S.log_sum_exp2(-inf, -inf) == -inf and S.log_sum_exp2(-inf, 3.0) == 3.0
    assert S.log_sum_exp2_d(-inf, 3.0)[1:] == (0.0, 1.0)
    _rel(S.log_mix(0.3, -800.0, -800.0), -800.0)
    # inv_logit(30) - inv_logit(29) = e^-29 (1 - 1/e) (1 + O(e^-29)), beyond naive evaluation
    _rel(S.log_inv_logit_diff(30.0, 29.0), -29.0 + math.log1p(-math.exp(-1.0)), 1e-12)
    # normal tails: Phi underflows only below about -38; log_Phi stays finite
    assert S.Phi(-37.0) > 0.0
    _rel(S.Phi(-37.0), sp.ndtr(-37.0), 1e-12)
    assert S.Phi(-40.0) >= 0.0 and S.Phi(10.0) == 1.0
    for x in (-40.0, -1e3, -20.5, -19.5, -5.0, 0.3, 6.0, 10.0):
        _rel(S.log_Phi(x), sp.log_ndtr(x), 1e-12)
        _rel(S.log_Phi_d(x)[1], math.exp(-0.5 * x * x - 0.5 * math.log(2 * math.pi)
                                         - sp.log_ndtr(x)), 1e-10)
    assert S.Phi_d(-37.0)[1] > 0.0
    for p in (1e-300, 1e-20, 0.02425, 0.3, 0.5, 0.97575, 1 - 1e-12):
        _rel(S.inv_Phi(p), sp.ndtri(p), 1e-13)
    assert S.inv_Phi(0.0) == -inf and S.inv_Phi(1.0) == inf
    for lp in (-1000.0, -750.0, -5.0, -1e-3):
        x = S.std_normal_log_qf(lp)
        _rel(sp.log_ndtr(x), lp, 1e-12)
    # gamma family far out and at poles
    _rel(S.lbeta(1e10, 3.0), sp.betaln(1e10, 3.0), 1e-13)
    _rel(S.lbeta(1e10, 2e10), sp.betaln(1e10, 2e10), 1e-13)
    _rel(S.lchoose(1e10, 3.0), math.log(1e10 * (1e10 - 1) * (1e10 - 2) / 6), 1e-13)
    assert S.lchoose(7.0, 0.0) == 0.0 and S.lchoose(7.0, 7.0) == 0.0
    assert S.lgamma(0.0) == inf and math.isnan(S.tgamma(-2.0))
    assert abs(S.digamma(1.4616321449683622) - sp.psi(1.4616321449683622)) < 1e-15  # root
    for x in (-2.5, -0.3, 1e-8, 7.0, 1e6):
        _rel(S.digamma(x), sp.psi(x), 1e-11)
        _rel(S.trigamma(x), sp.polygamma(1, x), 1e-11)
        _rel(S.trigamma_d(x)[1], sp.polygamma(2, x), 1e-10)
    # integer helpers (C semantics for negative operands)
    assert S.int_divide(-7, 2) == -3 and S.modulus(-7, 2) == -1 and S.modulus(7, -2) == 1
    assert S.choose(50, 25) == math.comb(50, 25) and S.choose(3, 5) == 0
    assert S.int_step(0.0) == 0 and S.step(0.0) == 1.0 and S.int_step(math.nan) == 0
    assert S.is_inf(-inf) == 1 and S.is_nan(math.nan) == 1 and S.is_nan(inf) == 0
    # container forms
    x = np.array([1000.0, 1000.0, -inf])
    _rel(T.log_sum_exp_v(x), 1000.0 + math.log(2.0))
    np.testing.assert_allclose(T.log_sum_exp_v_vjp(x, T.log_sum_exp_v(x), 1.0)[0],
                               [0.5, 0.5, 0.0])
    assert T.log_sum_exp_v(np.array([-inf, -inf])) == -inf
    assert T.log_sum_exp_v(np.zeros(0)) == -inf and T.max_v(np.zeros(0)) == -inf
    np.testing.assert_allclose(T.softmax_v(np.array([1000.0, 0.0])), [1.0, 0.0])
    np.testing.assert_allclose(T.log_softmax_v(np.array([1000.0, 0.0])), [0.0, -1000.0])
    _rel(T.log_mix_vv(np.array([0.5, 0.5]), np.array([-1000.0, -1000.0])), -1000.0)
    np.testing.assert_array_equal(T.linspaced_int(6, 1, 3), [1, 1, 2, 2, 3, 3])
    np.testing.assert_array_equal(T.linspaced_int(1, 1, 3), [3])
    assert T.linspaced_v(1, 0.0, 2.0)[0] == 2.0 and T.linspaced_v(5, -1.0, 3.0)[-1] == 3.0


def test_domain_errors():
    not_spd = np.array([[1.0, 2.0], [2.0, 1.0]])
    not_sym = np.array([[2.0, 0.5], [0.0, 2.0]])
    for bad in (not_spd, not_sym):
        with pytest.raises(ValueError):
            L.cholesky_decompose_m(bad)
        with pytest.raises(ValueError):
            L.mdivide_left_spd_mv(bad, np.ones(2))
    with pytest.raises(ValueError):
        L.multiply_mv(np.ones((3, 2)), np.ones(3))
    with pytest.raises(IndexError):
        T.segment_v(np.ones(3), 3, 2)
    with pytest.raises(ValueError):
        T.sort_asc_v(np.array([1.0, math.nan]))
    with pytest.raises(ValueError):
        L.gp_exp_quad_cov_a(np.ones(3), 1.0, -1.0)


def test_large_matrices():
    """Sizes past the solver block (48): blocked triangular solves and the Cholesky VJP."""
    rng = np.random.default_rng(7)
    n = 130
    low = np.tril(rng.normal(size=(n, n)) / math.sqrt(n)) + np.diag(rng.uniform(1, 2, n))
    b = rng.normal(size=(n, 3))
    np.testing.assert_allclose(L.mdivide_left_tri_low_mm(low, b),
                               sla.solve_triangular(low, b, lower=True), rtol=1e-10)
    bt = np.ascontiguousarray(b.T)
    np.testing.assert_allclose(L.mdivide_right_tri_low_mm(bt, low),
                               sla.solve_triangular(low, b, lower=True, trans="T").T,
                               rtol=1e-10)
    a = spd(rng, n)
    np.testing.assert_allclose(L.mdivide_left_spd_mm(a, b), np.linalg.solve(a, b), rtol=1e-9)
    value = L.cholesky_decompose_m(a)
    wbar = rng.normal(size=(n, n))
    (abar,) = L.cholesky_decompose_m_vjp(a, value, wbar)
    d = rng.normal(size=(n, n))
    d = 0.5 * (d + d.T)
    h = 1e-6
    fd = (np.sum(wbar * np.linalg.cholesky(a + h * d))
          - np.sum(wbar * np.linalg.cholesky(a - h * d))) / (2 * h)
    assert abs(fd - np.sum(abar * d)) <= 1e-6 * np.abs(abar).sum()


@pytest.mark.parametrize("kind", [1, 2, 3])
def test_gp_kernel_core(kind):
    """The shared distance-based GP core's other kernels (exponential, Matern 3/2 and 5/2),
    ready for gp_exponential_cov / gp_matern32_cov / gp_matern52_cov."""
    rng = np.random.default_rng(kind)
    x1, x2 = rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    alpha, rho = 1.3, np.array([0.7, 1.6])
    s = cdist(x1 / rho, x2 / rho)
    r3, r5 = math.sqrt(3) * s, math.sqrt(5) * s
    want = alpha ** 2 * {1: np.exp(-s), 2: (1 + r3) * np.exp(-r3),
                         3: (1 + r5 + r5 ** 2 / 3) * np.exp(-r5)}[kind]
    np.testing.assert_allclose(L._gp_cov(x1, x2, alpha, rho, kind, False), want, rtol=1e-12)
    wbar = rng.normal(size=(4, 3))
    g1, g2, ga, gr = L._gp_cov_vjp(x1, x2, alpha, rho, kind, False, wbar, True, True, True)
    d1, d2, da, dr = (rng.normal(size=(4, 2)), rng.normal(size=(3, 2)), rng.normal(),
                      rng.normal(size=2))
    h = 1e-6

    def phi(t):
        return np.sum(wbar * L._gp_cov(x1 + t * d1, x2 + t * d2, alpha + t * da, rho + t * dr,
                                       kind, False))
    fd = (phi(h) - phi(-h)) / (2 * h)
    predicted = np.sum(g1 * d1) + np.sum(g2 * d2) + ga * da + np.sum(gr * dr)
    assert abs(fd - predicted) <= 1e-6 * max(1.0, abs(predicted))


# ---------------------------------------------------------------------------------------------
# The table itself

def test_table_is_consistent():
    seen = set()
    for name, impls in FUNCTIONS.items():
        sigs = [impl.args for impl in impls]
        assert len(sigs) == len(set(sigs)), f"{name} lists a signature twice"
        for impl in impls:
            assert impl.kind in ("scalar", "tensor")
            assert not impl.domains or len(impl.domains) == len(impl.args)
            if impl.elementwise:
                assert impl.kind == "scalar" and all(
                    t in ("real", "int") for t in impl.args)
            if impl.derivative is None:
                assert not impl.arg_vjps
            seen.add(impl.value)
    assert lookup("multiply", ["matrix", "vector"]).value is L.multiply_mv
    assert lookup("pow", ["int", "real"]).value is S.pow  # int promotes to real
    assert lookup("sum", ["array[] int"]).value is T.sum_int
    assert lookup("no_such_function", ["real"]) is None


def test_every_builtin_is_implemented_or_omitted():
    from vilang.typecheck.library import functions as checked
    from vilang.typecheck.library import operators
    names = set()
    for group, _ in checked.GROUPS + operators.GROUPS:
        names.update(group.split())
    missing = sorted(n for n in names if n not in FUNCTIONS and n not in OMITTED)
    assert not missing, (f"built-ins with no runtime implementation: {missing}; add them to "
                         "FUNCTIONS or OMITTED in vilang/runtime/functions.py")


def test_matrix_vector_speed():
    """X * beta and its adjoint X^T r for a 100000 x 20 design matrix run at numpy (BLAS)
    speed.  Timings alternate between the two implementations and keep the best of each, so
    that load from other processes affects both alike; the bound is loose for that reason."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(100_000, 20))
    b = rng.normal(size=20)
    r = rng.normal(size=100_000)
    v = L.multiply_mv(x, b)
    L.multiply_mv_vjp_1(x, b, v, r)

    def ratio(ours, theirs, rounds=40):
        best = [math.inf, math.inf]
        for _ in range(rounds):
            for slot, f in enumerate((ours, theirs)):
                t = time.perf_counter()
                f()
                best[slot] = min(best[slot], time.perf_counter() - t)
        return best[0] / best[1]
    forward = ratio(lambda: L.multiply_mv(x, b), lambda: x @ b)
    backward = ratio(lambda: L.multiply_mv_vjp_1(x, b, v, r), lambda: x.T @ r)
    print(f"matrix*vector 100000x20, time relative to numpy: X*beta {forward:.2f}, "
          f"X^T r {backward:.2f}")
    assert forward < 3.0 and backward < 3.0

def test_one_specialisation_per_kernel():
    """Each public kernel the tests above called compiled for one signature (float64 reals,
    int64 ints, C-order arrays), except the shape queries, which accept any array.  (Private
    helpers such as `_dot` are compiled for whatever layouts their callers pass.)"""
    import numba
    polymorphic = {"size_outer", "size_scalar", "num_elements", "num_elements_scalar",
                   "dims_scalar", "dims_array", "rows_v", "rows_rv", "rows_m", "cols_v",
                   "cols_rv", "cols_m"}
    several = [(module.__name__, name, [str(sig) for sig in obj.signatures])
               for module in (S, T, L) for name, obj in vars(module).items()
               if isinstance(obj, numba.core.registry.CPUDispatcher)
               and len(obj.signatures) > 1 and name not in polymorphic
               and not name.startswith("_")]
    assert not several, several


if __name__ == "__main__" and sys.argv[1:2] == ["--warm"]:
    _warm(_cases_for(sys.argv[2].split(",")))
