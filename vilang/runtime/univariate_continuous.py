"""Stan's continuous univariate distributions as numba kernels.

For each family F (Stan's parameter order and parameterisation):

* `F_lpdf(y, ...)`: the log density with all constants;
* `F_lpdf_d(y, ...)`: `(lpdf, d/dy, d/dparam1, ...)`;
* `F_dropped(y, ..., a_y, a_1, ...)`: the terms `y ~ F(...)` drops (Stan's propto), given
  booleans that say which arguments are parameters; `F_lpdf - F_dropped` is `F_lupdf`;
* where Stan has them, `F_cdf`, `F_lcdf`, `F_lccdf` and their `_d` variants (each built from
  one private `_F_cdf` core that returns `(log F, log(1 - F), dlogF, dlog(1 - F))`);
* `F_rng(...)` (numba's np.random, so `np.random.seed` inside a kernel controls it);
* `F_check(y, ...)`: 0, or the 1-based position of the first invalid argument in the order
  Stan checks them.

Out-of-support variates return -inf from the lpdf (derivatives 0) wherever Stan returns
LOG_ZERO; where Stan throws instead, `F_check` flags the variate (the generated code calls
the check first).  `vilang.runtime.univariate.FAMILIES` documents each family.
"""
import math

import numpy as np

from .jit import kernel
from .special import (
    HALF_LOG_2PI, INF, LOG_2, LOG_2PI, LOG_PI, LOG_SQRT_PI, PI,
    dlog_Phi, digamma, inv_logit, lbeta, log1m, log1m_exp, log1p_exp,
    log_bessel_i0_ratio, log_diff_exp, log_gamma_pq_d, log_inc_beta_d, log_inv_logit,
    log_phi, log_Phi, log_sum_exp, owens_t, tscale, xlog1py, xlogy,
)

NEG_INF = -INF


# ---------------------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------------------

@kernel
def rng_seed(seed):
    """Seed the generator that every `_rng` kernel draws from."""
    np.random.seed(seed)


@kernel
def _pos_finite(x):
    return x > 0.0 and x < INF


@kernel
def _zfinish(lF, lS, rF, rS, gz):
    """Core result for a cdf F = G(z) with gz the gradient of z and rF = G'(z) / F,
    rS = G'(z) / (1 - F) (each computed stably by the caller)."""
    return lF, lS, tscale(gz, rF), tscale(gz, -rS)


@kernel
def _cdf_d_from(r):
    F = math.exp(r[0])
    return (F,) + tscale(r[2], F)


@kernel
def _lcdf_d_from(r):
    return (r[0],) + r[2]


@kernel
def _lccdf_d_from(r):
    return (r[1],) + r[3]


# ---------------------------------------------------------------------------------------
# normal
# ---------------------------------------------------------------------------------------

@kernel
def normal_lpdf(y, mu, sigma):
    """Normal(y | mu, sigma) = exp(-((y - mu) / sigma)^2 / 2) / (sqrt(2 pi) sigma)."""
    z = (y - mu) / sigma
    return -HALF_LOG_2PI - math.log(sigma) - 0.5 * z * z


@kernel
def normal_lpdf_d(y, mu, sigma):
    z = (y - mu) / sigma
    lp = -HALF_LOG_2PI - math.log(sigma) - 0.5 * z * z
    return lp, -z / sigma, z / sigma, (z * z - 1.0) / sigma


@kernel
def normal_dropped(y, mu, sigma, a_y, a_mu, a_sigma):
    if not (a_y or a_mu or a_sigma):
        return normal_lpdf(y, mu, sigma)
    d = -HALF_LOG_2PI
    if not a_sigma:
        d -= math.log(sigma)
    return d


@kernel
def _normal_cdf(y, mu, sigma):
    z = (y - mu) / sigma
    if z == INF:
        return 0.0, NEG_INF, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    if z == NEG_INF:
        return NEG_INF, 0.0, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    return _zfinish(log_Phi(z), log_Phi(-z), dlog_Phi(z), dlog_Phi(-z),
                    (1.0 / sigma, -1.0 / sigma, -z / sigma))


@kernel
def normal_rng(mu, sigma):
    return np.random.normal(mu, sigma)


@kernel
def normal_check(y, mu, sigma):
    if y != y:
        return 1
    if not math.isfinite(mu):
        return 2
    if not sigma > 0.0:
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# std_normal
# ---------------------------------------------------------------------------------------

@kernel
def std_normal_lpdf(y):
    """StdNormal(y) = exp(-y^2 / 2) / sqrt(2 pi)."""
    return -HALF_LOG_2PI - 0.5 * y * y


@kernel
def std_normal_lpdf_d(y):
    return -HALF_LOG_2PI - 0.5 * y * y, -y


@kernel
def std_normal_dropped(y, a_y):
    if not a_y:
        return std_normal_lpdf(y)
    return -HALF_LOG_2PI


@kernel
def _std_normal_cdf(y):
    if y == INF:
        return 0.0, NEG_INF, (0.0,), (0.0,)
    if y == NEG_INF:
        return NEG_INF, 0.0, (0.0,), (0.0,)
    return _zfinish(log_Phi(y), log_Phi(-y), dlog_Phi(y), dlog_Phi(-y), (1.0,))


@kernel
def std_normal_rng():
    return np.random.standard_normal()


@kernel
def std_normal_check(y):
    if y != y:
        return 1
    return 0


# ---------------------------------------------------------------------------------------
# cauchy
# ---------------------------------------------------------------------------------------

@kernel
def cauchy_lpdf(y, mu, sigma):
    """Cauchy(y | mu, sigma) = 1 / (pi sigma (1 + ((y - mu) / sigma)^2))."""
    z = (y - mu) / sigma
    return -LOG_PI - math.log(sigma) - math.log1p(z * z)


@kernel
def cauchy_lpdf_d(y, mu, sigma):
    z = (y - mu) / sigma
    lp = -LOG_PI - math.log(sigma) - math.log1p(z * z)
    g = 2.0 * z / (sigma * (1.0 + z * z))
    return lp, -g, g, (z * z - 1.0) / (sigma * (1.0 + z * z))


@kernel
def cauchy_dropped(y, mu, sigma, a_y, a_mu, a_sigma):
    if not (a_y or a_mu or a_sigma):
        return cauchy_lpdf(y, mu, sigma)
    d = -LOG_PI
    if not a_sigma:
        d -= math.log(sigma)
    return d


@kernel
def _cauchy_cdf(y, mu, sigma):
    z = (y - mu) / sigma
    if z == INF:
        return 0.0, NEG_INF, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    if z == NEG_INF:
        return NEG_INF, 0.0, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    # atan(z) + atan(1/z) = -pi/2 for z < 0 keeps both tails accurate
    if z < -1.0:
        F = math.atan(-1.0 / z) / PI
        S = 1.0 - F
    elif z > 1.0:
        S = math.atan(1.0 / z) / PI
        F = 1.0 - S
    else:
        F = 0.5 + math.atan(z) / PI
        S = 0.5 - math.atan(z) / PI
    f = 1.0 / (PI * (1.0 + z * z))
    return _zfinish(math.log(F), math.log(S), f / F, f / S,
                    (1.0 / sigma, -1.0 / sigma, -z / sigma))


@kernel
def cauchy_rng(mu, sigma):
    return mu + sigma * np.random.standard_cauchy()


@kernel
def cauchy_check(y, mu, sigma):
    if y != y:
        return 1
    if not math.isfinite(mu):
        return 2
    if not _pos_finite(sigma):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# student_t
# ---------------------------------------------------------------------------------------

@kernel
def student_t_lpdf(y, nu, mu, sigma):
    """StudentT(y | nu, mu, sigma) = Gamma((nu + 1) / 2) / (Gamma(nu / 2) sqrt(nu pi) sigma)
    * (1 + ((y - mu) / sigma)^2 / nu)^(-(nu + 1) / 2)."""
    z = (y - mu) / sigma
    return (math.lgamma(0.5 * nu + 0.5) - math.lgamma(0.5 * nu) - 0.5 * math.log(nu)
            - LOG_SQRT_PI - math.log(sigma) - (0.5 * nu + 0.5) * math.log1p(z * z / nu))


@kernel
def student_t_lpdf_d(y, nu, mu, sigma):
    z = (y - mu) / sigma
    r = z * z / nu
    l1p = math.log1p(r)
    lp = (math.lgamma(0.5 * nu + 0.5) - math.lgamma(0.5 * nu) - 0.5 * math.log(nu)
          - LOG_SQRT_PI - math.log(sigma) - (0.5 * nu + 0.5) * l1p)
    dy = -(nu + 1.0) * z / (sigma * nu * (1.0 + r))
    rep = (nu + 1.0) * r / (1.0 + r)
    dnu = 0.5 * (digamma(0.5 * nu + 0.5) - digamma(0.5 * nu) - 1.0 / nu - l1p + rep / nu)
    dsigma = (rep - 1.0) / sigma
    return lp, dy, dnu, -dy, dsigma


@kernel
def student_t_dropped(y, nu, mu, sigma, a_y, a_nu, a_mu, a_sigma):
    if not (a_y or a_nu or a_mu or a_sigma):
        return student_t_lpdf(y, nu, mu, sigma)
    d = -LOG_SQRT_PI
    if not a_nu:
        d += math.lgamma(0.5 * nu + 0.5) - math.lgamma(0.5 * nu) - 0.5 * math.log(nu)
    if not a_sigma:
        d -= math.log(sigma)
    return d


@kernel
def _student_t_cdf(y, nu, mu, sigma):
    t = (y - mu) / sigma
    zero = (0.0, 0.0, 0.0, 0.0)
    if t == INF:
        return 0.0, NEG_INF, zero, zero
    if t == NEG_INF:
        return NEG_INF, 0.0, zero, zero
    t2 = t * t
    x = nu / (nu + t2)
    xc = t2 / (nu + t2)
    # the tail probability is I_x(nu/2, 1/2) / 2
    li, lj, dia, _, _, _, dix, _ = log_inc_beta_d(0.5 * nu, 0.5, x, xc, True)
    l_tail = li - LOG_2
    l_body = log1p_exp(lj) - LOG_2
    # d log(tail) / d nu (x depends on nu), and d/dt of the cdf (density) in log form
    dx_dnu = x * xc / nu
    dtail_dnu = 0.5 * dia + dix * dx_dnu
    lpdf_t = (math.lgamma(0.5 * nu + 0.5) - math.lgamma(0.5 * nu) - 0.5 * math.log(nu)
              - LOG_SQRT_PI - (0.5 * nu + 0.5) * math.log1p(t2 / nu))
    if t < 0.0:
        lF = l_tail
        lS = l_body
        dlF_nu = dtail_dnu
        dlS_nu = -math.exp(lF - lS) * dlF_nu
    else:
        lS = l_tail
        lF = l_body
        dlS_nu = dtail_dnu
        dlF_nu = -math.exp(lS - lF) * dlS_nu
    rF = math.exp(lpdf_t - lF) / sigma
    rS = -math.exp(lpdf_t - lS) / sigma
    return (lF, lS, (rF, dlF_nu, -rF, -t * rF), (rS, dlS_nu, -rS, -t * rS))


