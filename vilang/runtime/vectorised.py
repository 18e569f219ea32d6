"""`y ~ F(...)` over long containers: the univariate density loop, chunk-parallel.

The generated code loops over the elements of a vectorised univariate density, calling the
family's scalar `check`, `lpdf_d` (or `lpdf`) and `dropped` kernels per element.  For a
container longer than one chunk it calls `density` here instead, which runs that same loop
over the fixed-size chunks of `vilang.runtime.parallel` on numba's threads: the value and the
adjoints of scalar (broadcast) arguments are summed per chunk and the chunk sums added in chunk
order (bit-identical for any thread count); the adjoint of a container argument is written
per element by the chunk that owns the element.

One parallel kernel serves every family: the family is a string literal (`numba.literally`),
so numba compiles (once per machine, then loads from its cache) one specialisation per family
that calls the family's scalar kernels directly, with no run-time dispatch.  Arguments are
padded to four (`0.0`, inactive) so that one signature covers every arity; each argument is a
scalar or a 1-D array (a container, flattened), normalised to an array and a stride (0 for a
broadcast scalar).
"""
import numba
import numpy as np
from numba import prange, types
from numba.extending import overload

from vilang.runtime.jit import kernel, parallel_kernel
from vilang.runtime.multivariate import _as1d
from vilang.runtime.parallel import chunk_rows, is_parallel, partials, reduce_partials
from vilang.runtime.univariate import FAMILIES

MAX_ARGS = 4
_ROW = 2 + MAX_ARGS          # a chunk's partial sums: value, check code, d/d each argument


# ---------------------------------------------------------------------------------------------
# Static dispatch to a family's scalar kernels (the family is a string literal)

def _family(fam):
    if not isinstance(fam, types.StringLiteral):
        return None
    return FAMILIES[fam.literal_value]


def real_positions(family) -> dict[int, int]:
    """Argument position (variate first) -> position among the derivatives of `lpdf_d`."""
    out = {}
    for k, name in enumerate(family.args):
        if (k == 0 and family.discrete) or name in family.int_params:
            continue
        out[k] = len(out)
    return out


def _adapter(fn, n_args, tail):
    """impl(fam, what, e0, e1, e2, e3, flags) calling fn(e0, ..., e{n_args - 1}, *tail): the
    padded argument list cut to the family's arity (`tail`: extra argument expressions).
    numba compiles the body where it is called."""
    call = [f"e{k}" for k in range(n_args)] + list(tail)
    namespace = {"fn": fn}
    exec(f"def impl(fam, what, e0, e1, e2, e3, flags):\n    return fn({', '.join(call)})\n",
         namespace)
    return namespace["impl"]


def _call(fam, what, e0, e1, e2, e3, flags):
    """The family's kernel `what` ('check', 'lpdf', 'lpdf_d' or 'dropped') on the elements
    (the activity flags of the real-valued arguments are appended for 'dropped')."""


@overload(_call, prefer_literal=True)
def _ov_call(fam, what, e0, e1, e2, e3, flags):
    family = _family(fam)
    if family is None or not isinstance(what, types.StringLiteral):
        return None
    kind = what.literal_value
    tail = [f"flags[{k}]" for k in real_positions(family)] if kind == "dropped" else []
    return _adapter(getattr(family, kind), len(family.args), tail)


def _derivatives(fam, r):
    """The partials of an `lpdf_d` result aligned to the (padded) argument positions: 0.0 for
    an int argument or a padding one."""


@overload(_derivatives, prefer_literal=True)
def _ov_derivatives(fam, r):
    family = _family(fam)
    if family is None:
        return None
    pos = real_positions(family)
    items = ", ".join(f"r[{pos[k] + 1}]" if k in pos else "0.0" for k in range(MAX_ARGS))
    namespace = {}
    exec(f"def impl(fam, r):\n    return ({items})\n", namespace)
    return namespace["impl"]


# ---------------------------------------------------------------------------------------------
# The chunked loop

@kernel
def _accumulate(active, bar, s, i, d, scale, local):
    """The adjoint d of element i: into bar[i] for a container argument (s = 1), into the
    chunk's sum `local` (returned) for a broadcast scalar (s = 0)."""
    if active:
        if s == 1:
            bar[i] += scale * d
        else:
            local += scale * d
    return local


