"""Stan's GLM distributions as single-pass fused numba kernels.

normal_id_glm(y | x, alpha, beta, sigma), bernoulli_logit_glm(y | x, alpha, beta),
poisson_log_glm(y | x, alpha, beta), neg_binomial_2_log_glm(y | x, alpha, beta, phi),
categorical_logit_glm(y | x, alpha, beta), ordered_logistic_glm(y | x, beta, cuts).

These are the hot loops of regression models: every kernel makes ONE pass over the rows of x,
computing eta_n = alpha_n + x[n, :] . beta once per row and accumulating the log density and
all gradient contributions (d alpha, d beta += g_n x[n, :], d x[n, :] = g_n beta when asked)
in that same pass.  The conventions are those of `vilang.runtime.multivariate`.

Argument forms (one entry point per function; numba specialises the thin public wrapper,
which normalises the arguments for a single compiled core per family):
  * y: a scalar (broadcast to every row) or a 1-D array with one entry per row (float64 for
    normal_id_glm, int64 otherwise);
  * x: a 2-D N x K matrix, or a 1-D row vector shared by every observation (then N is the
    size of y, 1 for a scalar y);
  * alpha, sigma, phi: a float or a 1-D array with one entry per row (for
    categorical_logit_glm alpha is the vector of per-class intercepts);
  * beta: a 1-D vector of size K (a K x C matrix for categorical_logit_glm).
Gradients come back in the shape of their argument (a float for a scalar alpha/sigma/phi/y).

Entry points per family F:
  * `F_lpdf/lpmf(y, x, ...)` and `F_lpdf/lpmf_d(y, x, ...)` (full gradient, d_x included);
  * `F_lpdf/lpmf_d_nox(y, x, ...)`: the same tuple, but d_x is not computed (data x, the
    usual case): a zero-size (0, K) array for a matrix x, zeros for a row vector x.  The
    table entry is `FAMILIES[F].extra["d_nox"]`;
  * `F_dropped(y, x, ..., a_y, a_x, ...)` (cheap unless no argument is a parameter) and
    `F_check(y, x, ...)`;
  * no generators, except `bernoulli_logit_glm_rng(x, alpha, beta)` (Stan has that one).
"""
import math
import sys

import numpy as np
from numba import types
from numba.extending import overload

from .jit import kernel
from .multivariate import (LOG_2PI, _all_finite, _all_finite_any, _as1d, _at, _digamma,
                           _inv_logit, _is_ordered, _is_vec, _like, _nobs, _ord_term,
                           _register, _vlen)


def _xv(x, n, k):
    """x[n, k] for a matrix, x[k] for a shared row vector."""


@overload(_xv)
def _ov_xv(x, n, k):
    if x.ndim == 2:
        return lambda x, n, k: x[n, k]
    return lambda x, n, k: x[k]


def _kx(x):
    """Number of columns (attributes)."""


@overload(_kx)
def _ov_kx(x):
    if x.ndim == 2:
        return lambda x: x.shape[1]
    return lambda x: x.shape[0]


def _nx(x):
    """Number of rows of a matrix x, -1 for a shared row vector."""


@overload(_nx)
def _ov_nx(x):
    if x.ndim == 2:
        return lambda x: x.shape[0]
    return lambda x: -1


def _xlike(x, buf):
    """d_x in the shape of x."""


@overload(_xlike)
def _ov_xlike(x, buf):
    if x.ndim == 2:
        return lambda x, buf: buf
    return lambda x, buf: buf[0]


def _st(v):
    """Stride of the per-observation index of v: 1 for a vector, 0 for a broadcast scalar."""


@overload(_st)
def _ov_st(v):
    if isinstance(v, types.Array):
        return lambda v: np.int64(1)
    return lambda v: np.int64(0)


def _stx(x):
    """1 for a matrix x (row n for observation n), 0 for a shared row vector."""


@overload(_stx)
def _ov_stx(x):
    if x.ndim == 2:
        return lambda x: np.int64(1)
    return lambda x: np.int64(0)


@kernel
def _nobs_core(nyv, sy, X, sx):
    """Number of observations for the cores' normalised arguments."""
    if sx == 1:
        return X.shape[0]
    return nyv if sy == 1 else 1


