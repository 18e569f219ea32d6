"""Stan's multivariate distributions: log densities, exact gradients, propto bookkeeping,
random number generators and argument checks, as numba kernels.

The GLM families live in `vilang.runtime.glm`; both modules register in `FAMILIES` at the
bottom of this file (importing either module fills the whole table).

Conventions (on top of those in `vilang.runtime`):

* Shapes.  A Stan `vector`/`row_vector` is a 1-D float64 array, a `matrix` a 2-D C-order
  float64 array, `int` an int64 scalar and `array[] int` a 1-D int64 array.  An "array of
  vectors" (Stan's `vectors` argument class) is a 2-D array with one vector per row.  Every
  entry point accepts either form wherever Stan does (one name; numba compiles one
  specialisation per combination of dimensionalities), and a gradient always has the shape
  of its argument.  A single vector (1-D) is broadcast against an array of vectors, as in
  Stan.  Where Stan takes "int or array of ints" (categorical, ordered_*) an int64 scalar or
  a 1-D int64 array is accepted, and ordered_* take a real or a vector location.
* For every family F (Stan's name):
    - `F_lpdf(y, *params)` (`F_lpmf` for integer variates): the full log density, with every
      constant.  Arguments outside the support give -inf (a non positive definite covariance,
      an outcome out of range); `F_check` reports Stan's errors.
    - `F_lpdf_d(y, *params)` -> `(lp, d_y, d_param1, ...)`: the exact gradient with respect to
      every real-valued argument, in argument order (no `d_y` for integer variates).
    - `F_dropped(y, *params, a_y, a_param1, ...)`: the sum of the terms `y ~ F(...)` drops,
      given one boolean per argument saying whether it is a parameter (autodiff variable in
      Stan).  It follows Stan Math's `include_summand` structure term by term: constants are
      always dropped, a term is dropped when none of the arguments Stan Math groups it with
      is a parameter, and with no parameter at all everything is dropped.  So
      `F_lpdf - F_dropped` is what Stan adds to `target` for `y ~ F(...)`.
    - `F_rng(*rng_args)` (see `Family.rng_args`): a draw from numba's `np.random` (seed it with
      `np.random.seed` inside a numba function, e.g. `vilang.runtime.multivariate.seed`).
      Invalid covariance/shape arguments give NaN draws instead of Stan's exception.
      multi_normal_prec, multi_gp_cholesky and gaussian_dlm_obs have generators although Stan
      has none (`Family.stan_rng` is False for them).
    - `F_check(y, *params)` -> 0 when Stan accepts the arguments, else the 1-based position of
      the first offending argument.  Size consistency is checked first (the later of two
      mismatched arguments is reported), then each argument's own requirement in order.
* Gradients with respect to matrices.  For symmetric matrix arguments (covariance,
  precision, correlation, Wishart variates, the state-space covariances) the gradient is the
  full symmetric matrix G of partial derivatives of the density written as a function of a
  general square matrix and symmetrised (G_ij = G_ji; e.g. -0.5 N Sigma^-1 +
  0.5 Sigma^-1 S Sigma^-1 for multi_normal, as Stan Math returns it): for any symmetric
  perturbation D the directional derivative is sum(G * D), so reverse mode through whatever
  built the matrix elementwise gets the right answer.  Cholesky-factor arguments only use
  their lower triangle and their gradient is lower triangular.
* Linear algebra is Cholesky based: log determinants from the factor's diagonal, quadratic
  forms by triangular solves.  Explicit inverses (formed from the factor) only appear in
  gradients whose value is itself an inverse.
* Compile time.  Shared cores are called with 2-D arrays and non-literal flags
  (`np.bool_`, `np.int64`) so that one compiled core serves every family and argument form,
  and kernels avoid numba array expressions and slice assignments (slow to compile).
"""
import math
from dataclasses import dataclass, field

import numpy as np
from numba import types
from numba.extending import overload

from .jit import kernel

LOG_PI = math.log(math.pi)
LOG_TWO = math.log(2.0)
LOG_2PI = math.log(2.0 * math.pi)
SQRT2 = math.sqrt(2.0)
CONSTRAINT_TOL = 1e-8  # Stan's CONSTRAINT_TOLERANCE (symmetry, simplex sums, unit diagonals)


# ---------------------------------------------------------------------------------------------
# Shape helpers resolved at compile time (scalar vs array arguments)
# ---------------------------------------------------------------------------------------------

def _iv(y):
    """int or int array -> 1-D int array."""


@overload(_iv)
def _ov_iv(y):
    if isinstance(y, types.Array):
        return lambda y: y
    return lambda y: np.full(1, y)


def _as1d(v):
    """A scalar as a 1-element array; an array unchanged."""


@overload(_as1d)
def _ov_as1d(v):
    if isinstance(v, types.Array):
        return lambda v: v
    return lambda v: np.full(1, v)


def _at(v, n):
    """v[n] for a vector, v for a scalar (broadcast)."""


@overload(_at)
def _ov_at(v, n):
    if isinstance(v, types.Array):
        return lambda v, n: v[n]
    return lambda v, n: v


def _gi(v, n):
    """Index of the gradient slot of element n: n for a vector, 0 for a scalar."""


@overload(_gi)
def _ov_gi(v, n):
    if isinstance(v, types.Array):
        return lambda v, n: n
    return lambda v, n: 0


def _vlen(v):
    """len(v) for a vector, 1 for a scalar (the size of its gradient buffer)."""


@overload(_vlen)
def _ov_vlen(v):
    if isinstance(v, types.Array):
        return lambda v: v.shape[0]
    return lambda v: 1


def _nobs(v):
    """len(v) for a vector, -1 for a scalar (broadcast against anything)."""


@overload(_nobs)
def _ov_nobs(v):
    if isinstance(v, types.Array):
        return lambda v: v.shape[0]
    return lambda v: -1


def _is_vec(v):
    """Compile-time constant: is v an array?"""


@overload(_is_vec)
def _ov_is_vec(v):
    if isinstance(v, types.Array):
        return lambda v: True
    return lambda v: False


def _like(v, buf):
    """A gradient buffer in the shape of v: buf for a vector, buf[0] for a scalar."""


@overload(_like)
def _ov_like(v, buf):
    if isinstance(v, types.Array):
        return lambda v, buf: buf
    return lambda v, buf: buf[0]


def _all_finite_any(v):
    """Every element of a scalar or array is finite."""


@overload(_all_finite_any)
def _ov_all_finite_any(v):
    if isinstance(v, types.Array):
        return lambda v: _all_finite(v)
    return lambda v: math.isfinite(v)


# ---------------------------------------------------------------------------------------------
# Scalar special functions (private: vilang.runtime.special is owned elsewhere)
# ---------------------------------------------------------------------------------------------

@kernel
def _digamma_pos(x):
    r = 0.0
    while x < 10.0:
        r -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    t = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (
        -1.0 / 132 + f * (691.0 / 32760 + f * (-1.0 / 12)))))))
    return r + math.log(x) - 0.5 / x + t


@kernel
def _digamma(x):
    if not (x > 0.0):
        if x == math.floor(x) or math.isnan(x):
            return np.nan
        return _digamma_pos(1.0 - x) - math.pi / math.tan(math.pi * x)
    return _digamma_pos(x)


@kernel
def _log1p_exp(x):
    if x > 0.0:
        return x + math.log1p(math.exp(-x))
    return math.log1p(math.exp(x))


@kernel
def _inv_logit(x):
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@kernel
def _log1m_exp(u):
    """log(1 - exp(u)) for u <= 0."""
    if u > -0.6931471805599453:
        return math.log(-math.expm1(u))
    return math.log1p(-math.exp(u))


@kernel
def _log_diff_exp(a, b):
    """log(exp(a) - exp(b)) for a >= b."""
    if b == -np.inf:
        return a
    return a + _log1m_exp(b - a)


@kernel
def _log_sum_exp(v):
    m = -np.inf
    for i in range(v.shape[0]):
        if v[i] > m:
            m = v[i]
    if m == -np.inf or m == np.inf:
        return m
    s = 0.0
    for i in range(v.shape[0]):
        s += math.exp(v[i] - m)
    return m + math.log(s)


@kernel
def _lbeta(a, b):
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


@kernel
def _lmgamma(k, x):
    """log of the multivariate gamma function Gamma_k(x)."""
    r = 0.25 * k * (k - 1) * LOG_PI
    for j in range(1, k + 1):
        r += math.lgamma(x + 0.5 * (1 - j))
    return r


@kernel
def _lmgamma_dx(k, x):
    r = 0.0
    for j in range(1, k + 1):
        r += _digamma(x + 0.5 * (1 - j))
    return r


@kernel
def _log_Phi(x):
    """log of the standard normal cdf, accurate in both tails."""
    if x > 0.0:
        return math.log1p(-0.5 * math.erfc(x / SQRT2))
    if x > -20.0:
        return math.log(0.5 * math.erfc(-x / SQRT2))
    if x == -np.inf:
        return -np.inf
    # Phi(x) = phi(x) / D with D the continued fraction t + 1/(t + 2/(t + 3/(t + ...))).
    t = -x
    d = t
    for k in range(40, 0, -1):
        d = t + k / d
    return -0.5 * x * x - 0.5 * LOG_2PI - math.log(d)


@kernel
def _log_phi(x):
    return -0.5 * x * x - 0.5 * LOG_2PI


@kernel
def _log_Phi_diff(a, b):
    """log(Phi(a) - Phi(b)) for a > b."""
    if b >= 0.0:
        return _log_diff_exp(_log_Phi(-b), _log_Phi(-a))
    if a <= 0.0:
        return _log_diff_exp(_log_Phi(a), _log_Phi(b))
    return math.log(0.5 * (math.erf(a / SQRT2) - math.erf(b / SQRT2)))


# ---------------------------------------------------------------------------------------------
# Dense linear algebra on small matrices (plain loops: compile fast, no exceptions)
# ---------------------------------------------------------------------------------------------

@kernel
def _chol(A):
    """Lower Cholesky factor of the symmetric matrix whose lower triangle is A's.
    Returns (L, ok); ok is False when A is not (numerically) positive definite."""
    n = A.shape[0]
    L = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1):
            s = A[i, j]
            for k in range(j):
                s -= L[i, k] * L[j, k]
            if i == j:
                if not (s > 0.0) or not math.isfinite(s):
                    return L, False
                L[i, i] = math.sqrt(s)
            else:
                L[i, j] = s / L[j, j]
    return L, True


@kernel
def _tril(A):
    n = A.shape[0]
    L = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1):
            L[i, j] = A[i, j]
    return L


@kernel
def _fsolve(L, b, z):
    """z = L^-1 b (L lower triangular)."""
    n = L.shape[0]
    for i in range(n):
        s = b[i]
        for k in range(i):
            s -= L[i, k] * z[k]
        z[i] = s / L[i, i]


@kernel
def _bsolve(L, z, w):
    """w = L^-T z (L lower triangular)."""
    n = L.shape[0]
    for i in range(n):
        w[i] = z[i]
    for i in range(n - 1, -1, -1):
        w[i] /= L[i, i]
        wi = w[i]
        for k in range(i):
            w[k] -= L[i, k] * wi


@kernel
def _tri_inv(L):
    """Inverse of a lower-triangular matrix (lower triangular)."""
    n = L.shape[0]
    X = np.zeros((n, n))
    for i in range(n):
        X[i, i] = 1.0 / L[i, i]
        for k in range(i):
            lik = L[i, k]
            for j in range(k + 1):
                X[i, j] -= lik * X[k, j]
        for j in range(i):
            X[i, j] *= X[i, i]
    return X


