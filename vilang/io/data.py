"""Data in: Stan-format JSON files or Python dicts, converted to the arrays kernels take.

Every problem names the variable and says what was expected and what was found.
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


def convert(name: str, value, t: UnsizedType):
    """One data value as the kernel expects it: a Python int/float or a C-ordered array."""
    value = _special(value)
    ndim = t.dims + EIGEN_NDIM[t.base]
    is_int = t.base == "int"
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(f"data variable '{name}': expected numbers for type {t}, got "
                        f"{_describe(value)}") from None
    if arr.ndim != ndim and not (arr.size == 0 and ndim > 0):
        raise DataError(f"data variable '{name}': expected {ndim} dimension(s) for type {t}, "
                        f"got {arr.ndim} (shape {arr.shape})")
    if arr.size == 0 and arr.ndim != ndim:
        arr = arr.reshape((0,) * ndim)
    if is_int:
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise DataError(f"data variable '{name}': expected integers for type {t}, got "
                            f"non-integer values")
        arr = arr.astype(np.int64)
    if ndim == 0:
        return int(arr) if is_int else float(arr)
    return np.ascontiguousarray(arr)


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."
