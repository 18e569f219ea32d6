"""The one place that holds vilang's numba flags.

`kernel` compiles in nopython mode, caches machine code on disk, releases the GIL and uses
numpy's error model (division by zero gives inf/nan instead of raising).  fastmath is limited
to flags that keep NaN and infinity semantics: `nnan` and `ninf` are never set, because the
log density is checked for finiteness (a -inf from a domain error must stay -inf).

`parallel_kernel` is `kernel` with `parallel=True`: the few runtime kernels that split their rows
into fixed-size chunks and run the chunks on numba's threads (`vilang.runtime.parallel`).
`set_threads(k)` chooses how many threads they use.
"""
import contextlib
import os

import numba

# OpenMP threads that spin while they wait for the next parallel region hold their core: when
# the cores are shared (other processes, or fit threads that each call parallel kernels), a
# region then waits for a descheduled thread, and one gradient took 24 ms instead of 2 ms.
# Sleeping waits cost microseconds per region.  GNU OpenMP reads this when numba starts its
# thread pool (the first parallel kernel, or numba.get/set_num_threads), so it is set as soon
# as vilang's runtime is imported; a value the user set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

FASTMATH = frozenset({"nsz", "arcp", "contract", "reassoc"})


def kernel(fn=None, **overrides):
    """Decorator: `@kernel` or `@kernel(parallel=True)`."""
    options = dict(cache=True, nogil=True, error_model="numpy",
                   fastmath=set(FASTMATH))
    options.update(overrides)
    if fn is None:
        return lambda f: numba.njit(**options)(f)
    return numba.njit(**options)(fn)


def parallel_kernel(fn=None, **overrides):
    """`kernel` compiled with `parallel=True` (numba `prange` loops run on its threads).  Kept
    to a few runtime kernels: a parallel compile is slow, and these are compiled once per
    machine and cached, never in generated code."""
    return kernel(fn, parallel=True, **overrides)


def max_threads() -> int:
    """The most threads the parallel kernels can use: numba's NUMBA_NUM_THREADS (by default
    the number of cores numba sees), fixed when numba starts its thread pool."""
    return numba.config.NUMBA_NUM_THREADS


def set_threads(k: int | None = None) -> int:
    """Run vilang's parallel kernels on `k` threads (None or 0: all of `max_threads()`; more
    than that is capped) and return the number in effect.

    numba's setting is per calling thread: it applies to kernels called from the thread that
    calls `set_threads`, and a thread started later begins at `max_threads()`, so call it in
    each worker thread that evaluates log densities.  Results do not depend on `k`: the
    kernels reduce over fixed-size chunks in a fixed order."""
    n = max_threads()
    k = n if not k else max(1, min(int(k), n))
    numba.set_num_threads(k)
    return k


def get_threads() -> int:
    """The number of threads the parallel kernels use when called from this thread."""
    return numba.get_num_threads()


@contextlib.contextmanager
def using_threads(k: int | None):
    """`with using_threads(k):` runs the block with `set_threads(k)`, then restores the
    previous number."""
    before = get_threads()
    try:
        yield set_threads(k)
    finally:
        numba.set_num_threads(before)