@kernel
def _chol_inv(L):
    """(L L^T)^-1 from the lower Cholesky factor L."""
    n = L.shape[0]
    X = _tri_inv(L)
    S = np.zeros((n, n))
    for k in range(n):
        for i in range(k + 1):
            xki = X[k, i]
            for j in range(k + 1):
                S[i, j] += xki * X[k, j]
    return S


@kernel
def _sum_log_diag(L):
    s = 0.0
    for i in range(L.shape[0]):
        s += math.log(L[i, i])
    return s


@kernel
def _matmul(A, B):
    n, m = A.shape
    p = B.shape[1]
    C = np.zeros((n, p))
    for i in range(n):
        for k in range(m):
            a = A[i, k]
            for j in range(p):
                C[i, j] += a * B[k, j]
    return C


@kernel
def _matmul_tn(A, B):
    """A^T B."""
    m, n = A.shape
    p = B.shape[1]
    C = np.zeros((n, p))
    for k in range(m):
        for i in range(n):
            a = A[k, i]
            for j in range(p):
                C[i, j] += a * B[k, j]
    return C


@kernel
def _matmul_nt(A, B):
    """A B^T."""
    n, m = A.shape
    p = B.shape[0]
    C = np.zeros((n, p))
    for i in range(n):
        for j in range(p):
            s = 0.0
            for k in range(m):
                s += A[i, k] * B[j, k]
            C[i, j] = s
    return C


@kernel
def _axpy(Y, c, X):
    """Y += c X for matrices (a loop: numba's array expressions are slow to compile)."""
    n, m = Y.shape
    for i in range(n):
        for j in range(m):
            Y[i, j] += c * X[i, j]


@kernel
def _fill_nan(A):
    n, m = A.shape
    for i in range(n):
        for j in range(m):
            A[i, j] = np.nan


@kernel
def _symmetrize(A):
    n = A.shape[0]
    for i in range(n):
        for j in range(i):
            s = 0.5 * (A[i, j] + A[j, i])
            A[i, j] = s
            A[j, i] = s


@kernel
def _psd_factor(A):
    """A lower factor L with L L^T = A for a symmetric positive semi-definite A (zero columns
    where A is singular).  Returns (L, ok); ok is False when A is not PSD (tolerance scaled
    by the largest diagonal element)."""
    n = A.shape[0]
    L = np.zeros((n, n))
    scale = 0.0
    for i in range(n):
        scale = max(scale, abs(A[i, i]))
    tol = 1e-10 * max(scale, 1e-300)
    for j in range(n):
        d = A[j, j]
        for k in range(j):
            d -= L[j, k] * L[j, k]
        if not (d >= -tol):
            return L, False
        if d <= tol:
            for i in range(j + 1, n):
                s = A[i, j]
                for k in range(j):
                    s -= L[i, k] * L[j, k]
                if abs(s) > math.sqrt(tol) * 1e-2 + 1e3 * tol:
                    return L, False
            continue
        L[j, j] = math.sqrt(d)
        for i in range(j + 1, n):
            s = A[i, j]
            for k in range(j):
                s -= L[i, k] * L[j, k]
            L[i, j] = s / L[j, j]
    return L, True


# ---------------------------------------------------------------------------------------------
# Checks (Stan's check_* functions, returning booleans)
# ---------------------------------------------------------------------------------------------

@kernel
def _all_finite(a):
    for v in a.flat:
        if not math.isfinite(v):
            return False
    return True


@kernel
def _no_nan(a):
    for v in a.flat:
        if math.isnan(v):
            return False
    return True


@kernel
def _is_square(A):
    return A.shape[0] == A.shape[1]


@kernel
def _is_symmetric(A):
    if A.shape[0] != A.shape[1]:
        return False
    n = A.shape[0]
    for i in range(n):
        for j in range(i):
            if not (abs(A[i, j] - A[j, i]) <= CONSTRAINT_TOL):
                return False
    return True


@kernel
def _is_pos_def(A):
    """check_pos_definite / check_ldlt_factor: symmetric, non-empty, positive definite."""
    if A.shape[0] == 0 or not _is_symmetric(A) or not _no_nan(A):
        return False
    L, ok = _chol(A)
    return ok


@kernel
def _is_pos_semidef(A):
    if A.shape[0] == 0 or not _is_symmetric(A) or not _no_nan(A):
        return False
    L, ok = _psd_factor(A)
    return ok


@kernel
def _is_lower_tri(L):
    n, m = L.shape
    for i in range(n):
        for j in range(i + 1, m):
            if L[i, j] != 0.0:
                return False
    return True


@kernel
def _is_chol_factor(L):
    """check_cholesky_factor for a square L: lower triangular, positive diagonal."""
    if L.shape[0] != L.shape[1] or L.shape[0] == 0 or not _is_lower_tri(L):
        return False
    for i in range(L.shape[0]):
        if not (L[i, i] > 0.0):
            return False
    return True


@kernel
def _is_corr(A):
    """check_corr_matrix: square, non-empty, unit diagonal, positive definite."""
    if A.shape[0] != A.shape[1] or A.shape[0] == 0:
        return False
    for i in range(A.shape[0]):
        if not (abs(A[i, i] - 1.0) <= CONSTRAINT_TOL):
            return False
    return _is_pos_def(A)


@kernel
def _is_simplex(v):
    n = v.shape[0]
    if n == 0:
        return False
    s = 0.0
    for i in range(n):
        if not (v[i] >= 0.0):
            return False
        s += v[i]
    return abs(1.0 - s) <= CONSTRAINT_TOL


@kernel
def _is_ordered(v):
    for i in range(1, v.shape[0]):
        if not (v[i] > v[i - 1]):
            return False
    return True


@kernel
def _all_positive(v):
    for x in v.flat:
        if not (x > 0.0):
            return False
    return True


@kernel
def _all_positive_finite(v):
    for x in v.flat:
        if not (x > 0.0) or not math.isfinite(x):
            return False
    return True


@kernel
def _all_nonneg_int(v):
    for x in v.flat:
        if x < 0:
            return False
    return True


@kernel
def _rows_compatible(na, nb, a_is_single, b_is_single):
    """Stan's check_consistent_sizes_mvt for arrays of vectors."""
    return na == nb or a_is_single or b_is_single


@kernel
def seed(s):
    """Seed numba's random generator (the one every `_rng` here draws from)."""
    np.random.seed(s)


# =============================================================================================
# multi_normal, multi_normal_cholesky, multi_normal_prec, multi_student_t: one shared core
# =============================================================================================

_COV, _CHOL, _PREC, _STUDENT = 0, 1, 2, 3


@kernel
def _mvn_core(Y, M, S, nu, mode, grad):
    """Terms (const, log-determinant, dof, quadratic) and gradients (dY, dM, dS, dnu) of the
    multivariate normal (mode 0 covariance, 1 Cholesky factor, 2 precision) and Student-t
    (mode 3) log densities, summed over the vectors (rows) of Y and M; a single row is
    broadcast.  (Callers pass 2-D arrays and non-literal mode/grad so that one compiled core
    serves every family and shape.)"""
    ny = Y.shape[0]
    nm = M.shape[0]
    K = Y.shape[1]
    N = max(ny, nm)
    if ny == 0 or nm == 0:
        N = 0
    dY = np.zeros((ny if grad else 0, K))
    dM = np.zeros((nm if grad else 0, K))
    dS = np.zeros((K if grad else 0, K if grad else 0))
    if mode == _STUDENT and math.isinf(nu):
        mode = _COV
    if N == 0 or K == 0:
        return 0.0, 0.0, 0.0, 0.0, dY, dM, dS, 0.0
    if mode == _CHOL:
        L = _tril(S)
        ok = True
    else:
        L, ok = _chol(S)
    if not ok:
        return -np.inf, 0.0, 0.0, 0.0, dY, dM, dS, 0.0
    sld = _sum_log_diag(L)
    const = -0.5 * N * K * (LOG_PI if mode == _STUDENT else LOG_2PI)
    ldterm = N * sld if mode == _PREC else -N * sld
    r = np.empty(K)
    z = np.empty(K)
    w = np.empty(K)
    quad = 0.0
    dnu = 0.0
    for n in range(N):
        iy = n if ny > 1 else 0
        im = n if nm > 1 else 0
        for k in range(K):
            r[k] = Y[iy, k] - M[im, k]
        if mode == _PREC:
            q = 0.0
            for i in range(K):
                s = 0.0
                for j in range(K):
                    s += 0.5 * (S[i, j] + S[j, i]) * r[j]
                w[i] = s
                q += r[i] * s
            quad += q
            if grad:
                for k in range(K):
                    dY[iy, k] -= w[k]
                    dM[im, k] += w[k]
                for i in range(K):
                    for j in range(K):
                        dS[i, j] -= 0.5 * r[i] * r[j]
        else:
            _fsolve(L, r, z)
            q = 0.0
            for k in range(K):
                q += z[k] * z[k]
            if mode == _STUDENT:
                quad += math.log1p(q / nu)
            else:
                quad += q
            if grad:
                _bsolve(L, z, w)
                c = (nu + K) / (nu + q) if mode == _STUDENT else 1.0
                for k in range(K):
                    dY[iy, k] -= c * w[k]
                    dM[im, k] += c * w[k]
                if mode == _CHOL:
                    for i in range(K):
                        for j in range(i + 1):
                            dS[i, j] += w[i] * z[j]
                else:
                    for i in range(K):
                        for j in range(K):
                            dS[i, j] += 0.5 * c * w[i] * w[j]
                if mode == _STUDENT:
                    dnu += -0.5 * math.log1p(q / nu) + 0.5 * (nu + K) * q / (nu * (nu + q))
    dof = 0.0
    if mode == _STUDENT:
        quadterm = -0.5 * (nu + K) * quad
        dof = N * (math.lgamma(0.5 * (nu + K)) - math.lgamma(0.5 * nu) - 0.5 * K * math.log(nu))
    else:
        quadterm = -0.5 * quad
    if grad:
        if mode == _CHOL:
            for i in range(K):
                dS[i, i] -= N / L[i, i]
        else:
            Sinv = _chol_inv(L)
            f = 0.5 * N if mode == _PREC else -0.5 * N
            for i in range(K):
                for j in range(K):
                    dS[i, j] += f * Sinv[i, j]
        if mode == _STUDENT:
            dnu += N * (0.5 * _digamma(0.5 * (nu + K)) - 0.5 * _digamma(0.5 * nu) - 0.5 * K / nu)
    return const, ldterm, dof, quadterm, dY, dM, dS, dnu


@kernel
def _mvn_value(Y, M, S, nu, mode):
    """The log density of `_mvn_core` without gradients (a smaller kernel for `_lpdf`)."""
    ny = Y.shape[0]
    nm = M.shape[0]
    K = Y.shape[1]
    N = max(ny, nm)
    if ny == 0 or nm == 0 or K == 0:
        return 0.0
    if mode == _STUDENT and math.isinf(nu):
        mode = _COV
    if mode == _CHOL:
        L = _tril(S)
        ok = True
    else:
        L, ok = _chol(S)
    if not ok:
        return -np.inf
    sld = _sum_log_diag(L)
    lp = -0.5 * N * K * (LOG_PI if mode == _STUDENT else LOG_2PI)
    lp += N * sld if mode == _PREC else -N * sld
    r = np.empty(K)
    z = np.empty(K)
    quad = 0.0
    for n in range(N):
        iy = n if ny > 1 else 0
        im = n if nm > 1 else 0
        for k in range(K):
            r[k] = Y[iy, k] - M[im, k]
        if mode == _PREC:
            q = 0.0
            for i in range(K):
                t = 0.0
                for j in range(K):
                    t += 0.5 * (S[i, j] + S[j, i]) * r[j]
                q += r[i] * t
        else:
            _fsolve(L, r, z)
            q = 0.0
            for k in range(K):
                q += z[k] * z[k]
        quad += math.log1p(q / nu) if mode == _STUDENT else q
    if mode == _STUDENT:
        lp += N * (math.lgamma(0.5 * (nu + K)) - math.lgamma(0.5 * nu) - 0.5 * K * math.log(nu))
        lp -= 0.5 * (nu + K) * quad
    else:
        lp -= 0.5 * quad
    return lp


