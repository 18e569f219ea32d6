"""Stan's discrete univariate distributions as numba kernels.

Same conventions as `univariate_continuous`: the variate `n` and integer parameters are
int64, real parameters float64; `F_lpmf_d` and the cdf `_d` variants return the value and
the partials with respect to the real-valued parameters only (no d/dn, none for integer
parameters such as binomial's N); `F_dropped(n, ..., a_1, ..., a_k)` takes one boolean per
real-valued parameter.  Families without real parameters (discrete_range, hypergeometric)
have `_d` variants that return a 1-tuple, and `F_dropped` returns the whole lpmf (Stan drops
every term of `n ~ F(...)` when no argument is a parameter).
"""
import math

import numpy as np

from .jit import kernel
from .special import (
    INF, digamma_shift_diff, inv_logit, lbeta, lchoose, log1p_exp,
    log_gamma_pq_d, log_inc_beta_d, log_inv_logit, xlog1py, xlogy,
)
from .univariate_continuous import _cdf_d_from, _lcdf_d_from, _lccdf_d_from, _pos_finite

NEG_INF = -INF


@kernel
def _lchoose_nb(n, phi):
    """log Gamma(n + phi) / (Gamma(n + 1) Gamma(phi)) = log C(n + phi - 1, n)."""
    if n == 0.0:
        return 0.0
    return -math.log(n + phi) - lbeta(n + 1.0, phi)


# ---------------------------------------------------------------------------------------
# bernoulli
# ---------------------------------------------------------------------------------------

@kernel
def bernoulli_lpmf(n, theta):
    """Bernoulli(n | theta) = theta^n (1 - theta)^(1 - n), n in {0, 1}."""
    if n == 1:
        return math.log(theta)
    if n == 0:
        return math.log1p(-theta)
    return NEG_INF


@kernel
def bernoulli_lpmf_d(n, theta):
    if n == 1:
        return math.log(theta), 1.0 / theta
    if n == 0:
        return math.log1p(-theta), -1.0 / (1.0 - theta)
    return NEG_INF, 0.0


@kernel
def bernoulli_dropped(n, theta, a_theta):
    if not a_theta:
        return bernoulli_lpmf(n, theta)
    return 0.0


@kernel
def _bernoulli_cdf(n, theta):
    if n < 0:
        return NEG_INF, 0.0, (0.0,), (0.0,)
    if n >= 1:
        return 0.0, NEG_INF, (0.0,), (0.0,)
    return math.log1p(-theta), math.log(theta), (-1.0 / (1.0 - theta),), (1.0 / theta,)


@kernel
def bernoulli_rng(theta):
    if np.random.random() < theta:
        return 1
    return 0


@kernel
def bernoulli_check(n, theta):
    if not (n == 0 or n == 1):
        return 1
    if not (theta >= 0.0 and theta <= 1.0):
        return 2
    return 0


@kernel
def bernoulli_cdf_check(n, theta):
    if not (theta >= 0.0 and theta <= 1.0):
        return 2
    return 0


# ---------------------------------------------------------------------------------------
# bernoulli_logit
# ---------------------------------------------------------------------------------------

@kernel
def bernoulli_logit_lpmf(n, alpha):
    """BernoulliLogit(n | alpha) = Bernoulli(n | inv_logit(alpha))."""
    if n == 1:
        return log_inv_logit(alpha)
    if n == 0:
        return log_inv_logit(-alpha)
    return NEG_INF


@kernel
def bernoulli_logit_lpmf_d(n, alpha):
    if n == 1:
        return log_inv_logit(alpha), inv_logit(-alpha)
    if n == 0:
        return log_inv_logit(-alpha), -inv_logit(alpha)
    return NEG_INF, 0.0


@kernel
def bernoulli_logit_dropped(n, alpha, a_alpha):
    if not a_alpha:
        return bernoulli_logit_lpmf(n, alpha)
    return 0.0


@kernel
def bernoulli_logit_rng(alpha):
    if np.random.random() < inv_logit(alpha):
        return 1
    return 0


@kernel
def bernoulli_logit_check(n, alpha):
    if not (n == 0 or n == 1):
        return 1
    if alpha != alpha:
        return 2
    return 0


