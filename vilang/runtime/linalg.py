"""Stan's linear algebra with exact reverse-mode rules: matrix products, solves,
decompositions, quadratic forms, Gaussian-process covariance functions, hmm_marginal and
compressed-row sparse products.

Conventions as in `vilang.runtime.tensor` (1-D float64 for vector/row_vector/array[] real,
2-D C-order float64 for matrices and arrays of vectors, `f_vjp(args..., value, value_bar)`
returning the adjoints of the real-valued arguments as a tuple).  In addition, functions with
several real arguments whose adjoints cost very different amounts have per-argument VJPs
`f_vjp_k(args..., value, value_bar)` returning the adjoint of the k-th real-valued argument
alone (k counts real-valued arguments from 0), so that `X * beta` with data `X` never forms
the N x K adjoint of `X` (matrix products and csr_matrix_times_vector).

Symmetric arguments (`cholesky_decompose`, `*_spd`, `eigen*_sym`, `quad_form_sym`,
`log_determinant_spd`): the value reads the matrix as symmetric (after Stan's symmetry check,
absolute tolerance 1e-8) and the adjoint returned is symmetric, the gradient within the space
of symmetric matrices: exact for every symmetric perturbation, which is all that these
functions admit.  Lower-triangular arguments (`*_tri_low`, `chol2inv`,
`multiply_lower_tri_self_transpose`) read only the lower triangle and get lower-triangular
adjoints.

Matrix-matrix products go through `np.dot` (BLAS gemm); triangular solves are blocked so that
all but the diagonal blocks run in BLAS too.  Matrix-vector products are fused loops: they are
memory-bound, so a single streaming pass runs about as fast as single-threaded gemv (1.0-1.2x
numpy's time for 100000 x 20, about 0.8 ms), and it never stalls the way multithreaded BLAS
does when the cores are busy (numpy's gemv then takes up to 10x longer), which matters when
gradients are evaluated in parallel threads.
"""
import math

import numpy as np

from vilang.runtime.jit import kernel
from vilang.runtime.parallel import matvec_into, vecmat_into

INF = math.inf
NAN = math.nan
SYMMETRY_TOLERANCE = 1e-8
_BLOCK = 48

# ---------------------------------------------------------------------------------------------
# Helpers


@kernel
def _sym(a):
    """(a + a^T) / 2.  (Helpers use loops: 2-D array expressions are slow to compile.)"""
    n = a.shape[0]
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            out[i, j] = 0.5 * (a[i, j] + a[j, i])
    return out


@kernel
def _plus_t(a):
    """a + a^T."""
    n = a.shape[0]
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            out[i, j] = a[i, j] + a[j, i]
    return out


@kernel
def _scale(a, s):
    """s * a for 2-D a, as a new C-order array."""
    r, c = a.shape
    out = np.empty((r, c))
    for i in range(r):
        for j in range(c):
            out[i, j] = s * a[i, j]
    return out


@kernel
def _add(a, b):
    r, c = a.shape
    out = np.empty((r, c))
    for i in range(r):
        for j in range(c):
            out[i, j] = a[i, j] + b[i, j]
    return out


@kernel
def _add_into(a, b):
    """a += b for 2-D arrays."""
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            a[i, j] += b[i, j]


@kernel
def _outer(u, w, s):
    """s * u w^T."""
    out = np.empty((u.size, w.size))
    for i in range(u.size):
        t = s * u[i]
        for j in range(w.size):
            out[i, j] = t * w[j]
    return out


@kernel
def _scale_cols(a, d):
    """a diag(d)."""
    r, c = a.shape
    out = np.empty((r, c))
    for i in range(r):
        for j in range(c):
            out[i, j] = a[i, j] * d[j]
    return out


@kernel
def _tril(a):
    r, c = a.shape
    out = np.zeros((r, c))
    for i in range(r):
        for j in range(min(i + 1, c)):
            out[i, j] = a[i, j]
    return out


@kernel
def _is_symmetric(a):
    n = a.shape[0]
    if a.shape[1] != n:
        return False
    for i in range(n):
        for j in range(i):
            if not (math.fabs(a[i, j] - a[j, i]) <= SYMMETRY_TOLERANCE):
                return False
    return True


@kernel
def _check_square(a):
    if a.shape[0] != a.shape[1]:
        raise ValueError("matrix argument must be square")


@kernel
def _check_finite(a):
    for x in a.ravel():
        if not math.isfinite(x):
            raise ValueError("matrix argument must be finite")


@kernel
def _chol(a):
    """The Cholesky factor of a symmetric positive-definite matrix, or ValueError."""
    _check_square(a)
    if not _is_symmetric(a):
        raise ValueError("matrix argument is not symmetric")
    _check_finite(a)
    n = a.shape[0]
    if n == 0:
        return np.zeros((0, 0))
    ok = True
    low = np.zeros((0, 0))
    try:
        low = np.ascontiguousarray(np.linalg.cholesky(a))
    except Exception:  # LinAlgError (numba cannot raise from inside `except`)
        ok = False
    if not ok:
        raise ValueError("matrix argument is not positive definite")
    for i in range(n):
        if not (low[i, i] > 0.0):
            raise ValueError("matrix argument is not positive definite")
    return low


@kernel
def _solve_lower(low, b):
    """X with tril(low) X = b, for 2-D b (reads only the lower triangle of low)."""
    n = low.shape[0]
    m = b.shape[1]
    x = b.copy()
    for s in range(0, n, _BLOCK):
        e = min(s + _BLOCK, n)
        if s > 0:
            p = np.dot(np.ascontiguousarray(low[s:e, :s]), np.ascontiguousarray(x[:s, :]))
            for i in range(e - s):
                for c in range(m):
                    x[s + i, c] -= p[i, c]
        for i in range(s, e):
            for k in range(s, i):
                lik = low[i, k]
                if lik != 0.0:
                    for c in range(m):
                        x[i, c] -= lik * x[k, c]
            d = low[i, i]
            for c in range(m):
                x[i, c] /= d
    return x