@kernel
def _mvn_dropped(Y, M, S, nu, mode, with_ld, with_dof):
    """The constant, and optionally the log-determinant and degrees-of-freedom terms of
    `_mvn_core`, without the quadratic forms."""
    N = max(Y.shape[0], M.shape[0])
    if Y.shape[0] == 0 or M.shape[0] == 0:
        N = 0
    K = Y.shape[1]
    if mode == _STUDENT and math.isinf(nu):
        mode = _COV
    if N == 0 or K == 0:
        return 0.0
    d = -0.5 * N * K * (LOG_PI if mode == _STUDENT else LOG_2PI)
    if with_ld:
        if mode == _CHOL:
            sld = _sum_log_diag(S)
        else:
            L, ok = _chol(S)
            if not ok:
                return -np.inf
            sld = _sum_log_diag(L)
        d += N * sld if mode == _PREC else -N * sld
    if with_dof and mode == _STUDENT:
        d += N * (math.lgamma(0.5 * (nu + K)) - math.lgamma(0.5 * nu) - 0.5 * K * math.log(nu))
    return d


@kernel
def _mvn_sizes(y, mu, S):
    """0, or the position (2 or 3) of the argument whose size is inconsistent."""
    Y = np.atleast_2d(y)
    M = np.atleast_2d(mu)
    if not _rows_compatible(Y.shape[0], M.shape[0], y.ndim == 1, mu.ndim == 1):
        return 2
    if Y.shape[1] != M.shape[1]:
        return 2
    if S.shape[0] != Y.shape[1] or S.shape[1] != Y.shape[1]:
        return 3
    return 0


# --- multi_normal -----------------------------------------------------------------------------

@kernel
def multi_normal_lpdf(y, mu, Sigma):
    return _mvn_value(np.atleast_2d(y), np.atleast_2d(mu), Sigma, 0.0, np.int64(_COV))


@kernel
def multi_normal_lpdf_d(y, mu, Sigma):
    r = _mvn_core(np.atleast_2d(y), np.atleast_2d(mu), Sigma, 0.0, np.int64(_COV),
                  np.bool_(True))
    return r[0] + r[1] + r[3], r[4].reshape(y.shape), r[5].reshape(mu.shape), r[6]


@kernel
def multi_normal_dropped(y, mu, Sigma, a_y, a_mu, a_Sigma):
    if not (a_y or a_mu or a_Sigma):
        return multi_normal_lpdf(y, mu, Sigma)
    return _mvn_dropped(np.atleast_2d(y), np.atleast_2d(mu), Sigma, 0.0, np.int64(_COV),
                        np.bool_(not a_Sigma), np.bool_(False))


@kernel
def multi_normal_check(y, mu, Sigma):
    p = _mvn_sizes(y, mu, Sigma)
    if p:
        return p
    if not _no_nan(y):
        return 1
    if not _all_finite(mu):
        return 2
    if not _is_pos_def(Sigma):
        return 3
    return 0


@kernel
def _mvn_draw(mu, L):
    M = np.atleast_2d(mu)
    n, K = M.shape
    out = np.empty((n, K))
    z = np.empty(K)
    for i in range(n):
        for k in range(K):
            z[k] = np.random.standard_normal()
        for k in range(K):
            s = M[i, k]
            for j in range(k + 1):
                s += L[k, j] * z[j]
            out[i, k] = s
    return out.reshape(mu.shape)


@kernel
def multi_normal_rng(mu, Sigma):
    L, ok = _chol(Sigma)
    if not ok:
        _fill_nan(L)  # invalid arguments give NaN draws (Stan raises)
    return _mvn_draw(mu, L)


# --- multi_normal_cholesky ---------------------------------------------------------------------

@kernel
def multi_normal_cholesky_lpdf(y, mu, L):
    return _mvn_value(np.atleast_2d(y), np.atleast_2d(mu), L, 0.0, np.int64(_CHOL))


@kernel
def multi_normal_cholesky_lpdf_d(y, mu, L):
    r = _mvn_core(np.atleast_2d(y), np.atleast_2d(mu), L, 0.0, np.int64(_CHOL),
                  np.bool_(True))
    return r[0] + r[1] + r[3], r[4].reshape(y.shape), r[5].reshape(mu.shape), r[6]


@kernel
def multi_normal_cholesky_dropped(y, mu, L, a_y, a_mu, a_L):
    if not (a_y or a_mu or a_L):
        return multi_normal_cholesky_lpdf(y, mu, L)
    return _mvn_dropped(np.atleast_2d(y), np.atleast_2d(mu), L, 0.0, np.int64(_CHOL),
                        np.bool_(not a_L), np.bool_(False))


@kernel
def multi_normal_cholesky_check(y, mu, L):
    p = _mvn_sizes(y, mu, L)
    if p:
        return p
    if not _no_nan(y):
        return 1
    if not _all_finite(mu):
        return 2
    return 0


@kernel
def multi_normal_cholesky_rng(mu, L):
    return _mvn_draw(mu, _tril(L))


# --- multi_normal_prec -------------------------------------------------------------------------

@kernel
def multi_normal_prec_lpdf(y, mu, Omega):
    return _mvn_value(np.atleast_2d(y), np.atleast_2d(mu), Omega, 0.0, np.int64(_PREC))


@kernel
def multi_normal_prec_lpdf_d(y, mu, Omega):
    r = _mvn_core(np.atleast_2d(y), np.atleast_2d(mu), Omega, 0.0, np.int64(_PREC),
                  np.bool_(True))
    return r[0] + r[1] + r[3], r[4].reshape(y.shape), r[5].reshape(mu.shape), r[6]


@kernel
def multi_normal_prec_dropped(y, mu, Omega, a_y, a_mu, a_Omega):
    if not (a_y or a_mu or a_Omega):
        return multi_normal_prec_lpdf(y, mu, Omega)
    return _mvn_dropped(np.atleast_2d(y), np.atleast_2d(mu), Omega, 0.0, np.int64(_PREC),
                        np.bool_(not a_Omega), np.bool_(False))


@kernel
def multi_normal_prec_check(y, mu, Omega):
    p = _mvn_sizes(y, mu, Omega)
    if p:
        return p
    if not _no_nan(y):
        return 1
    if not _all_finite(mu):
        return 2
    if not _is_pos_def(Omega):
        return 3
    return 0


@kernel
def multi_normal_prec_rng(mu, Omega):
    """Not in Stan: y = mu + L^-T z with Omega = L L^T."""
    L, ok = _chol(Omega)
    if not ok:
        _fill_nan(L)
    M = np.atleast_2d(mu)
    n, K = M.shape
    out = np.empty((n, K))
    z = np.empty(K)
    w = np.empty(K)
    for i in range(n):
        for k in range(K):
            z[k] = np.random.standard_normal()
        _bsolve(L, z, w)
        for k in range(K):
            out[i, k] = M[i, k] + w[k]
    return out.reshape(mu.shape)


# --- multi_student_t ---------------------------------------------------------------------------

@kernel
def multi_student_t_lpdf(y, nu, mu, Sigma):
    return _mvn_value(np.atleast_2d(y), np.atleast_2d(mu), Sigma, nu, np.int64(_STUDENT))


@kernel
def multi_student_t_lpdf_d(y, nu, mu, Sigma):
    r = _mvn_core(np.atleast_2d(y), np.atleast_2d(mu), Sigma, nu, np.int64(_STUDENT),
                  np.bool_(True))
    return (r[0] + r[1] + r[2] + r[3], r[4].reshape(y.shape), r[7], r[5].reshape(mu.shape),
            r[6])


@kernel
def multi_student_t_dropped(y, nu, mu, Sigma, a_y, a_nu, a_mu, a_Sigma):
    if math.isinf(nu):
        return 0.0  # Stan evaluates multi_normal without propto for nu = inf
    if not (a_y or a_nu or a_mu or a_Sigma):
        return multi_student_t_lpdf(y, nu, mu, Sigma)
    return _mvn_dropped(np.atleast_2d(y), np.atleast_2d(mu), Sigma, nu, np.int64(_STUDENT),
                        np.bool_(not a_Sigma), np.bool_(not a_nu))


@kernel
def multi_student_t_check(y, nu, mu, Sigma):
    p = _mvn_sizes(y, mu, Sigma)
    if p:
        return 3 if p == 2 else 4
    if not _no_nan(y):
        return 1
    if not (nu > 0.0):
        return 2
    if not _all_finite(mu):
        return 3
    if not _is_pos_def(Sigma):
        return 4
    return 0


@kernel
def multi_student_t_rng(nu, mu, Sigma):
    L, ok = _chol(Sigma)
    if not ok or not (nu > 0.0):
        _fill_nan(L)
    M = np.atleast_2d(mu)
    n, K = M.shape
    out = np.empty((n, K))
    z = np.empty(K)
    for i in range(n):
        w = 1.0 if math.isinf(nu) else 1.0 / np.random.gamma(0.5 * nu, 2.0 / nu)
        sw = math.sqrt(w)
        for k in range(K):
            z[k] = np.random.standard_normal()
        for k in range(K):
            s = 0.0
            for j in range(k + 1):
                s += L[k, j] * z[j]
            out[i, k] = M[i, k] + sw * s
    return out.reshape(mu.shape)


# =============================================================================================
# multi_gp_cholesky(y | L, w): rows of y (K x N) are independent N(0, L L^T / w_i)
# =============================================================================================

@kernel
def _mgp_core(y, L, w, grad):
    K, N = y.shape
    dy = np.zeros((K if grad else 0, N))
    dL = np.zeros((N if grad else 0, N if grad else 0))
    dw = np.zeros(K if grad else 0)
    if K == 0:
        return 0.0, 0.0, 0.0, 0.0, dy, dL, dw
    Lt = _tril(L)
    const = -0.5 * LOG_2PI * K * N
    ld = -K * _sum_log_diag(Lt)
    wt = 0.0
    for i in range(K):
        wt += math.log(w[i])
    wt *= 0.5 * N
    z = np.empty(N)
    u = np.empty(N)
    quad = 0.0
    for i in range(K):
        _fsolve(Lt, y[i], z)
        q = 0.0
        for j in range(N):
            q += z[j] * z[j]
        quad += w[i] * q
        if grad:
            _bsolve(Lt, z, u)
            for j in range(N):
                dy[i, j] = -w[i] * u[j]
            dw[i] = 0.5 * N / w[i] - 0.5 * q
            for a in range(N):
                for b in range(a + 1):
                    dL[a, b] += w[i] * u[a] * z[b]
    if grad:
        for a in range(N):
            dL[a, a] -= K / Lt[a, a]
    return const, ld, wt, -0.5 * quad, dy, dL, dw


@kernel
def multi_gp_cholesky_lpdf(y, L, w):
    r = _mgp_core(y, L, w, np.bool_(False))
    return r[0] + r[1] + r[2] + r[3]