@kernel
def student_t_rng(nu, mu, sigma):
    return mu + sigma * np.random.standard_t(nu)


@kernel
def student_t_check(y, nu, mu, sigma):
    if y != y:
        return 1
    if not _pos_finite(nu):
        return 2
    if not math.isfinite(mu):
        return 3
    if not _pos_finite(sigma):
        return 4
    return 0


# ---------------------------------------------------------------------------------------
# double_exponential
# ---------------------------------------------------------------------------------------

@kernel
def double_exponential_lpdf(y, mu, sigma):
    """DoubleExponential(y | mu, sigma) = exp(-|y - mu| / sigma) / (2 sigma)."""
    return -LOG_2 - math.log(sigma) - abs(y - mu) / sigma


@kernel
def double_exponential_lpdf_d(y, mu, sigma):
    lp = -LOG_2 - math.log(sigma) - abs(y - mu) / sigma
    s = 0.0
    if y > mu:
        s = 1.0
    elif y < mu:
        s = -1.0
    return lp, -s / sigma, s / sigma, (abs(y - mu) / sigma - 1.0) / sigma


@kernel
def double_exponential_dropped(y, mu, sigma, a_y, a_mu, a_sigma):
    if not (a_y or a_mu or a_sigma):
        return double_exponential_lpdf(y, mu, sigma)
    d = -LOG_2
    if not a_sigma:
        d -= math.log(sigma)
    return d


@kernel
def _double_exponential_cdf(y, mu, sigma):
    z = (y - mu) / sigma
    # f = exp(-|z|) / 2
    if z < 0.0:
        lF = z - LOG_2
        lS = log1m(0.5 * math.exp(z))
        rF = 1.0
        rS = math.exp(-LOG_2 + z - lS)
    else:
        lS = -z - LOG_2
        lF = log1m(0.5 * math.exp(-z))
        rS = 1.0
        rF = math.exp(-LOG_2 - z - lF)
    return _zfinish(lF, lS, rF, rS, (1.0 / sigma, -1.0 / sigma, -z / sigma))


@kernel
def double_exponential_rng(mu, sigma):
    return np.random.laplace(mu, sigma)


@kernel
def double_exponential_check(y, mu, sigma):
    if not math.isfinite(y):
        return 1
    if not math.isfinite(mu):
        return 2
    if not _pos_finite(sigma):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# logistic
# ---------------------------------------------------------------------------------------

@kernel
def logistic_lpdf(y, mu, sigma):
    """Logistic(y | mu, sigma) = exp(-z) / (sigma (1 + exp(-z))^2), z = (y - mu) / sigma."""
    z = (y - mu) / sigma
    return -math.log(sigma) - abs(z) - 2.0 * math.log1p(math.exp(-abs(z)))


@kernel
def logistic_lpdf_d(y, mu, sigma):
    z = (y - mu) / sigma
    lp = -math.log(sigma) - abs(z) - 2.0 * math.log1p(math.exp(-abs(z)))
    g = (1.0 - 2.0 * inv_logit(z)) / sigma
    return lp, g, -g, -1.0 / sigma - z * g


@kernel
def logistic_dropped(y, mu, sigma, a_y, a_mu, a_sigma):
    if not (a_y or a_mu or a_sigma):
        return logistic_lpdf(y, mu, sigma)
    if not a_sigma:
        return -math.log(sigma)
    return 0.0


@kernel
def _logistic_cdf(y, mu, sigma):
    z = (y - mu) / sigma
    if z == INF:
        return 0.0, NEG_INF, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    if z == NEG_INF:
        return NEG_INF, 0.0, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    # f = F (1 - F)
    return _zfinish(log_inv_logit(z), log_inv_logit(-z), inv_logit(-z), inv_logit(z),
                    (1.0 / sigma, -1.0 / sigma, -z / sigma))


@kernel
def logistic_rng(mu, sigma):
    return np.random.logistic(mu, sigma)


@kernel
def logistic_check(y, mu, sigma):
    if not math.isfinite(y):
        return 1
    if not math.isfinite(mu):
        return 2
    if not _pos_finite(sigma):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# gumbel
# ---------------------------------------------------------------------------------------

@kernel
def gumbel_lpdf(y, mu, beta):
    """Gumbel(y | mu, beta) = exp(-z - exp(-z)) / beta, z = (y - mu) / beta."""
    z = (y - mu) / beta
    return -math.log(beta) - z - math.exp(-z)


@kernel
def gumbel_lpdf_d(y, mu, beta):
    z = (y - mu) / beta
    e = math.exp(-z)
    g = (e - 1.0) / beta
    return -math.log(beta) - z - e, g, -g, -1.0 / beta - z * g


@kernel
def gumbel_dropped(y, mu, beta, a_y, a_mu, a_beta):
    if not (a_y or a_mu or a_beta):
        return gumbel_lpdf(y, mu, beta)
    if not a_beta:
        return -math.log(beta)
    return 0.0


@kernel
def _gumbel_cdf(y, mu, beta):
    z = (y - mu) / beta
    if z == INF:
        return 0.0, NEG_INF, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    if z == NEG_INF:
        return NEG_INF, 0.0, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    e = math.exp(-z)
    # F = exp(-e), f = e F: f / F = e, f / (1 - F) = e / expm1(e)
    return _zfinish(-e, log1m_exp(-e), e, e / math.expm1(e),
                    (1.0 / beta, -1.0 / beta, -z / beta))


@kernel
def gumbel_rng(mu, beta):
    return np.random.gumbel(mu, beta)


@kernel
def gumbel_check(y, mu, beta):
    if y != y:
        return 1
    if not math.isfinite(mu):
        return 2
    if not beta > 0.0:
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# skew_normal
# ---------------------------------------------------------------------------------------

@kernel
def skew_normal_lpdf(y, xi, omega, alpha):
    """SkewNormal(y | xi, omega, alpha) = exp(-z^2 / 2) erfc(-alpha z / sqrt 2)
    / (omega sqrt(2 pi)), z = (y - xi) / omega."""
    z = (y - xi) / omega
    return -HALF_LOG_2PI - math.log(omega) - 0.5 * z * z + LOG_2 + log_Phi(alpha * z)


@kernel
def skew_normal_lpdf_d(y, xi, omega, alpha):
    z = (y - xi) / omega
    lp = -HALF_LOG_2PI - math.log(omega) - 0.5 * z * z + LOG_2 + log_Phi(alpha * z)
    m = dlog_Phi(alpha * z)
    dz = -z + alpha * m
    return lp, dz / omega, -dz / omega, (-1.0 - z * dz) / omega, z * m


@kernel
def skew_normal_dropped(y, xi, omega, alpha, a_y, a_xi, a_omega, a_alpha):
    if not (a_y or a_xi or a_omega or a_alpha):
        return skew_normal_lpdf(y, xi, omega, alpha)
    d = -HALF_LOG_2PI
    if not a_omega:
        d -= math.log(omega)
    if not (a_y or a_xi or a_omega):
        z = (y - xi) / omega
        d -= 0.5 * z * z
    return d


@kernel
def _skew_normal_cdf(y, xi, omega, alpha):
    z = (y - xi) / omega
    zero = (0.0, 0.0, 0.0, 0.0)
    if z == INF:
        return 0.0, NEG_INF, zero, zero
    if z == NEG_INF:
        return NEG_INF, 0.0, zero, zero
    t2 = 2.0 * owens_t(z, alpha)
    F = 0.5 * math.erfc(-z / math.sqrt(2.0)) - t2
    S = 0.5 * math.erfc(z / math.sqrt(2.0)) + t2
    lF = math.log(max(F, 0.0))
    lS = math.log(max(S, 0.0))
    # dF/dz = 2 phi(z) Phi(alpha z);  dF/dalpha = -exp(-z^2 (1 + alpha^2) / 2) / (pi (1 + a^2))
    ldz = LOG_2 + log_phi(z) + log_Phi(alpha * z)
    lda = -0.5 * z * z * (1.0 + alpha * alpha) - LOG_PI - math.log1p(alpha * alpha)
    rz = math.exp(ldz - lF) / omega
    ra = -math.exp(lda - lF)
    sz = -math.exp(ldz - lS) / omega
    sa = math.exp(lda - lS)
    return lF, lS, (rz, -rz, -z * rz, ra), (sz, -sz, -z * sz, sa)


@kernel
def skew_normal_rng(xi, omega, alpha):
    delta = alpha / math.sqrt(1.0 + alpha * alpha)
    u0 = np.random.standard_normal()
    v = np.random.standard_normal()
    u1 = delta * u0 + math.sqrt(1.0 - delta * delta) * v
    if u0 < 0.0:
        u1 = -u1
    return xi + omega * u1


@kernel
def skew_normal_check(y, xi, omega, alpha):
    if y != y:
        return 1
    if not math.isfinite(xi):
        return 2
    if not math.isfinite(alpha):
        return 4
    if not omega > 0.0:
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# lognormal
# ---------------------------------------------------------------------------------------

@kernel
def lognormal_lpdf(y, mu, sigma):
    """LogNormal(y | mu, sigma) = exp(-((log y - mu) / sigma)^2 / 2) / (sqrt(2 pi) sigma y)."""
    if y <= 0.0:
        return NEG_INF
    z = (math.log(y) - mu) / sigma
    return -HALF_LOG_2PI - math.log(sigma) - math.log(y) - 0.5 * z * z


@kernel
def lognormal_lpdf_d(y, mu, sigma):
    if y <= 0.0:
        return NEG_INF, 0.0, 0.0, 0.0
    z = (math.log(y) - mu) / sigma
    lp = -HALF_LOG_2PI - math.log(sigma) - math.log(y) - 0.5 * z * z
    return lp, -(1.0 + z / sigma) / y, z / sigma, (z * z - 1.0) / sigma


@kernel
def lognormal_dropped(y, mu, sigma, a_y, a_mu, a_sigma):
    # Stan's lognormal_lpdf keeps the -log(sqrt(2 pi)) constant even with propto.
    if not (a_y or a_mu or a_sigma):
        return lognormal_lpdf(y, mu, sigma)
    d = 0.0
    if not a_sigma:
        d -= math.log(sigma)
    if not a_y:
        d -= math.log(y)
    return d


@kernel
def _lognormal_cdf(y, mu, sigma):
    zero = (0.0, 0.0, 0.0)
    if y <= 0.0:
        return NEG_INF, 0.0, zero, zero
    if y == INF:
        return 0.0, NEG_INF, zero, zero
    z = (math.log(y) - mu) / sigma
    return _zfinish(log_Phi(z), log_Phi(-z), dlog_Phi(z), dlog_Phi(-z),
                    (1.0 / (y * sigma), -1.0 / sigma, -z / sigma))


@kernel
def lognormal_rng(mu, sigma):
    return np.random.lognormal(mu, sigma)


@kernel
def lognormal_check(y, mu, sigma):
    if not y >= 0.0:
        return 1
    if not math.isfinite(mu):
        return 2
    if not _pos_finite(sigma):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# chi_square
# ---------------------------------------------------------------------------------------