@kernel
def _solve_lower_t(low, b):
    """X with tril(low)^T X = b, for 2-D b (reads only the lower triangle of low)."""
    n = low.shape[0]
    m = b.shape[1]
    x = b.copy()
    nblocks = (n + _BLOCK - 1) // _BLOCK
    for blk in range(nblocks - 1, -1, -1):
        s = blk * _BLOCK
        e = min(s + _BLOCK, n)
        if e < n:
            p = np.dot(np.ascontiguousarray(low[e:, s:e].T), np.ascontiguousarray(x[e:, :]))
            for i in range(e - s):
                for c in range(m):
                    x[s + i, c] -= p[i, c]
        for i in range(e - 1, s - 1, -1):
            for k in range(i + 1, e):
                lki = low[k, i]
                if lki != 0.0:
                    for c in range(m):
                        x[i, c] -= lki * x[k, c]
            d = low[i, i]
            for c in range(m):
                x[i, c] /= d
    return x


@kernel
def _as_col(v):
    return v.reshape((v.size, 1))


@kernel
def _as_row(v):
    return v.reshape((1, v.size))


@kernel
def _dot(a, b):
    """Matrix product of 2-D arrays, tolerating empty dimensions."""
    if a.shape[1] != b.shape[0]:
        raise ValueError("multiply: the columns of the first argument must match the rows of the"
                         " second")
    if a.shape[0] == 0 or a.shape[1] == 0 or b.shape[1] == 0:
        return np.zeros((a.shape[0], b.shape[1]))
    return np.dot(a, b)


# ---------------------------------------------------------------------------------------------
# Matrix products (operator *)


@kernel
def _matvec(a, x):
    """a x by a fused loop over the rows of a: matrix-vector products are memory-bound, and a
    single streaming pass matches BLAS gemv without its threading hiccups under load.  A tall a
    runs on vilang's threads, row chunks in parallel (`vilang.runtime.parallel`)."""
    out = np.empty(a.shape[0])
    matvec_into(out, a, x, False)
    return out


@kernel
def _vecmat(x, a):
    """x^T a (= a^T x) streaming over the rows of a, reduced over fixed chunks of rows (in
    parallel for a tall a; the same result for any number of threads)."""
    out = np.empty(a.shape[1])
    vecmat_into(out, x, a, False)
    return out


@kernel
def multiply_mv(a, x):
    """matrix * vector."""
    if a.shape[1] != x.size:
        raise ValueError("multiply: the columns of the matrix must match the size of the vector")
    return _matvec(a, x)


@kernel
def multiply_mv_vjp_0(a, x, value, value_bar):
    return _outer(value_bar, x, 1.0)


@kernel
def multiply_mv_vjp_1(a, x, value, value_bar):
    return _vecmat(value_bar, a)


@kernel
def multiply_mv_vjp(a, x, value, value_bar):
    return _outer(value_bar, x, 1.0), _vecmat(value_bar, a)


@kernel
def multiply_vm(x, a):
    """row_vector * matrix."""
    if a.shape[0] != x.size:
        raise ValueError("multiply: the size of the row_vector must match the rows of the matrix")
    return _vecmat(x, a)


@kernel
def multiply_vm_vjp_0(x, a, value, value_bar):
    return _matvec(a, value_bar)


@kernel
def multiply_vm_vjp_1(x, a, value, value_bar):
    return _outer(x, value_bar, 1.0)


@kernel
def multiply_vm_vjp(x, a, value, value_bar):
    return _matvec(a, value_bar), _outer(x, value_bar, 1.0)


@kernel
def multiply_mm(a, b):
    """matrix * matrix (BLAS gemm)."""
    return _dot(a, b)


@kernel
def multiply_mm_vjp_0(a, b, value, value_bar):
    return _dot(value_bar, b.T)


@kernel
def multiply_mm_vjp_1(a, b, value, value_bar):
    return _dot(a.T, value_bar)


@kernel
def multiply_mm_vjp(a, b, value, value_bar):
    return _dot(value_bar, b.T), _dot(a.T, value_bar)


@kernel
def multiply_outer(u, w):
    """vector * row_vector: the outer product."""
    return _outer(u, w, 1.0)


@kernel
def multiply_outer_vjp(u, w, value, value_bar):
    return _dot(value_bar, _as_col(w)).ravel(), _dot(value_bar.T, _as_col(u)).ravel()


@kernel
def tcrossprod_m(a):
    """a a^T."""
    return _sym(_dot(a, a.T))


@kernel
def tcrossprod_m_vjp(a, value, value_bar):
    return (_dot(_plus_t(value_bar), a),)


@kernel
def crossprod_m(a):
    """a^T a."""
    return _sym(_dot(a.T, a))


@kernel
def crossprod_m_vjp(a, value, value_bar):
    return (_dot(a, _plus_t(value_bar)),)


@kernel
def multiply_lower_tri_self_transpose_m(a):
    """L L^T where L is the lower-triangular part of a (a may be non-square)."""
    low = _tril(a)
    return _sym(_dot(low, low.T))


@kernel
def multiply_lower_tri_self_transpose_m_vjp(a, value, value_bar):
    low = _tril(a)
    return (_tril(_dot(_plus_t(value_bar), low)),)


@kernel
def diag_pre_multiply_vm(v, a):
    """diag_matrix(v) * a."""
    r, c = a.shape
    if v.size != r:
        raise ValueError("diag_pre_multiply: size of the vector must match the rows of the matrix")
    out = np.empty((r, c))
    for i in range(r):
        for j in range(c):
            out[i, j] = v[i] * a[i, j]
    return out


@kernel
def diag_pre_multiply_vm_vjp(v, a, value, value_bar):
    r, c = a.shape
    gv = np.zeros(r)
    ga = np.empty((r, c))
    for i in range(r):
        s = 0.0
        for j in range(c):
            s += value_bar[i, j] * a[i, j]
            ga[i, j] = value_bar[i, j] * v[i]
        gv[i] = s
    return gv, ga


