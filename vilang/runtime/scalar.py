"""Stan's scalar built-in functions with exact first derivatives.

Every function here takes float64 scalars (int64 where Stan's argument is an `int`):

* `f(x)` returns the value;
* `f_d(x)` returns `(value, df/dx)`; binary functions `f_d(x, y)` return
  `(value, df/dx, df/dy)`, ternary ones likewise; derivatives are given for the real-valued
  arguments only, in argument order (`ldexp_d(x, n)` returns `(value, d/dx)`).

Out-of-domain arguments give NaN (or +-inf at poles) rather than raising, so a log density
evaluated outside a function's domain is non-finite and the point is rejected.  Stable forms
follow Stan math (`log1p_exp`, `log1m_exp`, `inv_logit`, `log_diff_exp`, `lbeta`,
`binomial_coefficient_log`, ...).  Broadcasting over containers is done by the caller
(`vilang.runtime.functions.FUNCTIONS` marks which functions Stan vectorises).

Digamma, trigamma and tetragamma are implemented here (`_digamma`, ...) so that this module
stands alone; they are accurate to about 1e-15 relative away from their roots.
"""
import math

import numpy as np

from vilang.runtime.jit import kernel

PI = math.pi
E = math.e
SQRT2 = math.sqrt(2.0)
LOG2 = math.log(2.0)
LOG10 = math.log(10.0)
LOG_PI = math.log(math.pi)
INV_SQRT_TWO_PI = 1.0 / math.sqrt(2.0 * math.pi)
HALF_LOG_TWO_PI = 0.5 * math.log(2.0 * math.pi)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
INV_SQRT2 = 1.0 / math.sqrt(2.0)
LOG_EPSILON = math.log(2.220446049250313e-16)
MACHINE_PRECISION = 2.220446049250313e-16
INF = math.inf
NAN = math.nan

# ---------------------------------------------------------------------------------------------
# Constants (zero-argument functions)


@kernel
def pi():
    return PI


@kernel
def e():
    return E


@kernel
def sqrt2():
    return SQRT2


@kernel
def log2_const():
    """`log2()` with no argument: log(2)."""
    return LOG2


@kernel
def log10_const():
    """`log10()` with no argument: log(10)."""
    return LOG10


@kernel
def not_a_number():
    return NAN


@kernel
def positive_infinity():
    return INF


@kernel
def negative_infinity():
    return -INF


@kernel
def machine_precision():
    return MACHINE_PRECISION


# ---------------------------------------------------------------------------------------------
# Polygamma functions (private; vilang.runtime.special may offer its own)


@kernel
def _digamma(x):
    if math.isnan(x) or x == -INF:
        return NAN
    if x == INF:
        return INF
    result = 0.0
    if x <= 0.0:
        if x == math.floor(x):
            return NAN
        # reflection: psi(x) = psi(1 - x) - pi / tan(pi x)
        result = -PI / math.tan(PI * x)
        x = 1.0 - x
    while x < 10.0:
        result -= 1.0 / x
        x += 1.0
    z = 1.0 / (x * x)
    series = z * (1.0 / 12 - z * (1.0 / 120 - z * (1.0 / 252 - z * (
        1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760 - z / 12.0))))))
    return result + math.log(x) - 0.5 / x - series


@kernel
def _trigamma(x):
    if math.isnan(x) or x == -INF:
        return NAN
    if x == INF:
        return 0.0
    result = 0.0
    if x <= 0.0:
        if x == math.floor(x):
            return NAN
        # psi1(x) = pi^2 / sin^2(pi x) - psi1(1 - x)
        s = math.sin(PI * x)
        return PI * PI / (s * s) - _trigamma(1.0 - x)
    while x < 10.0:
        result += 1.0 / (x * x)
        x += 1.0
    z = 1.0 / (x * x)
    series = 1.0 / 6 - z * (1.0 / 30 - z * (1.0 / 42 - z * (1.0 / 30 - z * (
        5.0 / 66 - z * (691.0 / 2730 - z * 7.0 / 6)))))
    return result + 1.0 / x + 0.5 * z + series * z / x


