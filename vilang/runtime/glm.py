"""Stan's GLM distributions as single-pass fused numba kernels.

normal_id_glm(y | x, alpha, beta, sigma), bernoulli_logit_glm(y | x, alpha, beta),
poisson_log_glm(y | x, alpha, beta), neg_binomial_2_log_glm(y | x, alpha, beta, phi),
categorical_logit_glm(y | x, alpha, beta), ordered_logistic_glm(y | x, beta, cuts).

These are the hot loops of regression models: every kernel makes ONE pass over the rows of x,
computing eta_n = alpha_n + x[n, :] . beta once per row and accumulating the log density and
all gradient contributions (d alpha, d beta += g_n x[n, :], d x[n, :] = g_n beta when asked)
in that same pass.  The conventions are those of `vilang.runtime.multivariate`.

Each family's `_F_core` splits the rows into the fixed-size chunks of `vilang.runtime.parallel`
(run on numba's threads when there is more than one) and `_F_chunk` processes one chunk in
blocks of rows: eta for the block (`_eta_block`), then a branch-free pointwise loop (log
density terms and d/d eta, which vectorises), then the gradient scatter (`_scatter`,
`_xtg_block`, `_dx_block`) while the block's rows of x are still in cache.  Sums over rows (the
log density, d beta, the gradient of a broadcast scalar or a shared row vector x) go into the
chunk's row of partial sums, added in chunk order: results do not depend on the thread count.

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
    table entry is `FAMILIES[F].extra["d_nox"]`; normal_id_glm also has `_d_data` (y data
    too: no d_y, a zero-size placeholder for a vector y);
  * `F_dropped(y, x, ..., a_y, a_x, ...)` (cheap unless no argument is a parameter) and
    `F_check(y, x, ..., x_known=False)`: with x_known, x is taken to be finite without the
    scan of every element (generated kernels pass it for a data x that passed the check
    before: `err[1]`, see vilang/codegen/library.py `check_call`);
  * no generators, except `bernoulli_logit_glm_rng(x, alpha, beta)` (Stan has that one).
"""
import math
import sys

import numpy as np
from numba import prange, types
from numba.extending import overload

from .jit import kernel, parallel_kernel
from .multivariate import (LOG_2PI, _all_finite, _all_finite_any, _as1d, _at, _digamma,
                           _inv_logit, _is_ordered, _is_vec, _like, _nobs, _ord_term,
                           _register, _vlen)
from .parallel import (all_finite_2d, by_layout, chunk_rows, is_parallel, log1p_unit,
                       partials, reduce_partials, vexp)


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


@kernel
def _ints_within(y, lo, hi):
    """Every element of the int (array) y is in [lo, hi]: a count with no early exit, so the
    loop over a long y vectorises."""
    bad = 0
    for n in range(_vlen(y)):
        v = _at(y, n)
        bad += (v < lo) | (v > hi)
    return bad == 0


@kernel
def _x_finite(x):
    """Every element of x is finite (a large matrix is checked in parallel)."""
    if x.ndim == 2:
        return all_finite_2d(x)
    return _all_finite(x)


# ---------------------------------------------------------------------------------------------
# Row blocks shared by the chunk kernels

_BLOCK_ROWS = 128
_BLOCK_VALUES = 2048       # 16 KiB of x per block: still in L1 for the gradient pass
_COLUMN_BLOCK_ROWS = 1024  # column-major x: each column of a block is one unit-stride run


