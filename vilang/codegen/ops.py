"""One forward rule and one adjoint rule per primitive.

`forward(ctx, op)` writes the lines computing `op.dst`; `adjoint(ctx, op)` writes the lines
that add `bar(op.dst)`'s contribution to the adjoints of `op`'s active arguments.  Primitives
are found in this order: the rules registered here (operators, indexing, literals, structure),
user functions, distributions (`vilang.runtime.univariate` / `multivariate`), then the function
library (`vilang.runtime.scalar` elementwise functions and `vilang.runtime.tensor`).
"""
from __future__ import annotations

from vilang.codegen import elementwise as E
from vilang.codegen import library
from vilang.codegen.context import KernelContext
from vilang.codegen.writer import ndim
from vilang.errors import InternalCompilerError
from vilang.ir import nodes as I

FORWARD: dict = {}
ADJOINT: dict = {}


def rule(*names):
    def register(fn):
        for n in names:
            FORWARD[n] = fn
        return fn
    return register


def adjoint_rule(*names):
    def register(fn):
        for n in names:
            ADJOINT[n] = fn
        return fn
    return register


def forward(ctx: KernelContext, op: I.Op):
    fn = FORWARD.get(op.prim)
    if fn is not None:
        return fn(ctx, op)
    if op.prim.startswith("user:"):
        return library.user_call_forward(ctx, op)
    if op.prim.startswith("ode:"):
        from vilang.codegen import ode
        return ode.forward(ctx, op)
    return library.forward(ctx, op)


def adjoint(ctx: KernelContext, op: I.Op):
    if not any(isinstance(a, I.Var) and a.active for a in op.args):
        return
    fn = ADJOINT.get(op.prim)
    if fn is not None:
        return fn(ctx, op)
    if op.prim in FORWARD and op.prim not in ADJOINT:
        raise InternalCompilerError(f"no adjoint rule for {op.prim}")
    if op.prim.startswith("user:"):
        return library.user_call_adjoint(ctx, op)
    if op.prim.startswith("ode:"):
        from vilang.codegen import ode
        return ode.adjoint(ctx, op)
    return library.adjoint(ctx, op)


def both_containers(op) -> bool:
    return all(E.is_container(a) for a in op.args)


# ---------------------------------------------------------------- arithmetic
@rule("add")
def _add(ctx, op):
    E.forward(ctx, op, lambda a: f"{a[0]} + {a[1]}", real_args=op.dst.type.base != "int")


@adjoint_rule("add")
def _add_adj(ctx, op):
    E.adjoint(ctx, op, lambda a, d: ["1.0", "1.0"])


@rule("subtract")
def _sub(ctx, op):
    E.forward(ctx, op, lambda a: f"{a[0]} - {a[1]}", real_args=op.dst.type.base != "int")


@adjoint_rule("subtract")
def _sub_adj(ctx, op):
    E.adjoint(ctx, op, lambda a, d: ["1.0", "-1.0"])


@rule("elt_multiply")
def _emul(ctx, op):
    E.forward(ctx, op, lambda a: f"{a[0]} * {a[1]}", real_args=op.dst.type.base != "int")


@adjoint_rule("elt_multiply")
def _emul_adj(ctx, op):
    E.adjoint(ctx, op, lambda a, d: [a[1], a[0]])


@rule("elt_divide")
def _ediv(ctx, op):
    if op.dst.type.base == "int":
        return _intdiv(ctx, op)
    E.forward(ctx, op, lambda a: f"{a[0]} / {a[1]}")


@adjoint_rule("elt_divide")
def _ediv_adj(ctx, op):
    E.adjoint(ctx, op, lambda a, d: [f"1.0 / {a[1]}", f"-{d} / {a[1]}"])


@rule("divide")
def _div(ctx, op):
    if op.dst.type.base == "int":
        return _intdiv(ctx, op)
    E.forward(ctx, op, lambda a: f"{a[0]} / {a[1]}")


@adjoint_rule("divide")
def _div_adj(ctx, op):
    _ediv_adj(ctx, op)


def _intdiv(ctx, op):
    """Stan's int division truncates towards zero."""
    a, b = (ctx.val(x) for x in op.args)
    ctx.fail_if(f"{b} == 0", op.loc, "Integer division by zero.")
    ctx.w.line(f"{op.dst.name} = _rt.int_divide({a}, {b})")


@rule("intdivide")
def _intdivide(ctx, op):
    _intdiv(ctx, op)