@kernel
def _tetragamma(x):
    """psi''(x), the derivative of trigamma."""
    if math.isnan(x) or x == -INF:
        return NAN
    if x == INF:
        return 0.0
    if x <= 0.0:
        if x == math.floor(x):
            return NAN
        # psi2(x) = psi2(1 - x) - 2 pi^3 cot(pi x) / sin^2(pi x)
        s = math.sin(PI * x)
        c = math.cos(PI * x)
        return _tetragamma(1.0 - x) - 2.0 * PI * PI * PI * c / (s * s * s)
    result = 0.0
    while x < 10.0:
        result -= 2.0 / (x * x * x)
        x += 1.0
    z = 1.0 / (x * x)
    series = -0.5 + z * (1.0 / 6 - z * (1.0 / 6 - z * (3.0 / 10 - z * (
        5.0 / 6 - z * 691.0 / 210))))
    return result - z - z / x + series * z * z


@kernel
def _lgamma_stirling_diff(x):
    """lgamma(x) minus its Stirling approximation, for x >= 10 (Stan math's series)."""
    inv_x = 1.0 / x
    z = inv_x * inv_x
    return inv_x * (0.0833333333333333333333333 + z * (-0.00277777777777777777777778 + z * (
        0.000793650793650793650793651 + z * (-0.000595238095238095238095238 + z * (
            0.000841750841750841750841751 + z * -0.00191752691752691752691753)))))


# ---------------------------------------------------------------------------------------------
# Exponentials and logarithms


@kernel
def exp(x):
    return math.exp(x)


@kernel
def exp_d(x):
    v = math.exp(x)
    return v, v


@kernel
def exp2(x):
    return 2.0 ** x


@kernel
def exp2_d(x):
    v = 2.0 ** x
    return v, v * LOG2


@kernel
def expm1(x):
    return math.expm1(x)


@kernel
def expm1_d(x):
    return math.expm1(x), math.exp(x)


@kernel
def log(x):
    if x < 0.0:
        return NAN
    if x == 0.0:
        return -INF
    return math.log(x)


@kernel
def log_d(x):
    return log(x), 1.0 / x


@kernel
def log2(x):
    if x < 0.0:
        return NAN
    if x == 0.0:
        return -INF
    return math.log2(x)


@kernel
def log2_d(x):
    return log2(x), 1.0 / (x * LOG2)


@kernel
def log10(x):
    if x < 0.0:
        return NAN
    if x == 0.0:
        return -INF
    return math.log10(x)


@kernel
def log10_d(x):
    return log10(x), 1.0 / (x * LOG10)


@kernel
def log1p(x):
    if x < -1.0:
        return NAN
    if x == -1.0:
        return -INF
    return math.log1p(x)


@kernel
def log1p_d(x):
    return log1p(x), 1.0 / (1.0 + x)


@kernel
def log1m(x):
    if x > 1.0:
        return NAN
    if x == 1.0:
        return -INF
    return math.log1p(-x)


@kernel
def log1m_d(x):
    return log1m(x), -1.0 / (1.0 - x)


@kernel
def log1p_exp(x):
    """log(1 + exp(x)), exact for large x."""
    if x > 0.0:
        return x + math.log1p(math.exp(-x))
    return math.log1p(math.exp(x))


@kernel
def log1p_exp_d(x):
    return log1p_exp(x), inv_logit(x)


@kernel
def log1m_exp(x):
    """log(1 - exp(x)) for x < 0, accurate near 0 and for very negative x."""
    if x > 0.0 or math.isnan(x):
        return NAN
    if x == 0.0:
        return -INF
    if x > -0.693147:
        return math.log(-math.expm1(x))
    return math.log1p(-math.exp(x))


@kernel
def log1m_exp_d(x):
    # d/dx log(1 - e^x) = -e^x / (1 - e^x) = -1 / expm1(-x)
    return log1m_exp(x), -1.0 / math.expm1(-x)


@kernel
def log_sum_exp2(x, y):
    """Binary log_sum_exp: log(exp(x) + exp(y))."""
    if x == -INF:
        return y
    if y == -INF:
        return x
    if x == INF and y == INF:
        return INF
    if x > y:
        return x + math.log1p(math.exp(y - x))
    return y + math.log1p(math.exp(x - y))