@kernel
def _block_rows_by_row(X, K):
    """Row-major x: blocks small enough to stay in L1 between the eta and gradient passes."""
    return max(1, min(_BLOCK_ROWS, _BLOCK_VALUES // max(K, 1)))


@kernel
def _block_rows_by_column(X, K):
    """Column-major x: long blocks.  Each column of a block is a view (with a reference count
    to keep), and the runs stream from L2 at full speed: a 1000 x 10 batch's eta and gradient
    passes take 3.0 us in one block, 4.1 us in blocks of 128 rows."""
    return _COLUMN_BLOCK_ROWS


def _block_rows(X, K):
    """Rows per block of the chunk kernels for x with K columns."""


by_layout(_block_rows, 0, _block_rows_by_row, _block_rows_by_column)


@kernel
def _eta_block_by_row(X, sx, av, sa, beta, n0, m, eta):
    """Row-major x (the data as given): a dot product per row."""
    K = beta.shape[0]
    for i in range(m):
        n = n0 + i
        ix = n * sx
        s = 0.0
        for k in range(K):
            s += X[ix, k] * beta[k]
        eta[i] = av[n * sa] + s


@kernel
def _eta_block_by_column(X, sx, av, sa, beta, n0, m, eta):
    """Column-major x (a minibatch's rows, `Batches`): column by column, each a contiguous
    run that vectorises across rows, with no horizontal sum per row."""
    if sx == 0:
        _eta_block_by_row(X, sx, av, sa, beta, n0, m, eta)
        return
    K = beta.shape[0]
    for i in range(m):
        eta[i] = 0.0
    for k in range(K):
        b = beta[k]
        col = X[n0:n0 + m, k]       # a unit-stride view: LLVM vectorises this, not X[n, k]
        for i in range(m):
            eta[i] += col[i] * b
    for i in range(m):
        eta[i] += av[(n0 + i) * sa]


def _eta_block(X, sx, av, sa, beta, n0, m, eta):
    """eta[i] = alpha_n + x_n . beta for the m rows n = n0 + i."""


by_layout(_eta_block, 0, _eta_block_by_row, _eta_block_by_column)


@kernel
def _scatter(buf, s, n0, m, g, scale):
    """buf[n * s] += scale * g[i] for the rows n = n0 + i (s = 0: their sum into buf[0], summed
    in a register first: a running sum in memory is a store-to-load chain per row)."""
    if s == 0:
        t = 0.0
        for i in range(m):
            t += g[i]
        buf[0] += scale * t
        return
    for i in range(m):
        buf[n0 + i] += scale * g[i]


@kernel
def _xtg_block_by_row(X, sx, n0, m, g, db):
    """Row-major x: two rows per pass (half the loads and stores of db)."""
    K = db.shape[0]
    i = 0
    while i + 1 < m:
        g0 = g[i]
        g1 = g[i + 1]
        i0 = (n0 + i) * sx
        i1 = (n0 + i + 1) * sx
        for k in range(K):
            db[k] += g0 * X[i0, k] + g1 * X[i1, k]
        i += 2
    if i < m:
        gi = g[i]
        ix = (n0 + i) * sx
        for k in range(K):
            db[k] += gi * X[ix, k]


@kernel
def _xtg_block_by_column(X, sx, n0, m, g, db):
    """Column-major x: a contiguous dot product per column."""
    if sx == 0:
        _xtg_block_by_row(X, sx, n0, m, g, db)
        return
    for k in range(db.shape[0]):
        col = X[n0:n0 + m, k]
        s = 0.0
        for i in range(m):
            s += g[i] * col[i]
        db[k] += s


def _xtg_block(X, sx, n0, m, g, db):
    """db += sum_i g[i] x_{n0 + i}."""


by_layout(_xtg_block, 0, _xtg_block_by_row, _xtg_block_by_column)


@kernel
def _dx_block(dx, sx, n0, m, g, beta):
    """dx[n * sx, :] += g[i] beta for the rows n = n0 + i (sx = 0: the shared row)."""
    K = beta.shape[0]
    for i in range(m):
        ix = (n0 + i) * sx
        gi = g[i]
        for k in range(K):
            dx[ix, k] += gi * beta[k]


@kernel
def _shared(buf, s, local):
    """The gradient buffer a chunk writes into: `buf` for per-row entries (s = 1, each row is
    one chunk's), the chunk's own `local` for a broadcast argument (s = 0, a sum over rows)."""
    return buf if s == 1 else local


@kernel
def _put(row, off, v):
    """row[off:off + v.size] = v (a chunk's partial sums)."""
    for k in range(v.shape[0]):
        row[off + k] = v[k]


@kernel
def _take(tot, off, n):
    """A copy of tot[off:off + n]."""
    out = np.empty(n)
    for k in range(n):
        out[k] = tot[off + k]
    return out


@kernel
def _finish_shared(buf, s, tot, off):
    """A broadcast argument's gradient (s = 0) from the reduced partial sums."""
    if s == 0 and buf.shape[0] > 0:
        buf[0] = tot[off]


@kernel
def _finish_dx(dx, sx, want_dx, tot, off):
    """A shared row vector x's gradient (sx = 0) from the reduced partial sums."""
    if sx == 0 and want_dx:
        for k in range(dx.shape[1]):
            dx[0, k] = tot[off + k]


# =============================================================================================
# normal_id_glm(y | x, alpha, beta, sigma)
# =============================================================================================

@kernel
def _normal_id_glm_chunk(yv, sy, X, sx, av, sa, beta, sv, ss, grad, want_dx, want_dy, dy, dx,
                         da, ds, N, c, row):
    """Chunk c's rows.  row: [sum z^2, sum log sigma_n (vector sigma), d y, d alpha, d sigma
    (the broadcast ones), d beta (K), d x (K, shared row vector x)]."""
    K = beta.shape[0]
    lo, hi = chunk_rows(c, N)
    B = _block_rows(X, K)
    eta = np.empty(B)
    g = np.empty(B)
    h = np.empty(B)
    one = np.zeros(3)
    dyb = _shared(dy, sy, one[0:1])
    dab = _shared(da, sa, one[1:2])
    dsb = _shared(ds, ss, one[2:3])
    db = np.zeros(K)
    dxl = np.zeros((1, K))
    dxb = dx if sx == 1 else dxl
    quad = 0.0
    slog = 0.0
    for n0 in range(lo, hi, B):
        m = min(B, hi - n0)
        _eta_block(X, sx, av, sa, beta, n0, m, eta)
        for i in range(m):
            n = n0 + i
            inv = 1.0 / sv[n * ss]
            z = (yv[n * sy] - eta[i]) * inv
            quad += z * z
            g[i] = z * inv
            h[i] = (z * z - 1.0) * inv
        if ss == 1:
            for i in range(m):
                slog += math.log(sv[n0 + i])
        if grad:
            if want_dy or sy == 0:
                _scatter(dyb, sy, n0, m, g, -1.0)
            _scatter(dab, sa, n0, m, g, 1.0)
            _scatter(dsb, ss, n0, m, h, 1.0)
            _xtg_block(X, sx, n0, m, g, db)
            if want_dx:
                _dx_block(dxb, sx, n0, m, g, beta)
    row[0] = quad
    row[1] = slog
    _put(row, 2, one)
    _put(row, 5, db)
    _put(row, 5 + K, dxl[0])


@parallel_kernel
def _normal_id_glm_par(yv, sy, X, sx, av, sa, beta, sv, ss, grad, want_dx, want_dy, dy, dx,
                       da, ds, N, part):
    for ci in prange(part.shape[0]):
        c = np.int64(ci)        # the index as the serial loop's type
        _normal_id_glm_chunk(yv, sy, X, sx, av, sa, beta, sv, ss, grad, want_dx, want_dy, dy,
                             dx, da, ds, N, c, part[c])


@kernel
def _normal_id_glm_core(yv, sy, X, sx, av, sa, beta, sv, ss, grad, want_dx, want_dy):
    """Every GLM core takes its arguments normalised by the public wrappers: scalars as
    1-element arrays with stride 0 (vectors stride 1), x as a 2-D array with stride 0 for a
    shared row vector; `grad`/`want_dx` (and normal_id_glm's `want_dy`) are non-literal, so
    one compiled core serves every argument form."""
    N = _nobs_core(yv.shape[0], sy, X, sx)
    K = beta.shape[0]
    dy = np.zeros((yv.shape[0] if want_dy or sy == 0 else 0) if grad else 0)
    dx = _dx_core(N, K, sx, grad and want_dx)
    da = np.zeros(av.shape[0] if grad else 0)
    ds = np.zeros(sv.shape[0] if grad else 0)
    part = partials(N, 5 + 2 * K)
    if is_parallel(N):
        _normal_id_glm_par(yv, sy, X, sx, av, sa, beta, sv, ss, grad, want_dx, want_dy, dy, dx,
                           da, ds, N, part)
    else:
        for c in range(part.shape[0]):
            _normal_id_glm_chunk(yv, sy, X, sx, av, sa, beta, sv, ss, grad, want_dx, want_dy, dy,
                                 dx, da, ds, N, c, part[c])
    tot = reduce_partials(part)
    slog = tot[1]
    if ss == 0 and N > 0:
        slog = N * math.log(sv[0])
    db = _take(tot, 5, K if grad else 0)
    if grad:
        _finish_shared(dy, sy, tot, 2)
        _finish_shared(da, sa, tot, 3)
        _finish_shared(ds, ss, tot, 4)
        _finish_dx(dx, sx, want_dx, tot, 5 + K)
    return -0.5 * LOG_2PI * N, -slog, -0.5 * tot[0], dy, dx, da, db, ds


@kernel
def normal_id_glm_lpdf(y, x, alpha, beta, sigma):
    r = _normal_id_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), _as1d(alpha),
                            _st(alpha), beta, _as1d(sigma), _st(sigma), np.bool_(False),
                            np.bool_(False), np.bool_(False))
    return r[0] + r[1] + r[2]