@kernel
def _dx_core(N, K, sx, want_dx):
    return np.zeros(((N if sx == 1 else 1) if want_dx else (0 if sx == 1 else 1), K))


@kernel
def _glm_n(y, x):
    """Number of observations: rows of x, else the size of y (1 for a scalar)."""
    nx = _nx(x)
    if nx >= 0:
        return nx
    ny = _nobs(y)
    return ny if ny >= 0 else 1


@kernel
def _glm_sizes(y, x, alpha, beta, p_alpha, p_beta):
    """Stan's check_consistent_size for y, alpha and beta: 0 or the offending position."""
    N = _glm_n(y, x)
    ny = _nobs(y)
    if ny >= 0 and ny != N:
        return 1
    na = _nobs(alpha)
    if na >= 0 and na != N:
        return p_alpha
    if beta.shape[0] != _kx(x):
        return p_beta
    return 0


# =============================================================================================
# normal_id_glm(y | x, alpha, beta, sigma)
# =============================================================================================

@kernel
def _normal_id_glm_core(yv, sy, X, sx, av, sa, beta, sv, ss, grad, want_dx):
    """Every GLM core takes its arguments normalised by the public wrappers: scalars as
    1-element arrays with stride 0 (vectors stride 1), x as a 2-D array with stride 0 for a
    shared row vector; `grad`/`want_dx` are non-literal, so one compiled core serves every
    argument form."""
    N = _nobs_core(yv.shape[0], sy, X, sx)
    K = beta.shape[0]
    dy = np.zeros(yv.shape[0] if grad else 0)
    dx = _dx_core(N, K, sx, grad and want_dx)
    da = np.zeros(av.shape[0] if grad else 0)
    db = np.zeros(K if grad else 0)
    ds = np.zeros(sv.shape[0] if grad else 0)
    quad = 0.0
    slog = 0.0
    for n in range(N):
        ix = n * sx
        eta = av[n * sa]
        for k in range(K):
            eta += X[ix, k] * beta[k]
        s = sv[n * ss]
        inv = 1.0 / s
        z = (yv[n * sy] - eta) * inv
        quad += z * z
        if ss == 1:
            slog += math.log(s)
        if grad:
            g = z * inv
            dy[n * sy] -= g
            da[n * sa] += g
            for k in range(K):
                db[k] += g * X[ix, k]
            if want_dx:
                for k in range(K):
                    dx[ix, k] += g * beta[k]
            ds[n * ss] += (z * z - 1.0) * inv
    if ss == 0 and N > 0:
        slog = N * math.log(sv[0])
    return -0.5 * LOG_2PI * N, -slog, -0.5 * quad, dy, dx, da, db, ds


@kernel
def normal_id_glm_lpdf(y, x, alpha, beta, sigma):
    r = _normal_id_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), _as1d(alpha),
                            _st(alpha), beta, _as1d(sigma), _st(sigma), np.bool_(False),
                            np.bool_(False))
    return r[0] + r[1] + r[2]


@kernel
def normal_id_glm_lpdf_d(y, x, alpha, beta, sigma):
    r = _normal_id_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), _as1d(alpha),
                            _st(alpha), beta, _as1d(sigma), _st(sigma), np.bool_(True),
                            np.bool_(True))
    return (r[0] + r[1] + r[2], _like(y, r[3]), _xlike(x, r[4]), _like(alpha, r[5]), r[6],
            _like(sigma, r[7]))


@kernel
def normal_id_glm_lpdf_d_nox(y, x, alpha, beta, sigma):
    r = _normal_id_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), _as1d(alpha),
                            _st(alpha), beta, _as1d(sigma), _st(sigma), np.bool_(True),
                            np.bool_(False))
    return (r[0] + r[1] + r[2], _like(y, r[3]), _xlike(x, r[4]), _like(alpha, r[5]), r[6],
            _like(sigma, r[7]))


@kernel
def normal_id_glm_dropped(y, x, alpha, beta, sigma, a_y, a_x, a_alpha, a_beta, a_sigma):
    if not (a_y or a_x or a_alpha or a_beta or a_sigma):
        return normal_id_glm_lpdf(y, x, alpha, beta, sigma)
    N = _glm_n(y, x)
    d = -0.5 * LOG_2PI * N
    if not a_sigma:
        if _is_vec(sigma):
            for n in range(N):
                d -= math.log(_at(sigma, n))
        else:
            d -= N * math.log(_at(sigma, 0))
    return d