# ---------------------------------------------------------------------------------------
# binomial
# ---------------------------------------------------------------------------------------

@kernel
def binomial_lpmf(n, N, theta):
    """Binomial(n | N, theta) = C(N, n) theta^n (1 - theta)^(N - n)."""
    if n < 0 or n > N:
        return NEG_INF
    fn = float(n)
    fm = float(N - n)
    return lchoose(float(N), fn) + xlogy(fn, theta) + xlog1py(fm, -theta)


@kernel
def binomial_lpmf_d(n, N, theta):
    if n < 0 or n > N:
        return NEG_INF, 0.0
    fn = float(n)
    fm = float(N - n)
    lp = lchoose(float(N), fn) + xlogy(fn, theta) + xlog1py(fm, -theta)
    d = 0.0
    if n > 0:
        d += fn / theta
    if N - n > 0:
        d -= fm / (1.0 - theta)
    return lp, d


@kernel
def binomial_dropped(n, N, theta, a_theta):
    if not a_theta:
        return binomial_lpmf(n, N, theta)
    return lchoose(float(N), float(n))


@kernel
def _binomial_cdf(n, N, theta):
    if n < 0:
        return NEG_INF, 0.0, (0.0,), (0.0,)
    if n >= N:
        return 0.0, NEG_INF, (0.0,), (0.0,)
    # P(X <= n) = I_{1 - theta}(N - n, n + 1)
    a = float(N - n)
    b = float(n + 1)
    li, lj, _, _, _, _, _, _ = log_inc_beta_d(a, b, 1.0 - theta, theta, False)
    if theta <= 0.0:
        return 0.0, NEG_INF, (0.0,), (0.0,)
    if theta >= 1.0:
        return NEG_INF, 0.0, (0.0,), (0.0,)
    ldens = (a - 1.0) * math.log1p(-theta) + (b - 1.0) * math.log(theta) - lbeta(a, b)
    return li, lj, (-math.exp(ldens - li),), (math.exp(ldens - lj),)


@kernel
def binomial_rng(N, theta):
    return np.random.binomial(N, theta)


@kernel
def binomial_check(n, N, theta):
    if not (n >= 0 and n <= N):
        return 1
    if not N >= 0:
        return 2
    if not (theta >= 0.0 and theta <= 1.0):
        return 3
    return 0


@kernel
def binomial_cdf_check(n, N, theta):
    if not N >= 0:
        return 2
    if not (theta >= 0.0 and theta <= 1.0):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# binomial_logit
# ---------------------------------------------------------------------------------------

@kernel
def binomial_logit_lpmf(n, N, alpha):
    """BinomialLogit(n | N, alpha) = Binomial(n | N, inv_logit(alpha))."""
    if n < 0 or n > N:
        return NEG_INF
    fn = float(n)
    fm = float(N - n)
    lp = lchoose(float(N), fn)
    if n > 0:
        lp += fn * log_inv_logit(alpha)
    if N - n > 0:
        lp += fm * log_inv_logit(-alpha)
    return lp


@kernel
def binomial_logit_lpmf_d(n, N, alpha):
    if n < 0 or n > N:
        return NEG_INF, 0.0
    return binomial_logit_lpmf(n, N, alpha), n * inv_logit(-alpha) - (N - n) * inv_logit(alpha)


@kernel
def binomial_logit_dropped(n, N, alpha, a_alpha):
    if not a_alpha:
        return binomial_logit_lpmf(n, N, alpha)
    return lchoose(float(N), float(n))


@kernel
def binomial_logit_rng(N, alpha):
    return np.random.binomial(N, inv_logit(alpha))


@kernel
def binomial_logit_check(n, N, alpha):
    if not (n >= 0 and n <= N):
        return 1
    if not N >= 0:
        return 2
    if not math.isfinite(alpha):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# beta_binomial
# ---------------------------------------------------------------------------------------