@kernel
def normal_id_glm_lpdf_d(y, x, alpha, beta, sigma):
    r = _normal_id_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), _as1d(alpha),
                            _st(alpha), beta, _as1d(sigma), _st(sigma), np.bool_(True),
                            np.bool_(True), np.bool_(True))
    return (r[0] + r[1] + r[2], _like(y, r[3]), _xlike(x, r[4]), _like(alpha, r[5]), r[6],
            _like(sigma, r[7]))


@kernel
def normal_id_glm_lpdf_d_nox(y, x, alpha, beta, sigma):
    r = _normal_id_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), _as1d(alpha),
                            _st(alpha), beta, _as1d(sigma), _st(sigma), np.bool_(True),
                            np.bool_(False), np.bool_(True))
    return (r[0] + r[1] + r[2], _like(y, r[3]), _xlike(x, r[4]), _like(alpha, r[5]), r[6],
            _like(sigma, r[7]))


@kernel
def normal_id_glm_lpdf_d_data(y, x, alpha, beta, sigma):
    """`_d_nox` for a data y as well: d y is not computed (a zero-size placeholder for a
    vector y), which saves a store per row."""
    r = _normal_id_glm_core(_as1d(y), _st(y), np.atleast_2d(x), _stx(x), _as1d(alpha),
                            _st(alpha), beta, _as1d(sigma), _st(sigma), np.bool_(True),
                            np.bool_(False), np.bool_(False))
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
def normal_id_glm_check(y, x, alpha, beta, sigma, x_known=False):
    p = _glm_sizes(y, x, alpha, beta, 3, 4)
    if p:
        return p
    ns = _nobs(sigma)
    if ns >= 0 and ns != _glm_n(y, x):
        return 5
    if not _all_finite_any(y):
        return 1
    if not x_known and not _x_finite(x):
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
def _bernoulli_logit_glm_chunk(yv, sy, X, sx, av, sa, beta, grad, want_dx, dx, da, N, c, row):
    """Chunk c's rows.  row: [log density, d alpha (broadcast), d beta (K), d x (K, shared
    row vector x)]."""
    K = beta.shape[0]
    lo, hi = chunk_rows(c, N)
    B = _block_rows(X, K)
    eta = np.empty(B)
    g = np.empty(B)
    sg = np.empty(B)
    one = np.zeros(1)
    dab = _shared(da, sa, one)
    db = np.zeros(K)
    dxl = np.zeros((1, K))
    dxb = dx if sx == 1 else dxl
    lp = 0.0
    for n0 in range(lo, hi, B):
        m = min(B, hi - n0)
        _eta_block(X, sx, av, sa, beta, n0, m, eta)
        for i in range(m):          # (the strided read apart: the next loop vectorises)
            sg[i] = 2.0 * yv[(n0 + i) * sy] - 1.0
        for i in range(m):
            sign = sg[i]
            yt = sign * eta[i]
            # log p = -log1p(exp(-yt)); d/d eta = sign * inv_logit(-yt); one exp for both
            ex = vexp(-abs(yt))
            lp -= max(-yt, 0.0) + log1p_unit(ex)
            g[i] = sign * ((1.0 if yt < 0.0 else ex) / (1.0 + ex))
        if grad:
            _scatter(dab, sa, n0, m, g, 1.0)
            _xtg_block(X, sx, n0, m, g, db)
            if want_dx:
                _dx_block(dxb, sx, n0, m, g, beta)
    row[0] = lp
    row[1] = one[0]
    _put(row, 2, db)
    _put(row, 2 + K, dxl[0])