@kernel
def multi_gp_cholesky_lpdf_d(y, L, w):
    r = _mgp_core(y, L, w, np.bool_(True))
    return r[0] + r[1] + r[2] + r[3], r[4], r[5], r[6]


@kernel
def multi_gp_cholesky_dropped(y, L, w, a_y, a_L, a_w):
    if not (a_y or a_L or a_w):
        return multi_gp_cholesky_lpdf(y, L, w)
    K, N = y.shape
    if K == 0:
        return 0.0
    d = -0.5 * LOG_2PI * K * N
    if not a_L:
        d -= K * _sum_log_diag(L)
    if not a_w:
        for i in range(K):
            d += 0.5 * N * math.log(w[i])
    return d


@kernel
def multi_gp_cholesky_check(y, L, w):
    if L.shape[0] != y.shape[1] or L.shape[1] != y.shape[1]:
        return 2
    if w.shape[0] != y.shape[0]:
        return 3
    if not _all_finite(y):
        return 1
    if not _is_chol_factor(L):
        return 2
    if not _all_positive_finite(w):
        return 3
    return 0


@kernel
def multi_gp_cholesky_rng(L, w):
    """Not in Stan: a K x N draw, row i ~ multi_normal(0, L L^T / w[i])."""
    K = w.shape[0]
    N = L.shape[0]
    out = np.empty((K, N))
    z = np.empty(N)
    for i in range(K):
        s = 1.0 / math.sqrt(w[i])
        for j in range(N):
            z[j] = np.random.standard_normal()
        for a in range(N):
            t = 0.0
            for b in range(a + 1):
                t += L[a, b] * z[b]
            out[i, a] = s * t
    return out


# =============================================================================================
# dirichlet(theta | alpha)
# =============================================================================================

@kernel
def _dirichlet_core(T, A, grad):
    nt = T.shape[0]
    na = A.shape[0]
    K = T.shape[1]
    N = max(nt, na)
    dT = np.zeros((nt if grad else 0, K))
    dA = np.zeros((na if grad else 0, K))
    t1 = 0.0
    t2 = 0.0
    for n in range(N):
        it = n if nt > 1 else 0
        ia = n if na > 1 else 0
        a0 = 0.0
        for k in range(K):
            a0 += A[ia, k]
            t1 -= math.lgamma(A[ia, k])
            t2 += (A[ia, k] - 1.0) * math.log(T[it, k])
        t1 += math.lgamma(a0)
        if grad:
            pa0 = _digamma(a0)
            for k in range(K):
                dT[it, k] += (A[ia, k] - 1.0) / T[it, k]
                dA[ia, k] += pa0 - _digamma(A[ia, k]) + math.log(T[it, k])
    return t1, t2, dT, dA


@kernel
def dirichlet_lpdf(theta, alpha):
    r = _dirichlet_core(np.atleast_2d(theta), np.atleast_2d(alpha), np.bool_(False))
    return r[0] + r[1]


@kernel
def dirichlet_lpdf_d(theta, alpha):
    r = _dirichlet_core(np.atleast_2d(theta), np.atleast_2d(alpha), np.bool_(True))
    return r[0] + r[1], r[2].reshape(theta.shape), r[3].reshape(alpha.shape)


@kernel
def dirichlet_dropped(theta, alpha, a_theta, a_alpha):
    if not (a_theta or a_alpha):
        return dirichlet_lpdf(theta, alpha)
    if a_alpha:
        return 0.0
    T = np.atleast_2d(theta)
    A = np.atleast_2d(alpha)
    N = max(T.shape[0], A.shape[0])
    d = 0.0
    for n in range(N):
        ia = n if A.shape[0] > 1 else 0
        a0 = 0.0
        for k in range(A.shape[1]):
            a0 += A[ia, k]
            d -= math.lgamma(A[ia, k])
        d += math.lgamma(a0)
    return d


@kernel
def dirichlet_check(theta, alpha):
    T = np.atleast_2d(theta)
    A = np.atleast_2d(alpha)
    if not _rows_compatible(T.shape[0], A.shape[0], theta.ndim == 1, alpha.ndim == 1):
        return 2
    if T.shape[1] != A.shape[1]:
        return 2
    for i in range(T.shape[0]):
        if not _is_simplex(T[i]):
            return 1
    if not _all_positive(A):
        return 2
    return 0


@kernel
def dirichlet_rng(alpha):
    K = alpha.shape[0]
    out = np.empty(K)
    amin = np.inf
    for k in range(K):
        amin = min(amin, alpha[k])
    if amin < 1.0:
        # Stan's log-scale method for small concentrations
        for k in range(K):
            out[k] = math.log(np.random.gamma(alpha[k] + 1.0, 1.0)) \
                + math.log(np.random.random()) / alpha[k]
        m = _log_sum_exp(out)
        for k in range(K):
            out[k] = math.exp(out[k] - m)
        return out
    s = 0.0
    for k in range(K):
        out[k] = np.random.gamma(alpha[k], 1.0)
        s += out[k]
    for k in range(K):
        out[k] /= s
    return out


# =============================================================================================
# dirichlet_multinomial(n | alpha)
# =============================================================================================

@kernel
def _dirmult_core(n, alpha, grad):
    K = alpha.shape[0]
    da = np.zeros(K if grad else 0)
    Ntot = 0
    for k in range(n.shape[0]):
        Ntot += n[k]
    if Ntot == 0:
        return 0.0, 0.0, da
    a0 = 0.0
    for k in range(K):
        a0 += alpha[k]
    c = math.log(Ntot)
    t = _lbeta(a0, float(Ntot))
    for k in range(K):
        if n[k] > 0:
            c -= math.log(n[k])
            t -= _lbeta(alpha[k], float(n[k]))
    if grad:
        g0 = _digamma(a0) - _digamma(a0 + Ntot)
        for k in range(K):
            da[k] = g0
            if n[k] > 0:
                da[k] += _digamma(alpha[k] + n[k]) - _digamma(alpha[k])
    return c, t, da


@kernel
def dirichlet_multinomial_lpmf(n, alpha):
    r = _dirmult_core(n, alpha, np.bool_(False))
    return r[0] + r[1]


@kernel
def dirichlet_multinomial_lpmf_d(n, alpha):
    r = _dirmult_core(n, alpha, np.bool_(True))
    return r[0] + r[1], r[2]


@kernel
def dirichlet_multinomial_dropped(n, alpha, a_n, a_alpha):
    if not a_alpha:
        return dirichlet_multinomial_lpmf(n, alpha)
    Ntot = 0
    for k in range(n.shape[0]):
        Ntot += n[k]
    if Ntot == 0:
        return 0.0
    c = math.log(Ntot)
    for k in range(n.shape[0]):
        if n[k] > 0:
            c -= math.log(n[k])
    return c


@kernel
def dirichlet_multinomial_check(n, alpha):
    if n.shape[0] != alpha.shape[0]:
        return 2
    if not _all_nonneg_int(n):
        return 1
    if not _all_positive_finite(alpha):
        return 2
    return 0


@kernel
def _multinomial_draw(theta, N):
    K = theta.shape[0]
    out = np.zeros(K, dtype=np.int64)
    mass = 1.0
    left = N
    for k in range(K):
        if left <= 0:
            break
        p = theta[k] / mass if mass > 0.0 else 1.0
        p = min(max(p, 0.0), 1.0)
        out[k] = np.random.binomial(left, p)
        left -= out[k]
        mass -= theta[k]
    return out


@kernel
def dirichlet_multinomial_rng(alpha, N):
    if N == 0:
        return np.zeros(alpha.shape[0], dtype=np.int64)
    return _multinomial_draw(dirichlet_rng(alpha), N)


# =============================================================================================
# categorical(y | theta), categorical_logit(y | beta)
# =============================================================================================

@kernel
def categorical_lpmf(y, theta):
    yv = _iv(y)
    lp = 0.0
    for i in range(yv.shape[0]):
        if yv[i] < 1 or yv[i] > theta.shape[0]:
            return -np.inf
        lp += math.log(theta[yv[i] - 1])
    return lp


@kernel
def categorical_lpmf_d(y, theta):
    yv = _iv(y)
    lp = 0.0
    d = np.zeros(theta.shape[0])
    for i in range(yv.shape[0]):
        if yv[i] < 1 or yv[i] > theta.shape[0]:
            return -np.inf, np.zeros(theta.shape[0])
        t = theta[yv[i] - 1]
        lp += math.log(t)
        d[yv[i] - 1] += 1.0 / t
    return lp, d


@kernel
def categorical_dropped(y, theta, a_y, a_theta):
    if a_theta:
        return 0.0
    return categorical_lpmf(y, theta)


@kernel
def _check_cat_y(y, K):
    yv = _iv(y)
    for i in range(yv.shape[0]):
        if yv[i] < 1 or yv[i] > K:
            return False
    return True


@kernel
def categorical_check(y, theta):
    if not _check_cat_y(y, theta.shape[0]):
        return 1
    if not _is_simplex(theta):
        return 2
    return 0


@kernel
def categorical_rng(theta):
    u = np.random.random()
    acc = 0.0
    K = theta.shape[0]
    for k in range(K):
        acc += theta[k]
        if u < acc:
            return k + 1
    return K


@kernel
def _softmax(b):
    m = _log_sum_exp(b)
    out = np.empty(b.shape[0])
    for k in range(b.shape[0]):
        out[k] = math.exp(b[k] - m)
    return out


@kernel
def categorical_logit_lpmf(y, beta):
    yv = _iv(y)
    lse = _log_sum_exp(beta)
    lp = 0.0
    for i in range(yv.shape[0]):
        if yv[i] < 1 or yv[i] > beta.shape[0]:
            return -np.inf
        lp += beta[yv[i] - 1] - lse
    return lp


@kernel
def categorical_logit_lpmf_d(y, beta):
    yv = _iv(y)
    lse = _log_sum_exp(beta)
    p = _softmax(beta)
    lp = 0.0
    n = yv.shape[0]
    d = np.empty(beta.shape[0])
    for k in range(beta.shape[0]):
        d[k] = -n * p[k]
    for i in range(n):
        if yv[i] < 1 or yv[i] > beta.shape[0]:
            return -np.inf, np.zeros(beta.shape[0])
        lp += beta[yv[i] - 1] - lse
        d[yv[i] - 1] += 1.0
    return lp, d


@kernel
def categorical_logit_dropped(y, beta, a_y, a_beta):
    if a_beta:
        return 0.0
    return categorical_logit_lpmf(y, beta)


@kernel
def categorical_logit_check(y, beta):
    if not _check_cat_y(y, beta.shape[0]):
        return 1
    if not _all_finite(beta):
        return 2
    return 0


@kernel
def categorical_logit_rng(beta):
    return categorical_rng(_softmax(beta))


# =============================================================================================
# multinomial(y | theta), multinomial_logit(y | gamma)
# =============================================================================================

@kernel
def _multinomial_const(y):
    s = 0
    c = 0.0
    for k in range(y.shape[0]):
        s += y[k]
        c -= math.lgamma(y[k] + 1.0)
    return c + math.lgamma(s + 1.0)


@kernel
def multinomial_lpmf(y, theta):
    lp = _multinomial_const(y)
    for k in range(y.shape[0]):
        if y[k] != 0:
            lp += y[k] * math.log(theta[k])
    return lp


@kernel
def multinomial_lpmf_d(y, theta):
    lp = _multinomial_const(y)
    d = np.zeros(theta.shape[0])
    for k in range(y.shape[0]):
        if y[k] != 0:
            lp += y[k] * math.log(theta[k])
            d[k] = y[k] / theta[k]
    return lp, d