@kernel
def chi_square_lpdf(y, nu):
    """ChiSquare(y | nu) = 2^(-nu/2) / Gamma(nu/2) y^(nu/2 - 1) exp(-y/2)."""
    if y < 0.0:
        return NEG_INF
    return -0.5 * nu * LOG_2 - math.lgamma(0.5 * nu) + xlogy(0.5 * nu - 1.0, y) - 0.5 * y


@kernel
def chi_square_lpdf_d(y, nu):
    if y < 0.0:
        return NEG_INF, 0.0, 0.0
    lp = -0.5 * nu * LOG_2 - math.lgamma(0.5 * nu) + xlogy(0.5 * nu - 1.0, y) - 0.5 * y
    return lp, (0.5 * nu - 1.0) / y - 0.5, 0.5 * (math.log(y) - digamma(0.5 * nu) - LOG_2)


@kernel
def chi_square_dropped(y, nu, a_y, a_nu):
    if not (a_y or a_nu):
        return chi_square_lpdf(y, nu)
    d = 0.0
    if not a_nu:
        d -= 0.5 * nu * LOG_2 + math.lgamma(0.5 * nu)
    if not a_y:
        d -= 0.5 * y
    return d


@kernel
def _chi_square_cdf(y, nu):
    if y <= 0.0:
        return NEG_INF, 0.0, (0.0, 0.0), (0.0, 0.0)
    lp, lq, dpa, dqa, dpx, dqx = log_gamma_pq_d(0.5 * nu, 0.5 * y)
    return lp, lq, (0.5 * dpx, 0.5 * dpa), (0.5 * dqx, 0.5 * dqa)


@kernel
def chi_square_rng(nu):
    return np.random.chisquare(nu)


@kernel
def chi_square_check(y, nu):
    if not y >= 0.0:
        return 1
    if not _pos_finite(nu):
        return 2
    return 0


# ---------------------------------------------------------------------------------------
# inv_chi_square
# ---------------------------------------------------------------------------------------

@kernel
def inv_chi_square_lpdf(y, nu):
    """InvChiSquare(y | nu) = 2^(-nu/2) / Gamma(nu/2) y^(-nu/2 - 1) exp(-1 / (2 y))."""
    if y <= 0.0:
        return NEG_INF
    return (-0.5 * nu * LOG_2 - math.lgamma(0.5 * nu) - (0.5 * nu + 1.0) * math.log(y)
            - 0.5 / y)


@kernel
def inv_chi_square_lpdf_d(y, nu):
    if y <= 0.0:
        return NEG_INF, 0.0, 0.0
    ly = math.log(y)
    lp = -0.5 * nu * LOG_2 - math.lgamma(0.5 * nu) - (0.5 * nu + 1.0) * ly - 0.5 / y
    dy = -(0.5 * nu + 1.0) / y + 0.5 / (y * y)
    return lp, dy, -0.5 * (LOG_2 + digamma(0.5 * nu) + ly)


@kernel
def inv_chi_square_dropped(y, nu, a_y, a_nu):
    if not (a_y or a_nu):
        return inv_chi_square_lpdf(y, nu)
    d = 0.0
    if not a_nu:
        d -= 0.5 * nu * LOG_2 + math.lgamma(0.5 * nu)
    if not a_y:
        d -= 0.5 / y
    return d


@kernel
def _inv_chi_square_cdf(y, nu):
    if y <= 0.0:
        return NEG_INF, 0.0, (0.0, 0.0), (0.0, 0.0)
    x = 0.5 / y
    lp, lq, dpa, dqa, dpx, dqx = log_gamma_pq_d(0.5 * nu, x)
    dx_dy = -x / y
    return lq, lp, (dqx * dx_dy, 0.5 * dqa), (dpx * dx_dy, 0.5 * dpa)


@kernel
def inv_chi_square_rng(nu):
    return 1.0 / np.random.chisquare(nu)


@kernel
def inv_chi_square_check(y, nu):
    if y != y:
        return 1
    if not _pos_finite(nu):
        return 2
    return 0


# ---------------------------------------------------------------------------------------
# scaled_inv_chi_square
# ---------------------------------------------------------------------------------------

@kernel
def scaled_inv_chi_square_lpdf(y, nu, s):
    """ScaledInvChiSquare(y | nu, s) = (nu/2)^(nu/2) / Gamma(nu/2) s^nu y^(-(nu/2 + 1))
    exp(-nu s^2 / (2 y))."""
    if y <= 0.0:
        return NEG_INF
    h = 0.5 * nu
    return (h * math.log(h) - math.lgamma(h) + nu * math.log(s) - (h + 1.0) * math.log(y)
            - h * s * s / y)


@kernel
def scaled_inv_chi_square_lpdf_d(y, nu, s):
    if y <= 0.0:
        return NEG_INF, 0.0, 0.0, 0.0
    h = 0.5 * nu
    ly = math.log(y)
    ls = math.log(s)
    lp = h * math.log(h) - math.lgamma(h) + nu * ls - (h + 1.0) * ly - h * s * s / y
    dy = -(h + 1.0) / y + h * s * s / (y * y)
    dnu = 0.5 * math.log(h) + 0.5 - 0.5 * digamma(h) + ls - 0.5 * ly - 0.5 * s * s / y
    ds = nu / s - nu * s / y
    return lp, dy, dnu, ds


@kernel
def scaled_inv_chi_square_dropped(y, nu, s, a_y, a_nu, a_s):
    if not (a_y or a_nu or a_s):
        return scaled_inv_chi_square_lpdf(y, nu, s)
    h = 0.5 * nu
    d = 0.0
    if not a_nu:
        d += h * math.log(h) - math.lgamma(h)
    if not (a_nu or a_s):
        d += nu * math.log(s)
    if not (a_nu or a_y):
        d -= (h + 1.0) * math.log(y)
    return d


@kernel
def _scaled_inv_chi_square_cdf(y, nu, s):
    if y <= 0.0:
        return NEG_INF, 0.0, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    x = 0.5 * nu * s * s / y
    lp, lq, dpa, dqa, dpx, dqx = log_gamma_pq_d(0.5 * nu, x)
    # F = Q(nu/2, x): dx/dy = -x/y, dx/dnu = x/nu, dx/ds = 2x/s
    gF = (dqx * (-x / y), 0.5 * dqa + dqx * x / nu, dqx * 2.0 * x / s)
    gS = (dpx * (-x / y), 0.5 * dpa + dpx * x / nu, dpx * 2.0 * x / s)
    return lq, lp, gF, gS


@kernel
def scaled_inv_chi_square_rng(nu, s):
    return nu * s * s / np.random.chisquare(nu)


@kernel
def scaled_inv_chi_square_check(y, nu, s):
    if y != y:
        return 1
    if not _pos_finite(nu):
        return 2
    if not _pos_finite(s):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# exponential
# ---------------------------------------------------------------------------------------

@kernel
def exponential_lpdf(y, beta):
    """Exponential(y | beta) = beta exp(-beta y)  (beta is the rate)."""
    if y < 0.0:
        return NEG_INF
    return math.log(beta) - beta * y


@kernel
def exponential_lpdf_d(y, beta):
    if y < 0.0:
        return NEG_INF, 0.0, 0.0
    return math.log(beta) - beta * y, -beta, 1.0 / beta - y


@kernel
def exponential_dropped(y, beta, a_y, a_beta):
    if not (a_y or a_beta):
        return exponential_lpdf(y, beta)
    if not a_beta:
        return math.log(beta)
    return 0.0


@kernel
def _exponential_cdf(y, beta):
    if y <= 0.0:
        return NEG_INF, 0.0, (0.0, 0.0), (0.0, 0.0)
    if y == INF:
        return 0.0, NEG_INF, (0.0, 0.0), (0.0, 0.0)
    z = beta * y
    return _zfinish(log1m_exp(-z), -z, 1.0 / math.expm1(z), 1.0, (beta, y))


@kernel
def exponential_rng(beta):
    return np.random.exponential(1.0 / beta)


@kernel
def exponential_check(y, beta):
    if not y >= 0.0:
        return 1
    if not _pos_finite(beta):
        return 2
    return 0


# ---------------------------------------------------------------------------------------
# gamma
# ---------------------------------------------------------------------------------------

@kernel
def gamma_lpdf(y, alpha, beta):
    """Gamma(y | alpha, beta) = beta^alpha / Gamma(alpha) y^(alpha - 1) exp(-beta y)
    (beta is the rate)."""
    if y < 0.0:
        return NEG_INF
    return alpha * math.log(beta) - math.lgamma(alpha) + xlogy(alpha - 1.0, y) - beta * y


@kernel
def gamma_lpdf_d(y, alpha, beta):
    if y < 0.0:
        return NEG_INF, 0.0, 0.0, 0.0
    lb = math.log(beta)
    lp = alpha * lb - math.lgamma(alpha) + xlogy(alpha - 1.0, y) - beta * y
    return (lp, (alpha - 1.0) / y - beta, lb + math.log(y) - digamma(alpha),
            alpha / beta - y)


@kernel
def gamma_dropped(y, alpha, beta, a_y, a_alpha, a_beta):
    if not (a_y or a_alpha or a_beta):
        return gamma_lpdf(y, alpha, beta)
    d = 0.0
    if not a_alpha:
        d -= math.lgamma(alpha)
    if not (a_alpha or a_beta):
        d += alpha * math.log(beta)
    if not (a_y or a_alpha):
        d += xlogy(alpha - 1.0, y)
    if not (a_y or a_beta):
        d -= beta * y
    return d


@kernel
def _gamma_cdf(y, alpha, beta):
    if y <= 0.0:
        return NEG_INF, 0.0, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    lp, lq, dpa, dqa, dpx, dqx = log_gamma_pq_d(alpha, beta * y)
    return lp, lq, (dpx * beta, dpa, dpx * y), (dqx * beta, dqa, dqx * y)


@kernel
def gamma_rng(alpha, beta):
    return np.random.gamma(alpha, 1.0 / beta)


@kernel
def gamma_check(y, alpha, beta):
    if not _pos_finite(y):
        return 1
    if not _pos_finite(alpha):
        return 2
    if not _pos_finite(beta):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# inv_gamma
# ---------------------------------------------------------------------------------------

@kernel
def inv_gamma_lpdf(y, alpha, beta):
    """InvGamma(y | alpha, beta) = beta^alpha / Gamma(alpha) y^(-(alpha + 1)) exp(-beta / y)."""
    if y <= 0.0:
        return NEG_INF
    return (alpha * math.log(beta) - math.lgamma(alpha) - (alpha + 1.0) * math.log(y)
            - beta / y)


@kernel
def inv_gamma_lpdf_d(y, alpha, beta):
    if y <= 0.0:
        return NEG_INF, 0.0, 0.0, 0.0
    lb = math.log(beta)
    ly = math.log(y)
    lp = alpha * lb - math.lgamma(alpha) - (alpha + 1.0) * ly - beta / y
    return (lp, -(alpha + 1.0) / y + beta / (y * y), lb - digamma(alpha) - ly,
            alpha / beta - 1.0 / y)