@kernel
def diag_post_multiply_mv(a, v):
    """a * diag_matrix(v)."""
    r, c = a.shape
    if v.size != c:
        raise ValueError("diag_post_multiply: size of the vector must match the columns of the"
                         " matrix")
    out = np.empty((r, c))
    for i in range(r):
        for j in range(c):
            out[i, j] = a[i, j] * v[j]
    return out


@kernel
def diag_post_multiply_mv_vjp(a, v, value, value_bar):
    r, c = a.shape
    gv = np.zeros(c)
    ga = np.empty((r, c))
    for i in range(r):
        for j in range(c):
            gv[j] += value_bar[i, j] * a[i, j]
            ga[i, j] = value_bar[i, j] * v[j]
    return ga, gv


@kernel
def quad_form_diag_mv(a, v):
    """diag_matrix(v) * a * diag_matrix(v)."""
    _check_square(a)
    n = a.shape[0]
    if v.size != n:
        raise ValueError("quad_form_diag: size of the vector must match the matrix")
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            out[i, j] = v[i] * a[i, j] * v[j]
    return out


@kernel
def quad_form_diag_mv_vjp(a, v, value, value_bar):
    n = a.shape[0]
    ga = np.empty((n, n))
    gv = np.zeros(n)
    for i in range(n):
        for j in range(n):
            t = value_bar[i, j] * a[i, j]
            ga[i, j] = value_bar[i, j] * v[i] * v[j]
            gv[i] += t * v[j]
            gv[j] += t * v[i]
    return ga, gv


@kernel
def quad_form_mv(a, b):
    """b^T a b for a vector b (also trace_quad_form(matrix, vector))."""
    _check_square(a)
    if b.size != a.shape[0]:
        raise ValueError("quad_form: size of the vector must match the matrix")
    ab = _dot(a, _as_col(b)).ravel()
    s = 0.0
    for i in range(b.size):
        s += b[i] * ab[i]
    return s


@kernel
def quad_form_mv_vjp(a, b, value, value_bar):
    ga = _outer(b, b, value_bar)
    gb = _dot(_plus_t(a), _as_col(b)).ravel()
    for i in range(gb.size):
        gb[i] *= value_bar
    return ga, gb


@kernel
def quad_form_mm(a, b):
    """b^T a b."""
    _check_square(a)
    if b.shape[0] != a.shape[0]:
        raise ValueError("quad_form: rows of the second argument must match the matrix")
    return _dot(b.T, _dot(a, b))


@kernel
def quad_form_mm_vjp(a, b, value, value_bar):
    bv = _dot(b, value_bar)
    ga = _dot(b, _dot(value_bar, b.T))
    gb = _add(_dot(a.T, bv), _dot(a, _dot(b, value_bar.T)))
    return ga, gb


@kernel
def quad_form_sym_mv(a, b):
    """b^T a b for symmetric a."""
    if not _is_symmetric(a):
        raise ValueError("quad_form_sym: matrix argument is not symmetric")
    return quad_form_mv(a, b)


@kernel
def quad_form_sym_mv_vjp(a, b, value, value_bar):
    ga = _outer(b, b, value_bar)
    gb = _dot(_plus_t(a), _as_col(b)).ravel()
    for i in range(gb.size):
        gb[i] *= value_bar
    return ga, gb


@kernel
def quad_form_sym_mm(a, b):
    """b^T a b for symmetric a, returned exactly symmetric."""
    if not _is_symmetric(a):
        raise ValueError("quad_form_sym: matrix argument is not symmetric")
    return _sym(quad_form_mm(a, b))


@kernel
def quad_form_sym_mm_vjp(a, b, value, value_bar):
    vs = _sym(value_bar)
    ga = _sym(_dot(b, _dot(vs, b.T)))
    gb = _dot(_plus_t(a), _dot(b, vs))
    return ga, gb


@kernel
def trace_quad_form_mm(a, b):
    """trace(b^T a b)."""
    _check_square(a)
    if b.shape[0] != a.shape[0]:
        raise ValueError("trace_quad_form: rows of the second argument must match the matrix")
    ab = _dot(a, b)
    s = 0.0
    for i in range(b.shape[0]):
        for j in range(b.shape[1]):
            s += b[i, j] * ab[i, j]
    return s


@kernel
def trace_quad_form_mm_vjp(a, b, value, value_bar):
    ga = _scale(_dot(b, b.T), value_bar)
    gb = _scale(_dot(_plus_t(a), b), value_bar)
    return ga, gb


@kernel
def trace_gen_quad_form_mmm(d, a, b):
    """trace(d b^T a b)."""
    _check_square(a)
    _check_square(d)
    if b.shape[0] != a.shape[0] or b.shape[1] != d.shape[0]:
        raise ValueError("trace_gen_quad_form: arguments have incompatible sizes")
    m = _dot(d, _dot(b.T, _dot(a, b)))
    s = 0.0
    for i in range(m.shape[0]):
        s += m[i, i]
    return s


@kernel
def trace_gen_quad_form_mmm_vjp(d, a, b, value, value_bar):
    ab = _dot(a, b)
    gd = _scale(_dot(b.T, _dot(a.T, b)), value_bar)
    ga = _scale(_dot(b, _dot(d.T, b.T)), value_bar)
    gb = _scale(_add(_dot(ab, d), _dot(a.T, _dot(b, d.T))), value_bar)
    return gd, ga, gb


@kernel
def add_diag_ms(a, s):
    out = a.copy()
    for i in range(min(a.shape[0], a.shape[1])):
        out[i, i] += s
    return out


@kernel
def add_diag_ms_vjp(a, s, value, value_bar):
    t = 0.0
    for i in range(min(a.shape[0], a.shape[1])):
        t += value_bar[i, i]
    return value_bar.copy(), t


@kernel
def add_diag_mv(a, v):
    n = min(a.shape[0], a.shape[1])
    if v.size != n:
        raise ValueError("add_diag: size of the vector must match the diagonal")
    out = a.copy()
    for i in range(n):
        out[i, i] += v[i]
    return out


