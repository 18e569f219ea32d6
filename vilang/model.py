"""Compiled models and models bound to data, with BridgeStan's method names.

    >>> import vilang
    >>> model = vilang.compile("examples/eight_schools/eight_schools.vi")     # doctest: +SKIP
    >>> bm = model.bind("examples/eight_schools/data.json")                  # doctest: +SKIP
    >>> lp, grad = bm.log_density_gradient(np.zeros(bm.param_unc_num()))     # doctest: +SKIP

The raw numba kernels are `bm.kernels`; see docs/kernels.md for calling them from your own
`@numba.njit` code.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from vilang.codegen.cache import load_module, model_key
from vilang.codegen.kernels import GeneratedModule, ModuleBuilder
from vilang.errors import ModelError
from vilang.io.data import DataError, chunks, convert
from vilang.io.sources import infer_sizes, read_data
from vilang.ir.lower import lower
from vilang.ir.optimize import optimize
from vilang.syntax.parser import parse
from vilang.typecheck.checker import CheckedProgram, check


class DomainError(Exception):
    """A log density could not be evaluated at a point (reject, a failed constraint, a bad
    argument to a distribution); `.message` says why and where."""


def compile(path=None, *, code: str | None = None, filename: str | None = None):  # noqa: A001
    """Compile a model from a `.vi` file or from `code`; returns a `CompiledModel`.

    Raises `vilang.ModelError` for syntax and semantic errors.
    """
    if code is None:
        if path is None:
            raise TypeError("give a path to a .vi file or code=...")
        code = Path(path).read_text()
        filename = filename or str(path)
    filename = filename or "model.vi"
    checked = check(parse(code, filename=filename), filename=filename, source=code)
    return CompiledModel(checked, code, filename)


class CompiledModel:
    """A checked, lowered and code-generated model; `bind(data)` gives a `BoundModel`."""

    def __init__(self, checked: CheckedProgram, code: str, filename: str):
        self.checked = checked
        self.code_text = code
        self.filename = filename
        self.name = Path(filename).stem
        self.ir = optimize(lower(checked))
        try:
            self.generated: GeneratedModule = ModuleBuilder(self.ir, filename, code).build()
        except ModelError as err:
            raise err.with_source(filename, code) from None
        self.key = model_key(code)
        self.module = load_module(self.key, self.generated.source)
        self._minibatch: dict[str, MinibatchKernels] = {}

    @property
    def source(self) -> str:
        """The generated Python source."""
        return self.generated.source

    def minibatch_kernels(self, dim: str) -> "MinibatchKernels":
        """The log density and gradient over B sampled rows of the data size `dim`, with
        the terms that sum over rows scaled by dim / B (vilang/ir/minibatch.py).  Raises
        `ModelError` naming the statement when the model cannot be subsampled safely."""
        cached = self._minibatch.get(dim)
        if cached is None:
            from vilang.ir.minibatch import plan
            try:
                mb_plan = plan(self.ir, dim)
                generated = ModuleBuilder(mb_plan.program, self.filename, self.code_text,
                                          minibatch=mb_plan).build()
            except ModelError as err:
                raise err.with_source(self.filename, self.code_text) from None
            module = load_module(model_key(self.code_text + "\0minibatch\0" + dim),
                                 generated.source)
            cached = self._minibatch[dim] = MinibatchKernels(mb_plan, generated, module)
        return cached

    def bind(self, data=None, seed: int = 0) -> "BoundModel":
        """Bind data: a dict (values may be numpy arrays or memory maps), a path (Stan JSON,
        .npz, .npy, .csv, .parquet, or a directory of one file per variable), a list of those
        (merged), or None for a model without data. See docs/data.md."""
        return BoundModel(self, data, seed)

    def fit(self, data=None, **kwargs):
        from vilang.infer.api import fit
        return fit(self.bind(data), **kwargs)


@dataclass
class MinibatchKernels:
    plan: object                # vilang.ir.minibatch.Plan
    generated: GeneratedModule
    module: object              # log_density, log_density_grad, gather_rows


@dataclass
class OutputVar:
    block: str
    name: str
    shape: tuple


class BoundModel:
    """A model with its data: BridgeStan's interface over the compiled kernels."""

    def __init__(self, model: CompiledModel, data, seed: int = 0):
        self.model = model
        self.last_error: str | None = None
        self._data_checked = False     # see _err
        source = read_data(data)
        infer_sizes(source, model.ir.data)
        self._data_notes = {n: e.note for n, e in source.entries.items() if e.note}
        self.data = self._convert(source)
        self._validate()
        err = np.zeros(2, np.int64)
        self.tdata = model.module.transformed_data(self.data, seed, err)
        if err[0] != 0:
            raise DataError("transformed data failed: " + self._site_message(err[0]))
        self.outputs = self._outputs()
        self.kernels = SimpleNamespace(
            log_density=model.module.log_density,
            log_density_grad=model.module.log_density_grad,
            write_array=model.module.write_array,
            data=self.data, tdata=self.tdata)

    # ------------------------------------------------------------ data
    def _convert(self, source) -> tuple:
        """The data tuple the kernels take, from a `vilang.io.sources.DataSet`."""
        values = []
        for name, var, _ in self.model.ir.data:
            if name not in source.entries:
                raise DataError(source.missing_message(name, var.type))
            try:
                values.append(convert(name, source.value(name, var.type), var.type))
            except DataError as err:
                raise self._noted(err, name) from None
        return tuple(values)

    def _noted(self, err: DataError, name: str) -> DataError:
        """`err` with where the variable was read from ("read from 'd.csv'"), if a file."""
        note = self._data_notes.get(name)
        return DataError(f"{err} ({note})") if note else err

    def _validate(self):
        problem = self.model.module.validate_data(self.data)
        if problem is None:
            return
        kind, name, expected, actual = problem
        if kind == "shape":
            raise self._noted(DataError(f"data variable '{name}': expected shape "
                                        f"{_dims(expected)}, got {_dims(actual)}"), name)
        value = self.data[[n for n, _, _ in self.model.ir.data].index(name)]
        raise self._noted(DataError(constraint_message(name, expected, actual, value)), name)

    def site_message(self, code: int) -> str:
        """The reason and model line of a failure code a kernel left in err[0]."""
        return self._site_message(code)

    def _site_message(self, code: int) -> str:
        return site_message(self.model.filename, self.model.generated.sites, code)

    # ------------------------------------------------------------ shapes and names
    def _outputs(self) -> list[OutputVar]:
        err = np.zeros(2, np.int64)
        sizes = list(self.model.module.output_sizes(self.data, self.tdata, err))
        out, shape = [], []
        names = iter(self.model.generated.output_names)
        for s in sizes:
            if s == -1:
                block, name, _ = next(names)
                out.append(OutputVar(block, name, tuple(shape)))
                shape = []
            else:
                shape.append(int(s))
        return out

    def _selected(self, include_tp: bool, include_gq: bool):
        keep = {"parameters"} | ({"transformed parameters"} if include_tp else set()) | (
            {"generated quantities"} if include_gq else set())
        return [o for o in self.outputs if o.block in keep]

    def param_num(self, include_tp: bool = False, include_gq: bool = False) -> int:
        return sum(int(np.prod(o.shape, dtype=np.int64)) for o in
                   self._selected(include_tp, include_gq))

    def param_names(self, include_tp: bool = False, include_gq: bool = False) -> list[str]:
        names = []
        for o in self._selected(include_tp, include_gq):
            names.extend(element_names(o.name, o.shape))
        return names

    def param_unc_num(self) -> int:
        return len(self.param_unc_names())

    def param_unc_names(self) -> list[str]:
        return self._unc_names

    @property
    def _unc_names(self) -> list[str]:
        from vilang.codegen.params import ELEMENTWISE
        names = []
        for q in self.model.ir.parameters:
            o = next(o for o in self.outputs if o.name == q.name and o.block == "parameters")
            if q.transform in ELEMENTWISE:
                names.extend(unc_order_names(q.name, o.shape, q.var.type.base == "matrix"))
            else:
                names.extend(f"{q.name}.{k + 1}" for k in range(self._unc_size(q, o.shape)))
        return names

    def _unc_size(self, q, shape) -> int:
        from vilang.runtime.transforms import TRANSFORMS
        dims = q.var.type.dims
        own = shape[dims:]
        count = int(np.prod(shape[:dims], dtype=np.int64)) if dims else 1
        return count * TRANSFORMS[q.transform].unc_size(*own)

    # ------------------------------------------------------------ densities
    def log_density(self, theta_unc, propto: bool = True, jacobian: bool = True) -> float:
        """The log density at unconstrained `theta_unc`; -inf (with `last_error` set) where it
        cannot be evaluated."""
        theta = self._theta(theta_unc)
        err = self._err()
        lp = self.model.module.log_density(theta, self.data, self.tdata, bool(propto),
                                           bool(jacobian), err)
        return self._finish(lp, err)

    def log_density_gradient(self, theta_unc, propto: bool = True, jacobian: bool = True):
        """(log density, gradient) at unconstrained `theta_unc`."""
        theta = self._theta(theta_unc)
        grad = np.zeros(theta.shape[0])
        err = self._err()
        lp = self.model.module.log_density_grad(theta, self.data, self.tdata, bool(propto),
                                                bool(jacobian), grad, err)
        return self._finish(lp, err), grad

    def _theta(self, theta_unc) -> np.ndarray:
        theta = np.ascontiguousarray(theta_unc, dtype=np.float64)
        n = self.param_unc_num()
        if theta.shape != (n,):
            raise ValueError(f"expected {n} unconstrained parameters, got shape {theta.shape}")
        return theta

    def _err(self) -> np.ndarray:
        """The kernels' error slots: err[1] = 1 once an evaluation has passed the argument
        checks that depend on the data alone (a GLM's x), which then need not run again."""
        err = np.zeros(2, np.int64)
        err[1] = int(self._data_checked)
        return err

    def _finish(self, lp: float, err) -> float:
        if err[0] == 0:
            self._data_checked = True
        if err[0] < 0:
            raise DomainError(self._site_message(err[0]))
        if err[0] > 0:
            self.last_error = self._site_message(err[0])
            return -np.inf
        self.last_error = None
        if np.isnan(lp):
            self.last_error = "the log density is NaN at this point"
            return -np.inf
        return float(lp)

    # ------------------------------------------------------------ constrain / unconstrain
    def param_constrain(self, theta_unc, include_tp: bool = False, include_gq: bool = False,
                        seed: int | None = None) -> np.ndarray:
        theta = self._theta(theta_unc)
        out = np.zeros(self.param_num(include_tp, include_gq))
        err = np.zeros(2, np.int64)
        self.model.module.write_array(theta, self.data, self.tdata, bool(include_tp),
                                      bool(include_gq), -1 if seed is None else int(seed),
                                      out, err)
        if err[0] != 0:
            raise DomainError(self._site_message(err[0]))
        return out

    def param_unconstrain(self, theta) -> np.ndarray:
        """Unconstrained values of constrained parameters given flat in `param_names()` order."""
        from vilang.codegen.params import ELEMENTWISE
        from vilang.runtime.transforms import TRANSFORMS
        theta = np.asarray(theta, dtype=np.float64)
        out, pos = [], 0
        for q in self.model.ir.parameters:
            o = next(o for o in self.outputs if o.name == q.name and o.block == "parameters")
            size = int(np.prod(o.shape, dtype=np.int64))
            value = theta[pos:pos + size].reshape(o.shape[::-1]).T if o.shape else theta[pos]
            pos += size
            out.append(self._unconstrain_one(q, np.asarray(value, dtype=np.float64), o.shape))
        return np.concatenate(out) if out else np.zeros(0)

    def _unconstrain_one(self, q, value, shape):
        from vilang.codegen.params import ELEMENTWISE
        from vilang.runtime import support
        from vilang.runtime.transforms import TRANSFORMS
        if q.transform == "identity":
            return unc_order(value, q.var.type.base == "matrix")
        t = TRANSFORMS[q.transform]
        bounds = self._bounds(q, value)
        if q.transform in ELEMENTWISE:
            flat = unc_order(value, q.var.type.base == "matrix")
            if not t.check(flat, *bounds):
                raise ValueError(f"parameter '{q.name}' {t.description}")
            out = np.empty(flat.shape[0])
            t.unconstrain(flat, *bounds, out)
            return out
        dims = q.var.type.dims
        elems = np.ascontiguousarray(value).reshape((-1,) + tuple(shape[dims:]))
        parts = []
        for e in elems:
            e = np.ascontiguousarray(e)
            if not t.check(e):
                raise ValueError(f"parameter '{q.name}' {t.description}")
            out = np.empty(t.unc_size(*shape[dims:]))
            t.unconstrain(e, out)
            parts.append(out)
        return np.concatenate(parts) if parts else np.zeros(0)

    def _bounds(self, q, value):
        """Bounds of an elementwise-constrained parameter (data-only bounds; bounds that
        depend on other parameters are evaluated by constraining a trial point)."""
        raise_if = [b for b in q.bounds if getattr(b, "active", False)]
        if raise_if:
            raise ValueError(f"param_unconstrain: the bounds of '{q.name}' depend on other "
                             "parameters; unconstrain them first")
        vals = []
        for b in q.bounds:
            v = b.value if hasattr(b, "value") and not hasattr(b, "name") else None
            if v is None:
                v = self._global_value(b.name)
            arr = np.asarray(v, dtype=np.float64)
            vals.append(np.full(1, float(arr)) if arr.ndim == 0 else
                        unc_order(arr, q.var.type.base == "matrix"))
        return vals

    def _global_value(self, name: str):
        for (user, var, _), value in zip(self.model.ir.data, self.data):
            if var.name == name:
                return value
        for (user, var, _), value in zip(self.model.ir.outputs["transformed data"],
                                         self.tdata):
            if var.name == name:
                return value
        raise ValueError(f"cannot evaluate a bound expression ({name}) outside the model")