@kernel
def inv_gamma_dropped(y, alpha, beta, a_y, a_alpha, a_beta):
    if not (a_y or a_alpha or a_beta):
        return inv_gamma_lpdf(y, alpha, beta)
    d = 0.0
    if not a_alpha:
        d -= math.lgamma(alpha)
    if not (a_alpha or a_beta):
        d += alpha * math.log(beta)
    if not (a_y or a_alpha):
        d -= (alpha + 1.0) * math.log(y)
    if not (a_y or a_beta):
        d -= beta / y
    return d


@kernel
def _inv_gamma_cdf(y, alpha, beta):
    if y <= 0.0:
        return NEG_INF, 0.0, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    x = beta / y
    lp, lq, dpa, dqa, dpx, dqx = log_gamma_pq_d(alpha, x)
    return lq, lp, (dqx * (-x / y), dqa, dqx / y), (dpx * (-x / y), dpa, dpx / y)


@kernel
def inv_gamma_rng(alpha, beta):
    return beta / np.random.gamma(alpha, 1.0)


@kernel
def inv_gamma_check(y, alpha, beta):
    if y != y:
        return 1
    if not _pos_finite(alpha):
        return 2
    if not _pos_finite(beta):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# weibull
# ---------------------------------------------------------------------------------------

@kernel
def weibull_lpdf(y, alpha, sigma):
    """Weibull(y | alpha, sigma) = alpha / sigma (y / sigma)^(alpha - 1)
    exp(-(y / sigma)^alpha)."""
    if y < 0.0:
        return NEG_INF
    return (math.log(alpha) + xlogy(alpha - 1.0, y) - alpha * math.log(sigma)
            - (y / sigma) ** alpha)


@kernel
def weibull_lpdf_d(y, alpha, sigma):
    if y < 0.0:
        return NEG_INF, 0.0, 0.0, 0.0
    p = (y / sigma) ** alpha
    lp = math.log(alpha) + xlogy(alpha - 1.0, y) - alpha * math.log(sigma) - p
    dy = (alpha * (1.0 - p) - 1.0) / y
    dalpha = 1.0 / alpha + (1.0 - p) * (math.log(y) - math.log(sigma))
    return lp, dy, dalpha, alpha * (p - 1.0) / sigma


@kernel
def weibull_dropped(y, alpha, sigma, a_y, a_alpha, a_sigma):
    if not (a_y or a_alpha or a_sigma):
        return weibull_lpdf(y, alpha, sigma)
    d = 0.0
    if not a_alpha:
        d += math.log(alpha)
    if not (a_y or a_alpha):
        d += xlogy(alpha - 1.0, y)
    if not (a_alpha or a_sigma):
        d -= alpha * math.log(sigma)
    return d


@kernel
def _weibull_cdf(y, alpha, sigma):
    if y <= 0.0:
        return NEG_INF, 0.0, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    if y == INF:
        return 0.0, NEG_INF, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    lr = math.log(y) - math.log(sigma)
    z = math.exp(alpha * lr)
    return _zfinish(log1m_exp(-z), -z, 1.0 / math.expm1(z), 1.0,
                    (alpha * z / y, z * lr, -alpha * z / sigma))


@kernel
def weibull_rng(alpha, sigma):
    return sigma * np.random.weibull(alpha)


@kernel
def weibull_check(y, alpha, sigma):
    if not math.isfinite(y):
        return 1
    if not _pos_finite(alpha):
        return 2
    if not _pos_finite(sigma):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# frechet
# ---------------------------------------------------------------------------------------

@kernel
def frechet_lpdf(y, alpha, sigma):
    """Frechet(y | alpha, sigma) = alpha / sigma (y / sigma)^(-1 - alpha)
    exp(-(y / sigma)^(-alpha))."""
    if y <= 0.0:
        return NEG_INF
    return (math.log(alpha) - (alpha + 1.0) * math.log(y) + alpha * math.log(sigma)
            - (sigma / y) ** alpha)


@kernel
def frechet_lpdf_d(y, alpha, sigma):
    if y <= 0.0:
        return NEG_INF, 0.0, 0.0, 0.0
    p = (sigma / y) ** alpha
    lp = math.log(alpha) - (alpha + 1.0) * math.log(y) + alpha * math.log(sigma) - p
    dy = (alpha * p - (alpha + 1.0)) / y
    dalpha = 1.0 / alpha + (1.0 - p) * (math.log(sigma) - math.log(y))
    return lp, dy, dalpha, alpha * (1.0 - p) / sigma


@kernel
def frechet_dropped(y, alpha, sigma, a_y, a_alpha, a_sigma):
    if not (a_y or a_alpha or a_sigma):
        return frechet_lpdf(y, alpha, sigma)
    d = 0.0
    if not a_alpha:
        d += math.log(alpha)
    if not (a_y or a_alpha):
        d -= (alpha + 1.0) * math.log(y)
    if not (a_alpha or a_sigma):
        d += alpha * math.log(sigma)
    return d


@kernel
def _frechet_cdf(y, alpha, sigma):
    if y <= 0.0:
        return NEG_INF, 0.0, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    if y == INF:
        return 0.0, NEG_INF, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    # F = exp(w), w = -(sigma / y)^alpha
    lr = math.log(sigma) - math.log(y)
    z = math.exp(alpha * lr)
    w = -z
    return _zfinish(w, log1m_exp(w), 1.0, 1.0 / math.expm1(z),
                    (alpha * z / y, -z * lr, -alpha * z / sigma))


@kernel
def frechet_rng(alpha, sigma):
    return sigma / np.random.weibull(alpha)


@kernel
def frechet_check(y, alpha, sigma):
    if not y > 0.0:
        return 1
    if not _pos_finite(alpha):
        return 2
    if not _pos_finite(sigma):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# rayleigh
# ---------------------------------------------------------------------------------------

@kernel
def rayleigh_lpdf(y, sigma):
    """Rayleigh(y | sigma) = y / sigma^2 exp(-y^2 / (2 sigma^2))."""
    if y < 0.0:
        return NEG_INF
    r = y / sigma
    return math.log(y) - 2.0 * math.log(sigma) - 0.5 * r * r


@kernel
def rayleigh_lpdf_d(y, sigma):
    if y < 0.0:
        return NEG_INF, 0.0, 0.0
    r = y / sigma
    lp = math.log(y) - 2.0 * math.log(sigma) - 0.5 * r * r
    return lp, 1.0 / y - r / sigma, (r * r - 2.0) / sigma


@kernel
def rayleigh_dropped(y, sigma, a_y, a_sigma):
    if not (a_y or a_sigma):
        return rayleigh_lpdf(y, sigma)
    d = 0.0
    if not a_sigma:
        d -= 2.0 * math.log(sigma)
    if not a_y:
        d += math.log(y)
    return d


@kernel
def _rayleigh_cdf(y, sigma):
    if y <= 0.0:
        return NEG_INF, 0.0, (0.0, 0.0), (0.0, 0.0)
    if y == INF:
        return 0.0, NEG_INF, (0.0, 0.0), (0.0, 0.0)
    z = 0.5 * (y / sigma) ** 2
    return _zfinish(log1m_exp(-z), -z, 1.0 / math.expm1(z), 1.0,
                    (y / (sigma * sigma), -2.0 * z / sigma))


@kernel
def rayleigh_rng(sigma):
    return np.random.rayleigh(sigma)


@kernel
def rayleigh_check(y, sigma):
    if not sigma > 0.0:
        return 2
    if not y > 0.0:
        return 1
    return 0


# ---------------------------------------------------------------------------------------
# pareto
# ---------------------------------------------------------------------------------------

@kernel
def pareto_lpdf(y, y_min, alpha):
    """Pareto(y | y_min, alpha) = alpha y_min^alpha / y^(alpha + 1) for y >= y_min."""
    if y < y_min:
        return NEG_INF
    return math.log(alpha) + alpha * math.log(y_min) - (alpha + 1.0) * math.log(y)


@kernel
def pareto_lpdf_d(y, y_min, alpha):
    if y < y_min:
        return NEG_INF, 0.0, 0.0, 0.0
    ly = math.log(y)
    lm = math.log(y_min)
    lp = math.log(alpha) + alpha * lm - (alpha + 1.0) * ly
    return lp, -(alpha + 1.0) / y, alpha / y_min, 1.0 / alpha + lm - ly


@kernel
def pareto_dropped(y, y_min, alpha, a_y, a_y_min, a_alpha):
    if not (a_y or a_y_min or a_alpha):
        return pareto_lpdf(y, y_min, alpha)
    d = 0.0
    if not a_alpha:
        d += math.log(alpha)
    if not (a_y or a_alpha):
        d -= (alpha + 1.0) * math.log(y)
    if not (a_y_min or a_alpha):
        d += alpha * math.log(y_min)
    return d


@kernel
def _pareto_cdf(y, y_min, alpha):
    if y <= y_min:
        return NEG_INF, 0.0, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    if y == INF:
        return 0.0, NEG_INF, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    lr = math.log(y) - math.log(y_min)
    z = alpha * lr
    return _zfinish(log1m_exp(-z), -z, 1.0 / math.expm1(z), 1.0, (alpha / y, -alpha / y_min, lr))


@kernel
def pareto_rng(y_min, alpha):
    return y_min * (1.0 + np.random.pareto(alpha))


@kernel
def pareto_check(y, y_min, alpha):
    if y != y:
        return 1
    if not _pos_finite(y_min):
        return 2
    if not _pos_finite(alpha):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# pareto_type_2
# ---------------------------------------------------------------------------------------

@kernel
def pareto_type_2_lpdf(y, mu, lam, alpha):
    """ParetoType2(y | mu, lambda, alpha) = alpha / lambda (1 + (y - mu) / lambda)^(-(alpha + 1))
    for y >= mu."""
    if y < mu:
        return NEG_INF
    return math.log(alpha) - math.log(lam) - (alpha + 1.0) * math.log1p((y - mu) / lam)


@kernel
def pareto_type_2_lpdf_d(y, mu, lam, alpha):
    if y < mu:
        return NEG_INF, 0.0, 0.0, 0.0, 0.0
    l1p = math.log1p((y - mu) / lam)
    lp = math.log(alpha) - math.log(lam) - (alpha + 1.0) * l1p
    s = lam + y - mu
    dy = -(alpha + 1.0) / s
    dlam = -1.0 / lam + (alpha + 1.0) * (y - mu) / (lam * s)
    return lp, dy, -dy, dlam, 1.0 / alpha - l1p


@kernel
def pareto_type_2_dropped(y, mu, lam, alpha, a_y, a_mu, a_lam, a_alpha):
    if not (a_y or a_mu or a_lam or a_alpha):
        return pareto_type_2_lpdf(y, mu, lam, alpha)
    d = 0.0
    if not a_alpha:
        d += math.log(alpha)
    if not a_lam:
        d -= math.log(lam)
    return d


@kernel
def _pareto_type_2_cdf(y, mu, lam, alpha):
    zero = (0.0, 0.0, 0.0, 0.0)
    if y <= mu:
        return NEG_INF, 0.0, zero, zero
    if y == INF:
        return 0.0, NEG_INF, zero, zero
    l1p = math.log1p((y - mu) / lam)
    z = alpha * l1p
    s = lam + y - mu
    gz = (alpha / s, -alpha / s, -alpha * (y - mu) / (lam * s), l1p)
    return _zfinish(log1m_exp(-z), -z, 1.0 / math.expm1(z), 1.0, gz)


