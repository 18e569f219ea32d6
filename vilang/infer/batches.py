"""Minibatches of a bound model: B rows of a data size, and the kernels that take them.

    >>> batches = Batches(bm, "N", 1000)                                  # doctest: +SKIP
    >>> lp, grad = batches.log_density_gradient(theta, rows)              # doctest: +SKIP

The minibatch kernels (`CompiledModel.minibatch_kernels`, planned by vilang/ir/minibatch.py)
take the batch as their data: the same tuple as the model's, with N set to B, every
subsampled variable replaced by a buffer of B rows, and the scale N / B appended.  The
compiled ADVI loop refills the buffers each iteration (`gather_rows`); here they can also be
filled from Python, for tests and for the diagnostics.  docs/minibatch.md.
"""
from __future__ import annotations

import math
import mmap
import os

import numpy as np

from vilang.infer import core
from vilang.runtime import support


class Batches:
    """B rows (B = `size`) of the data size `dim` of the bound model `bm`."""

    def __init__(self, bm, dim: str, size: int):
        self.bm = bm
        self.kernels = bm.model.minibatch_kernels(dim)
        plan = self.kernels.plan
        names = self._names = [n for n, _, _ in bm.model.ir.data]
        self.dim = dim
        self.n_rows = int(bm.data[names.index(dim)])
        size = int(size)
        if not 1 <= size <= self.n_rows:
            raise ValueError(f"minibatch size for '{dim}' must be between 1 and {dim} = "
                             f"{self.n_rows}, not {size}")
        self.size = size
        self.scale = self.n_rows / size
        self.data = tuple(_batch_entries(names, bm.data, plan.data_rows, dim, size)) + (
            float(self.scale),)
        td_names = self._td_names = [n for n, _, _ in bm.model.ir.outputs["transformed data"]]
        self.tdata = tuple(_batch_entries(td_names, bm.tdata, plan.tdata_rows, dim, size))
        self.rows = np.zeros(size, np.int64)
        # where the compiled loop gathers its rows from: the data itself (rows drawn at
        # random), or after `shuffle` a shuffled copy of the subsampled variables (windows of
        # consecutive rows); `order[i]` is the data row at position i of the source
        self.source = (bm.data, bm.tdata)
        self.order = None

    @property
    def windows(self) -> bool:
        """Whether iterations take windows of the shuffled copy (`shuffle`)."""
        return self.order is not None

    def shuffle(self, seed: int, max_bytes: int | None = None) -> bool:
        """Give the fit a shuffled copy of the subsampled variables to read windows of
        consecutive rows from (`core.sample_window`): a window of a random permutation is a
        random sample of rows, but read in order it costs a few microseconds where B rows
        from random places in a large array cost a trip to memory each.  The copy is made only
        when the subsampled variables are in memory (not memory-mapped files: the point of
        those is not to hold the data) and take at most `max_bytes` (default: a quarter of
        the machine's memory).  Returns whether it was made."""
        plan, names, td_names = self.kernels.plan, self._names, self._td_names
        arrays = [v for n, v in zip(names, self.bm.data) if n in plan.data_rows] + \
            [v for n, v in zip(td_names, self.bm.tdata) if n in plan.tdata_rows]
        limit = _memory_bytes() // 4 if max_bytes is None else max_bytes
        copyable = all(isinstance(a, np.ndarray) and a.flags.c_contiguous and
                       not _file_backed(a) for a in arrays)
        if not copyable or sum(a.nbytes for a in arrays) > limit:
            return False
        rng = np.random.default_rng([int(seed) & 0x7FFF_FFFF_FFFF_FFFF, core.TAG_SHUFFLE])
        order = rng.permutation(self.n_rows).astype(np.int64)
        self.source = (
            tuple(_shuffled(v, order) if n in plan.data_rows else v
                  for n, v in zip(names, self.bm.data)),
            tuple(_shuffled(v, order) if n in plan.tdata_rows else v
                  for n, v in zip(td_names, self.bm.tdata)))
        self.order = order
        return True

    def with_scale(self, scale: float) -> tuple:
        """The batch's data with the scale set to `scale` instead of N / B."""
        return self.data[:-1] + (float(scale),)

    def take(self, rows) -> None:
        """Fill the batch with the given rows (0-based)."""
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        if rows.shape != (self.size,) or (rows.size and not (
                0 <= rows.min() and rows.max() < self.n_rows)):
            raise ValueError(f"expected {self.size} row numbers in 0..{self.n_rows - 1}")
        self.rows[:] = rows
        self.kernels.module.gather_rows(self.bm.data, self.bm.tdata, self.rows, self.data,
                                        self.tdata)

    def sample(self, seed: int, index: int) -> np.ndarray:
        """Draw the rows of iteration `index` of a fit with `seed` (as the compiled loop
        does), fill the batch with them and return them (as rows of the data)."""
        rng = np.zeros(1, np.uint64)
        rng[0] = core.stream_key(seed, core.TAG_ROWS, index)
        rows = np.zeros(self.size, np.int64)
        if self.windows:
            core.sample_window(rng, self.n_rows, rows)
            rows = self.order[rows]
        else:
            core.sample_rows(rng, self.n_rows, rows)
        self.take(rows)
        return rows

    def log_density_gradient(self, theta, rows=None, propto: bool = True,
                             jacobian: bool = True):
        """(lp, grad) of the minibatch estimate over `rows` (default: the current batch):
        unbiased for the full data's when the rows are drawn uniformly."""
        if rows is not None:
            self.take(rows)
        theta = np.ascontiguousarray(theta, dtype=np.float64)
        grad = np.zeros_like(theta)
        err = np.zeros(2, np.int64)
        lp = self.kernels.module.log_density_grad(theta, self.data, self.tdata, bool(propto),
                                                  bool(jacobian), grad, err)
        return (lp if err[0] == 0 else -math.inf), grad

    def site_message(self, code: int) -> str:
        from vilang.model import site_message
        return site_message(self.bm.model.filename, self.kernels.generated.sites, code)


def batch_buffer(value, size: int) -> np.ndarray:
    """A buffer for `size` rows of the data array `value`.  A real matrix's is column-major:
    its columns are then contiguous runs of B values, and the kernels that take it (GLMs,
    X * beta and its transpose) loop over columns and vectorise across rows, without the
    horizontal sum per row that a row-major matrix with few columns costs (a 1000 x 10 GLM
    gradient 2 to 3 times faster)."""
    shape = (size,) + tuple(value.shape[1:])
    order = "F" if value.ndim == 2 and value.dtype.kind == "f" else "C"
    return np.empty(shape, value.dtype, order=order)


def _file_backed(a: np.ndarray) -> bool:
    """Is `a` (a view of) a memory-mapped file?"""
    while a is not None:
        if isinstance(a, (np.memmap, mmap.mmap)):
            return True
        a = getattr(a, "base", None)
    return False


def _memory_bytes() -> int:
    """The machine's physical memory (4 GiB when the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 4 << 30


def _shuffled(value: np.ndarray, order: np.ndarray) -> np.ndarray:
    """value's rows in the order `order`, as an array of the same numba type (C order, and
    read-only if value is, so the compiled loop takes it without compiling again)."""
    out = np.empty_like(value, order="C")
    support.gather_many_rows(value, order, out)
    out.flags.writeable = value.flags.writeable
    return out


def _batch_entries(names, values, subsampled, dim, size):
    """The batch's data: B-row buffers for the subsampled variables, B for the size, the
    rest shared with the full data."""
    for name, value in zip(names, values):
        if name == dim:
            yield size
        elif name in subsampled:
            yield batch_buffer(value, size)
        else:
            yield value
