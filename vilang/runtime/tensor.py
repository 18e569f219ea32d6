"""Stan's container functions other than linear algebra: reductions, elementwise arithmetic on
containers, constructors, slicing and reshaping, sorting, softmax, log_mix, sizes.

Representation (the code generator's side of the contract):

* `vector`, `row_vector`, `array[] real`: 1-D float64 arrays (`_v` kernels);
* `matrix`: 2-D float64 C-order arrays, one row per matrix row (`_m` kernels);
* `array[] vector`, `array[] row_vector`, `array[,] real`: 2-D float64 arrays, one row per
  array element (`_a2` kernels); `array[,,] real`: 3-D;
* `array[] int`, ...: int64 arrays (`_int` kernels); `real` float64, `int` int64;
* indices and sizes are Stan's (1-based), as written in the program.

`f(args...)` returns the value, `f_vjp(args..., value, value_bar)` returns a tuple with the
adjoint of each real-valued argument (scalars, vectors, matrices; int arguments get none), in
argument order.  Values never alias their arguments (structural functions copy), so callers may
write into results.  Size and index errors raise `ValueError`/`IndexError` with Stan's function
name.  Linear algebra is in `vilang.runtime.linalg`; the table of all functions is
`vilang.runtime.functions.FUNCTIONS`.
"""
import math

import numpy as np

from vilang.runtime.jit import kernel

INF = math.inf
NAN = math.nan

# ---------------------------------------------------------------------------------------------
# Helpers


@kernel
def _zeros_like(x):
    return np.zeros(x.shape)


@kernel
def _fill_v(n, x):
    out = np.empty(n)
    for i in range(n):
        out[i] = x
    return out


@kernel
def _put(dst, start, src):
    """dst[start:start + src.size] = src (a loop: slice assignment is slow to compile)."""
    for i in range(src.size):
        dst[start + i] = src[i]


@kernel
def _put2(dst, r0, c0, src):
    """dst[r0:r0 + rows, c0:c0 + cols] = src for 2-D src."""
    for i in range(src.shape[0]):
        for j in range(src.shape[1]):
            dst[r0 + i, c0 + j] = src[i, j]


@kernel
def _sum(x):
    s = 0.0
    for i in range(x.size):
        s += x[i]
    return s


# ---------------------------------------------------------------------------------------------
# Reductions over 1-D (vector, row_vector, array[] real) and 2-D (matrix) arguments.  The
# matrix versions reduce over all elements.


@kernel
def sum_v(x):
    return _sum(x)


@kernel
def sum_v_vjp(x, value, value_bar):
    return (_fill_v(x.size, value_bar),)


@kernel
def sum_m(x):
    return _sum(x.ravel())


@kernel
def sum_m_vjp(x, value, value_bar):
    return (np.full(x.shape, value_bar),)


@kernel
def sum_int(x):
    s = 0
    for i in range(x.size):
        s += x[i]
    return s


@kernel
def prod_v(x):
    p = 1.0
    for i in range(x.size):
        p *= x[i]
    return p


@kernel
def prod_v_vjp(x, value, value_bar):
    # prefix and suffix products: exact even when elements are zero
    n = x.size
    g = np.empty(n)
    p = 1.0
    for i in range(n):
        g[i] = p
        p *= x[i]
    s = value_bar
    for i in range(n - 1, -1, -1):
        g[i] *= s
        s *= x[i]
    return (g,)


@kernel
def prod_m(x):
    return prod_v(x.ravel())


@kernel
def prod_m_vjp(x, value, value_bar):
    return (prod_v_vjp(x.ravel(), value, value_bar)[0].reshape(x.shape),)


@kernel
def prod_int(x):
    p = 1
    for i in range(x.size):
        p *= x[i]
    return p


@kernel
def _argmax(x):
    k = -1
    best = -INF
    for i in range(x.size):
        if x[i] > best or (k < 0 and x[i] == best):
            best = x[i]
            k = i
        elif math.isnan(x[i]):
            return i
    return k


@kernel
def _argmin(x):
    k = -1
    best = INF
    for i in range(x.size):
        if x[i] < best or (k < 0 and x[i] == best):
            best = x[i]
            k = i
        elif math.isnan(x[i]):
            return i
    return k


@kernel
def max_v(x):
    """The largest element; -inf for an empty container, NaN if any element is NaN."""
    k = _argmax(x)
    return -INF if k < 0 else x[k]


@kernel
def max_v_vjp(x, value, value_bar):
    g = np.zeros(x.size)
    k = _argmax(x)
    if k >= 0:
        g[k] = value_bar
    return (g,)


@kernel
def max_m(x):
    return max_v(x.ravel())


@kernel
def max_m_vjp(x, value, value_bar):
    return (max_v_vjp(x.ravel(), value, value_bar)[0].reshape(x.shape),)


@kernel
def min_v(x):
    """The smallest element; +inf for an empty container, NaN if any element is NaN."""
    k = _argmin(x)
    return INF if k < 0 else x[k]


@kernel
def min_v_vjp(x, value, value_bar):
    g = np.zeros(x.size)
    k = _argmin(x)
    if k >= 0:
        g[k] = value_bar
    return (g,)


@kernel
def min_m(x):
    return min_v(x.ravel())


@kernel
def min_m_vjp(x, value, value_bar):
    return (min_v_vjp(x.ravel(), value, value_bar)[0].reshape(x.shape),)


@kernel
def max_int(x):
    if x.size == 0:
        raise ValueError("max: int array must not be empty")
    m = x[0]
    for i in range(1, x.size):
        if x[i] > m:
            m = x[i]
    return m


@kernel
def min_int(x):
    if x.size == 0:
        raise ValueError("min: int array must not be empty")
    m = x[0]
    for i in range(1, x.size):
        if x[i] < m:
            m = x[i]
    return m


@kernel
def mean_v(x):
    if x.size == 0:
        raise ValueError("mean: argument must not be empty")
    return _sum(x) / x.size


@kernel
def mean_v_vjp(x, value, value_bar):
    return (_fill_v(x.size, value_bar / x.size),)


@kernel
def mean_m(x):
    return mean_v(x.ravel())


@kernel
def mean_m_vjp(x, value, value_bar):
    return (np.full(x.shape, value_bar / x.size),)


@kernel
def variance_v(x):
    """The sample variance (divisor n - 1); 0 for a single element."""
    n = x.size
    if n == 0:
        raise ValueError("variance: argument must not be empty")
    if n == 1:
        return 0.0
    m = _sum(x) / n
    s = 0.0
    for i in range(n):
        d = x[i] - m
        s += d * d
    return s / (n - 1)