@parallel_kernel
def _bernoulli_logit_glm_par(yv, sy, X, sx, av, sa, beta, grad, want_dx, dx, da, N, part):
    for ci in prange(part.shape[0]):
        c = np.int64(ci)        # the index as the serial loop's type
        _bernoulli_logit_glm_chunk(yv, sy, X, sx, av, sa, beta, grad, want_dx, dx, da, N, c,
                                   part[c])


@kernel
def _bernoulli_logit_glm_core(yv, sy, X, sx, av, sa, beta, grad, want_dx):
    N = _nobs_core(yv.shape[0], sy, X, sx)
    K = beta.shape[0]
    dx = _dx_core(N, K, sx, grad and want_dx)
    da = np.zeros(av.shape[0] if grad else 0)
    part = partials(N, 2 + 2 * K)
    if is_parallel(N):
        _bernoulli_logit_glm_par(yv, sy, X, sx, av, sa, beta, grad, want_dx, dx, da, N, part)
    else:
        for c in range(part.shape[0]):
            _bernoulli_logit_glm_chunk(yv, sy, X, sx, av, sa, beta, grad, want_dx, dx, da, N,
                                       c, part[c])
    tot = reduce_partials(part)
    db = _take(tot, 2, K if grad else 0)
    if grad:
        _finish_shared(da, sa, tot, 1)
        _finish_dx(dx, sx, want_dx, tot, 2 + K)
    return tot[0], dx, da, db


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
def bernoulli_logit_glm_check(y, x, alpha, beta, x_known=False):
    p = _glm_sizes(y, x, alpha, beta, 3, 4)
    if p:
        return p
    if not _ints_within(y, 0, 1):
        return 1
    if not x_known and not _x_finite(x):
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
def _poisson_log_glm_chunk(yv, sy, X, sx, av, sa, beta, grad, want_dx, dx, da, N, c, row):
    """Chunk c's rows.  row: [sum y eta - exp(eta), d alpha (broadcast), d beta (K), d x (K,
    shared row vector x)]."""
    K = beta.shape[0]
    lo, hi = chunk_rows(c, N)
    B = _block_rows(X, K)
    eta = np.empty(B)
    g = np.empty(B)
    one = np.zeros(1)
    dab = _shared(da, sa, one)
    db = np.zeros(K)
    dxl = np.zeros((1, K))
    dxb = dx if sx == 1 else dxl
    lp = 0.0
    for n0 in range(lo, hi, B):
        m = min(B, hi - n0)
        _eta_block(X, sx, av, sa, beta, n0, m, eta)
        for i in range(m):
            yn = float(yv[(n0 + i) * sy])
            ee = vexp(eta[i])
            lp += yn * eta[i] - ee
            g[i] = yn - ee
        if grad:
            _scatter(dab, sa, n0, m, g, 1.0)
            _xtg_block(X, sx, n0, m, g, db)
            if want_dx:
                _dx_block(dxb, sx, n0, m, g, beta)
    row[0] = lp
    row[1] = one[0]
    _put(row, 2, db)
    _put(row, 2 + K, dxl[0])