@rule("modulus")
def _mod(ctx, op):
    a, b = (ctx.val(x) for x in op.args)
    ctx.fail_if(f"{b} == 0", op.loc, "Modulus by zero.")
    ctx.w.line(f"{op.dst.name} = _rt.int_modulus({a}, {b})")


@rule("minus")
def _minus(ctx, op):
    E.forward(ctx, op, lambda a: f"-{a[0]}", real_args=op.dst.type.base != "int")


@adjoint_rule("minus")
def _minus_adj(ctx, op):
    E.adjoint(ctx, op, lambda a, d: ["-1.0"])


@rule("plus")
def _plus(ctx, op):
    E.forward(ctx, op, lambda a: f"{a[0]}", real_args=op.dst.type.base != "int")


@adjoint_rule("plus")
def _plus_adj(ctx, op):
    E.adjoint(ctx, op, lambda a, d: ["1.0"])


COMPARISONS = {"logical_eq": "==", "logical_neq": "!=", "logical_lt": "<",
               "logical_lte": "<=", "logical_gt": ">", "logical_gte": ">="}


@rule(*COMPARISONS)
def _compare(ctx, op):
    a, b = (ctx.val(x) for x in op.args)
    ctx.w.line(f"{op.dst.name} = 1 if {a} {COMPARISONS[op.prim]} {b} else 0")


@rule("logical_negation")
def _not(ctx, op):
    ctx.w.line(f"{op.dst.name} = 1 if {ctx.val(op.args[0])} == 0 else 0")


@rule("logical_and")
def _and(ctx, op):
    a, b = (ctx.val(x) for x in op.args)
    ctx.w.line(f"{op.dst.name} = 1 if ({a} != 0 and {b} != 0) else 0")


@rule("logical_or")
def _or(ctx, op):
    a, b = (ctx.val(x) for x in op.args)
    ctx.w.line(f"{op.dst.name} = 1 if ({a} != 0 or {b} != 0) else 0")


# ---------------------------------------------------------------- products
@rule("multiply")
def _multiply(ctx, op):
    a, b = op.args
    if not (E.is_container(a) and E.is_container(b)):
        E.forward(ctx, op, lambda x: f"{x[0]} * {x[1]}", real_args=op.dst.type.base != "int")
        return
    ta, tb = a.type.base, b.type.base
    w, dst = ctx.w, op.dst.name
    if ta == "row_vector" and tb == "vector":
        _check_inner(ctx, op, f"{a.name}.shape[0]", f"{b.name}.shape[0]")
        w.line(f"{dst} = _rt.dot({a.name}, {b.name})")
    elif ta == "vector" and tb == "row_vector":
        w.line(f"{dst} = _rt.outer({a.name}, {b.name})")
    elif ta == "matrix" and tb == "vector":
        _check_inner(ctx, op, f"{a.name}.shape[1]", f"{b.name}.shape[0]")
        w.line(f"{dst} = _rt.matvec({a.name}, {b.name})")
    elif ta == "row_vector" and tb == "matrix":
        _check_inner(ctx, op, f"{a.name}.shape[0]", f"{b.name}.shape[0]")
        w.line(f"{dst} = _rt.vecmat({a.name}, {b.name})")
    else:
        _check_inner(ctx, op, f"{a.name}.shape[1]", f"{b.name}.shape[0]")
        w.line(f"{dst} = _rt.matmul({a.name}, {b.name})")


def _check_inner(ctx, op, left: str, right: str):
    ctx.fail_if(f"{left} != {right}", op.loc,
                "Matrix product: the columns of the left operand must match the rows of the "
                "right operand.")


@adjoint_rule("multiply")
def _multiply_adj(ctx, op):
    a, b = op.args
    if not (E.is_container(a) and E.is_container(b)):
        E.adjoint(ctx, op, lambda x, d: [x[1], x[0]])
        return
    w, g = ctx.w, ctx.bar(op.dst)
    ta, tb = a.type.base, b.type.base
    act_a, act_b = a.active, b.active
    if ta == "row_vector" and tb == "vector":
        if act_a:
            w.line(f"_rt.axpy({ctx.bar(a)}, {g}, {b.name})")
        if act_b:
            w.line(f"_rt.axpy({ctx.bar(b)}, {g}, {a.name})")
    elif ta == "vector" and tb == "row_vector":
        if act_a:
            ctx.acc(ctx.bar(a), f"_rt.matvec({g}, {b.name})", True)
        if act_b:
            ctx.acc(ctx.bar(b), f"_rt.vecmat({a.name}, {g})", True)
    elif ta == "matrix" and tb == "vector":
        if act_a:
            w.line(f"_rt.add_outer({ctx.bar(a)}, {g}, {b.name})")
        if act_b:
            w.line(f"_rt.vecmat_acc({ctx.bar(b)}, {g}, {a.name})")
    elif ta == "row_vector" and tb == "matrix":
        if act_a:
            w.line(f"_rt.matvec_acc({ctx.bar(a)}, {b.name}, {g})")
        if act_b:
            w.line(f"_rt.add_outer({ctx.bar(b)}, {a.name}, {g})")
    else:
        if act_a:
            ctx.acc(ctx.bar(a), f"_rt.matmul({g}, _rt.transpose({b.name}))", True)
        if act_b:
            ctx.acc(ctx.bar(b), f"_rt.matmul(_rt.transpose({a.name}), {g})", True)


