"""Tests of the univariate distribution kernels, generic over `FAMILIES`.

Each family needs one entry in SPECS below (its scipy equivalent and a parameter domain);
every test walks FAMILIES, so a new family is tested as soon as it is added (and a family
without a SPECS entry fails `test_every_family_has_a_spec`).

(a) lpdf/lpmf against scipy.stats at random valid points, parameter corners and tails;
(b) every `_d` partial against a 4-point central finite difference in a random direction;
(c) `dropped` depends only on the non-parameter arguments (and is the lpdf with none);
(d) cdf/lcdf/lccdf against scipy, including far tails;
(e) rng goodness of fit (Kolmogorov-Smirnov, chi-square on counts for discrete families);
(f) check() flags each invalid argument at its position.

All kernels are called with float for real and int for integer arguments only, so each
compiles once.
"""
import math

import numpy as np
import pytest
import scipy.integrate as si
import scipy.special as sc
import scipy.stats as st
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

from vilang.runtime.univariate import (
    FAMILIES, FINITE, NONNEG, NOT_NAN, POS_FINITE, POSITIVE, UNIT, rng_seed,
)

NAN = math.nan
INF = math.inf
PI = math.pi

SETTINGS = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


# ---------------------------------------------------------------------------------------
# per-family specification: parameter domains and the scipy equivalent
# ---------------------------------------------------------------------------------------
# Domain kinds (also decide the finite-difference step scale of the argument):
#   loc  uniform, step scale = the distribution's interquartile range
#   lin  uniform, step scale = 1
#   unit uniform inside (0, 1), step scale = min(x, 1 - x)
#   log  log-uniform, step scale = |x|
#   int  integer (not differentiated)


def loc(lo, hi):
    return ("loc", lo, hi)


def lin(lo, hi):
    return ("lin", lo, hi)


def unit(lo, hi):
    return ("unit", lo, hi)


def lg(lo, hi):
    return ("log", lo, hi)


def it(lo, hi):
    return ("int", lo, hi)


def vm_cdf(y, mu, kappa):
    """Stan's von Mises cdf (the integral of the density from -pi to y): by quadrature for
    kappa < 49, where Stan's series is exact up to an absolute error ~1e-15, else scipy's
    normal approximation (the one Stan copies).  Either way only absolute accuracy is
    expected (the second value: the reference is not 'exact' in relative terms)."""
    if kappa < 49:
        dens = st.vonmises(kappa, loc=mu).pdf
        return si.quad(dens, -PI, y, epsabs=0, epsrel=1e-13, limit=200)[0], False
    d = st.vonmises(kappa, loc=mu)
    return float(d.cdf(y) - d.cdf(-PI)), False


def _skew_de(mu, sigma, tau):
    kappa = math.sqrt(tau / (1.0 - tau))
    return st.laplace_asymmetric(kappa, loc=mu, scale=sigma / (2.0 * math.sqrt(tau * (1 - tau))))


