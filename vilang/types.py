"""The type system shared by every stage: unsized types, as in Stan's `UnsizedType`.

A value's type is a base (`int`, `real`, `vector`, `row_vector`, `matrix`) with a number of
array dimensions: `array[,] real` is `UnsizedType("real", 2)`.  Whether a value is data-only
or may depend on parameters (Stan's autodiff level) is tracked beside the type, not in it.
"""
from __future__ import annotations

from dataclasses import dataclass

BASES = ("int", "real", "vector", "row_vector", "matrix")


@dataclass(frozen=True)
class UnsizedType:
    """`base` is one of BASES or "void", "string", "function"; `dims` counts array dimensions."""

    base: str
    dims: int = 0

    def __str__(self) -> str:
        if self.dims:
            return f"array[{',' * (self.dims - 1)}] {self.base}"
        return self.base

    @property
    def is_array(self) -> bool:
        return self.dims > 0

    def element(self) -> "UnsizedType":
        """The type of one element of an array (one fewer dimension)."""
        return UnsizedType(self.base, self.dims - 1)

    def array(self, dims: int = 1) -> "UnsizedType":
        return UnsizedType(self.base, self.dims + dims)

    @property
    def is_int(self) -> bool:
        return self.base == "int" and self.dims == 0

    @property
    def is_scalar(self) -> bool:
        return self.base in ("int", "real") and self.dims == 0

    @property
    def is_eigen(self) -> bool:
        """vector, row_vector or matrix (not an array of them)."""
        return self.base in ("vector", "row_vector", "matrix") and self.dims == 0

    @property
    def is_numeric(self) -> bool:
        return self.base in BASES


INT = UnsizedType("int")
REAL = UnsizedType("real")
VECTOR = UnsizedType("vector")
ROW_VECTOR = UnsizedType("row_vector")
MATRIX = UnsizedType("matrix")
VOID = UnsizedType("void")
STRING = UnsizedType("string")
FUNCTION = UnsizedType("function")
INT_ARRAY = UnsizedType("int", 1)
REAL_ARRAY = UnsizedType("real", 1)


def promotes_to(actual: UnsizedType, wanted: UnsizedType) -> bool:
    """True when a value of type `actual` may be used where `wanted` is expected.

    Stan promotes int to real, also inside arrays (`array[] int` to `array[] real`).
    """
    if actual == wanted:
        return True
    return actual.dims == wanted.dims and actual.base == "int" and wanted.base == "real"


def common_type(a: UnsizedType, b: UnsizedType) -> UnsizedType | None:
    """The least type both promote to (used by `?:` and array literals), or None."""
    if promotes_to(a, b):
        return b
    if promotes_to(b, a):
        return a
    return None


def index_type(t: UnsizedType, singles: list[bool]) -> UnsizedType | None:
    """Result type of `t[i1, ..., ik]`, where `singles[j]` says index j is a single index
    (as opposed to a slice or multi-index).  None when there are too many indexes.

    Array dimensions are indexed first, then the matrix/vector dimensions. Single indexes drop
    a dimension; slices keep it.
    """
    dims, base = t.dims, t.base
    kept_array = 0
    pos = 0
    while pos < len(singles) and pos < dims:
        if not singles[pos]:
            kept_array += 1
        pos += 1
    rest = singles[pos:]
    remaining_array = dims - pos
    if base in ("int", "real"):
        if rest:
            return None
        return UnsizedType(base, kept_array + remaining_array)
    if base in ("vector", "row_vector"):
        if len(rest) > 1:
            return None
        if rest and rest[0]:
            base = "real"
        return UnsizedType(base, kept_array + remaining_array)
    if base == "matrix":
        if len(rest) > 2:
            return None
        if len(rest) == 1:
            base = "row_vector" if rest[0] else "matrix"
        elif len(rest) == 2:
            row_single, col_single = rest
            if row_single and col_single:
                base = "real"
            elif row_single:
                base = "row_vector"
            elif col_single:
                base = "vector"
        return UnsizedType(base, kept_array + remaining_array)
    return None
