"""Runtime helpers of generated kernels: the tape of the reverse sweep, index checks, sums.

The tape is two growable stacks (float64 and int64) held as (array, position) pairs in the
kernel's locals; `push_*` return the (possibly reallocated) array and the new position.
"""
import math

import numpy as np
from llvmlite import ir
from numba import prange, types
from numba.core import cgutils
from numba.extending import intrinsic, overload

from vilang.runtime.jit import kernel, parallel_kernel
from vilang.runtime.parallel import chunk_rows, is_parallel, matvec_into, n_chunks, vecmat_into


@kernel
def grow_f(tape, need):
    """A larger float tape holding the first `need` - ... elements of `tape`."""
    out = np.empty(max(2 * tape.shape[0], need + 16))
    out[:tape.shape[0]] = tape
    return out


@kernel
def grow_i(tape, need):
    out = np.empty(max(2 * tape.shape[0], need + 16), np.int64)
    out[:tape.shape[0]] = tape
    return out


@kernel
def push_scalar(tape, pos, x):
    if pos + 1 > tape.shape[0]:
        tape = grow_f(tape, pos + 1)
    tape[pos] = x
    return tape, pos + 1


@kernel
def pop_scalar(tape, pos):
    return tape[pos - 1], pos - 1


@kernel
def push_int(tape, pos, x):
    if pos + 1 > tape.shape[0]:
        tape = grow_i(tape, pos + 1)
    tape[pos] = x
    return tape, pos + 1


@kernel
def pop_int(tape, pos):
    return tape[pos - 1], pos - 1


@kernel
def push_array(tape, pos, arr):
    """Push the elements of `arr` (any shape, C order), then its size."""
    flat = np.ascontiguousarray(arr).reshape(-1)
    n = flat.shape[0]
    if pos + n + 1 > tape.shape[0]:
        tape = grow_f(tape, pos + n + 1)
    tape[pos:pos + n] = flat
    tape[pos + n] = n
    return tape, pos + n + 1


@kernel
def pop_array_into(tape, pos, arr):
    """Pop into `arr`; returns the new position.  The popped size must equal arr.size,
    except for a variable saved before its first declaration (size 0): nothing to restore."""
    n = int(tape[pos - 1])
    start = pos - 1 - n
    if n == arr.size:
        flat = arr.reshape(-1)
        flat[:] = tape[start:pos - 1]
    return start


@kernel
def sum_all(x):
    """Sum of all elements (np.sum over any array)."""
    return np.sum(x)


@kernel
def in_range(i, n):
    return 1 <= i <= n


@kernel
def check_indices(idx, n):
    """All entries of a multi-index lie in 1..n."""
    for k in range(idx.shape[0]):
        if idx[k] < 1 or idx[k] > n:
            return False
    return True


@kernel
def push_int_array(tape, pos, arr):
    flat = np.ascontiguousarray(arr).reshape(-1)
    n = flat.shape[0]
    if pos + n + 1 > tape.shape[0]:
        tape = grow_i(tape, pos + n + 1)
    tape[pos:pos + n] = flat
    tape[pos + n] = n
    return tape, pos + n + 1


@kernel
def pop_int_array_into(tape, pos, arr):
    n = tape[pos - 1]
    start = pos - 1 - n
    if n == arr.size:
        flat = arr.reshape(-1)
        flat[:] = tape[start:pos - 1]
    return start


@kernel
def slice_range(lo, hi, extent):
    """0-based positions of the 1-based inclusive slice lo:hi (empty when hi < lo)."""
    if hi < lo:
        return np.empty(0, np.int64)
    return np.arange(lo - 1, hi)


@kernel
def int_divide(a, b):
    """Stan's integer division: truncates towards zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


@kernel
def int_modulus(a, b):
    """Stan's (C++) modulus: the sign of the dividend."""
    return a - int_divide(a, b) * b


@kernel
def matvec(a, x):
    """A @ x for a C-ordered matrix: a fused loop (faster than BLAS for tall, thin A), rows in
    parallel for a tall A (`vilang.runtime.parallel`)."""
    out = np.empty(a.shape[0])
    matvec_into(out, a, x, False)
    return out


@kernel
def vecmat(x, a):
    """x @ A (a row vector times a matrix) for a C-ordered matrix; a tall A is reduced in
    fixed chunks of rows, in parallel, with a result independent of the thread count."""
    out = np.empty(a.shape[1])
    vecmat_into(out, x, a, False)
    return out


