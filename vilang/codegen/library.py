"""Rules for the runtime library: distributions, elementwise and tensor functions, and calls
of user-defined functions.  The runtime's metadata tables say what exists; this module only
decides how a call site loops, broadcasts, checks and accumulates adjoints."""
from __future__ import annotations

from vilang.codegen import elementwise as E
from vilang.codegen.context import KernelContext
from vilang.codegen.writer import ndim
from vilang.errors import InternalCompilerError
from vilang.ir import nodes as I
from vilang.types import UnsizedType

DENSITY = ("_lpdf", "_lupdf", "_lpmf", "_lupmf")
CDFS = ("_cdf", "_lcdf", "_lccdf")


def split_suffix(name: str):
    for suffix in DENSITY + CDFS + ("_rng",):
        if name.endswith(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def family(name: str):
    """(kind, Family) for a distribution family name, or (None, None)."""
    from vilang.runtime import multivariate, univariate
    if name in univariate.FAMILIES:
        return "univariate", univariate.FAMILIES[name]
    if name in multivariate.FAMILIES:
        return "multivariate", multivariate.FAMILIES[name]
    return None, None


def fam_fn(fam, *names):
    extra = getattr(fam, "extra", None) or {}
    for n in names:
        fn = getattr(fam, n, None) or extra.get(n)
        if fn is not None:
            return fn
    raise InternalCompilerError(f"runtime family lacks {names}")  # pragma: no cover


def conditions(fam) -> list[str]:
    """The plain-English requirement on each argument, variate first."""
    c = fam.arg_conditions
    return list(c.values()) if isinstance(c, dict) else list(c)


def forward(ctx: KernelContext, op: I.Op):
    fam_name, suffix = split_suffix(op.prim)
    if suffix:
        kind, fam = family(fam_name)
        if fam is None:
            raise not_implemented(op)
        if kind == "univariate":
            return univariate_forward(ctx, op, fam_name, suffix, fam)
        return multivariate_forward(ctx, op, fam_name, suffix, fam)
    impl = function_impl(op)
    if impl.elementwise or impl.kind == "scalar":
        ref = ctx.ref(impl.value)
        int_valued = op.dst.type.base == "int"
        E.forward(ctx, op, lambda a: f"{ref}({', '.join(a)})", real_args=not int_valued)
        return
    ctx.w.line(f"{op.dst.name} = {ctx.ref(impl.value)}({tensor_args(ctx, op, impl)})")


def tensor_args(ctx: KernelContext, op: I.Op, impl) -> str:
    """Arguments converted to the implementation's types (int promotes to real)."""
    out = []
    for a, want in zip(op.args, impl.args):
        if a.type.base == "int" and not want.endswith("int"):
            out.append(ctx.real(a) if ndim(a.type) == 0 else
                       f"_rt.to_float({ctx.val(a)})")
        else:
            out.append(ctx.val(a))
    return ", ".join(out)


def adjoint(ctx: KernelContext, op: I.Op):
    fam_name, suffix = split_suffix(op.prim)
    if suffix == "_rng":
        return
    if suffix:
        kind, fam = family(fam_name)
        if kind == "univariate":
            return univariate_adjoint(ctx, op, fam_name, suffix, fam)
        return multivariate_adjoint(ctx, op, fam_name, suffix, fam)
    impl = function_impl(op)
    if impl.derivative is None:
        return
    if impl.elementwise or impl.kind == "scalar":
        ref = ctx.ref(impl.derivative)
        E.adjoint(ctx, op, lambda a, d: [f"r{op.dst.name}_[{k + 1}]" for k in range(len(a))],
                  prelude=lambda a: f"r{op.dst.name}_ = {ref}({', '.join(a)})")
        return
    from vilang.runtime.functions import real_args
    args = tensor_args(ctx, op, impl)
    ctx.w.line(f"r{op.dst.name}_ = {ctx.ref(impl.derivative)}({args}, {op.dst.name}, {ctx.bar(op.dst)})")
    for k, pos in enumerate(real_args(impl)):
        a = op.args[pos]
        if isinstance(a, I.Var) and a.active:
            ctx.acc(ctx.bar(a), f"r{op.dst.name}_[{k}]", ndim(a.type) > 0)


def function_impl(op: I.Op):
    """The runtime implementation of a call: an exact signature, or an elementwise scalar
    function applied to the element types of container arguments."""
    from vilang.runtime.functions import lookup
    impl = lookup(op.prim, [a.type for a in op.args])
    if impl is None:
        scalars = [UnsizedType("int" if a.type.base == "int" else "real") for a in op.args]
        impl = lookup(op.prim, scalars)
        if impl is not None and not impl.elementwise:
            impl = None
    if impl is None:
        raise not_implemented(op)
    return impl


def not_implemented(op: I.Op):
    """A built-in the checker knows but the runtime has no kernel for: a located error."""
    from vilang.errors import SemanticError
    types = ", ".join(str(a.type) for a in op.args)
    return SemanticError(
        f'vilang cannot compile calls of the built-in "{op.prim}({types})" yet: it type-checks, '
        "but the runtime has no kernel for it. docs/language.md lists what compiles.", op.loc)


# ---------------------------------------------------------------- univariate distributions
def _scalar(ctx: KernelContext, a, as_int: bool) -> str:
    return ctx.val(a) if as_int else ctx.real(a)


def _loop_header(ctx: KernelContext, op: I.Op, args, int_args=frozenset(), parallel=None):
    """Open a loop over the common length of the container arguments; returns element
    expressions and the number of levels opened (0: no loop).  Arguments at positions in
    `int_args` are passed as int64, all others as float64 (so each runtime function compiles
    once).  `parallel(n)`, if given, emits the branch taken instead of the loop when the
    containers are longer than one chunk (the loop then sits in the `else:`, two levels)."""
    w = ctx.w
    containers = [a for a in args if isinstance(a, I.Var) and ndim(a.type) > 0]
    if not containers:
        return [_scalar(ctx, a, k in int_args) for k, a in enumerate(args)], 0
    n = f"n_{op.dst.name}"
    w.line(f"{n} = {containers[0].name}.size")
    for c in containers[1:]:
        ctx.fail_if(f"{c.name}.size != {n}", op.loc,
                    f"{op.prim}: all container arguments must have the same size.")
    opened = 1
    if parallel is not None:
        from vilang.runtime.parallel import is_parallel
        with w.block(f"if {ctx.ref(is_parallel)}({n}):"):
            parallel(n)
        w.line("else:")
        w.depth += 1
        opened = 2
    w.line(f"for i_ in range({n}):")
    w.depth += 1
    elems = []
    for k, a in enumerate(args):
        if isinstance(a, I.Var) and ndim(a.type) > 0:
            e = f"_rt.flat({a.name})[i_]" if ndim(a.type) > 1 else f"{a.name}[i_]"
            elems.append(e if k in int_args or a.type.base != "int" else f"float({e})")
        else:
            elems.append(_scalar(ctx, a, k in int_args))
    return elems, opened


def int_positions(op: I.Op, fam) -> frozenset:
    """Positions of the arguments a family takes as int (a discrete variate, int params)."""
    real = real_arg_positions(op, fam)
    return frozenset(k for k in range(len(op.args)) if k not in real)


def univariate_forward(ctx, op, fam_name, suffix, fam):
    w, dst = ctx.w, op.dst.name
    if suffix == "_rng":
        return rng_forward(ctx, op, fam)
    reduce_op = "*=" if suffix == "_cdf" else "+="
    w.line(f"{dst} = {1.0 if suffix == '_cdf' else 0.0}")
    sites = []
    chunked = None
    if suffix in DENSITY and over_observations(op):
        def chunked(n):
            sites.append(condition_sites(ctx, op, fam))
            parallel_density(ctx, op, fam_name, suffix, sites[0], grad=False)
    elems, looped = _loop_header(ctx, op, op.args, int_positions(op, fam), chunked)
    check = ctx.ref(fam_fn(fam, "cdf_check" if suffix in CDFS else "check", "check"))
    first_site = sites[0] if sites else condition_sites(ctx, op, fam)
    w.line(f"c_ = {check}({', '.join(elems)})")
    with w.block("if c_ != 0:"):
        w.line(f"err[0] = {first_site} + c_ - 1")
        w.line(ctx.fail_stmt)
    value_fn = ctx.ref(fam_fn(fam, suffix[1:].replace("lup", "lp"), "lpdf", "lpmf")) \
        if suffix in DENSITY else ctx.ref(fam_fn(fam, suffix[1:]))
    w.line(f"{dst} {reduce_op} {value_fn}({', '.join(elems)})")
    if suffix in ("_lupdf", "_lupmf"):
        with w.block("if propto:"):
            w.line(f"{dst} -= {ctx.ref(fam_fn(fam, 'dropped'))}({', '.join(elems)}, "
                   f"{activity_flags(op, fam)})")
    w.depth -= looped


def over_observations(op: I.Op) -> bool:
    """Whether a density gets the chunk-parallel branch: its variate is a data container (a
    likelihood term, one element per observation).  Priors on parameter vectors are small in
    most models, and every runtime kernel a generated kernel calls is compiled into it, so they
    keep the plain loop and the model compiles faster."""
    y = op.args[0] if op.args else None
    return isinstance(y, I.Var) and ndim(y.type) > 0 and not y.active


def condition_sites(ctx: KernelContext, op: I.Op, fam) -> int:
    """Register one failure site per argument condition of `fam`; returns the first (a check
    code c means site first + c - 1)."""
    first_site = len(ctx.sites) + 1
    for cond in conditions(fam):
        ctx.site(op.loc, f"{op.prim}: {cond}.")
    return first_site


def parallel_density(ctx, op, fam_name, suffix, first_site, grad, scale=None):
    """The branch of a univariate density over containers longer than one chunk: one call of
    `vilang.runtime.vectorised.density`, which runs the element loop in parallel chunks
    (value, check, `propto` drops and, with `grad`, the adjoints times `scale`), then the
    failure site, the value and the adjoints of active scalar arguments."""
    from vilang.runtime import vectorised
    fam = family(fam_name)[1]
    w, dst, r = ctx.w, op.dst.name, f"p{op.dst.name}_"     # (not r..._: another tuple type)
    real = real_arg_positions(op, fam)
    args, flags, bars = [], [], []
    for k, a in enumerate(op.args):
        container = isinstance(a, I.Var) and ndim(a.type) > 0
        active = k in real and isinstance(a, I.Var) and a.active
        if not container:
            args.append(_scalar(ctx, a, k not in real))
        elif k in real and a.type.base == "int":
            args.append(f"_rt.flat_float({a.name})")
        else:
            args.append(a.name if ndim(a.type) == 1 else f"_rt.flat({a.name})")
        flags.append(flag(active))
        wants_bar = grad and active and container
        bars.append((ctx.bar(a) if ndim(a.type) == 1 else f"_rt.flat({ctx.bar(a)})")
                    if wants_bar else "_rt.empty(0)")
    pad = vectorised.MAX_ARGS - len(op.args)
    args += ["0.0"] * pad
    flags += ["no_"] * pad
    bars += ["_rt.empty(0)"] * pad
    propto = "propto" if suffix in ("_lupdf", "_lupmf") else "no_"
    w.line(f"{r} = {ctx.ref(vectorised.density)}({fam_name!r}, {flag(grad)}, {propto}, "
           f"{scale or '1.0'}, ({', '.join(flags)}), {', '.join(bars)}, {', '.join(args)})")
    with w.block(f"if {r}[1] != 0:"):
        w.line(f"err[0] = {first_site} + {r}[1] - 1")
        w.line(ctx.fail_stmt)
    w.line(f"{dst} += {r}[0]")
    for k, a in enumerate(op.args):
        if grad and k in real and isinstance(a, I.Var) and a.active and ndim(a.type) == 0:
            w.line(f"{ctx.bar(a)} += {r}[{2 + k}]")


def univariate_adjoint(ctx, op, fam_name, suffix, fam):
    w = ctx.w
    g = ctx.bar(op.dst)
    if suffix in DENSITY:
        deriv = fam_fn(fam, "lpdf_d", "lpmf_d")
    else:
        deriv = fam_fn(fam, suffix[1:] + "_d")
    elems, looped = _loop_header(ctx, op, op.args, int_positions(op, fam))
    w.line(f"r{op.dst.name}_ = {ctx.ref(deriv)}({', '.join(elems)})")
    real_positions = real_arg_positions(op, fam)
    scale = g
    if suffix == "_cdf":
        # d(prod)/d x_i = prod / F_i * dF_i
        w.line(f"f_ = {ctx.ref(fam_fn(fam, 'cdf'))}({', '.join(elems)})")
        scale = f"({g} * {op.dst.name} / f_)"
    for k, a in enumerate(op.args):
        pos = real_positions.get(k)
        if pos is None or not (isinstance(a, I.Var) and a.active):
            continue
        target = f"{ctx.bar(a)}[i_]" if ndim(a.type) > 0 else ctx.bar(a)
        if ndim(a.type) > 1:
            target = f"_rt.flat({ctx.bar(a)})[i_]"
        w.line(f"{target} += {scale} * r{op.dst.name}_[{pos + 1}]")
    if looped:
        w.depth -= 1


def activity_flags(op: I.Op, fam) -> str:
    """`dropped` takes one flag per real-valued argument: is it a parameter?"""
    return ", ".join(flag(isinstance(op.args[k], I.Var) and op.args[k].active)
                     for k in sorted(real_arg_positions(op, fam)))


def flag(value: bool) -> str:
    """A boolean as a run-time (non-literal) value: numba would otherwise compile one
    specialisation of the callee per combination of literal flags."""
    return "yes_" if value else "no_"


def real_arg_positions(op, fam) -> dict[int, int]:
    """Argument position -> position among the derivatives the runtime returns."""
    out, pos = {}, 0
    int_params = set(getattr(fam, "int_params", ()) or ())
    names = ("y",) + tuple(fam.params)
    for k, name in enumerate(names[: len(op.args)]):
        if k == 0 and getattr(fam, "discrete", False):
            continue
        if name in int_params:
            continue
        out[k] = pos
        pos += 1
    return out


def rng_int_positions(op: I.Op, fam) -> frozenset:
    """Positions of int parameters in an _rng call (which has no variate)."""
    ints = set(getattr(fam, "int_params", ()) or ())
    return frozenset(k for k, name in enumerate(tuple(fam.params)[: len(op.args)])
                     if name in ints)


def rng_forward(ctx, op, fam):
    w, dst = ctx.w, op.dst.name
    rng = ctx.ref(fam_fn(fam, "rng"))
    containers = [a for a in op.args if isinstance(a, I.Var) and ndim(a.type) > 0]
    if not containers or op.dst.type.dims == 0 and ndim(op.dst.type) > 0:
        ints = rng_int_positions(op, fam)
        args = [_scalar(ctx, a, k in ints) for k, a in enumerate(op.args)]
        w.line(f"{dst} = {rng}({', '.join(args)})")
        return
    dtype = "np.int64" if op.dst.type.base == "int" else "np.float64"
    w.line(f"{dst} = np.empty({containers[0].name}.size, {dtype})")
    elems, looped = _loop_header(ctx, op, op.args, rng_int_positions(op, fam))
    w.line(f"{dst}[i_] = {rng}({', '.join(elems)})")
    w.depth -= 1


# ---------------------------------------------------------------- multivariate distributions
def mv_args(ctx, op, fam, rng: bool = False) -> str:
    """Arguments converted to the family's kinds: ints stay int, the rest become float."""
    kinds = fam.kinds[1:] if rng else fam.kinds
    if rng and getattr(fam, "rng_args", None):
        kinds = tuple(fam.kinds[fam.args.index(a)] for a in fam.rng_args)
    out = []
    for a, kind in zip(op.args, kinds):
        if kind.startswith("int") or a.type.base != "int":
            out.append(ctx.val(a))
        else:
            out.append(ctx.real(a) if ndim(a.type) == 0 else f"_rt.to_float({ctx.val(a)})")
    return ", ".join(out)


def multivariate_forward(ctx, op, fam_name, suffix, fam):
    w, dst = ctx.w, op.dst.name
    args = mv_args(ctx, op, fam, rng=suffix == "_rng")
    if suffix == "_rng":
        w.line(f"{dst} = {ctx.ref(fam_fn(fam, 'rng'))}({args})")
        return
    first_site = len(ctx.sites) + 1
    for cond in conditions(fam):
        ctx.site(op.loc, f"{op.prim}: {cond}.")
    w.line(f"c_ = {check_call(ctx, op, fam_name, fam, args)}")
    with w.block("if c_ != 0:"):
        w.line(f"err[0] = {first_site} + c_ - 1")
        w.line(ctx.fail_stmt)
    w.line(f"{dst} = {ctx.ref(fam_fn(fam, 'lpdf', 'lpmf'))}({args})")
    if suffix in ("_lupdf", "_lupmf"):
        flags = ", ".join(flag(isinstance(a, I.Var) and a.active) for a in op.args)
        with w.block("if propto:"):
            w.line(f"{dst} -= {ctx.ref(fam_fn(fam, 'dropped'))}({args}, {flags})")


def mv_real_positions(op: I.Op, fam) -> dict[int, int]:
    """Argument position -> position among the derivatives of a multivariate family."""
    out, pos = {}, 0
    for k, kind in enumerate(fam.kinds[: len(op.args)]):
        if kind.startswith("int"):
            continue
        out[k] = pos
        pos += 1
    return out


def check_call(ctx, op: I.Op, fam_name: str, fam, args: str) -> str:
    """The argument check of a multivariate density.  A GLM's x that is data is checked for
    finiteness (a scan of the whole matrix: a quarter of a logistic regression's gradient)
    only while err[1] is 0: a caller sets err[1] = 1 once the kernel has run without failure
    on the same data (a bound model, the ADVI loop, the draws; a minibatch after each new
    batch), so the scan runs once instead of at every evaluation."""
    check = ctx.ref(fam_fn(fam, "check"))
    if fam_name.endswith("_glm") and not _active(op.args[1]):
        return f"{check}({args}, err[1] != 0)"
    return f"{check}({args})"


def gradient_fn(op: I.Op, fam_name: str, fam):
    """The runtime function for a multivariate density with its gradient: a GLM whose x is
    data skips d x (`_d_nox`), and normal_id_glm with a data y skips d y too (`_d_data`)."""
    names = ("lpdf_d", "lpmf_d")
    if fam_name.endswith("_glm") and not _active(op.args[1]):
        names = ("d_nox",) + names
        if not _active(op.args[0]):
            names = ("d_data",) + names
    return fam_fn(fam, *names)


def _active(a) -> bool:
    return isinstance(a, I.Var) and a.active


def multivariate_adjoint(ctx, op, fam_name, suffix, fam):
    w, g = ctx.w, ctx.bar(op.dst)
    args = mv_args(ctx, op, fam)
    w.line(f"r{op.dst.name}_ = {ctx.ref(gradient_fn(op, fam_name, fam))}({args})")
    for k, pos in mv_real_positions(op, fam).items():
        a = op.args[k]
        if isinstance(a, I.Var) and a.active:
            ctx.acc(ctx.bar(a), f"r{op.dst.name}_[{pos + 1}]", ndim(a.type) > 0, scale=g)


# ---------------------------------------------------------------- user functions
def _user_args(ctx: KernelContext, op: I.Op) -> list[str]:
    """Arguments of a user call: values, then the target accumulator of an _lp function and
    the propto flag (set for `~` and _lupdf calls, which drop constants inside)."""
    args = [ctx.val(a) for a in op.args]
    name = op.prim[len("user:"):].rstrip("~")
    if name.endswith("_lp"):
        args.append("lp_")
    return args


def _propto(op: I.Op) -> str:
    return "propto" if op.prim.endswith("~") else "no_"


def user_call_forward(ctx: KernelContext, op: I.Op):
    name = ctx.user_function_name(op)
    args = _user_args(ctx, op)
    is_lp = op.prim.rstrip("~").endswith("_lp")
    if is_lp:
        ctx.w.line("lp_ = _rt.zeros(1)")
    call = f"{name}({', '.join(args + [_propto(op), 'err'])})"
    ctx.w.line(f"{op.dst.name} = {call}" if op.dst.name != "_void" else call)
    with ctx.w.block("if err[0] != 0:"):
        ctx.w.line(ctx.fail_stmt)
    if is_lp:
        ctx.w.line(f"{ctx.target} += lp_[0]")


def user_call_adjoint(ctx: KernelContext, op: I.Op):
    name = ctx.user_function_name(op) + "_vjp"
    args = _user_args(ctx, op)
    if op.prim.rstrip("~").endswith("_lp"):
        ctx.w.line("lp_ = _rt.zeros(1)")
    g = ctx.bar(op.dst) if op.dst.name != "_void" and op.dst.active else "0.0"
    ctx.w.line(f"r{op.dst.name}_ = {name}({', '.join(args + [g, _propto(op), 'err'])})")
    real_args = [a for a in op.args if a.type.base != "int"]
    for k, a in enumerate(real_args):
        if isinstance(a, I.Var) and a.active:
            ctx.acc(ctx.bar(a), f"r{op.dst.name}_[{k}]", ndim(a.type) > 0)


# ---------------------------------------------------------------- fused value and adjoint
def is_density(op: I.Op) -> bool:
    fam_name, suffix = split_suffix(op.prim)
    return suffix in DENSITY and family(fam_name)[1] is not None


def density_with_adjoint(ctx: KernelContext, op: I.Op, scale: str | None = None):
    """`dst = density(...)` and the adjoints of its arguments for a seed of 1 (a `target +=`
    whose reverse runs right away), from one call of the `_d` kernel per element: the value
    comes with the partials, so nothing is computed twice.  `scale`: the seed's name when it
    is not 1 (the N / B of a minibatch kernel)."""
    fam_name, suffix = split_suffix(op.prim)
    kind, fam = family(fam_name)
    w, dst = ctx.w, op.dst.name
    if kind == "univariate":
        w.line(f"{dst} = 0.0")
        sites = []

        def chunked(n):
            sites.append(condition_sites(ctx, op, fam))
            parallel_density(ctx, op, fam_name, suffix, sites[0], grad=True, scale=scale)
        elems, looped = _loop_header(ctx, op, op.args, int_positions(op, fam),
                                     chunked if over_observations(op) else None)
        first_site = sites[0] if sites else condition_sites(ctx, op, fam)
        w.line(f"c_ = {ctx.ref(fam_fn(fam, 'check'))}({', '.join(elems)})")
        with w.block("if c_ != 0:"):
            w.line(f"err[0] = {first_site} + c_ - 1")
            w.line(ctx.fail_stmt)
        w.line(f"r{op.dst.name}_ = {ctx.ref(fam_fn(fam, 'lpdf_d', 'lpmf_d'))}({', '.join(elems)})")
        w.line(f"{dst} += r{op.dst.name}_[0]")
        if suffix in ("_lupdf", "_lupmf"):
            with w.block("if propto:"):
                w.line(f"{dst} -= {ctx.ref(fam_fn(fam, 'dropped'))}({', '.join(elems)}, "
                       f"{activity_flags(op, fam)})")
        for k, pos in real_arg_positions(op, fam).items():
            a = op.args[k]
            if not (isinstance(a, I.Var) and a.active):
                continue
            target = ctx.bar(a) if ndim(a.type) == 0 else (
                f"{ctx.bar(a)}[i_]" if ndim(a.type) == 1 else f"_rt.flat({ctx.bar(a)})[i_]")
            w.line(f"{target} += {scale + ' * ' if scale else ''}r{op.dst.name}_[{pos + 1}]")
        w.depth -= looped
        return
    args = mv_args(ctx, op, fam)
    first_site = len(ctx.sites) + 1
    for cond in conditions(fam):
        ctx.site(op.loc, f"{op.prim}: {cond}.")
    w.line(f"c_ = {check_call(ctx, op, fam_name, fam, args)}")
    with w.block("if c_ != 0:"):
        w.line(f"err[0] = {first_site} + c_ - 1")
        w.line(ctx.fail_stmt)
    w.line(f"r{op.dst.name}_ = {ctx.ref(gradient_fn(op, fam_name, fam))}({args})")
    w.line(f"{dst} = r{op.dst.name}_[0]")
    if suffix in ("_lupdf", "_lupmf"):
        flags = ", ".join(flag(isinstance(a, I.Var) and a.active) for a in op.args)
        with w.block("if propto:"):
            w.line(f"{dst} -= {ctx.ref(fam_fn(fam, 'dropped'))}({args}, {flags})")
    for k, pos in mv_real_positions(op, fam).items():
        a = op.args[k]
        if isinstance(a, I.Var) and a.active:
            ctx.acc(ctx.bar(a), f"r{op.dst.name}_[{pos + 1}]", ndim(a.type) > 0, scale)
