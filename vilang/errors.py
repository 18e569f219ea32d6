"""Errors are values: a small closed set of kinds, each carrying a source location.

Rendering (the header, the numbered source lines with a caret, the message) happens in one
place, `render`, in the style of the Stan compiler.  Columns are 0-based, as in stanc3.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Loc:
    """A span in a source file: 1-based lines, 0-based columns (Stan's convention)."""

    line: int
    col: int
    end_line: int
    end_col: int

    def __repr__(self) -> str:
        return f"Loc({self.line}:{self.col}-{self.end_line}:{self.end_col})"


NO_LOC = Loc(0, 0, 0, 0)

CONTEXT_BEFORE = 2
CONTEXT_AFTER = 2
RULE = "   " + "-" * 49


def render(kind: str, filename: str, source: str | None, loc: Loc, message: str,
           subkind: str | None = None) -> str:
    """Render a located message exactly as users see it."""
    header = f"{kind} in '{filename}', line {loc.line}, column {loc.col}"
    if loc.end_line == loc.line:
        header += f" to column {loc.end_col}"
    else:
        header += f" to line {loc.end_line}, column {loc.end_col}"
    header += f", {subkind}:" if subkind else ":"
    parts = [header]
    lines = source.splitlines() if source is not None else []
    if 1 <= loc.line <= len(lines):
        parts.append(RULE)
        first = max(1, loc.line - CONTEXT_BEFORE)
        last = min(len(lines), loc.line + CONTEXT_AFTER)
        for n in range(first, last + 1):
            parts.append(f"{n:>6}:  {lines[n - 1].rstrip()}".rstrip())
            if n == loc.line:
                parts.append(" " * (9 + loc.col) + "^")
        parts.append(RULE)
    parts.append("")
    parts.append(message)
    return "\n".join(parts) + "\n"


class ModelError(Exception):
    """A problem in the user's model: it has a location and a message that says how to fix it.

    `kind` is "Syntax error" or "Semantic error"; `subkind` is e.g. "parsing error".
    `str(err)` is the rendered message with the source context.
    """

    def __init__(self, kind: str, message: str, loc: Loc, filename: str = "model.vi",
                 source: str | None = None, subkind: str | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.loc = loc
        self.filename = filename
        self.source = source
        self.subkind = subkind

    @property
    def line(self) -> int:
        return self.loc.line

    @property
    def column(self) -> int:
        return self.loc.col

    def with_source(self, filename: str, source: str) -> "ModelError":
        self.filename, self.source = filename, source
        return self

    def __str__(self) -> str:
        return render(self.kind, self.filename, self.source, self.loc, self.message, self.subkind)


class SyntaxModelError(ModelError):
    def __init__(self, message: str, loc: Loc, subkind: str = "parsing error", **kw):
        super().__init__("Syntax error", message, loc, subkind=subkind, **kw)


class SemanticError(ModelError):
    def __init__(self, message: str, loc: Loc, **kw):
        super().__init__("Semantic error", message, loc, **kw)


@dataclass
class ModelWarning:
    """A located warning; rendered like an error with the kind "Warning"."""

    message: str
    loc: Loc
    filename: str = "model.vi"
    source: str | None = field(default=None, repr=False)

    def __str__(self) -> str:
        return render("Warning", self.filename, self.source, self.loc, self.message)


class InternalCompilerError(Exception):
    """A bug in vilang itself, never the user's fault."""

    def __init__(self, what: str):
        super().__init__(
            f"Internal compiler error: {what}\n"
            "This is a bug in vilang, not in your model. Please report it with the model "
            "that triggered it at the project's issue tracker."
        )