@kernel
def add_diag_mv_vjp(a, v, value, value_bar):
    n = v.size
    gv = np.empty(n)
    for i in range(n):
        gv[i] = value_bar[i, i]
    return value_bar.copy(), gv


@kernel
def trace_m(a):
    s = 0.0
    for i in range(min(a.shape[0], a.shape[1])):
        s += a[i, i]
    return s


@kernel
def trace_m_vjp(a, value, value_bar):
    g = np.zeros(a.shape)
    for i in range(min(a.shape[0], a.shape[1])):
        g[i, i] = value_bar
    return (g,)


@kernel
def symmetrize_from_lower_tri_m(a):
    _check_square(a)
    n = a.shape[0]
    out = np.empty((n, n))
    for i in range(n):
        for j in range(i + 1):
            out[i, j] = a[i, j]
            out[j, i] = a[i, j]
    return out


@kernel
def symmetrize_from_lower_tri_m_vjp(a, value, value_bar):
    n = a.shape[0]
    g = np.zeros((n, n))
    for i in range(n):
        g[i, i] = value_bar[i, i]
        for j in range(i):
            g[i, j] = value_bar[i, j] + value_bar[j, i]
    return (g,)


@kernel
def matrix_power_m(a, n):
    """a^n for int n >= 0."""
    _check_square(a)
    if n < 0:
        raise ValueError("matrix_power: exponent must be non-negative")
    out = np.eye(a.shape[0])
    for _ in range(n):
        out = _dot(out, a)
    return out


@kernel
def matrix_power_m_vjp(a, n, value, value_bar):
    k = a.shape[0]
    powers = [np.eye(k)]
    for i in range(1, n):
        powers.append(_dot(powers[i - 1], a))
    g = np.zeros((k, k))
    for i in range(n):
        # d(a^n) = sum_i a^i da a^(n-1-i)
        _add_into(g, _dot(powers[i].T, _dot(value_bar, powers[n - 1 - i].T)))
    return (g,)


# ---------------------------------------------------------------------------------------------
# Solves


@kernel
def mdivide_left_tri_low_mm(low, b):
    """tril(low)^-1 b."""
    _check_square(low)
    if b.shape[0] != low.shape[0]:
        raise ValueError("mdivide_left_tri_low: sizes of the arguments do not match")
    return _solve_lower(low, b)


@kernel
def mdivide_left_tri_low_mm_vjp(low, b, value, value_bar):
    gb = _solve_lower_t(low, value_bar)
    return _tril(_scale(_dot(gb, value.T), -1.0)), gb


@kernel
def mdivide_left_tri_low_mv(low, b):
    return mdivide_left_tri_low_mm(low, _as_col(b)).ravel()


@kernel
def mdivide_left_tri_low_mv_vjp(low, b, value, value_bar):
    gl, gb = mdivide_left_tri_low_mm_vjp(low, _as_col(b), _as_col(value), _as_col(value_bar))
    return gl, gb.ravel()


@kernel
def mdivide_right_tri_low_mm(b, low):
    """b tril(low)^-1."""
    _check_square(low)
    if b.shape[1] != low.shape[0]:
        raise ValueError("mdivide_right_tri_low: sizes of the arguments do not match")
    return _solve_lower_t(low, np.ascontiguousarray(b.T)).T.copy()


@kernel
def mdivide_right_tri_low_mm_vjp(b, low, value, value_bar):
    gb = _solve_lower(low, np.ascontiguousarray(value_bar.T)).T.copy()
    return gb, _tril(_scale(_dot(value.T, gb), -1.0))


@kernel
def mdivide_right_tri_low_vm(b, low):
    return mdivide_right_tri_low_mm(_as_row(b), low).ravel()


@kernel
def mdivide_right_tri_low_vm_vjp(b, low, value, value_bar):
    gb, gl = mdivide_right_tri_low_mm_vjp(_as_row(b), low, _as_row(value), _as_row(value_bar))
    return gb.ravel(), gl


@kernel
def mdivide_left_mm(a, b):
    """a^-1 b (operator \\)."""
    _check_square(a)
    if b.shape[0] != a.shape[0]:
        raise ValueError("mdivide_left: sizes of the arguments do not match")
    if a.shape[0] == 0:
        return np.zeros(b.shape)
    return np.ascontiguousarray(np.linalg.solve(a, b))


@kernel
def mdivide_left_mm_vjp(a, b, value, value_bar):
    if a.shape[0] == 0:
        return np.zeros(a.shape), np.zeros(b.shape)
    gb = np.ascontiguousarray(np.linalg.solve(np.ascontiguousarray(a.T), value_bar))
    return _scale(_dot(gb, value.T), -1.0), gb


@kernel
def mdivide_left_mv(a, b):
    return mdivide_left_mm(a, _as_col(b)).ravel()


@kernel
def mdivide_left_mv_vjp(a, b, value, value_bar):
    ga, gb = mdivide_left_mm_vjp(a, _as_col(b), _as_col(value), _as_col(value_bar))
    return ga, gb.ravel()


@kernel
def mdivide_right_mm(b, a):
    """b a^-1 (operator / with a matrix on the right)."""
    _check_square(a)
    if b.shape[1] != a.shape[0]:
        raise ValueError("mdivide_right: sizes of the arguments do not match")
    if a.shape[0] == 0:
        return np.zeros(b.shape)
    return np.linalg.solve(np.ascontiguousarray(a.T), np.ascontiguousarray(b.T)).T.copy()


@kernel
def mdivide_right_mm_vjp(b, a, value, value_bar):
    if a.shape[0] == 0:
        return np.zeros(b.shape), np.zeros(a.shape)
    gb = np.linalg.solve(a, np.ascontiguousarray(value_bar.T)).T.copy()
    return gb, _scale(_dot(value.T, gb), -1.0)


@kernel
def mdivide_right_vm(b, a):
    return mdivide_right_mm(_as_row(b), a).ravel()