@kernel
def beta_binomial_lpmf(n, N, alpha, beta):
    """BetaBinomial(n | N, alpha, beta) = C(N, n) B(n + alpha, N - n + beta) / B(alpha, beta)."""
    if n < 0 or n > N:
        return NEG_INF
    return (lchoose(float(N), float(n)) + lbeta(n + alpha, N - n + beta)
            - lbeta(alpha, beta))


@kernel
def beta_binomial_lpmf_d(n, N, alpha, beta):
    if n < 0 or n > N:
        return NEG_INF, 0.0, 0.0
    lp = lchoose(float(N), float(n)) + lbeta(n + alpha, N - n + beta) - lbeta(alpha, beta)
    common = digamma_shift_diff(alpha + beta, float(N))
    da = digamma_shift_diff(alpha, float(n)) - common
    db = digamma_shift_diff(beta, float(N - n)) - common
    return lp, da, db


@kernel
def beta_binomial_dropped(n, N, alpha, beta, a_alpha, a_beta):
    if not (a_alpha or a_beta):
        return beta_binomial_lpmf(n, N, alpha, beta)
    if n < 0 or n > N:
        return 0.0
    return lchoose(float(N), float(n))


@kernel
def _beta_binomial_logsum(k0, k1, N, alpha, beta):
    """log sum_{k0 <= k <= k1} pmf(k) and its derivatives in alpha and beta."""
    m = NEG_INF
    s = 0.0
    sa = 0.0
    sb = 0.0
    for k in range(k0, k1 + 1):
        lp, da, db = beta_binomial_lpmf_d(k, N, alpha, beta)
        if lp > m:
            r = math.exp(m - lp)
            s *= r
            sa *= r
            sb *= r
            m = lp
        w = math.exp(lp - m)
        s += w
        sa += w * da
        sb += w * db
    return m + math.log(s), sa / s, sb / s


@kernel
def _beta_binomial_cdf(n, N, alpha, beta):
    if n < 0:
        return NEG_INF, 0.0, (0.0, 0.0), (0.0, 0.0)
    if n >= N:
        return 0.0, NEG_INF, (0.0, 0.0), (0.0, 0.0)
    lF, fa, fb = _beta_binomial_logsum(0, n, N, alpha, beta)
    lS, sa, sb = _beta_binomial_logsum(n + 1, N, N, alpha, beta)
    return lF, lS, (fa, fb), (sa, sb)


@kernel
def beta_binomial_rng(N, alpha, beta):
    return np.random.binomial(N, np.random.beta(alpha, beta))


@kernel
def beta_binomial_check(n, N, alpha, beta):
    if not N >= 0:
        return 2
    if not _pos_finite(alpha):
        return 3
    if not _pos_finite(beta):
        return 4
    return 0


# ---------------------------------------------------------------------------------------
# poisson
# ---------------------------------------------------------------------------------------

@kernel
def poisson_lpmf(n, lam):
    """Poisson(n | lambda) = lambda^n exp(-lambda) / n!."""
    if n < 0 or lam == INF:
        return NEG_INF
    return xlogy(float(n), lam) - lam - math.lgamma(n + 1.0)


@kernel
def poisson_lpmf_d(n, lam):
    if n < 0 or lam == INF:
        return NEG_INF, 0.0
    return xlogy(float(n), lam) - lam - math.lgamma(n + 1.0), n / lam - 1.0 if n > 0 else -1.0


@kernel
def poisson_dropped(n, lam, a_lam):
    if not a_lam:
        return poisson_lpmf(n, lam)
    return -math.lgamma(n + 1.0)


@kernel
def _poisson_cdf(n, lam):
    if n < 0:
        return NEG_INF, 0.0, (0.0,), (0.0,)
    if lam == 0.0:
        return 0.0, NEG_INF, (0.0,), (0.0,)
    # P(X <= n) = Q(n + 1, lambda)
    lp, lq, _, _, dpx, dqx = log_gamma_pq_d(n + 1.0, lam)
    return lq, lp, (dqx,), (dpx,)


@kernel
def poisson_rng(lam):
    return np.random.poisson(lam)


@kernel
def poisson_check(n, lam):
    if not n >= 0:
        return 1
    if not lam >= 0.0:
        return 2
    return 0


@kernel
def poisson_cdf_check(n, lam):
    if not lam >= 0.0:
        return 2
    return 0