@kernel
def log_sum_exp2_d(x, y):
    v = log_sum_exp2(x, y)
    if v == -INF:
        return v, 0.5, 0.5
    if math.isinf(v) or math.isnan(v):
        return v, NAN, NAN
    return v, math.exp(x - v), math.exp(y - v)


@kernel
def log_diff_exp(x, y):
    """log(exp(x) - exp(y)); -inf when x == y, NaN when x < y."""
    if x <= y:
        if x == y and x < INF:
            return -INF
        return NAN
    if x == INF:
        return INF if y < INF else NAN
    return x + log1m_exp(y - x)


@kernel
def log_diff_exp_d(x, y):
    v = log_diff_exp(x, y)
    if x == y and x < INF:
        return v, INF, -INF
    if y == -INF:
        return v, 1.0, 0.0
    # d/dx = e^x / (e^x - e^y) = -1 / expm1(y - x);  d/dy = -1 / expm1(x - y)
    return v, -1.0 / math.expm1(y - x), -1.0 / math.expm1(x - y)


@kernel
def log_mix(theta, lp1, lp2):
    """log(theta * exp(lp1) + (1 - theta) * exp(lp2))."""
    return log_sum_exp2(log(theta) + lp1, log1m(theta) + lp2)


@kernel
def log_mix_d(theta, lp1, lp2):
    v = log_mix(theta, lp1, lp2)
    e1 = math.exp(lp1 - v)
    e2 = math.exp(lp2 - v)
    return v, e1 - e2, theta * e1, (1.0 - theta) * e2


@kernel
def lmultiply(x, y):
    """x * log(y), 0 when x == y == 0 (also `multiply_log`)."""
    if x == 0.0 and y == 0.0:
        return 0.0
    return x * log(y)


@kernel
def lmultiply_d(x, y):
    if x == 0.0 and y == 0.0:
        return 0.0, 0.0, 0.0
    return x * log(y), log(y), x / y


# ---------------------------------------------------------------------------------------------
# Powers and roots


@kernel
def sqrt(x):
    if x < 0.0:
        return NAN
    return math.sqrt(x)


@kernel
def sqrt_d(x):
    v = sqrt(x)
    return v, 0.5 / v


@kernel
def cbrt(x):
    return np.cbrt(x)


@kernel
def cbrt_d(x):
    v = np.cbrt(x)
    return v, 1.0 / (3.0 * v * v)


@kernel
def square(x):
    return x * x


@kernel
def square_d(x):
    return x * x, 2.0 * x


@kernel
def inv(x):
    return 1.0 / x


@kernel
def inv_d(x):
    v = 1.0 / x
    return v, -v * v


@kernel
def inv_sqrt(x):
    return 1.0 / sqrt(x)


@kernel
def inv_sqrt_d(x):
    v = 1.0 / sqrt(x)
    return v, -0.5 * v / x


@kernel
def inv_square(x):
    return 1.0 / (x * x)


@kernel
def inv_square_d(x):
    v = 1.0 / (x * x)
    return v, -2.0 * v / x


@kernel
def pow(x, y):
    return x ** y


@kernel
def pow_d(x, y):
    v = x ** y
    dx = y * x ** (y - 1.0)
    if x == 0.0:
        # d/dy 0^y = 0 for y > 0 (Stan math's convention at the boundary)
        return v, dx, 0.0
    return v, dx, v * log(x)  # NaN for x < 0, where x^y is not differentiable in y


@kernel
def hypot(x, y):
    return math.hypot(x, y)


@kernel
def hypot_d(x, y):
    v = math.hypot(x, y)
    return v, x / v, y / v


@kernel
def fma(x, y, z):
    return x * y + z


@kernel
def fma_d(x, y, z):
    return x * y + z, y, x, 1.0


@kernel
def ldexp(x, n):
    return x * 2.0 ** n


@kernel
def ldexp_d(x, n):
    s = 2.0 ** n
    return x * s, s


# ---------------------------------------------------------------------------------------------
# Absolute value, rounding, min/max


@kernel
def abs(x):
    return math.fabs(x)


