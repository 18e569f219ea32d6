"""Tests of Stan's constraint transforms (vilang.runtime.transforms), generic over TRANSFORMS.

Every kind in TRANSFORMS must have an entry in SPECS below (test_every_transform_has_a_spec), so a
new transform is tested by every test here once it is given shapes, free coordinates and
perturbations.

(a) unconstrain(constrain(x)) == x and constrain(unconstrain(y)) == y at random points, and at
    large |x| the value-space round trip constrain(unconstrain(y)) == y with finite values,
    log-Jacobian and gradient.
(b) log_jac == log|det J| of the constraining map, J by central finite differences.  For maps onto
    a lower-dimensional manifold J is taken with respect to the free coordinates Stan's Jacobian
    is defined over (SPECS[kind].coords):
      simplex[K]              -- the first K-1 elements
      sum_to_zero_vector[K]   -- the first K-1 elements; Stan adds 0, i.e. drops the constant
                                 log|det| = -0.5*log(K) of that coordinate chart (JAC_OFFSET)
      cholesky_factor_corr[K] -- the strictly lower triangle of L
      corr_matrix[K]          -- the strictly lower triangle of Omega
      cov_matrix[K]           -- the lower triangle of Sigma including the diagonal
      cholesky_factor_cov     -- the lower triangle of L including the diagonal
      unit_vector             -- not a bijection: Stan adds -0.5*||x||^2, checked directly
(c) the VJP equals the central finite difference of
    sum(w * constrain(x, args)) + lj_bar * log_jac(x, args) in a random direction of x AND of
    every finite bound / offset / multiplier (as if they were parameters), for lj_bar 0 and 1.
(d) check accepts constrained values and rejects perturbed ones.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from vilang.runtime.transforms import CONSTRAINT_TOLERANCE, TRANSFORMS

EXAMPLES = settings(max_examples=6, deadline=None, derandomize=True)
SEEDS = st.integers(0, 2**32 - 1)
INF = math.inf


# ----------------------------------------------------------------------------------------------
# per-kind specifications

def _strict_lower(m):
    i, j = np.tril_indices(m.shape[0], -1)
    return m[i, j]


def _lower(m):
    i, j = np.tril_indices(m.shape[0], 0, m.shape[1])
    return m[i, j]


def _perturb_ordered(y, args, rng):
    out = []
    if y.size >= 2:
        z = y.copy(); z[1] = z[0]; out.append(z)                       # not strictly increasing
        z = y.copy(); z[[0, -1]] = z[[-1, 0]]; out.append(z)
        z = y.copy(); z[-1] = np.nan; out.append(z)
    return out


def _perturb_positive_ordered(y, args, rng):
    z = y.copy(); z[0] = -1e-3
    return [z] + _perturb_ordered(y, args, rng)


def _perturb_simplex(y, args, rng):
    a = y.copy(); a[0] += 1e-6                                          # sum != 1
    b = y.copy(); b[0] -= 1e-3 + b[0]; b[1] += 1e-3 + y[0]             # negative, sum still 1
    c = y.copy(); c[-1] = np.nan
    return [a, b, c]


def _perturb_unit_vector(y, args, rng):
    return [y * (1 + 1e-6), y * 0.5, np.full_like(y, np.nan)]


def _perturb_sum_to_zero(y, args, rng):
    a = y.copy(); a[0] += 1e-6
    b = y.copy(); b[-1] = np.nan
    return [a, b]


def _perturb_cholesky_corr(y, args, rng):
    k = y.shape[0]
    out = []
    a = y.copy(); a[-1] *= 1 + 1e-6; out.append(a)                      # row not of unit length
    b = y.copy(); b[-1] = -b[-1]; out.append(b)                         # negative diagonal
    if k >= 2:
        c = y.copy(); c[0, 1] = 1e-12; out.append(c)                    # not lower triangular
    out.append(np.zeros((k, k + 1)))                                    # not square
    return out


def _perturb_cholesky_cov(y, args, rng):
    m, n = y.shape
    out = []
    a = y.copy(); a[n - 1, n - 1] = 0.0; out.append(a)                  # diagonal not > 0
    b = y.copy(); b[0, 0] = -b[0, 0]; out.append(b)
    if n >= 2:
        c = y.copy(); c[0, n - 1] = 1e-12; out.append(c)                # not lower triangular
    out.append(np.ones((n, n + 1)))                                     # fewer rows than columns
    return out


def _perturb_corr(y, args, rng):
    k = y.shape[0]
    out = []
    a = y.copy(); a[0, 0] = 1 + 1e-6; out.append(a)                     # diagonal not 1
    if k >= 2:
        b = y.copy(); b[1, 0] += 1e-6; out.append(b)                    # not symmetric
        c = y.copy(); c[1, 0] = c[0, 1] = 1.0 + 1e-3; out.append(c)   # not positive definite
    if k >= 3:
        d = np.full((k, k), -0.9); np.fill_diagonal(d, 1.0); out.append(d)
    out.append(np.full((k, k), np.nan))
    return out


def _perturb_cov(y, args, rng):
    k = y.shape[0]
    out = []
    lam = np.linalg.eigvalsh(y)[0]
    out.append(y - (lam + 1e-3 * (1 + abs(lam))) * np.eye(k))           # smallest eigenvalue < 0
    if k >= 2:
        b = y.copy(); b[1, 0] += 1e-6 * (1 + abs(b[1, 0])) + 1e-7; out.append(b)
    out.append(np.zeros((k, k)))
    out.append(np.full((k, k), np.nan))
    out.append(np.zeros((0, 0)))
    return out


def _perturb_bounds(y, args, rng, names):
    """Move one element outside each finite bound."""
    out = []
    n = y.size
    for name, bound in zip(names, args):
        b = np.broadcast_to(bound, (n,))
        finite = np.flatnonzero(np.isfinite(b))
        if finite.size == 0:
            continue
        i = rng.choice(finite)
        z = y.copy()
        step = 1e-6 * (1 + abs(b[i]))
        z[i] = b[i] - step if name == "lower" else b[i] + step
        out.append(z)
    z = y.copy(); z[0] = np.nan; out.append(z)
    return out


@dataclass
class Spec:
    shapes: list                          # constrained shapes to test
    coords: Callable | None               # constrained value -> free coordinates (None: skip (b))
    perturb: Callable                     # (value, args, rng) -> list of invalid values
    big: float = 700.0                    # magnitude of "large |x|" points
    big_valid: bool = True                # values at that magnitude pass check() numerically
    jac_offset: Callable = field(default=lambda shape: 0.0)  # Stan log_jac - true log|det J|


ELEMENTWISE_SHAPES = [(1,), (5,)]

SPECS: dict[str, Spec] = {
    "lower": Spec(ELEMENTWISE_SHAPES, lambda v: v, None),
    "upper": Spec(ELEMENTWISE_SHAPES, lambda v: v, None),
    "lower_upper": Spec(ELEMENTWISE_SHAPES, lambda v: v, None),
    "offset_multiplier": Spec(ELEMENTWISE_SHAPES, lambda v: v, None),
    # x_k = -700 adds exp(-700) to a value of order 1: consecutive elements become equal in
    # floating point (as in Stan), so such values fail the strict ordering check
    "ordered": Spec([(1,), (4,)], lambda v: v, _perturb_ordered, big_valid=False),
    "positive_ordered": Spec([(1,), (4,)], lambda v: v, _perturb_positive_ordered,
                             big_valid=False),
    "simplex": Spec([(2,), (5,)], lambda v: v[:-1], _perturb_simplex, big=30.0),
    "unit_vector": Spec([(1,), (4,)], None, _perturb_unit_vector),
    "sum_to_zero_vector": Spec([(2,), (5,)], lambda v: v[:-1], _perturb_sum_to_zero,
                               jac_offset=lambda shape: 0.5 * math.log(shape[0])),
    "cholesky_factor_corr": Spec([(1, 1), (2, 2), (4, 4)], _strict_lower, _perturb_cholesky_corr,
                                 big=15.0),
    "cholesky_factor_cov": Spec([(1, 1), (3, 3), (4, 2)], _lower, _perturb_cholesky_cov),
    "corr_matrix": Spec([(1, 1), (2, 2), (4, 4)], _strict_lower, _perturb_corr, big=3.0),
    "cov_matrix": Spec([(1, 1), (3, 3)], _lower, _perturb_cov, big=5.0),
}

# bound configurations for the elementwise transforms
BOUND_MODES = ["scalar", "vector", "vector_inf"]


def make_args(t, n, mode, rng):
    """The bound / offset / multiplier arrays of an elementwise transform."""
    if not t.elementwise:
        return []
    m = 1 if mode == "scalar" else n
    args = []
    for name in t.args:
        if name == "lower":
            a = rng.normal(0, 3, m)
        elif name == "upper":
            base = rng.normal(0, 3, m)
            if args:                                   # above the (finite) lower bound
                base = np.where(np.isfinite(args[0]), args[0], base)
            a = base + np.exp(rng.normal(0, 1, m))
        elif name == "offset":
            a = rng.normal(0, 3, m)
        elif name == "multiplier":
            a = np.exp(rng.normal(0, 1, m))
        else:
            raise AssertionError(f"no generator for argument {name!r}")
        if mode == "vector_inf" and name in ("lower", "upper"):
            inf_at = rng.random(m) < 0.4
            a[inf_at] = -INF if name == "lower" else INF
        args.append(np.ascontiguousarray(a, dtype=np.float64))
    return args


def cases():
    for kind, t in TRANSFORMS.items():
        spec = SPECS.get(kind)
        if spec is None:
            continue
        for shape in spec.shapes:
            for mode in (BOUND_MODES if t.elementwise else [None]):
                yield pytest.param(kind, shape, mode, id=f"{kind}-{'x'.join(map(str, shape))}"
                                   + (f"-{mode}" if mode else ""))


CASES = list(cases())


def unc_size(t, shape):
    return t.unc_size(*shape)


def constrain(t, x, args, shape):
    out = np.empty(shape)
    lj = t.constrain(x, *args, out)
    return out, lj


def unconstrain(t, y, args, shape):
    out = np.empty(unc_size(t, shape))
    t.unconstrain(np.ascontiguousarray(y), *args, out)
    return out


def setup(kind, shape, mode, seed, scale=1.5):
    t = TRANSFORMS[kind]
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    args = make_args(t, n, mode, rng)
    x = rng.normal(0, scale, unc_size(t, shape))
    return t, rng, args, x


# ----------------------------------------------------------------------------------------------

def test_every_transform_has_a_spec():
    assert set(TRANSFORMS) == set(SPECS)
    expected = {"lower", "upper", "lower_upper", "offset_multiplier", "ordered",
                "positive_ordered", "simplex", "unit_vector", "sum_to_zero_vector",
                "cholesky_factor_corr", "cholesky_factor_cov", "corr_matrix", "cov_matrix"}
    assert expected <= set(TRANSFORMS)
    for t in TRANSFORMS.values():
        assert t.description and "\n" not in t.description


def test_unc_sizes():
    T = TRANSFORMS
    assert T["lower"].unc_size(3, 4) == 12
    assert T["simplex"].unc_size(5) == 4
    assert T["sum_to_zero_vector"].unc_size(5) == 4
    assert T["unit_vector"].unc_size(5) == 5
    assert T["ordered"].unc_size(5) == 5
    assert T["cholesky_factor_corr"].unc_size(4) == 6
    assert T["corr_matrix"].unc_size(4) == 6
    assert T["cov_matrix"].unc_size(4) == 10
    assert T["cholesky_factor_cov"].unc_size(4) == 10
    assert T["cholesky_factor_cov"].unc_size(5, 3) == 6 + 6


@pytest.mark.parametrize("kind,shape,mode", CASES)
@EXAMPLES
@given(seed=SEEDS)
def test_round_trip(kind, shape, mode, seed):
    t, rng, args, x = setup(kind, shape, mode, seed)
    y, lj = constrain(t, x, args, shape)
    assert np.all(np.isfinite(y)) and np.isfinite(lj)
    x2 = unconstrain(t, y, args, shape)
    y2, _ = constrain(t, x2, args, shape)
    np.testing.assert_allclose(y2, y, rtol=1e-9, atol=1e-10)
    if t.bijective:
        np.testing.assert_allclose(x2, x, rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("kind,shape,mode", CASES)
@EXAMPLES
@given(seed=SEEDS)
def test_large_magnitudes(kind, shape, mode, seed):
    """Points with |x| up to SPECS[kind].big: finite value, log_jac and gradient, a valid value
    (elementwise and vector kinds), and the value-space round trip."""
    spec = SPECS[kind]
    t, rng, args, x = setup(kind, shape, mode, seed)
    x = rng.choice([-1.0, 1.0], x.size) * rng.uniform(0.5, 1.0, x.size) * spec.big
    y, lj = constrain(t, x, args, shape)
    assert np.all(np.isfinite(y)) and np.isfinite(lj), (y, lj)
    x_bar = np.zeros_like(x)
    arg_bars = [np.zeros_like(a) for a in args]
    t.constrain_vjp(x, *args, y, rng.normal(size=shape), 1.0, x_bar, *arg_bars)
    assert np.all(np.isfinite(x_bar)) and all(np.all(np.isfinite(b)) for b in arg_bars)
    if spec.big_valid and not t.matrix:
        assert t.check(y, *args)
    x2 = unconstrain(t, y, args, shape)
    y2, _ = constrain(t, x2, args, shape)
    np.testing.assert_allclose(y2, y, rtol=1e-8, atol=1e-8)


def numeric_log_det(t, x, args, shape, coords, h=1e-6):
    def f(z):
        return coords(constrain(t, z, args, shape)[0])
    cols = []
    for i in range(x.size):
        e = np.zeros_like(x); e[i] = h
        cols.append((f(x + e) - f(x - e)) / (2 * h))
    jac = np.array(cols).T
    sign, logdet = np.linalg.slogdet(jac)
    assert sign != 0
    return logdet


@pytest.mark.parametrize("kind,shape,mode", CASES)
@EXAMPLES
@given(seed=SEEDS)
def test_log_jacobian(kind, shape, mode, seed):
    spec = SPECS[kind]
    t, rng, args, x = setup(kind, shape, mode, seed, scale=1.0)
    y, lj = constrain(t, x, args, shape)
    if spec.coords is None:        # unit_vector: Stan's radial normal term, not a Jacobian
        assert lj == pytest.approx(-0.5 * float(x @ x), rel=1e-12)
        return
    if x.size == 0:
        assert lj == pytest.approx(spec.jac_offset(shape), abs=1e-12)
        return
    expected = numeric_log_det(t, x, args, shape, spec.coords) + spec.jac_offset(shape)
    assert lj == pytest.approx(expected, abs=1e-5 * (1 + abs(expected)))


@pytest.mark.parametrize("lj_bar", [0.0, 1.0])
@pytest.mark.parametrize("kind,shape,mode", CASES)
@EXAMPLES
@given(seed=SEEDS)
def test_vjp(kind, shape, mode, seed, lj_bar):
    t, rng, args, x = setup(kind, shape, mode, seed)
    w = rng.normal(size=shape)
    v = rng.normal(size=x.shape)
    # directions for the bound arguments: only their finite entries move
    u = [np.where(np.isfinite(a), rng.normal(size=a.shape), 0.0) for a in args]

    def f(eps):
        a2 = [a + eps * d for a, d in zip(args, u)]
        out, lj = constrain(t, x + eps * v, a2, shape)
        return float(np.sum(w * out) + lj_bar * lj)

    y, _ = constrain(t, x, args, shape)
    x_bar = np.full_like(x, 0.25)                    # VJPs accumulate: start from non-zero
    arg_bars = [np.full_like(a, -0.5) for a in args]
    t.constrain_vjp(x, *args, y, w, lj_bar, x_bar, *arg_bars)
    analytic = float((x_bar - 0.25) @ v) + sum(float((b + 0.5) @ d) for b, d in zip(arg_bars, u))
    h = 1e-6
    numeric = (f(h) - f(-h)) / (2 * h)
    assert analytic == pytest.approx(numeric, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("kind,shape,mode", CASES)
@EXAMPLES
@given(seed=SEEDS)
def test_check(kind, shape, mode, seed):
    t, rng, args, x = setup(kind, shape, mode, seed)
    y, _ = constrain(t, x, args, shape)
    assert t.check(y, *args)
    if kind == "offset_multiplier":               # no constraint on the value
        assert t.check(rng.normal(size=shape) * 1e6, *args)
        return
    spec = SPECS[kind]
    if t.elementwise:
        bad = _perturb_bounds(y, args, rng, t.args)
    else:
        bad = spec.perturb(y, args, rng)
    for z in bad:
        assert not t.check(np.ascontiguousarray(z, dtype=np.float64), *args), z


# ----------------------------------------------------------------------------------------------
# specific values

def test_known_values():
    T = TRANSFORMS
    out = np.empty(3)
    lj = T["lower_upper"].constrain(np.array([0.0, 700.0, -700.0]), np.array([1.0]),
                                    np.array([3.0]), out)
    np.testing.assert_allclose(out, [2.0, 3.0, 1.0])
    assert math.isfinite(lj)
    assert lj == pytest.approx(3 * math.log(2.0) + math.log(0.25) - 1400.0, rel=1e-12)

    out = np.empty(2)
    lj = T["lower"].constrain(np.array([0.5, 0.5]), np.array([-INF, 1.0]), out)
    np.testing.assert_allclose(out, [0.5, 1.0 + math.exp(0.5)])
    assert lj == 0.5                               # no Jacobian term for the infinite bound

    # invalid bounds: NaN, as Stan would throw
    out = np.empty(1)
    assert math.isnan(T["lower_upper"].constrain(np.zeros(1), np.array([2.0]), np.array([1.0]), out))
    assert math.isnan(T["offset_multiplier"].constrain(np.zeros(1), np.zeros(1), np.zeros(1), out))
    assert math.isnan(T["unit_vector"].constrain(np.zeros(2), np.empty(2)))

    # simplex: x = 0 gives the uniform simplex; log_jac = K*log(1/K) + 0.5*log(K)
    out = np.empty(4)
    lj = T["simplex"].constrain(np.zeros(3), out)
    np.testing.assert_allclose(out, 0.25)
    assert lj == pytest.approx(4 * math.log(0.25) + 0.5 * math.log(4))

    # Stan's unconstrained order: cholesky_factor_corr row-major, corr_matrix column-major
    x = np.array([0.1, 0.2, 0.3])
    lc = np.empty((3, 3)); T["cholesky_factor_corr"].constrain(x, lc)
    assert lc[1, 0] == pytest.approx(math.tanh(0.1)) and lc[2, 0] == pytest.approx(math.tanh(0.2))
    om = np.empty((3, 3)); T["corr_matrix"].constrain(x, om)
    assert om[1, 0] == pytest.approx(math.tanh(0.1)) and om[2, 0] == pytest.approx(math.tanh(0.2))
    x = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    sigma = np.empty((3, 3))
    lj = T["cov_matrix"].constrain(x, sigma)
    low = np.array([[math.exp(0.1), 0, 0], [0.2, math.exp(0.3), 0], [0.4, 0.5, math.exp(0.6)]])
    np.testing.assert_allclose(sigma, low @ low.T)
    assert lj == pytest.approx(3 * math.log(2) + 4 * 0.1 + 3 * 0.3 + 2 * 0.6)

    # sum_to_zero of size K-1 -> K with an orthonormal basis: norm preserved
    x = np.random.default_rng(1).normal(size=6)
    z = np.empty(7)
    assert T["sum_to_zero_vector"].constrain(x, z) == 0.0
    assert abs(z.sum()) < 1e-12 and np.linalg.norm(z) == pytest.approx(np.linalg.norm(x))


def test_check_tolerance():
    T = TRANSFORMS
    y = np.array([0.5, 0.5])
    assert T["simplex"].check(y + np.array([0.4e-8, 0.4e-8]))
    assert not T["simplex"].check(y + np.array([0.6e-8, 0.6e-8]))
    assert T["sum_to_zero_vector"].check(np.array([1.0, -1.0 + 0.9 * CONSTRAINT_TOLERANCE]))
    assert not T["simplex"].check(np.zeros(0))            # Stan: nonzero size required
    assert T["ordered"].check(np.zeros(0)) and T["corr_matrix"].check(np.zeros((0, 0)))
    assert T["lower"].check(np.array([-INF]), np.array([-INF]))
    assert not T["lower"].check(np.array([np.nan]), np.array([-INF]))
