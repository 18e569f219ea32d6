"""Parameters: reading a parameter's slice of the unconstrained vector, constraining it (with
its log-Jacobian), the adjoint of that, and constraint checks of transformed parameters.

Layout (as Stan's): parameters in declaration order; within one, array elements in row-major
order, each element's unconstrained reals in the transform's order, with matrices column-major.
"""
from __future__ import annotations

from vilang.codegen.context import KernelContext
from vilang.codegen.writer import ndim
from vilang.ir import nodes as I

ELEMENTWISE = ("identity", "lower", "upper", "lower_upper", "offset_multiplier")

# Unconstrained size of one element of a structured type, from its own sizes (a, b).
STRUCTURED_SIZE = {
    "simplex": "{a} - 1", "sum_to_zero_vector": "{a} - 1", "unit_vector": "{a}",
    "ordered": "{a}", "positive_ordered": "{a}",
    "cholesky_factor_corr": "({a} * ({a} - 1)) // 2",
    "corr_matrix": "({a} * ({a} - 1)) // 2",
    "cov_matrix": "{a} + ({a} * ({a} - 1)) // 2",
    "cholesky_factor_cov": "({b} * ({b} + 1)) // 2 + ({a} - {b}) * {b}",
}


def transform(kind: str):
    from vilang.runtime.transforms import TRANSFORMS
    return TRANSFORMS[kind]


def sizes(ctx: KernelContext, p) -> tuple[list[str], list[str]]:
    """(array dims, own sizes) as expressions."""
    shape = [f"max({ctx.val(x)}, 0)" for x in p.shape]
    own = ndim(p.var.type) - p.var.type.dims
    return shape[: len(shape) - own], shape[len(shape) - own:]


def bound_array(ctx: KernelContext, b, name: str, matrix: bool) -> str:
    """A bound as the 1-D float array the elementwise transforms take (unconstrained order)."""
    w = ctx.w
    if ndim(b.type) == 0:
        w.line(f"{name} = _rt.full1({ctx.real(b)})")
    elif matrix:
        w.line(f"{name} = _rt.unc_order(_rt.to_float({ctx.val(b)}))")
    else:
        w.line(f"{name} = _rt.flat_float({ctx.val(b)})")
    return name


def constrain(ctx: KernelContext, p: I.Parameter, emitter):
    w, v = ctx.w, p.var
    emitter.ops(p.bound_ops)
    dims, own = sizes(ctx, p)
    name = v.name
    w.line(f"off_{name} = off")
    matrix = v.type.base == "matrix"
    if scalar_elementwise(p):
        _constrain_scalar(ctx, p)
        return
    if vector_identity(p):
        # a view of the unconstrained slice (parameters are never assigned to); the gradient
        # kernel accumulates the parameter's adjoint straight into its slice of `grad`
        count = " * ".join(dims + own)
        w.line(f"n_{name} = {count}")
        w.line(f"{name} = theta[off:off + n_{name}]")
        if ctx.gradient:
            w.line(f"{ctx.bar(v)} = grad[off:off + n_{name}]")
        w.line(f"off += n_{name}")
        return
    if p.transform in ELEMENTWISE:
        count = " * ".join(dims + own) or "1"
        w.line(f"n_{name} = {count}")
        w.line(f"u_{name} = theta[off:off + n_{name}]")
        w.line(f"cv_{name} = np.empty(n_{name})")
        if p.transform == "identity":
            w.line(f"_rt.assign_into(cv_{name}, u_{name})")
        else:
            t = transform(p.transform)
            args = [bound_array(ctx, b, f"bd{k}_{name}", matrix) for k, b in enumerate(p.bounds)]
            w.line(f"lj_ = {ctx.ref(t.constrain)}(u_{name}, {', '.join(args)}, cv_{name})")
            with w.block("if jacobian:"):
                w.line("target += lj_")
        shape = ", ".join(dims + own)
        if ndim(v.type) == 0:
            w.line(f"{name} = cv_{name}[0]")
        elif matrix:
            w.line(f"{name} = _rt.from_unc_order(cv_{name}, ({shape},))")
        elif ndim(v.type) == 1:
            w.line(f"{name} = cv_{name}")
        else:
            w.line(f"{name} = _rt.reshaped(cv_{name}, ({shape},))")
        w.line(f"off += n_{name}")
        _zero_bar(ctx, v)
        return
    t = transform(p.transform)
    a, b = (own + own)[:2] if len(own) >= 1 else ("0", "0")
    if p.transform == "cholesky_factor_cov" and len(p.shape) - len(dims) == 2:
        a, b = own[0], own[1]
    per = STRUCTURED_SIZE[p.transform].format(a=a, b=b)
    count = " * ".join(dims) or "1"
    w.line(f"m_{name} = {per}")
    w.line(f"n_{name} = {count} * m_{name}")
    w.line(f"u_{name} = theta[off:off + n_{name}]")
    own_shape = ", ".join(own)
    full_shape = ", ".join(dims + own)
    w.line(f"{name} = np.empty(({full_shape},))")
    w.line(f"flat_{name} = _rt.rows_of({name}, {count}, ({own_shape},))")
    with w.block(f"for e_ in range({count}):"):
        w.line(f"lj_ = {ctx.ref(t.constrain)}(u_{name}[e_ * m_{name}:(e_ + 1) * m_{name}], "
               f"flat_{name}[e_])")
        with w.block("if jacobian:"):
            w.line("target += lj_")
    if not dims:
        w.line(f"{name} = {name}.copy()")
    w.line(f"off += n_{name}")
    _zero_bar(ctx, v)


