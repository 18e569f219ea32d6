"""The table of Stan's univariate distributions for the code generator.

`FAMILIES[name]` is a `Family`: the Stan parameter names in order, which are integers,
the support, the condition Stan checks on each argument (`arg_conditions`, in argument order,
variate first, worded as Stan's error messages; "" for an argument Stan does not check) and
the order in which Stan checks them (`check_order`), which of cdf/lcdf/lccdf Stan defines,
notes on out-of-support behaviour and deviations from Stan Math, and the numba kernels:

    lpdf(y, *params)              lpmf(n, *params) for discrete families
    lpdf_d(y, *params)            (value, d/d each real-valued argument, in order)
    dropped(y, *params, *active)  the terms `y ~ F(...)` drops; one boolean per real-valued
                                  argument saying whether it is a parameter (autodiff
                                  variable); lpdf - dropped == Stan's F_lupdf
    cdf, lcdf, lccdf (+ _d)       None where Stan does not define them
    rng(*params)                  float (continuous) or int (discrete)
    check(y, *params)             0 if valid, else the 1-based position (in the argument list)
                                  of the first argument, in Stan's check order, that fails its
                                  condition: the failure's message is
                                  list(arg_conditions.values())[position - 1]
    cdf_check(y, *params)         the same for the cdf functions

When `dropped` is called with no active argument it returns the whole lpdf: Stan drops every
term, and the generated code may skip the statement altogether.  The generated code should
call `check` before the density: where Stan throws for an invalid argument the kernels
return whatever the formula gives (-inf or NaN).

The kernels live in `univariate_continuous` and `univariate_discrete`; this module is plain
data plus the lookup.
"""
from dataclasses import dataclass
from typing import Callable, Optional

from . import univariate_continuous as _cont
from . import univariate_discrete as _disc


@dataclass(frozen=True, eq=False)
class Family:
    name: str
    params: tuple[str, ...]
    discrete: bool
    int_params: tuple[str, ...]
    support: str
    arg_conditions: dict[str, str]
    check_order: tuple[str, ...]
    cdfs: tuple[str, ...]
    notes: str
    module: str
    lpdf: Callable
    lpdf_d: Callable
    dropped: Callable
    rng: Callable
    check: Callable
    cdf_check: Optional[Callable]
    cdf: Optional[Callable] = None
    cdf_d: Optional[Callable] = None
    lcdf: Optional[Callable] = None
    lcdf_d: Optional[Callable] = None
    lccdf: Optional[Callable] = None
    lccdf_d: Optional[Callable] = None

    @property
    def variate(self) -> str:
        return "n" if self.discrete else "y"

    @property
    def suffix(self) -> str:
        """'lpmf' for discrete families, 'lpdf' for continuous ones."""
        return "lpmf" if self.discrete else "lpdf"

    @property
    def lpmf(self) -> Callable:
        return self.lpdf

    @property
    def lpmf_d(self) -> Callable:
        return self.lpdf_d

    @property
    def has_cdf(self) -> bool:
        return bool(self.cdfs)

    @property
    def args(self) -> tuple[str, ...]:
        """All arguments of the density, variate first."""
        return (self.variate,) + self.params

    @property
    def real_args(self) -> tuple[str, ...]:
        """The real-valued arguments: the ones `_d` differentiates and `dropped` flags."""
        if self.discrete:
            return tuple(p for p in self.params if p not in self.int_params)
        return (self.variate,) + tuple(p for p in self.params if p not in self.int_params)

    def function_name(self, kind: str) -> str:
        """Name of a kernel in `self.module`, e.g. kind='lpdf_d' -> 'normal_lpdf_d' (the
        density kernels of discrete families are named F_lpmf / F_lpmf_d)."""
        return getattr(self, kind).py_func.__name__


# Stan's wording of its argument checks.
NOT_NAN = "must not be nan"
FINITE = "must be finite"
POSITIVE = "must be positive"
POS_FINITE = "must be positive finite"
NONNEG = "must be nonnegative"
UNIT = "must be in the interval [0, 1]"


