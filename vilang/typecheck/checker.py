"""The checker: a parsed Program in, a CheckedProgram out (every expression typed), or the
first SemanticError.

It walks blocks in order with one symbol table, enforcing Stan's rules: declare before use, no
shadowing, what may be assigned where, where `~`/`target +=`/`_rng` may appear, the types of
every assignment, operator and call, sizes that depend only on data, constraints that fit their
type, and that non-void functions return on every path.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from vilang.typecheck import signatures as S
from vilang.typecheck.expressions import DENSITY_SUFFIXES, ExprChecker, match_user, suffix_of
from vilang.typecheck.scope import (ARGUMENT, LOCAL, LOOP, FunctionTable, FunSig, Scopes, VarInfo,
                                did_you_mean)
from vilang.errors import Loc, ModelError, ModelWarning, SemanticError
from vilang.syntax import ast as A
from vilang.syntax.syntax_messages import RESERVED
from vilang.types import INT, REAL, VOID, UnsizedType, promotes_to

DATA_BLOCKS = ("data", "transformed data")
DECLARATION_ONLY_BLOCKS = ("data", "parameters")


@dataclass
class CheckedProgram:
    """A program whose every expression carries its type, plus the global symbols."""

    program: A.Program
    globals: dict[str, VarInfo]
    functions: dict[str, list[FunSig]]
    warnings: list[ModelWarning] = field(default_factory=list)
    filename: str = "model.vi"
    source: str | None = None

    def variables(self, block: str) -> list[VarInfo]:
        """Global variables declared in `block`, in declaration order."""
        return [v for v in self.globals.values() if v.origin == block]


def check(program, filename: str | None = None, source: str | None = None) -> CheckedProgram:
    """Check a parsed program (or source text, which is parsed first).

    Raises `vilang.ModelError` located in `filename` for the first problem found.
    """
    from vilang.syntax.parser import parse
    if isinstance(program, str):
        source = program
        program = parse(program, filename=filename or "model.vi")
    filename = filename or program.filename
    source = source if source is not None else program.source
    checker = Checker(filename, source)
    try:
        return checker.program(program)
    except ModelError as err:
        raise err.with_source(filename, source) from None
    except RecursionError:
        raise SemanticError(
            "The model is nested too deeply to check (hundreds of levels of calls, loops or "
            "blocks). Split it into smaller parts.", Loc(1, 0, 1, 1)).with_source(
                filename, source) from None


class Checker(ExprChecker):
    def __init__(self, filename: str, source: str | None):
        self.filename, self.source = filename, source
        self.scopes = Scopes()
        self.functions = FunctionTable()
        self.warnings: list[ModelWarning] = []
        self.block = "functions"
        self.function: FunSig | None = None
        self.loop_depth = 0

    def warn(self, message: str, loc: Loc):
        self.warnings.append(ModelWarning(message, loc, self.filename, self.source))

    # ------------------------------------------------------------ program
    def program(self, prog: A.Program) -> CheckedProgram:
        out = A.Program(filename=prog.filename, source=prog.source)
        if prog.functions is not None:
            out.functions = self.functions_block(prog.functions)
        for attr, name in zip(A.BLOCK_FIELDS[1:], A.BLOCK_NAMES[1:]):
            stmts = getattr(prog, attr)
            if stmts is None:
                continue
            self.block = name
            if name == "model":          # model-block variables are local to it
                self.scopes.push()
            setattr(out, attr, tuple(self.top_stmt(s) for s in stmts))
            if name == "model":
                self.scopes.pop()
        globals_ = {n: v for n, v in self.scopes.levels[0].items()}
        return CheckedProgram(out, globals_, dict(self.functions.by_name), self.warnings,
                              self.filename, self.source)

    def top_stmt(self, s: A.Stmt) -> A.Stmt:
        if isinstance(s, A.VarDecl):
            return self.var_decl(s, top_level=True)
        if self.block in DECLARATION_ONLY_BLOCKS:
            raise SemanticError(f"The {self.block} block may contain only declarations.", s.loc)
        return self.stmt(s)

    # ------------------------------------------------------------ functions
    def functions_block(self, defs) -> tuple[A.FunDef, ...]:
        for d in defs:
            self.declare_function(d)
        checked = tuple(self.function_def(d) for d in defs)
        for name, sigs in self.functions.by_name.items():
            for sig in sigs:
                if not sig.defined:
                    raise SemanticError(
                        f'Function "{name}" is declared but never defined. Give it a body.',
                        sig.loc)
        return checked

    def declare_function(self, d: A.FunDef):
        self.check_new_name(d.name, d.name_loc, function=True)
        suffix = suffix_of(d.name)
        if suffix in DENSITY_SUFFIXES:
            want = INT if suffix in ("_lpmf", "_lupmf") else None
            first = d.args[0].type if d.args else None
            if first is None or (want == INT and first.base != "int") or (
                    want is None and first.base == "int"):
                kind = "int" if want == INT else "real (not int)"
                raise SemanticError(
                    f'Probability functions with suffix {suffix} must have a first argument '
                    f"of {kind} type: the variate.", d.loc)
            if d.return_type != REAL:
                raise SemanticError(
                    f"Probability functions with suffix {suffix} must return real.", d.loc)
        if suffix in ("_lcdf", "_lccdf", "_cdf") and (not d.args or d.return_type != REAL):
            raise SemanticError(
                f"Functions with suffix {suffix} take the variate as their first argument and "
                "return real.", d.loc)
        if suffix in ("_lupdf", "_lupmf"):
            raise SemanticError(
                f'Define "{d.name.replace("_lup", "_lp")}" instead: the _lupdf/_lupmf form of a '
                "user-defined density is available automatically.", d.name_loc)
        for a in d.args:
            self.check_identifier(a.name, a.loc)
        existing = self.functions.by_name.setdefault(d.name, [])
        for sig in existing:
            if sig.arg_types() == tuple(a.type for a in d.args):
                if sig.return_type != d.return_type:
                    raise SemanticError(
                        f'Function "{d.name}" was declared before with the same arguments but '
                        f"return type {sig.return_type}.", d.loc)
                if sig.defined and d.body is not None:
                    raise SemanticError(
                        f'Function "{d.name}" is already defined with these argument types. '
                        "Overloads must differ in their argument types.", d.name_loc)
                sig.defined = sig.defined or d.body is not None
                return
        existing.append(FunSig(d.name, d.return_type, d.args, d.loc, d.body is not None))

    def function_def(self, d: A.FunDef) -> A.FunDef:
        if d.body is None:
            return d
        sig = next(s for s in self.functions.get(d.name)
                   if s.arg_types() == tuple(a.type for a in d.args))
        self.function, self.block = sig, "functions"
        self.scopes.push()
        for a in d.args:
            if self.scopes.lookup(a.name):
                raise SemanticError(f'Identifier "{a.name}" is already in use.', a.loc)
            self.scopes.declare(VarInfo(a.name, a.type, ARGUMENT,
                                        a.data_only or a.type.base == "int", a.loc))
        body = self.block_stmt(d.body)
        self.scopes.pop()
        self.function = None
        if d.return_type != VOID and not returns(body):
            raise SemanticError(
                f'Function "{d.name}" is declared to return {d.return_type}, but not every '
                "path through its body ends in a return statement (or reject/fatal_error).",
                d.loc)
        return replace(d, body=body)

    # ------------------------------------------------------------ declarations
    def check_identifier(self, name: str, loc: Loc):
        if name in RESERVED:
            raise SemanticError(
                f'Identifier "{name}" clashes with a reserved word. Choose another name.', loc)
        if name.endswith("__"):
            raise SemanticError(
                f'Identifier "{name}" ends in "__", which is reserved for the compiler.', loc)

    def check_new_name(self, name: str, loc: Loc, function: bool = False):
        self.check_identifier(name, loc)
        if self.scopes.lookup(name) is not None:
            raise SemanticError(f'Identifier "{name}" is already in use.', loc)
        if not function and name in self.functions:
            raise SemanticError(
                f'Identifier "{name}" is already in use as the name of a function.', loc)
        if function and S.is_builtin_function(name):
            raise SemanticError(
                f'Identifier "{name}" clashes with the built-in function of that name. '
                "Choose another name.", loc)

    def var_decl(self, d: A.VarDecl, top_level: bool = False) -> A.VarDecl:
        """A declaration; `top_level` declarations outside the model block are globals."""
        top_level = top_level and self.block != "model"
        self.check_new_name(d.name, d.name_loc)
        t = self.sized_type(d.type, top_level)
        unsized = t.unsized
        origin = self.block if top_level else LOCAL
        if self.block in ("parameters", "transformed parameters") and top_level and (
                unsized.base == "int"):
            raise SemanticError(
                f"{self.block.capitalize()} cannot be integers: \"{d.name}\" is declared int. "
                "Use real, or move it to data or generated quantities.", d.loc)
        init = None
        if d.init is not None:
            if self.block in DECLARATION_ONLY_BLOCKS:
                raise SemanticError(
                    f"Variables in the {self.block} block cannot be given a value when they "
                    "are declared.", d.init.loc)
            init = self.expr(d.init)
            self.check_assignable(unsized, init, d.init.loc)
        data_only = self.block in DATA_BLOCKS or self.block == "generated quantities" or (
            unsized.base == "int")
        if self.block == "functions":
            data_only = unsized.base == "int"
        self.scopes.declare(VarInfo(d.name, unsized, origin, data_only, d.name_loc,
                                    d, block=self.block))
        return replace(d, type=t, init=init)

    def sized_type(self, t: A.SizedType, top_level: bool) -> A.SizedType:
        what = "top-level size declarations" if top_level else "sizes"
        if t.kind in A.CONSTRAINED_MATRICES and t.kind != "cholesky_factor_cov" and (
                len(t.sizes) > 1):
            raise SemanticError(
                f"{t.kind} takes one size (it is square): write {t.kind}[K].", t.loc)
        sizes = tuple(self.size_expr(e, top_level, what) for e in t.sizes)
        dims = tuple(self.size_expr(e, top_level, what) for e in t.array_dims)
        constraint = t.constraint
        if not top_level and t.kind in A.CONSTRAINED_VECTORS + A.CONSTRAINED_MATRICES:
            raise SemanticError(
                f"Local variables cannot have constrained types like {t.kind}. Declare it as "
                f"{t.unsized.base} instead.", t.loc)
        if constraint is not None:
            if not top_level:
                raise SemanticError(
                    "Local variables cannot have constraints (lower=, upper=, offset=, "
                    "multiplier=). Remove the <...>.", constraint.loc)
            constraint = self.constraint(t, constraint)
        return replace(t, sizes=sizes, array_dims=dims, constraint=constraint)

    def size_expr(self, e: A.Expr, top_level: bool, what: str) -> A.Expr:
        e = self.expect_int(e, "A container size")
        if top_level and self.block not in DATA_BLOCKS:
            bad = non_data_variable(e, self.scopes)
            if bad is not None:
                raise SemanticError(
                    f'Non-data variables are not allowed in {what}: "{bad}" is declared in '
                    "the " + self.scopes.lookup(bad).origin + " block (sizes must be "
                    "expressions of data and transformed data).", e.loc)
        return e

    def constraint(self, t: A.SizedType, c: A.Constraint) -> A.Constraint:
        kind = t.kind
        if kind == "int" and (c.offset is not None or c.multiplier is not None):
            raise SemanticError(
                "int variables cannot have offset= or multiplier=; only lower= and upper=.",
                c.loc)
        elem = UnsizedType(t.unsized.base)   # the type a container-valued bound must have
        out = {}
        for key in ("lower", "upper", "offset", "multiplier"):
            b = getattr(c, key)
            if b is None:
                continue
            b = self.expr(b)
            ok_scalar = b.ty == INT if kind == "int" else promotes_to(b.ty, REAL)
            ok_container = elem.base != "int" and elem.base != "real" and (
                b.ty == elem or b.ty == t.unsized)
            ok_array = t.array_dims and b.ty.dims and promotes_to(b.ty, t.unsized)
            if not (ok_scalar or ok_container or ok_array):
                want = "int" if kind == "int" else (
                "real" if t.unsized == REAL else f"real or {t.unsized}")
                raise SemanticError(
                    f"The {key} bound of a variable of type {t.unsized} must be {want}; found "
                    f"{b.ty}.", b.loc)
            if self.block in DATA_BLOCKS and not b.data_only:
                raise SemanticError(f"Bounds of data must be data-only; {key} is not.", b.loc)
            out[key] = b
        return replace(c, **out)

    # ------------------------------------------------------------ statements
    def stmt(self, s: A.Stmt) -> A.Stmt:
        return getattr(self, "stmt_" + type(s).__name__)(s)

    def block_stmt(self, b: A.Block) -> A.Block:
        self.scopes.push()
        stmts = tuple(self.stmt(s) for s in b.stmts)
        self.scopes.pop()
        return replace(b, stmts=stmts)

    def body(self, s: A.Stmt) -> A.Stmt:
        """A loop or branch body gets its own scope even when it is a single statement."""
        self.scopes.push()
        out = self.stmt(s)
        self.scopes.pop()
        return out

    stmt_Block = block_stmt

    def stmt_VarDecl(self, d: A.VarDecl):
        return self.var_decl(d, top_level=False)

    def stmt_Skip(self, s):
        return s

    def stmt_Assign(self, s: A.Assign):
        lhs = self.expr(s.lhs)
        self.check_lhs_indexing(lhs)
        root = s.lhs
        while isinstance(root, A.Indexed):
            root = root.base
        info = self.scopes.lookup(root.name)
        self.check_may_assign(info, root.loc)
        rhs = self.expr(s.rhs)
        if s.op == "=":
            self.check_assignable(lhs.ty, rhs, s.loc)
        else:
            op = s.op[:-1]
            name = S.operator_function(op, 2)
            ty = self.resolve_builtin(name, [lhs, rhs], s.loc, shown=f'operator "{s.op}"')
            if not promotes_to(ty, lhs.ty):
                raise SemanticError(
                    f'Ill-typed compound assignment "{s.op}": {lhs.ty} {op} {rhs.ty} gives '
                    f"{ty}, which cannot be stored in the {lhs.ty} on the left.", s.loc)
        return replace(s, lhs=lhs, rhs=rhs)

    def check_lhs_indexing(self, lhs: A.Expr):
        """Stan (2.33+) allows slices and multi-indexes on the left only in the last set of
        brackets: `x[2:3][1] = ...` is an error."""
        level = 0
        while isinstance(lhs, A.Indexed):
            if level > 0 and any(isinstance(i, A.Slice) or i.idx.ty.dims > 0
                                 for i in lhs.indices):
                raise SemanticError(
                    "On the left of an assignment, slices and multi-indexes may only appear "
                    "in the last brackets: write x[i, 2:3] rather than x[2:3][i].", lhs.loc)
            lhs = lhs.base
            level += 1

    def check_may_assign(self, info: VarInfo, loc: Loc):
        if info.origin == LOOP:
            raise SemanticError(f'Cannot assign to the loop variable "{info.name}".', loc)
        if info.origin == ARGUMENT:
            raise SemanticError(
                f'Cannot assign to the function argument "{info.name}". Copy it into a local '
                "variable first.", loc)
        if info.is_global and info.origin != self.block:
            raise SemanticError(
                f'Cannot assign to global variable "{info.name}" declared in the '
                f"{info.origin} block; a block may assign only its own variables and locals.",
                loc)

    def check_assignable(self, want: UnsizedType, rhs: A.Expr, loc: Loc):
        if not promotes_to(rhs.ty, want):
            raise SemanticError(
                "Ill-typed assignment. Expected the right-hand side to have a type matching "
                f"the destination ({want}). Instead found type {rhs.ty}.", loc)

    def stmt_Tilde(self, s: A.Tilde):
        if not self.may_touch_target():
            raise SemanticError(
                "Sampling statements (~) are only allowed in the model block and in functions "
                "ending in _lp.", s.loc)
        lhs = self.expr(s.lhs)
        args = [self.call_arg(a) for a in s.args]
        name = self.distribution_function(s.dist, lhs, s.dist_loc)
        if name in self.functions:
            self.resolve_user(name, [lhs] + args, s.loc)
        else:
            self.resolve_builtin(name, [lhs] + args, s.loc, shown=f'distribution "{s.dist}"')
        trunc = None
        if s.truncation is not None:
            trunc = self.truncation(s, lhs, args)
        return replace(s, lhs=lhs, args=tuple(args), truncation=trunc)

    def distribution_function(self, dist: str, lhs: A.Expr, loc: Loc) -> str:
        """The _lpdf or _lpmf function a `~ dist(...)` statement calls."""
        if suffix_of(dist) in DENSITY_SUFFIXES:
            raise SemanticError(
                f'Write "~ {dist.rsplit("_", 1)[0]}(...)": the distribution name in a "~" '
                "statement has no suffix.", loc)
        candidates = [dist + "_lpdf", dist + "_lpmf"]
        if lhs.ty.base == "int":
            candidates.reverse()
        for name in candidates:
            if name in self.functions or S.is_builtin_function(name):
                return name
        families = set(S.distribution_families()) | {
            n.rsplit("_", 1)[0] for n in self.functions.by_name if suffix_of(n) in DENSITY_SUFFIXES}
        hint = did_you_mean(dist, families)
        raise SemanticError(
            f'Ill-typed arguments to "~"-statement. No function "{dist}_lpdf" or '
            f'"{dist}_lpmf" was found when looking for distribution "{dist}".{hint}', loc)

    def truncation(self, s: A.Tilde, lhs: A.Expr, args) -> A.Truncation:
        t = s.truncation
        # T[L, U] and T[, U] normalise with the lcdf; T[L, ] with the lccdf.
        needed = ["_lcdf"] if t.hi is not None else (["_lccdf"] if t.lo is not None else [])
        for suffix in needed:
            name = s.dist + suffix
            if not (name in self.functions or S.is_builtin_function(name)):
                raise SemanticError(
                    f'Truncation T[,] needs "{name}", which does not exist: distribution '
                    f'"{s.dist}" cannot be truncated.', t.loc)
        bounds = {}
        for key in ("lo", "hi"):
            b = getattr(t, key)
            if b is None:
                continue
            b = self.expr(b)
            if not b.ty.is_scalar:
                raise SemanticError(
                    f"Truncation bounds must be int or real; found {b.ty}. To truncate "
                    "each element at its own bound, write the ~ statement in a loop.", b.loc)
            bounds[key] = b
        return replace(t, **bounds)

    def stmt_TargetPlus(self, s: A.TargetPlus):
        if not self.may_touch_target():
            raise SemanticError(
                'Target can only be accessed in the model block or in definitions of functions '
                'with the suffix _lp. Use "jacobian +=" in transformed parameters.', s.loc)
        e = self.expr(s.expr)
        if not (e.ty.is_numeric and e.ty.base != "int" or e.ty.base == "int"):
            raise SemanticError(f'"target +=" needs a numeric value; found {e.ty}.', e.loc)
        return replace(s, expr=e)

    def stmt_JacobianPlus(self, s: A.JacobianPlus):
        fn = self.function.name if self.function else None
        if not (self.block == "transformed parameters" or (fn and fn.endswith("_jacobian"))):
            raise SemanticError(
                '"jacobian +=" may only be used in the transformed parameters block or in '
                "functions ending in _jacobian.", s.loc)
        e = self.expr(s.expr)
        if not e.ty.is_numeric:
            raise SemanticError(f'"jacobian +=" needs a numeric value; found {e.ty}.', e.loc)
        return replace(s, expr=e)

    def stmt_For(self, s: A.For):
        lo = self.expect_int(s.lo, "The lower bound of a for loop")
        hi = self.expect_int(s.hi, "The upper bound of a for loop")
        return replace(s, lo=lo, hi=hi, body=self.loop_body(s.var, INT, s.body, s.loc))

    def stmt_ForEach(self, s: A.ForEach):
        c = self.expr(s.container)
        if c.ty.dims:
            elem = c.ty.element()
        elif c.ty.base in ("vector", "row_vector", "matrix"):
            elem = REAL
        else:
            raise SemanticError(
                f"A foreach loop needs an array, vector, row_vector or matrix to loop over; "
                f"found {c.ty}. For a range, write for ({s.var} in 1:N).", c.loc)
        return replace(s, container=c,
                       body=self.loop_body(s.var, elem, s.body, s.loc, c.data_only))

    def loop_body(self, var, ty, body, loc, data_only=True):
        self.check_new_name(var, loc)
        self.scopes.push()
        self.scopes.declare(VarInfo(var, ty, LOOP, data_only or ty.base == "int", loc,
                                    block=self.block))
        self.loop_depth += 1
        out = self.body(body)
        self.loop_depth -= 1
        self.scopes.pop()
        return out

    def stmt_While(self, s: A.While):
        cond = self.condition(s.cond, "while")
        self.loop_depth += 1
        body = self.body(s.body)
        self.loop_depth -= 1
        return replace(s, cond=cond, body=body)

    def condition(self, e: A.Expr, where: str) -> A.Expr:
        e = self.expr(e)
        if e.ty != INT:
            hint = " Compare it with something, e.g. (x > 0)." if e.ty == REAL else ""
            raise SemanticError(
                f"The condition of {where} must be of type int. Instead found type "
                f"{e.ty}.{hint}", e.loc)
        return e

    def stmt_If(self, s: A.If):
        cond = self.condition(s.cond, "if")
        then = self.body(s.then)
        orelse = self.body(s.orelse) if s.orelse is not None else None
        return replace(s, cond=cond, then=then, orelse=orelse)

    def stmt_Break(self, s):
        if not self.loop_depth:
            raise SemanticError("break may only be used inside a for or while loop.", s.loc)
        return s

    def stmt_Continue(self, s):
        if not self.loop_depth:
            raise SemanticError("continue may only be used inside a for or while loop.", s.loc)
        return s

    def stmt_Return(self, s: A.Return):
        if self.function is None:
            raise SemanticError(
                "Return statements may only be used inside function definitions.", s.loc)
        want = self.function.return_type
        if s.value is None:
            if want != VOID:
                raise SemanticError(
                    f'Function "{self.function.name}" must return a value of type {want}.', s.loc)
            return s
        if want == VOID:
            raise SemanticError(
                f'Void function "{self.function.name}" cannot return a value. Write "return;".',
                s.loc)
        value = self.expr(s.value)
        if not promotes_to(value.ty, want):
            raise SemanticError(
                f'Function "{self.function.name}" is declared to return {want}, but this '
                f"returns {value.ty}.", s.loc)
        return replace(s, value=value)

    def stmt_Print(self, s: A.Print):
        args = tuple(a if isinstance(a, A.StringLit) else self.print_arg(a) for a in s.args)
        return replace(s, args=args)

    def print_arg(self, a: A.Expr) -> A.Expr:
        a = self.expr(a)
        if not a.ty.is_numeric:
            raise SemanticError(f"Cannot print a value of type {a.ty}.", a.loc)
        return a

    def stmt_CallStmt(self, s: A.CallStmt):
        call = self.call_as_statement(A.Call(s.name, s.args, False, loc=s.loc))
        return replace(s, args=call.args, call=call)

    def call_as_statement(self, c: A.Call) -> A.Call:
        self.check_call_context(c.name, c.loc)
        args = [self.call_arg(a) for a in c.args]
        if c.name in self.functions:
            ty = self.resolve_user(c.name, args, c.loc).return_type
        else:
            ty = self.resolve_builtin(c.name, args, c.loc)
        if ty != VOID:
            raise SemanticError(
                f'Function "{c.name}" returns {ty}, so its value must be used: a function '
                "called as a statement must return void.", c.loc)
        return replace(c, args=tuple(args), ty=VOID, data_only=True)

    def stmt_Profile(self, s: A.Profile):
        return replace(s, body=self.block_stmt(s.body))


def returns(s: A.Stmt) -> bool:
    """True when every path through `s` ends in return, reject or fatal_error."""
    if isinstance(s, A.Return):
        return True
    if isinstance(s, A.Print):
        return s.kind in ("reject", "fatal_error")
    if isinstance(s, A.Block):
        return any(returns(x) for x in s.stmts)
    if isinstance(s, A.Profile):
        return returns(s.body)
    if isinstance(s, A.If):
        return s.orelse is not None and returns(s.then) and returns(s.orelse)
    if isinstance(s, A.While):
        return isinstance(s.cond, A.IntLit) and s.cond.value != 0 and not has_break(s.body)
    return False


def has_break(s: A.Stmt) -> bool:
    if isinstance(s, A.Break):
        return True
    if isinstance(s, A.Block):
        return any(has_break(x) for x in s.stmts)
    if isinstance(s, A.If):
        return has_break(s.then) or (s.orelse is not None and has_break(s.orelse))
    return False


def non_data_variable(e: A.Expr, scopes: Scopes) -> str | None:
    """The first variable in `e` not declared in data or transformed data (None if all are)."""
    for v in walk_vars(e):
        info = scopes.lookup(v)
        if info is not None and info.origin not in DATA_BLOCKS:
            return v
    return None


def walk_vars(e):
    """Names of all variables referenced in expression `e`."""
    if isinstance(e, A.Var):
        yield e.name
    elif isinstance(e, (A.Single,)):
        yield from walk_vars(e.idx)
    elif isinstance(e, A.Slice):
        for b in (e.lo, e.hi):
            if b is not None:
                yield from walk_vars(b)
    elif isinstance(e, (A.Expr, A.Single)):
        for value in vars(e).values():
            if isinstance(value, (A.Expr, A.Single, A.Slice)):
                yield from walk_vars(value)
            elif isinstance(value, tuple):
                for item in value:
                    if isinstance(item, (A.Expr, A.Single, A.Slice)):
                        yield from walk_vars(item)