@kernel
def mdivide_right_vm_vjp(b, a, value, value_bar):
    gb, ga = mdivide_right_mm_vjp(_as_row(b), a, _as_row(value), _as_row(value_bar))
    return gb.ravel(), ga


@kernel
def mdivide_left_spd_mm(a, b):
    """a^-1 b for symmetric positive-definite a."""
    if b.shape[0] != a.shape[0]:
        raise ValueError("mdivide_left_spd: sizes of the arguments do not match")
    low = _chol(a)
    return _solve_lower_t(low, _solve_lower(low, b))


@kernel
def mdivide_left_spd_mm_vjp(a, b, value, value_bar):
    low = _chol(a)
    gb = _solve_lower_t(low, _solve_lower(low, value_bar))
    return _scale(_sym(_dot(gb, value.T)), -1.0), gb


@kernel
def mdivide_left_spd_mv(a, b):
    return mdivide_left_spd_mm(a, _as_col(b)).ravel()


@kernel
def mdivide_left_spd_mv_vjp(a, b, value, value_bar):
    ga, gb = mdivide_left_spd_mm_vjp(a, _as_col(b), _as_col(value), _as_col(value_bar))
    return ga, gb.ravel()


@kernel
def mdivide_right_spd_mm(b, a):
    """b a^-1 for symmetric positive-definite a."""
    if b.shape[1] != a.shape[0]:
        raise ValueError("mdivide_right_spd: sizes of the arguments do not match")
    low = _chol(a)
    return _solve_lower_t(low, _solve_lower(low, np.ascontiguousarray(b.T))).T.copy()


@kernel
def mdivide_right_spd_mm_vjp(b, a, value, value_bar):
    low = _chol(a)
    gb = _solve_lower_t(low, _solve_lower(low, np.ascontiguousarray(value_bar.T))).T.copy()
    return gb, _scale(_sym(_dot(value.T, gb)), -1.0)


@kernel
def mdivide_right_spd_vm(b, a):
    return mdivide_right_spd_mm(_as_row(b), a).ravel()


@kernel
def mdivide_right_spd_vm_vjp(b, a, value, value_bar):
    gb, ga = mdivide_right_spd_mm_vjp(_as_row(b), a, _as_row(value), _as_row(value_bar))
    return gb.ravel(), ga


# ---------------------------------------------------------------------------------------------
# Inverses, determinants, decompositions


@kernel
def inverse_m(a):
    _check_square(a)
    if a.shape[0] == 0:
        return np.zeros((0, 0))
    return np.ascontiguousarray(np.linalg.inv(a))


@kernel
def inverse_m_vjp(a, value, value_bar):
    # d(A^-1) = -A^-1 dA A^-1  =>  Abar = -A^-T Vbar A^-T
    return (_scale(_dot(value.T, _dot(value_bar, value.T)), -1.0),)


@kernel
def inverse_spd_m(a):
    low = _chol(a)
    linv = _solve_lower(low, np.eye(a.shape[0]))
    return _sym(_dot(linv.T, linv))


@kernel
def inverse_spd_m_vjp(a, value, value_bar):
    return (_scale(_sym(_dot(value, _dot(value_bar, value))), -1.0),)


@kernel
def chol2inv_m(low):
    """(L L^T)^-1 from a lower-triangular Cholesky factor L."""
    _check_square(low)
    n = low.shape[0]
    linv = _solve_lower(low, np.eye(n))
    return _sym(_dot(linv.T, linv))


@kernel
def chol2inv_m_vjp(low, value, value_bar):
    s = _dot(value, _dot(value_bar, value))
    return (_tril(_scale(_dot(_plus_t(s), _tril(low)), -1.0)),)


@kernel
def determinant_m(a):
    _check_square(a)
    if a.shape[0] == 0:
        return 1.0
    return np.linalg.det(a)


@kernel
def determinant_m_vjp(a, value, value_bar):
    if a.shape[0] == 0:
        return (np.zeros((0, 0)),)
    return (_scale(np.linalg.inv(a).T, value_bar * value),)


@kernel
def log_determinant_m(a):
    """log |det a|."""
    _check_square(a)
    if a.shape[0] == 0:
        return 0.0
    sign, logdet = np.linalg.slogdet(a)
    if sign == 0.0:
        return -INF
    return logdet


@kernel
def log_determinant_m_vjp(a, value, value_bar):
    if a.shape[0] == 0:
        return (np.zeros((0, 0)),)
    return (_scale(np.linalg.inv(a).T, value_bar),)


@kernel
def log_determinant_spd_m(a):
    low = _chol(a)
    s = 0.0
    for i in range(low.shape[0]):
        s += math.log(low[i, i])
    return 2.0 * s


@kernel
def log_determinant_spd_m_vjp(a, value, value_bar):
    return (_scale(inverse_spd_m(a), value_bar),)


@kernel
def cholesky_decompose_m(a):
    """The lower-triangular L with L L^T = a, for symmetric positive-definite a."""
    return _chol(a)


@kernel
def cholesky_decompose_m_vjp(a, value, value_bar):
    # Murray (2016): Abar = L^-T Phi(L^T Lbar) L^-1, Phi = lower triangle with half diagonal;
    # returned symmetrised.
    low = value
    n = low.shape[0]
    p = _dot(low.T, _tril(value_bar))
    for i in range(n):
        p[i, i] *= 0.5
        for j in range(i + 1, n):
            p[i, j] = 0.0
    x = _solve_lower_t(low, p)                                  # L^-T P
    g = _solve_lower_t(low, np.ascontiguousarray(x.T)).T.copy()  # (L^-T P) L^-1
    return (_sym(g),)


@kernel
def _eigh(a):
    _check_square(a)
    if not _is_symmetric(a):
        raise ValueError("eigen decomposition: matrix argument is not symmetric")
    _check_finite(a)
    return np.linalg.eigh(_sym(a))