@kernel
def abs_d(x):
    if x > 0.0:
        return x, 1.0
    if x < 0.0:
        return -x, -1.0
    return math.fabs(x), 0.0  # 0 at 0 (Stan), NaN passes through


@kernel
def fdim(x, y):
    if math.isnan(x) or math.isnan(y):
        return NAN
    return x - y if x > y else 0.0


@kernel
def fdim_d(x, y):
    if math.isnan(x) or math.isnan(y):
        return NAN, NAN, NAN
    if x > y:
        return x - y, 1.0, -1.0
    return 0.0, 0.0, 0.0


@kernel
def fmin(x, y):
    if math.isnan(x):
        return y
    if math.isnan(y):
        return x
    return x if y > x else y


@kernel
def fmin_d(x, y):
    if math.isnan(x):
        if math.isnan(y):
            return NAN, NAN, NAN
        return y, 0.0, 1.0
    if math.isnan(y) or y > x:
        return x, 1.0, 0.0
    return y, 0.0, 1.0


@kernel
def fmax(x, y):
    if math.isnan(x):
        return y
    if math.isnan(y):
        return x
    return x if x > y else y


@kernel
def fmax_d(x, y):
    if math.isnan(x):
        if math.isnan(y):
            return NAN, NAN, NAN
        return y, 0.0, 1.0
    if math.isnan(y) or x > y:
        return x, 1.0, 0.0
    return y, 0.0, 1.0


@kernel
def fmod(x, y):
    return np.fmod(x, y)


@kernel
def fmod_d(x, y):
    return np.fmod(x, y), 1.0, -math.trunc(x / y) * 1.0


@kernel
def floor(x):
    return math.floor(x) * 1.0


@kernel
def floor_d(x):
    return math.floor(x) * 1.0, 0.0


@kernel
def ceil(x):
    return math.ceil(x) * 1.0


@kernel
def ceil_d(x):
    return math.ceil(x) * 1.0, 0.0


@kernel
def round(x):
    """Round half away from zero (C's round, as Stan)."""
    if x >= 0.0:
        return math.floor(x + 0.5) * 1.0
    return -math.floor(-x + 0.5) * 1.0


@kernel
def round_d(x):
    return round(x), 0.0


@kernel
def trunc(x):
    return math.trunc(x) * 1.0


@kernel
def trunc_d(x):
    return math.trunc(x) * 1.0, 0.0


@kernel
def step(x):
    """0 if x < 0, else 1 (Stan's `step(real)`; NaN gives 1 as in Stan)."""
    return 0.0 if x < 0.0 else 1.0


@kernel
def step_d(x):
    return step(x), 0.0


# ---------------------------------------------------------------------------------------------
# Trigonometric and hyperbolic


@kernel
def sin(x):
    return math.sin(x)


@kernel
def sin_d(x):
    return math.sin(x), math.cos(x)


@kernel
def cos(x):
    return math.cos(x)


@kernel
def cos_d(x):
    return math.cos(x), -math.sin(x)


@kernel
def tan(x):
    return math.tan(x)


@kernel
def tan_d(x):
    v = math.tan(x)
    return v, 1.0 + v * v


@kernel
def asin(x):
    if x < -1.0 or x > 1.0:
        return NAN
    return math.asin(x)


@kernel
def asin_d(x):
    return asin(x), 1.0 / math.sqrt((1.0 - x) * (1.0 + x))


@kernel
def acos(x):
    if x < -1.0 or x > 1.0:
        return NAN
    return math.acos(x)


@kernel
def acos_d(x):
    return acos(x), -1.0 / math.sqrt((1.0 - x) * (1.0 + x))


@kernel
def atan(x):
    return math.atan(x)


@kernel
def atan_d(x):
    return math.atan(x), 1.0 / (1.0 + x * x)


@kernel
def atan2(y, x):
    return math.atan2(y, x)


@kernel
def atan2_d(y, x):
    r2 = x * x + y * y
    return math.atan2(y, x), x / r2, -y / r2


@kernel
def sinh(x):
    return math.sinh(x)


@kernel
def sinh_d(x):
    return math.sinh(x), math.cosh(x)


@kernel
def cosh(x):
    return math.cosh(x)


@kernel
def cosh_d(x):
    return math.cosh(x), math.sinh(x)


