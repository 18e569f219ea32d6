"""Checked AST -> IR (`vilang.ir.nodes`).

Expressions are flattened into ops with fresh temporaries (A-normal form); statements keep their
structure.  User identifiers are mangled (`mu` -> `v_mu`) so no model text becomes Python
syntax; the code generator emits literals with `repr`.

Activity (can a value depend on the parameters?) is decided here: parameters and transformed
parameters are active; a local variable is active when any assignment to it may be active
(found by iterating to a fixed point over its block); an op is active when any of its operands
is, unless its result is an int.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from vilang.typecheck import signatures as S
from vilang.typecheck.checker import CheckedProgram
from vilang.errors import InternalCompilerError
from vilang.ir import nodes as I
from vilang.syntax import ast as A
from vilang.types import INT, REAL, UnsizedType

VALUE_BLOCKS = ("transformed data", "generated quantities")   # no adjoints here
ODE_SOLVERS = tuple(f"integrate_ode_{m}" for m in ("rk45", "bdf", "adams")) + tuple(
    f"ode_{m}{tol}" for m in ("rk45", "bdf", "adams", "ckrk") for tol in ("", "_tol"))


def mangle(name: str) -> str:
    return "v_" + name


def transform_kind(t: A.SizedType) -> str:
    """The constraint transform of a declared type: "identity", "lower", "simplex", ..."""
    if t.kind in A.CONSTRAINED_VECTORS + A.CONSTRAINED_MATRICES:
        return t.kind
    c = t.constraint
    if c is None or c.is_empty():
        return "identity"
    if c.lower is not None and c.upper is not None:
        return "lower_upper"
    if c.lower is not None:
        return "lower"
    if c.upper is not None:
        return "upper"
    return "offset_multiplier"


def constraint_bounds(t: A.SizedType) -> tuple:
    """The bound expressions of a declared type, in the transform's argument order."""
    c = t.constraint
    kind = transform_kind(t)
    if kind == "lower":
        return (c.lower,)
    if kind == "upper":
        return (c.upper,)
    if kind == "lower_upper":
        return (c.lower, c.upper)
    if kind == "offset_multiplier":
        return (c.offset if c.offset is not None else A.IntLit("0", ty=INT, data_only=True),
                c.multiplier if c.multiplier is not None else A.IntLit("1", ty=INT,
                                                                       data_only=True))
    return ()


@dataclass
class Scope:
    """Maps user names to IR variables while lowering one kernel."""

    vars: dict[str, I.Var] = field(default_factory=dict)