@kernel
def normal_id_glm_check(y, x, alpha, beta, sigma):
    p = _glm_sizes(y, x, alpha, beta, 3, 4)
    if p:
        return p
    ns = _nobs(sigma)
    if ns >= 0 and ns != _glm_n(y, x):
        return 5
    if not _all_finite_any(y):
        return 1
    if not _all_finite(x):
        return 2
    if not _all_finite_any(alpha):
        return 3
    if not _all_finite(beta):
        return 4
    for n in range(_vlen(sigma)):
        s = _at(sigma, n)
        if not (s > 0.0) or not math.isfinite(s):
            return 5
    return 0


# =============================================================================================
# bernoulli_logit_glm(y | x, alpha, beta)
# =============================================================================================

@kernel
def _bernoulli_logit_glm_core(yv, sy, X, sx, av, sa, beta, grad, want_dx):
    N = _nobs_core(yv.shape[0], sy, X, sx)
    K = beta.shape[0]
    dx = _dx_core(N, K, sx, grad and want_dx)
    da = np.zeros(av.shape[0] if grad else 0)
    db = np.zeros(K if grad else 0)
    lp = 0.0
    for n in range(N):
        ix = n * sx
        eta = av[n * sa]
        for k in range(K):
            eta += X[ix, k] * beta[k]
        sign = 2.0 * yv[n * sy] - 1.0
        yt = sign * eta
        # log p = -log1p(exp(-yt)); d/d eta = sign * inv_logit(-yt); one exp for both
        ex = math.exp(-abs(yt))
        lp -= (max(-yt, 0.0) + math.log1p(ex))
        if grad:
            g = sign * ((1.0 if yt < 0.0 else ex) / (1.0 + ex))
            da[n * sa] += g
            for k in range(K):
                db[k] += g * X[ix, k]
            if want_dx:
                for k in range(K):
                    dx[ix, k] += g * beta[k]
    return lp, dx, da, db


@kernel
def bernoulli_logit_glm_lpmf(y, x, alpha, beta):
    return _bernoulli_logit_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x),
                                     _as1d(alpha), _st(alpha), beta, np.bool_(False),
                                     np.bool_(False))[0]


@kernel
def bernoulli_logit_glm_lpmf_d(y, x, alpha, beta):
    r = _bernoulli_logit_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x),
                                     _as1d(alpha), _st(alpha), beta, np.bool_(True),
                                     np.bool_(True))
    return r[0], _xlike(x, r[1]), _like(alpha, r[2]), r[3]


@kernel
def bernoulli_logit_glm_lpmf_d_nox(y, x, alpha, beta):
    r = _bernoulli_logit_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x),
                                     _as1d(alpha), _st(alpha), beta, np.bool_(True),
                                     np.bool_(False))
    return r[0], _xlike(x, r[1]), _like(alpha, r[2]), r[3]


@kernel
def bernoulli_logit_glm_dropped(y, x, alpha, beta, a_y, a_x, a_alpha, a_beta):
    if a_x or a_alpha or a_beta:
        return 0.0
    return bernoulli_logit_glm_lpmf(y, x, alpha, beta)


@kernel
def bernoulli_logit_glm_check(y, x, alpha, beta):
    p = _glm_sizes(y, x, alpha, beta, 3, 4)
    if p:
        return p
    for n in range(_vlen(y)):
        v = _at(y, n)
        if v < 0 or v > 1:
            return 1
    if not _all_finite(x):
        return 2
    if not _all_finite_any(alpha):
        return 3
    if not _all_finite(beta):
        return 4
    return 0


@kernel
def bernoulli_logit_glm_rng(x, alpha, beta):
    N = _glm_n(0, x)
    K = beta.shape[0]
    out = np.empty(N, dtype=np.int64)
    for n in range(N):
        eta = _at(alpha, n)
        for k in range(K):
            eta += _xv(x, n, k) * beta[k]
        out[n] = 1 if np.random.random() < _inv_logit(eta) else 0
    return out


# =============================================================================================
# poisson_log_glm(y | x, alpha, beta)
# =============================================================================================

