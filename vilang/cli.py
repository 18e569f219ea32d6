"""The `vilang` command line: check, compile.

Every error a user can cause is printed as a located message on stderr with exit code 1;
nothing the user types produces a Python traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vilang.errors import InternalCompilerError, ModelError

EXIT_OK, EXIT_MODEL_ERROR, EXIT_INTERNAL = 0, 1, 3


def build_arg_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vilang", description="Compile and fit vilang models.")
    sub = p.add_subparsers(dest="command", required=True)
    chk = sub.add_parser("check", help="parse and type-check a model")
    chk.add_argument("model", help="path to a .vi file")
    comp = sub.add_parser("compile", help="compile a model; --emit prints a stage")
    comp.add_argument("model", help="path to a .vi file")
    comp.add_argument("--emit", choices=["ast", "ir", "py"],
                      help="print a compiler stage: the checked AST, the IR with its gradient, "
                           "or the generated Python source")
    return p


def read_model(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError as err:
        raise UsageError(f"cannot read model file '{path}': {err.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"model file '{path}' is not UTF-8 text") from None


class UsageError(Exception):
    """A problem with the command line itself (a missing file, say)."""


def run_check(args) -> int:
    from vilang.driver import check_file
    checked = check_file(args.model, read_model(args.model))
    for w in checked.warnings:
        print(w, file=sys.stderr)
    return EXIT_OK


def run_compile(args) -> int:
    from vilang import driver
    text = read_model(args.model)
    checked = driver.check_file(args.model, text)
    for w in checked.warnings:
        print(w, file=sys.stderr)
    if args.emit == "ast":
        from vilang.syntax.printer import print_program
        sys.stdout.write(print_program(checked.program, annotate_types=True))
    elif args.emit == "ir":
        sys.stdout.write(driver.ir_text(checked))
    else:
        model = driver.compile_checked(checked, text, args.model)
        if args.emit == "py":
            sys.stdout.write(model.source)
        else:
            print(f"compiled {args.model} -> {model.module.__file__}", file=sys.stderr)
    return EXIT_OK


COMMANDS = {"check": run_check, "compile": run_compile}


def main(argv: list[str] | None = None) -> int:
    args = build_arg_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ModelError as err:
        print(err, file=sys.stderr, end="")
        return EXIT_MODEL_ERROR
    except UsageError as err:
        print(f"vilang: error: {err}", file=sys.stderr)
        return EXIT_MODEL_ERROR
    except KeyboardInterrupt:
        print("vilang: interrupted", file=sys.stderr)
        return 130
    except RecursionError:
        print("vilang: error: the model is nested too deeply to compile "
              "(expressions or blocks nested hundreds of levels).", file=sys.stderr)
        return EXIT_MODEL_ERROR
    except Exception as err:  # noqa: BLE001 - the last line of defence against tracebacks
        print(InternalCompilerError(f"{type(err).__name__}: {err}"), file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