@kernel
def pareto_type_2_rng(mu, lam, alpha):
    return mu + lam * np.random.pareto(alpha)


@kernel
def pareto_type_2_check(y, mu, lam, alpha):
    if not y >= mu:
        return 1
    if not _pos_finite(lam):
        return 3
    if not _pos_finite(alpha):
        return 4
    return 0


# ---------------------------------------------------------------------------------------
# beta
# ---------------------------------------------------------------------------------------

@kernel
def beta_lpdf(y, alpha, beta):
    """Beta(y | alpha, beta) = y^(alpha - 1) (1 - y)^(beta - 1) / B(alpha, beta), 0 <= y <= 1."""
    if y < 0.0 or y > 1.0:
        return NEG_INF
    return xlogy(alpha - 1.0, y) + xlog1py(beta - 1.0, -y) - lbeta(alpha, beta)


@kernel
def beta_lpdf_d(y, alpha, beta):
    if y < 0.0 or y > 1.0:
        return NEG_INF, 0.0, 0.0, 0.0
    lp = xlogy(alpha - 1.0, y) + xlog1py(beta - 1.0, -y) - lbeta(alpha, beta)
    dab = digamma(alpha + beta)
    return (lp, (alpha - 1.0) / y - (beta - 1.0) / (1.0 - y),
            math.log(y) + dab - digamma(alpha), math.log1p(-y) + dab - digamma(beta))


@kernel
def beta_dropped(y, alpha, beta, a_y, a_alpha, a_beta):
    if not (a_y or a_alpha or a_beta):
        return beta_lpdf(y, alpha, beta)
    d = 0.0
    if not a_alpha:
        d -= math.lgamma(alpha)
    if not a_beta:
        d -= math.lgamma(beta)
    if not (a_y or a_alpha):
        d += xlogy(alpha - 1.0, y)
    if not (a_y or a_beta):
        d += xlog1py(beta - 1.0, -y)
    if not (a_alpha or a_beta):
        d += math.lgamma(alpha + beta)
    return d


@kernel
def _beta_cdf(y, alpha, beta):
    zero = (0.0, 0.0, 0.0)
    if y <= 0.0:
        return NEG_INF, 0.0, zero, zero
    if y >= 1.0:
        return 0.0, NEG_INF, zero, zero
    li, lj, dia, dib, dja, djb, dix, djx = log_inc_beta_d(alpha, beta, y, 1.0 - y, True)
    return li, lj, (dix, dia, dib), (djx, dja, djb)


@kernel
def beta_rng(alpha, beta):
    return np.random.beta(alpha, beta)


@kernel
def beta_check(y, alpha, beta):
    if not _pos_finite(alpha):
        return 2
    if not _pos_finite(beta):
        return 3
    if not (y >= 0.0 and y <= 1.0):
        return 1
    return 0


# ---------------------------------------------------------------------------------------
# beta_proportion
# ---------------------------------------------------------------------------------------

@kernel
def beta_proportion_lpdf(y, mu, kappa):
    """BetaProportion(y | mu, kappa) = Beta(y | mu kappa, (1 - mu) kappa)."""
    if y < 0.0 or y > 1.0:
        return NEG_INF
    a = mu * kappa
    b = kappa - a
    return xlogy(a - 1.0, y) + xlog1py(b - 1.0, -y) - lbeta(a, b)


@kernel
def beta_proportion_lpdf_d(y, mu, kappa):
    if y < 0.0 or y > 1.0:
        return NEG_INF, 0.0, 0.0, 0.0
    a = mu * kappa
    b = kappa - a
    lp = xlogy(a - 1.0, y) + xlog1py(b - 1.0, -y) - lbeta(a, b)
    ly = math.log(y)
    l1y = math.log1p(-y)
    da = digamma(a)
    db = digamma(b)
    dy = (a - 1.0) / y - (b - 1.0) / (1.0 - y)
    dmu = kappa * (db - da + ly - l1y)
    dkappa = digamma(kappa) + mu * (ly - da) + (1.0 - mu) * (l1y - db)
    return lp, dy, dmu, dkappa


@kernel
def beta_proportion_dropped(y, mu, kappa, a_y, a_mu, a_kappa):
    if not (a_y or a_mu or a_kappa):
        return beta_proportion_lpdf(y, mu, kappa)
    d = 0.0
    if not a_kappa:
        d += math.lgamma(kappa)
    if not (a_mu or a_kappa):
        a = mu * kappa
        d -= math.lgamma(a) + math.lgamma(kappa - a)
    return d


@kernel
def _beta_proportion_cdf(y, mu, kappa):
    zero = (0.0, 0.0, 0.0)
    if y <= 0.0:
        return NEG_INF, 0.0, zero, zero
    if y >= 1.0:
        return 0.0, NEG_INF, zero, zero
    a = mu * kappa
    b = kappa - a
    li, lj, dia, dib, dja, djb, dix, djx = log_inc_beta_d(a, b, y, 1.0 - y, True)
    gF = (dix, kappa * (dia - dib), mu * dia + (1.0 - mu) * dib)
    gS = (djx, kappa * (dja - djb), mu * dja + (1.0 - mu) * djb)
    return li, lj, gF, gS


@kernel
def beta_proportion_rng(mu, kappa):
    return np.random.beta(mu * kappa, (1.0 - mu) * kappa)


@kernel
def beta_proportion_check(y, mu, kappa):
    if not (mu > 0.0 and mu < 1.0):
        return 2
    if not _pos_finite(kappa):
        return 3
    if not (y >= 0.0 and y <= 1.0):
        return 1
    return 0


# ---------------------------------------------------------------------------------------
# von_mises
# ---------------------------------------------------------------------------------------

@kernel
def von_mises_lpdf(y, mu, kappa):
    """VonMises(y | mu, kappa) = exp(kappa cos(mu - y)) / (2 pi I0(kappa))."""
    return kappa * math.cos(mu - y) - LOG_2PI - log_bessel_i0_ratio(kappa)[0]


@kernel
def von_mises_lpdf_d(y, mu, kappa):
    li0, ratio = log_bessel_i0_ratio(kappa)
    c = math.cos(mu - y)
    g = kappa * math.sin(y - mu)
    return kappa * c - LOG_2PI - li0, -g, g, c - ratio


@kernel
def von_mises_dropped(y, mu, kappa, a_y, a_mu, a_kappa):
    if not (a_y or a_mu or a_kappa):
        return von_mises_lpdf(y, mu, kappa)
    d = -LOG_2PI
    if not a_kappa:
        d -= log_bessel_i0_ratio(kappa)[0]
    return d


@kernel
def _von_mises_series(x, k):
    """Stan's (and scipy's) series for the centred von Mises cdf, k < 50.

    Returns (value, d/dx, d/dk) (forward-mode derivatives of the recurrence)."""
    p = int(28.0 + 0.5 * k - 100.0 / (k + 5.0) + 1.0)
    s = math.sin(x)
    c = math.cos(x)
    sn = math.sin(p * x)
    cn = math.cos(p * x)
    dsn = p * cn
    dcn = -p * sn
    R = 0.0
    dR = 0.0
    V = 0.0
    dVx = 0.0
    dVk = 0.0
    for n in range(1, p):
        sn_new = sn * c - cn * s
        cn_new = cn * c + sn * s
        dsn_new = dsn * c - sn * s - dcn * s - cn * c
        dcn_new = dcn * c - cn * s + dsn * s + sn * c
        sn = sn_new
        cn = cn_new
        dsn = dsn_new
        dcn = dcn_new
        pn = float(p - n)
        den = 2.0 * pn / k + R
        R_new = 1.0 / den
        dR = -(-2.0 * pn / (k * k) + dR) * R_new * R_new
        R = R_new
        inner = sn / pn + V
        dVk = dR * inner + R * dVk
        dVx = R * (dsn / pn + dVx)
        V = R * inner
    return 0.5 + x / (2.0 * PI) + V / PI, 1.0 / (2.0 * PI) + dVx / PI, dVk / PI


@kernel
def _von_mises_normal_approx(x, k):
    """Normal approximation of the centred von Mises cdf for k >= 50 (as Stan):
    Phi(b sin(x / 2)), b = sqrt(2 / pi) exp(k) / I0(k).  Returns (value, d/dx, d/dk)."""
    li0, ratio = log_bessel_i0_ratio(k)
    b = math.sqrt(2.0 / PI) * math.exp(k - li0)
    z = b * math.sin(0.5 * x)
    dens = math.exp(log_phi(z))
    return 0.5 * math.erfc(-z / math.sqrt(2.0)), dens * b * 0.5 * math.cos(0.5 * x), \
        dens * z * (1.0 - ratio)


@kernel
def _von_mises_centered(x, k):
    if k < 49.0:
        f, fx, fk = _von_mises_series(x, k)
        # Stan clips the series to [0, 1]; the derivatives are those of the series
        return min(max(f, 0.0), 1.0), fx, fk
    if k < 50.0:
        f1, f1x, _ = _von_mises_series(x, 49.0)
        f2, f2x, _ = _von_mises_normal_approx(x, 50.0)
        return ((50.0 - k) * f1 + (k - 49.0) * f2, (50.0 - k) * f1x + (k - 49.0) * f2x,
                f2 - f1)
    return _von_mises_normal_approx(x, k)


@kernel
def _von_mises_cdf(y, mu, kappa):
    """Stan's von_mises_cdf: the integral of the density from -pi to y (y in [-pi, pi])."""
    zero = (0.0, 0.0, 0.0)
    if y <= -PI:
        return NEG_INF, 0.0, zero, zero
    if y >= PI:
        return 0.0, NEG_INF, zero, zero
    two_pi = 2.0 * PI
    x2 = y - mu + PI
    x2 = x2 - math.floor(x2 / two_pi) * two_pi - PI
    mu2 = mu + PI
    mu2 = mu2 - math.floor(mu2 / two_pi) * two_pi - PI
    if mu2 < 0.0:
        cut = mu2 + PI
        bound = -PI - mu2
    else:
        cut = mu2 - PI
        bound = PI - mu2
    fx, fxx, fxk = _von_mises_centered(x2, kappa)
    if y > cut:
        # F = C(x2) + 1 - C(bound) = C(x2) + C(-bound) (C is symmetric), no cancellation
        fb, fbx, fbk = _von_mises_centered(-bound, kappa)
        F = fx + fb
        dk = fxk + fbk
    else:
        fb, fbx, fbk = _von_mises_centered(bound, kappa)
        F = fx - fb
        dk = fxk - fbk
    dy = fxx
    dmu = -fxx + fbx
    if F <= 0.0:
        return NEG_INF, 0.0, zero, zero
    if F >= 1.0:
        return 0.0, NEG_INF, zero, zero
    S = 1.0 - F
    return math.log(F), math.log(S), (dy / F, dmu / F, dk / F), (-dy / S, -dmu / S, -dk / S)


@kernel
def von_mises_rng(mu, kappa):
    two_pi = 2.0 * PI
    m = mu - math.floor(mu / two_pi) * two_pi
    v = np.random.vonmises(0.0, kappa)
    v = v + PI - math.floor((v + PI) / two_pi) * two_pi - PI  # into [-pi, pi)
    return m + v


