"""Data values converted to the arrays kernels take, and checked on the way.

Where data comes from (JSON, .npy/.npz, CSV, Parquet, directories, lists of sources) is
`vilang.io.sources`; this module turns one value into a kernel argument (`convert`) and reads
Stan-format JSON (`load_json`, also used for initial values). Every problem names the variable
and says what was expected and what was found.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from vilang.types import UnsizedType

EIGEN_NDIM = {"int": 0, "real": 0, "vector": 1, "row_vector": 1, "matrix": 2}


class DataError(Exception):
    """Bad data: the message names the variable, the expected and the actual value."""


def load_json(path) -> dict:
    """Read Stan-format JSON (infinity and NaN may be spelled as strings, as CmdStan allows)."""
    try:
        text = Path(path).read_text()
    except OSError as err:
        raise DataError(f"cannot read data file '{path}': {err.strerror}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError(f"data file '{path}' is not valid JSON: {err.msg} at line {err.lineno}, "
                        f"column {err.colno}") from None
    if not isinstance(raw, dict):
        raise DataError(f"data file '{path}' must hold a JSON object mapping names to values")
    return raw


SPECIAL = {"inf": math.inf, "+inf": math.inf, "infinity": math.inf, "-inf": -math.inf,
           "-infinity": -math.inf, "nan": math.nan}


def _special(x):
    if isinstance(x, str) and x.strip().lower() in SPECIAL:
        return SPECIAL[x.strip().lower()]
    if isinstance(x, list):
        return [_special(v) for v in x]
    return x


# Elements checked at a time: checks on large (memory-mapped) arrays work through them in
# slices of this many elements so their temporaries stay small (tests lower it).
CHUNK = 1 << 20


def convert(name: str, value, t: UnsizedType):
    """One data value as the kernel expects it: a Python int/float or a C-ordered array.

    A C-contiguous float64 array (for a real container) or int64 array (for an int container)
    passes through without a copy, so a memory-mapped file reaches the kernels as it is; other
    dtypes are converted (a copy). Checks run in slices of CHUNK elements."""
    ndim = t.dims + EIGEN_NDIM[t.base]
    is_int = t.base == "int"
    arr = _numeric_array(name, value, t)
    if arr.ndim != ndim and not (arr.size == 0 and ndim > 0):
        raise DataError(f"data variable '{name}': expected {ndim} dimension(s) for type {t}, "
                        f"got {arr.ndim} (shape {arr.shape})")
    if arr.size == 0 and arr.ndim != ndim:
        arr = np.zeros((0,) * ndim, dtype=arr.dtype)
    arr = _as_int64(name, arr, t) if is_int else _as_float64(arr)
    if ndim == 0:
        return int(arr) if is_int else float(arr)
    return np.ascontiguousarray(arr)


def _numeric_array(name: str, value, t: UnsizedType) -> np.ndarray:
    """`value` as an array of numbers: numeric arrays (memory maps included) as views, without
    a copy; nested lists (Stan JSON, with "inf"/"nan" spelled as strings) as float64."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return np.asarray(value)
    if isinstance(value, np.ndarray) and value.dtype.kind == "c":
        raise DataError(f"data variable '{name}': expected real numbers for type {t}, got "
                        "complex numbers")
    if isinstance(value, np.ndarray):
        value = value.tolist()
    try:
        return np.asarray(_special(value), dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(f"data variable '{name}': expected numbers for type {t}, got "
                        f"{_describe(value)}") from None


def _as_float64(arr: np.ndarray) -> np.ndarray:
    return arr if arr.dtype == np.float64 else arr.astype(np.float64)


def _as_int64(name: str, arr: np.ndarray, t: UnsizedType) -> np.ndarray:
    """int64 values of an int container: int64 as it is, other integer types converted after a
    range check, floats after checking (in slices) that every value is a whole number."""
    if arr.dtype == np.int64:
        return arr
    if arr.dtype.kind in "bi":
        return arr.astype(np.int64)
    if arr.dtype.kind == "u":
        _check_chunks(name, arr, t, lambda c: c <= np.iinfo(np.int64).max,
                      "too large for a 64-bit integer")
        return arr.astype(np.int64)
    _check_chunks(name, arr, t, _whole, "not an integer")
    return arr.astype(np.int64)


def _whole(c: np.ndarray) -> np.ndarray:
    """Which elements are whole numbers that fit an int64 (NaN and infinity are not)."""
    return (c == np.round(c)) & (c >= -2.0 ** 63) & (c < 2.0 ** 63)


def _check_chunks(name: str, arr: np.ndarray, t: UnsizedType, ok, what: str) -> None:
    """Raise naming the first element (in storage order) for which `ok` is False; `ok` sees
    at most CHUNK elements at a time."""
    for start, chunk in chunks(arr):
        good = ok(chunk)
        if not good.all():
            k = start + int(np.argmin(good))
            index = np.unravel_index(k, arr.shape) if arr.ndim else ()
            label = name + ("[" + ",".join(str(i + 1) for i in index) + "]" if index else "")
            raise DataError(f"data variable '{name}': expected integers for type {t}, got "
                            f"{label} = {_number(arr[index])}, {what}")


def chunks(arr: np.ndarray):
    """(flat offset, 1-D slice of at most CHUNK elements) covering `arr` in storage (C)
    order. A C-contiguous array is sliced without copying; otherwise each slice of leading
    rows is copied on its own."""
    if arr.ndim == 0 or arr.flags.c_contiguous:
        flat = arr.reshape(-1)
        for start in range(0, flat.shape[0], CHUNK):
            yield start, flat[start:start + CHUNK]
        return
    row = arr.size // arr.shape[0] if arr.shape[0] else 0
    step = max(1, CHUNK // max(row, 1))
    for first in range(0, arr.shape[0], step):
        yield first * row, arr[first:first + step].reshape(-1)


def _number(x) -> str:
    x = x.item() if hasattr(x, "item") else x
    return repr(x) if isinstance(x, int) else f"{x:g}"


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."