SPECS = {
    "normal": dict(dom=[loc(-5, 5), lg(1e-2, 1e2)], ref=lambda m, s: st.norm(m, s)),
    "std_normal": dict(dom=[], ref=lambda: st.norm()),
    "cauchy": dict(dom=[loc(-5, 5), lg(1e-2, 1e2)], ref=lambda m, s: st.cauchy(m, s)),
    "student_t": dict(dom=[lg(0.5, 200), loc(-5, 5), lg(1e-2, 1e2)],
                      ref=lambda nu, m, s: st.t(nu, m, s)),
    "double_exponential": dict(dom=[loc(-5, 5), lg(1e-2, 1e2)],
                               ref=lambda m, s: st.laplace(m, s),
                               kink=lambda y, m, s: abs(y - m) < 1e-2 * s),
    "logistic": dict(dom=[loc(-5, 5), lg(1e-2, 1e2)], ref=lambda m, s: st.logistic(m, s)),
    "gumbel": dict(dom=[loc(-5, 5), lg(1e-2, 1e2)], ref=lambda m, b: st.gumbel_r(m, b)),
    "skew_normal": dict(dom=[loc(-5, 5), lg(0.1, 10), lin(-5, 5)],
                        ref=lambda xi, om, al: st.skewnorm(al, xi, om),
                        tail_skip="lcdf/lccdf of the thin tail = log(cdf) (as Stan)"),
    "lognormal": dict(dom=[lin(-2, 2), lg(0.1, 3)],
                      ref=lambda m, s: st.lognorm(s, scale=math.exp(m))),
    "chi_square": dict(dom=[lg(0.5, 100)], ref=lambda nu: st.chi2(nu)),
    "inv_chi_square": dict(dom=[lg(0.5, 100)], ref=lambda nu: st.invgamma(nu / 2, scale=0.5)),
    "scaled_inv_chi_square": dict(dom=[lg(0.5, 100), lg(0.1, 10)],
                                  ref=lambda nu, s: st.invgamma(nu / 2, scale=nu * s * s / 2)),
    "exponential": dict(dom=[lg(1e-2, 1e2)], ref=lambda b: st.expon(scale=1 / b)),
    "gamma": dict(dom=[lg(0.1, 100), lg(1e-2, 1e2)], ref=lambda a, b: st.gamma(a, scale=1 / b)),
    "inv_gamma": dict(dom=[lg(0.1, 100), lg(1e-2, 1e2)],
                      ref=lambda a, b: st.invgamma(a, scale=b)),
    "weibull": dict(dom=[lg(0.3, 10), lg(0.1, 10)],
                    ref=lambda a, s: st.weibull_min(a, scale=s)),
    "frechet": dict(dom=[lg(0.3, 10), lg(0.1, 10)], ref=lambda a, s: st.invweibull(a, scale=s)),
    "rayleigh": dict(dom=[lg(0.1, 10)], ref=lambda s: st.rayleigh(scale=s)),
    "pareto": dict(dom=[lg(0.1, 10), lg(0.3, 10)], ref=lambda m, a: st.pareto(a, scale=m),
                   bounding=("y_min",), tail_ref="quad"),
    "pareto_type_2": dict(dom=[loc(-5, 5), lg(0.1, 10), lg(0.3, 10)],
                          ref=lambda m, l, a: st.lomax(a, loc=m, scale=l)),
    "beta": dict(dom=[lg(0.2, 50), lg(0.2, 50)], ref=lambda a, b: st.beta(a, b)),
    "beta_proportion": dict(dom=[unit(0.05, 0.95), lg(1, 100)],
                            ref=lambda m, k: st.beta(m * k, (1 - m) * k)),
    "von_mises": dict(dom=[loc(-3, 3), lg(0.01, 100)], ref=lambda m, k: st.vonmises(k, loc=m),
                      y_of_u=lambda u, m, k: -PI + 2 * PI * u,
                      cdf_ref=lambda y, m, k: vm_cdf(y, m, k),
                      tail_skip="Stan's von Mises cdf has absolute (not relative) accuracy"),
    "uniform": dict(dom=[loc(-5, 5), lg(0.1, 10)], post=lambda a, w: (a, a + w),
                    kinds=["loc", "loc"], ref=lambda a, b: st.uniform(a, b - a), tail_ref="quad"),
    "exp_mod_normal": dict(dom=[loc(-3, 3), lg(0.1, 5), lg(0.1, 10)],
                           ref=lambda m, s, l: st.exponnorm(1 / (s * l), loc=m, scale=s)),
    "loglogistic": dict(dom=[lg(0.1, 10), lg(0.5, 10)], ref=lambda a, b: st.fisk(b, scale=a)),
    "skew_double_exponential": dict(dom=[loc(-5, 5), lg(0.1, 10), unit(0.05, 0.95)],
                                    ref=_skew_de,
                                    kink=lambda y, m, s, t: abs(y - m) < 1e-2 * s),
    "bernoulli": dict(dom=[unit(0.01, 0.99)], ref=lambda t: st.bernoulli(t)),
    "bernoulli_logit": dict(dom=[lin(-5, 5)], ref=lambda a: st.bernoulli(sc.expit(a))),
    "binomial": dict(dom=[it(1, 60), unit(0.01, 0.99)], ref=lambda N, t: st.binom(N, t)),
    "binomial_logit": dict(dom=[it(1, 60), lin(-5, 5)],
                           ref=lambda N, a: st.binom(N, sc.expit(a))),
    "beta_binomial": dict(dom=[it(1, 60), lg(0.2, 20), lg(0.2, 20)],
                          ref=lambda N, a, b: st.betabinom(N, a, b)),
    "poisson": dict(dom=[lg(0.05, 100)], ref=lambda l: st.poisson(l)),
    "poisson_log": dict(dom=[lin(-3, 4.5)], ref=lambda a: st.poisson(math.exp(a))),
    "neg_binomial": dict(dom=[lg(0.2, 50), lg(0.05, 10)],
                         ref=lambda a, b: st.nbinom(a, b / (1 + b))),
    "neg_binomial_2": dict(dom=[lg(0.1, 100), lg(0.2, 1e3)],
                           ref=lambda m, p: st.nbinom(p, p / (m + p))),
    "neg_binomial_2_log": dict(dom=[lin(-2, 4.5), lg(0.2, 1e3)],
                               ref=lambda e, p: st.nbinom(p, p / (math.exp(e) + p))),
    "discrete_range": dict(dom=[it(-10, 10), it(0, 20)], post=lambda l, w: (l, l + w),
                           ref=lambda l, u: st.randint(l, u + 1)),
    "hypergeometric": dict(dom=[it(1, 30), it(1, 30), it(0, 1000)],
                           post=lambda a, b, k: (k % (a + b + 1), a, b),
                           ref=lambda N, a, b: st.hypergeom(a + b, a, N)),
}