class Lowerer:
    def __init__(self, checked: CheckedProgram):
        self.checked = checked
        self.counter = 0
        self.vars: dict[str, I.Var] = {}
        self.active_names: set[str] = set()
        self.block = ""
        self.user_functions = set(checked.functions)

    # ------------------------------------------------------------ helpers
    def temp(self, ty: UnsizedType, active: bool) -> I.Var:
        self.counter += 1
        return I.Var(f"t{self.counter}", ty, active and ty.base != "int")

    def emit(self, ops: list, prim: str, args, ty, active, loc, indices=()) -> I.Var:
        dst = self.temp(ty, active)
        ops.append(I.Op(dst, prim, tuple(args), tuple(indices), loc=loc))
        return dst

    def declare_var(self, name: str, ty: UnsizedType, active: bool) -> I.Var:
        var = I.Var(mangle(name), ty, active and ty.base != "int")
        self.vars[name] = var
        return var

    # ------------------------------------------------------------ expressions
    def expr(self, e: A.Expr, ops: list) -> I.Operand:
        return getattr(self, "expr_" + type(e).__name__)(e, ops)

    def expr_IntLit(self, e, ops):
        return I.Const(e.value, INT)

    def expr_RealLit(self, e, ops):
        return I.Const(e.value, REAL)

    def expr_Var(self, e, ops):
        try:
            return self.vars[e.name]
        except KeyError:
            raise InternalCompilerError(f"unknown variable {e.name} in lowering") from None

    def _call(self, name: str, args: list[I.Operand], ty, loc, ops) -> I.Var:
        active = any(isinstance(a, I.Var) and a.active for a in args)
        if name.endswith("_rng"):
            active = False
        return self.emit(ops, name, args, ty, active, loc)

    def builtin_name(self, name: str, args: list[A.Expr]) -> str:
        """The implementing function chosen by overload resolution (operators may borrow)."""
        m = S.resolve(name, [S.ArgInfo(a.ty, bool(a.data_only)) for a in args])
        if not isinstance(m, S.Match):
            raise InternalCompilerError(f"call to {name} did not resolve in lowering")
        return m.name

    def expr_Binary(self, e, ops):
        if e.op in ("&&", "||"):
            return self.short_circuit(e, ops)
        name = self.builtin_name(S.operator_function(e.op, 2), [e.left, e.right])
        args = [self.expr(e.left, ops), self.expr(e.right, ops)]
        return self._call(name, args, e.ty, e.loc, ops)

    def short_circuit(self, e, ops):
        """`a && b` is `a ? (b != 0) : 0` and `a || b` is `a ? 1 : (b != 0)`: b is evaluated
        only when needed, as in Stan."""
        left = self.expr(e.left, ops)
        right_ops: list = []
        right = self.expr(e.right, right_ops)
        truth = self.emit(right_ops, "logical_neq", [right, I.Const(0, INT)], INT, False, e.loc)
        dst = self.temp(INT, False)
        if e.op == "&&":
            ops.append(I.Select(dst, left, tuple(right_ops), truth, (), I.Const(0, INT), e.loc))
        else:
            ops.append(I.Select(dst, left, (), I.Const(1, INT), tuple(right_ops), truth, e.loc))
        return dst

    def expr_Unary(self, e, ops):
        name = self.builtin_name(S.operator_function(e.op, 1), [e.operand])
        return self._call(name, [self.expr(e.operand, ops)], e.ty, e.loc, ops)

    def expr_Transpose(self, e, ops):
        return self._call("transpose", [self.expr(e.operand, ops)], e.ty, e.loc, ops)

    def expr_Ternary(self, e, ops):
        cond = self.expr(e.cond, ops)
        then_ops, else_ops = [], []
        then = self.expr(e.then, then_ops)
        orelse = self.expr(e.orelse, else_ops)
        dst = self.temp(e.ty, is_active(then) or is_active(orelse))
        ops.append(I.Select(dst, cond, tuple(then_ops), then, tuple(else_ops), orelse, e.loc))
        return dst

    def expr_Call(self, e, ops):
        if e.name in ("reduce_sum", "reduce_sum_static"):
            return self.reduce_sum(e, ops)
        if e.name in ODE_SOLVERS:
            args = [self.expr(a, ops) for a in e.args[1:]]
            return self._call(f"ode:{e.name}:{e.args[0].name}", args, e.ty, e.loc, ops)
        if e.name == "target" and not e.args:
            # The value accumulated so far; it carries no derivative (used for printing).
            return self.emit(ops, "target_value", [], REAL, False, e.loc)
        args = [self.expr(a, ops) if a.ty.base != "function" else
                I.Const(0, a.ty) for a in e.args]
        lp_name = e.name.replace("_lupdf", "_lpdf").replace("_lupmf", "_lpmf")
        if e.name in self.user_functions or lp_name in self.user_functions:
            suffix = "~" if lp_name != e.name else ""
            return self._call("user:" + lp_name + suffix, args, e.ty, e.loc, ops)
        name = self.builtin_name(e.name, list(e.args))
        return self._call(name, args, e.ty, e.loc, ops)

    def reduce_sum(self, e, ops):
        """`reduce_sum(f, x, grainsize, args...)` is `f(x, 1, size(x), args...)`: the sum of
        the partial sums over any split of x equals the one partial sum over all of x."""
        fn = e.args[0].name
        lp_name = fn.replace("_lupdf", "_lpdf").replace("_lupmf", "_lpmf")
        suffix = "~" if lp_name != fn else ""
        x = self.expr(e.args[1], ops)
        n = self._call("size", [x], INT, e.loc, ops)
        rest = [self.expr(a, ops) for a in e.args[3:]]
        out = self._call("user:" + lp_name + suffix, [x, I.Const(1, INT), n] + rest, e.ty,
                         e.loc, ops)
        ops[-1] = replace(ops[-1], origin="reduce_sum")
        return out

    def expr_Indexed(self, e, ops):
        base = self.expr(e.base, ops)
        indices = tuple(self.index(i, ops) for i in e.indices)
        active = isinstance(base, I.Var) and base.active
        return self.emit(ops, "index", [base], e.ty, active, e.loc, indices)

    def index(self, i, ops) -> I.IndexSpec:
        if isinstance(i, A.Single):
            return I.Single(self.expr(i.idx, ops))
        lo = self.expr(i.lo, ops) if i.lo is not None else None
        hi = self.expr(i.hi, ops) if i.hi is not None else None
        return I.Slice(lo, hi)

    def expr_ArrayExpr(self, e, ops):
        items = [self.expr(i, ops) for i in e.items]
        return self._call("array_literal", items, e.ty, e.loc, ops)

    def expr_RowVectorExpr(self, e, ops):
        items = [self.expr(i, ops) for i in e.items]
        prim = "row_vector_literal" if e.ty.base == "row_vector" else "matrix_literal"
        return self._call(prim, items, e.ty, e.loc, ops)


    # ------------------------------------------------------------ statements
    def stmts(self, stmts, out: list) -> list:
        for s in stmts:
            getattr(self, "stmt_" + type(s).__name__)(s, out)
        return out

    def body(self, s: A.Stmt) -> list:
        return self.stmts(s.stmts if isinstance(s, A.Block) else [s], [])

    def stmt_Block(self, s, out):
        self.stmts(s.stmts, out)

    def stmt_Profile(self, s, out):
        self.stmts(s.body.stmts, out)

    def stmt_Skip(self, s, out):
        pass

    def stmt_VarDecl(self, s: A.VarDecl, out):
        ops: list = []
        shape = self.shape(s.type, ops)
        active = s.name in self.active_names
        var = self.declare_var(s.name, s.type.unsized, active)
        out.append(I.Declare(var, shape, loc=s.loc, ops=ops))
        if s.init is not None:
            init_ops: list = []
            value = self.expr(s.init, init_ops)
            out.append(I.Assign(var, (), value, loc=s.loc, ops=init_ops))

    def shape(self, t: A.SizedType, ops) -> tuple:
        sizes = tuple(t.array_dims) + tuple(t.sizes)
        if t.kind in ("cholesky_factor_corr", "corr_matrix", "cov_matrix") or (
                t.kind == "cholesky_factor_cov" and len(t.sizes) == 1):
            sizes = tuple(t.array_dims) + (t.sizes[0], t.sizes[0])
        return tuple(self.expr(e, ops) for e in sizes)

    def stmt_Assign(self, s: A.Assign, out):
        ops: list = []
        root = s.lhs
        while isinstance(root, A.Indexed):
            root = root.base
        var = self.vars[root.name]
        indices = self.lhs_indices(s.lhs, ops)
        value = self.expr(s.rhs, ops)
        if s.op != "=":
            current = self.expr(s.lhs, ops)
            op = s.op[:-1]
            name = self.builtin_name(S.operator_function(op, 2), [s.lhs, s.rhs])
            value = self._call(name, [current, value], s.lhs.ty, s.loc, ops)
        out.append(I.Assign(var, indices, value, loc=s.loc, ops=ops))

    def lhs_indices(self, lhs: A.Expr, ops) -> tuple:
        """Indices of an assignment target; `x[i][j]` is flattened to `x[i, j]`."""
        chain = []
        while isinstance(lhs, A.Indexed):
            chain.insert(0, lhs.indices)
            lhs = lhs.base
        if len(chain) > 1 and any(not isinstance(i, A.Single) for idx in chain[:-1] for i in idx):
            raise InternalCompilerError("sliced then indexed assignment target")
        return tuple(self.index(i, ops) for idx in chain for i in idx)

    def stmt_Tilde(self, s: A.Tilde, out):
        ops: list = []
        lhs = self.expr(s.lhs, ops)
        args = [lhs] + [self.expr(a, ops) for a in s.args]
        name = self.density_name(s.dist, s.lhs, "_lupdf")
        lp = self._call(name, args, REAL, s.loc, ops)
        out.append(I.TargetAdd(lp, loc=s.loc, ops=ops))
        t = s.truncation
        if t is not None and (t.lo is not None or t.hi is not None):
            self.truncation(s, lhs, args[1:], out)

    def density_name(self, dist: str, lhs: A.Expr, suffix: str) -> str:
        discrete = lhs.ty.base == "int"
        for cand in ([dist + "_lpmf", dist + "_lpdf"] if discrete else
                     [dist + "_lpdf", dist + "_lpmf"]):
            if cand in self.user_functions:
                return "user:" + cand + ("~" if suffix == "_lupdf" else "")
            if S.is_builtin_function(cand):
                return cand.replace("_lp", "_lup") if suffix == "_lupdf" else cand
        raise InternalCompilerError(f"no density for {dist}")

    def truncation(self, s: A.Tilde, y, params, out):
        """`T[L, U]`: -inf outside [L, U]; subtract the log of the mass inside."""
        t = s.truncation
        ops: list = []
        discrete = s.lhs.ty.base == "int"
        lo = self.expr(t.lo, ops) if t.lo is not None else None
        hi = self.expr(t.hi, ops) if t.hi is not None else None
        user = (s.dist + "_lcdf") in self.user_functions or (
            s.dist + "_lccdf") in self.user_functions
        prefix = ("user:" if user else "") + s.dist
        check_args = [y, lo if lo is not None else I.Const(float("-inf"), REAL),
                      hi if hi is not None else I.Const(float("inf"), REAL)]
        outside = self._call("truncation_outside", check_args, REAL, s.loc, ops)
        out.append(I.TargetAdd(outside, loc=s.loc, ops=ops))
        ops = []
        if lo is not None and discrete:
            lo = self._call("subtract", [lo, I.Const(1, INT)], INT, s.loc, ops)
        if lo is not None and hi is not None:
            upper = self._call(prefix + "_lcdf", [hi] + params, REAL, s.loc, ops)
            lower = self._call(prefix + "_lcdf", [lo] + params, REAL, s.loc, ops)
            mass = self._call("log_diff_exp", [upper, lower], REAL, s.loc, ops)
        elif lo is not None:
            mass = self._call(prefix + "_lccdf", [lo] + params, REAL, s.loc, ops)
        else:
            mass = self._call(prefix + "_lcdf", [hi] + params, REAL, s.loc, ops)
        n = self._call("truncation_count", [y], REAL, s.loc, ops)
        scaled = self._call("multiply", [n, mass], REAL, s.loc, ops)
        neg = self._call("minus", [scaled], REAL, s.loc, ops)
        out.append(I.TargetAdd(neg, loc=s.loc, ops=ops))

    def stmt_TargetPlus(self, s, out):
        ops: list = []
        value = self.expr(s.expr, ops)
        out.append(I.TargetAdd(value, loc=s.loc, ops=ops))

    def stmt_JacobianPlus(self, s, out):
        ops: list = []
        value = self.expr(s.expr, ops)
        out.append(I.TargetAdd(value, jacobian=True, loc=s.loc, ops=ops))

    def stmt_For(self, s: A.For, out):
        ops: list = []
        lo, hi = self.expr(s.lo, ops), self.expr(s.hi, ops)
        var = self.declare_var(s.var, INT, False)
        out.append(I.For(var, lo, hi, self.body(s.body), loc=s.loc, ops=ops))

    def stmt_ForEach(self, s: A.ForEach, out):
        """`for (x in c)` is a loop over an index; arrays by element, matrices column-major."""
        ops: list = []
        container = self.expr(s.container, ops)
        ty = s.container.ty
        elem_ty = ty.element() if ty.dims else REAL
        idx = self.temp(INT, False)
        n = self._call("num_elements" if not ty.dims else "size", [container], INT, s.loc, ops)
        elem = self.declare_var(s.var, elem_ty, is_active(container))
        prim = "index" if ty.dims or ty.base != "matrix" else "colmajor_element"
        # the element goes through a temporary: the reverse sweep saves the variable's old
        # value after the statement's ops and before the store, so the ops must not write it
        value = self.temp(elem_ty, elem.active)
        get = I.Op(value, prim, (container,), (I.Single(idx),), loc=s.loc)
        body = [I.Assign(elem, (), value, loc=s.loc, ops=[get])] + self.body(s.body)
        out.append(I.For(idx, I.Const(1, INT), n, body, loc=s.loc, ops=ops))

    def stmt_While(self, s: A.While, out):
        cond_ops: list = []
        cond = self.expr(s.cond, cond_ops)
        out.append(I.While(cond_ops, cond, self.body(s.body), loc=s.loc))

    def stmt_If(self, s: A.If, out):
        ops: list = []
        cond = self.expr(s.cond, ops)
        orelse = self.body(s.orelse) if s.orelse is not None else []
        out.append(I.If(cond, self.body(s.then), orelse, loc=s.loc, ops=ops))

    def stmt_Break(self, s, out):
        out.append(I.Break(loc=s.loc))

    def stmt_Continue(self, s, out):
        out.append(I.Continue(loc=s.loc))

    def stmt_Return(self, s, out):
        ops: list = []
        value = self.expr(s.value, ops) if s.value is not None else None
        out.append(I.Return(value, loc=s.loc, ops=ops))

    def stmt_Print(self, s: A.Print, out):
        ops: list = []
        args = tuple(a.text if isinstance(a, A.StringLit) else self.expr(a, ops)
                     for a in s.args)
        out.append(I.Print(s.kind, args, loc=s.loc, ops=ops))

    def stmt_CallStmt(self, s: A.CallStmt, out):
        ops: list = []
        args = tuple(self.expr(a, ops) for a in s.args)
        name = ("user:" + s.name) if s.name in self.user_functions else s.name
        out.append(I.CallVoid(name, args, loc=s.loc, ops=ops))