@kernel
def variance_v_vjp(x, value, value_bar):
    n = x.size
    g = np.zeros(n)
    if n > 1:
        m = _sum(x) / n
        c = 2.0 * value_bar / (n - 1)
        for i in range(n):
            g[i] = c * (x[i] - m)
    return (g,)


@kernel
def variance_m(x):
    return variance_v(x.ravel())


@kernel
def variance_m_vjp(x, value, value_bar):
    return (variance_v_vjp(x.ravel(), value, value_bar)[0].reshape(x.shape),)


@kernel
def sd_v(x):
    return math.sqrt(variance_v(x))


@kernel
def sd_v_vjp(x, value, value_bar):
    n = x.size
    g = np.zeros(n)
    if n > 1 and value > 0.0:
        m = _sum(x) / n
        c = value_bar / ((n - 1) * value)
        for i in range(n):
            g[i] = c * (x[i] - m)
    return (g,)


@kernel
def sd_m(x):
    return sd_v(x.ravel())


@kernel
def sd_m_vjp(x, value, value_bar):
    return (sd_v_vjp(x.ravel(), value, value_bar)[0].reshape(x.shape),)


@kernel
def log_sum_exp_v(x):
    """log(sum(exp(x))), -inf for an empty container."""
    n = x.size
    m = -INF
    for i in range(n):
        if x[i] > m:
            m = x[i]
        elif math.isnan(x[i]):
            return NAN
    if m == -INF or m == INF:
        return m
    s = 0.0
    for i in range(n):
        s += math.exp(x[i] - m)
    return m + math.log(s)


@kernel
def log_sum_exp_v_vjp(x, value, value_bar):
    n = x.size
    g = np.zeros(n)
    if value == -INF:
        return (g,)
    for i in range(n):
        g[i] = value_bar * math.exp(x[i] - value)
    return (g,)


@kernel
def log_sum_exp_m(x):
    return log_sum_exp_v(x.ravel())


@kernel
def log_sum_exp_m_vjp(x, value, value_bar):
    return (log_sum_exp_v_vjp(x.ravel(), value, value_bar)[0].reshape(x.shape),)


@kernel
def norm1_v(x):
    s = 0.0
    for i in range(x.size):
        s += math.fabs(x[i])
    return s


@kernel
def norm1_v_vjp(x, value, value_bar):
    n = x.size
    g = np.zeros(n)
    for i in range(n):
        if x[i] > 0.0:
            g[i] = value_bar
        elif x[i] < 0.0:
            g[i] = -value_bar
    return (g,)


@kernel
def norm2_v(x):
    s = 0.0
    for i in range(x.size):
        s += x[i] * x[i]
    return math.sqrt(s)


@kernel
def norm2_v_vjp(x, value, value_bar):
    n = x.size
    g = np.zeros(n)
    if value > 0.0:
        c = value_bar / value
        for i in range(n):
            g[i] = c * x[i]
    return (g,)


@kernel
def dot_self_v(x):
    s = 0.0
    for i in range(x.size):
        s += x[i] * x[i]
    return s


@kernel
def dot_self_v_vjp(x, value, value_bar):
    n = x.size
    g = np.empty(n)
    c = 2.0 * value_bar
    for i in range(n):
        g[i] = c * x[i]
    return (g,)


@kernel
def dot_self1_v(x):
    """dot_self as a 1-element container (columns_dot_self(vector), rows_dot_self(row_vector))."""
    return _fill_v(1, dot_self_v(x))


@kernel
def dot_self1_v_vjp(x, value, value_bar):
    return dot_self_v_vjp(x, value[0], value_bar[0])


@kernel
def square_v(x):
    """Elementwise square (rows_dot_self(vector), columns_dot_self(row_vector))."""
    out = np.empty(x.size)
    for i in range(x.size):
        out[i] = x[i] * x[i]
    return out


@kernel
def square_v_vjp(x, value, value_bar):
    g = np.empty(x.size)
    for i in range(x.size):
        g[i] = 2.0 * value_bar[i] * x[i]
    return (g,)


@kernel
def columns_dot_self_m(a):
    r, c = a.shape
    out = np.zeros(c)
    for i in range(r):
        for j in range(c):
            out[j] += a[i, j] * a[i, j]
    return out


@kernel
def columns_dot_self_m_vjp(a, value, value_bar):
    r, c = a.shape
    g = np.empty((r, c))
    for i in range(r):
        for j in range(c):
            g[i, j] = 2.0 * value_bar[j] * a[i, j]
    return (g,)


@kernel
def rows_dot_self_m(a):
    r, c = a.shape
    out = np.zeros(r)
    for i in range(r):
        s = 0.0
        for j in range(c):
            s += a[i, j] * a[i, j]
        out[i] = s
    return out


@kernel
def rows_dot_self_m_vjp(a, value, value_bar):
    r, c = a.shape
    g = np.empty((r, c))
    for i in range(r):
        for j in range(c):
            g[i, j] = 2.0 * value_bar[i] * a[i, j]
    return (g,)


@kernel
def dot_product_vv(x, y):
    """x . y for vectors, row_vectors or arrays (also row_vector * vector)."""
    n = x.size
    if y.size != n:
        raise ValueError("dot_product: arguments must have the same size")
    s = 0.0
    for i in range(n):
        s += x[i] * y[i]
    return s


@kernel
def dot_product_vv_vjp(x, y, value, value_bar):
    n = x.size
    gx = np.empty(n)
    gy = np.empty(n)
    for i in range(n):
        gx[i] = value_bar * y[i]
        gy[i] = value_bar * x[i]
    return gx, gy


@kernel
def dot_product1_vv(x, y):
    """dot_product as a 1-element container (columns_dot_product(vector, vector), ...)."""
    return _fill_v(1, dot_product_vv(x, y))


@kernel
def dot_product1_vv_vjp(x, y, value, value_bar):
    return dot_product_vv_vjp(x, y, value[0], value_bar[0])


@kernel
def columns_dot_product_mm(a, b):
    if a.shape[0] != b.shape[0] or a.shape[1] != b.shape[1]:
        raise ValueError("columns_dot_product: arguments must have the same shape")
    r, c = a.shape
    out = np.zeros(c)
    for i in range(r):
        for j in range(c):
            out[j] += a[i, j] * b[i, j]
    return out


@kernel
def columns_dot_product_mm_vjp(a, b, value, value_bar):
    r, c = a.shape
    ga = np.empty((r, c))
    gb = np.empty((r, c))
    for i in range(r):
        for j in range(c):
            ga[i, j] = value_bar[j] * b[i, j]
            gb[i, j] = value_bar[j] * a[i, j]
    return ga, gb