NAMES = list(FAMILIES)
CDF_NAMES = [n for n in NAMES if FAMILIES[n].cdfs]
REAL_NAMES = [n for n in NAMES if FAMILIES[n].real_args]


def test_every_family_has_a_spec():
    assert sorted(SPECS) == sorted(FAMILIES)
    for name, fam in FAMILIES.items():
        assert len(SPECS[name].get("kinds", SPECS[name]["dom"])) == len(fam.params), name
        assert tuple(fam.arg_conditions) == fam.args, name
        assert set(fam.check_order) == {a for a, c in fam.arg_conditions.items() if c}, name
        for kind in ("cdf", "lcdf", "lccdf"):
            assert (getattr(fam, kind) is None) == (kind not in fam.cdfs), (name, kind)


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------

def kinds_of(name):
    spec = SPECS[name]
    return spec.get("kinds") or [d[0] for d in spec["dom"]]


def strategy(dom):
    kind, lo, hi = dom
    if kind == "int":
        return hst.integers(lo, hi)
    if kind == "log":
        return hst.floats(math.log10(lo), math.log10(hi)).map(lambda e: 10.0 ** e)
    return hst.floats(lo, hi)


def mid(dom):
    kind, lo, hi = dom
    if kind == "int":
        return (lo + hi) // 2
    if kind == "log":
        return math.sqrt(lo * hi)
    return 0.5 * (lo + hi)


def finish_params(name, raw):
    spec = SPECS[name]
    params = spec["post"](*raw) if "post" in spec else tuple(raw)
    fam = FAMILIES[name]
    return tuple(int(v) if p in fam.int_params else float(v) for p, v in zip(fam.params, params))


def draw_params(data, name):
    return finish_params(name, [data.draw(strategy(d)) for d in SPECS[name]["dom"]])


def mid_params(name):
    return finish_params(name, [mid(d) for d in SPECS[name]["dom"]])


def ref_dist(name, params):
    return SPECS[name]["ref"](*params)


def variate(name, params, u):
    """The variate at quantile u (a float for continuous, an int for discrete families)."""
    spec = SPECS[name]
    if "y_of_u" in spec:
        return float(spec["y_of_u"](u, *params))
    dist = ref_dist(name, params)
    y = dist.ppf(u) if u <= 0.5 else dist.isf(1.0 - u)
    return int(y) if FAMILIES[name].discrete else float(y)


def close(a, b, rtol, atol=0.0):
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def real_positions(fam):
    """Indices (in the full argument list) of the real-valued arguments."""
    return [i for i, a in enumerate(fam.args) if a in fam.real_args]