def is_active(v) -> bool:
    return isinstance(v, I.Var) and v.active


# ---------------------------------------------------------------- activity analysis
def assignments(stmts):
    """(assigned name, expressions its value depends on) for every assignment in `stmts`."""
    for s in stmts:
        if isinstance(s, A.VarDecl) and s.init is not None:
            yield s.name, [s.init]
        elif isinstance(s, A.Assign):
            root = s.lhs
            while isinstance(root, A.Indexed):
                root = root.base
            yield root.name, [s.rhs, s.lhs] if s.op != "=" else [s.rhs]
        elif isinstance(s, A.ForEach):
            yield s.var, [s.container]
            yield from assignments([s.body])
        elif isinstance(s, (A.For, A.While)):
            yield from assignments([s.body])
        elif isinstance(s, A.If):
            yield from assignments([s.then] + ([s.orelse] if s.orelse else []))
        elif isinstance(s, A.Block):
            yield from assignments(s.stmts)
        elif isinstance(s, A.Profile):
            yield from assignments(s.body.stmts)


def expr_names(e) -> set[str]:
    """Variable names in an expression, plus "target()" when it reads the target."""
    from vilang.typecheck.checker import walk_vars
    names = set(walk_vars(e))
    if _reads_target(e):
        names.add("target()")
    return names