@kernel
def tanh(x):
    return math.tanh(x)


@kernel
def tanh_d(x):
    v = math.tanh(x)
    return v, (1.0 - v) * (1.0 + v)


@kernel
def asinh(x):
    return math.asinh(x)


@kernel
def asinh_d(x):
    return math.asinh(x), 1.0 / math.hypot(1.0, x)


@kernel
def acosh(x):
    if x < 1.0:
        return NAN
    return math.acosh(x)


@kernel
def acosh_d(x):
    return acosh(x), 1.0 / math.sqrt((x - 1.0) * (x + 1.0))


@kernel
def atanh(x):
    if x < -1.0 or x > 1.0:
        return NAN
    if x == 1.0:
        return INF
    if x == -1.0:
        return -INF
    return math.atanh(x)


@kernel
def atanh_d(x):
    return atanh(x), 1.0 / ((1.0 - x) * (1.0 + x))


# ---------------------------------------------------------------------------------------------
# Link functions


@kernel
def logit(u):
    if u < 0.0 or u > 1.0:
        return NAN
    return log(u) - log1m(u)


@kernel
def logit_d(u):
    return logit(u), 1.0 / (u * (1.0 - u))


@kernel
def inv_logit(x):
    """1 / (1 + exp(-x)), accurate in both tails (Stan math)."""
    if x < 0.0:
        ex = math.exp(x)
        if x < LOG_EPSILON:
            return ex
        return ex / (1.0 + ex)
    return 1.0 / (1.0 + math.exp(-x))


@kernel
def inv_logit_d(x):
    ea = math.exp(-math.fabs(x))
    d = ea / ((1.0 + ea) * (1.0 + ea))
    return inv_logit(x), d


@kernel
def log_inv_logit(x):
    """log(inv_logit(x)) = -log1p_exp(-x)."""
    if x < 0.0:
        return x - math.log1p(math.exp(x))
    return -math.log1p(math.exp(-x))


@kernel
def log_inv_logit_d(x):
    return log_inv_logit(x), inv_logit(-x)


@kernel
def log1m_inv_logit(x):
    """log(1 - inv_logit(x)) = -log1p_exp(x)."""
    if x > 0.0:
        return -x - math.log1p(math.exp(-x))
    return -math.log1p(math.exp(x))


@kernel
def log1m_inv_logit_d(x):
    return log1m_inv_logit(x), -inv_logit(x)


@kernel
def log_inv_logit_diff(x, y):
    """log(inv_logit(x) - inv_logit(y)) for x > y."""
    return x - log1p_exp(x) + log1m_exp(y - x) - log1p_exp(y)


@kernel
def log_inv_logit_diff_d(x, y):
    v = log_inv_logit_diff(x, y)
    return (v, inv_logit(-x) + 1.0 / math.expm1(x - y),
            -1.0 / math.expm1(x - y) - inv_logit(y))


@kernel
def inv_cloglog(x):
    """1 - exp(-exp(x))."""
    return -math.expm1(-math.exp(x))


@kernel
def inv_cloglog_d(x):
    return inv_cloglog(x), math.exp(x - math.exp(x))


# ---------------------------------------------------------------------------------------------
# Normal distribution functions and the error function


@kernel
def erf(x):
    return math.erf(x)


@kernel
def erf_d(x):
    return math.erf(x), TWO_OVER_SQRT_PI * math.exp(-x * x)


@kernel
def erfc(x):
    return math.erfc(x)


@kernel
def erfc_d(x):
    return math.erfc(x), -TWO_OVER_SQRT_PI * math.exp(-x * x)


@kernel
def Phi(x):
    """The standard normal CDF, relatively accurate in the lower tail (0 below about -38)."""
    return 0.5 * math.erfc(-x * INV_SQRT2)


@kernel
def Phi_d(x):
    return Phi(x), INV_SQRT_TWO_PI * math.exp(-0.5 * x * x)