def step_scales(name, args):
    """Finite-difference step scale for each real-valued argument."""
    fam = FAMILIES[name]
    params = args[1:]
    dist = ref_dist(name, params)
    kinds = ["var"] + kinds_of(name)
    iqr = float(dist.ppf(0.75) - dist.ppf(0.25))
    # variate, locations and parameters that move the support step less than the distance
    # from the variate to the support's ends
    near = iqr
    if not fam.discrete:
        for bound in dist.support():
            if math.isfinite(bound):
                near = min(near, abs(args[0] - bound))
    bounding = SPECS[name].get("bounding", ())
    scales = []
    for i in real_positions(fam):
        kind, x = kinds[i], args[i]
        if kind in ("var", "loc"):
            s = near
        elif fam.args[i] in bounding:
            s = min(abs(x), near)
        elif kind == "log":
            s = abs(x)
        elif kind == "unit":
            s = min(x, 1.0 - x)
        else:
            s = 1.0
        scales.append(s)
    return scales


def check_partials(name, fun, fun_d, args, direction, what):
    """Compare fun_d's partials with a 4-point central difference of fun along `direction`."""
    fam = FAMILIES[name]
    pos = real_positions(fam)
    scales = step_scales(name, args)
    out = fun_d(*args)
    value, grad = out[0], out[1:]
    assert len(grad) == len(pos), what
    ref = fun(*args)
    assert close(value, ref, 1e-12, 1e-300), (what, value, ref)
    if not math.isfinite(value):
        return

    def at(t, h):
        a = list(args)
        for k, i in enumerate(pos):
            a[i] = args[i] + t * h * scales[k] * direction[k]
        return fun(*a)

    h = 1e-3
    for _ in range(12):
        vals = [at(t, h) for t in (-2, -1, 1, 2)]
        if all(math.isfinite(v) for v in vals):
            break
        h *= 0.25
    else:
        raise AssertionError((what, "no finite finite-difference stencil", args))
    fd = (vals[0] - 8 * vals[1] + 8 * vals[2] - vals[3]) / (12 * h)
    terms = [g * s * v for g, s, v in zip(grad, scales, direction)]
    an = sum(terms)
    tol = 1e-6 * (sum(abs(t) for t in terms) + 1e-8) + 1e-9 * (1 + abs(value))
    assert abs(fd - an) <= tol, (what, args, an, fd, grad, scales, direction)


def draw_direction(data, n):
    v = [data.draw(hst.floats(-1, 1)) for _ in range(n)]
    m = max((abs(x) for x in v), default=0.0)
    return [x / m for x in v] if m > 0 else [1.0] * n


# ---------------------------------------------------------------------------------------
# (a) lpdf / lpmf against scipy
# ---------------------------------------------------------------------------------------

def ref_logpdf(name, params, y):
    dist = ref_dist(name, params)
    return float(dist.logpmf(y) if FAMILIES[name].discrete else dist.logpdf(y))


def assert_lpdf(name, params, y, rtol=1e-8):
    fam = FAMILIES[name]
    args = (y,) + params
    if fam.check(*args) != 0:
        return
    ref = ref_logpdf(name, params, y)
    if math.isnan(ref):
        return
    got = fam.lpdf(*args)
    assert close(got, ref, rtol, 1e-10), (name, args, got, ref)


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=hst.data())
def test_lpdf_matches_scipy(name, data):
    params = draw_params(data, name)
    u = data.draw(hst.floats(1e-6, 1 - 1e-6))
    assert_lpdf(name, params, variate(name, params, u))


def corners(name):
    """Mid parameters, and each parameter at the ends of its domain with the others at mid."""
    doms = SPECS[name]["dom"]
    raw = [mid(d) for d in doms]
    out = [finish_params(name, raw)]
    for i, d in enumerate(doms):
        for end in (d[1], d[2]):
            r = list(raw)
            r[i] = end
            out.append(finish_params(name, r))
    return out


TAIL_U = [1e-10, 1e-4, 0.5, 1 - 1e-4, 1 - 1e-10]


@pytest.mark.parametrize("name", NAMES)
def test_lpdf_corners_tails_and_boundaries(name):
    fam = FAMILIES[name]
    for params in corners(name):
        for u in TAIL_U:
            assert_lpdf(name, params, variate(name, params, u))
        if not fam.discrete:
            for bound in ref_dist(name, params).support():
                if math.isfinite(bound):
                    assert_lpdf(name, params, float(bound))
    if not fam.discrete:
        # out of the support: -inf where Stan returns LOG_ZERO (check passes)
        for params in corners(name):
            lo, hi = ref_dist(name, params).support()
            for y in (lo - 1.0, hi + 1.0):
                if math.isfinite(y) and fam.check(y, *params) == 0:
                    assert fam.lpdf(y, *params) == -INF, (name, y, params)