# ---------------------------------------------------------------------------------------
# poisson_log
# ---------------------------------------------------------------------------------------

@kernel
def poisson_log_lpmf(n, alpha):
    """PoissonLog(n | alpha) = Poisson(n | exp(alpha))."""
    if n < 0 or alpha == INF:
        return NEG_INF
    if alpha == NEG_INF:
        return 0.0 if n == 0 else NEG_INF
    return n * alpha - math.exp(alpha) - math.lgamma(n + 1.0)


@kernel
def poisson_log_lpmf_d(n, alpha):
    if n < 0 or alpha == INF:
        return NEG_INF, 0.0
    if alpha == NEG_INF:
        return (0.0 if n == 0 else NEG_INF), 0.0
    e = math.exp(alpha)
    return n * alpha - e - math.lgamma(n + 1.0), n - e


@kernel
def poisson_log_dropped(n, alpha, a_alpha):
    if not a_alpha:
        return poisson_log_lpmf(n, alpha)
    return -math.lgamma(n + 1.0)


@kernel
def poisson_log_rng(alpha):
    return np.random.poisson(math.exp(alpha))


@kernel
def poisson_log_check(n, alpha):
    if not n >= 0:
        return 1
    if alpha != alpha:
        return 2
    return 0


# ---------------------------------------------------------------------------------------
# neg_binomial
# ---------------------------------------------------------------------------------------

@kernel
def neg_binomial_lpmf(n, alpha, beta):
    """NegBinomial(n | alpha, beta) = C(n + alpha - 1, n) (beta / (1 + beta))^alpha
    (1 / (1 + beta))^n."""
    if n < 0:
        return NEG_INF
    return (_lchoose_nb(float(n), alpha) - alpha * math.log1p(1.0 / beta)
            - n * math.log1p(beta))


@kernel
def neg_binomial_lpmf_d(n, alpha, beta):
    if n < 0:
        return NEG_INF, 0.0, 0.0
    lp = _lchoose_nb(float(n), alpha) - alpha * math.log1p(1.0 / beta) - n * math.log1p(beta)
    da = digamma_shift_diff(alpha, float(n)) - math.log1p(1.0 / beta)
    db = alpha / (beta * (1.0 + beta)) - n / (1.0 + beta)
    return lp, da, db


@kernel
def neg_binomial_dropped(n, alpha, beta, a_alpha, a_beta):
    if not (a_alpha or a_beta):
        return neg_binomial_lpmf(n, alpha, beta)
    if not a_alpha:
        return _lchoose_nb(float(n), alpha)
    return 0.0


@kernel
def _neg_binomial_cdf(n, alpha, beta):
    if n < 0:
        return NEG_INF, 0.0, (0.0, 0.0), (0.0, 0.0)
    # P(X <= n) = I_p(alpha, n + 1), p = beta / (1 + beta)
    p = beta / (1.0 + beta)
    q = 1.0 / (1.0 + beta)
    li, lj, dia, _, dja, _, dix, djx = log_inc_beta_d(alpha, n + 1.0, p, q, True)
    dp = q * q
    return li, lj, (dia, dix * dp), (dja, djx * dp)


@kernel
def neg_binomial_rng(alpha, beta):
    return np.random.poisson(np.random.gamma(alpha, 1.0 / beta))


@kernel
def neg_binomial_check(n, alpha, beta):
    if not n >= 0:
        return 1
    if not _pos_finite(alpha):
        return 2
    if not _pos_finite(beta):
        return 3
    return 0


@kernel
def neg_binomial_cdf_check(n, alpha, beta):
    if not _pos_finite(alpha):
        return 2
    if not _pos_finite(beta):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# neg_binomial_2
# ---------------------------------------------------------------------------------------

@kernel
def neg_binomial_2_lpmf(n, mu, phi):
    """NegBinomial2(n | mu, phi) = C(n + phi - 1, n) (mu / (mu + phi))^n
    (phi / (mu + phi))^phi."""
    if n < 0:
        return NEG_INF
    return (_lchoose_nb(float(n), phi) + xlogy(float(n), mu) - phi * math.log1p(mu / phi)
            - n * math.log(mu + phi))