def _conds(*pairs):
    """(argument, Stan's label, condition) in Stan's check order -> {argument: message}."""
    return {name: f"{label} {cond}" for name, label, cond in pairs}


_RV = "Random variable"
_LOC = "Location parameter"
_SCALE = "Scale parameter"
_SHAPE = "Shape parameter"
_INV_SCALE = "Inverse scale parameter"
_DOF = "Degrees of freedom parameter"

# name -> (params, int_params, support, conditions in Stan's check order, cdfs, notes)
_CONTINUOUS = {
    "normal": (
        ("mu", "sigma"), (), "y in R",
        _conds(("y", _RV, NOT_NAN), ("mu", _LOC, FINITE), ("sigma", _SCALE, POSITIVE)),
        ("cdf", "lcdf", "lccdf"),
        "sigma is only checked positive (as Stan); lcdf/lccdf finite in both tails."),
    "std_normal": (
        (), (), "y in R", _conds(("y", _RV, NOT_NAN)), ("cdf", "lcdf", "lccdf"), ""),
    "cauchy": (
        ("mu", "sigma"), (), "y in R",
        _conds(("y", _RV, NOT_NAN), ("mu", _LOC, FINITE), ("sigma", _SCALE, POS_FINITE)),
        ("cdf", "lcdf", "lccdf"), ""),
    "student_t": (
        ("nu", "mu", "sigma"), (), "y in R",
        _conds(("y", _RV, NOT_NAN), ("nu", _DOF, POS_FINITE), ("mu", _LOC, FINITE),
               ("sigma", _SCALE, POS_FINITE)),
        ("cdf", "lcdf", "lccdf"),
        "cdf via the incomplete beta function, log-accurate in both tails; its cost grows "
        "like sqrt(nu), so very large nu (> 1e7) is slow."),
    "double_exponential": (
        ("mu", "sigma"), (), "y in R",
        _conds(("y", _RV, FINITE), ("mu", _LOC, FINITE), ("sigma", _SCALE, POS_FINITE)),
        ("cdf", "lcdf", "lccdf"), "d/dy and d/dmu at y == mu use the right derivative."),
    "logistic": (
        ("mu", "sigma"), (), "y in R",
        _conds(("y", _RV, FINITE), ("mu", _LOC, FINITE), ("sigma", _SCALE, POS_FINITE)),
        ("cdf", "lcdf", "lccdf"), ""),
    "gumbel": (
        ("mu", "beta"), (), "y in R",
        _conds(("y", _RV, NOT_NAN), ("mu", _LOC, FINITE), ("beta", _SCALE, POSITIVE)),
        ("cdf", "lcdf", "lccdf"), ""),
    "skew_normal": (
        ("xi", "omega", "alpha"), (), "y in R",
        _conds(("y", _RV, NOT_NAN), ("xi", _LOC, FINITE), ("alpha", _SHAPE, FINITE),
               ("omega", _SCALE, POSITIVE)),
        ("cdf", "lcdf", "lccdf"),
        "cdf = Phi(z) - 2 T(z, alpha) (Owen's T); lcdf = log(cdf) and lccdf = log(1 - cdf) "
        "each computed directly, so the thin tail of a strongly skewed density loses "
        "relative accuracy (as in Stan)."),
    "lognormal": (
        ("mu", "sigma"), (), "y >= 0",
        _conds(("y", _RV, NONNEG), ("mu", _LOC, FINITE), ("sigma", _SCALE, POS_FINITE)),
        ("cdf", "lcdf", "lccdf"),
        "y == 0 gives -inf.  As in Stan Math, propto keeps the -log(sqrt(2 pi)) constant "
        "(lognormal_lpdf does not guard it with include_summand)."),
    "chi_square": (
        ("nu",), (), "y >= 0",
        _conds(("y", _RV, NONNEG), ("nu", _DOF, POS_FINITE)), ("cdf", "lcdf", "lccdf"),
        "At y == 0 the (nu/2 - 1) log y term uses 0 log 0 = 0."),
    "inv_chi_square": (
        ("nu",), (), "y > 0",
        _conds(("y", _RV, NOT_NAN), ("nu", _DOF, POS_FINITE)), ("cdf", "lcdf", "lccdf"),
        "y <= 0 gives -inf (Stan returns LOG_ZERO)."),
    "scaled_inv_chi_square": (
        ("nu", "s"), (), "y > 0",
        _conds(("y", _RV, NOT_NAN), ("nu", _DOF, POS_FINITE), ("s", _SCALE, POS_FINITE)),
        ("cdf", "lcdf", "lccdf"), "y <= 0 gives -inf (Stan returns LOG_ZERO)."),
    "exponential": (
        ("beta",), (), "y >= 0",
        _conds(("y", _RV, NONNEG), ("beta", _INV_SCALE, POS_FINITE)),
        ("cdf", "lcdf", "lccdf"), "beta is the rate."),
    "gamma": (
        ("alpha", "beta"), (), "y > 0",
        _conds(("y", _RV, POS_FINITE), ("alpha", _SHAPE, POS_FINITE),
               ("beta", _INV_SCALE, POS_FINITE)),
        ("cdf", "lcdf", "lccdf"),
        "beta is the rate.  Current Stan Math checks y positive finite (so y == 0 is an "
        "error); the kernel itself evaluates y == 0 with 0 log 0 = 0."),
    "inv_gamma": (
        ("alpha", "beta"), (), "y > 0",
        _conds(("y", _RV, NOT_NAN), ("alpha", _SHAPE, POS_FINITE),
               ("beta", _SCALE, POS_FINITE)),
        ("cdf", "lcdf", "lccdf"), "y <= 0 gives -inf (Stan returns LOG_ZERO)."),
    "weibull": (
        ("alpha", "sigma"), (), "y >= 0",
        _conds(("y", _RV, FINITE), ("alpha", _SHAPE, POS_FINITE),
               ("sigma", _SCALE, POS_FINITE)),
        ("cdf", "lcdf", "lccdf"), "y < 0 gives -inf (Stan returns LOG_ZERO)."),
    "frechet": (
        ("alpha", "sigma"), (), "y > 0",
        _conds(("y", _RV, POSITIVE), ("alpha", _SHAPE, POS_FINITE),
               ("sigma", _SCALE, POS_FINITE)),
        ("cdf", "lcdf", "lccdf"), ""),
    "rayleigh": (
        ("sigma",), (), "y > 0",
        _conds(("sigma", _SCALE, POSITIVE), ("y", _RV, POSITIVE)),
        ("cdf", "lcdf", "lccdf"), "Stan checks sigma before y."),
    "pareto": (
        ("y_min", "alpha"), (), "y >= y_min",
        _conds(("y", _RV, NOT_NAN), ("y_min", _SCALE, POS_FINITE),
               ("alpha", _SHAPE, POS_FINITE)),
        ("cdf", "lcdf", "lccdf"), "y < y_min gives -inf (Stan returns LOG_ZERO)."),
    "pareto_type_2": (
        ("mu", "lambda", "alpha"), (), "y >= mu",
        _conds(("y", _RV, "must be greater than or equal to the location parameter"),
               ("lambda", _SCALE, POS_FINITE), ("alpha", _SHAPE, POS_FINITE)),
        ("cdf", "lcdf", "lccdf"), "mu is only checked through y >= mu (as Stan)."),
    "beta": (
        ("alpha", "beta"), (), "0 <= y <= 1",
        _conds(("alpha", "First shape parameter", POS_FINITE),
               ("beta", "Second shape parameter", POS_FINITE), ("y", _RV, UNIT)),
        ("cdf", "lcdf", "lccdf"),
        "Stan checks alpha and beta before y.  At y in {0, 1} the power terms use "
        "0 log 0 = 0 (Stan computes NaN for alpha == 1 or beta == 1 there)."),
    "beta_proportion": (
        ("mu", "kappa"), (), "0 <= y <= 1",
        _conds(("mu", _LOC, "must be in the interval (0, 1)"),
               ("kappa", "Precision parameter", POS_FINITE), ("y", _RV, UNIT)),
        ("lcdf", "lccdf"),
        "Stan defines only lcdf and lccdf (no beta_proportion_cdf)."),
    "von_mises": (
        ("mu", "kappa"), (), "y in R (periodic)",
        _conds(("y", _RV, FINITE), ("mu", _LOC, FINITE),
               ("kappa", _SCALE, "must be nonnegative and finite")),
        ("cdf", "lcdf", "lccdf"),
        "The cdf is Stan's: the integral from -pi to y, for y in [-pi, pi], kappa > 0 "
        "(cdf_check), by the series used by Stan and scipy (kappa < 50) or the normal "
        "approximation (kappa >= 50); its derivatives are those of that computation.  rng "
        "returns values in [(mu mod 2 pi) - pi, (mu mod 2 pi) + pi]."),
    "uniform": (
        ("alpha", "beta"), (), "alpha <= y <= beta",
        _conds(("y", _RV, NOT_NAN), ("alpha", "Lower bound parameter", FINITE),
               ("beta", "Upper bound parameter",
                "must be finite and greater than the lower bound")),
        ("cdf", "lcdf", "lccdf"), "y outside [alpha, beta] gives -inf (Stan: LOG_ZERO)."),
    "exp_mod_normal": (
        ("mu", "sigma", "lambda"), (), "y in R",
        _conds(("y", _RV, NOT_NAN), ("mu", _LOC, FINITE), ("sigma", _SCALE, POS_FINITE),
               ("lambda", "Inv_scale parameter", POS_FINITE)),
        ("cdf", "lcdf", "lccdf"),
        "The lpdf uses log erfc(x) = log 2 + log Phi(-sqrt(2) x), finite where Stan's "
        "log(erfc(.)) underflows."),
    "loglogistic": (
        ("alpha", "beta"), (), "y > 0",
        _conds(("y", _RV, POS_FINITE), ("alpha", _SCALE, POS_FINITE),
               ("beta", _SHAPE, POS_FINITE)),
        ("cdf",), "alpha is the scale, beta the shape; Stan defines only the cdf."),
    "skew_double_exponential": (
        ("mu", "sigma", "tau"), (), "y in R",
        _conds(("y", _RV, NOT_NAN), ("mu", _LOC, FINITE), ("sigma", _SCALE, POS_FINITE),
               ("tau", "Skewness parameter", UNIT)),
        ("cdf", "lcdf", "lccdf"), "d/dy and d/dmu at y == mu use the right derivative."),
}