# ---------------------------------------------------------------------------------------
# (b) derivatives against finite differences
# ---------------------------------------------------------------------------------------

def fd_point(data, name, ulo=0.05, uhi=0.95):
    params = draw_params(data, name)
    u = data.draw(hst.floats(ulo, uhi))
    y = variate(name, params, u)
    args = (y,) + params
    kink = SPECS[name].get("kink")
    if kink is not None and kink(*args):
        args = (variate(name, params, 0.5 * u if u > 0.5 else 0.5 + 0.5 * u),) + params
    return args


@pytest.mark.parametrize("name", REAL_NAMES)
@SETTINGS
@given(data=hst.data())
def test_lpdf_d_matches_finite_differences(name, data):
    fam = FAMILIES[name]
    args = fd_point(data, name)
    direction = draw_direction(data, len(fam.real_args))
    check_partials(name, fam.lpdf, fam.lpdf_d, args, direction, "lpdf_d")


@pytest.mark.parametrize("name", CDF_NAMES)
@SETTINGS
@given(data=hst.data())
def test_cdf_d_matches_finite_differences(name, data):
    fam = FAMILIES[name]
    args = fd_point(data, name)
    if fam.cdf_check(*args) != 0:
        return
    direction = draw_direction(data, len(fam.real_args))
    for kind in fam.cdfs:
        if fam.real_args:
            check_partials(name, getattr(fam, kind), getattr(fam, kind + "_d"), args,
                           direction, kind)
        else:
            assert getattr(fam, kind + "_d")(*args) == (getattr(fam, kind)(*args),)


# ---------------------------------------------------------------------------------------
# (c) dropped terms
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=hst.data())
def test_dropped_depends_only_on_data(name, data):
    fam = FAMILIES[name]
    params = draw_params(data, name)
    y = variate(name, params, data.draw(hst.floats(0.02, 0.98)))
    args = (y,) + params
    lp = fam.lpdf(*args)
    k = len(fam.real_args)
    none = (False,) * k
    assert close(fam.dropped(*args, *none), lp, 1e-12, 1e-12)
    if k == 0:
        return
    mask = tuple(data.draw(hst.lists(hst.booleans(), min_size=k, max_size=k)))
    if not any(mask):
        mask = (True,) + mask[1:]
    d0 = fam.dropped(*args, *mask)
    assert math.isfinite(d0), (name, args, mask, d0)
    # redraw every active argument; the dropped terms must not change
    active = {a for a, m in zip(fam.real_args, mask) if m}
    new_params = draw_params(data, name)
    params2 = tuple(new if p in active else old
                    for p, old, new in zip(fam.params, params, new_params))
    y2 = variate(name, params2, data.draw(hst.floats(0.02, 0.98))) if fam.variate in active else y
    d1 = fam.dropped(y2, *params2, *mask)
    assert close(d1, d0, 1e-12, 1e-12), (name, mask, args, (y2,) + params2, d0, d1)


# ---------------------------------------------------------------------------------------
# (d) cdf, lcdf, lccdf against scipy
# ---------------------------------------------------------------------------------------

def ref_cdfs(name, params, y):
    """(cdf, logcdf, logsf, exact) from scipy (or the family's own reference)."""
    spec = SPECS[name]
    if "cdf_ref" in spec:
        F, exact = spec["cdf_ref"](y, *params)
        return F, math.log(F) if F > 0 else -INF, math.log1p(-F) if F < 1 else -INF, exact
    dist = ref_dist(name, params)
    return float(dist.cdf(y)), float(dist.logcdf(y)), float(dist.logsf(y)), True