@parallel_kernel
def _poisson_log_glm_par(yv, sy, X, sx, av, sa, beta, grad, want_dx, dx, da, N, part):
    for ci in prange(part.shape[0]):
        c = np.int64(ci)        # the index as the serial loop's type
        _poisson_log_glm_chunk(yv, sy, X, sx, av, sa, beta, grad, want_dx, dx, da, N, c,
                               part[c])


@kernel
def _poisson_log_glm_core(yv, sy, X, sx, av, sa, beta, grad, want_dx):
    N = _nobs_core(yv.shape[0], sy, X, sx)
    K = beta.shape[0]
    dx = _dx_core(N, K, sx, grad and want_dx)
    da = np.zeros(av.shape[0] if grad else 0)
    part = partials(N, 2 + 2 * K)
    if is_parallel(N):
        _poisson_log_glm_par(yv, sy, X, sx, av, sa, beta, grad, want_dx, dx, da, N, part)
    else:
        for c in range(part.shape[0]):
            _poisson_log_glm_chunk(yv, sy, X, sx, av, sa, beta, grad, want_dx, dx, da, N, c,
                                   part[c])
    tot = reduce_partials(part)
    db = _take(tot, 2, K if grad else 0)
    if grad:
        _finish_shared(da, sa, tot, 1)
        _finish_dx(dx, sx, want_dx, tot, 2 + K)
    return tot[0], dx, da, db


@kernel
def _lgamma1_rows(y, lo, hi):
    s = 0.0
    for n in range(lo, hi):
        s += math.lgamma(y[n] + 1.0)
    return s