@kernel
def add_outer(out, u, v):
    """out += outer(u, v), in place."""
    for i in range(u.shape[0]):
        ui = u[i]
        for j in range(v.shape[0]):
            out[i, j] += ui * v[j]


@kernel
def truncation_outside(y, lo, hi):
    """0 when every element of y lies in [lo, hi], else -inf."""
    for v in np.asarray(y).reshape(-1):
        if v < lo or v > hi:
            return -np.inf
    return 0.0


@kernel
def unc_order(m):
    """The elements of a matrix (or array of matrices) in Stan's unconstrained order:
    arrays row-major, each matrix column-major."""
    r, c = m.shape[-2], m.shape[-1]
    flat = np.ascontiguousarray(m).reshape((-1, r, c))
    out = np.empty(flat.shape[0] * r * c)
    k = 0
    for e in range(flat.shape[0]):
        for j in range(c):
            for i in range(r):
                out[k] = flat[e, i, j]
                k += 1
    return out


@kernel
def from_unc_order(u, shape):
    """Inverse of `unc_order`: a float array of `shape` (last two axes a matrix)."""
    out = np.empty(shape)
    r, c = shape[-2], shape[-1]
    flat = out.reshape((-1, r, c))
    k = 0
    for e in range(flat.shape[0]):
        for j in range(c):
            for i in range(r):
                flat[e, i, j] = u[k]
                k += 1
    return out


@kernel
def write_colmajor(out, pos, value):
    """Write `value` (scalar or array) into out[pos:] in Stan's output order (column-major over
    all dimensions, array dimensions included); returns the next position."""
    flat = np.ascontiguousarray(np.asarray(value).T).reshape(-1)
    n = flat.shape[0]
    if pos + n > out.shape[0]:
        raise ValueError("write_array: more output values than the output array holds")
    out[pos:pos + n] = flat
    return pos + n


@kernel
def dot(a, b):
    """Dot product of two 1-D arrays (a loop: no BLAS call overhead for short vectors)."""
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    return s


@kernel
def axpy(out, g, x):
    """out += g * x, in place (x 1-D)."""
    for i in range(x.shape[0]):
        out[i] += g * x[i]


@kernel
def vecmat_acc(out, x, a):
    """out += x @ A, in place (the VJP of A @ x with respect to x: X^T g)."""
    vecmat_into(out, x, a, True)


@kernel
def matvec_acc(out, a, x):
    """out += A @ x, in place."""
    matvec_into(out, a, x, True)


# ---------------------------------------------------------------------------------------------
# Array helpers for generated kernels.  Generated code calls these instead of numpy functions
# and array methods: numba compiles numpy's implementations (and their error paths) anew in
# every process that compiles a kernel using them — reshape alone costs seconds — whereas these
# are compiled once per machine and loaded from numba's cache.

@kernel
def flat(x):
    """A 1-D view of a C-contiguous array of any dimension."""
    return x.reshape(-1)


@kernel
def empty_like(x):
    return np.empty(x.shape)


@kernel
def empty_like_int(x):
    return np.empty(x.shape, np.int64)


@kernel
def zeros_like(x):
    return np.zeros(x.shape)


@kernel
def zeroed(b, x):
    """A zero array of x's shape: `b` itself, zeroed in place, when it has that shape (the
    adjoint of a named variable, re-zeroed in the reverse sweep: no allocation)."""
    if b.shape == x.shape:
        o = b.reshape(-1)
        for i in range(o.shape[0]):
            o[i] = 0.0
        return b
    return np.zeros(x.shape)


@kernel
def zeros(n):
    return np.zeros(n)


@kernel
def empty(n):
    return np.empty(n)


@kernel
def empty_int(n):
    return np.empty(n, np.int64)


@kernel
def full1(v):
    """A length-1 float array holding v (a scalar bound for the transforms)."""
    out = np.empty(1)
    out[0] = v
    return out


@kernel
def nans(shape):
    """A float array of `shape` (a tuple) filled with NaN: Stan's unassigned reals."""
    out = np.empty(shape)
    out.reshape(-1)[:] = np.nan
    return out


@kernel
def int_fills(shape):
    """An int array of `shape` filled with the smallest int64: Stan's unassigned ints."""
    out = np.empty(shape, np.int64)
    out.reshape(-1)[:] = -9223372036854775808
    return out