@rule("transpose")
def _transpose(ctx, op):
    x = op.args[0]
    if x.type.base == "matrix":
        ctx.w.line(f"{op.dst.name} = _rt.transpose({ctx.val(x)})")
    else:
        ctx.w.line(f"{op.dst.name} = _rt.copy({ctx.val(x)})")


@adjoint_rule("transpose")
def _transpose_adj(ctx, op):
    x = op.args[0]
    g = ctx.bar(op.dst)
    ctx.acc(ctx.bar(x), f"_rt.transpose({g})" if x.type.base == "matrix" else g, True)


# ---------------------------------------------------------------- literals
@rule("array_literal", "row_vector_literal", "matrix_literal")
def _literal(ctx, op):
    w, dst = ctx.w, op.dst.name
    n = len(op.args)
    first = op.args[0]
    dtype = "np.int64" if op.dst.type.base == "int" and op.dst.type.dims == ndim(op.dst.type) \
        else "np.float64"
    if E.is_container(first):
        w.line(f"{dst} = np.empty(({n},) + {first.name}.shape, {dtype})")
        for k, item in enumerate(op.args):
            ctx.fail_if(f"{item.name}.shape != {first.name}.shape", op.loc,
                        "Elements of an array or matrix expression must have the same size.")
            w.line(f"_rt.assign_into({dst}[{k}], {item.name})")
    else:
        w.line(f"{dst} = np.empty({n}, {dtype})")
        for k, item in enumerate(op.args):
            w.line(f"{dst}[{k}] = {ctx.val(item) if dtype == 'np.int64' else ctx.real(item)}")


@adjoint_rule("array_literal", "row_vector_literal", "matrix_literal")
def _literal_adj(ctx, op):
    g = ctx.bar(op.dst)
    for k, item in enumerate(op.args):
        if isinstance(item, I.Var) and item.active:
            ctx.acc(ctx.bar(item), f"{g}[{k}]", ndim(item.type) > 0)


# ---------------------------------------------------------------- indexing
@rule("index")
def _index(ctx, op):
    from vilang.codegen import indexing
    indexing.forward(ctx, op)


@adjoint_rule("index")
def _index_adj(ctx, op):
    from vilang.codegen import indexing
    indexing.adjoint(ctx, op)


@rule("colmajor_element")
def _colmajor(ctx, op):
    m, i = op.args[0].name, ctx.val(op.indices[0].idx)
    ctx.w.line(f"{op.dst.name} = {m}[({i} - 1) % {m}.shape[0], ({i} - 1) // {m}.shape[0]]")


@adjoint_rule("colmajor_element")
def _colmajor_adj(ctx, op):
    m, i = op.args[0], ctx.val(op.indices[0].idx)
    ctx.w.line(f"{ctx.bar(m)}[({i} - 1) % {m.name}.shape[0], ({i} - 1) // {m.name}.shape[0]]"
               f" += {ctx.bar(op.dst)}")


# ---------------------------------------------------------------- truncation
@rule("truncation_outside")
def _trunc_out(ctx, op):
    y, lo, hi = (ctx.val(a) for a in op.args)
    ctx.w.line(f"{op.dst.name} = _rt.truncation_outside({y}, {lo}, {hi})")


@adjoint_rule("truncation_outside")
def _trunc_out_adj(ctx, op):
    pass    # piecewise constant


@rule("truncation_count")
def _trunc_count(ctx, op):
    y = op.args[0]
    ctx.w.line(f"{op.dst.name} = float({y.name}.size)" if E.is_container(y) else
               f"{op.dst.name} = 1.0")


@adjoint_rule("truncation_count")
def _trunc_count_adj(ctx, op):
    pass


@rule("target_value")
def _target_value(ctx, op):
    ctx.w.line(f"{op.dst.name} = {ctx.target}")