@parallel_kernel
def _lgamma1_par(y, N, part):
    for ci in prange(part.shape[0]):
        c = np.int64(ci)        # the index as the serial loop's type
        lo, hi = chunk_rows(c, N)
        part[c, 0] = _lgamma1_rows(y, lo, hi)


@kernel
def _lgamma_y1(y, N):
    """sum over observations of lgamma(y_n + 1) (chunks in parallel for a long y)."""
    if not _is_vec(y):
        return N * math.lgamma(_at(y, 0) + 1.0)
    yv = _as1d(y)
    part = partials(N, 1)
    if is_parallel(N):
        _lgamma1_par(yv, N, part)
    else:
        for c in range(part.shape[0]):
            lo, hi = chunk_rows(c, N)
            part[c, 0] = _lgamma1_rows(yv, lo, hi)
    return reduce_partials(part)[0]


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
    return _ints_within(y, 0, np.iinfo(np.int64).max)


@kernel
def poisson_log_glm_check(y, x, alpha, beta, x_known=False):
    p = _glm_sizes(y, x, alpha, beta, 3, 4)
    if p:
        return p
    if not _check_nonneg_ints(y):
        return 1
    if not x_known and not _x_finite(x):
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
def _nb2_glm_chunk(yv, sy, X, sx, av, sa, beta, pv, sp, grad, want_dx, dx, da, dp, N, c, row):
    """Chunk c's rows.  row: [the four terms of `_nb2_glm_core`, d alpha, d phi (broadcast
    ones), d beta (K), d x (K, shared row vector x)]."""
    K = beta.shape[0]
    lo, hi = chunk_rows(c, N)
    B = _block_rows(X, K)
    eta = np.empty(B)
    g = np.empty(B)
    h = np.empty(B)
    one = np.zeros(2)
    dab = _shared(da, sa, one[0:1])
    dpb = _shared(dp, sp, one[1:2])
    db = np.zeros(K)
    dxl = np.zeros((1, K))
    dxb = dx if sx == 1 else dxl
    t_const = 0.0
    t_prec = 0.0
    t_mid = 0.0
    t_lin = 0.0
    # a scalar phi: its logs, lgamma and digamma once
    lph0 = math.log(pv[0]) if pv.shape[0] > 0 else 0.0
    lg0 = math.lgamma(pv[0]) if pv.shape[0] > 0 else 0.0
    dg0 = _digamma(pv[0]) if (grad and pv.shape[0] > 0) else 0.0
    for n0 in range(lo, hi, B):
        m = min(B, hi - n0)
        _eta_block(X, sx, av, sa, beta, n0, m, eta)
        for i in range(m):
            n = n0 + i
            yn = float(yv[n * sy])
            ph = pv[n * sp]
            lph = math.log(ph) if sp == 1 else lph0
            lgph = math.lgamma(ph) if sp == 1 else lg0
            # lse = log(phi + exp(eta)); q = exp(eta - lse), p = 1 - q = phi exp(-lse)
            d = eta[i] - lph
            ed = vexp(-abs(d))
            lse = lph + max(d, 0.0) + log1p_unit(ed)
            q = (1.0 if d > 0.0 else ed) / (1.0 + ed)
            pq = (ed if d > 0.0 else 1.0) / (1.0 + ed)
            ypp = yn + ph
            t_const -= math.lgamma(yn + 1.0)
            t_prec += ph * lph - lgph + math.lgamma(ypp)
            t_mid -= ypp * lse
            t_lin += yn * eta[i]
            if grad:
                g[i] = yn - ypp * q
                dgph = _digamma(ph) if sp == 1 else dg0
                h[i] = 1.0 - ypp * pq / ph + lph - lse + _digamma(ypp) - dgph
        if grad:
            _scatter(dab, sa, n0, m, g, 1.0)
            _scatter(dpb, sp, n0, m, h, 1.0)
            _xtg_block(X, sx, n0, m, g, db)
            if want_dx:
                _dx_block(dxb, sx, n0, m, g, beta)
    row[0] = t_const
    row[1] = t_prec
    row[2] = t_mid
    row[3] = t_lin
    _put(row, 4, one)
    _put(row, 6, db)
    _put(row, 6 + K, dxl[0])


@parallel_kernel
def _nb2_glm_par(yv, sy, X, sx, av, sa, beta, pv, sp, grad, want_dx, dx, da, dp, N, part):
    for ci in prange(part.shape[0]):
        c = np.int64(ci)        # the index as the serial loop's type
        _nb2_glm_chunk(yv, sy, X, sx, av, sa, beta, pv, sp, grad, want_dx, dx, da, dp, N, c,
                       part[c])