@kernel
def eigenvalues_sym_m(a):
    """Eigenvalues of a symmetric matrix, ascending."""
    if a.shape[0] == 0:
        return np.zeros(0)
    return _eigh(a)[0]


@kernel
def eigenvalues_sym_m_vjp(a, value, value_bar):
    if a.shape[0] == 0:
        return (np.zeros((0, 0)),)
    w, v = _eigh(a)
    return (_sym(_dot(_scale_cols(v, value_bar), v.T)),)


@kernel
def eigenvectors_sym_m(a):
    """Eigenvectors (columns) of a symmetric matrix, in the order of eigenvalues_sym."""
    if a.shape[0] == 0:
        return np.zeros((0, 0))
    return np.ascontiguousarray(_eigh(a)[1])


@kernel
def eigenvectors_sym_m_vjp(a, value, value_bar):
    n = a.shape[0]
    if n == 0:
        return (np.zeros((0, 0)),)
    v = value
    w = np.diag(_dot(v.T, _dot(a, v)))
    f = _dot(v.T, value_bar)
    for i in range(n):
        for j in range(n):
            f[i, j] = 0.0 if i == j else f[i, j] / (w[j] - w[i])
    return (_sym(_dot(v, _dot(f, v.T))),)


@kernel
def singular_values_m(a):
    """Singular values, descending."""
    if a.shape[0] == 0 or a.shape[1] == 0:
        return np.zeros(0)
    _check_finite(a)
    return np.linalg.svd(a, full_matrices=False)[1]


@kernel
def singular_values_m_vjp(a, value, value_bar):
    if a.shape[0] == 0 or a.shape[1] == 0:
        return (np.zeros(a.shape),)
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    return (_dot(_scale_cols(u, value_bar), vt),)


# ---------------------------------------------------------------------------------------------
# Gaussian-process covariance functions.  Inputs: `array[] real` (1-D) or `array[] vector`
# (2-D, one row per point); length scale real or, for ARD, one per dimension.  The kernels
# share one core over k(x, x') = alpha^2 g(s), s = |(x - x') / rho|:
# kind 0 exp_quad g = exp(-s^2/2); 1 exponential exp(-s); 2 matern32; 3 matern52.

_SQRT3 = math.sqrt(3.0)
_SQRT5 = math.sqrt(5.0)


@kernel
def _gp_g(kind, s):
    """(g(s), g'(s) / s)."""
    if kind == 0:
        e = math.exp(-0.5 * s * s)
        return e, -e
    if kind == 1:
        e = math.exp(-s)
        return e, (-e / s if s > 0.0 else 0.0)
    if kind == 2:
        e = math.exp(-_SQRT3 * s)
        return (1.0 + _SQRT3 * s) * e, -3.0 * e
    e = math.exp(-_SQRT5 * s)
    return (1.0 + _SQRT5 * s + 5.0 / 3.0 * s * s) * e, -5.0 / 3.0 * (1.0 + _SQRT5 * s) * e


@kernel
def _gp_check(x1, x2, alpha, rho):
    if x1.shape[1] != x2.shape[1]:
        raise ValueError("gp covariance: input points must have the same dimension")
    if rho.size != x1.shape[1]:
        raise ValueError("gp covariance: one length scale per input dimension is required")
    if not (alpha > 0.0) or not math.isfinite(alpha):
        raise ValueError("gp covariance: magnitude must be positive and finite")
    for d in range(rho.size):
        if not (rho[d] > 0.0) or not math.isfinite(rho[d]):
            raise ValueError("gp covariance: length scale must be positive and finite")


@kernel
def _gp_cov(x1, x2, alpha, rho, kind, same):
    _gp_check(x1, x2, alpha, rho)
    n1 = x1.shape[0]
    n2 = x2.shape[0]
    dim = x1.shape[1]
    inv_rho = np.empty(dim)
    for d in range(dim):
        inv_rho[d] = 1.0 / rho[d]
    a2 = alpha * alpha
    out = np.empty((n1, n2))
    for i in range(n1):
        j0 = 0
        if same:
            out[i, i] = a2
            j0 = i + 1
        for j in range(j0, n2):
            s2 = 0.0
            for d in range(dim):
                t = (x1[i, d] - x2[j, d]) * inv_rho[d]
                s2 += t * t
            k = a2 * _gp_g(kind, math.sqrt(s2))[0]
            out[i, j] = k
            if same:
                out[j, i] = k
    return out


@kernel
def _gp_cov_vjp(x1, x2, alpha, rho, kind, same, value_bar, want_x, want_alpha, want_rho):
    """(x1bar, x2bar, alphabar, rhobar), computing only what is wanted."""
    n1 = x1.shape[0]
    n2 = x2.shape[0]
    dim = x1.shape[1]
    inv_rho = np.empty(dim)
    for d in range(dim):
        inv_rho[d] = 1.0 / rho[d]
    a2 = alpha * alpha
    g1 = np.zeros((n1, dim))
    g2 = np.zeros((n2, dim))
    ga = 0.0
    gr = np.zeros(dim)
    delta = np.empty(dim)
    for i in range(n1):
        j0 = i if same else 0
        for j in range(j0, n2):
            kb = value_bar[i, j]
            if same and j != i:
                kb += value_bar[j, i]
            if kb == 0.0:
                continue
            s2 = 0.0
            for d in range(dim):
                delta[d] = x1[i, d] - x2[j, d]
                t = delta[d] * inv_rho[d]
                s2 += t * t
            g, h = _gp_g(kind, math.sqrt(s2))
            if want_alpha:
                ga += kb * 2.0 * alpha * g
            if (want_x or want_rho) and s2 > 0.0:
                c = kb * a2 * h
                for d in range(dim):
                    t = c * delta[d] * inv_rho[d] * inv_rho[d]
                    if want_x:
                        g1[i, d] += t
                        g2[j, d] -= t
                    if want_rho:
                        gr[d] -= t * delta[d] * inv_rho[d]
    if same:
        _add_into(g1, g2)
    return g1, g2, ga, gr


@kernel
def _col2(x):
    return x.reshape((x.size, 1))