def scalar_elementwise(p: I.Parameter) -> bool:
    """A real parameter with an elementwise transform (and scalar bounds): constrained with
    scalars, no arrays."""
    return (p.transform in ELEMENTWISE and ndim(p.var.type) == 0
            and all(ndim(b.type) == 0 for b in p.bounds))


def vector_identity(p: I.Parameter) -> bool:
    """An unconstrained vector / row_vector / 1-D array of reals: its value is its slice of
    the unconstrained vector."""
    return p.transform == "identity" and ndim(p.var.type) == 1


def _constrain_scalar(ctx: KernelContext, p: I.Parameter):
    w, name = ctx.w, p.var.name
    if p.transform == "identity":
        w.line(f"{name} = theta[off]")
    else:
        t = transform(p.transform)
        w.line(f"u_{name} = theta[off]")
        bounds = "".join(f", {ctx.real(b)}" for b in p.bounds)
        w.line(f"{name}, lj_ = {ctx.ref(t.constrain1)}(u_{name}{bounds})")
        with w.block("if jacobian:"):
            w.line("target += lj_")
    w.line("off += 1")
    _zero_bar(ctx, p.var)


def _constrain_adjoint_scalar(ctx: KernelContext, p: I.Parameter):
    """grad[o_] += d/du of the parameter's adjoint term (and of the log-Jacobian); bound
    adjoints into the bounds' adjoints, then back through the bounds' ops."""
    w, v = ctx.w, p.var
    name, g = v.name, ctx.bar(v)
    if p.transform == "identity":
        w.line(f"grad[o_] += {g}")
        return
    t = transform(p.transform)
    for op in p.bound_ops:
        if op.dst.active:
            _zero_bar(ctx, op.dst)
    bounds = "".join(f", {ctx.real(b)}" for b in p.bounds)
    bars = [f"bdb{k}_{name}" for k in range(len(p.bounds))]
    w.line(f"gu_, {', '.join(bars)}, = {ctx.ref(t.constrain1_vjp)}(u_{name}{bounds}, {g}, "
           f"1.0 if jacobian else 0.0)")
    w.line("grad[o_] += gu_")
    from vilang.codegen.statements import StatementEmitter
    for bound, bbar in zip(p.bounds, bars):
        if isinstance(bound, I.Var) and bound.active:
            w.line(f"{ctx.bar(bound)} += {bbar}")
    StatementEmitter(ctx).backprop(p.bound_ops)


def _zero_bar(ctx: KernelContext, v: I.Var):
    if ctx.gradient:
        ctx.w.line(f"{ctx.bar(v)} = " + ("0.0" if ndim(v.type) == 0 else
                                         f"_rt.zeros_like({v.name})"))