def tail_ref_cdfs(name, params, y):
    """Reference for the far tails where scipy computes log(1 - ...) with cancellation:
    log-sum of the pmf (discrete) or quadrature of the density scaled by its value at y."""
    fam = FAMILIES[name]
    dist = ref_dist(name, params)
    if fam.discrete:
        lo, _ = dist.support()
        lps = dist.logpmf(np.arange(lo, y + 1))
        hi = int(max(y + 1, dist.isf(1e-300))) + 20
        while dist.logpmf(hi) > np.max(dist.logpmf(np.arange(y + 1, hi))) - 60:
            hi = 2 * hi
        ups = dist.logpmf(np.arange(y + 1, hi + 1))
        lF = float(sc.logsumexp(lps)) if len(lps) else -INF
        lS = float(sc.logsumexp(ups)) if len(ups) else -INF
        return math.exp(lF), lF, lS, True
    lo, hi = dist.support()
    lp_y = fam.lpdf(y, *params)

    def scaled(t):
        return math.exp(fam.lpdf(float(t), *params) - lp_y)

    # integrate over the tail side only; the other side is log(1 - exp(tail))
    if dist.cdf(y) < 0.5:
        a = si.quad(scaled, lo, y, epsabs=0, epsrel=1e-12, limit=400)[0] if y > lo else 0.0
        lF = math.log(a) + lp_y if a > 0 else -INF
        lS = math.log1p(-math.exp(lF))
    else:
        b = si.quad(scaled, y, hi, epsabs=0, epsrel=1e-12, limit=400)[0] if y < hi else 0.0
        lS = math.log(b) + lp_y if b > 0 else -INF
        lF = math.log1p(-math.exp(lS))
    return math.exp(lF), lF, lS, True


def assert_cdfs(name, params, y, rtol, ref=None):
    fam = FAMILIES[name]
    args = (y,) + params
    if fam.cdf_check(*args) != 0:
        return
    F, lF, lS, exact = ref if ref is not None else ref_cdfs(name, params, y)
    for kind, want in (("cdf", F), ("lcdf", lF), ("lccdf", lS)):
        if kind not in fam.cdfs or math.isnan(want):
            continue
        got = getattr(fam, kind)(*args)
        if not exact:  # the reference only has absolute accuracy: compare probabilities
            got, want = (math.exp(got), math.exp(want)) if kind != "cdf" else (got, want)
            assert abs(got - want) < 1e-12, (name, kind, args, got, want)
        elif kind == "cdf":
            assert close(got, want, rtol, 1e-14), (name, kind, args, got, want)
        elif math.isfinite(want):  # finite where the reference is, and close to it
            assert math.isfinite(got), (name, kind, args, got, want)
            assert close(got, want, rtol, 1e-12), (name, kind, args, got, want)


@pytest.mark.parametrize("name", CDF_NAMES)
@SETTINGS
@given(data=hst.data())
def test_cdfs_match_scipy(name, data):
    params = draw_params(data, name)
    u = data.draw(hst.floats(1e-6, 1 - 1e-6))
    assert_cdfs(name, params, variate(name, params, u), 1e-8)


FAR_U = [1e-300, 1e-100, 1e-30, 1e-12]


@pytest.mark.parametrize("name", CDF_NAMES)
def test_cdfs_far_tails(name):
    if "tail_skip" in SPECS[name]:
        pytest.skip(SPECS[name]["tail_skip"])
    fam = FAMILIES[name]
    own_ref = fam.discrete or SPECS[name].get("tail_ref") == "quad"
    for params in corners(name):
        dist = ref_dist(name, params)
        ys = [dist.ppf(q) for q in FAR_U] + [dist.isf(q) for q in FAR_U]
        for y in ys:
            if not math.isfinite(y):
                continue
            y = int(y) if fam.discrete else float(y)
            # finite where scipy's logcdf / logsf is finite
            _, lF, lS, _ = ref_cdfs(name, params, y)
            for kind, want in (("lcdf", lF), ("lccdf", lS)):
                if kind in fam.cdfs and math.isfinite(want) and fam.cdf_check(y, *params) == 0:
                    assert math.isfinite(getattr(fam, kind)(y, *params)), (name, kind, y)
            ref = tail_ref_cdfs(name, params, y) if own_ref else None
            assert_cdfs(name, params, y, 1e-7, ref)