@kernel
def rows_dot_product_mm(a, b):
    if a.shape[0] != b.shape[0] or a.shape[1] != b.shape[1]:
        raise ValueError("rows_dot_product: arguments must have the same shape")
    r, c = a.shape
    out = np.empty(r)
    for i in range(r):
        s = 0.0
        for j in range(c):
            s += a[i, j] * b[i, j]
        out[i] = s
    return out


@kernel
def rows_dot_product_mm_vjp(a, b, value, value_bar):
    r, c = a.shape
    ga = np.empty((r, c))
    gb = np.empty((r, c))
    for i in range(r):
        for j in range(c):
            ga[i, j] = value_bar[i] * b[i, j]
            gb[i, j] = value_bar[i] * a[i, j]
    return ga, gb


@kernel
def squared_distance_vv(x, y):
    n = x.size
    if y.size != n:
        raise ValueError("squared_distance: arguments must have the same size")
    s = 0.0
    for i in range(n):
        d = x[i] - y[i]
        s += d * d
    return s


@kernel
def squared_distance_vv_vjp(x, y, value, value_bar):
    n = x.size
    gx = np.empty(n)
    gy = np.empty(n)
    for i in range(n):
        d = 2.0 * value_bar * (x[i] - y[i])
        gx[i] = d
        gy[i] = -d
    return gx, gy


@kernel
def distance_vv(x, y):
    return math.sqrt(squared_distance_vv(x, y))


@kernel
def distance_vv_vjp(x, y, value, value_bar):
    n = x.size
    gx = np.zeros(n)
    gy = np.zeros(n)
    if value > 0.0:
        c = value_bar / value
        for i in range(n):
            d = c * (x[i] - y[i])
            gx[i] = d
            gy[i] = -d
    return gx, gy


# ---------------------------------------------------------------------------------------------
# Elementwise products and quotients of containers (operators * / .* ./ with a real or a
# container of the same shape).  `_vv` two 1-D arguments, `_vs`/`_sv` a 1-D argument and a
# real, `_mm`/`_ms`/`_sm` likewise for 2-D arguments.  (+, - and unary minus are inlined by the
# code generator.)


@kernel
def _check_same_v(x, y):
    if x.size != y.size:
        raise ValueError("elementwise operation: arguments must have the same size")


@kernel
def _check_same_m(x, y):
    if x.shape[0] != y.shape[0] or x.shape[1] != y.shape[1]:
        raise ValueError("elementwise operation: arguments must have the same shape")


@kernel
def multiply_vs(x, y):
    """container * real (also real * container via multiply_sv, and .* with a real)."""
    out = np.empty(x.size)
    for i in range(x.size):
        out[i] = x[i] * y
    return out


@kernel
def multiply_vs_vjp(x, y, value, value_bar):
    n = x.size
    gx = np.empty(n)
    gy = 0.0
    for i in range(n):
        gx[i] = value_bar[i] * y
        gy += value_bar[i] * x[i]
    return gx, gy


@kernel
def multiply_sv(x, y):
    return multiply_vs(y, x)


@kernel
def multiply_sv_vjp(x, y, value, value_bar):
    gy, gx = multiply_vs_vjp(y, x, value, value_bar)
    return gx, gy


@kernel
def multiply_ms(x, y):
    return multiply_vs(x.ravel(), y).reshape(x.shape)


@kernel
def multiply_ms_vjp(x, y, value, value_bar):
    gx, gy = multiply_vs_vjp(x.ravel(), y, value.ravel(), value_bar.ravel())
    return gx.reshape(x.shape), gy


@kernel
def multiply_sm(x, y):
    return multiply_vs(y.ravel(), x).reshape(y.shape)


@kernel
def multiply_sm_vjp(x, y, value, value_bar):
    gy, gx = multiply_vs_vjp(y.ravel(), x, value.ravel(), value_bar.ravel())
    return gx, gy.reshape(y.shape)


@kernel
def elt_multiply_vv(x, y):
    _check_same_v(x, y)
    out = np.empty(x.size)
    for i in range(x.size):
        out[i] = x[i] * y[i]
    return out


@kernel
def elt_multiply_vv_vjp(x, y, value, value_bar):
    n = x.size
    gx = np.empty(n)
    gy = np.empty(n)
    for i in range(n):
        gx[i] = value_bar[i] * y[i]
        gy[i] = value_bar[i] * x[i]
    return gx, gy


@kernel
def elt_multiply_mm(x, y):
    _check_same_m(x, y)
    return elt_multiply_vv(x.ravel(), y.ravel()).reshape(x.shape)


@kernel
def elt_multiply_mm_vjp(x, y, value, value_bar):
    gx, gy = elt_multiply_vv_vjp(x.ravel(), y.ravel(), value.ravel(), value_bar.ravel())
    return gx.reshape(x.shape), gy.reshape(y.shape)


@kernel
def elt_divide_vv(x, y):
    _check_same_v(x, y)
    out = np.empty(x.size)
    for i in range(x.size):
        out[i] = x[i] / y[i]
    return out


@kernel
def elt_divide_vv_vjp(x, y, value, value_bar):
    n = x.size
    gx = np.empty(n)
    gy = np.empty(n)
    for i in range(n):
        gx[i] = value_bar[i] / y[i]
        gy[i] = -gx[i] * value[i]
    return gx, gy


@kernel
def elt_divide_vs(x, y):
    """container / real and container ./ real."""
    out = np.empty(x.size)
    for i in range(x.size):
        out[i] = x[i] / y
    return out


@kernel
def elt_divide_vs_vjp(x, y, value, value_bar):
    n = x.size
    gx = np.empty(n)
    gy = 0.0
    for i in range(n):
        gx[i] = value_bar[i] / y
        gy -= gx[i] * value[i]
    return gx, gy


@kernel
def elt_divide_sv(x, y):
    """real ./ container."""
    out = np.empty(y.size)
    for i in range(y.size):
        out[i] = x / y[i]
    return out


@kernel
def elt_divide_sv_vjp(x, y, value, value_bar):
    n = y.size
    gx = 0.0
    gy = np.empty(n)
    for i in range(n):
        t = value_bar[i] / y[i]
        gx += t
        gy[i] = -t * value[i]
    return gx, gy


@kernel
def elt_divide_mm(x, y):
    _check_same_m(x, y)
    return elt_divide_vv(x.ravel(), y.ravel()).reshape(x.shape)


