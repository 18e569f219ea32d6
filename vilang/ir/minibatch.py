"""Which terms of the log density are sums over the rows of a data dimension: the analysis
behind minibatch fits (`vilang fit --minibatch N=1000`).

A minibatch kernel sees B sampled rows of every data variable whose leading dimension is
declared with the size N (and of every row-wise transformed data variable), with N itself
set to B.  A statement that adds a sum over rows to the target is multiplied by N / B
(`TargetAdd.scaled`), which makes the minibatch log density, and its gradient, unbiased
estimates of the full ones; every other term (priors, Jacobians) is left as it is.

The analysis gives every IR value a *kind*:

  const   does not depend on the rows (parameters, other data, literals);
  zero    a literal 0 (an accumulator's start);
  count   the size N as a value (N, size(y), rows(X));
  rows    a container whose leading dimension runs over the rows, entry i depending on
          row i only (y, X * beta, exp(y), a[g]);
  index   the variable of a loop `for (n in 1:N)`, good only as an index into rows;
  row     inside such a loop, a value depending on row n only (y[n], f(x[n], theta));
  sum     a scalar sum over rows (a vectorised density over rows, sum(rows), c * N);
  mixed   anything else: it combines rows in a way scaling cannot fix (`why` says how).

A term whose kind is `mixed`, a parameter sized by N, a size that uses N other than as a
leading dimension, row-wise transformed data that mixes rows: each is refused with a located
error naming the statement and the reason, never fitted to a silently wrong posterior.
See docs/minibatch.md.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from vilang.errors import Loc, SemanticError
from vilang.ir import nodes as I
from vilang.syntax import ast as A
from vilang.types import UnsizedType

EIGEN_NDIM = {"int": 0, "real": 0, "vector": 1, "row_vector": 1, "matrix": 2}
DENSITY_SUFFIXES = ("_lpdf", "_lupdf", "_lpmf", "_lupmf", "_lcdf", "_lccdf")
SIZE_OF = {"size", "rows", "num_elements"}
LINEAR = {"add", "subtract", "minus", "plus", "multiply", "divide"}
ROWWISE_MATRIX = {"rows_dot_product", "rows_dot_self", "append_col", "col",
                  "diag_post_multiply", "to_vector", "to_array_1d", "to_int"}
REPEAT = {"rep_vector", "rep_array", "rep_row_vector", "rep_matrix", "ones_vector",
          "zeros_vector", "ones_row_vector", "zeros_row_vector", "ones_array",
          "zeros_array", "ones_int_array", "zeros_int_array"}


@dataclass(frozen=True)
class Kind:
    tag: str
    loop: str = ""              # row / index: the row loop's variable
    why: str = field(default="", compare=False)   # mixed: what mixes the rows


CONST, ZERO, COUNT, ROWS, SUM = (Kind(t) for t in ("const", "zero", "count", "rows", "sum"))


def mixed(why: str) -> Kind:
    return Kind("mixed", why=why)


def join(a: Kind, b: Kind) -> Kind:
    """The kind of a variable that may hold a value of kind a or of kind b."""
    if a == b:
        return a
    for x, y in ((a, b), (b, a)):
        if x.tag == "mixed":
            return x
    for x, y in ((a, b), (b, a)):
        if x == ZERO:
            return y
        if x == CONST:
            return y if y.tag not in ("sum", "count") else mixed(
                "a sum over rows plus a term that does not grow with the rows")
    if {a, b} == {COUNT, SUM}:
        return SUM
    return mixed("combines values of different rows")


@dataclass
class Plan:
    """A minibatch plan: the dimension, what to subsample, and the program with its
    row-summing `target +=` statements marked `scaled`."""

    dim: str
    data_rows: list[str]        # user names of the data variables to subsample
    tdata_rows: list[str]       # ... and of the transformed data
    program: I.Program


def plan(program: I.Program, dim: str) -> Plan:
    """Analyse `program` for minibatches over the data size `dim`; raise `SemanticError`
    (located) when it cannot be subsampled safely, `ValueError` when `dim` is not a size."""
    dims = {name: t for name, _, t in program.data}
    if dim not in dims or dims[dim].kind != "int" or dims[dim].array_dims:
        raise ValueError(f"cannot subsample '{dim}': it is not an int data variable of the "
                         f"model (data variables: {', '.join(dims) or 'none'})")
    program = copy.deepcopy(program)
    analysis = Analysis(dim)
    data_rows = analysis.declare_data(program.data, "data")
    if not data_rows:
        raise ValueError(f"cannot subsample '{dim}': no data variable has it as its leading "
                         f"size (declare them like `vector[{dim}] y;` or "
                         f"`matrix[{dim}, K] X;`)")
    for q in program.parameters:
        analysis.check_parameter(q)
    tdata_rows = analysis.transformed_data(program)
    analysis.model(program.transformed_parameters + program.model)
    return Plan(dim, data_rows, tdata_rows, program)


def unsafe(loc: Loc, dim: str, what: str, hint: str) -> SemanticError:
    return SemanticError(f"Cannot subsample '{dim}': {what}. {hint}", loc)


NOT_A_SUM = ("Minibatches scale sums over rows by {dim} / B; write the term as a sum over "
             "rows (a vectorised distribution of row-indexed data, or a loop over 1:{dim}), "
             "or fit without minibatches.")


class Analysis:
    def __init__(self, dim: str):
        self.dim = dim
        self.env: dict[str, Kind] = {"v_" + dim: COUNT}
        self.row_containers: set[str] = set()   # declared with the leading size dim
        self.declared_in: dict[str, str] = {}   # variable -> row loop it was declared in
        self.fixed: set[str] = set()            # transformed data computed once, up front
        self.loop = ""                          # the row loop we are in ("" outside)
        self.report = True                      # raise on unsafe statements (last pass)
        self.in_tdata = False

    # ------------------------------------------------------------ declarations
    def declare_data(self, entries, block: str) -> list[str]:
        rows = []
        for name, var, t in entries:
            if name == self.dim:
                continue
            leading, others = _sizes(t)
            if any(_mentions(e, self.dim) for e in others) or (
                    leading is not None and _mentions(leading, self.dim)
                    and not _is_var(leading, self.dim)):
                raise unsafe(t.loc, self.dim, f"the {block} variable '{name}' uses "
                             f"'{self.dim}' in a size other than its first",
                             f"Only the leading dimension can be subsampled; a size that "
                             f"must stay {self.dim} cannot.")
            if leading is not None and _is_var(leading, self.dim):
                self.env[var.name] = ROWS
                self.row_containers.add(var.name)
                rows.append(name)
            else:
                self.env[var.name] = CONST
        return rows

    def check_parameter(self, q: I.Parameter):
        t = q.decl_type
        if any(_mentions(e, self.dim) for e in t.sizes + t.array_dims):
            raise unsafe(q.loc, self.dim, f"the parameter '{q.name}' has a size that uses "
                         f"'{self.dim}'",
                         "Per-row parameters (local latent variables) cannot be subsampled: "
                         "each step would update only the sampled rows' values. Fit without "
                         "minibatches, or integrate them out.")
        for op in q.bound_ops:
            if self.op_kind(op) not in (CONST, ZERO):
                raise unsafe(q.loc, self.dim, f"a bound of the parameter '{q.name}' "
                             f"depends on the rows or on '{self.dim}'",
                             f"In a minibatch {self.dim} is the batch size.")
        self.env[q.var.name] = CONST

    def transformed_data(self, program: I.Program) -> list[str]:
        """Row-wise transformed data (declared with the leading size) is computed once, up
        front, on the full data and subsampled like data; the rest is fixed."""
        entries = program.outputs["transformed data"]
        self.declare_data(entries, "transformed data")
        rows = [name for name, var, _ in entries if var.name in self.row_containers]
        self.fixed = {var.name for _, var, _ in entries if var.name not in self.row_containers}
        self.in_tdata = True
        self.passes(program.transformed_data)
        self.in_tdata = False
        for name, var, t in entries:
            kind = self.env.get(var.name, CONST)
            if var.name in self.row_containers and kind.tag == "mixed":
                raise unsafe(t.loc, self.dim, f"the transformed data '{name}' mixes rows "
                             f"({kind.why})",
                             "Minibatches need transformed data that works row by row; "
                             "compute it before fitting and pass it as data.")
            if var.name not in self.row_containers:
                self.env[var.name] = CONST
        self.fixed = set()
        return rows

    def model(self, stmts: list):
        self.passes(stmts)

    def passes(self, stmts: list):
        """Kinds of variables assigned in loops settle after a few passes; only the last
        one reports."""
        self.report = False
        for _ in range(3):
            before = dict(self.env)
            self.block(stmts)
            if self.env == before:
                break
        self.report = True
        self.block(stmts)

    # ------------------------------------------------------------ statements
    def block(self, stmts: list):
        for s in stmts:
            getattr(self, "stmt_" + type(s).__name__, self.stmt_other)(s)

    def ops(self, ops) -> None:
        for op in ops:
            kind = self.op_kind(op)
            if self.in_tdata and kind.tag == "mixed" and _ndim(op.dst.type) == 0:
                kind = CONST    # a summary of the full data (mean(x)), computed once
            self.env[op.dst.name] = kind

    def stmt_other(self, s):
        self.ops(s.ops)

    def stmt_Declare(self, s: I.Declare):
        self.ops(s.ops)
        kinds = [self.kind(x) for x in s.shape]
        if kinds and kinds[0] == COUNT and all(k in (CONST, ZERO) for k in kinds[1:]):
            self.row_containers.add(s.var.name)
            self.env[s.var.name] = ROWS
        elif any(k not in (CONST, ZERO) for k in kinds):
            self.fail(s.loc, f"the size of '{_user(s.var)}' uses '{self.dim}' other than as "
                      "its first size", f"In a minibatch {self.dim} is the batch size.")
            self.env[s.var.name] = mixed(f"'{_user(s.var)}' is sized by {self.dim}")
        else:
            self.env[s.var.name] = CONST
        self.declared_in[s.var.name] = self.loop

    def stmt_Assign(self, s: I.Assign):
        self.ops(s.ops)
        name = s.var.name
        value = self.kind(s.value)
        idx = [self.index_kind(i) for i in s.indices]
        if name in self.fixed and self.declared_in.get(name, "") == "" and not self.loop:
            self.env[name] = CONST
            return
        if name in self.row_containers:
            self.env[name] = self.assign_rows(s, value, idx)
            return
        if self.loop and name in self.declared_in and self.declared_in[name] != self.loop \
                and value.tag == "row":
            self.env[name] = self.accumulate(s, value)
            return
        if isinstance(s.value, I.Const) and s.value.value == 0 and not s.indices:
            value = ZERO
        self.env[name] = join(self.env.get(name, CONST), value) if s.indices else value

    def assign_rows(self, s: I.Assign, value: Kind, idx: list[Kind]) -> Kind:
        old = self.env.get(s.var.name, ROWS)
        if not s.indices:
            return value if value.tag in ("rows", "mixed") else old
        first = idx[0]
        rest_ok = all(k in (CONST, ZERO) or k == Kind("row", self.loop) for k in idx[1:])
        if first == Kind("index", self.loop) and rest_ok and (
                value in (CONST, ZERO) or value == Kind("row", self.loop)):
            return old
        if first.tag == "rows" and value.tag == "rows":
            return old
        return mixed(f"assigns particular rows of '{_user(s.var)}'")

    def accumulate(self, s: I.Assign, value: Kind) -> Kind:
        """`acc += f(row n)` inside the row loop, for an `acc` declared outside it: a sum
        over rows when acc started at zero."""
        name = s.var.name
        ops = {op.dst.name: op for op in s.ops if isinstance(op, I.Op)}
        op = ops.get(getattr(s.value, "name", ""))
        own = op is not None and op.prim in ("add", "subtract") and not s.indices and any(
            isinstance(a, I.Var) and a.name == name for a in op.args)
        if own and self.env.get(name, CONST) in (ZERO, SUM):
            return SUM
        if own:
            return mixed(f"'{_user(s.var)}' adds up rows on top of a starting value that is "
                         "not 0, which scaling would scale too")
        return mixed(f"'{_user(s.var)}' keeps a value of one row outside the loop over rows")

    def stmt_TargetAdd(self, s: I.TargetAdd):
        self.ops(s.ops)
        kind = self.kind(s.value)
        if self.loop:
            ok = kind in (CONST, ZERO) or kind == Kind("row", self.loop)
        else:
            ok = kind.tag in ("const", "zero", "sum", "rows", "count")
            s.scaled = kind.tag in ("sum", "rows", "count")
        if self.loop:
            s.scaled = True
        if not ok:
            why = kind.why if kind.tag == "mixed" else _describe(kind, self.dim)
            self.fail(s.loc, f"this term is not a sum over the rows of '{self.dim}' ({why})",
                      NOT_A_SUM.format(dim=self.dim))

    def stmt_For(self, s: I.For):
        self.ops(s.ops)
        lo, hi = self.kind(s.lo), self.kind(s.hi)
        if hi == COUNT and isinstance(s.lo, I.Const) and s.lo.value == 1:
            if self.loop:
                self.fail(s.loc, "a loop over the rows inside another loop over the rows",
                          "Terms that pair rows cannot be subsampled row by row.")
            self.env[s.var.name] = Kind("index", s.var.name)
            outer, self.loop = self.loop, s.var.name
            self.block(s.body)
            self.loop = outer
            return
        ok = {lo, hi} <= {CONST, ZERO} or (
            self.loop and {lo, hi} <= {CONST, ZERO, Kind("row", self.loop)})
        if not ok:
            self.fail(s.loc, f"a loop over part of the rows of '{self.dim}' or with bounds "
                      f"that depend on them", f"Loop over all of 1:{self.dim}, one row at a "
                      "time, for terms that sum over rows.")
        self.env[s.var.name] = CONST if {lo, hi} <= {CONST, ZERO} else Kind("row", self.loop)
        self.block(s.body)

    def stmt_While(self, s: I.While):
        self.ops(s.cond_ops)
        self.condition(s.loc, self.kind(s.cond))
        self.block(s.body)

    def stmt_If(self, s: I.If):
        self.ops(s.ops)
        self.condition(s.loc, self.kind(s.cond))
        before = dict(self.env)
        self.block(s.then)
        after_then, self.env = self.env, dict(before)
        self.block(s.orelse)
        for name in set(after_then) | set(self.env):
            a = after_then.get(name, self.env.get(name))
            self.env[name] = join(a, self.env.get(name, a))

    def condition(self, loc: Loc, kind: Kind):
        if kind in (CONST, ZERO) or (self.loop and kind == Kind("row", self.loop)):
            return
        self.fail(loc, f"a condition depends on the rows of '{self.dim}' as a whole",
                  "Only conditions on one row (inside a loop over rows) or on parameters "
                  "and other data can be kept under minibatches.")

    def stmt_CallVoid(self, s: I.CallVoid):
        self.ops(s.ops)
        kinds = [self.kind(a) for a in s.args]
        if s.name.endswith("_lp") and (self.loop or any(k not in (CONST, ZERO)
                                                         for k in kinds)):
            self.fail(s.loc, f"'{_fname(s.name)}' adds to the target inside a function, "
                      "with values that depend on the rows",
                      "Move the row terms into the model block, where they can be scaled.")

    def fail(self, loc: Loc, what: str, hint: str):
        if self.report:
            raise unsafe(loc, self.dim, what, hint)

    # ------------------------------------------------------------ values
    def kind(self, x) -> Kind:
        if isinstance(x, I.Var):
            return self.env.get(x.name, CONST)
        return CONST

    def index_kind(self, i) -> Kind:
        if isinstance(i, I.Single):
            return self.kind(i.idx)
        if i.lo is None and i.hi is None:
            return Kind("all")
        ks = [self.kind(b) for b in (i.lo, i.hi) if b is not None]
        return CONST if all(k in (CONST, ZERO) for k in ks) else mixed("a slice")

    def op_kind(self, op) -> Kind:
        if isinstance(op, I.Select):
            self.ops(op.then_ops)
            self.ops(op.else_ops)
            cond = self.kind(op.cond)
            branches = join(self.kind(op.then), self.kind(op.orelse))
            if cond in (CONST, ZERO):
                return branches
            if cond.tag == "row" and branches in (CONST, ZERO, cond):
                return cond
            return mixed("a condition on several rows")
        if op.prim == "index":
            return self.index_op(op)
        kinds = [self.kind(a) for a in op.args]
        moving = [k for k in kinds if k not in (CONST, ZERO)]
        if not moving:
            return CONST
        name = op.prim
        if name in REPEAT:
            return self.repeat_op(op, kinds)
        if any(k.tag == "mixed" for k in moving):
            return next(k for k in moving if k.tag == "mixed")
        if name.startswith("user:") and name.rstrip("~").endswith("_lp"):
            return mixed(f"'{_fname(name)}' adds to the target inside a function")
        if any(k.tag == "index" for k in moving):
            loop = next(k.loop for k in moving if k.tag == "index")
            return mixed(f"the row number '{_user(I.Var(loop, None))}' is used as a value, "
                         "but sampled rows are numbered 1..B")
        loops = {k.loop for k in moving if k.tag == "row"}
        if loops and all(k.tag == "row" for k in moving) and len(loops) == 1:
            return moving[0]
        if op.origin == "reduce_sum":
            return self.reduce_sum_op(op, kinds)
        if all(k.tag == "rows" for k in moving):
            return self.rows_op(op, kinds)
        if all(k.tag in ("count", "sum") for k in moving):
            return self.linear_op(op, kinds)
        return mixed(f"'{_fname(name)}' combines values from different rows")

    def reduce_sum_op(self, op: I.Op, kinds: list[Kind]) -> Kind:
        """reduce_sum(f, x, grainsize, ...), lowered to f(x, 1, size(x), ...): a sum over the
        rows of x by Stan's contract for partial sums (any split adds up to the same), so
        over a batch of x's rows (other row arguments gathered with the same rows)."""
        if kinds[0] == ROWS and kinds[2] == COUNT and all(
                k in (CONST, ZERO, ROWS) for k in kinds[3:]):
            return SUM
        return mixed(f"the partial sums of '{_fname(op.prim)}' do not slice the rows")

    def repeat_op(self, op: I.Op, kinds: list[Kind]) -> Kind:
        """rep_vector(x, N), ones_vector(N), rep_matrix(x, N, K): N copies, one per row."""
        sizes = kinds[1:] if op.prim.startswith("rep_") else kinds
        value = kinds[0] if op.prim.startswith("rep_") else CONST
        if value in (CONST, ZERO) and sizes and sizes[0] == COUNT and all(
                k in (CONST, ZERO) for k in sizes[1:]) and _ndim(op.args[0].type) == 0:
            return ROWS
        if value.tag == "row" and all(k in (CONST, ZERO) for k in sizes):
            return value
        if all(k in (CONST, ZERO) for k in kinds):
            return CONST
        return mixed(f"'{op.prim}' repeats a value {self.dim} times other than once per row")

    def rows_op(self, op: I.Op, kinds: list[Kind]) -> Kind:
        """An op whose non-constant arguments all run over the rows."""
        name = op.prim.rstrip("~")
        base = name[len("user:"):] if name.startswith("user:") else name
        rows_args = [a for a, k in zip(op.args, kinds) if k == ROWS]
        if base.endswith(DENSITY_SUFFIXES):
            return self.density_over_rows(op, base, rows_args)
        if op.origin == "reduce_sum":
            return SUM
        if name == "sum":
            return SUM
        if name in SIZE_OF:
            return COUNT
        if name == "cols":
            return CONST
        if name.startswith("user:"):
            return mixed(f"the function '{_fname(name)}' is given all the rows at once")
        if all(a.type == op.dst.type for a in rows_args) and _elementwise(name, op):
            return ROWS
        if name in ("multiply", "divide", "mdivide_right") and op.args[0] in rows_args and \
                all(k in (CONST, ZERO) for k in kinds[1:]) and \
                (_ndim(op.args[0].type) == 2 or _ndim(op.args[1].type) == 0):
            return ROWS
        if name == "multiply" and len(op.args) == 2 and kinds[0] in (CONST, ZERO) and \
                _ndim(op.args[0].type) == 0:
            return ROWS
        if name in ROWWISE_MATRIX and _leading_rows(op, kinds):
            return ROWS
        return mixed(f"'{_fname(name)}' combines rows")

    def density_over_rows(self, op: I.Op, base: str, rows_args) -> Kind:
        from vilang.runtime import multivariate, univariate
        family = base.rsplit("_", 1)[0]
        if op.prim.startswith("user:"):
            return mixed(f"the density '{_fname(op.prim)}' is given all the rows at once")
        if family in univariate.FAMILIES:
            return SUM
        if family.endswith("_glm") or (family in multivariate.FAMILIES and all(
                a.type.dims >= 1 for a in rows_args)):
            return SUM
        return mixed(f"'{family}' treats the rows as one draw")

    def linear_op(self, op: I.Op, kinds: list[Kind]) -> Kind:
        """Linear arithmetic on sums over rows (N counts as the sum of ones)."""
        name = op.prim
        const = [k in (CONST, ZERO) for k in kinds]
        scalar = all(_ndim(a.type) == 0 for a in op.args)
        if scalar and name in ("minus", "plus"):
            return SUM
        if scalar and name in ("add", "subtract") and all(
                k in (COUNT, SUM, ZERO) for k in kinds):
            return SUM
        if scalar and name == "multiply" and any(const):
            return SUM
        if scalar and name == "divide" and const[1]:
            return SUM
        what = (f"the size '{self.dim}'" if COUNT in kinds else "a sum over rows")
        if name in LINEAR:
            return mixed(f"{what} is combined with a term that does not grow with the rows")
        return mixed(f"{what} is used as a value inside '{_fname(name)}'")

    def index_op(self, op: I.Op) -> Kind:
        base = self.kind(op.args[0])
        idx = [self.index_kind(i) for i in op.indices]
        movers = [k for k in idx if k not in (CONST, ZERO, Kind("all"))]
        user = _user(op.args[0])
        if base.tag == "mixed":
            return base
        if base == ROWS:
            first = idx[0] if idx else Kind("all")
            rest = idx[1:]
            if first.tag == "index" and all(k in (CONST, ZERO, Kind("all")) or
                                            k == Kind("row", first.loop) for k in rest):
                return Kind("row", first.loop)
            if first == Kind("all") and all(k in (CONST, ZERO, Kind("all")) for k in rest):
                return ROWS
            if first.tag == "row" and len(set(k.loop for k in movers)) == 1:
                return mixed(f"'{user}' is indexed by a value of another row")
            return mixed(f"picks particular rows of '{user}'")
        if base.tag == "row":
            if all(k in (CONST, ZERO, Kind("all"), base) for k in idx):
                return base
            return mixed(f"'{user}' is indexed by values of other rows")
        if base.tag in ("count", "sum", "index"):
            return mixed("indexes a value that is not a container")
        # a container that does not depend on the rows
        if not movers:
            return CONST
        if any(k.tag == "index" for k in movers):
            return mixed(f"'{user}' is indexed by the row number (sampled rows are "
                         "numbered 1..B)")
        loops = {k.loop for k in movers if k.tag == "row"}
        if all(k.tag == "row" for k in movers) and len(loops) == 1:
            return movers[0]
        if isinstance(op.indices[0], I.Single) and idx[0] == ROWS and all(
                k in (CONST, ZERO, Kind("all")) for k in idx[1:]):
            return ROWS
        return mixed(f"'{user}' is indexed by values from several rows")