@kernel
def von_mises_check(y, mu, kappa):
    if not math.isfinite(y):
        return 1
    if not math.isfinite(mu):
        return 2
    if not (kappa >= 0.0 and kappa < INF):
        return 3
    return 0


@kernel
def von_mises_cdf_check(y, mu, kappa):
    if not (y >= -PI and y <= PI):
        return 1
    if not math.isfinite(mu):
        return 2
    if not kappa > 0.0:
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# uniform
# ---------------------------------------------------------------------------------------

@kernel
def uniform_lpdf(y, alpha, beta):
    """Uniform(y | alpha, beta) = 1 / (beta - alpha) for alpha <= y <= beta."""
    if y < alpha or y > beta:
        return NEG_INF
    return -math.log(beta - alpha)


@kernel
def uniform_lpdf_d(y, alpha, beta):
    if y < alpha or y > beta:
        return NEG_INF, 0.0, 0.0, 0.0
    r = 1.0 / (beta - alpha)
    return math.log(r), 0.0, r, -r


@kernel
def uniform_dropped(y, alpha, beta, a_y, a_alpha, a_beta):
    if not (a_y or a_alpha or a_beta):
        return uniform_lpdf(y, alpha, beta)
    if not (a_alpha or a_beta):
        return -math.log(beta - alpha)
    return 0.0


@kernel
def _uniform_cdf(y, alpha, beta):
    zero = (0.0, 0.0, 0.0)
    if y <= alpha:
        return NEG_INF, 0.0, zero, zero
    if y >= beta:
        return 0.0, NEG_INF, zero, zero
    w = beta - alpha
    lF = math.log((y - alpha) / w)
    lS = math.log((beta - y) / w)
    gF = (1.0 / (y - alpha), 1.0 / w - 1.0 / (y - alpha), -1.0 / w)
    gS = (-1.0 / (beta - y), 1.0 / w, 1.0 / (beta - y) - 1.0 / w)
    return lF, lS, gF, gS


@kernel
def uniform_rng(alpha, beta):
    return np.random.uniform(alpha, beta)


@kernel
def uniform_check(y, alpha, beta):
    if y != y:
        return 1
    if not math.isfinite(alpha):
        return 2
    if not math.isfinite(beta):
        return 3
    if not beta > alpha:
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# exp_mod_normal
# ---------------------------------------------------------------------------------------

@kernel
def exp_mod_normal_lpdf(y, mu, sigma, lam):
    """ExpModNormal(y | mu, sigma, lambda) = lambda / 2 exp(lambda / 2 (2 mu + lambda sigma^2
    - 2 y)) erfc((mu + lambda sigma^2 - y) / (sqrt 2 sigma))."""
    w = (y - mu) / sigma - lam * sigma
    return math.log(lam) + lam * (mu - y) + 0.5 * (lam * sigma) ** 2 + log_Phi(w)


@kernel
def exp_mod_normal_lpdf_d(y, mu, sigma, lam):
    w = (y - mu) / sigma - lam * sigma
    lp = math.log(lam) + lam * (mu - y) + 0.5 * (lam * sigma) ** 2 + log_Phi(w)
    m = dlog_Phi(w)
    dy = -lam + m / sigma
    dsigma = lam * lam * sigma - m * ((y - mu) / (sigma * sigma) + lam)
    dlam = 1.0 / lam + mu - y + lam * sigma * sigma - m * sigma
    return lp, dy, -dy, dsigma, dlam


@kernel
def exp_mod_normal_dropped(y, mu, sigma, lam, a_y, a_mu, a_sigma, a_lam):
    if not (a_y or a_mu or a_sigma or a_lam):
        return exp_mod_normal_lpdf(y, mu, sigma, lam)
    d = -LOG_2
    if not a_lam:
        d += math.log(lam)
    return d


@kernel
def _exp_mod_normal_cdf(y, mu, sigma, lam):
    zero = (0.0, 0.0, 0.0, 0.0)
    if y == NEG_INF:
        return NEG_INF, 0.0, zero, zero
    if y == INF:
        return 0.0, NEG_INF, zero, zero
    u = (y - mu) / sigma
    v = lam * sigma
    # F = Phi(u) - E, 1 - F = Phi(-u) + E, E = exp(-lam (y - mu) + v^2 / 2) Phi(u - v)
    log_e = -lam * (y - mu) + 0.5 * v * v + log_Phi(u - v)
    lF = log_diff_exp(log_Phi(u), min(log_e, log_Phi(u)))
    lS = log_sum_exp(log_Phi(-u), log_e)
    lphi = log_phi(u)
    # dF/dy = lam E, dF/dsigma = lam (phi(u) - v E), dF/dlam = sigma ((u - v) E + phi(u))
    eF = math.exp(log_e - lF)
    pF = math.exp(lphi - lF)
    eS = math.exp(log_e - lS)
    pS = math.exp(lphi - lS)
    gF = (lam * eF, -lam * eF, lam * (pF - v * eF), sigma * ((u - v) * eF + pF))
    gS = (-lam * eS, lam * eS, -lam * (pS - v * eS), -sigma * ((u - v) * eS + pS))
    return lF, lS, gF, gS


@kernel
def exp_mod_normal_rng(mu, sigma, lam):
    return np.random.normal(mu, sigma) + np.random.exponential(1.0 / lam)


@kernel
def exp_mod_normal_check(y, mu, sigma, lam):
    if y != y:
        return 1
    if not math.isfinite(mu):
        return 2
    if not _pos_finite(sigma):
        return 3
    if not _pos_finite(lam):
        return 4
    return 0


# ---------------------------------------------------------------------------------------
# loglogistic
# ---------------------------------------------------------------------------------------

@kernel
def loglogistic_lpdf(y, alpha, beta):
    """LogLogistic(y | alpha, beta) = (beta / alpha) (y / alpha)^(beta - 1)
    / (1 + (y / alpha)^beta)^2  (alpha is the scale, beta the shape)."""
    if y <= 0.0:
        return NEG_INF
    lr = math.log(y) - math.log(alpha)
    return math.log(beta) - math.log(alpha) + (beta - 1.0) * lr - 2.0 * log1p_exp(beta * lr)


@kernel
def loglogistic_lpdf_d(y, alpha, beta):
    if y <= 0.0:
        return NEG_INF, 0.0, 0.0, 0.0
    lr = math.log(y) - math.log(alpha)
    z = beta * lr
    lp = math.log(beta) - math.log(alpha) + (beta - 1.0) * lr - 2.0 * log1p_exp(z)
    s = inv_logit(z)
    dy = (beta - 1.0 - 2.0 * beta * s) / y
    dalpha = beta * (2.0 * s - 1.0) / alpha
    dbeta = 1.0 / beta + (1.0 - 2.0 * s) * lr
    return lp, dy, dalpha, dbeta


@kernel
def loglogistic_dropped(y, alpha, beta, a_y, a_alpha, a_beta):
    if not (a_y or a_alpha or a_beta):
        return loglogistic_lpdf(y, alpha, beta)
    if not (a_alpha or a_beta):
        return math.log(beta) - beta * math.log(alpha)
    return 0.0


@kernel
def _loglogistic_cdf(y, alpha, beta):
    zero = (0.0, 0.0, 0.0)
    if y <= 0.0:
        return NEG_INF, 0.0, zero, zero
    if y == INF:
        return 0.0, NEG_INF, zero, zero
    lr = math.log(y) - math.log(alpha)
    z = beta * lr
    return _zfinish(log_inv_logit(z), log_inv_logit(-z), inv_logit(-z), inv_logit(z),
                    (beta / y, -beta / alpha, lr))


@kernel
def loglogistic_rng(alpha, beta):
    u = np.random.random()
    return alpha * (u / (1.0 - u)) ** (1.0 / beta)


@kernel
def loglogistic_check(y, alpha, beta):
    if not _pos_finite(y):
        return 1
    if not _pos_finite(alpha):
        return 2
    if not _pos_finite(beta):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# skew_double_exponential
# ---------------------------------------------------------------------------------------

@kernel
def skew_double_exponential_lpdf(y, mu, sigma, tau):
    """SkewDoubleExponential(y | mu, sigma, tau) = 2 tau (1 - tau) / sigma
    exp(-2 / sigma [(1 - tau) (mu - y) if y < mu else tau (y - mu)])."""
    if y < mu:
        expo = (1.0 - tau) * (mu - y) / sigma
    else:
        expo = tau * (y - mu) / sigma
    return LOG_2 + math.log(tau) + math.log1p(-tau) - math.log(sigma) - 2.0 * expo


@kernel
def skew_double_exponential_lpdf_d(y, mu, sigma, tau):
    if y < mu:
        expo = (1.0 - tau) * (mu - y) / sigma
        dy = 2.0 * (1.0 - tau) / sigma
        dtau_e = 2.0 * (mu - y) / sigma
    else:
        expo = tau * (y - mu) / sigma
        dy = -2.0 * tau / sigma
        dtau_e = -2.0 * (y - mu) / sigma
    lp = LOG_2 + math.log(tau) + math.log1p(-tau) - math.log(sigma) - 2.0 * expo
    dsigma = (2.0 * expo - 1.0) / sigma
    dtau = 1.0 / tau - 1.0 / (1.0 - tau) + dtau_e
    return lp, dy, -dy, dsigma, dtau


@kernel
def skew_double_exponential_dropped(y, mu, sigma, tau, a_y, a_mu, a_sigma, a_tau):
    if not (a_y or a_mu or a_sigma or a_tau):
        return skew_double_exponential_lpdf(y, mu, sigma, tau)
    d = LOG_2
    if not a_sigma:
        d -= math.log(sigma)
    if not a_tau:
        d += math.log(tau) + math.log1p(-tau)
    return d


@kernel
def _skew_double_exponential_cdf(y, mu, sigma, tau):
    zero = (0.0, 0.0, 0.0, 0.0)
    if y == NEG_INF:
        return NEG_INF, 0.0, zero, zero
    if y == INF:
        return 0.0, NEG_INF, zero, zero
    if y < mu:
        # F = tau exp(-2 (1 - tau) (mu - y) / sigma)
        lF = math.log(tau) - 2.0 * (1.0 - tau) * (mu - y) / sigma
        lS = log1m_exp(lF)
        g = 2.0 * (1.0 - tau) / sigma
        gF = (g, -g, g * (mu - y) / sigma, 1.0 / tau + 2.0 * (mu - y) / sigma)
        r = -math.exp(lF - lS)
        return lF, lS, gF, tscale(gF, r)
    # 1 - F = (1 - tau) exp(-2 tau (y - mu) / sigma)
    lS = math.log1p(-tau) - 2.0 * tau * (y - mu) / sigma
    lF = log1m_exp(lS)
    g = 2.0 * tau / sigma
    gS = (-g, g, g * (y - mu) / sigma, -1.0 / (1.0 - tau) - 2.0 * (y - mu) / sigma)
    r = -math.exp(lS - lF)
    return lF, lS, tscale(gS, r), gS


@kernel
def skew_double_exponential_rng(mu, sigma, tau):
    u = np.random.random()
    if u < tau:
        return mu + sigma / (2.0 * (1.0 - tau)) * math.log(u / tau)
    return mu - sigma / (2.0 * tau) * math.log((1.0 - u) / (1.0 - tau))