# exp_quad, one set of real inputs ------------------------------------------------------------

@kernel
def gp_exp_quad_cov_a(x, alpha, rho):
    """gp_exp_quad_cov(array[] real x, real alpha, real rho)."""
    xc = _col2(x)
    return _gp_cov(xc, xc, alpha, np.full(1, rho), 0, True)


@kernel
def gp_exp_quad_cov_a_vjp(x, alpha, rho, value, value_bar):
    xc = _col2(x)
    g1, g2, ga, gr = _gp_cov_vjp(xc, xc, alpha, np.full(1, rho), 0, True, value_bar,
                                 True, True, True)
    return g1.ravel(), ga, gr[0]





# exp_quad, two sets of real inputs -----------------------------------------------------------

@kernel
def gp_exp_quad_cov_aa(x1, x2, alpha, rho):
    """gp_exp_quad_cov(array[] real x1, array[] real x2, real alpha, real rho)."""
    return _gp_cov(_col2(x1), _col2(x2), alpha, np.full(1, rho), 0, False)


@kernel
def gp_exp_quad_cov_aa_vjp(x1, x2, alpha, rho, value, value_bar):
    g1, g2, ga, gr = _gp_cov_vjp(_col2(x1), _col2(x2), alpha, np.full(1, rho), 0, False,
                                 value_bar, True, True, True)
    return g1.ravel(), g2.ravel(), ga, gr[0]






# exp_quad, one set of vector inputs (rows of x) ----------------------------------------------

@kernel
def gp_exp_quad_cov_vecs(x, alpha, rho):
    """gp_exp_quad_cov(array[] vector x, real alpha, real rho)."""
    return _gp_cov(x, x, alpha, np.full(x.shape[1], rho), 0, True)


@kernel
def gp_exp_quad_cov_vecs_vjp(x, alpha, rho, value, value_bar):
    g1, g2, ga, gr = _gp_cov_vjp(x, x, alpha, np.full(x.shape[1], rho), 0, True, value_bar,
                                 True, True, True)
    return g1, ga, gr.sum()





# exp_quad, two sets of vector inputs ---------------------------------------------------------

@kernel
def gp_exp_quad_cov_vecs2(x1, x2, alpha, rho):
    """gp_exp_quad_cov(array[] vector x1, array[] vector x2, real alpha, real rho)."""
    return _gp_cov(x1, x2, alpha, np.full(x1.shape[1], rho), 0, False)


@kernel
def gp_exp_quad_cov_vecs2_vjp(x1, x2, alpha, rho, value, value_bar):
    g1, g2, ga, gr = _gp_cov_vjp(x1, x2, alpha, np.full(x1.shape[1], rho), 0, False,
                                 value_bar, True, True, True)
    return g1, g2, ga, gr.sum()






# exp_quad with one length scale per dimension (ARD) ------------------------------------------

@kernel
def gp_exp_quad_cov_ard(x, alpha, rho):
    """gp_exp_quad_cov(array[] vector x, real alpha, array[] real rho)."""
    return _gp_cov(x, x, alpha, rho, 0, True)


@kernel
def gp_exp_quad_cov_ard_vjp(x, alpha, rho, value, value_bar):
    g1, g2, ga, gr = _gp_cov_vjp(x, x, alpha, rho, 0, True, value_bar, True, True, True)
    return g1, ga, gr





@kernel
def gp_exp_quad_cov_ard2(x1, x2, alpha, rho):
    """gp_exp_quad_cov(array[] vector x1, array[] vector x2, real alpha, array[] real rho)."""
    return _gp_cov(x1, x2, alpha, rho, 0, False)


@kernel
def gp_exp_quad_cov_ard2_vjp(x1, x2, alpha, rho, value, value_bar):
    return _gp_cov_vjp(x1, x2, alpha, rho, 0, False, value_bar, True, True, True)






# ---------------------------------------------------------------------------------------------
# Hidden Markov models


@kernel
def _is_simplex(p):
    """Non-negative entries summing to 1 within 1e-8 (Stan's check_simplex)."""
    s = 0.0
    for i in range(p.size):
        if not (p[i] >= 0.0):
            return False
        s += p[i]
    return math.fabs(s - 1.0) <= 1e-8


@kernel
def hmm_marginal(log_omega, gamma, rho):
    """log p(y) for an HMM: log_omega[k, n] = log p(y_n | state k), gamma[i, j] the transition
    probability i -> j, rho the initial state distribution (forward algorithm, rescaled)."""
    k, n = log_omega.shape
    if gamma.shape[0] != k or gamma.shape[1] != k or rho.size != k:
        raise ValueError("hmm_marginal: sizes of the arguments do not match")
    if not _is_simplex(rho):
        raise ValueError("hmm_marginal: rho is not a valid simplex")
    for i in range(k):
        if not _is_simplex(gamma[i]):
            raise ValueError("hmm_marginal: a row of Gamma is not a valid simplex")
    if n == 0:
        return 0.0
    alpha = np.empty(k)
    lognorm = 0.0
    for t in range(n):
        c = -INF
        for i in range(k):
            if log_omega[i, t] > c:
                c = log_omega[i, t]
        if c == -INF:
            return -INF
        new = np.empty(k)
        for j in range(k):
            if t == 0:
                prior = rho[j]
            else:
                prior = 0.0
                for i in range(k):
                    prior += alpha[i] * gamma[i, j]
            new[j] = prior * math.exp(log_omega[j, t] - c)
        s = 0.0
        for j in range(k):
            s += new[j]
        if not (s > 0.0):
            return -INF if s == 0.0 else NAN
        for j in range(k):
            alpha[j] = new[j] / s
        lognorm += c + math.log(s)
    return lognorm