@kernel
def log_Phi(x):
    """log(Phi(x)), finite for every finite x (not a Stan function; for lcdf's)."""
    if x > 5.0:
        return math.log1p(-0.5 * math.erfc(x * INV_SQRT2))
    if x > -20.0:
        return math.log(0.5 * math.erfc(-x * INV_SQRT2))
    if x == -INF:
        return -INF
    # asymptotic Mills-ratio series: Phi(x) = phi(x) / |x| * (1 - 1/x^2 + 3/x^4 - ...)
    z = 1.0 / (x * x)
    s = 1.0 - z * (1.0 - z * (3.0 - z * (15.0 - z * (105.0 - z * (945.0 - z * (
        10395.0 - z * (135135.0 - z * 2027025.0)))))))
    return -0.5 * x * x - HALF_LOG_TWO_PI - math.log(-x) + math.log(s)


@kernel
def log_Phi_d(x):
    v = log_Phi(x)
    return v, math.exp(-0.5 * x * x - HALF_LOG_TWO_PI - v)


@kernel
def Phi_approx(x):
    """inv_logit(0.07056 x^3 + 1.5976 x)."""
    return inv_logit(x * (0.07056 * x * x + 1.5976))


@kernel
def Phi_approx_d(x):
    v, d = inv_logit_d(x * (0.07056 * x * x + 1.5976))
    return v, d * (3.0 * 0.07056 * x * x + 1.5976)


@kernel
def inv_Phi(p):
    """The standard normal quantile (Wichura's AS 241, about 1e-16 relative)."""
    if math.isnan(p) or p < 0.0 or p > 1.0:
        return NAN
    if p == 0.0:
        return -INF
    if p == 1.0:
        return INF
    q = p - 0.5
    if math.fabs(q) <= 0.425:
        r = 0.180625 - q * q
        num = (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r
                    + 6.7265770927008700853e+4) * r + 4.5921953931549871457e+4) * r
                  + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r
                + 1.3314166789178437745e+2) * r + 3.3871328727963666080e0)
        den = (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r
                    + 3.9307895800092710610e+4) * r + 2.1213794301586595867e+4) * r
                  + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r
                + 4.2313330701600911252e+1) * r + 1.0)
        return q * num / den
    r = p if q < 0.0 else 1.0 - p
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        r -= 1.6
        num = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r
                    + 2.41780725177450611770e-1) * r + 1.27045825245236838258e0) * r
                  + 3.64784832476320460504e0) * r + 5.76949722146069140550e0) * r
                + 4.63033784615654529590e0) * r + 1.42343711074968357734e0)
        den = (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r
                    + 1.51986665636164571966e-2) * r + 1.48103976427480074590e-1) * r
                  + 6.89767334985100004550e-1) * r + 1.67638483018380384940e0) * r
                + 2.05319162663775882187e0) * r + 1.0)
    else:
        r -= 5.0
        num = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
                    + 1.24266094738807843860e-3) * r + 2.65321895265761230930e-2) * r
                  + 2.96560571828504891230e-1) * r + 1.78482653991729133580e0) * r
                + 5.46378491116411436990e0) * r + 6.65790464350110377720e0)
        den = (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r
                    + 1.84631831751005468180e-5) * r + 7.86869131145613259100e-4) * r
                  + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r
                + 5.99832206555887937690e-1) * r + 1.0)
    v = num / den
    return -v if q < 0.0 else v


@kernel
def inv_Phi_d(p):
    v = inv_Phi(p)
    return v, 1.0 / (INV_SQRT_TWO_PI * math.exp(-0.5 * v * v))


@kernel
def std_normal_log_qf(lp):
    """inv_Phi(exp(lp)), for log probabilities."""
    if lp > 0.0:
        return NAN
    if lp < -700.0:
        # invert log_Phi by Newton's method from the asymptotic start
        x = -math.sqrt(-2.0 * lp - math.log(-4.0 * PI * lp))
        for _ in range(8):
            v, d = log_Phi_d(x)
            x -= (v - lp) / d
        return x
    return inv_Phi(math.exp(lp))


@kernel
def std_normal_log_qf_d(lp):
    v = std_normal_log_qf(lp)
    # d/dlp inv_Phi(exp(lp)) = 1 / (d log_Phi / dx at v)
    return v, 1.0 / log_Phi_d(v)[1]


@kernel
def inv_erfc(x):
    """The inverse of erfc, via inv_Phi: erfc^-1(x) = -inv_Phi(x / 2) / sqrt(2)."""
    return -inv_Phi(0.5 * x) * INV_SQRT2


