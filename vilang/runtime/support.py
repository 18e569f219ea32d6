"""Runtime helpers of generated kernels: the tape of the reverse sweep, index checks, sums.

The tape is two growable stacks (float64 and int64) held as (array, position) pairs in the
kernel's locals; `push_*` return the (possibly reallocated) array and the new position.
"""
import math

import numpy as np

from vilang.runtime.jit import kernel


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