# ---------------------------------------------------------------- helpers
def _sizes(t: A.SizedType):
    """(leading size expression or None, the other size expressions) of a declared type."""
    sizes = list(t.array_dims) + list(t.sizes)
    if not sizes:
        return None, []
    return sizes[0], sizes[1:]


def _is_var(e, name: str) -> bool:
    return isinstance(e, A.Var) and e.name == name


def _mentions(e, name: str) -> bool:
    """Does the expression `e` read the variable `name`?"""
    if isinstance(e, A.Var):
        return e.name == name
    if isinstance(e, (list, tuple)):
        return any(_mentions(x, name) for x in e)
    if hasattr(e, "__dataclass_fields__"):
        return any(_mentions(getattr(e, f), name) for f in e.__dataclass_fields__
                   if f not in ("ty", "loc"))
    return False


def _ndim(t: UnsizedType) -> int:
    return t.dims + EIGEN_NDIM[t.base]


def _user(x) -> str:
    name = getattr(x, "name", "")
    return name[2:] if name.startswith("v_") else "an expression"


def _fname(prim: str) -> str:
    """The name a user wrote: `foo` for a user function, `normal_lpdf` for `normal_lupdf`."""
    name = prim[len("user:"):].rstrip("~") if prim.startswith("user:") else prim
    return name.replace("_lupdf", "_lpdf").replace("_lupmf", "_lpmf")