@kernel
def _poisson_log_glm_core(yv, sy, X, sx, av, sa, beta, grad, want_dx):
    N = _nobs_core(yv.shape[0], sy, X, sx)
    K = beta.shape[0]
    dx = _dx_core(N, K, sx, grad and want_dx)
    da = np.zeros(av.shape[0] if grad else 0)
    db = np.zeros(K if grad else 0)
    lp = 0.0
    for n in range(N):
        ix = n * sx
        eta = av[n * sa]
        for k in range(K):
            eta += X[ix, k] * beta[k]
        yn = yv[n * sy]
        ee = math.exp(eta)
        lp += yn * eta - ee
        if grad:
            g = yn - ee
            da[n * sa] += g
            for k in range(K):
                db[k] += g * X[ix, k]
            if want_dx:
                for k in range(K):
                    dx[ix, k] += g * beta[k]
    return lp, dx, da, db


@kernel
def _lgamma_y1(y, N):
    """sum over observations of lgamma(y_n + 1)."""
    if _is_vec(y):
        s = 0.0
        for n in range(N):
            s += math.lgamma(_at(y, n) + 1.0)
        return s
    return N * math.lgamma(_at(y, 0) + 1.0)


@kernel
def poisson_log_glm_lpmf(y, x, alpha, beta):
    r = _poisson_log_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), _as1d(alpha),
                              _st(alpha), beta, np.bool_(False), np.bool_(False))
    return r[0] - _lgamma_y1(y, _glm_n(y, x))


@kernel
def poisson_log_glm_lpmf_d(y, x, alpha, beta):
    r = _poisson_log_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), _as1d(alpha),
                              _st(alpha), beta, np.bool_(True), np.bool_(True))
    return r[0] - _lgamma_y1(y, _glm_n(y, x)), _xlike(x, r[1]), _like(alpha, r[2]), r[3]


@kernel
def poisson_log_glm_lpmf_d_nox(y, x, alpha, beta):
    r = _poisson_log_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), _as1d(alpha),
                              _st(alpha), beta, np.bool_(True), np.bool_(False))
    return r[0] - _lgamma_y1(y, _glm_n(y, x)), _xlike(x, r[1]), _like(alpha, r[2]), r[3]


@kernel
def poisson_log_glm_dropped(y, x, alpha, beta, a_y, a_x, a_alpha, a_beta):
    if a_x or a_alpha or a_beta:
        return -_lgamma_y1(y, _glm_n(y, x))
    return poisson_log_glm_lpmf(y, x, alpha, beta)


@kernel
def _check_nonneg_ints(y):
    for n in range(_vlen(y)):
        if _at(y, n) < 0:
            return False
    return True


@kernel
def poisson_log_glm_check(y, x, alpha, beta):
    p = _glm_sizes(y, x, alpha, beta, 3, 4)
    if p:
        return p
    if not _check_nonneg_ints(y):
        return 1
    if not _all_finite(x):
        return 2
    if not _all_finite_any(alpha):
        return 3
    if not _all_finite(beta):
        return 4
    return 0


# =============================================================================================
# neg_binomial_2_log_glm(y | x, alpha, beta, phi)
# =============================================================================================