@kernel
def elt_divide_mm_vjp(x, y, value, value_bar):
    gx, gy = elt_divide_vv_vjp(x.ravel(), y.ravel(), value.ravel(), value_bar.ravel())
    return gx.reshape(x.shape), gy.reshape(y.shape)


@kernel
def elt_divide_ms(x, y):
    return elt_divide_vs(x.ravel(), y).reshape(x.shape)


@kernel
def elt_divide_ms_vjp(x, y, value, value_bar):
    gx, gy = elt_divide_vs_vjp(x.ravel(), y, value.ravel(), value_bar.ravel())
    return gx.reshape(x.shape), gy


@kernel
def elt_divide_sm(x, y):
    return elt_divide_sv(x, y.ravel()).reshape(y.shape)


@kernel
def elt_divide_sm_vjp(x, y, value, value_bar):
    gx, gy = elt_divide_sv_vjp(x, y.ravel(), value.ravel(), value_bar.ravel())
    return gx, gy.reshape(y.shape)


# ---------------------------------------------------------------------------------------------
# Cumulative sums, softmax, log_mix


@kernel
def cumulative_sum_v(x):
    n = x.size
    out = np.empty(n)
    s = 0.0
    for i in range(n):
        s += x[i]
        out[i] = s
    return out


@kernel
def cumulative_sum_v_vjp(x, value, value_bar):
    n = x.size
    g = np.empty(n)
    s = 0.0
    for i in range(n - 1, -1, -1):
        s += value_bar[i]
        g[i] = s
    return (g,)


@kernel
def cumulative_sum_int(x):
    n = x.size
    out = np.empty(n, dtype=np.int64)
    s = 0
    for i in range(n):
        s += x[i]
        out[i] = s
    return out


@kernel
def softmax_v(x):
    n = x.size
    if n == 0:
        raise ValueError("softmax: argument must not be empty")
    m = max_v(x)
    out = np.empty(n)
    s = 0.0
    for i in range(n):
        out[i] = math.exp(x[i] - m)
        s += out[i]
    for i in range(n):
        out[i] /= s
    return out


@kernel
def softmax_v_vjp(x, value, value_bar):
    n = x.size
    d = 0.0
    for i in range(n):
        d += value[i] * value_bar[i]
    g = np.empty(n)
    for i in range(n):
        g[i] = value[i] * (value_bar[i] - d)
    return (g,)


@kernel
def log_softmax_v(x):
    n = x.size
    if n == 0:
        raise ValueError("log_softmax: argument must not be empty")
    lse = log_sum_exp_v(x)
    out = np.empty(n)
    for i in range(n):
        out[i] = x[i] - lse
    return out


@kernel
def log_softmax_v_vjp(x, value, value_bar):
    n = x.size
    s = _sum(value_bar)
    g = np.empty(n)
    for i in range(n):
        g[i] = value_bar[i] - math.exp(value[i]) * s
    return (g,)


@kernel
def log_mix_vv(theta, lam):
    """log(sum_k theta[k] * exp(lam[k])): mixture weights and component log densities."""
    k = theta.size
    if lam.size != k:
        raise ValueError("log_mix: theta and lambda must have the same size")
    t = np.empty(k)
    for i in range(k):
        t[i] = math.log(theta[i]) + lam[i] if theta[i] > 0.0 else (
            -INF if theta[i] == 0.0 else NAN)
    return log_sum_exp_v(t)


@kernel
def log_mix_vv_vjp(theta, lam, value, value_bar):
    k = theta.size
    gt = np.zeros(k)
    gl = np.zeros(k)
    if value == -INF:
        return gt, gl
    for i in range(k):
        e = math.exp(lam[i] - value)
        gt[i] = value_bar * e
        gl[i] = value_bar * theta[i] * e
    return gt, gl


@kernel
def log_mix_va(theta, lam):
    """sum_n log_mix(theta, lam[n]) for an array of component log-density vectors (rows)."""
    n, k = lam.shape
    if theta.size != k:
        raise ValueError("log_mix: each element of lambda must have the size of theta")
    logt = np.empty(k)
    for j in range(k):
        logt[j] = math.log(theta[j]) if theta[j] >= 0.0 else NAN
    total = 0.0
    t = np.empty(k)
    for i in range(n):
        for j in range(k):
            t[j] = logt[j] + lam[i, j]
        total += log_sum_exp_v(t)
    return total


@kernel
def log_mix_va_vjp(theta, lam, value, value_bar):
    n, k = lam.shape
    logt = np.empty(k)
    for j in range(k):
        logt[j] = math.log(theta[j]) if theta[j] >= 0.0 else NAN
    gt = np.zeros(k)
    gl = np.zeros((n, k))
    t = np.empty(k)
    for i in range(n):
        for j in range(k):
            t[j] = logt[j] + lam[i, j]
        v = log_sum_exp_v(t)
        if v == -INF:
            continue
        for j in range(k):
            e = math.exp(lam[i, j] - v)
            gt[j] += value_bar * e
            gl[i, j] = value_bar * theta[j] * e
    return gt, gl


# ---------------------------------------------------------------------------------------------
# Sorting and ranking


@kernel
def _check_not_nan(x):
    for i in range(x.size):
        if math.isnan(x[i]):
            raise ValueError("sort: argument must not contain NaN")


@kernel
def _order_asc(x):
    return np.argsort(x, kind="mergesort")


@kernel
def _order_desc(x):
    return np.argsort(-x, kind="mergesort")


@kernel
def sort_asc_v(x):
    _check_not_nan(x)
    return np.sort(x)


@kernel
def sort_asc_v_vjp(x, value, value_bar):
    order = _order_asc(x)
    g = np.empty(x.size)
    for i in range(x.size):
        g[order[i]] = value_bar[i]
    return (g,)


@kernel
def sort_desc_v(x):
    _check_not_nan(x)
    return np.sort(x)[::-1].copy()


@kernel
def sort_desc_v_vjp(x, value, value_bar):
    order = _order_desc(x)
    g = np.empty(x.size)
    for i in range(x.size):
        g[order[i]] = value_bar[i]
    return (g,)


@kernel
def sort_asc_int(x):
    return np.sort(x)


@kernel
def sort_desc_int(x):
    return np.sort(x)[::-1].copy()


@kernel
def sort_indices_asc_v(x):
    """1-based indices that sort x ascending (ties keep their order)."""
    _check_not_nan(x)
    return _order_asc(x) + 1


@kernel
def sort_indices_desc_v(x):
    _check_not_nan(x)
    return _order_desc(x) + 1


@kernel
def sort_indices_asc_int(x):
    return np.argsort(x, kind="mergesort") + 1