def constrain_adjoint(ctx: KernelContext, p: I.Parameter):
    w, v = ctx.w, p.var
    name, g = v.name, ctx.bar(v)
    dims, own = sizes(ctx, p)
    matrix = v.type.base == "matrix"
    if vector_identity(p):
        return          # its adjoint was accumulated in place, in grad
    w.line(f"o_ = off_{name}")
    if scalar_elementwise(p):
        _constrain_adjoint_scalar(ctx, p)
        return
    lj_bar = "1.0 if jacobian else 0.0"
    if p.transform in ELEMENTWISE:
        if ndim(v.type) == 0:
            w.line(f"gb_{name} = _rt.full1({g})")
        elif matrix:
            w.line(f"gb_{name} = _rt.unc_order({g})")
        else:
            w.line(f"gb_{name} = _rt.flat({g})")
        if p.transform == "identity":
            w.line(f"_rt.acc(grad[o_:o_ + n_{name}], gb_{name})")
            return
        t = transform(p.transform)
        for op in p.bound_ops:
            if op.dst.active:
                _zero_bar(ctx, op.dst)
        args = [f"bd{k}_{name}" for k in range(len(p.bounds))]
        bars = [f"bdb{k}_{name}" for k in range(len(p.bounds))]
        for a, b in zip(args, bars):
            w.line(f"{b} = _rt.zeros({a}.shape[0])")
        w.line(f"{ctx.ref(t.constrain_vjp)}(u_{name}, {', '.join(args)}, cv_{name}, gb_{name}, "
               f"{lj_bar}, grad[o_:o_ + n_{name}], {', '.join(bars)})")
        from vilang.codegen.statements import StatementEmitter
        for bound, bbar in zip(p.bounds, bars):
            if isinstance(bound, I.Var) and bound.active:
                if ndim(bound.type) == 0:
                    w.line(f"{ctx.bar(bound)} += _rt.sum_all({bbar})")
                elif matrix:
                    ctx.acc(ctx.bar(bound), f"_rt.from_unc_order({bbar}, {bound.name}.shape)",
                            True)
                else:
                    ctx.acc(ctx.bar(bound), f"_rt.reshaped({bbar}, {bound.name}.shape)", True)
        StatementEmitter(ctx).backprop(p.bound_ops)
        return
    t = transform(p.transform)
    count = " * ".join(dims) or "1"
    own_shape = ", ".join(own)
    w.line(f"gflat_{name} = _rt.rows_of(_rt.copy({g}), {count}, ({own_shape},))")
    with w.block(f"for e_ in range({count}):"):
        w.line(f"s_ = o_ + e_ * m_{name}")
        w.line(f"{ctx.ref(t.constrain_vjp)}(u_{name}[e_ * m_{name}:(e_ + 1) * m_{name}], "
               f"flat_{name}[e_], gflat_{name}[e_], {lj_bar}, grad[s_:s_ + m_{name}])")


def check_constraint(ctx: KernelContext, s: I.CheckConstraint):
    """Fail (log density -inf) when a transformed parameter or generated quantity violates its
    declared constraint."""
    t = transform(s.kind)
    w, v = ctx.w, s.var
    matrix = v.type.base == "matrix"
    if t.elementwise:
        if ndim(v.type) == 0:
            value = f"_rt.full1({ctx.real(v)})"
        elif matrix:
            value = f"_rt.unc_order({v.name})"
        else:
            value = f"_rt.flat_float({v.name})"
        args = [bound_array(ctx, b, f"ck{k}_{v.name}", matrix) for k, b in enumerate(s.bounds)]
        cond = f"not {ctx.ref(t.check)}({value}, {', '.join(args)})"
        ctx.fail_if(cond, s.loc, f'"{s.name}" {t.description}.')
        return
    own = 2 if t.matrix else 1
    if v.type.dims == 0:
        ctx.fail_if(f"not {ctx.ref(t.check)}({v.name})", s.loc, f'"{s.name}" {t.description}.')
        return
    w.line(f"fl_ = _rt.rows_of({v.name}, {v.name}.size // _rt.inner_size({v.name}, "
           f"{v.type.dims}), {v.name}.shape[{v.type.dims}:])")
    with w.block("for e_ in range(fl_.shape[0]):"):
        ctx.fail_if(f"not {ctx.ref(t.check)}(fl_[e_])", s.loc, f'"{s.name}" {t.description}.')
    del own
