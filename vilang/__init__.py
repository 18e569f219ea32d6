"""vilang: a compiler for a Stan-compatible probabilistic modeling language.

    >>> import vilang
    >>> prog = vilang.check(vilang.parse("parameters { real mu; } model { mu ~ normal(0, 1); }"))
"""
from vilang.errors import InternalCompilerError, ModelError, ModelWarning
from vilang.syntax.parser import parse

__version__ = "0.1.0"
__all__ = ["parse", "check", "compile", "ModelError", "ModelWarning", "InternalCompilerError",
           "DataError", "DomainError"]


def check(program, filename: str | None = None):
    """Type-check a parsed program (or source text); returns a `CheckedProgram`."""
    from vilang.typecheck.checker import check as _check
    return _check(program, filename=filename)


def compile(path=None, *, code=None, filename=None):  # noqa: A001 - mirrors vilang's CLI verb
    """Compile a model (a `.vi` path, or `code=`); returns a `vilang.model.CompiledModel`."""
    from vilang.model import compile as _compile
    return _compile(path, code=code, filename=filename)


def __getattr__(name):
    if name == "DataError":
        from vilang.io.data import DataError
        return DataError
    if name == "DomainError":
        from vilang.model import DomainError
        return DomainError
    raise AttributeError(name)