def _reads_target(e) -> bool:
    if isinstance(e, A.Call) and e.name == "target":
        return True
    return any(_reads_target(v) for v in _children(e))


def _children(e):
    for value in vars(e).values():
        if isinstance(value, A.Expr):
            yield value
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, A.Expr):
                    yield item
                elif isinstance(item, A.Single):
                    yield item.idx
                elif isinstance(item, A.Slice):
                    yield from (b for b in (item.lo, item.hi) if b is not None)


def active_names(stmts, seed: set[str]) -> set[str]:
    """Names of variables that may depend on parameters, by fixed-point iteration."""
    active = set(seed) | {"target()"}
    pairs = [(name, set().union(*(expr_names(e) for e in exprs)))
             for name, exprs in assignments(stmts)]
    changed = True
    while changed:
        changed = False
        for name, deps in pairs:
            if name not in active and deps & active:
                active.add(name)
                changed = True
    return active


# ---------------------------------------------------------------- program
def lower(checked: CheckedProgram) -> I.Program:
    """Lower a checked program to IR."""
    return ProgramLowerer(checked).program()


class ProgramLowerer(Lowerer):
    def program(self) -> I.Program:
        p = self.checked.program
        self.output_shapes = {}
        functions = [self.function(d) for d in (p.functions or ()) if d.body is not None]
        self.active_names = set()
        data, data_checks = self.data_block(p.data or ())
        tdata = self.value_block(p.transformed_data or (), "transformed data")
        outputs = {"transformed data": self.declared(p.transformed_data or ())}
        params = [self.parameter(d) for d in (p.parameters or ())]
        param_names = {d.name for d in p.parameters or ()}
        tp_src = p.transformed_parameters or ()
        self.active_names = active_names(tp_src, param_names | {d.name for d in tp_src
                                                               if isinstance(d, A.VarDecl)})
        tp = self.stmts(tp_src, []) + self.constraint_checks(tp_src)
        outputs["transformed parameters"] = self.declared(tp_src)
        self.active_names = active_names(p.model or (), self.active_names)
        model = self.stmts(p.model or (), [])
        gq_src = p.generated_quantities or ()
        self.active_names = set()
        gq = self.value_block(gq_src, "generated quantities") + self.constraint_checks(gq_src)
        outputs["generated quantities"] = self.declared(gq_src)
        outputs["parameters"] = [(q.name, q.var, q.decl_type) for q in params]
        for q in params:
            self.record_shape(q.name, q.decl_type)
        return I.Program(data, data_checks, tdata, params, tp, model, gq, functions, outputs,
                         self.output_shapes)

    def declared(self, stmts) -> list:
        """(name, var, type) of the top-level declarations of a block: its outputs."""
        out = [(s.name, self.vars[s.name], s.type) for s in stmts if isinstance(s, A.VarDecl)]
        for name, _, t in out:
            self.record_shape(name, t)
        return out

    def record_shape(self, name: str, t: A.SizedType):
        """Ops computing an output's shape from data alone (for naming outputs)."""
        ops: list = []
        self.output_shapes[name] = (ops, self.shape(t, ops))

    def data_block(self, decls):
        data, checks = [], []
        for d in decls:
            var = self.declare_var(d.name, d.type.unsized, False)
            data.append((d.name, var, d.type))
            checks.extend(self.checked_decl(d, var))
        return data, checks

    def checked_decl(self, d: A.VarDecl, var: I.Var) -> list:
        """A Declare carrying the expected shape, and a constraint check when there is one."""
        ops: list = []
        shape = self.shape(d.type, ops)
        out = [I.Declare(var, shape, kind=transform_kind(d.type), loc=d.loc, ops=ops)]
        if transform_kind(d.type) != "identity":
            out.extend(self.constraint_check(d, var))
        return out

    def constraint_check(self, d: A.VarDecl, var: I.Var) -> list:
        ops: list = []
        bounds = tuple(self.expr(b, ops) for b in constraint_bounds(d.type))
        return [I.CheckConstraint(var, transform_kind(d.type), bounds, d.name, loc=d.loc,
                                  ops=ops)]

    def constraint_checks(self, stmts) -> list:
        out = []
        for s in stmts:
            if isinstance(s, A.VarDecl) and transform_kind(s.type) not in (
                    "identity", "offset_multiplier"):
                out.extend(self.constraint_check(s, self.vars[s.name]))
        return out

    def value_block(self, stmts, name: str) -> list:
        self.block = name
        out = self.stmts(stmts, [])
        if name == "transformed data":
            out += self.constraint_checks(stmts)
        return out

    def parameter(self, d: A.VarDecl) -> I.Parameter:
        ops: list = []
        shape = self.shape(d.type, ops)
        bounds = tuple(self.expr(b, ops) for b in constraint_bounds(d.type))
        var = self.declare_var(d.name, d.type.unsized, True)
        return I.Parameter(d.name, var, shape, transform_kind(d.type), bounds, ops, d.type,
                           loc=d.loc)

    def function(self, d: A.FunDef) -> I.Function:
        saved = self.vars
        self.vars = {}
        args = tuple(self.declare_var(a.name, a.type, a.type.base != "int") for a in d.args)
        self.active_names = active_names([d.body], {a.name for a in d.args})
        body = self.stmts(d.body.stmts, [])
        self.vars = saved
        overloads = self.checked.functions[d.name]
        suffix = "" if len(overloads) == 1 else "_" + "_".join(
            str(a.type).replace("[", "").replace("]", "").replace(",", "").replace(" ", "")
            for a in d.args)
        return I.Function("f_" + d.name + suffix, d.name, args, d.return_type, body)