_SUCC = "Successes variable"
_FAIL = "Failures variable"
_PROB = "Probability parameter"
_POP = "Population size parameter"

_DISCRETE = {
    "bernoulli": (
        ("theta",), (), "n in {0, 1}",
        _conds(("n", "n", "must be in the interval [0, 1]"), ("theta", _PROB, UNIT)),
        ("cdf", "lcdf", "lccdf"), "cdf_check does not restrict n."),
    "bernoulli_logit": (
        ("alpha",), (), "n in {0, 1}",
        _conds(("n", "n", "must be in the interval [0, 1]"),
               ("alpha", "Logit transformed probability parameter", NOT_NAN)),
        (), ""),
    "binomial": (
        ("N", "theta"), ("N",), "0 <= n <= N",
        _conds(("n", _SUCC, "must be in the interval [0, N]"), ("N", _POP, NONNEG),
               ("theta", _PROB, UNIT)),
        ("cdf", "lcdf", "lccdf"), "cdf_check does not restrict n (n < 0 gives 0, n >= N 1)."),
    "binomial_logit": (
        ("N", "alpha"), ("N",), "0 <= n <= N",
        _conds(("n", _SUCC, "must be in the interval [0, N]"), ("N", _POP, NONNEG),
               ("alpha", _PROB, FINITE)),
        (), ""),
    "beta_binomial": (
        ("N", "alpha", "beta"), ("N",), "0 <= n <= N",
        _conds(("N", _POP, NONNEG), ("alpha", "First prior sample size parameter", POS_FINITE),
               ("beta", "Second prior sample size parameter", POS_FINITE)),
        ("cdf", "lcdf", "lccdf"),
        "n outside [0, N] gives -inf (Stan returns LOG_ZERO, no error).  The cdfs sum the "
        "pmf (exact; Stan uses a 3F2 hypergeometric function), cost O(N)."),
    "poisson": (
        ("lambda",), (), "n >= 0",
        _conds(("n", _RV, NONNEG), ("lambda", "Rate parameter", NONNEG)),
        ("cdf", "lcdf", "lccdf"), "lambda == inf gives -inf; cdf_check does not restrict n."),
    "poisson_log": (
        ("alpha",), (), "n >= 0",
        _conds(("n", _RV, NONNEG), ("alpha", "Log rate parameter", NOT_NAN)),
        (), "alpha == inf gives -inf; alpha == -inf gives 0 for n == 0, else -inf."),
    "neg_binomial": (
        ("alpha", "beta"), (), "n >= 0",
        _conds(("n", _FAIL, NONNEG), ("alpha", _SHAPE, POS_FINITE),
               ("beta", _INV_SCALE, POS_FINITE)),
        ("cdf", "lcdf", "lccdf"), "cdf_check does not restrict n."),
    "neg_binomial_2": (
        ("mu", "phi"), (), "n >= 0",
        _conds(("n", _FAIL, NONNEG), ("mu", _LOC, POS_FINITE),
               ("phi", "Precision parameter", POS_FINITE)),
        ("cdf", "lcdf", "lccdf"),
        "Computed exactly for every phi (no switch to the Poisson for large phi)."),
    "neg_binomial_2_log": (
        ("eta", "phi"), (), "n >= 0",
        _conds(("n", _FAIL, NONNEG), ("eta", "Log location parameter", FINITE),
               ("phi", "Precision parameter", POS_FINITE)),
        (), ""),
    "discrete_range": (
        ("lower", "upper"), ("lower", "upper"), "lower <= n <= upper",
        _conds(("upper", "Upper bound parameter",
                "must be greater than or equal to the lower bound")),
        ("cdf", "lcdf", "lccdf"),
        "No real arguments: the _d variants return 1-tuples and dropped is the whole lpmf. "
        "n outside [lower, upper] gives -inf (Stan: LOG_ZERO)."),
    "hypergeometric": (
        ("N", "a", "b"), ("N", "a", "b"), "max(0, N - b) <= n <= min(a, N)",
        _conds(("n", _SUCC, "must be in the interval [0, a]"),
               ("N", "Draws parameter",
                "must satisfy n <= N, 0 <= N - n <= b and 0 <= N <= a + b")),
        (), "Stan defines only the lpmf and rng; dropped is the whole lpmf."),
}