@kernel
def neg_binomial_2_lpmf_d(n, mu, phi):
    if n < 0:
        return NEG_INF, 0.0, 0.0
    lp = (_lchoose_nb(float(n), phi) + xlogy(float(n), mu) - phi * math.log1p(mu / phi)
          - n * math.log(mu + phi))
    dmu = (n / mu if n > 0 else 0.0) - (n + phi) / (mu + phi)
    if mu < phi:
        log_term = math.log1p(-mu / (mu + phi))
    else:
        log_term = math.log(phi) - math.log(mu + phi)
    dphi = (mu - n) / (mu + phi) + log_term + digamma_shift_diff(phi, float(n))
    return lp, dmu, dphi


@kernel
def neg_binomial_2_dropped(n, mu, phi, a_mu, a_phi):
    if not (a_mu or a_phi):
        return neg_binomial_2_lpmf(n, mu, phi)
    d = 0.0
    if not a_phi:
        d += _lchoose_nb(float(n), phi)
    if not a_mu:
        d += xlogy(float(n), mu)
    return d


@kernel
def _neg_binomial_2_cdf(n, mu, phi):
    if n < 0:
        return NEG_INF, 0.0, (0.0, 0.0), (0.0, 0.0)
    # P(X <= n) = I_p(phi, n + 1), p = phi / (mu + phi)
    p = phi / (mu + phi)
    q = mu / (mu + phi)
    li, lj, dia, _, dja, _, dix, djx = log_inc_beta_d(phi, n + 1.0, p, q, True)
    s2 = (mu + phi) * (mu + phi)
    dp_dmu = -phi / s2
    dp_dphi = mu / s2
    return (li, lj, (dix * dp_dmu, dia + dix * dp_dphi),
            (djx * dp_dmu, dja + djx * dp_dphi))


@kernel
def neg_binomial_2_rng(mu, phi):
    return np.random.poisson(np.random.gamma(phi, mu / phi))


@kernel
def neg_binomial_2_check(n, mu, phi):
    if not n >= 0:
        return 1
    if not _pos_finite(mu):
        return 2
    if not _pos_finite(phi):
        return 3
    return 0


@kernel
def neg_binomial_2_cdf_check(n, mu, phi):
    if not _pos_finite(mu):
        return 2
    if not _pos_finite(phi):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# neg_binomial_2_log
# ---------------------------------------------------------------------------------------

@kernel
def neg_binomial_2_log_lpmf(n, eta, phi):
    """NegBinomial2Log(n | eta, phi) = NegBinomial2(n | exp(eta), phi)."""
    if n < 0:
        return NEG_INF
    lphi = math.log(phi)
    L = log1p_exp(eta - lphi)
    return _lchoose_nb(float(n), phi) + n * eta - phi * L - n * (lphi + L)


@kernel
def neg_binomial_2_log_lpmf_d(n, eta, phi):
    if n < 0:
        return NEG_INF, 0.0, 0.0
    lphi = math.log(phi)
    L = log1p_exp(eta - lphi)
    lp = _lchoose_nb(float(n), phi) + n * eta - phi * L - n * (lphi + L)
    s = inv_logit(eta - lphi)
    deta = n - (n + phi) * s
    dphi = s - n * (1.0 - s) / phi - L + digamma_shift_diff(phi, float(n))
    return lp, deta, dphi


@kernel
def neg_binomial_2_log_dropped(n, eta, phi, a_eta, a_phi):
    if not (a_eta or a_phi):
        return neg_binomial_2_log_lpmf(n, eta, phi)
    d = 0.0
    if not a_phi:
        d += _lchoose_nb(float(n), phi)
    if not a_eta:
        d += n * eta
    return d


@kernel
def neg_binomial_2_log_rng(eta, phi):
    return np.random.poisson(np.random.gamma(phi, math.exp(eta) / phi))


@kernel
def neg_binomial_2_log_check(n, eta, phi):
    if not n >= 0:
        return 1
    if not math.isfinite(eta):
        return 2
    if not _pos_finite(phi):
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# discrete_range
# ---------------------------------------------------------------------------------------