def site_message(filename: str, sites: list, code: int) -> str:
    """The reason and model line of failure code `code` of a generated module's `sites`."""
    site = sites[abs(int(code)) - 1]
    where = f"'{filename}', line {site.loc.line}" if site.loc else ""
    return f"{site.message} (in {where})" if where else site.message


def unc_order(value: np.ndarray, matrix: bool) -> np.ndarray:
    if matrix:
        from vilang.runtime.support import unc_order as f
        return f(np.ascontiguousarray(value, dtype=np.float64))
    return np.ascontiguousarray(value, dtype=np.float64).reshape(-1)


def element_names(name: str, shape: tuple) -> list[str]:
    """Stan's names in column-major order: beta[1,1], beta[2,1], ..."""
    if not shape:
        return [name]
    names = []
    for flat in np.ndindex(*shape[::-1]):
        pos = flat[::-1]
        names.append(f"{name}[{','.join(str(i + 1) for i in pos)}]")
    return names


def unc_order_names(name: str, shape: tuple, matrix: bool) -> list[str]:
    """Names of unconstrained elements: arrays row-major, matrices column-major."""
    if not shape:
        return [name]
    names = []
    if matrix:
        outer = shape[:-2]
        for o in np.ndindex(*outer) if outer else [()]:
            for j in range(shape[-1]):
                for i in range(shape[-2]):
                    names.append(f"{name}[{','.join(str(x + 1) for x in o + (i, j))}]")
        return names
    for pos in np.ndindex(*shape):
        names.append(f"{name}[{','.join(str(i + 1) for i in pos)}]")
    return names