@kernel
def _nb2_glm_core(yv, sy, X, sx, av, sa, beta, pv, sp, grad, want_dx):
    """Terms in Stan Math's grouping: (-lgamma(y+1), precision terms, -(y+phi) log(phi+e^eta),
    y eta) and gradients."""
    N = _nobs_core(yv.shape[0], sy, X, sx)
    K = beta.shape[0]
    dx = _dx_core(N, K, sx, grad and want_dx)
    da = np.zeros(av.shape[0] if grad else 0)
    dp = np.zeros(pv.shape[0] if grad else 0)
    part = partials(N, 6 + 2 * K)
    if is_parallel(N):
        _nb2_glm_par(yv, sy, X, sx, av, sa, beta, pv, sp, grad, want_dx, dx, da, dp, N, part)
    else:
        for c in range(part.shape[0]):
            _nb2_glm_chunk(yv, sy, X, sx, av, sa, beta, pv, sp, grad, want_dx, dx, da, dp, N,
                           c, part[c])
    tot = reduce_partials(part)
    db = _take(tot, 6, K if grad else 0)
    if grad:
        _finish_shared(da, sa, tot, 4)
        _finish_shared(dp, sp, tot, 5)
        _finish_dx(dx, sx, want_dx, tot, 6 + K)
    return tot[0], tot[1], tot[2], tot[3], dx, da, db, dp


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
def neg_binomial_2_log_glm_check(y, x, alpha, beta, phi, x_known=False):
    p = _glm_sizes(y, x, alpha, beta, 3, 4)
    if p:
        return p
    nphi = _nobs(phi)
    if nphi >= 0 and nphi != _glm_n(y, x):
        return 5
    if not _check_nonneg_ints(y):
        return 1
    if not x_known and not _x_finite(x):
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
def _categorical_logit_glm_chunk(yv, sy, X, sx, alpha, beta, grad, want_dx, dx, N, c, row):
    """Chunk c's rows, one at a time (C linear predictors per row).  row: [log density,
    d alpha (C), d beta (K x C, row-major), d x (K, shared row vector x)]."""
    K = beta.shape[0]
    C = beta.shape[1]
    lo, hi = chunk_rows(c, N)
    da = np.zeros(C)
    db = np.zeros((K, C))
    dxl = np.zeros((1, K))
    dxb = dx if sx == 1 else dxl
    eta = np.empty(C)
    g = np.empty(C)
    lp = 0.0
    for n in range(lo, hi):
        ix = n * sx
        for j in range(C):
            eta[j] = alpha[j]
        for k in range(K):
            xk = X[ix, k]
            for j in range(C):
                eta[j] += xk * beta[k, j]
        mx = -np.inf
        for j in range(C):
            mx = max(mx, eta[j])
        se = 0.0
        for j in range(C):
            se += math.exp(eta[j] - mx)
        lse = mx + math.log(se)
        yn = yv[n * sy] - 1
        if yn < 0 or yn >= C:
            lp = -np.inf
            continue
        lp += eta[yn] - lse
        if grad:
            for j in range(C):
                g[j] = -math.exp(eta[j] - lse)
            g[yn] += 1.0
            for j in range(C):
                da[j] += g[j]
            for k in range(K):
                xk = X[ix, k]
                for j in range(C):
                    db[k, j] += xk * g[j]
            if want_dx:
                for k in range(K):
                    t = 0.0
                    for j in range(C):
                        t += beta[k, j] * g[j]
                    dxb[ix, k] += t
    row[0] = lp
    _put(row, 1, da)
    for k in range(K):
        _put(row, 1 + C + k * C, db[k])
    _put(row, 1 + C + K * C, dxl[0])


@parallel_kernel
def _categorical_logit_glm_par(yv, sy, X, sx, alpha, beta, grad, want_dx, dx, N, part):
    for ci in prange(part.shape[0]):
        c = np.int64(ci)        # the index as the serial loop's type
        _categorical_logit_glm_chunk(yv, sy, X, sx, alpha, beta, grad, want_dx, dx, N, c,
                                     part[c])