@kernel
def discrete_range_lpmf(n, lower, upper):
    """DiscreteRange(n | lower, upper) = 1 / (upper - lower + 1) for lower <= n <= upper."""
    if n < lower or n > upper:
        return NEG_INF
    return -math.log(upper - lower + 1.0)


@kernel
def discrete_range_lpmf_d(n, lower, upper):
    return (discrete_range_lpmf(n, lower, upper),)


@kernel
def discrete_range_dropped(n, lower, upper):
    return discrete_range_lpmf(n, lower, upper)


@kernel
def _discrete_range_cdf_value(n, lower, upper):
    if n < lower:
        return 0.0
    if n >= upper:
        return 1.0
    return (n - lower + 1.0) / (upper - lower + 1.0)


@kernel
def discrete_range_cdf(n, lower, upper):
    return _discrete_range_cdf_value(n, lower, upper)


@kernel
def discrete_range_cdf_d(n, lower, upper):
    return (_discrete_range_cdf_value(n, lower, upper),)


@kernel
def discrete_range_lcdf(n, lower, upper):
    if n < lower:
        return NEG_INF
    return math.log(_discrete_range_cdf_value(n, lower, upper))


@kernel
def discrete_range_lcdf_d(n, lower, upper):
    return (discrete_range_lcdf(n, lower, upper),)


@kernel
def discrete_range_lccdf(n, lower, upper):
    if n >= upper:
        return NEG_INF
    if n < lower:
        return 0.0
    return math.log((upper - n) / (upper - lower + 1.0))


@kernel
def discrete_range_lccdf_d(n, lower, upper):
    return (discrete_range_lccdf(n, lower, upper),)


@kernel
def discrete_range_rng(lower, upper):
    return np.random.randint(lower, upper + 1)


@kernel
def discrete_range_check(n, lower, upper):
    if not upper >= lower:
        return 3
    return 0


# ---------------------------------------------------------------------------------------
# hypergeometric
# ---------------------------------------------------------------------------------------

@kernel
def hypergeometric_lpmf(n, N, a, b):
    """Hypergeometric(n | N, a, b) = C(a, n) C(b, N - n) / C(a + b, N): n successes in N
    draws without replacement from a successes and b failures."""
    if n < 0 or n > a or N - n < 0 or N - n > b:
        return NEG_INF
    return (lchoose(float(a), float(n)) + lchoose(float(b), float(N - n))
            - lchoose(float(a + b), float(N)))


@kernel
def hypergeometric_lpmf_d(n, N, a, b):
    return (hypergeometric_lpmf(n, N, a, b),)


@kernel
def hypergeometric_dropped(n, N, a, b):
    return hypergeometric_lpmf(n, N, a, b)


@kernel
def hypergeometric_rng(N, a, b):
    return np.random.hypergeometric(a, b, N)


@kernel
def hypergeometric_check(n, N, a, b):
    if not (n >= 0 and n <= a):
        return 1
    if not N >= n:
        return 2
    if not (N - n >= 0 and N - n <= b):
        return 2
    if not (N >= 0 and N <= a + b):
        return 2
    return 0


# ---------------------------------------------------------------------------------------
# cdf / lcdf / lccdf wrappers
# ---------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------


@kernel
def bernoulli_cdf(n, theta):
    return math.exp(_bernoulli_cdf(n, theta)[0])


@kernel
def bernoulli_cdf_d(n, theta):
    return _cdf_d_from(_bernoulli_cdf(n, theta))


@kernel
def bernoulli_lcdf(n, theta):
    return _bernoulli_cdf(n, theta)[0]


@kernel
def bernoulli_lcdf_d(n, theta):
    return _lcdf_d_from(_bernoulli_cdf(n, theta))


@kernel
def bernoulli_lccdf(n, theta):
    return _bernoulli_cdf(n, theta)[1]


@kernel
def bernoulli_lccdf_d(n, theta):
    return _lccdf_d_from(_bernoulli_cdf(n, theta))


@kernel
def binomial_cdf(n, N, theta):
    return math.exp(_binomial_cdf(n, N, theta)[0])


