"""The whole compiler in one place: parse -> check (-> lower -> differentiate -> generate).

Each stage is a function from one program representation to the next; the driver runs them in
order and stops at the first error.
"""
from __future__ import annotations

from vilang.typecheck.checker import CheckedProgram, check
from vilang.syntax.parser import parse


def check_file(filename: str, text: str) -> CheckedProgram:
    """Parse and check `text` (the contents of `filename`)."""
    return check(parse(text, filename=filename), filename=filename, source=text)
