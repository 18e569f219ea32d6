"""The one place that holds vilang's numba flags.

`kernel` compiles in nopython mode, caches machine code on disk, releases the GIL and uses
numpy's error model (division by zero gives inf/nan instead of raising).  fastmath is limited
to flags that keep NaN and infinity semantics: `nnan` and `ninf` are never set, because the
log density is checked for finiteness (a -inf from a domain error must stay -inf).
"""
import numba

FASTMATH = frozenset({"nsz", "arcp", "contract", "reassoc"})


def kernel(fn=None, **overrides):
    """Decorator: `@kernel` or `@kernel(parallel=True)`."""
    options = dict(cache=True, nogil=True, error_model="numpy",
                   fastmath=set(FASTMATH))
    options.update(overrides)
    if fn is None:
        return lambda f: numba.njit(**options)(f)
    return numba.njit(**options)(fn)