def constraint_message(name: str, kind: str, bounds: tuple, value) -> str:
    """'data variable 'y': y[2] = 2 is above its upper bound 1' and the like: the first
    element out of bounds in Stan's (column-major) order."""
    from vilang.runtime.transforms import TRANSFORMS
    if kind in ("lower", "upper", "lower_upper"):
        lo = bounds[0] if kind in ("lower", "lower_upper") else -np.inf
        hi = bounds[-1] if kind in ("upper", "lower_upper") else np.inf
        found = _first_out_of_bounds(np.asarray(value), lo, hi)
        if found is not None:
            index, x, a, b = found
            label = f"{name}[{','.join(str(i + 1) for i in index)}]" if index else name
            if x < a:
                return f"data variable '{name}': {label} = {x:g} is below its lower bound {a:g}"
            return f"data variable '{name}': {label} = {x:g} is above its upper bound {b:g}"
    return f"data variable '{name}' {TRANSFORMS[kind].description}"


def _first_out_of_bounds(arr: np.ndarray, lo, hi):
    """(index, value, lower, upper) of the first element outside [lo, hi] in column-major
    order, or None. Works through `arr` in slices (vilang.io.data.CHUNK elements) so a large
    array costs no full-size temporaries; bounds are scalars or arrays of arr's shape."""
    arr = np.ascontiguousarray(arr)
    los, his = (_flat_bound(b, arr.shape) for b in (lo, hi))
    best = None
    for start, chunk in chunks(arr):
        stop = start + chunk.shape[0]
        a, b = (x if np.ndim(x) == 0 else x[start:stop] for x in (los, his))
        x = chunk.astype(np.float64, copy=False)
        bad = np.flatnonzero((x < a) | (x > b))
        if bad.size == 0:
            continue
        rank = bad + start
        if arr.ndim > 1:      # storage order is row-major; Stan's order is column-major
            rank = np.ravel_multi_index(np.unravel_index(rank, arr.shape)[::-1],
                                        arr.shape[::-1])
        k = int(bad[np.argmin(rank)])
        if best is None or rank.min() < best[0]:
            best = (int(rank.min()), start + k, float(x[k]),
                    float(a if np.ndim(a) == 0 else a[k]), float(b if np.ndim(b) == 0 else b[k]))
    if best is None:
        return None
    _, flat, x, a, b = best
    index = tuple(int(i) for i in np.unravel_index(flat, arr.shape)) if arr.ndim else ()
    return index, x, a, b


def _flat_bound(bound, shape):
    """A bound as a float (scalar bound) or a flat float64 array of `shape`'s size."""
    b = np.asarray(bound, dtype=np.float64)
    if b.ndim == 0:
        return float(b)
    return np.ascontiguousarray(np.broadcast_to(b, shape)).reshape(-1)


def _dims(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ")" if shape else "scalar"
