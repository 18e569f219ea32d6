"""Source text -> AST, with Stan-style syntax errors.

The Lark LALR parser is built once per process (and Lark caches its tables on disk), so
parsing a model costs only the parse itself.
"""
from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path

import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from vilang.errors import Loc, ModelError, SyntaxModelError
from vilang.syntax import ast as A
from vilang.syntax.build import AstBuilder
from vilang.syntax.syntax_messages import explain_unexpected_token


def grammar_text() -> str:
    """The grammar, from the installed package or, in a source checkout, from grammar/."""
    try:
        return resources.files("vilang.grammar").joinpath("vilang.lark").read_text()
    except (ModuleNotFoundError, FileNotFoundError):
        return (Path(__file__).resolve().parents[2] / "grammar" / "vilang.lark").read_text()


@functools.lru_cache(maxsize=1)
def lark_parser() -> lark.Lark:
    return lark.Lark(grammar_text(), parser="lalr", lexer="contextual",
                     maybe_placeholders=True, transformer=AstBuilder(), cache=True)


def parse(text: str, filename: str = "model.vi") -> A.Program:
    """Parse vilang source text into an (unchecked) AST.

    >>> prog = parse("parameters { real mu; } model { mu ~ normal(0, 1); }")
    >>> prog.parameters[0].name
    'mu'

    Raises `vilang.ModelError` (a syntax error located in `filename`) when the text does not parse.
    """
    try:
        program = lark_parser().parse(text)
        program.filename, program.source = filename, text
        return program
    except ModelError as err:
        raise err.with_source(filename, text) from None
    except lark.exceptions.VisitError as err:
        if isinstance(err.orig_exc, ModelError):
            raise err.orig_exc.with_source(filename, text) from None
        if isinstance(err.orig_exc, RecursionError):
            raise too_deep(text, filename) from None
        raise
    except RecursionError:
        raise too_deep(text, filename) from None
    except UnexpectedInput as err:
        raise _syntax_error(err, text).with_source(filename, text) from None


def too_deep(text: str, filename: str) -> SyntaxModelError:
    """Nesting beyond what the parser's recursion allows: a located error, not a crash."""
    return SyntaxModelError(
        "The model is nested too deeply to compile (hundreds of levels of parentheses, "
        "blocks or operators). Split the expression or statement into smaller parts.",
        Loc(1, 0, 1, 1)).with_source(filename, text)


def _syntax_error(err: UnexpectedInput, text: str) -> SyntaxModelError:
    if isinstance(err, UnexpectedCharacters):
        ch = text[err.pos_in_stream] if err.pos_in_stream < len(text) else ""
        loc = Loc(err.line, err.column - 1, err.line, err.column)
        if ch == "#":
            msg = ('"#" comments were removed from Stan in 2.33. Use "//" for a line comment '
                   'or "/* ... */" for a block comment.')
        elif ch == '"':
            msg = ("Unterminated or misplaced string. Strings may only appear in print, reject "
                   "and fatal_error, and must close on the same line.")
        else:
            msg = f"Invalid character found: {ch!r}. It cannot appear in a vilang program."
        return SyntaxModelError(msg, loc, subkind="lexing error")
    if isinstance(err, UnexpectedEOF):
        lines = text.splitlines() or [""]
        loc = Loc(len(lines), len(lines[-1]), len(lines), len(lines[-1]))
        return SyntaxModelError(
            "Unexpected end of input. A block, statement or expression is not finished: "
            'check for a missing "}", ")" or ";".', loc)
    assert isinstance(err, UnexpectedToken)
    tok = err.token
    if tok.type == "$END":
        lines = text.splitlines() or [""]
        loc = Loc(len(lines), len(lines[-1]), len(lines), len(lines[-1]))
    else:
        loc = Loc(tok.line, tok.column - 1, tok.end_line or tok.line,
                  (tok.end_column or tok.column + 1) - 1)
    prev = getattr(err, "token_history", None) or []
    line_text = text.splitlines()[loc.line - 1] if 0 < loc.line <= len(text.splitlines()) else ""
    if re.search(r"<\s*-", line_text[:loc.col + 1]) and "=" not in line_text[:loc.col]:
        return SyntaxModelError('The "<-" assignment was removed in Stan 2.33. Use "=".', loc)
    return SyntaxModelError(explain_unexpected_token(tok, set(err.expected), prev), loc)