@kernel
def skew_double_exponential_check(y, mu, sigma, tau):
    if y != y:
        return 1
    if not math.isfinite(mu):
        return 2
    if not _pos_finite(sigma):
        return 3
    if not (tau >= 0.0 and tau <= 1.0):
        return 4
    return 0


# ---------------------------------------------------------------------------------------
# cdf / lcdf / lccdf and their `_d` variants, all from the `_F_cdf` cores above
# ---------------------------------------------------------------------------------------


@kernel
def normal_cdf(y, mu, sigma):
    return math.exp(_normal_cdf(y, mu, sigma)[0])


@kernel
def normal_cdf_d(y, mu, sigma):
    return _cdf_d_from(_normal_cdf(y, mu, sigma))


@kernel
def normal_lcdf(y, mu, sigma):
    return _normal_cdf(y, mu, sigma)[0]


@kernel
def normal_lcdf_d(y, mu, sigma):
    return _lcdf_d_from(_normal_cdf(y, mu, sigma))


@kernel
def normal_lccdf(y, mu, sigma):
    return _normal_cdf(y, mu, sigma)[1]


@kernel
def normal_lccdf_d(y, mu, sigma):
    return _lccdf_d_from(_normal_cdf(y, mu, sigma))


@kernel
def std_normal_cdf(y):
    return math.exp(_std_normal_cdf(y)[0])


@kernel
def std_normal_cdf_d(y):
    return _cdf_d_from(_std_normal_cdf(y))


@kernel
def std_normal_lcdf(y):
    return _std_normal_cdf(y)[0]


@kernel
def std_normal_lcdf_d(y):
    return _lcdf_d_from(_std_normal_cdf(y))


@kernel
def std_normal_lccdf(y):
    return _std_normal_cdf(y)[1]


@kernel
def std_normal_lccdf_d(y):
    return _lccdf_d_from(_std_normal_cdf(y))


@kernel
def cauchy_cdf(y, mu, sigma):
    return math.exp(_cauchy_cdf(y, mu, sigma)[0])


@kernel
def cauchy_cdf_d(y, mu, sigma):
    return _cdf_d_from(_cauchy_cdf(y, mu, sigma))


@kernel
def cauchy_lcdf(y, mu, sigma):
    return _cauchy_cdf(y, mu, sigma)[0]


@kernel
def cauchy_lcdf_d(y, mu, sigma):
    return _lcdf_d_from(_cauchy_cdf(y, mu, sigma))


@kernel
def cauchy_lccdf(y, mu, sigma):
    return _cauchy_cdf(y, mu, sigma)[1]


@kernel
def cauchy_lccdf_d(y, mu, sigma):
    return _lccdf_d_from(_cauchy_cdf(y, mu, sigma))


@kernel
def student_t_cdf(y, nu, mu, sigma):
    return math.exp(_student_t_cdf(y, nu, mu, sigma)[0])


@kernel
def student_t_cdf_d(y, nu, mu, sigma):
    return _cdf_d_from(_student_t_cdf(y, nu, mu, sigma))


@kernel
def student_t_lcdf(y, nu, mu, sigma):
    return _student_t_cdf(y, nu, mu, sigma)[0]


@kernel
def student_t_lcdf_d(y, nu, mu, sigma):
    return _lcdf_d_from(_student_t_cdf(y, nu, mu, sigma))


@kernel
def student_t_lccdf(y, nu, mu, sigma):
    return _student_t_cdf(y, nu, mu, sigma)[1]


@kernel
def student_t_lccdf_d(y, nu, mu, sigma):
    return _lccdf_d_from(_student_t_cdf(y, nu, mu, sigma))


@kernel
def double_exponential_cdf(y, mu, sigma):
    return math.exp(_double_exponential_cdf(y, mu, sigma)[0])


@kernel
def double_exponential_cdf_d(y, mu, sigma):
    return _cdf_d_from(_double_exponential_cdf(y, mu, sigma))


@kernel
def double_exponential_lcdf(y, mu, sigma):
    return _double_exponential_cdf(y, mu, sigma)[0]


@kernel
def double_exponential_lcdf_d(y, mu, sigma):
    return _lcdf_d_from(_double_exponential_cdf(y, mu, sigma))


@kernel
def double_exponential_lccdf(y, mu, sigma):
    return _double_exponential_cdf(y, mu, sigma)[1]


@kernel
def double_exponential_lccdf_d(y, mu, sigma):
    return _lccdf_d_from(_double_exponential_cdf(y, mu, sigma))


@kernel
def logistic_cdf(y, mu, sigma):
    return math.exp(_logistic_cdf(y, mu, sigma)[0])


@kernel
def logistic_cdf_d(y, mu, sigma):
    return _cdf_d_from(_logistic_cdf(y, mu, sigma))


@kernel
def logistic_lcdf(y, mu, sigma):
    return _logistic_cdf(y, mu, sigma)[0]


@kernel
def logistic_lcdf_d(y, mu, sigma):
    return _lcdf_d_from(_logistic_cdf(y, mu, sigma))


@kernel
def logistic_lccdf(y, mu, sigma):
    return _logistic_cdf(y, mu, sigma)[1]


@kernel
def logistic_lccdf_d(y, mu, sigma):
    return _lccdf_d_from(_logistic_cdf(y, mu, sigma))


@kernel
def gumbel_cdf(y, mu, beta):
    return math.exp(_gumbel_cdf(y, mu, beta)[0])


@kernel
def gumbel_cdf_d(y, mu, beta):
    return _cdf_d_from(_gumbel_cdf(y, mu, beta))


@kernel
def gumbel_lcdf(y, mu, beta):
    return _gumbel_cdf(y, mu, beta)[0]


@kernel
def gumbel_lcdf_d(y, mu, beta):
    return _lcdf_d_from(_gumbel_cdf(y, mu, beta))


@kernel
def gumbel_lccdf(y, mu, beta):
    return _gumbel_cdf(y, mu, beta)[1]


@kernel
def gumbel_lccdf_d(y, mu, beta):
    return _lccdf_d_from(_gumbel_cdf(y, mu, beta))


@kernel
def skew_normal_cdf(y, xi, omega, alpha):
    return math.exp(_skew_normal_cdf(y, xi, omega, alpha)[0])


@kernel
def skew_normal_cdf_d(y, xi, omega, alpha):
    return _cdf_d_from(_skew_normal_cdf(y, xi, omega, alpha))


@kernel
def skew_normal_lcdf(y, xi, omega, alpha):
    return _skew_normal_cdf(y, xi, omega, alpha)[0]


@kernel
def skew_normal_lcdf_d(y, xi, omega, alpha):
    return _lcdf_d_from(_skew_normal_cdf(y, xi, omega, alpha))


@kernel
def skew_normal_lccdf(y, xi, omega, alpha):
    return _skew_normal_cdf(y, xi, omega, alpha)[1]


@kernel
def skew_normal_lccdf_d(y, xi, omega, alpha):
    return _lccdf_d_from(_skew_normal_cdf(y, xi, omega, alpha))


@kernel
def lognormal_cdf(y, mu, sigma):
    return math.exp(_lognormal_cdf(y, mu, sigma)[0])


@kernel
def lognormal_cdf_d(y, mu, sigma):
    return _cdf_d_from(_lognormal_cdf(y, mu, sigma))


@kernel
def lognormal_lcdf(y, mu, sigma):
    return _lognormal_cdf(y, mu, sigma)[0]


@kernel
def lognormal_lcdf_d(y, mu, sigma):
    return _lcdf_d_from(_lognormal_cdf(y, mu, sigma))


@kernel
def lognormal_lccdf(y, mu, sigma):
    return _lognormal_cdf(y, mu, sigma)[1]


@kernel
def lognormal_lccdf_d(y, mu, sigma):
    return _lccdf_d_from(_lognormal_cdf(y, mu, sigma))


@kernel
def chi_square_cdf(y, nu):
    return math.exp(_chi_square_cdf(y, nu)[0])


@kernel
def chi_square_cdf_d(y, nu):
    return _cdf_d_from(_chi_square_cdf(y, nu))


@kernel
def chi_square_lcdf(y, nu):
    return _chi_square_cdf(y, nu)[0]


@kernel
def chi_square_lcdf_d(y, nu):
    return _lcdf_d_from(_chi_square_cdf(y, nu))


@kernel
def chi_square_lccdf(y, nu):
    return _chi_square_cdf(y, nu)[1]


@kernel
def chi_square_lccdf_d(y, nu):
    return _lccdf_d_from(_chi_square_cdf(y, nu))


@kernel
def inv_chi_square_cdf(y, nu):
    return math.exp(_inv_chi_square_cdf(y, nu)[0])


@kernel
def inv_chi_square_cdf_d(y, nu):
    return _cdf_d_from(_inv_chi_square_cdf(y, nu))


@kernel
def inv_chi_square_lcdf(y, nu):
    return _inv_chi_square_cdf(y, nu)[0]


@kernel
def inv_chi_square_lcdf_d(y, nu):
    return _lcdf_d_from(_inv_chi_square_cdf(y, nu))


@kernel
def inv_chi_square_lccdf(y, nu):
    return _inv_chi_square_cdf(y, nu)[1]


@kernel
def inv_chi_square_lccdf_d(y, nu):
    return _lccdf_d_from(_inv_chi_square_cdf(y, nu))


@kernel
def scaled_inv_chi_square_cdf(y, nu, s):
    return math.exp(_scaled_inv_chi_square_cdf(y, nu, s)[0])


@kernel
def scaled_inv_chi_square_cdf_d(y, nu, s):
    return _cdf_d_from(_scaled_inv_chi_square_cdf(y, nu, s))


@kernel
def scaled_inv_chi_square_lcdf(y, nu, s):
    return _scaled_inv_chi_square_cdf(y, nu, s)[0]


@kernel
def scaled_inv_chi_square_lcdf_d(y, nu, s):
    return _lcdf_d_from(_scaled_inv_chi_square_cdf(y, nu, s))


@kernel
def scaled_inv_chi_square_lccdf(y, nu, s):
    return _scaled_inv_chi_square_cdf(y, nu, s)[1]


@kernel
def scaled_inv_chi_square_lccdf_d(y, nu, s):
    return _lccdf_d_from(_scaled_inv_chi_square_cdf(y, nu, s))


@kernel
def exponential_cdf(y, beta):
    return math.exp(_exponential_cdf(y, beta)[0])


@kernel
def exponential_cdf_d(y, beta):
    return _cdf_d_from(_exponential_cdf(y, beta))


@kernel
def exponential_lcdf(y, beta):
    return _exponential_cdf(y, beta)[0]


@kernel
def exponential_lcdf_d(y, beta):
    return _lcdf_d_from(_exponential_cdf(y, beta))


@kernel
def exponential_lccdf(y, beta):
    return _exponential_cdf(y, beta)[1]


@kernel
def exponential_lccdf_d(y, beta):
    return _lccdf_d_from(_exponential_cdf(y, beta))


@kernel
def gamma_cdf(y, alpha, beta):
    return math.exp(_gamma_cdf(y, alpha, beta)[0])