@kernel
def _nb2_glm_core(yv, sy, X, sx, av, sa, beta, pv, sp, grad, want_dx):
    """Terms in Stan Math's grouping: (-lgamma(y+1), precision terms, -(y+phi) log(phi+e^eta),
    y eta) and gradients."""
    N = _nobs_core(yv.shape[0], sy, X, sx)
    K = beta.shape[0]
    dx = _dx_core(N, K, sx, grad and want_dx)
    da = np.zeros(av.shape[0] if grad else 0)
    db = np.zeros(K if grad else 0)
    dp = np.zeros(pv.shape[0] if grad else 0)
    t_const = 0.0
    t_prec = 0.0
    t_mid = 0.0
    t_lin = 0.0
    # a scalar phi: its logs, lgamma and digamma once
    lph0 = math.log(pv[0]) if pv.shape[0] > 0 else 0.0
    lg0 = math.lgamma(pv[0]) if pv.shape[0] > 0 else 0.0
    dg0 = _digamma(pv[0]) if (grad and pv.shape[0] > 0) else 0.0
    for n in range(N):
        ix = n * sx
        eta = av[n * sa]
        for k in range(K):
            eta += X[ix, k] * beta[k]
        yn = float(yv[n * sy])
        ph = pv[n * sp]
        lph = math.log(ph) if sp == 1 else lph0
        lgph = math.lgamma(ph) if sp == 1 else lg0
        # lse = log(phi + exp(eta)); q = exp(eta - lse), p = 1 - q = phi exp(-lse), one exp
        d = eta - lph
        ed = math.exp(-abs(d))
        lse = lph + max(d, 0.0) + math.log1p(ed)
        q = (1.0 if d > 0.0 else ed) / (1.0 + ed)
        pq = (ed if d > 0.0 else 1.0) / (1.0 + ed)
        ypp = yn + ph
        t_const -= math.lgamma(yn + 1.0)
        t_prec += ph * lph - lgph + math.lgamma(ypp)
        t_mid -= ypp * lse
        t_lin += yn * eta
        if grad:
            g = yn - ypp * q
            da[n * sa] += g
            for k in range(K):
                db[k] += g * X[ix, k]
            if want_dx:
                for k in range(K):
                    dx[ix, k] += g * beta[k]
            dgph = _digamma(ph) if sp == 1 else dg0
            dp[n * sp] += 1.0 - ypp * pq / ph + lph - lse + _digamma(ypp) - dgph
    return t_const, t_prec, t_mid, t_lin, dx, da, db, dp


@kernel
def neg_binomial_2_log_glm_lpmf(y, x, alpha, beta, phi):
    r = _nb2_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), _as1d(alpha), _st(alpha),
                      beta, _as1d(phi), _st(phi), np.bool_(False), np.bool_(False))
    return r[0] + r[1] + r[2] + r[3]


@kernel
def neg_binomial_2_log_glm_lpmf_d(y, x, alpha, beta, phi):
    r = _nb2_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), _as1d(alpha), _st(alpha),
                      beta, _as1d(phi), _st(phi), np.bool_(True), np.bool_(True))
    return (r[0] + r[1] + r[2] + r[3], _xlike(x, r[4]), _like(alpha, r[5]), r[6],
            _like(phi, r[7]))


@kernel
def neg_binomial_2_log_glm_lpmf_d_nox(y, x, alpha, beta, phi):
    r = _nb2_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), _as1d(alpha), _st(alpha),
                      beta, _as1d(phi), _st(phi), np.bool_(True), np.bool_(False))
    return (r[0] + r[1] + r[2] + r[3], _xlike(x, r[4]), _like(alpha, r[5]), r[6],
            _like(phi, r[7]))


@kernel
def neg_binomial_2_log_glm_dropped(y, x, alpha, beta, phi, a_y, a_x, a_alpha, a_beta, a_phi):
    r = _nb2_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), _as1d(alpha), _st(alpha),
                      beta, _as1d(phi), _st(phi), np.bool_(False), np.bool_(False))
    lin = a_x or a_alpha or a_beta
    if not (lin or a_phi):
        return r[0] + r[1] + r[2] + r[3]
    d = r[0]
    if not a_phi:
        d += r[1]
    if not lin:
        d += r[3]
    return d


@kernel
def neg_binomial_2_log_glm_check(y, x, alpha, beta, phi):
    p = _glm_sizes(y, x, alpha, beta, 3, 4)
    if p:
        return p
    nphi = _nobs(phi)
    if nphi >= 0 and nphi != _glm_n(y, x):
        return 5
    if not _check_nonneg_ints(y):
        return 1
    if not _all_finite(x):
        return 2
    if not _all_finite_any(alpha):
        return 3
    if not _all_finite(beta):
        return 4
    for n in range(_vlen(phi)):
        s = _at(phi, n)
        if not (s > 0.0) or not math.isfinite(s):
            return 5
    return 0


# =============================================================================================
# categorical_logit_glm(y | x, alpha, beta): alpha a C-vector, beta a K x C matrix
# =============================================================================================