@kernel
def multinomial_dropped(y, theta, a_y, a_theta):
    if a_theta:
        return _multinomial_const(y)
    return multinomial_lpmf(y, theta)


@kernel
def multinomial_check(y, theta):
    if y.shape[0] != theta.shape[0]:
        return 2
    if not _all_nonneg_int(y):
        return 1
    if not _is_simplex(theta):
        return 2
    return 0


@kernel
def multinomial_rng(theta, N):
    return _multinomial_draw(theta, N)


@kernel
def multinomial_logit_lpmf(y, gamma):
    lp = _multinomial_const(y)
    lse = _log_sum_exp(gamma)
    for k in range(y.shape[0]):
        if y[k] != 0:
            lp += y[k] * (gamma[k] - lse)
    return lp


@kernel
def multinomial_logit_lpmf_d(y, gamma):
    lp = _multinomial_const(y)
    lse = _log_sum_exp(gamma)
    p = _softmax(gamma)
    n = 0
    for k in range(y.shape[0]):
        n += y[k]
        if y[k] != 0:
            lp += y[k] * (gamma[k] - lse)
    d = np.empty(gamma.shape[0])
    for k in range(gamma.shape[0]):
        d[k] = y[k] - n * p[k]
    return lp, d


@kernel
def multinomial_logit_dropped(y, gamma, a_y, a_gamma):
    if a_gamma:
        return _multinomial_const(y)
    return multinomial_logit_lpmf(y, gamma)


@kernel
def multinomial_logit_check(y, gamma):
    if y.shape[0] != gamma.shape[0]:
        return 2
    if not _all_nonneg_int(y):
        return 1
    if not _all_finite(gamma):
        return 2
    return 0


@kernel
def multinomial_logit_rng(gamma, N):
    return _multinomial_draw(_softmax(gamma), N)


# =============================================================================================
# lkj_corr(Omega | eta), lkj_corr_cholesky(L | eta)
# =============================================================================================

