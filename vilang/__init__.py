"""vilang: a compiler for a Stan-compatible probabilistic modeling language.

    >>> import vilang
    >>> prog = vilang.check(vilang.parse("parameters { real mu; } model { mu ~ normal(0, 1); }"))
"""
from vilang.errors import InternalCompilerError, ModelError, ModelWarning
from vilang.syntax.parser import parse

__version__ = "0.1.0"
__all__ = ["parse", "check", "ModelError", "ModelWarning", "InternalCompilerError"]


def check(program, filename: str | None = None):
    """Type-check a parsed program (or source text); returns a `CheckedProgram`."""
    from vilang.typecheck.checker import check as _check
    return _check(program, filename=filename)
