"""The whole compiler in one place: parse -> check -> lower -> differentiate -> generate.

Each stage is a function from one program representation to the next; the driver runs them in
order and stops at the first error.  `vilang compile --emit ast|ir|py` prints a stage.
"""
from __future__ import annotations

from vilang.typecheck.checker import CheckedProgram, check
from vilang.syntax.parser import parse


def check_file(filename: str, text: str) -> CheckedProgram:
    """Parse and check `text` (the contents of `filename`)."""
    return check(parse(text, filename=filename), filename=filename, source=text)


def ir_text(checked: CheckedProgram) -> str:
    """The lowered IR, with the gradient program of transformed parameters + model."""
    from vilang.autodiff.reverse import differentiate
    from vilang.ir.lower import lower
    from vilang.ir.optimize import optimize
    from vilang.ir.printer import program_text
    program = optimize(lower(checked))
    return program_text(program, differentiate(program.transformed_parameters + program.model))


def compile_checked(checked: CheckedProgram, text: str, filename: str):
    """Lower, differentiate and generate kernels for a checked program (cached on disk)."""
    from vilang.model import CompiledModel
    return CompiledModel(checked, text, filename)