@kernel
def _categorical_logit_glm_core(yv, sy, X, sx, alpha, beta, grad, want_dx):
    N = _nobs_core(yv.shape[0], sy, X, sx)
    K = beta.shape[0]
    C = beta.shape[1]
    dx = _dx_core(N, K, sx, grad and want_dx)
    da = np.zeros(C if grad else 0)
    db = np.zeros((K if grad else 0, C))
    eta = np.empty(C)
    g = np.empty(C)
    lp = 0.0
    for n in range(N):
        ix = n * sx
        for c in range(C):
            eta[c] = alpha[c]
        for k in range(K):
            xk = X[ix, k]
            for c in range(C):
                eta[c] += xk * beta[k, c]
        m = -np.inf
        for c in range(C):
            m = max(m, eta[c])
        s = 0.0
        for c in range(C):
            s += math.exp(eta[c] - m)
        lse = m + math.log(s)
        yn = yv[n * sy] - 1
        if yn < 0 or yn >= C:
            lp = -np.inf
            continue
        lp += eta[yn] - lse
        if grad:
            for c in range(C):
                g[c] = -math.exp(eta[c] - lse)
            g[yn] += 1.0
            for c in range(C):
                da[c] += g[c]
            for k in range(K):
                xk = X[ix, k]
                for c in range(C):
                    db[k, c] += xk * g[c]
            if want_dx:
                for k in range(K):
                    t = 0.0
                    for c in range(C):
                        t += beta[k, c] * g[c]
                    dx[ix, k] += t
    return lp, dx, da, db


@kernel
def categorical_logit_glm_lpmf(y, x, alpha, beta):
    return _categorical_logit_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), alpha,
                                       beta, np.bool_(False), np.bool_(False))[0]


@kernel
def categorical_logit_glm_lpmf_d(y, x, alpha, beta):
    r = _categorical_logit_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), alpha,
                                       beta, np.bool_(True), np.bool_(True))
    return r[0], _xlike(x, r[1]), r[2], r[3]


@kernel
def categorical_logit_glm_lpmf_d_nox(y, x, alpha, beta):
    r = _categorical_logit_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), alpha,
                                       beta, np.bool_(True), np.bool_(False))
    return r[0], _xlike(x, r[1]), r[2], r[3]


@kernel
def categorical_logit_glm_dropped(y, x, alpha, beta, a_y, a_x, a_alpha, a_beta):
    if a_x or a_alpha or a_beta:
        return 0.0
    return categorical_logit_glm_lpmf(y, x, alpha, beta)


@kernel
def categorical_logit_glm_check(y, x, alpha, beta):
    N = _glm_n(y, x)
    ny = _nobs(y)
    if ny >= 0 and ny != N:
        return 1
    if beta.shape[0] != _kx(x):
        return 4
    if alpha.shape[0] != beta.shape[1]:
        return 3
    C = beta.shape[1]
    for n in range(_vlen(y)):
        v = _at(y, n)
        if v < 1 or v > C:
            return 1
    if not _all_finite(x):
        return 2
    if not _all_finite(alpha):
        return 3
    if not _all_finite(beta):
        return 4
    return 0


# =============================================================================================
# ordered_logistic_glm(y | x, beta, cuts)
# =============================================================================================

@kernel
def _ordered_logistic_glm_core(yv, sy, X, sx, beta, cuts, grad, want_dx):
    N = _nobs_core(yv.shape[0], sy, X, sx)
    K = beta.shape[0]
    C = np.atleast_2d(cuts)
    Km1 = cuts.shape[0]
    dx = _dx_core(N, K, sx, grad and want_dx)
    db = np.zeros(K if grad else 0)
    dc = np.zeros(Km1 if grad else 0)
    lp = 0.0
    for n in range(N):
        ix = n * sx
        eta = 0.0
        for k in range(K):
            eta += X[ix, k] * beta[k]
        yn = yv[n * sy]
        if yn < 1 or yn > Km1 + 1:
            lp = -np.inf
            continue
        r = _ord_term(yn, eta, C, np.int64(0), np.bool_(False))
        lp += r[0]
        if grad:
            g = r[1]
            for k in range(K):
                db[k] += g * X[ix, k]
            if want_dx:
                for k in range(K):
                    dx[ix, k] += g * beta[k]
            if yn >= 2:
                dc[yn - 2] += r[2]
            if yn <= Km1:
                dc[yn - 1] += r[3]
    return lp, dx, db, dc