def test_normal_lcdf_is_finite_far_out():
    fam = FAMILIES["normal"]
    for z in (-40.0, -1e3, -1e8):
        assert close(fam.lcdf(z, 0.0, 1.0), float(st.norm.logcdf(z)), 1e-12)
        assert close(fam.lccdf(-z, 0.0, 1.0), float(st.norm.logsf(-z)), 1e-12)
        g = fam.lcdf_d(z, 0.0, 1.0)[1]
        assert close(g, -z, 1e-3)  # phi(z) / Phi(z) ~ -z


# ---------------------------------------------------------------------------------------
# (e) random number generators
# ---------------------------------------------------------------------------------------

def gof_param_sets(name):
    rs = np.random.default_rng(7)
    raw = []
    for d in SPECS[name]["dom"]:
        kind, lo, hi = d
        if kind == "int":
            raw.append(int(rs.integers(lo, hi + 1)))
        elif kind == "log":
            raw.append(float(10 ** rs.uniform(math.log10(lo), math.log10(hi))))
        else:
            raw.append(float(rs.uniform(lo, hi)))
    return [mid_params(name), finish_params(name, raw)]


@pytest.mark.parametrize("name", NAMES)
def test_rng_goodness_of_fit(name):
    fam = FAMILIES[name]
    n = 2000
    for j, params in enumerate(gof_param_sets(name)):
        rng_seed(1234 + j)
        draws = [fam.rng(*params) for _ in range(n)]
        rng_seed(1234 + j)
        assert fam.rng(*params) == draws[0]  # seeding inside the kernel controls the stream
        dist = ref_dist(name, params)
        if fam.discrete:
            assert all(isinstance(v, int) for v in draws)
            values, counts = np.unique(np.asarray(draws), return_counts=True)
            lo, hi = int(dist.ppf(1e-9)), int(dist.isf(1e-9)) + 1
            ks = np.arange(lo, hi + 1)
            expected = n * dist.pmf(ks)
            observed = np.zeros_like(expected)
            for v, c in zip(values, counts):
                assert lo <= v <= hi, (name, params, v)
                observed[v - lo] = c
            # merge neighbouring cells until each expects >= 5
            obs_b, exp_b, o, e = [], [], 0.0, 0.0
            for oc, ec in zip(observed, expected):
                o, e = o + oc, e + ec
                if e >= 5:
                    obs_b.append(o)
                    exp_b.append(e)
                    o, e = 0.0, 0.0
            if exp_b:
                obs_b[-1] += o
                exp_b[-1] += e
            if len(exp_b) < 2:
                continue
            exp_b = np.asarray(exp_b) * n / np.sum(exp_b)
            stat = float(np.sum((np.asarray(obs_b) - exp_b) ** 2 / exp_b))
            p = st.chi2.sf(stat, len(exp_b) - 1)
        else:
            x = np.asarray(draws, dtype=float)
            if name == "von_mises":
                m = params[0] - 2 * PI * math.floor(params[0] / (2 * PI))
                assert np.all(np.abs(x - m) <= PI + 1e-12)
                x = np.mod(x - params[0] + PI, 2 * PI) - PI
                dist = st.vonmises(params[1])
            p = st.kstest(x, dist.cdf).pvalue
        assert p > 1e-3, (name, params, p)


# ---------------------------------------------------------------------------------------
# (f) argument checks
# ---------------------------------------------------------------------------------------

INVALID_REAL = {
    NOT_NAN: [NAN], FINITE: [NAN, INF, -INF], POSITIVE: [0.0, -1.0, NAN],
    POS_FINITE: [0.0, -1.0, INF, NAN], NONNEG: [-1.0, NAN], UNIT: [-0.5, 1.5, NAN],
}
INVALID_INT = {NONNEG: [-1]}

# conditions that relate several arguments: (argument, value from the valid args, position)
CUSTOM_INVALID = {
    "pareto_type_2": [("y", lambda a: a[1] - 1.0, 1), ("y", lambda a: NAN, 1)],
    "beta_proportion": [("mu", lambda a: v, 2) for v in (0.0, 1.0, -0.5, NAN)],
    "von_mises": [("kappa", lambda a: v, 3) for v in (-1.0, INF, NAN)],
    "uniform": [("beta", lambda a: a[1], 3), ("beta", lambda a: a[1] - 1.0, 3),
                ("beta", lambda a: INF, 3), ("beta", lambda a: NAN, 3)],
    "bernoulli": [("n", lambda a: v, 1) for v in (-1, 2)],
    "bernoulli_logit": [("n", lambda a: v, 1) for v in (-1, 2)],
    "binomial": [("n", lambda a: -1, 1), ("n", lambda a: a[1] + 1, 1), ("N", lambda a: -1, 1)],
    "binomial_logit": [("n", lambda a: -1, 1), ("n", lambda a: a[1] + 1, 1),
                       ("N", lambda a: -1, 1)],
    "discrete_range": [("upper", lambda a: a[1] - 1, 3)],
    "hypergeometric": [("n", lambda a: -1, 1), ("n", lambda a: a[2] + 1, 1),
                       ("N", lambda a: a[0] - 1, 2), ("N", lambda a: a[0] + a[3] + 1, 2)],
}