@kernel
def _lkj_constant(eta, K):
    """Stan Math's do_lkj_constant (log normalising constant of the LKJ density)."""
    Km1 = K - 1
    if eta == 1.0:
        c = 0.0
        for k in range(1, Km1 // 2 + 1):
            c -= math.lgamma(2.0 * k)
        if K % 2 == 1:
            c -= 0.25 * (K * K - 1) * LOG_PI - 0.25 * (Km1 * Km1) * LOG_TWO \
                - Km1 * math.lgamma(0.5 * (K + 1))
        else:
            c -= 0.25 * K * (K - 2) * LOG_PI + 0.25 * (3 * K * K - 4 * K) * LOG_TWO \
                + K * math.lgamma(0.5 * K) - Km1 * math.lgamma(float(K))
        return c
    c = Km1 * math.lgamma(eta + 0.5 * Km1)
    for k in range(1, Km1 + 1):
        c -= 0.5 * k * LOG_PI + math.lgamma(eta + 0.5 * (Km1 - k))
    return c


@kernel
def _lkj_constant_deta(eta, K):
    Km1 = K - 1
    d = Km1 * _digamma(eta + 0.5 * Km1)
    for k in range(1, Km1 + 1):
        d -= _digamma(eta + 0.5 * (Km1 - k))
    return d


@kernel
def _lkj_corr_core(Omega, eta, grad):
    K = Omega.shape[0]
    dO = np.zeros((K if grad else 0, K if grad else 0))
    if K == 0:
        return 0.0, 0.0, dO, 0.0
    c = _lkj_constant(eta, K)
    L, ok = _chol(Omega)
    if not ok:
        return -np.inf, 0.0, dO, 0.0
    logdet = 2.0 * _sum_log_diag(L)
    deta = 0.0
    if grad:
        Oinv = _chol_inv(L)
        for i in range(K):
            for j in range(K):
                dO[i, j] = (eta - 1.0) * Oinv[i, j]
        deta = _lkj_constant_deta(eta, K) + logdet
    return c, (eta - 1.0) * logdet, dO, deta


@kernel
def lkj_corr_lpdf(Omega, eta):
    r = _lkj_corr_core(Omega, eta, np.bool_(False))
    return r[0] + r[1]


@kernel
def lkj_corr_lpdf_d(Omega, eta):
    r = _lkj_corr_core(Omega, eta, np.bool_(True))
    return r[0] + r[1], r[2], r[3]


@kernel
def lkj_corr_dropped(Omega, eta, a_Omega, a_eta):
    if not (a_Omega or a_eta):
        return lkj_corr_lpdf(Omega, eta)
    if a_eta or Omega.shape[0] == 0:
        return 0.0
    return _lkj_constant(eta, Omega.shape[0])


@kernel
def lkj_corr_check(Omega, eta):
    if not _is_corr(Omega):
        return 1
    if not (eta > 0.0):
        return 2
    return 0


@kernel
def lkj_corr_cholesky_rng(K, eta):
    """Stan's algorithm: canonical partial correlations from Beta draws (C-vine), then
    read_corr_L."""
    L = np.zeros((K, K))
    if K == 0:
        return L
    ncpc = (K * (K - 1)) // 2
    cpcs = np.empty(ncpc)
    alpha = eta + 0.5 * (K - 1)
    count = 0
    for i in range(K - 1):
        alpha -= 0.5
        for j in range(i + 1, K):
            cpcs[count] = 2.0 * np.random.beta(alpha, alpha) - 1.0
            count += 1
    # read_corr_L(CPCs, K)
    acc = np.ones(K - 1) if K > 1 else np.ones(0)
    L[0, 0] = 1.0
    if K == 1:
        return L
    position = 0
    pull = K - 1
    for r in range(pull):
        t = cpcs[r]
        L[1 + r, 0] = t
        acc[r] = 1.0 - t * t
    for i in range(1, K - 1):
        position += pull
        pull = K - 1 - i
        L[i, i] = math.sqrt(acc[i - 1])
        for r in range(pull):
            t = cpcs[position + r]
            row = i + 1 + r
            L[row, i] = t * math.sqrt(acc[i + r])
            acc[i + r] *= 1.0 - t * t
    L[K - 1, K - 1] = math.sqrt(acc[K - 2])
    return L


@kernel
def lkj_corr_rng(K, eta):
    L = lkj_corr_cholesky_rng(K, eta)
    out = _matmul_nt(L, L)
    for i in range(K):
        out[i, i] = 1.0
    return out


@kernel
def _lkj_chol_core(L, eta, grad):
    K = L.shape[0]
    dL = np.zeros((K if grad else 0, K if grad else 0))
    if K == 0:
        return 0.0, 0.0, dL, 0.0
    c = _lkj_constant(eta, K)
    t = 0.0
    sl = 0.0
    for i in range(1, K):
        coef = K - i - 1 + 2.0 * eta - 2.0
        lg = math.log(L[i, i])
        t += coef * lg
        sl += lg
        if grad:
            dL[i, i] = coef / L[i, i]
    deta = 0.0
    if grad:
        deta = _lkj_constant_deta(eta, K) + 2.0 * sl
    return c, t, dL, deta


@kernel
def lkj_corr_cholesky_lpdf(L, eta):
    r = _lkj_chol_core(L, eta, np.bool_(False))
    return r[0] + r[1]


@kernel
def lkj_corr_cholesky_lpdf_d(L, eta):
    r = _lkj_chol_core(L, eta, np.bool_(True))
    return r[0] + r[1], r[2], r[3]


@kernel
def lkj_corr_cholesky_dropped(L, eta, a_L, a_eta):
    if not (a_L or a_eta):
        return lkj_corr_cholesky_lpdf(L, eta)
    if a_eta or L.shape[0] == 0:
        return 0.0
    return _lkj_constant(eta, L.shape[0])


@kernel
def lkj_corr_cholesky_check(L, eta):
    if not _is_chol_factor(L):
        return 1
    if not (eta > 0.0):
        return 2
    return 0


# =============================================================================================
# wishart(W | nu, Sigma), inv_wishart(W | nu, Sigma), wishart_cholesky(L_W | nu, L_S)
# =============================================================================================

@kernel
def _frob_lsolve(LA, LB):
    """|| LA^-1 LB ||_F^2 for lower-triangular LA, LB (= tr(A^-1 B) for A = LA LA^T,
    B = LB LB^T)."""
    n = LA.shape[0]
    col = np.empty(n)
    z = np.empty(n)
    s = 0.0
    for j in range(n):
        for i in range(n):
            col[i] = LB[i, j] if i >= j else 0.0
        _fsolve(LA, col, z)
        for i in range(n):
            s += z[i] * z[i]
    return s


@kernel
def _wishart_core(W, nu, S, inverse, grad):
    """Wishart (inverse=False) or inverse Wishart (inverse=True) terms, in Stan's order:
    (-nu k/2 log 2, -lmgamma, +-nu/2 log|S|, trace term, log|W| term) and gradients."""
    k = W.shape[0]
    dW = np.zeros((k if grad else 0, k if grad else 0))
    dS = np.zeros((k if grad else 0, k if grad else 0))
    LW, okw = _chol(W)
    LS, oks = _chol(S)
    if not (okw and oks):
        return -np.inf, 0.0, 0.0, 0.0, 0.0, dW, 0.0, dS
    ldW = 2.0 * _sum_log_diag(LW)
    ldS = 2.0 * _sum_log_diag(LS)
    t_log2 = -nu * k * 0.5 * LOG_TWO
    t_mg = -_lmgamma(k, 0.5 * nu)
    if inverse:
        t_S = 0.5 * nu * ldS
        t_tr = -0.5 * _frob_lsolve(LW, LS)
        t_W = -0.5 * (nu + k + 1.0) * ldW
    else:
        t_S = -0.5 * nu * ldS
        t_tr = -0.5 * _frob_lsolve(LS, LW)
        t_W = 0.5 * (nu - k - 1.0) * ldW
    dnu = 0.0
    if grad:
        Winv = _chol_inv(LW)
        Sinv = _chol_inv(LS)
        dnu = -0.5 * k * LOG_TWO - 0.5 * _lmgamma_dx(k, 0.5 * nu)
        if inverse:
            WSW = _matmul(_matmul(Winv, S), Winv)
            for i in range(k):
                for j in range(k):
                    dW[i, j] = -0.5 * (nu + k + 1.0) * Winv[i, j] + 0.5 * WSW[i, j]
                    dS[i, j] = 0.5 * nu * Sinv[i, j] - 0.5 * Winv[i, j]
            dnu += 0.5 * ldS - 0.5 * ldW
        else:
            SWS = _matmul(_matmul(Sinv, W), Sinv)
            for i in range(k):
                for j in range(k):
                    dW[i, j] = 0.5 * (nu - k - 1.0) * Winv[i, j] - 0.5 * Sinv[i, j]
                    dS[i, j] = -0.5 * nu * Sinv[i, j] + 0.5 * SWS[i, j]
            dnu += -0.5 * ldS + 0.5 * ldW
        _symmetrize(dW)
        _symmetrize(dS)
    return t_log2, t_mg, t_S, t_tr, t_W, dW, dnu, dS


@kernel
def wishart_lpdf(W, nu, Sigma):
    r = _wishart_core(W, nu, Sigma, np.bool_(False), np.bool_(False))
    return r[0] + r[1] + r[2] + r[3] + r[4]


@kernel
def wishart_lpdf_d(W, nu, Sigma):
    r = _wishart_core(W, nu, Sigma, np.bool_(False), np.bool_(True))
    return r[0] + r[1] + r[2] + r[3] + r[4], r[5], r[6], r[7]


@kernel
def wishart_dropped(W, nu, Sigma, a_W, a_nu, a_Sigma):
    r = _wishart_core(W, nu, Sigma, np.bool_(False), np.bool_(False))
    d = 0.0
    if not a_nu:
        d += r[0] + r[1]
    if not (a_nu or a_Sigma):
        d += r[2]
    if not (a_Sigma or a_W):
        d += r[3]
    if not (a_W or a_nu):
        d += r[4]
    return d


@kernel
def _wishart_check(W, nu, S):
    k = W.shape[0]
    if not _is_square(W):
        return 1
    if S.shape[0] != k or S.shape[1] != k:
        return 3
    if not _is_pos_def(W):
        return 1
    if not (nu > k - 1):
        return 2
    if not _is_pos_def(S):
        return 3
    return 0


@kernel
def wishart_check(W, nu, Sigma):
    return _wishart_check(W, nu, Sigma)


@kernel
def _bartlett(nu, L):
    """L B with B lower triangular, B_jj = sqrt(chi2(nu - j)), B_ij ~ N(0, 1) below."""
    k = L.shape[0]
    B = np.zeros((k, k))
    for j in range(k):
        for i in range(j):
            B[j, i] = np.random.standard_normal()
        B[j, j] = math.sqrt(np.random.chisquare(nu - j))
    return _matmul(L, B)


@kernel
def wishart_rng(nu, Sigma):
    L, ok = _chol(Sigma)
    if not ok or not (nu > Sigma.shape[0] - 1):
        _fill_nan(L)
        nu = float(Sigma.shape[0])
    X = _bartlett(nu, L)
    return _matmul_nt(X, X)


@kernel
def wishart_cholesky_rng(nu, L_S):
    L = _tril(L_S)
    if not (nu > L.shape[0] - 1):
        _fill_nan(L)
        nu = float(L.shape[0])
    return _bartlett(nu, L)


@kernel
def inv_wishart_lpdf(W, nu, Sigma):
    r = _wishart_core(W, nu, Sigma, np.bool_(True), np.bool_(False))
    return r[0] + r[1] + r[2] + r[3] + r[4]


@kernel
def inv_wishart_lpdf_d(W, nu, Sigma):
    r = _wishart_core(W, nu, Sigma, np.bool_(True), np.bool_(True))
    return r[0] + r[1] + r[2] + r[3] + r[4], r[5], r[6], r[7]


@kernel
def inv_wishart_dropped(W, nu, Sigma, a_W, a_nu, a_Sigma):
    r = _wishart_core(W, nu, Sigma, np.bool_(True), np.bool_(False))
    d = 0.0
    if not a_nu:
        d += r[1]
    if not (a_nu or a_Sigma):
        d += r[0] + r[2]
    if not (a_W or a_Sigma):
        d += r[3]
    if not (a_W or a_nu or a_Sigma):
        d += r[4]
    return d


@kernel
def inv_wishart_check(W, nu, Sigma):
    return _wishart_check(W, nu, Sigma)


@kernel
def inv_wishart_rng(nu, Sigma):
    k = Sigma.shape[0]
    L, ok = _chol(Sigma)
    if not ok or not (nu > k - 1):
        return np.full((k, k), np.nan)
    Li, ok2 = _chol(_chol_inv(L))
    X = _bartlett(nu, Li)
    LW, ok3 = _chol(_matmul_nt(X, X))
    out = _chol_inv(LW)
    _symmetrize(out)
    return out


@kernel
def _wishart_chol_core(LW, nu, LS, grad):
    k = LW.shape[0]
    dLW = np.zeros((k if grad else 0, k if grad else 0))
    dLS = np.zeros((k if grad else 0, k if grad else 0))
    t1 = k * LOG_TWO * (1.0 - 0.5 * nu) - _lmgamma(k, 0.5 * nu)
    Lw = _tril(LW)
    Ls = _tril(LS)
    # A = Ls^-1 Lw (lower triangular)
    A = np.zeros((k, k))
    col = np.empty(k)
    z = np.empty(k)
    for j in range(k):
        for i in range(k):
            col[i] = Lw[i, j]
        _fsolve(Ls, col, z)
        for i in range(k):
            A[i, j] = z[i]
    frob = 0.0
    for i in range(k):
        for j in range(i + 1):
            frob += A[i, j] * A[i, j]
    slw = 0.0
    sls = 0.0
    t2 = -0.5 * frob
    for i in range(k):
        lw = math.log(Lw[i, i])
        ls = math.log(Ls[i, i])
        slw += lw
        sls += ls
        t2 += (nu - i - 1.0) * lw - nu * ls
    dnu = 0.0
    if grad:
        Xi = _tri_inv(Ls)
        # d/dLw of -0.5||A||^2 = -Ls^-T A ; d/dLs = Ls^-T A A^T (lower parts)
        G = _matmul_tn(Xi, A)
        AAt = _matmul_nt(A, A)
        H = _matmul_tn(Xi, AAt)
        for i in range(k):
            for j in range(i + 1):
                dLW[i, j] = -G[i, j]
                dLS[i, j] = H[i, j]
            dLW[i, i] += (nu - i - 1.0) / Lw[i, i]
            dLS[i, i] -= nu / Ls[i, i]
        dnu = -0.5 * k * LOG_TWO - 0.5 * _lmgamma_dx(k, 0.5 * nu) + slw - sls
    return t1, t2, dLW, dnu, dLS


@kernel
def wishart_cholesky_lpdf(L_W, nu, L_S):
    r = _wishart_chol_core(L_W, nu, L_S, np.bool_(False))
    return r[0] + r[1]


@kernel
def wishart_cholesky_lpdf_d(L_W, nu, L_S):
    r = _wishart_chol_core(L_W, nu, L_S, np.bool_(True))
    return r[0] + r[1], r[2], r[3], r[4]


@kernel
def wishart_cholesky_dropped(L_W, nu, L_S, a_L_W, a_nu, a_L_S):
    if not (a_L_W or a_nu or a_L_S):
        return wishart_cholesky_lpdf(L_W, nu, L_S)
    if a_nu:
        return 0.0
    k = L_W.shape[0]
    return k * LOG_TWO * (1.0 - 0.5 * nu) - _lmgamma(k, 0.5 * nu)


@kernel
def wishart_cholesky_check(L_W, nu, L_S):
    k = L_W.shape[0]
    if not _is_square(L_W):
        return 1
    if L_S.shape[0] != k or L_S.shape[1] != k:
        return 3
    if not _is_chol_factor(L_W):
        return 1
    if not (nu > k - 1):
        return 2
    if not _is_chol_factor(L_S):
        return 3
    return 0


# =============================================================================================
# ordered_logistic(k | eta, c), ordered_probit(k | eta, c)
# =============================================================================================

@kernel
def _ord_term(k, eta, C, ic, probit):
    """log P(y = k) and its derivatives (d_eta, d_c[k-2], d_c[k-1]) for one observation with
    cut-points C[ic, :] (K - 1 of them)."""
    Km1 = C.shape[1]
    if Km1 == 0:
        return 0.0, 0.0, 0.0, 0.0
    if probit:
        if k == 1:
            x = C[ic, 0] - eta
            lp = _log_Phi(x)
            g = math.exp(_log_phi(x) - lp)
            return lp, -g, 0.0, g
        if k == Km1 + 1:
            x = eta - C[ic, Km1 - 1]
            lp = _log_Phi(x)
            g = math.exp(_log_phi(x) - lp)
            return lp, g, -g, 0.0
        a = C[ic, k - 1] - eta  # upper
        b = C[ic, k - 2] - eta  # lower
        lp = _log_Phi_diff(a, b)
        ga = math.exp(_log_phi(a) - lp)
        gb = -math.exp(_log_phi(b) - lp)
        return lp, -(ga + gb), gb, ga
    if k == 1:
        b = eta - C[ic, 0]
        return -_log1p_exp(b), -_inv_logit(b), 0.0, _inv_logit(b)
    if k == Km1 + 1:
        a = eta - C[ic, Km1 - 1]
        s = _inv_logit(-a)
        return -_log1p_exp(-a), s, -s, 0.0
    a = eta - C[ic, k - 2]
    b = eta - C[ic, k - 1]
    lp = -_log1p_exp(-a) + _log1m_exp(b - a) - _log1p_exp(b)
    da = _inv_logit(-a) + 1.0 / math.expm1(a - b)
    db = _inv_logit(-b) + 1.0 / math.expm1(b - a)
    return lp, da + db, -da, -db


@kernel
def _ord_core(yv, ev, e_vec, C, probit, grad):
    """Sum over observations; yv (ints) and ev (locations, one entry when not e_vec) and the
    rows of C broadcast when of size one."""
    ny = yv.shape[0]
    ne = ev.shape[0] if e_vec else -1
    nc = C.shape[0]
    N = max(ny, max(ne, nc))
    if ny == 0 or ne == 0:
        N = 0
    de = np.zeros(ev.shape[0] if grad else 0)
    dC = np.zeros((nc if grad else 0, C.shape[1]))
    lp = 0.0
    for n in range(N):
        ic = n if nc > 1 else 0
        ie = n if e_vec else 0
        k = yv[n if ny > 1 else 0]
        if k < 1 or k > C.shape[1] + 1:
            lp = -np.inf
            continue
        r = _ord_term(k, ev[ie], C, ic, probit)
        lp += r[0]
        if grad:
            de[ie] += r[1]
            if k >= 2:
                dC[ic, k - 2] += r[2]
            if k <= C.shape[1]:
                dC[ic, k - 1] += r[3]
    return lp, de, dC


@kernel
def _ord_check(y, eta, c, probit):
    yv = _iv(y)
    C = np.atleast_2d(c)
    ny = yv.shape[0]
    ne = _nobs(eta)
    if _is_vec(y) and _is_vec(eta) and ny != ne:
        return 2
    N = max(ny, ne)
    if c.ndim == 2 and C.shape[0] != N:
        return 3
    Km1 = C.shape[1]
    for i in range(ny):
        if yv[i] < 1 or yv[i] > Km1 + 1:
            return 1
    if not _all_finite_any(eta):
        return 2
    if probit and Km1 == 0:
        return 3
    for i in range(C.shape[0]):
        if not _is_ordered(C[i]):
            return 3
    if not _all_finite(C):
        return 3
    return 0


@kernel
def ordered_logistic_lpmf(k, eta, c):
    return _ord_core(_iv(k), _as1d(eta), np.bool_(_is_vec(eta)), np.atleast_2d(c),
                     np.bool_(False), np.bool_(False))[0]


@kernel
def ordered_logistic_lpmf_d(k, eta, c):
    r = _ord_core(_iv(k), _as1d(eta), np.bool_(_is_vec(eta)), np.atleast_2d(c),
                  np.bool_(False), np.bool_(True))
    return r[0], _like(eta, r[1]), r[2].reshape(c.shape)


@kernel
def ordered_logistic_dropped(k, eta, c, a_k, a_eta, a_c):
    if a_eta or a_c:
        return 0.0
    return ordered_logistic_lpmf(k, eta, c)


@kernel
def ordered_logistic_check(k, eta, c):
    return _ord_check(k, eta, c, np.bool_(False))


@kernel
def ordered_logistic_rng(eta, c):
    u = np.random.random()
    z = eta + math.log(u) - math.log1p(-u)
    k = 1
    for i in range(c.shape[0]):
        if c[i] < z:
            k += 1
    return k


@kernel
def ordered_probit_lpmf(k, eta, c):
    return _ord_core(_iv(k), _as1d(eta), np.bool_(_is_vec(eta)), np.atleast_2d(c),
                     np.bool_(True), np.bool_(False))[0]


@kernel
def ordered_probit_lpmf_d(k, eta, c):
    r = _ord_core(_iv(k), _as1d(eta), np.bool_(_is_vec(eta)), np.atleast_2d(c),
                  np.bool_(True), np.bool_(True))
    return r[0], _like(eta, r[1]), r[2].reshape(c.shape)


@kernel
def ordered_probit_dropped(k, eta, c, a_k, a_eta, a_c):
    if a_eta or a_c:
        return 0.0
    return ordered_probit_lpmf(k, eta, c)


@kernel
def ordered_probit_check(k, eta, c):
    return _ord_check(k, eta, c, np.bool_(True))


@kernel
def ordered_probit_rng(eta, c):
    z = eta + np.random.standard_normal()
    k = 1
    for i in range(c.shape[0]):
        if c[i] < z:
            k += 1
    return k


# =============================================================================================
# gaussian_dlm_obs(y | F, G, V, W, m0, C0): Kalman filter and its reverse-mode adjoint
# =============================================================================================

@kernel
def _diag_matrix(v):
    n = v.shape[0]
    out = np.zeros((n, n))
    for i in range(n):
        out[i, i] = v[i]
    return out


@kernel
def _diag_of(A):
    n = A.shape[0]
    out = np.empty(n)
    for i in range(n):
        out[i] = A[i, i]
    return out


def _as_cov(V):
    """V as a matrix: itself, or diag(V) for a vector of variances."""


@overload(_as_cov)
def _ov_as_cov(V):
    if isinstance(V, types.Array) and V.ndim == 1:
        return lambda V: _diag_matrix(V)
    return lambda V: V


def _cov_grad_like(V, dV):
    """The gradient of V from that of its matrix form."""


@overload(_cov_grad_like)
def _ov_cov_grad_like(V, dV):
    if isinstance(V, types.Array) and V.ndim == 1:
        return lambda V, dV: _diag_of(dV)
    return lambda V, dV: dV


@kernel
def _dlm_forward(y, F, G, V, W, m0, C0, store):
    """Kalman filter: (log density without the constant, ok, and when `store` the filter's
    per-step quantities for the adjoint pass)."""
    r, T = y.shape
    n = G.shape[0]
    Ts = T if store else 0
    s_m = np.zeros((Ts, n))
    s_C = np.zeros((Ts, n, n))
    s_a = np.zeros((Ts, n))
    s_R = np.zeros((Ts, n, n))
    s_Qi = np.zeros((Ts, r, r))
    s_e = np.zeros((Ts, r))
    m = m0.copy()
    C = C0.copy()
    lp = 0.0
    e = np.empty(r)
    for t in range(T):
        a = np.zeros(n)
        for i in range(n):
            s = 0.0
            for j in range(n):
                s += G[i, j] * m[j]
            a[i] = s
        R = _matmul_nt(_matmul(G, C), G)
        for i in range(n):
            for j in range(n):
                R[i, j] += W[i, j]
        _symmetrize(R)
        RF = _matmul(R, F)  # n x r
        Q = _matmul_tn(F, RF)
        for i in range(r):
            for j in range(r):
                Q[i, j] += V[i, j]
        _symmetrize(Q)
        LQ, ok = _chol(Q)
        if not ok:
            return -np.inf, False, s_m, s_C, s_a, s_R, s_Qi, s_e
        for i in range(r):
            s = y[i, t]
            for j in range(n):
                s -= F[j, i] * a[j]
            e[i] = s
        Qi = _chol_inv(LQ)
        v = np.zeros(r)
        for i in range(r):
            s = 0.0
            for j in range(r):
                s += Qi[i, j] * e[j]
            v[i] = s
        q = 0.0
        for i in range(r):
            q += e[i] * v[i]
        lp -= 0.5 * (2.0 * _sum_log_diag(LQ) + q)
        if store:
            for i in range(n):
                s_m[t, i] = m[i]
                s_a[t, i] = a[i]
                for j in range(n):
                    s_C[t, i, j] = C[i, j]
                    s_R[t, i, j] = R[i, j]
            for i in range(r):
                s_e[t, i] = e[i]
                for j in range(r):
                    s_Qi[t, i, j] = Qi[i, j]
        A = _matmul(RF, Qi)  # gain, n x r
        mn = a.copy()
        for i in range(n):
            s = 0.0
            for j in range(r):
                s += A[i, j] * e[j]
            mn[i] += s
        Cn = _matmul_nt(A, RF)
        for i in range(n):
            for j in range(n):
                Cn[i, j] = R[i, j] - Cn[i, j]
        _symmetrize(Cn)
        m = mn
        C = Cn
    return lp, True, s_m, s_C, s_a, s_R, s_Qi, s_e


@kernel
def _dlm_backward(F, G, s_m, s_C, s_a, s_R, s_Qi, s_e):
    """Reverse-mode adjoint of the Kalman filter log density (seed 1) from the stored
    forward quantities: (dy, dF, dG, dV, dW, dm0, dC0), symmetric matrices symmetrised."""
    T, r = s_e.shape
    n = G.shape[0]
    dy = np.zeros((r, T))
    dF = np.zeros((n, r))
    dG = np.zeros((n, n))
    dV = np.zeros((r, r))
    dW = np.zeros((n, n))
    mbar = np.zeros(n)
    Cbar = np.zeros((n, n))
    for t in range(T - 1, -1, -1):
        mp = s_m[t]
        Cp = s_C[t]
        a = s_a[t]
        R = s_R[t]
        Qi = s_Qi[t]
        e = s_e[t]
        v = np.zeros(r)
        for i in range(r):
            s = 0.0
            for j in range(r):
                s += Qi[i, j] * e[j]
            v[i] = s
        RF = _matmul(R, F)
        # lp_t = -0.5 (log|Q| + e' Qi e)
        Qbar = np.empty((r, r))
        for i in range(r):
            for j in range(r):
                Qbar[i, j] = 0.5 * (v[i] * v[j] - Qi[i, j])
        ebar = np.empty(r)
        for i in range(r):
            ebar[i] = -v[i]
        # m_new = a + R F Qi e
        abar = np.empty(n)
        for i in range(n):
            abar[i] = mbar[i]
        u = np.zeros(r)  # Qi F' R mbar
        RFt_m = np.zeros(r)
        for j in range(r):
            s = 0.0
            for i in range(n):
                s += RF[i, j] * mbar[i]
            RFt_m[j] = s
        for i in range(r):
            s = 0.0
            for j in range(r):
                s += Qi[i, j] * RFt_m[j]
            u[i] = s
        for i in range(r):
            ebar[i] += u[i]
        Fv = np.zeros(n)
        for i in range(n):
            s = 0.0
            for j in range(r):
                s += F[i, j] * v[j]
            Fv[i] = s
        Rbar = np.zeros((n, n))
        Rm = np.zeros(n)
        for i in range(n):
            s = 0.0
            for j in range(n):
                Rbar[i, j] = mbar[i] * Fv[j]
                s += R[i, j] * mbar[j]
            Rm[i] = s
        for i in range(n):
            for j in range(r):
                dF[i, j] += Rm[i] * v[j]
        for i in range(r):
            for j in range(r):
                Qbar[i, j] -= u[i] * v[j]
        # C_new = R - R P R, P = F Qi F'
        _symmetrize(Cbar)
        FQi = _matmul(F, Qi)  # n x r
        P = _matmul_nt(FQi, F)  # n x n
        CRP = _matmul(_matmul(Cbar, R), P)
        for i in range(n):
            for j in range(n):
                Rbar[i, j] += Cbar[i, j] - CRP[i, j] - CRP[j, i]
        Pbar = _matmul(_matmul(R, Cbar), R)  # minus the adjoint of P
        FtPF = _matmul_tn(F, _matmul(Pbar, F))  # r x r
        _axpy(Qbar, 1.0, _matmul(_matmul(Qi, FtPF), Qi))
        _axpy(dF, -2.0, _matmul(Pbar, FQi))
        # Q = F' R F + V
        _symmetrize(Qbar)
        _axpy(dV, 1.0, Qbar)
        _axpy(Rbar, 1.0, _matmul_nt(_matmul(F, Qbar), F))
        _axpy(dF, 2.0, _matmul(RF, Qbar))
        # e = y_t - F' a
        for i in range(r):
            dy[i, t] = ebar[i]
        for i in range(n):
            s = 0.0
            for j in range(r):
                s += F[i, j] * ebar[j]
                dF[i, j] -= a[i] * ebar[j]
            abar[i] -= s
        # R = G C G' + W
        _symmetrize(Rbar)
        _axpy(dW, 1.0, Rbar)
        _axpy(dG, 2.0, _matmul(_matmul(Rbar, G), Cp))
        Cbar = _matmul_tn(G, _matmul(Rbar, G))
        # a = G m
        for i in range(n):
            for j in range(n):
                dG[i, j] += abar[i] * mp[j]
        mbar = np.zeros(n)
        for j in range(n):
            s = 0.0
            for i in range(n):
                s += G[i, j] * abar[i]
            mbar[j] = s
    dm0 = mbar
    _symmetrize(Cbar)
    dC0 = Cbar
    return dy, dF, dG, dV, dW, dm0, dC0


@kernel
def gaussian_dlm_obs_lpdf(y, F, G, V, W, m0, C0):
    if y.shape[0] == 0 or y.shape[1] == 0:
        return 0.0
    r = _dlm_forward(y, F, G, _as_cov(V), W, m0, C0, np.bool_(False))
    return -0.5 * LOG_2PI * y.shape[0] * y.shape[1] + r[0]


@kernel
def gaussian_dlm_obs_lpdf_d(y, F, G, V, W, m0, C0):
    n = G.shape[0]
    if y.shape[0] == 0 or y.shape[1] == 0:
        return (0.0, np.zeros(y.shape), np.zeros(F.shape), np.zeros(G.shape),
                np.zeros(V.shape), np.zeros(W.shape), np.zeros(n), np.zeros((n, n)))
    f = _dlm_forward(y, F, G, _as_cov(V), W, m0, C0, np.bool_(True))
    lp = -0.5 * LOG_2PI * y.shape[0] * y.shape[1] + f[0]
    if not f[1]:
        return (lp, np.zeros(y.shape), np.zeros(F.shape), np.zeros(G.shape),
                np.zeros(V.shape), np.zeros(W.shape), np.zeros(n), np.zeros((n, n)))
    g = _dlm_backward(F, G, f[2], f[3], f[4], f[5], f[6], f[7])
    return lp, g[0], g[1], g[2], _cov_grad_like(V, g[3]), g[4], g[5], g[6]


@kernel
def gaussian_dlm_obs_dropped(y, F, G, V, W, m0, C0, a_y, a_F, a_G, a_V, a_W, a_m0, a_C0):
    if a_y or a_F or a_G or a_V or a_W or a_m0 or a_C0:
        return -0.5 * LOG_2PI * y.shape[0] * y.shape[1]
    return gaussian_dlm_obs_lpdf(y, F, G, V, W, m0, C0)


@kernel
def gaussian_dlm_obs_check(y, F, G, V, W, m0, C0):
    r = y.shape[0]
    n = G.shape[0]
    if F.shape[1] != r:
        return 2
    if F.shape[0] != n:
        return 2
    if G.shape[1] != n:
        return 3
    if V.shape[0] != r or (V.ndim == 2 and V.shape[V.ndim - 1] != r):
        return 4
    if W.shape[0] != n or W.shape[1] != n:
        return 5
    if m0.shape[0] != n:
        return 6
    if C0.shape[0] != n or C0.shape[1] != n:
        return 7
    if not _all_finite(y):
        return 1
    if not _all_finite(F):
        return 2
    if not _all_finite(G):
        return 3
    if not _all_finite(V):
        return 4
    if V.ndim == 1:
        for i in range(r):
            if not (V.flat[i] >= 0.0):
                return 4
    elif not _is_pos_semidef(_as_cov(V)):
        return 4
    if not _all_finite(W) or not _is_pos_semidef(W):
        return 5
    if not _all_finite(m0):
        return 6
    if not _all_finite(C0) or not _is_pos_def(C0):
        return 7
    return 0


@kernel
def gaussian_dlm_obs_rng(F, G, V, W, m0, C0, T):
    """Not in Stan: an r x T draw of the observations of the state-space model."""
    Vm = _as_cov(V)
    n = G.shape[0]
    r = F.shape[1]
    LV, okv = _psd_factor(Vm)
    LW, okw = _psd_factor(W)
    LC, okc = _chol(C0)
    theta = np.empty(n)
    z = np.empty(n)
    for i in range(n):
        z[i] = np.random.standard_normal()
    for i in range(n):
        s = m0[i]
        for j in range(i + 1):
            s += LC[i, j] * z[j]
        theta[i] = s
    out = np.empty((r, T))
    zr = np.empty(r)
    for t in range(T):
        new = np.empty(n)
        for i in range(n):
            z[i] = np.random.standard_normal()
        for i in range(n):
            s = 0.0
            for j in range(n):
                s += G[i, j] * theta[j]
            for j in range(i + 1):
                s += LW[i, j] * z[j]
            new[i] = s
        theta = new
        for i in range(r):
            zr[i] = np.random.standard_normal()
        for i in range(r):
            s = 0.0
            for j in range(n):
                s += F[j, i] * theta[j]
            for j in range(i + 1):
                s += LV[i, j] * zr[j]
            out[i, t] = s
    return out


# =============================================================================================
# The table the code generator reads
# =============================================================================================

@dataclass(frozen=True)
class Family:
    """One distribution family.

    `args` are Stan's argument names, variate first; `kinds[i]` says how argument i is passed:
      "real" (float), "int" (int64), "vector" (1-D), "matrix" (2-D), "int_array" (1-D int64),
      "ints" (an int or a 1-D int64 array), "vectors" (a 1-D array or a 2-D array holding one
      vector per row), "reals" (a float or a 1-D array: GLM intercepts and scales),
      "matrix|row_vector" (2-D, or 1-D shared by all observations), "matrix|vector" (2-D, or
      1-D holding a diagonal).
    `constraints[i]` names what Stan requires of the value ("" when only finiteness or the
    like): "cov_matrix", "corr_matrix", "cholesky_factor_cov", "cholesky_factor_corr",
    "simplex", "ordered", "positive", "nonnegative", "psd_matrix", ...  `grad_layout[i]` is
    "symmetric" (gradient is a full symmetric matrix), "lower" (lower triangular) or "".
    `arg_conditions[i]` is the requirement, in the words of Stan's error message.
    `rng_args` are the arguments of `rng` (None when vilang has no generator); `stan_rng` says
    whether Stan itself has `F_rng`.  `extra` holds further entry points (GLMs:
    "lpdf_d_nox", the gradient without the large d/dx).
    """
    name: str
    args: tuple
    kinds: tuple
    constraints: tuple
    grad_layout: tuple
    arg_conditions: tuple
    discrete: bool
    lpdf: object
    lpdf_d: object
    dropped: object
    check: object
    rng: object = None
    rng_args: tuple = ()
    stan_rng: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def variate(self):
        return self.args[0]

    @property
    def params(self):
        return self.args[1:]

    @property
    def suffix(self):
        return "lpmf" if self.discrete else "lpdf"


FAMILIES: dict = {}


def _register(name, args, kinds, constraints, grad_layout, conditions, discrete, rng_args,
              stan_rng=True, module=None, extra=()):
    g = globals() if module is None else vars(module)
    suffix = "lpmf" if discrete else "lpdf"
    args = tuple(args.split())
    assert len(args) == len(kinds) == len(constraints) == len(grad_layout) == len(conditions)
    FAMILIES[name] = Family(
        name=name, args=args, kinds=tuple(kinds), constraints=tuple(constraints),
        grad_layout=tuple(grad_layout), arg_conditions=tuple(conditions), discrete=discrete,
        lpdf=g[f"{name}_{suffix}"], lpdf_d=g[f"{name}_{suffix}_d"], dropped=g[f"{name}_dropped"],
        check=g[f"{name}_check"], rng=g.get(f"{name}_rng") if rng_args is not None else None,
        rng_args=tuple(rng_args.split()) if rng_args else (), stan_rng=stan_rng,
        extra={e: g[f"{name}_{suffix}_{e}"] for e in extra})


_MVN_Y = "Random variable must not be nan, with every vector the size of the location"
_MVN_MU = "Location parameter must be finite, with as many vectors as the random variable"
_register("multi_normal", "y mu Sigma", ("vectors", "vectors", "matrix"),
          ("", "", "cov_matrix"), ("", "", "symmetric"),
          (_MVN_Y, _MVN_MU, "Covariance matrix must be symmetric and positive definite"),
          False, "mu Sigma")
_register("multi_normal_cholesky", "y mu L", ("vectors", "vectors", "matrix"),
          ("", "", "cholesky_factor_cov"), ("", "", "lower"),
          (_MVN_Y, _MVN_MU, "Cholesky factor of the covariance matrix must be square (only its "
           "lower triangle is used)"),
          False, "mu L")
_register("multi_normal_prec", "y mu Omega", ("vectors", "vectors", "matrix"),
          ("", "", "cov_matrix"), ("", "", "symmetric"),
          (_MVN_Y, _MVN_MU, "Precision matrix must be symmetric and positive definite"),
          False, "mu Omega", stan_rng=False)
_register("multi_student_t", "y nu mu Sigma", ("vectors", "real", "vectors", "matrix"),
          ("", "positive", "", "cov_matrix"), ("", "", "", "symmetric"),
          (_MVN_Y, "Degrees of freedom parameter must be positive", _MVN_MU,
           "Scale parameter must be symmetric and positive definite"),
          False, "nu mu Sigma")
_register("multi_gp_cholesky", "y L w", ("matrix", "matrix", "vector"),
          ("", "cholesky_factor_cov", "positive"), ("", "lower", ""),
          ("Random variable must be finite",
           "Cholesky decomposition of kernel matrix must be lower triangular with a positive "
           "diagonal and as many rows as y has columns",
           "Kernel scales must be positive finite, one per row of y"),
          False, "L w", stan_rng=False)
_register("dirichlet", "theta alpha", ("vectors", "vectors"), ("simplex", "positive"),
          ("", ""),
          ("probabilities must be a simplex (non-negative, summing to 1 within 1e-8)",
           "prior sample sizes must be positive, with the size of the probabilities"),
          False, "alpha")
_register("dirichlet_multinomial", "n alpha", ("int_array", "vector"),
          ("nonnegative", "positive"), ("", ""),
          ("Number of trials variable must be non-negative",
           "Prior size parameter must be positive finite, with one element per count"),
          True, "alpha N")
_register("categorical", "y theta", ("ints", "vector"), ("", "simplex"), ("", ""),
          ("Number of categories must be in the interval [1, size(theta)]",
           "Probabilities parameter must be a simplex (non-negative, summing to 1 within 1e-8)"),
          True, "theta")
_register("categorical_logit", "y beta", ("ints", "vector"), ("", ""), ("", ""),
          ("categorical outcome out of support: must be in the interval [1, size(beta)]",
           "log odds parameter must be finite"),
          True, "beta")
_register("multinomial", "y theta", ("int_array", "vector"), ("nonnegative", "simplex"),
          ("", ""),
          ("Number of trials variable must be non-negative",
           "Probabilities parameter must be a simplex of the size of the counts"),
          True, "theta N")
_register("multinomial_logit", "y gamma", ("int_array", "vector"), ("nonnegative", ""),
          ("", ""),
          ("Number of trials variable must be non-negative",
           "log-probabilities parameter must be finite, of the size of the counts"),
          True, "gamma N")
_register("lkj_corr", "Omega eta", ("matrix", "real"), ("corr_matrix", "positive"),
          ("symmetric", ""),
          ("Correlation matrix must be symmetric positive definite with a unit diagonal",
           "Shape parameter must be positive"),
          False, "K eta")
_register("lkj_corr_cholesky", "L eta", ("matrix", "real"),
          ("cholesky_factor_corr", "positive"), ("lower", ""),
          ("Random variable must be lower triangular with a positive diagonal",
           "Shape parameter must be positive"),
          False, "K eta")
_register("wishart", "W nu Sigma", ("matrix", "real", "matrix"),
          ("cov_matrix", "", "cov_matrix"), ("symmetric", "", "symmetric"),
          ("random variable must be symmetric positive definite",
           "Degrees of freedom parameter must be greater than K - 1",
           "scale parameter must be symmetric positive definite, of the size of W"),
          False, "nu Sigma")
_register("wishart_cholesky", "L_W nu L_S", ("matrix", "real", "matrix"),
          ("cholesky_factor_cov", "", "cholesky_factor_cov"), ("lower", "", "lower"),
          ("random variable must be lower triangular with a positive diagonal",
           "Degrees of freedom parameter must be greater than K - 1",
           "scale parameter must be lower triangular with a positive diagonal, of the size of "
           "L_W"),
          False, "nu L_S")
_register("inv_wishart", "W nu Sigma", ("matrix", "real", "matrix"),
          ("cov_matrix", "", "cov_matrix"), ("symmetric", "", "symmetric"),
          ("random variable must be symmetric positive definite",
           "Degrees of freedom parameter must be greater than K - 1",
           "scale parameter must be symmetric positive definite, of the size of W"),
          False, "nu Sigma")
_ORD_K = "Random variable must be in the interval [1, size(c) + 1]"
_ORD_ETA = "Location parameter must be finite, one per outcome when a vector"
_register("ordered_logistic", "k eta c", ("ints", "reals", "vectors"), ("", "", "ordered"),
          ("", "", ""),
          (_ORD_K, _ORD_ETA, "Cut-points must be ordered with finite first and final cut-points "
           "(one vector per outcome when an array)"),
          True, "eta c")
_register("ordered_probit", "k eta c", ("ints", "reals", "vectors"), ("", "", "ordered"),
          ("", "", ""),
          (_ORD_K, _ORD_ETA, "Cut-points must be non-empty, ordered and finite (one vector per "
           "outcome when an array)"),
          True, "eta c")
_register("gaussian_dlm_obs", "y F G V W m0 C0",
          ("matrix", "matrix", "matrix", "matrix|vector", "matrix", "vector", "matrix"),
          ("", "", "", "psd_matrix", "psd_matrix", "", "cov_matrix"),
          ("", "", "", "symmetric", "symmetric", "", "symmetric"),
          ("y must be finite (r x T)", "F must be finite (n x r)", "G must be finite and square",
           "V must be finite, symmetric positive semi-definite (r x r), or a non-negative vector "
           "of size r", "W must be finite, symmetric positive semi-definite (n x n)",
           "m0 must be finite (size n)", "C0 must be finite, symmetric positive definite (n x n)"),
          False, "F G V W m0 C0 T", stan_rng=False)

from . import glm as _glm  # noqa: E402,F401  (registers the GLM families)