_KINDS = ("cdf", "lcdf", "lccdf")


def _make(name, spec, discrete):
    params, int_params, support, conds, cdfs, notes = spec
    mod = _disc if discrete else _cont
    density = "lpmf" if discrete else "lpdf"

    def get(suffix):
        return getattr(mod, f"{name}_{suffix}")

    refs = {}
    for kind in _KINDS:
        if kind in cdfs:
            refs[kind] = get(kind)
            refs[kind + "_d"] = get(kind + "_d")
    cdf_check = None
    if cdfs:
        cdf_check = getattr(mod, f"{name}_cdf_check", None) or get("check")
    args = ("n" if discrete else "y",) + params
    assert set(conds) <= set(args), name
    return Family(
        name=name, params=params, discrete=discrete, int_params=int_params, support=support,
        arg_conditions={a: conds.get(a, "") for a in args}, check_order=tuple(conds),
        cdfs=cdfs, notes=notes, module=mod.__name__,
        lpdf=get(density), lpdf_d=get(density + "_d"), dropped=get("dropped"),
        rng=get("rng"), check=get("check"), cdf_check=cdf_check, **refs)


FAMILIES: dict[str, Family] = {}
for _name, _spec in _CONTINUOUS.items():
    FAMILIES[_name] = _make(_name, _spec, False)
for _name, _spec in _DISCRETE.items():
    FAMILIES[_name] = _make(_name, _spec, True)

rng_seed = _cont.rng_seed