def _describe(kind: Kind, dim: str) -> str:
    return {"row": "a value of one row outside the loop over rows",
            "index": "the row number itself",
            "count": f"the size '{dim}'"}.get(kind.tag, "it depends on the rows")


_ELEMENTWISE: set[str] = set()


def _elementwise(name: str, op: I.Op) -> bool:
    """Arithmetic and Stan's vectorised functions, entry by entry."""
    if not _ELEMENTWISE:
        from vilang.typecheck.library import functions as F
        vectorised = set(F.UNARY_VECTORISED + F.BINARY_VECTORISED + F.INT_BINARY_VECTORISED)
        for group, sigs in F.GROUPS:
            if vectorised & set(sigs) or sigs in (F.INT_REAL_VECTORISED,
                                                  F.REAL_INT_VECTORISED):
                _ELEMENTWISE.update(group.split())
        _ELEMENTWISE.update({"add", "subtract", "elt_multiply", "elt_divide", "elt_pow",
                             "minus", "plus", "fma", "if_else", "step", "int_step",
                             "logical_negation"})
    if name in ("multiply", "divide"):
        return all(_ndim(a.type) == 0 for a in op.args if a.type != op.dst.type)
    return name in _ELEMENTWISE


def _leading_rows(op: I.Op, kinds: list[Kind]) -> bool:
    """Row-wise matrix functions: rows in, rows out, row i from row i."""
    name = op.prim
    if name in ("to_vector", "to_array_1d", "to_int"):
        return _ndim(op.args[0].type) == 1
    if name == "col":
        return kinds[0] == ROWS and kinds[1] in (CONST, ZERO)
    if name == "diag_post_multiply":
        return kinds[0] == ROWS and kinds[1] in (CONST, ZERO)
    return all(k in (ROWS, CONST, ZERO) for k in kinds) and kinds[0] == ROWS