@kernel
def copy(x):
    return np.copy(x)


@kernel
def to_float(x):
    """A float64 copy (int arrays promote to real)."""
    return np.ascontiguousarray(x).astype(np.float64)


@kernel
def flat_float(x):
    """The elements of x as a fresh 1-D float64 array, in C order."""
    return np.ascontiguousarray(x).reshape(-1).astype(np.float64)


@kernel
def reshaped(x, shape):
    """A C-ordered copy of the elements of x with `shape`."""
    return np.ascontiguousarray(x).reshape(shape).copy()


@kernel
def rows_of(x, count, inner):
    """x viewed as `count` rows of shape `inner` (a tuple), sharing memory."""
    return x.reshape((count,) + inner)


@kernel
def transpose(m):
    return np.ascontiguousarray(m.T)


@kernel
def outer(u, v):
    out = np.empty((u.shape[0], v.shape[0]))
    for i in range(u.shape[0]):
        for j in range(v.shape[0]):
            out[i, j] = u[i] * v[j]
    return out


@kernel
def matmul(a, b):
    return np.dot(np.ascontiguousarray(a), np.ascontiguousarray(b))


@kernel
def arange(n):
    return np.arange(n)


@kernel
def inner_size(x, dims):
    """Number of elements of one entry of an array of `dims` array dimensions."""
    n = 1
    for k in range(dims, x.ndim):
        n *= x.shape[k]
    return max(n, 1)


@kernel
def acc(out, x):
    """out += x elementwise, in place (same shape, any number of dimensions)."""
    o = out.reshape(-1)
    v = np.ascontiguousarray(x).reshape(-1)
    for i in range(o.shape[0]):
        o[i] += v[i]


@kernel
def acc_scaled(out, g, x):
    """out += g * x elementwise, in place."""
    o = out.reshape(-1)
    v = np.ascontiguousarray(x).reshape(-1)
    for i in range(o.shape[0]):
        o[i] += g * v[i]


@kernel
def assign_into(out, x):
    """out[...] = x elementwise (same shape)."""
    o = out.reshape(-1)
    v = np.ascontiguousarray(x).reshape(-1)
    for i in range(o.shape[0]):
        o[i] = v[i]


@kernel
def fill(out, value):
    o = out.reshape(-1)
    for i in range(o.shape[0]):
        o[i] = value


@kernel
def acc_const(out, c):
    """out += c for every element, in place."""
    o = out.reshape(-1)
    for i in range(o.shape[0]):
        o[i] += c


@kernel
def ode_contract(sens, g, start, size):
    """sum over output times t of S[t][:, start:start+size]^T g[t]: the adjoint of the
    parameters in that block of the sensitivity matrix."""
    out = np.zeros(size)
    for t in range(sens.shape[0]):
        for i in range(sens.shape[1]):
            gi = g[t, i]
            for k in range(size):
                out[k] += sens[t, i, start + k] * gi
    return out


@kernel
def dp_combine(z, h, a1, k1, a2, k2, a3, k3, a4, k4, a5, k5, a6, k6):
    """z + h * (a1 k1 + ... + a6 k6): one stage of an explicit Runge-Kutta step."""
    out = np.empty(z.shape[0])
    for i in range(z.shape[0]):
        out[i] = z[i] + h * (a1 * k1[i] + a2 * k2[i] + a3 * k3[i] + a4 * k4[i]
                             + a5 * k5[i] + a6 * k6[i])
    return out


@kernel
def dp_error(z, z5, e, atol, rtol):
    """The scaled error norm max |e_i| / (atol + rtol max(|z_i|, |z5_i|)) of a step."""
    q = 0.0
    for i in range(z.shape[0]):
        s = atol + rtol * max(abs(z[i]), abs(z5[i]))
        r = abs(e[i]) / s
        if not (r <= q):
            q = r
    return q


@kernel
def ode_coupled(jy, s_flat, jp, n, m):
    """d S / dt = J_y S + J_p for the sensitivities S (n x m, flattened row-major)."""
    out = np.empty(n * m)
    for i in range(n):
        for k in range(m):
            acc_ = jp[i, k]
            for j in range(n):
                acc_ += jy[i, j] * s_flat[j * m + k]
            out[i * m + k] = acc_
    return out


@kernel
def zeros2(a, b):
    return np.zeros((a, b))


@kernel
def zeros3(a, b, c):
    return np.zeros((a, b, c))