@kernel
def inv_erfc_d(x):
    v = inv_erfc(x)
    return v, -1.0 / (TWO_OVER_SQRT_PI * math.exp(-v * v))


# ---------------------------------------------------------------------------------------------
# Gamma and beta functions


@kernel
def lgamma(x):
    if x <= 0.0 and x == math.floor(x):
        return INF
    return math.lgamma(x)


@kernel
def lgamma_d(x):
    return lgamma(x), _digamma(x)


@kernel
def tgamma(x):
    if x <= 0.0 and x == math.floor(x):
        return NAN
    return math.gamma(x)


@kernel
def tgamma_d(x):
    v = tgamma(x)
    return v, v * _digamma(x)


@kernel
def digamma(x):
    return _digamma(x)


@kernel
def digamma_d(x):
    return _digamma(x), _trigamma(x)


@kernel
def trigamma(x):
    return _trigamma(x)


@kernel
def trigamma_d(x):
    return _trigamma(x), _tetragamma(x)


@kernel
def lbeta(a, b):
    """log Beta(a, b), accurate for large arguments (Stan math's algorithm)."""
    if math.isnan(a) or math.isnan(b):
        return NAN
    x = a if a < b else b
    y = b if a < b else a
    if x == 0.0:
        return INF
    if y == INF:
        return -INF
    if y < 10.0:
        return math.lgamma(x) + math.lgamma(y) - math.lgamma(x + y)
    x_over_xy = x / (x + y)
    if x < 10.0:
        stirling_diff = _lgamma_stirling_diff(y) - _lgamma_stirling_diff(x + y)
        stirling = (y - 0.5) * math.log1p(-x_over_xy) + x * (1.0 - math.log(x + y))
        return stirling + math.lgamma(x) + stirling_diff
    stirling_diff = (_lgamma_stirling_diff(x) + _lgamma_stirling_diff(y)
                     - _lgamma_stirling_diff(x + y))
    stirling = ((x - 0.5) * math.log(x_over_xy) + y * math.log1p(-x_over_xy)
                + HALF_LOG_TWO_PI - 0.5 * math.log(y))
    return stirling + stirling_diff


@kernel
def lbeta_d(a, b):
    dab = _digamma(a + b)
    return lbeta(a, b), _digamma(a) - dab, _digamma(b) - dab


@kernel
def beta(a, b):
    return math.exp(lbeta(a, b))


@kernel
def beta_d(a, b):
    v, da, db = lbeta_d(a, b)
    ev = math.exp(v)
    return ev, ev * da, ev * db


@kernel
def lchoose(n, k):
    """log of the binomial coefficient for real n >= -1, -1 < k < n + 1 (Stan's
    binomial_coefficient_log)."""
    if math.isnan(n) or math.isnan(k):
        return NAN
    if n < -1.0 or k < -1.0 or k > n + 1.0:
        return NAN
    if k > n / 2.0 + 1e-8:
        k = n - k
    if k == 0.0:
        return 0.0
    n_plus_1 = n + 1.0
    if n_plus_1 < 10.0:
        return math.lgamma(n_plus_1) - math.lgamma(k + 1.0) - math.lgamma(n_plus_1 - k)
    return -lbeta(n - k + 1.0, k + 1.0) - math.log1p(n)


@kernel
def lchoose_d(n, k):
    v = lchoose(n, k)
    dn = _digamma(n + 1.0) - _digamma(n - k + 1.0)
    dk = _digamma(n - k + 1.0) - _digamma(k + 1.0)
    return v, dn, dk


@kernel
def log_falling_factorial(x, n):
    """log(Gamma(x + 1) / Gamma(x - n + 1))."""
    if x < 0.0:
        return NAN
    return lgamma(x + 1.0) - lgamma(x - n + 1.0)


@kernel
def log_falling_factorial_d(x, n):
    dxn = _digamma(x - n + 1.0)
    return log_falling_factorial(x, n), _digamma(x + 1.0) - dxn, dxn


@kernel
def log_rising_factorial(x, n):
    """log(Gamma(x + n) / Gamma(x))."""
    if x < 0.0:
        return NAN
    return lgamma(x + n) - lgamma(x)