@kernel
def hmm_marginal_vjp(log_omega, gamma, rho, value, value_bar):
    k, n = log_omega.shape
    g_omega = np.zeros((k, n))
    g_gamma = np.zeros((k, k))
    g_rho = np.zeros(k)
    if n == 0 or not math.isfinite(value):
        return g_omega, g_gamma, g_rho
    # scaled emissions w[:, t] = exp(log_omega[:, t] - max_t)
    w = np.empty((k, n))
    for t in range(n):
        c = -INF
        for i in range(k):
            if log_omega[i, t] > c:
                c = log_omega[i, t]
        for i in range(k):
            w[i, t] = math.exp(log_omega[i, t] - c)
    # forward (normalised alphas)
    a = np.empty((k, n))
    for t in range(n):
        s = 0.0
        for j in range(k):
            if t == 0:
                prior = rho[j]
            else:
                prior = 0.0
                for i in range(k):
                    prior += a[i, t - 1] * gamma[i, j]
            a[j, t] = prior * w[j, t]
            s += a[j, t]
        for j in range(k):
            a[j, t] /= s
    # backward (normalised betas)
    b = np.empty((k, n))
    for i in range(k):
        b[i, n - 1] = 1.0
    wb = np.empty(k)
    for t in range(n - 2, -1, -1):
        for j in range(k):
            wb[j] = w[j, t + 1] * b[j, t + 1]
        s = 0.0
        for i in range(k):
            acc = 0.0
            for j in range(k):
                acc += gamma[i, j] * wb[j]
            b[i, t] = acc
            s += acc
        for i in range(k):
            b[i, t] /= s
    # posterior state marginals: d log p / d log_omega[:, t]
    for t in range(n):
        s = 0.0
        for i in range(k):
            s += a[i, t] * b[i, t]
        for i in range(k):
            g_omega[i, t] = value_bar * a[i, t] * b[i, t] / s
    # transitions: sum_t a_t(i) w_{t+1}(j) b_{t+1}(j) / normaliser
    for t in range(n - 1):
        for j in range(k):
            wb[j] = w[j, t + 1] * b[j, t + 1]
        z = 0.0
        for i in range(k):
            for j in range(k):
                z += a[i, t] * gamma[i, j] * wb[j]
        for i in range(k):
            for j in range(k):
                g_gamma[i, j] += value_bar * a[i, t] * wb[j] / z
    # initial distribution
    z = 0.0
    for i in range(k):
        z += rho[i] * w[i, 0] * b[i, 0]
    for i in range(k):
        g_rho[i] = value_bar * w[i, 0] * b[i, 0] / z
    return g_omega, g_gamma, g_rho


# ---------------------------------------------------------------------------------------------
# Compressed row storage (1-based v and u, as Stan)


@kernel
def _check_csr(m, n, w, v, u):
    if u.size != m + 1 or v.size != w.size or u[m] - 1 != w.size or u[0] != 1:
        raise ValueError("csr: inconsistent sparse matrix arguments")
    for k in range(v.size):
        if v[k] < 1 or v[k] > n:
            raise IndexError("csr: column index out of range")


@kernel
def csr_matrix_times_vector(m, n, w, v, u, b):
    _check_csr(m, n, w, v, u)
    if b.size != n:
        raise ValueError("csr_matrix_times_vector: size of b must equal the columns")
    out = np.zeros(m)
    for i in range(m):
        s = 0.0
        for k in range(u[i] - 1, u[i + 1] - 1):
            s += w[k] * b[v[k] - 1]
        out[i] = s
    return out


@kernel
def csr_matrix_times_vector_vjp_0(m, n, w, v, u, b, value, value_bar):
    gw = np.empty(w.size)
    for i in range(m):
        for k in range(u[i] - 1, u[i + 1] - 1):
            gw[k] = value_bar[i] * b[v[k] - 1]
    return gw


@kernel
def csr_matrix_times_vector_vjp_1(m, n, w, v, u, b, value, value_bar):
    gb = np.zeros(n)
    for i in range(m):
        for k in range(u[i] - 1, u[i + 1] - 1):
            gb[v[k] - 1] += value_bar[i] * w[k]
    return gb


@kernel
def csr_matrix_times_vector_vjp(m, n, w, v, u, b, value, value_bar):
    return (csr_matrix_times_vector_vjp_0(m, n, w, v, u, b, value, value_bar),
            csr_matrix_times_vector_vjp_1(m, n, w, v, u, b, value, value_bar))


@kernel
def csr_to_dense_matrix(m, n, w, v, u):
    _check_csr(m, n, w, v, u)
    out = np.zeros((m, n))
    for i in range(m):
        for k in range(u[i] - 1, u[i + 1] - 1):
            out[i, v[k] - 1] = w[k]
    return out


@kernel
def csr_to_dense_matrix_vjp(m, n, w, v, u, value, value_bar):
    gw = np.empty(w.size)
    for i in range(m):
        for k in range(u[i] - 1, u[i + 1] - 1):
            gw[k] = value_bar[i, v[k] - 1]
    return (gw,)


@kernel
def csr_extract_w(a):
    """The non-zero values of a, row by row."""
    nnz = 0
    for x in a.ravel():
        if x != 0.0:
            nnz += 1
    out = np.empty(nnz)
    k = 0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if a[i, j] != 0.0:
                out[k] = a[i, j]
                k += 1
    return out


@kernel
def csr_extract_w_vjp(a, value, value_bar):
    g = np.zeros(a.shape)
    k = 0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if a[i, j] != 0.0:
                g[i, j] = value_bar[k]
                k += 1
    return (g,)


@kernel
def csr_extract_v(a):
    """1-based column indices of the non-zero values of a."""
    out = np.empty(csr_extract_w(a).size, dtype=np.int64)
    k = 0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if a[i, j] != 0.0:
                out[k] = j + 1
                k += 1
    return out


@kernel
def csr_extract_u(a):
    """1-based start of each row in w and v, then nnz + 1."""
    out = np.empty(a.shape[0] + 1, dtype=np.int64)
    k = 0
    for i in range(a.shape[0]):
        out[i] = k + 1
        for j in range(a.shape[1]):
            if a[i, j] != 0.0:
                k += 1
    out[a.shape[0]] = k + 1
    return out