@kernel
def gamma_cdf_d(y, alpha, beta):
    return _cdf_d_from(_gamma_cdf(y, alpha, beta))


@kernel
def gamma_lcdf(y, alpha, beta):
    return _gamma_cdf(y, alpha, beta)[0]


@kernel
def gamma_lcdf_d(y, alpha, beta):
    return _lcdf_d_from(_gamma_cdf(y, alpha, beta))


@kernel
def gamma_lccdf(y, alpha, beta):
    return _gamma_cdf(y, alpha, beta)[1]


@kernel
def gamma_lccdf_d(y, alpha, beta):
    return _lccdf_d_from(_gamma_cdf(y, alpha, beta))


@kernel
def inv_gamma_cdf(y, alpha, beta):
    return math.exp(_inv_gamma_cdf(y, alpha, beta)[0])


@kernel
def inv_gamma_cdf_d(y, alpha, beta):
    return _cdf_d_from(_inv_gamma_cdf(y, alpha, beta))


@kernel
def inv_gamma_lcdf(y, alpha, beta):
    return _inv_gamma_cdf(y, alpha, beta)[0]


@kernel
def inv_gamma_lcdf_d(y, alpha, beta):
    return _lcdf_d_from(_inv_gamma_cdf(y, alpha, beta))


@kernel
def inv_gamma_lccdf(y, alpha, beta):
    return _inv_gamma_cdf(y, alpha, beta)[1]


@kernel
def inv_gamma_lccdf_d(y, alpha, beta):
    return _lccdf_d_from(_inv_gamma_cdf(y, alpha, beta))


@kernel
def weibull_cdf(y, alpha, sigma):
    return math.exp(_weibull_cdf(y, alpha, sigma)[0])


@kernel
def weibull_cdf_d(y, alpha, sigma):
    return _cdf_d_from(_weibull_cdf(y, alpha, sigma))


@kernel
def weibull_lcdf(y, alpha, sigma):
    return _weibull_cdf(y, alpha, sigma)[0]


@kernel
def weibull_lcdf_d(y, alpha, sigma):
    return _lcdf_d_from(_weibull_cdf(y, alpha, sigma))


@kernel
def weibull_lccdf(y, alpha, sigma):
    return _weibull_cdf(y, alpha, sigma)[1]


@kernel
def weibull_lccdf_d(y, alpha, sigma):
    return _lccdf_d_from(_weibull_cdf(y, alpha, sigma))


@kernel
def frechet_cdf(y, alpha, sigma):
    return math.exp(_frechet_cdf(y, alpha, sigma)[0])


@kernel
def frechet_cdf_d(y, alpha, sigma):
    return _cdf_d_from(_frechet_cdf(y, alpha, sigma))


@kernel
def frechet_lcdf(y, alpha, sigma):
    return _frechet_cdf(y, alpha, sigma)[0]


@kernel
def frechet_lcdf_d(y, alpha, sigma):
    return _lcdf_d_from(_frechet_cdf(y, alpha, sigma))


@kernel
def frechet_lccdf(y, alpha, sigma):
    return _frechet_cdf(y, alpha, sigma)[1]


@kernel
def frechet_lccdf_d(y, alpha, sigma):
    return _lccdf_d_from(_frechet_cdf(y, alpha, sigma))


@kernel
def rayleigh_cdf(y, sigma):
    return math.exp(_rayleigh_cdf(y, sigma)[0])


@kernel
def rayleigh_cdf_d(y, sigma):
    return _cdf_d_from(_rayleigh_cdf(y, sigma))


@kernel
def rayleigh_lcdf(y, sigma):
    return _rayleigh_cdf(y, sigma)[0]


@kernel
def rayleigh_lcdf_d(y, sigma):
    return _lcdf_d_from(_rayleigh_cdf(y, sigma))


@kernel
def rayleigh_lccdf(y, sigma):
    return _rayleigh_cdf(y, sigma)[1]


@kernel
def rayleigh_lccdf_d(y, sigma):
    return _lccdf_d_from(_rayleigh_cdf(y, sigma))


@kernel
def pareto_cdf(y, y_min, alpha):
    return math.exp(_pareto_cdf(y, y_min, alpha)[0])


@kernel
def pareto_cdf_d(y, y_min, alpha):
    return _cdf_d_from(_pareto_cdf(y, y_min, alpha))


@kernel
def pareto_lcdf(y, y_min, alpha):
    return _pareto_cdf(y, y_min, alpha)[0]


@kernel
def pareto_lcdf_d(y, y_min, alpha):
    return _lcdf_d_from(_pareto_cdf(y, y_min, alpha))


@kernel
def pareto_lccdf(y, y_min, alpha):
    return _pareto_cdf(y, y_min, alpha)[1]


@kernel
def pareto_lccdf_d(y, y_min, alpha):
    return _lccdf_d_from(_pareto_cdf(y, y_min, alpha))


@kernel
def pareto_type_2_cdf(y, mu, lam, alpha):
    return math.exp(_pareto_type_2_cdf(y, mu, lam, alpha)[0])


@kernel
def pareto_type_2_cdf_d(y, mu, lam, alpha):
    return _cdf_d_from(_pareto_type_2_cdf(y, mu, lam, alpha))


@kernel
def pareto_type_2_lcdf(y, mu, lam, alpha):
    return _pareto_type_2_cdf(y, mu, lam, alpha)[0]


@kernel
def pareto_type_2_lcdf_d(y, mu, lam, alpha):
    return _lcdf_d_from(_pareto_type_2_cdf(y, mu, lam, alpha))


@kernel
def pareto_type_2_lccdf(y, mu, lam, alpha):
    return _pareto_type_2_cdf(y, mu, lam, alpha)[1]


@kernel
def pareto_type_2_lccdf_d(y, mu, lam, alpha):
    return _lccdf_d_from(_pareto_type_2_cdf(y, mu, lam, alpha))


@kernel
def beta_cdf(y, alpha, beta):
    return math.exp(_beta_cdf(y, alpha, beta)[0])


@kernel
def beta_cdf_d(y, alpha, beta):
    return _cdf_d_from(_beta_cdf(y, alpha, beta))


@kernel
def beta_lcdf(y, alpha, beta):
    return _beta_cdf(y, alpha, beta)[0]


@kernel
def beta_lcdf_d(y, alpha, beta):
    return _lcdf_d_from(_beta_cdf(y, alpha, beta))


@kernel
def beta_lccdf(y, alpha, beta):
    return _beta_cdf(y, alpha, beta)[1]


@kernel
def beta_lccdf_d(y, alpha, beta):
    return _lccdf_d_from(_beta_cdf(y, alpha, beta))


@kernel
def beta_proportion_lcdf(y, mu, kappa):
    return _beta_proportion_cdf(y, mu, kappa)[0]


@kernel
def beta_proportion_lcdf_d(y, mu, kappa):
    return _lcdf_d_from(_beta_proportion_cdf(y, mu, kappa))


@kernel
def beta_proportion_lccdf(y, mu, kappa):
    return _beta_proportion_cdf(y, mu, kappa)[1]


@kernel
def beta_proportion_lccdf_d(y, mu, kappa):
    return _lccdf_d_from(_beta_proportion_cdf(y, mu, kappa))


@kernel
def von_mises_cdf(y, mu, kappa):
    return math.exp(_von_mises_cdf(y, mu, kappa)[0])


@kernel
def von_mises_cdf_d(y, mu, kappa):
    return _cdf_d_from(_von_mises_cdf(y, mu, kappa))


@kernel
def von_mises_lcdf(y, mu, kappa):
    return _von_mises_cdf(y, mu, kappa)[0]


@kernel
def von_mises_lcdf_d(y, mu, kappa):
    return _lcdf_d_from(_von_mises_cdf(y, mu, kappa))


@kernel
def von_mises_lccdf(y, mu, kappa):
    return _von_mises_cdf(y, mu, kappa)[1]


@kernel
def von_mises_lccdf_d(y, mu, kappa):
    return _lccdf_d_from(_von_mises_cdf(y, mu, kappa))


@kernel
def uniform_cdf(y, alpha, beta):
    return math.exp(_uniform_cdf(y, alpha, beta)[0])


@kernel
def uniform_cdf_d(y, alpha, beta):
    return _cdf_d_from(_uniform_cdf(y, alpha, beta))


@kernel
def uniform_lcdf(y, alpha, beta):
    return _uniform_cdf(y, alpha, beta)[0]


@kernel
def uniform_lcdf_d(y, alpha, beta):
    return _lcdf_d_from(_uniform_cdf(y, alpha, beta))


@kernel
def uniform_lccdf(y, alpha, beta):
    return _uniform_cdf(y, alpha, beta)[1]


@kernel
def uniform_lccdf_d(y, alpha, beta):
    return _lccdf_d_from(_uniform_cdf(y, alpha, beta))


@kernel
def exp_mod_normal_cdf(y, mu, sigma, lam):
    return math.exp(_exp_mod_normal_cdf(y, mu, sigma, lam)[0])


@kernel
def exp_mod_normal_cdf_d(y, mu, sigma, lam):
    return _cdf_d_from(_exp_mod_normal_cdf(y, mu, sigma, lam))


@kernel
def exp_mod_normal_lcdf(y, mu, sigma, lam):
    return _exp_mod_normal_cdf(y, mu, sigma, lam)[0]


@kernel
def exp_mod_normal_lcdf_d(y, mu, sigma, lam):
    return _lcdf_d_from(_exp_mod_normal_cdf(y, mu, sigma, lam))


@kernel
def exp_mod_normal_lccdf(y, mu, sigma, lam):
    return _exp_mod_normal_cdf(y, mu, sigma, lam)[1]


@kernel
def exp_mod_normal_lccdf_d(y, mu, sigma, lam):
    return _lccdf_d_from(_exp_mod_normal_cdf(y, mu, sigma, lam))


@kernel
def loglogistic_cdf(y, alpha, beta):
    return math.exp(_loglogistic_cdf(y, alpha, beta)[0])


@kernel
def loglogistic_cdf_d(y, alpha, beta):
    return _cdf_d_from(_loglogistic_cdf(y, alpha, beta))


@kernel
def skew_double_exponential_cdf(y, mu, sigma, tau):
    return math.exp(_skew_double_exponential_cdf(y, mu, sigma, tau)[0])


@kernel
def skew_double_exponential_cdf_d(y, mu, sigma, tau):
    return _cdf_d_from(_skew_double_exponential_cdf(y, mu, sigma, tau))


@kernel
def skew_double_exponential_lcdf(y, mu, sigma, tau):
    return _skew_double_exponential_cdf(y, mu, sigma, tau)[0]


@kernel
def skew_double_exponential_lcdf_d(y, mu, sigma, tau):
    return _lcdf_d_from(_skew_double_exponential_cdf(y, mu, sigma, tau))


@kernel
def skew_double_exponential_lccdf(y, mu, sigma, tau):
    return _skew_double_exponential_cdf(y, mu, sigma, tau)[1]


@kernel
def skew_double_exponential_lccdf_d(y, mu, sigma, tau):
    return _lccdf_d_from(_skew_double_exponential_cdf(y, mu, sigma, tau))