@kernel
def sort_indices_desc_int(x):
    return np.argsort(-x, kind="mergesort") + 1


@kernel
def rank_v(x, s):
    """The number of elements of x less than x[s] (s 1-based)."""
    if s < 1 or s > x.size:
        raise IndexError("rank: index out of range")
    v = x[s - 1]
    r = 0
    for i in range(x.size):
        if x[i] < v:
            r += 1
    return r


@kernel
def rank_int(x, s):
    if s < 1 or s > x.size:
        raise IndexError("rank: index out of range")
    v = x[s - 1]
    r = 0
    for i in range(x.size):
        if x[i] < v:
            r += 1
    return r


@kernel
def quantile_v(x, p):
    """Sample quantile (type 7, as R's default and Stan) of data x."""
    n = x.size
    if n == 0:
        raise ValueError("quantile: argument must not be empty")
    if not (p >= 0.0 and p <= 1.0):
        raise ValueError("quantile: p must be in [0, 1]")
    s = np.sort(x)
    h = (n - 1) * p
    lo = int(math.floor(h))
    hi = lo + 1 if lo + 1 < n else n - 1
    return s[lo] + (h - lo) * (s[hi] - s[lo])


@kernel
def quantile_vv(x, ps):
    out = np.empty(ps.size)
    for i in range(ps.size):
        out[i] = quantile_v(x, ps[i])
    return out


# ---------------------------------------------------------------------------------------------
# Constructors (data-valued: no derivatives)


@kernel
def linspaced_v(n, lo, hi):
    """n evenly spaced reals from lo to hi (linspaced_vector/_row_vector/_array), computed as
    Eigen's LinSpaced (both ends exact; one element is hi)."""
    if n < 0:
        raise ValueError("linspaced_vector: size must be non-negative")
    if not (lo <= hi):
        raise ValueError("linspaced_vector: high must be greater than or equal to low")
    out = np.empty(n)
    if n == 1:
        out[0] = hi
        return out
    step = (hi - lo) / (n - 1)
    flip = math.fabs(hi) < math.fabs(lo)
    for i in range(n):
        if flip:
            out[i] = lo if i == 0 else hi - (n - 1 - i) * step
        else:
            out[i] = hi if i == n - 1 else lo + i * step
    return out


@kernel
def linspaced_int(n, lo, hi):
    """Stan's linspaced_int_array (Eigen's integer LinSpaced): step (hi - lo) / (n - 1) rounded
    down, or each value repeated when there are more elements than values."""
    if n < 0:
        raise ValueError("linspaced_int_array: size must be non-negative")
    if hi < lo:
        raise ValueError("linspaced_int_array: high must be greater than or equal to low")
    out = np.empty(n, dtype=np.int64)
    if n == 1:
        out[0] = hi
        return out
    if hi - lo + 1 < n:
        div = (n + hi - lo) // (hi - lo + 1)
        for i in range(n):
            out[i] = lo + i // div
        return out
    step = (hi - lo) // (n - 1) if n > 1 else 0
    for i in range(n):
        out[i] = lo + i * step
    return out


@kernel
def one_hot_v(n, k):
    if n < 1 or k < 1 or k > n:
        raise IndexError("one_hot_vector: index out of range")
    out = np.zeros(n)
    out[k - 1] = 1.0
    return out


@kernel
def one_hot_int(n, k):
    if n < 1 or k < 1 or k > n:
        raise IndexError("one_hot_int_array: index out of range")
    out = np.zeros(n, dtype=np.int64)
    out[k - 1] = 1
    return out


@kernel
def zeros_v(n):
    if n < 0:
        raise ValueError("zeros_vector: size must be non-negative")
    return np.zeros(n)


@kernel
def ones_v(n):
    if n < 0:
        raise ValueError("ones_vector: size must be non-negative")
    return np.ones(n)


@kernel
def zeros_int(n):
    if n < 0:
        raise ValueError("zeros_int_array: size must be non-negative")
    return np.zeros(n, dtype=np.int64)


@kernel
def ones_int(n):
    if n < 0:
        raise ValueError("ones_int_array: size must be non-negative")
    return np.ones(n, dtype=np.int64)


@kernel
def uniform_simplex(n):
    if n < 1:
        raise ValueError("uniform_simplex: size must be positive")
    return np.full(n, 1.0 / n)


@kernel
def identity_matrix(n):
    if n < 0:
        raise ValueError("identity_matrix: size must be non-negative")
    return np.eye(n)


# ---------------------------------------------------------------------------------------------
# Replication


@kernel
def rep_vector_s(x, n):
    """rep_vector, rep_row_vector, rep_array(real, n)."""
    if n < 0:
        raise ValueError("rep_vector: size must be non-negative")
    return _fill_v(n, x)


@kernel
def rep_vector_s_vjp(x, n, value, value_bar):
    return (_sum(value_bar),)


@kernel
def rep_matrix_s(x, m, n):
    """rep_matrix(real, m, n), rep_array(real, m, n)."""
    if m < 0 or n < 0:
        raise ValueError("rep_matrix: sizes must be non-negative")
    return np.full((m, n), x)


@kernel
def rep_matrix_s_vjp(x, m, n, value, value_bar):
    return (_sum(value_bar.ravel()),)


@kernel
def rep_matrix_v(v, n):
    """rep_matrix(vector v, n): n columns, each v."""
    if n < 0:
        raise ValueError("rep_matrix: size must be non-negative")
    m = v.size
    out = np.empty((m, n))
    for i in range(m):
        for j in range(n):
            out[i, j] = v[i]
    return out


@kernel
def rep_matrix_v_vjp(v, n, value, value_bar):
    m = v.size
    g = np.zeros(m)
    for i in range(m):
        s = 0.0
        for j in range(n):
            s += value_bar[i, j]
        g[i] = s
    return (g,)


@kernel
def rep_matrix_rv(v, m):
    """rep_matrix(row_vector v, m): m rows, each v; also rep_array(vector v, m) (rows)."""
    if m < 0:
        raise ValueError("rep_matrix: size must be non-negative")
    n = v.size
    out = np.empty((m, n))
    for i in range(m):
        for j in range(n):
            out[i, j] = v[j]
    return out


@kernel
def rep_matrix_rv_vjp(v, m, value, value_bar):
    n = v.size
    g = np.zeros(n)
    for i in range(m):
        for j in range(n):
            g[j] += value_bar[i, j]
    return (g,)


@kernel
def rep_array_s3(x, a, b, c):
    if a < 0 or b < 0 or c < 0:
        raise ValueError("rep_array: sizes must be non-negative")
    return np.full((a, b, c), x)