@kernel
def binomial_cdf_d(n, N, theta):
    return _cdf_d_from(_binomial_cdf(n, N, theta))


@kernel
def binomial_lcdf(n, N, theta):
    return _binomial_cdf(n, N, theta)[0]


@kernel
def binomial_lcdf_d(n, N, theta):
    return _lcdf_d_from(_binomial_cdf(n, N, theta))


@kernel
def binomial_lccdf(n, N, theta):
    return _binomial_cdf(n, N, theta)[1]


@kernel
def binomial_lccdf_d(n, N, theta):
    return _lccdf_d_from(_binomial_cdf(n, N, theta))


@kernel
def beta_binomial_cdf(n, N, alpha, beta):
    return math.exp(_beta_binomial_cdf(n, N, alpha, beta)[0])


@kernel
def beta_binomial_cdf_d(n, N, alpha, beta):
    return _cdf_d_from(_beta_binomial_cdf(n, N, alpha, beta))


@kernel
def beta_binomial_lcdf(n, N, alpha, beta):
    return _beta_binomial_cdf(n, N, alpha, beta)[0]


@kernel
def beta_binomial_lcdf_d(n, N, alpha, beta):
    return _lcdf_d_from(_beta_binomial_cdf(n, N, alpha, beta))


@kernel
def beta_binomial_lccdf(n, N, alpha, beta):
    return _beta_binomial_cdf(n, N, alpha, beta)[1]


@kernel
def beta_binomial_lccdf_d(n, N, alpha, beta):
    return _lccdf_d_from(_beta_binomial_cdf(n, N, alpha, beta))


@kernel
def poisson_cdf(n, lam):
    return math.exp(_poisson_cdf(n, lam)[0])


@kernel
def poisson_cdf_d(n, lam):
    return _cdf_d_from(_poisson_cdf(n, lam))


@kernel
def poisson_lcdf(n, lam):
    return _poisson_cdf(n, lam)[0]


@kernel
def poisson_lcdf_d(n, lam):
    return _lcdf_d_from(_poisson_cdf(n, lam))


@kernel
def poisson_lccdf(n, lam):
    return _poisson_cdf(n, lam)[1]


@kernel
def poisson_lccdf_d(n, lam):
    return _lccdf_d_from(_poisson_cdf(n, lam))


@kernel
def neg_binomial_cdf(n, alpha, beta):
    return math.exp(_neg_binomial_cdf(n, alpha, beta)[0])


@kernel
def neg_binomial_cdf_d(n, alpha, beta):
    return _cdf_d_from(_neg_binomial_cdf(n, alpha, beta))


@kernel
def neg_binomial_lcdf(n, alpha, beta):
    return _neg_binomial_cdf(n, alpha, beta)[0]


@kernel
def neg_binomial_lcdf_d(n, alpha, beta):
    return _lcdf_d_from(_neg_binomial_cdf(n, alpha, beta))


@kernel
def neg_binomial_lccdf(n, alpha, beta):
    return _neg_binomial_cdf(n, alpha, beta)[1]


@kernel
def neg_binomial_lccdf_d(n, alpha, beta):
    return _lccdf_d_from(_neg_binomial_cdf(n, alpha, beta))


@kernel
def neg_binomial_2_cdf(n, mu, phi):
    return math.exp(_neg_binomial_2_cdf(n, mu, phi)[0])


@kernel
def neg_binomial_2_cdf_d(n, mu, phi):
    return _cdf_d_from(_neg_binomial_2_cdf(n, mu, phi))


@kernel
def neg_binomial_2_lcdf(n, mu, phi):
    return _neg_binomial_2_cdf(n, mu, phi)[0]


@kernel
def neg_binomial_2_lcdf_d(n, mu, phi):
    return _lcdf_d_from(_neg_binomial_2_cdf(n, mu, phi))


@kernel
def neg_binomial_2_lccdf(n, mu, phi):
    return _neg_binomial_2_cdf(n, mu, phi)[1]


@kernel
def neg_binomial_2_lccdf_d(n, mu, phi):
    return _lccdf_d_from(_neg_binomial_2_cdf(n, mu, phi))