@kernel
def log_rising_factorial_d(x, n):
    dxn = _digamma(x + n)
    return log_rising_factorial(x, n), dxn - _digamma(x), dxn


@kernel
def falling_factorial(x, n):
    """x (x - 1) ... (x - n + 1) for real x, int n >= 0."""
    v = 1.0
    for i in range(n):
        v *= x - i
    return v


@kernel
def falling_factorial_d(x, n):
    v = 1.0
    d = 0.0
    for i in range(n):
        d = d * (x - i) + v
        v *= x - i
    return v, d


@kernel
def rising_factorial(x, n):
    """x (x + 1) ... (x + n - 1) for real x, int n >= 0."""
    v = 1.0
    for i in range(n):
        v *= x + i
    return v


@kernel
def rising_factorial_d(x, n):
    v = 1.0
    d = 0.0
    for i in range(n):
        d = d * (x + i) + v
        v *= x + i
    return v, d


@kernel
def lmgamma(k, x):
    """log of the k-dimensional multivariate gamma function."""
    v = 0.25 * k * (k - 1) * LOG_PI
    for j in range(1, k + 1):
        v += lgamma(x + (1.0 - j) / 2.0)
    return v


@kernel
def lmgamma_d(k, x):
    d = 0.0
    for j in range(1, k + 1):
        d += _digamma(x + (1.0 - j) / 2.0)
    return lmgamma(k, x), d


@kernel
def binary_log_loss(y, y_hat):
    """-log(y_hat) if y == 1 else -log(1 - y_hat)."""
    if y != 0:
        return -log(y_hat)
    return -log1m(y_hat)


@kernel
def binary_log_loss_d(y, y_hat):
    if y != 0:
        return -log(y_hat), -1.0 / y_hat
    return -log1m(y_hat), 1.0 / (1.0 - y_hat)


@kernel
def squared_distance(x, y):
    d = x - y
    return d * d


@kernel
def squared_distance_d(x, y):
    d = x - y
    return d * d, 2.0 * d, -2.0 * d


# ---------------------------------------------------------------------------------------------
# Integer-valued functions (no derivatives)


@kernel
def int_step(x):
    """1 if x > 0 else 0 (NaN gives 0)."""
    return 1 if x > 0.0 else 0


@kernel
def int_step_int(x):
    return 1 if x > 0 else 0


@kernel
def is_inf(x):
    return 1 if math.isinf(x) else 0


@kernel
def is_nan(x):
    return 1 if math.isnan(x) else 0


@kernel
def abs_int(n):
    return n if n >= 0 else -n


@kernel
def min_int(a, b):
    return a if a < b else b


@kernel
def max_int(a, b):
    return a if a > b else b


@kernel
def int_divide(a, b):
    """Stan's `%/%`: integer division truncating toward zero (as C++)."""
    if b == 0:
        raise ZeroDivisionError("integer division by zero")
    q = a // b
    if q < 0 and q * b != a:
        q += 1
    return q


@kernel
def modulus(a, b):
    """Stan's `%`: the remainder with the sign of the dividend (as C++)."""
    if b == 0:
        raise ZeroDivisionError("modulus by zero")
    return a - int_divide(a, b) * b


@kernel
def choose(n, k):
    """The binomial coefficient for ints 0 <= k <= n (0 when k > n)."""
    if n < 0 or k < 0:
        raise ValueError("choose: arguments must be non-negative")
    if k > n:
        return 0
    if k > n - k:
        k = n - k
    v = 1
    for i in range(1, k + 1):
        v = v * (n - k + i) // i
    return v


@kernel
def falling_factorial_int(n, k):
    v = 1
    for i in range(k):
        v *= n - i
    return v


@kernel
def rising_factorial_int(n, k):
    v = 1
    for i in range(k):
        v *= n + i
    return v


@kernel
def to_int(x):
    """Truncate a real to an int (Stan's to_int)."""
    if not (x > -9.223372036854775807e18 and x < 9.223372036854775807e18):  # also NaN
        raise ValueError("to_int: argument out of the range of int")
    return np.int64(math.trunc(x))