def set_row(mat, i, start, values):
    """mat[i, start:start + size] = values (a scalar or an array of any shape)."""


@overload(set_row, jit_options={"cache": True})
def _set_row(mat, i, start, values):
    if isinstance(values, types.Array):
        def impl(mat, i, start, values):
            v = np.ascontiguousarray(values).reshape(-1)
            for k in range(v.shape[0]):
                mat[i, start + k] = v[k]
        return impl

    def impl_scalar(mat, i, start, values):
        mat[i, start] = values
    return impl_scalar


_PREFETCH_AHEAD = 16     # rows requested ahead of the copy: enough misses in flight to hide
                         # most of the memory latency of random rows of a large array


@intrinsic
def prefetch(typingctx, flat, index):
    """Ask the CPU to start loading flat[index] into cache (llvm.prefetch: a hint, never a
    fault, so an index past the end is harmless)."""
    sig = types.void(flat, types.intp)

    def codegen(context, builder, signature, args):
        arr_type = signature.args[0]
        arr = context.make_array(arr_type)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, arr_type, arr, [args[1]],
                                       wraparound=False)
        byte_ptr = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [byte_ptr, i32, i32, i32]),
            "llvm.prefetch.p0i8")
        # read, high temporal locality, data cache
        builder.call(fn, [builder.bitcast(ptr, byte_ptr), ir.Constant(i32, 0),
                          ir.Constant(i32, 3), ir.Constant(i32, 1)])
        return context.get_dummy_value()
    return sig, codegen


@kernel
def gather_rows(src, rows, dst):
    """dst[j] = src[rows[j]] (0-based rows), for arrays of any number of dimensions: the
    minibatch's copy of the sampled rows.

    The rows are random positions in what may be a file-backed array many times larger than
    the cache, so each is a trip to memory; the row `_PREFETCH_AHEAD` places on is requested
    before each copy, which keeps many trips in flight at once (2 to 3 times faster on a
    million-row matrix than copying row by row).  `dst` may be in either memory order."""
    _gather(src, rows, dst)


@kernel
def gather_many_rows(src, rows, dst):
    """`gather_rows` for a copy of a whole data set in another order: the rows are split
    into chunks copied on all the threads."""
    if is_parallel(rows.shape[0]):
        _gather_par(src, rows, dst)
    else:
        _gather(src, rows, dst)


@parallel_kernel
def _gather_par(src, rows, dst):
    for ci in prange(n_chunks(rows.shape[0])):
        lo, hi = chunk_rows(np.int64(ci), rows.shape[0])
        _gather(src, rows[lo:hi], dst[lo:hi])


def _gather(src, rows, dst):
    """`gather_rows` for the array types at hand."""


@kernel
def _as_matrix_2d(a):
    return a


@kernel
def _as_matrix_nd(a):
    return a.reshape((a.shape[0], -1))


@overload(_gather, jit_options={"cache": True})
def _ov_gather(src, rows, dst):
    if src.ndim == 1:
        def impl_vector(src, rows, dst):
            n = rows.shape[0]
            for j in range(min(_PREFETCH_AHEAD, n)):
                prefetch(src, rows[j])
            for j in range(n):
                if j + _PREFETCH_AHEAD < n:
                    prefetch(src, rows[j + _PREFETCH_AHEAD])
                dst[j] = src[rows[j]]
        return impl_vector
    if src.layout == "C" and (dst.ndim == 2 or dst.layout == "C"):
        as_matrix = _as_matrix_2d if dst.ndim == 2 else _as_matrix_nd

        def impl_rows(src, rows, dst):
            n = rows.shape[0]
            flat = src.reshape(-1)
            width = flat.shape[0] // max(src.shape[0], 1)
            rows_out = as_matrix(dst)
            for j in range(min(_PREFETCH_AHEAD, n)):
                prefetch(flat, rows[j] * width)
                prefetch(flat, rows[j] * width + width - 1)
            for j in range(n):
                if j + _PREFETCH_AHEAD < n:
                    ahead = rows[j + _PREFETCH_AHEAD] * width
                    prefetch(flat, ahead)
                    prefetch(flat, ahead + width - 1)
                start = rows[j] * width
                for k in range(width):
                    rows_out[j, k] = flat[start + k]
        return impl_rows

    def impl_any(src, rows, dst):
        for j in range(rows.shape[0]):
            dst[j] = src[rows[j]]
    return impl_any