@kernel
def ordered_logistic_glm_lpmf(y, x, beta, cuts):
    return _ordered_logistic_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), beta, cuts,
                                      np.bool_(False), np.bool_(False))[0]


@kernel
def ordered_logistic_glm_lpmf_d(y, x, beta, cuts):
    r = _ordered_logistic_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), beta, cuts,
                                      np.bool_(True), np.bool_(True))
    return r[0], _xlike(x, r[1]), r[2], r[3]


@kernel
def ordered_logistic_glm_lpmf_d_nox(y, x, beta, cuts):
    r = _ordered_logistic_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), beta, cuts,
                                      np.bool_(True), np.bool_(False))
    return r[0], _xlike(x, r[1]), r[2], r[3]


@kernel
def ordered_logistic_glm_dropped(y, x, beta, cuts, a_y, a_x, a_beta, a_cuts):
    if a_x or a_beta or a_cuts:
        return 0.0
    return ordered_logistic_glm_lpmf(y, x, beta, cuts)


@kernel
def ordered_logistic_glm_check(y, x, beta, cuts):
    N = _glm_n(y, x)
    ny = _nobs(y)
    if ny >= 0 and ny != N:
        return 1
    if beta.shape[0] != _kx(x):
        return 3
    Km1 = cuts.shape[0]
    for n in range(_vlen(y)):
        v = _at(y, n)
        if v < 1 or v > Km1 + 1:
            return 1
    if not _all_finite(x):
        return 2
    if not _all_finite(beta):
        return 3
    if not _is_ordered(cuts) or not _all_finite(cuts):
        return 4
    return 0


# =============================================================================================
# Registration in multivariate.FAMILIES
# =============================================================================================

_MOD = sys.modules[__name__]
_Y = "Vector of dependent variables"
_X = "Matrix of independent variables must be finite (N x K, or a row vector)"
_A = "Intercept must be finite (a scalar, or one per row of x)"
_B = "Weight vector must be finite, of size K (the columns of x)"
_register("normal_id_glm", "y x alpha beta sigma",
          ("reals", "matrix|row_vector", "reals", "vector", "reals"), ("", "", "", "", "positive"),
          ("", "", "", "", ""),
          (_Y + " must be finite, one per row of x", _X, _A, _B,
           "Scale vector must be positive finite (a scalar, or one per row of x)"),
          False, None, module=_MOD, extra=("d_nox",))
_register("bernoulli_logit_glm", "y x alpha beta",
          ("ints", "matrix|row_vector", "reals", "vector"), ("", "", "", ""), ("", "", "", ""),
          (_Y + " must be in the interval [0, 1], one per row of x", _X, _A, _B),
          True, "x alpha beta", module=_MOD, extra=("d_nox",))
_register("poisson_log_glm", "y x alpha beta",
          ("ints", "matrix|row_vector", "reals", "vector"), ("nonnegative", "", "", ""),
          ("", "", "", ""),
          (_Y + " must be non-negative, one per row of x", _X, _A, _B),
          True, None, module=_MOD, extra=("d_nox",))
_register("neg_binomial_2_log_glm", "y x alpha beta phi",
          ("ints", "matrix|row_vector", "reals", "vector", "reals"),
          ("nonnegative", "", "", "", "positive"), ("", "", "", "", ""),
          ("Failures variables must be non-negative, one per row of x", _X, _A, _B,
           "Precision parameter must be positive finite (a scalar, or one per row of x)"),
          True, None, module=_MOD, extra=("d_nox",))
_register("categorical_logit_glm", "y x alpha beta",
          ("ints", "matrix|row_vector", "vector", "matrix"), ("", "", "", ""), ("", "", "", ""),
          ("categorical outcome out of support: must be in the interval [1, C], one per row "
           "of x", _X, "Intercept vector must be finite, one per class (the columns of beta)",
           "Weight matrix must be finite, K x C (K the columns of x)"),
          True, None, module=_MOD, extra=("d_nox",))
_register("ordered_logistic_glm", "y x beta cuts",
          ("ints", "matrix|row_vector", "vector", "vector"), ("", "", "", "ordered"),
          ("", "", "", ""),
          (_Y + " must be in the interval [1, size(cuts) + 1], one per row of x", _X, _B,
           "Cut-points must be ordered and finite"),
          True, None, module=_MOD, extra=("d_nox",))
