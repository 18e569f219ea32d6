"""The `vilang` command line: check, compile, fit.

Every error a user can cause is printed as a located message on stderr with exit code 1;
nothing the user types produces a Python traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vilang.errors import InternalCompilerError, ModelError

EXIT_OK, EXIT_MODEL_ERROR, EXIT_FIT_FAILED, EXIT_INTERNAL = 0, 1, 2, 3


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
    add_fit_parser(sub)
    return p


def add_fit_parser(sub) -> None:
    fit = sub.add_parser(
        "fit", help="fit a model by ADVI and write its draws (docs/advi.md)",
        description="Fit a model by automatic differentiation variational inference. Writes "
                    "the draws as a CmdStan CSV and q with the ELBO trace as JSON beside it, "
                    "prints a summary, why the fit stopped and the Pareto-k diagnostic. Exit "
                    "codes: 0 fitted, 1 model or data error, 2 the fit failed.")
    fit.add_argument("model", help="path to a .vi file")
    fit.add_argument("--data", action="append",
                     help="data: Stan JSON, .npz, .npy, .csv or .parquet file, or a directory "
                          "of one file per variable; repeat to combine several (docs/data.md; "
                          "omit for a model without data)")
    fit.add_argument("--algorithm", choices=["meanfield", "fullrank"], default="meanfield",
                     help="variational family (default: meanfield)")
    fit.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    fit.add_argument("--iter", type=_nonneg, default=None,
                     help="most iterations after the step-size search (default: 10000; "
                          "50000 with --minibatch)")
    fit.add_argument("--draws", type=_nonneg, default=1000,
                     help="draws from the fitted q (default: 1000)")
    fit.add_argument("--init", help="JSON file of initial values (constrained scale); "
                                    "missing parameters start uniform(-2, 2) unconstrained")
    fit.add_argument("--output", help="CSV file for the draws (default: <model>-fit.csv); "
                                      "q and the ELBO trace go to the same name with .json")
    fit.add_argument("--threads", type=_positive, default=None,
                     help="threads for the kernels and the draws (default: every core; "
                          "results do not depend on it)")
    fit.add_argument("--force", action="store_true", help="overwrite existing output files")
    fit.add_argument("--optimizer", choices=["adagrad", "stan", "adam"], default="adagrad",
                     help="step-size sequence: adagrad (Stan's, in q's own units; default), "
                          "stan (Stan's exactly) or adam")
    fit.add_argument("--eta", type=float, help="step-size scale (default: Stan's search over "
                                               "100, 10, 1, 0.1, 0.01)")
    fit.add_argument("--grad-samples", type=_positive, default=1,
                     help="draws per gradient estimate (default: 1)")
    fit.add_argument("--tol", type=float, default=None,
                     help="stopping tolerance, in posterior sds (default: 0.1; 0.05 with "
                          "--minibatch; docs/advi.md)")
    fit.add_argument("--quiet", action="store_true", help="no progress bar")
    fit.add_argument("--minibatch", metavar="N=B", type=_minibatch,
                     help="fit on B rows of the data size N per iteration, scaling the terms "
                          "that sum over rows by N / B (docs/minibatch.md)")


def _minibatch(text: str) -> dict:
    """`N=1000` -> {"N": 1000}."""
    name, _, size = text.partition("=")
    if not name.strip().isidentifier() or not size.strip().isdigit() or int(size) < 1:
        raise argparse.ArgumentTypeError(f"expected NAME=SIZE, like N=1000, not '{text}'")
    return {name.strip(): int(size)}


def _nonneg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {value}")
    return value


def _positive(text: str) -> int:
    value = _nonneg(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


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


def run_fit(args) -> int:
    """`vilang fit`: compile, bind, fit, write the CSV and JSON, print the summary."""
    import time

    from vilang import driver
    from vilang.infer.advi import FitError
    from vilang.infer.api import fit as advi_fit
    from vilang.io.data import DataError
    from vilang.io.output import OutputExistsError, check_writable

    model_path = Path(args.model)
    csv_path = Path(args.output) if args.output else Path(f"{model_path.stem}-fit.csv")
    json_path = csv_path.with_suffix(".json")
    try:
        for path in (csv_path, json_path):
            check_writable(path, args.force)
    except OutputExistsError as err:
        raise UsageError(str(err)) from None
    text = read_model(args.model)
    t0 = time.perf_counter()
    checked = driver.check_file(args.model, text)
    for w in checked.warnings:
        print(w, file=sys.stderr)
    model = driver.compile_checked(checked, text, args.model)
    try:
        bm = model.bind(args.data)             # None, or the list of --data sources
    except DataError as err:
        print(f"vilang: data error: {err}", file=sys.stderr)
        return EXIT_MODEL_ERROR
    t_compile = time.perf_counter() - t0
    try:
        fit = advi_fit(bm, algorithm=args.algorithm, seed=args.seed, iter=args.iter,
                       draws=args.draws, init=args.init, threads=args.threads,
                       optimizer=args.optimizer, eta=args.eta,
                       grad_samples=args.grad_samples, tol=args.tol,
                       progress=None if not args.quiet else False, minibatch=args.minibatch)
    except DataError as err:
        print(f"vilang: error in the initial values: {err}", file=sys.stderr)
        return EXIT_MODEL_ERROR
    except ValueError as err:
        raise UsageError(str(err)) from None
    except FitError as err:
        print(f"vilang: {err}", file=sys.stderr)
        return EXIT_FIT_FAILED
    t0 = time.perf_counter()
    data_file = ", ".join(args.data or [])
    fit.to_csv(csv_path, force=args.force, data_file=data_file, model_file=str(model_path))
    fit.to_json(json_path, force=args.force)
    t_write = time.perf_counter() - t0
    print(fit.summary_text(max_rows=60))
    print()
    print(f"Stopped: {fit.stop_reason}")
    print(f"Diagnostic: {fit.diagnostic}")
    for note in fit.notes:
        print(f"Note: {note}")
    print(f"Wrote {fit.num_draws} draws to {csv_path} and q with the ELBO trace to "
          f"{json_path}.")
    t = fit.timing
    print(f"Time: compile or cache load {t_compile + t['compile']:.2f} s (model "
          f"{t_compile:.2f} s, ADVI kernels {t['compile']:.2f} s), fit {t['fit']:.2f} s, "
          f"draws and generated quantities {t['draws']:.2f} s, writing {t_write:.2f} s.")
    return EXIT_OK


COMMANDS = {"check": run_check, "compile": run_compile, "fit": run_fit}


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