@kernel
def _chunk(fam, grad, propto, scale, flags, b0, b1, b2, b3, v0, s0, v1, s1, v2, s2, v3, s3,
           n, c, row):
    """Elements of chunk c: row = [value, check code of the first failing element (0: none),
    the chunk's adjoint sums of the four (broadcast scalar) arguments]."""
    numba.literally(fam)
    lo, hi = chunk_rows(c, n)
    value = 0.0
    g0 = 0.0
    g1 = 0.0
    g2 = 0.0
    g3 = 0.0
    for i in range(lo, hi):
        e0 = v0[i * s0]
        e1 = v1[i * s1]
        e2 = v2[i * s2]
        e3 = v3[i * s3]
        code = _call(fam, "check", e0, e1, e2, e3, flags)
        if code != 0:
            row[1] = code
            return
        if grad:
            r = _call(fam, "lpdf_d", e0, e1, e2, e3, flags)
            value += r[0]
            d0, d1, d2, d3 = _derivatives(fam, r)
            g0 = _accumulate(flags[0], b0, s0, i, d0, scale, g0)
            g1 = _accumulate(flags[1], b1, s1, i, d1, scale, g1)
            g2 = _accumulate(flags[2], b2, s2, i, d2, scale, g2)
            g3 = _accumulate(flags[3], b3, s3, i, d3, scale, g3)
        else:
            value += _call(fam, "lpdf", e0, e1, e2, e3, flags)
        if propto:
            value -= _call(fam, "dropped", e0, e1, e2, e3, flags)
    row[0] = value
    row[2] = g0
    row[3] = g1
    row[4] = g2
    row[5] = g3


@parallel_kernel
def _chunks_parallel(fam, grad, propto, scale, flags, b0, b1, b2, b3, v0, s0, v1, s1, v2, s2,
                     v3, s3, n, part):
    numba.literally(fam)
    for ci in prange(part.shape[0]):
        c = np.int64(ci)        # the index as the serial loop's type
        _chunk(fam, grad, propto, scale, flags, b0, b1, b2, b3, v0, s0, v1, s1, v2, s2, v3, s3,
               n, c, part[c])


@kernel
def _core(fam, grad, propto, scale, flags, b0, b1, b2, b3, v0, s0, v1, s1, v2, s2, v3, s3):
    numba.literally(fam)
    n = max(v0.shape[0] * s0, v1.shape[0] * s1, v2.shape[0] * s2, v3.shape[0] * s3)
    part = partials(n, _ROW)
    if is_parallel(n):
        _chunks_parallel(fam, grad, propto, scale, flags, b0, b1, b2, b3, v0, s0, v1, s1, v2,
                         s2, v3, s3, n, part)
    else:
        for c in range(part.shape[0]):
            _chunk(fam, grad, propto, scale, flags, b0, b1, b2, b3, v0, s0, v1, s1, v2, s2,
                   v3, s3, n, c, part[c])
    for c in range(part.shape[0]):          # the first failing element wins, as in a loop
        if part[c, 1] != 0.0:
            return -np.inf, np.int64(part[c, 1]), 0.0, 0.0, 0.0, 0.0
    tot = reduce_partials(part)
    return tot[0], np.int64(0), tot[2], tot[3], tot[4], tot[5]


def _stride(v):
    """1 for an array argument, 0 for a broadcast scalar."""


@overload(_stride)
def _ov_stride(v):
    if isinstance(v, types.Array):
        return lambda v: np.int64(1)
    return lambda v: np.int64(0)


@kernel
def density(fam, grad, propto, scale, flags, b0, b1, b2, b3, a0, a1, a2, a3):
    """Sum over the elements of F(a0 | a1, a2, a3) (F = `fam`, a string literal; the
    arguments a scalar or a 1-D array each, of one common size, padded with 0.0 beyond F's
    arity), minus `dropped` when `propto`.

    With `grad`, adds scale * d/d a_k of each element into b_k[i] for an active (flags[k])
    container argument; the adjoint sums of active scalar arguments are returned.
    Returns (value, code, g0, g1, g2, g3): code is F's check code for the first element that
    fails (then value is -inf), 0 if none."""
    numba.literally(fam)
    return _core(fam, grad, propto, scale, flags, b0, b1, b2, b3, _as1d(a0), _stride(a0),
                 _as1d(a1), _stride(a1), _as1d(a2), _stride(a2), _as1d(a3), _stride(a3))