@kernel
def rep_array_s3_vjp(x, a, b, c, value, value_bar):
    return (_sum(value_bar.ravel()),)


@kernel
def rep_array_int(x, n):
    if n < 0:
        raise ValueError("rep_array: size must be non-negative")
    return np.full(n, x, dtype=np.int64)


@kernel
def rep_array_int2(x, m, n):
    if m < 0 or n < 0:
        raise ValueError("rep_array: sizes must be non-negative")
    return np.full((m, n), x, dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# Conversions.  Matrices convert to and from flat containers in column-major order (Stan's);
# arrays flatten in row-major order.


@kernel
def copy_v(x):
    """to_vector / to_row_vector / to_array_1d of a 1-D container; transpose of a vector."""
    return x.copy()


@kernel
def copy_v_vjp(x, value, value_bar):
    return (value_bar.copy(),)


@kernel
def copy_m(x):
    """to_matrix(matrix), to_matrix(array[] row_vector / array[,] real), to_array_2d(matrix)."""
    return x.copy()


@kernel
def copy_m_vjp(x, value, value_bar):
    return (value_bar.copy(),)


@kernel
def copy_int(x):
    return x.copy()


@kernel
def to_int_v(x):
    """to_int(array[] real): truncate each element."""
    out = np.empty(x.size, dtype=np.int64)
    for i in range(x.size):
        v = x[i]
        if not (v > -9.223372036854775807e18 and v < 9.223372036854775807e18):
            raise ValueError("to_int: argument out of the range of int")
        out[i] = np.int64(math.trunc(v))
    return out


@kernel
def to_int_a2(x):
    return to_int_v(x.copy().ravel()).reshape(x.shape)


@kernel
def to_real_int(x):
    """to_vector(array[] int) and friends: int array to real."""
    return x.astype(np.float64)


@kernel
def to_real_int2(x):
    return x.astype(np.float64)


@kernel
def flatten_m(x):
    """Column-major flattening: to_vector(matrix), to_row_vector(matrix), to_array_1d(matrix)."""
    return x.T.copy().ravel()


@kernel
def _from_colmajor(flat, r, c):
    """The r x c matrix whose column-major elements are flat."""
    return flat.reshape((c, r)).T.copy()


@kernel
def flatten_m_vjp(x, value, value_bar):
    return (_from_colmajor(value_bar, x.shape[0], x.shape[1]),)


@kernel
def flatten_a(x):
    """Row-major flattening of an array of arrays/vectors: to_array_1d(array[,] real), ..."""
    return x.copy().ravel()


@kernel
def flatten_a_vjp(x, value, value_bar):
    return (value_bar.copy().reshape(x.shape),)


@kernel
def flatten_a3(x):
    return x.copy().ravel()


@kernel
def flatten_a3_vjp(x, value, value_bar):
    return (value_bar.copy().reshape(x.shape),)


@kernel
def flatten_int2(x):
    return x.copy().ravel()


@kernel
def flatten_int3(x):
    return x.copy().ravel()


@kernel
def to_matrix_col(x):
    """to_matrix(vector): an n x 1 matrix."""
    return x.copy().reshape((x.size, 1))


@kernel
def to_matrix_col_vjp(x, value, value_bar):
    return (value_bar.copy().ravel(),)


@kernel
def to_matrix_row(x):
    """to_matrix(row_vector): a 1 x n matrix."""
    return x.copy().reshape((1, x.size))


@kernel
def to_matrix_row_vjp(x, value, value_bar):
    return (value_bar.copy().ravel(),)


@kernel
def to_matrix_vii(x, m, n):
    """to_matrix(vector or row_vector or array[] real, m, n): filled column-major."""
    if m < 0 or n < 0 or m * n != x.size:
        raise ValueError("to_matrix: m * n must equal the number of elements")
    return x.copy().reshape((n, m)).T.copy()


@kernel
def to_matrix_vii_vjp(x, m, n, value, value_bar):
    return (value_bar.T.copy().ravel(),)


@kernel
def to_matrix_viii(x, m, n, col_major):
    """to_matrix(..., m, n, col_major): column-major unless col_major == 0."""
    if col_major != 0:
        return to_matrix_vii(x, m, n)
    if m < 0 or n < 0 or m * n != x.size:
        raise ValueError("to_matrix: m * n must equal the number of elements")
    return x.copy().reshape((m, n))


@kernel
def to_matrix_viii_vjp(x, m, n, col_major, value, value_bar):
    if col_major != 0:
        return (value_bar.T.copy().ravel(),)
    return (value_bar.copy().ravel(),)


@kernel
def to_matrix_mii(x, m, n):
    """to_matrix(matrix, m, n): the column-major elements refilled column-major."""
    return to_matrix_vii(flatten_m(x), m, n)


@kernel
def to_matrix_mii_vjp(x, m, n, value, value_bar):
    return (_from_colmajor(value_bar.T.copy().ravel(), x.shape[0], x.shape[1]),)


@kernel
def to_matrix_miii(x, m, n, col_major):
    return to_matrix_viii(flatten_m(x), m, n, col_major)


@kernel
def to_matrix_miii_vjp(x, m, n, col_major, value, value_bar):
    flat = value_bar.T.copy().ravel() if col_major != 0 else value_bar.copy().ravel()
    return (_from_colmajor(flat, x.shape[0], x.shape[1]),)


@kernel
def to_matrix_intii(x, m, n):
    return to_matrix_vii(x.astype(np.float64), m, n)


@kernel
def to_matrix_intiii(x, m, n, col_major):
    return to_matrix_viii(x.astype(np.float64), m, n, col_major)


@kernel
def transpose_m(x):
    return x.T.copy()


@kernel
def transpose_m_vjp(x, value, value_bar):
    return (value_bar.T.copy(),)


# ---------------------------------------------------------------------------------------------
# Concatenation


@kernel
def append_vv(x, y):
    """Concatenate two 1-D containers (append_row(vector, vector), append_col(row_vector,
    row_vector), append_array(array[] real, array[] real))."""
    n = x.size
    out = np.empty(n + y.size)
    _put(out, 0, x)
    _put(out, n, y)
    return out


@kernel
def append_vv_vjp(x, y, value, value_bar):
    n = x.size
    return value_bar[:n].copy(), value_bar[n:].copy()


@kernel
def append_sv(x, y):
    out = np.empty(1 + y.size)
    out[0] = x
    _put(out, 1, y)
    return out


@kernel
def append_sv_vjp(x, y, value, value_bar):
    return value_bar[0], value_bar[1:].copy()


@kernel
def append_vs(x, y):
    n = x.size
    out = np.empty(n + 1)
    _put(out, 0, x)
    out[n] = y
    return out


@kernel
def append_vs_vjp(x, y, value, value_bar):
    n = x.size
    return value_bar[:n].copy(), value_bar[n]


@kernel
def append_int(x, y):
    n = x.size
    out = np.empty(n + y.size, dtype=np.int64)
    _put(out, 0, x)
    _put(out, n, y)
    return out


@kernel
def append_row_mm(x, y):
    """Stack rows: append_row(matrix, matrix), append_array of arrays of vectors."""
    if x.shape[1] != y.shape[1]:
        raise ValueError("append_row: arguments must have the same number of columns")
    r = x.shape[0]
    out = np.empty((r + y.shape[0], x.shape[1]))
    _put2(out, 0, 0, x)
    _put2(out, r, 0, y)
    return out


@kernel
def append_row_mm_vjp(x, y, value, value_bar):
    r = x.shape[0]
    return value_bar[:r, :].copy(), value_bar[r:, :].copy()


@kernel
def append_row_mr(x, y):
    """append_row(matrix, row_vector)."""
    return append_row_mm(x, y.reshape((1, y.size)))


@kernel
def append_row_mr_vjp(x, y, value, value_bar):
    r = x.shape[0]
    return value_bar[:r, :].copy(), value_bar[r, :].copy()


@kernel
def append_row_rm(x, y):
    """append_row(row_vector, matrix)."""
    return append_row_mm(x.reshape((1, x.size)), y)


@kernel
def append_row_rm_vjp(x, y, value, value_bar):
    return value_bar[0, :].copy(), value_bar[1:, :].copy()


@kernel
def append_row_rr(x, y):
    """append_row(row_vector, row_vector): a 2-row matrix."""
    return append_row_mm(x.reshape((1, x.size)), y.reshape((1, y.size)))


@kernel
def append_row_rr_vjp(x, y, value, value_bar):
    return value_bar[0, :].copy(), value_bar[1, :].copy()


@kernel
def append_int2(x, y):
    if x.shape[1] != y.shape[1]:
        raise ValueError("append_array: elements must have the same size")
    r = x.shape[0]
    out = np.empty((r + y.shape[0], x.shape[1]), dtype=np.int64)
    _put2(out, 0, 0, x)
    _put2(out, r, 0, y)
    return out


@kernel
def append_col_mm(x, y):
    if x.shape[0] != y.shape[0]:
        raise ValueError("append_col: arguments must have the same number of rows")
    c = x.shape[1]
    out = np.empty((x.shape[0], c + y.shape[1]))
    _put2(out, 0, 0, x)
    _put2(out, 0, c, y)
    return out


@kernel
def append_col_mm_vjp(x, y, value, value_bar):
    c = x.shape[1]
    return value_bar[:, :c].copy(), value_bar[:, c:].copy()


@kernel
def append_col_mv(x, y):
    """append_col(matrix, vector)."""
    return append_col_mm(x, y.reshape((y.size, 1)))


@kernel
def append_col_mv_vjp(x, y, value, value_bar):
    c = x.shape[1]
    return value_bar[:, :c].copy(), value_bar[:, c].copy()


@kernel
def append_col_vm(x, y):
    """append_col(vector, matrix)."""
    return append_col_mm(x.reshape((x.size, 1)), y)


@kernel
def append_col_vm_vjp(x, y, value, value_bar):
    return value_bar[:, 0].copy(), value_bar[:, 1:].copy()


@kernel
def append_col_vv(x, y):
    """append_col(vector, vector): a 2-column matrix."""
    return append_col_mm(x.reshape((x.size, 1)), y.reshape((y.size, 1)))


@kernel
def append_col_vv_vjp(x, y, value, value_bar):
    return value_bar[:, 0].copy(), value_bar[:, 1].copy()


# ---------------------------------------------------------------------------------------------
# Slicing: head, tail, segment, reverse (1-D containers and the outer dimension of arrays),
# rows, columns and blocks of matrices


@kernel
def _check_segment(size, i, n):
    if n < 0 or i < 1 or (n > 0 and i + n - 1 > size) or (n == 0 and i > size + 1):
        raise IndexError("segment: index out of range")


@kernel
def segment_v(x, i, n):
    """x[i:(i + n - 1)]."""
    _check_segment(x.size, i, n)
    return x[i - 1:i - 1 + n].copy()


@kernel
def segment_v_vjp(x, i, n, value, value_bar):
    g = np.zeros(x.size)
    _put(g, i - 1, value_bar)
    return (g,)


@kernel
def head_v(x, n):
    if n < 0 or n > x.size:
        raise IndexError("head: size out of range")
    return x[:n].copy()


@kernel
def head_v_vjp(x, n, value, value_bar):
    g = np.zeros(x.size)
    _put(g, 0, value_bar)
    return (g,)


@kernel
def tail_v(x, n):
    if n < 0 or n > x.size:
        raise IndexError("tail: size out of range")
    return x[x.size - n:].copy()


@kernel
def tail_v_vjp(x, n, value, value_bar):
    g = np.zeros(x.size)
    _put(g, x.size - n, value_bar)
    return (g,)


@kernel
def reverse_v(x):
    return x[::-1].copy()


@kernel
def reverse_v_vjp(x, value, value_bar):
    return (value_bar[::-1].copy(),)


@kernel
def segment_int(x, i, n):
    _check_segment(x.size, i, n)
    return x[i - 1:i - 1 + n].copy()


@kernel
def head_int(x, n):
    if n < 0 or n > x.size:
        raise IndexError("head: size out of range")
    return x[:n].copy()


@kernel
def tail_int(x, n):
    if n < 0 or n > x.size:
        raise IndexError("tail: size out of range")
    return x[x.size - n:].copy()


@kernel
def reverse_int(x):
    return x[::-1].copy()


@kernel
def segment_a2(x, i, n):
    """segment of an array of vectors / array[,] real (outer dimension)."""
    _check_segment(x.shape[0], i, n)
    return x[i - 1:i - 1 + n, :].copy()


@kernel
def segment_a2_vjp(x, i, n, value, value_bar):
    g = np.zeros(x.shape)
    _put2(g, i - 1, 0, value_bar)
    return (g,)


@kernel
def head_a2(x, n):
    if n < 0 or n > x.shape[0]:
        raise IndexError("head: size out of range")
    return x[:n, :].copy()


@kernel
def head_a2_vjp(x, n, value, value_bar):
    g = np.zeros(x.shape)
    _put2(g, 0, 0, value_bar)
    return (g,)


@kernel
def tail_a2(x, n):
    if n < 0 or n > x.shape[0]:
        raise IndexError("tail: size out of range")
    return x[x.shape[0] - n:, :].copy()


@kernel
def tail_a2_vjp(x, n, value, value_bar):
    g = np.zeros(x.shape)
    _put2(g, x.shape[0] - n, 0, value_bar)
    return (g,)


@kernel
def reverse_a2(x):
    return x[::-1, :].copy()


@kernel
def reverse_a2_vjp(x, value, value_bar):
    return (value_bar[::-1, :].copy(),)


@kernel
def col_m(x, j):
    if j < 1 or j > x.shape[1]:
        raise IndexError("col: index out of range")
    return x[:, j - 1].copy()


@kernel
def col_m_vjp(x, j, value, value_bar):
    g = np.zeros(x.shape)
    for i in range(x.shape[0]):
        g[i, j - 1] = value_bar[i]
    return (g,)


@kernel
def row_m(x, i):
    if i < 1 or i > x.shape[0]:
        raise IndexError("row: index out of range")
    return x[i - 1, :].copy()


@kernel
def row_m_vjp(x, i, value, value_bar):
    g = np.zeros(x.shape)
    for j in range(x.shape[1]):
        g[i - 1, j] = value_bar[j]
    return (g,)


@kernel
def block_m(x, i, j, nr, nc):
    """The nr x nc block starting at row i, column j."""
    if (nr < 0 or nc < 0 or i < 1 or j < 1 or i + nr - 1 > x.shape[0]
            or j + nc - 1 > x.shape[1]):
        raise IndexError("block: index out of range")
    return x[i - 1:i - 1 + nr, j - 1:j - 1 + nc].copy()


@kernel
def block_m_vjp(x, i, j, nr, nc, value, value_bar):
    g = np.zeros(x.shape)
    _put2(g, i - 1, j - 1, value_bar)
    return (g,)


@kernel
def sub_col_m(x, i, j, n):
    """n elements of column j starting at row i."""
    if n < 0 or i < 1 or j < 1 or j > x.shape[1] or i + n - 1 > x.shape[0]:
        raise IndexError("sub_col: index out of range")
    return x[i - 1:i - 1 + n, j - 1].copy()


@kernel
def sub_col_m_vjp(x, i, j, n, value, value_bar):
    g = np.zeros(x.shape)
    for k in range(n):
        g[i - 1 + k, j - 1] = value_bar[k]
    return (g,)


@kernel
def sub_row_m(x, i, j, n):
    """n elements of row i starting at column j."""
    if n < 0 or i < 1 or j < 1 or i > x.shape[0] or j + n - 1 > x.shape[1]:
        raise IndexError("sub_row: index out of range")
    return x[i - 1, j - 1:j - 1 + n].copy()


@kernel
def sub_row_m_vjp(x, i, j, n, value, value_bar):
    g = np.zeros(x.shape)
    for k in range(n):
        g[i - 1, j - 1 + k] = value_bar[k]
    return (g,)


@kernel
def diagonal_m(x):
    n = min(x.shape[0], x.shape[1])
    out = np.empty(n)
    for i in range(n):
        out[i] = x[i, i]
    return out


@kernel
def diagonal_m_vjp(x, value, value_bar):
    g = np.zeros(x.shape)
    for i in range(value_bar.size):
        g[i, i] = value_bar[i]
    return (g,)


@kernel
def diag_matrix_v(v):
    n = v.size
    out = np.zeros((n, n))
    for i in range(n):
        out[i, i] = v[i]
    return out


@kernel
def diag_matrix_v_vjp(v, value, value_bar):
    return diagonal_m(value_bar),


# ---------------------------------------------------------------------------------------------
# Sizes.  These are the exception to "one specialisation per kernel": they accept any array
# (the generated code calls them on real and int arrays alike) and return int64.


@kernel
def size_outer(x):
    """size() of an array or vector: the outer length."""
    return np.int64(x.shape[0])


@kernel
def size_scalar(x):
    """size() of an int or real: 1."""
    return np.int64(1)


@kernel
def num_elements(x):
    """num_elements() of an array, vector or matrix; size() of a matrix."""
    return np.int64(x.size)


@kernel
def num_elements_scalar(x):
    return np.int64(1)


@kernel
def rows_v(x):
    """rows(vector) = size; rows(matrix) is rows_m."""
    return np.int64(x.shape[0])


@kernel
def rows_rv(x):
    return np.int64(1)


@kernel
def rows_m(x):
    return np.int64(x.shape[0])


@kernel
def cols_v(x):
    return np.int64(1)


@kernel
def cols_rv(x):
    return np.int64(x.shape[0])


@kernel
def cols_m(x):
    return np.int64(x.shape[1])


@kernel
def dims_scalar(x):
    return np.zeros(0, dtype=np.int64)


@kernel
def dims_array(x):
    """dims() of an array of reals or ints (any number of dimensions): its shape, cut after
    a zero size as Stan does."""
    out = np.empty(x.ndim, dtype=np.int64)
    k = 0
    for i in range(x.ndim):
        out[i] = x.shape[i]
        k += 1
        if x.shape[i] == 0:
            break
    return out[:k].copy()


@kernel
def dims_v(x):
    """dims(vector) = {N, 1} (Stan reports rows and columns of every vector type)."""
    out = np.empty(2, dtype=np.int64)
    out[0] = x.shape[0]
    out[1] = 1
    return out


@kernel
def dims_rv(x):
    """dims(row_vector) = {1, N}."""
    out = np.empty(2, dtype=np.int64)
    out[0] = 1
    out[1] = x.shape[0]
    return out


@kernel
def dims_m(x):
    out = np.empty(2, dtype=np.int64)
    out[0] = x.shape[0]
    out[1] = x.shape[1]
    return out


@kernel
def dims_avec(x):
    """dims(array[] vector) = {N, K, 1} (rows of x are the vectors)."""
    if x.shape[0] == 0:
        return np.zeros(1, dtype=np.int64)
    out = np.empty(3, dtype=np.int64)
    out[0] = x.shape[0]
    out[1] = x.shape[1]
    out[2] = 1
    return out


@kernel
def dims_arowvec(x):
    """dims(array[] row_vector) = {N, 1, K}."""
    if x.shape[0] == 0:
        return np.zeros(1, dtype=np.int64)
    out = np.empty(3, dtype=np.int64)
    out[0] = x.shape[0]
    out[1] = 1
    out[2] = x.shape[1]
    return out