@kernel
def _categorical_logit_glm_core(yv, sy, X, sx, alpha, beta, grad, want_dx):
    N = _nobs_core(yv.shape[0], sy, X, sx)
    K = beta.shape[0]
    C = beta.shape[1]
    dx = _dx_core(N, K, sx, grad and want_dx)
    part = partials(N, 1 + C + K * C + K)
    if is_parallel(N):
        _categorical_logit_glm_par(yv, sy, X, sx, alpha, beta, grad, want_dx, dx, N, part)
    else:
        for c in range(part.shape[0]):
            _categorical_logit_glm_chunk(yv, sy, X, sx, alpha, beta, grad, want_dx, dx, N, c,
                                         part[c])
    tot = reduce_partials(part)
    da = _take(tot, 1, C if grad else 0)
    db = np.zeros((K if grad else 0, C))
    for k in range(db.shape[0]):
        for j in range(C):
            db[k, j] = tot[1 + C + k * C + j]
    if grad:
        _finish_dx(dx, sx, want_dx, tot, 1 + C + K * C)
    return tot[0], dx, da, db


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
def categorical_logit_glm_check(y, x, alpha, beta, x_known=False):
    N = _glm_n(y, x)
    ny = _nobs(y)
    if ny >= 0 and ny != N:
        return 1
    if beta.shape[0] != _kx(x):
        return 4
    if alpha.shape[0] != beta.shape[1]:
        return 3
    C = beta.shape[1]
    if not _ints_within(y, 1, C):
        return 1
    if not x_known and not _x_finite(x):
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
def _ordered_logistic_glm_chunk(yv, sy, X, sx, beta, cuts, grad, want_dx, dx, N, c, row):
    """Chunk c's rows.  row: [log density, d beta (K), d cuts (K - 1), d x (K, shared row
    vector x)]."""
    K = beta.shape[0]
    Km1 = cuts.shape[0]
    C = np.atleast_2d(cuts)
    lo, hi = chunk_rows(c, N)
    db = np.zeros(K)
    dc = np.zeros(Km1)
    dxl = np.zeros((1, K))
    dxb = dx if sx == 1 else dxl
    lp = 0.0
    for n in range(lo, hi):
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
            gn = r[1]
            for k in range(K):
                db[k] += gn * X[ix, k]
            if want_dx:
                for k in range(K):
                    dxb[ix, k] += gn * beta[k]
            if yn >= 2:
                dc[yn - 2] += r[2]
            if yn <= Km1:
                dc[yn - 1] += r[3]
    row[0] = lp
    _put(row, 1, db)
    _put(row, 1 + K, dc)
    _put(row, 1 + K + Km1, dxl[0])


@parallel_kernel
def _ordered_logistic_glm_par(yv, sy, X, sx, beta, cuts, grad, want_dx, dx, N, part):
    for ci in prange(part.shape[0]):
        c = np.int64(ci)        # the index as the serial loop's type
        _ordered_logistic_glm_chunk(yv, sy, X, sx, beta, cuts, grad, want_dx, dx, N, c,
                                    part[c])


@kernel
def _ordered_logistic_glm_core(yv, sy, X, sx, beta, cuts, grad, want_dx):
    N = _nobs_core(yv.shape[0], sy, X, sx)
    K = beta.shape[0]
    Km1 = cuts.shape[0]
    dx = _dx_core(N, K, sx, grad and want_dx)
    part = partials(N, 1 + 2 * K + Km1)
    if is_parallel(N):
        _ordered_logistic_glm_par(yv, sy, X, sx, beta, cuts, grad, want_dx, dx, N, part)
    else:
        for c in range(part.shape[0]):
            _ordered_logistic_glm_chunk(yv, sy, X, sx, beta, cuts, grad, want_dx, dx, N, c,
                                        part[c])
    tot = reduce_partials(part)
    db = _take(tot, 1, K if grad else 0)
    dc = _take(tot, 1 + K, Km1 if grad else 0)
    if grad:
        _finish_dx(dx, sx, want_dx, tot, 1 + K + Km1)
    return tot[0], dx, db, dc


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
def ordered_logistic_glm_check(y, x, beta, cuts, x_known=False):
    N = _glm_n(y, x)
    ny = _nobs(y)
    if ny >= 0 and ny != N:
        return 1
    if beta.shape[0] != _kx(x):
        return 3
    Km1 = cuts.shape[0]
    if not _ints_within(y, 1, Km1 + 1):
        return 1
    if not x_known and not _x_finite(x):
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
          False, None, module=_MOD, extra=("d_nox", "d_data"))
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