def invalid_cases(name, args):
    fam = FAMILIES[name]
    custom = CUSTOM_INVALID.get(name, [])
    custom_args = {c[0] for c in custom}
    cases = [(arg, make(args), pos) for arg, make, pos in custom]
    for arg, text in fam.arg_conditions.items():
        if arg in custom_args or not text:
            continue
        cond = next(c for c in INVALID_REAL if text.endswith(c))
        is_int = arg == "n" or arg in fam.int_params
        values = INVALID_INT.get(cond, []) if is_int else INVALID_REAL[cond]
        assert values, (name, arg, text)
        cases += [(arg, v, fam.args.index(arg) + 1) for v in values]
    return cases


@pytest.mark.parametrize("name", NAMES)
def test_check_flags_each_invalid_argument(name):
    fam = FAMILIES[name]
    params = mid_params(name)
    args = (variate(name, params, 0.5),) + params
    assert fam.check(*args) == 0
    assert fam.cdf_check is None or fam.cdf_check(*args) == 0
    cases = invalid_cases(name, args)
    flagged = set()
    for arg, value, pos in cases:
        bad = list(args)
        bad[fam.args.index(arg)] = value
        assert fam.check(*bad) == pos, (name, arg, value, pos)
        flagged.add(arg)
    assert flagged == set(fam.check_order), (name, flagged)


# ---------------------------------------------------------------------------------------
# numerical stability of the logit / log parameterisations, and one compile per kernel
# ---------------------------------------------------------------------------------------

def test_logit_and_log_parameterisations_are_stable():
    F = FAMILIES
    assert close(F["bernoulli_logit"].lpmf(1, -800.0), -800.0, 1e-15)
    assert close(F["bernoulli_logit"].lpmf(0, 800.0), -800.0, 1e-15)
    assert F["bernoulli_logit"].lpmf(1, 800.0) == 0.0
    assert F["bernoulli_logit"].lpmf_d(1, 800.0)[1] == 0.0
    lc = math.log(120.0)  # C(10, 3)
    assert close(F["binomial_logit"].lpmf(3, 10, -800.0), lc - 2400.0, 1e-15)
    assert close(F["binomial_logit"].lpmf(3, 10, 800.0), lc - 5600.0, 1e-15)
    assert F["binomial_logit"].lpmf_d(3, 10, 800.0)[1] == -7.0
    assert close(F["poisson_log"].lpmf(5, -700.0), -3500.0 - math.lgamma(6.0), 1e-15)
    assert math.isfinite(F["poisson_log"].lpmf(5, 700.0))
    assert F["poisson_log"].lpmf(0, -INF) == 0.0 and F["poisson_log"].lpmf(1, -INF) == -INF
    assert math.isfinite(F["neg_binomial_2_log"].lpmf(3, 700.0, 2.0))
    # normal tails: lcdf finite and derivative ~ -z far out, exp_mod_normal beyond erfc underflow
    assert math.isfinite(F["exp_mod_normal"].lpdf(-60.0, 0.0, 1.0, 2.0))


def test_each_kernel_compiled_once():
    """Every kernel the tests called was compiled for one signature only."""
    kinds = ("lpdf", "lpdf_d", "dropped", "cdf", "cdf_d", "lcdf", "lcdf_d", "lccdf",
             "lccdf_d", "rng", "check", "cdf_check")
    for name, fam in FAMILIES.items():
        for kind in kinds:
            f = getattr(fam, kind)
            if f is not None:
                assert len(f.signatures) <= 1, (name, kind, f.signatures)
