"""A small indented-source writer that tags lines with the model line they come from."""
from __future__ import annotations

from contextlib import contextmanager

from vilang.errors import Loc
from vilang.types import UnsizedType

EIGEN_NDIM = {"int": 0, "real": 0, "vector": 1, "row_vector": 1, "matrix": 2}


def ndim(t: UnsizedType) -> int:
    """Number of numpy dimensions of a value of type t (arrays of vectors are 2-D, ...)."""
    return t.dims + EIGEN_NDIM[t.base]


def is_int(t: UnsizedType) -> bool:
    return t.base == "int"


def literal(value) -> str:
    """A Python literal for a constant: repr, with non-finite floats spelled via numpy."""
    if isinstance(value, float):
        if value != value:
            return "np.nan"
        if value in (float("inf"), float("-inf")):
            return "np.inf" if value > 0 else "-np.inf"
        return repr(value)
    if isinstance(value, (bool, int)):
        return repr(int(value))
    if isinstance(value, str):
        return repr(value)
    raise TypeError(f"not a literal: {value!r}")


class Writer:
    def __init__(self, source_lines: list[str] | None = None):
        self.lines: list[str] = []
        self.depth = 0
        self.source_lines = source_lines or []
        self.last_line = None

    def line(self, text: str):
        self.lines.append("    " * self.depth + text)

    def comment_for(self, loc: Loc | None):
        """A comment quoting the model line, once per change of line."""
        if loc is None or not loc.line or loc.line == self.last_line:
            return
        self.last_line = loc.line
        src = ""
        if 1 <= loc.line <= len(self.source_lines):
            src = self.source_lines[loc.line - 1].strip()
        src = src.replace("\n", " ")
        self.line(f"# line {loc.line}: {src}"[:110])

    @contextmanager
    def block(self, header: str):
        self.line(header)
        self.depth += 1
        start = len(self.lines)
        yield
        if len(self.lines) == start:
            self.line("pass")
        self.depth -= 1

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"
