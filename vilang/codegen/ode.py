"""ODE solvers: `integrate_ode_rk45/bdf/adams(f, y0, t0, ts, theta, x_r, x_i[, rtol, atol,
max_steps])` and `ode_rk45/bdf/adams/ckrk[_tol](f, y0, t0, ts, [rtol, atol, max_steps,] ...)`.

Each call site gets a solver kernel generated for its right-hand side `f` (a user function):
an adaptive Dormand-Prince 5(4) integrator that can also integrate the forward sensitivities
S = d y(t) / d p of the state with respect to the parameters p (the initial state and the real
arguments passed through to f).  dS/dt = J_y S + J_p, with the Jacobian rows of f obtained from
its reverse-mode kernel f_vjp (one call per state component).  The op's forward runs the plain
solve; its adjoint re-solves with sensitivities and contracts them with the output's adjoint.
All four method names use this solver: it suits the non-stiff systems of most models; a stiff
system shows up as the step limit being reached (a domain error naming the call).
"""
from __future__ import annotations

from vilang.codegen.context import KernelContext
from vilang.codegen.writer import ndim
from vilang.ir import nodes as I

DEFAULT_TOL = ("1e-6", "1e-6", "1000000")


def split(op: I.Op):
    """(kind, function name, y0, t0, ts, (rtol, atol, max_steps), extra args)."""
    _, method, fname = op.prim.split(":")
    args = list(op.args)
    y0, t0, ts = args[0], args[1], args[2]
    rest = args[3:]
    if method.startswith("integrate_ode"):
        extras = rest[:3]
        tol = rest[3:6] if len(rest) > 3 else None
    elif method.endswith("_tol"):
        tol, extras = rest[:3], rest[3:]
    else:
        tol, extras = None, rest
    return method, fname, y0, t0, ts, tol, extras


def solver_name(op: I.Op) -> str:
    return "ode_" + op.dst.name


def call_args(ctx: KernelContext, op: I.Op):
    method, fname, y0, t0, ts, tol, extras = split(op)
    tol_args = [ctx.val(t) if k == 2 else ctx.real(t) for k, t in enumerate(tol)] if tol \
        else list(DEFAULT_TOL)
    y0_arg = f"_rt.to_float({ctx.val(y0)})" if y0.type.base == "int" else ctx.val(y0)
    ts_arg = f"_rt.to_float({ctx.val(ts)})" if ts.type.base == "int" else ctx.val(ts)
    return ([y0_arg, ctx.real(t0), ts_arg] + tol_args
            + [ctx.real(a) if a.type.base == "int" and ndim(a.type) == 0 and False
               else ctx.val(a) for a in extras])


def forward(ctx: KernelContext, op: I.Op):
    ctx.ode_sites.append(op)
    sid = ctx.site(op.loc, f"{op.prim.split(':')[1]}: the solver failed (a non-finite state, "
                           "or the maximum number of steps reached: the system may be stiff "
                           "or the tolerances too tight).")
    args = ", ".join(call_args(ctx, op))
    w = ctx.w
    w.line(f"{op.dst.name}, ok_ = {solver_name(op)}({args}, False, propto, err)[:2]")
    with w.block("if not ok_:"):
        w.line(f"err[0] = {sid}")
        w.line(ctx.fail_stmt)


def adjoint(ctx: KernelContext, op: I.Op):
    method, fname, y0, t0, ts, tol, extras = split(op)
    args = ", ".join(call_args(ctx, op))
    w, g = ctx.w, ctx.bar(op.dst)
    r = f"s{op.dst.name}_"
    w.line(f"{r} = {solver_name(op)}({args}, True, propto, err)")
    w.line(f"sens_ = {r}[2]")
    offsets = sensitivity_layout(y0, extras)
    for x, start, size in offsets:
        if not (isinstance(x, I.Var) and x.active):
            continue
        w.line(f"b_ = _rt.ode_contract(sens_, {g}, {start}, {size})")
        if ndim(x.type) == 0:
            ctx.acc(ctx.bar(x), "b_[0]", False)
        else:
            ctx.acc(ctx.bar(x), f"_rt.reshaped(b_, {x.name}.shape)", True)


def sensitivity_layout(y0, extras):
    """(operand, offset expression, size expression) of each parameter block in p."""
    out, start = [], "0"
    for x in [y0] + [a for a in extras if a.type.base != "int"]:
        size = "1" if ndim(x.type) == 0 else f"{x.name}.size" if isinstance(x, I.Var) else "1"
        out.append((x, start, size))
        start = f"{start} + {size}"
    return out


def solver_source(op: I.Op, builder) -> str:
    """The generated solver kernel for one call site."""
    method, fname, y0, t0, ts, tol, extras = split(op)
    f = builder.user_function_name(I.Op(op.dst, "user:" + fname, (t0, y0) + tuple(extras)))
    extra_names = [f"a{k}" for k in range(len(extras))]
    real_extras = [(n, a) for n, a in zip(extra_names, extras) if a.type.base != "int"]
    params = ", ".join(["y0", "t0", "ts", "rtol", "atol", "max_steps"] + extra_names
                       + ["want_sens", "propto", "err"])
    old_style = method.startswith("integrate_ode")
    call_extra = ", ".join(extra_names)
    rhs = f"{f}(t, y, {call_extra}{', ' if extra_names else ''}propto, err)"
    vjp = f"{f}_vjp(t, y, {call_extra}{', ' if extra_names else ''}g_, propto, err)"
    # number of sensitivity parameters and where each real extra argument's block starts
    m_expr = " + ".join(["y0.shape[0]"] + [f"{_size(n, a)}" for n, a in real_extras])
    P = _pass(extra_names)
    lines = [
        "@kernel",
        f"def {solver_name(op)}({params}):",
        f'    """RK45 (Dormand-Prince) for {fname}; returns (states, ok, sensitivities)."""',
        "    n = y0.shape[0]",
        f"    m = ({m_expr}) if want_sens else 0",
        "    dim = n + n * m",
        "    z = _rt.zeros(dim)",
        "    for i in range(n):",
        "        z[i] = y0[i]",
        "    if want_sens:",
        "        for i in range(n):",
        "            z[n + i * m + i] = 1.0",
        "    nt = ts.shape[0]",
        "    out = _rt.nans((nt, n))",
        "    sens = _rt.zeros3(nt, n, max(m, 1))",
        "    t = t0",
        "    h = 0.0",
        "    steps = 0",
        "    k1 = _rhs(t, z, n, m, want_sens" + _pass(extra_names) + ", propto, err)",
        "    for j in range(nt):",
        "        t_end = ts[j]",
        "        if not (t_end >= t) or not np.isfinite(t_end):",
        "            return out, False, sens",
        "        if h == 0.0:",
        "            h = max(abs(t_end - t) * 1e-3, 1e-8)",
        "        while t < t_end:",
        "            steps += 1",
        "            if steps > max_steps:",
        "                return out, False, sens",
        "            h = min(h, t_end - t)",
        "            k2 = _rhs(t + h * 0.2, _rt.dp_combine(z, h, 0.2, k1, 0.0, k1, 0.0, k1, 0.0, k1, 0.0, k1, 0.0, k1), n, m, want_sens" + P + ", propto, err)",
        "            k3 = _rhs(t + h * 0.3, _rt.dp_combine(z, h, 3 / 40, k1, 9 / 40, k2, 0.0, k1, 0.0, k1, 0.0, k1, 0.0, k1), n, m, want_sens" + P + ", propto, err)",
        "            k4 = _rhs(t + h * 0.8, _rt.dp_combine(z, h, 44 / 45, k1, -56 / 15, k2, 32 / 9, k3, 0.0, k1, 0.0, k1, 0.0, k1), n, m, want_sens" + P + ", propto, err)",
        "            k5 = _rhs(t + h * 8 / 9, _rt.dp_combine(z, h, 19372 / 6561, k1, -25360 / 2187, k2, 64448 / 6561, k3, -212 / 729, k4, 0.0, k1, 0.0, k1), n, m, want_sens" + P + ", propto, err)",
        "            k6 = _rhs(t + h, _rt.dp_combine(z, h, 9017 / 3168, k1, -355 / 33, k2, 46732 / 5247, k3, 49 / 176, k4, -5103 / 18656, k5, 0.0, k1), n, m, want_sens" + P + ", propto, err)",
        "            z5 = _rt.dp_combine(z, h, 35 / 384, k1, 0.0, k2, 500 / 1113, k3, 125 / 192, k4, -2187 / 6784, k5, 11 / 84, k6)",
        "            k7 = _rhs(t + h, z5, n, m, want_sens" + P + ", propto, err)",
        "            e = _rt.dp_combine(_rt.zeros(dim), h, 71 / 57600, k1, -71 / 16695, k3, 71 / 1920, k4, -17253 / 339200, k5, 22 / 525, k6, -1 / 40, k7)",
        "            if err[0] != 0:",
        "                return out, False, sens",
        "            q = _rt.dp_error(z, z5, e, atol, rtol)",
        "            if not np.isfinite(q):",
        "                if h < 1e-14:",
        "                    return out, False, sens",
        "                h *= 0.25",
        "                continue",
        "            if q <= 1.0:",
        "                t = t + h",
        "                z = z5",
        "                k1 = k7",
        "            h *= min(5.0, max(0.2, 0.9 * (q + 1e-300) ** -0.2))",
        "        for i in range(n):",
        "            out[j, i] = z[i]",
        "            for k in range(m):",
        "                sens[j, i, k] = z[n + i * m + k]",
        "    return out, True, sens",
        "",
        "",
        "    # the right-hand side of the coupled system",
    ]
    rhs_fn = _rhs_source(op, f, rhs, vjp, extra_names, real_extras, old_style)
    src = "\n".join(lines[:-3]) + "\n\n\n" + rhs_fn
    return src.replace("_rhs(", f"_rhs_{solver_name(op)}(")


def _size(name, a) -> str:
    return "1" if ndim(a.type) == 0 else f"{name}.size"


def _pass(names) -> str:
    return "".join(f", {n}" for n in names)


def _rhs_source(op, f, rhs, vjp, extra_names, real_extras, old_style) -> str:
    params = ", ".join(["t", "z", "n", "m", "want_sens"] + extra_names + ["propto", "err"])
    y_conv = "y = _rt.copy(z[:n])"
    lines = [
        "@kernel",
        f"def _rhs({params}):",
        "    dz = _rt.zeros(z.shape[0])",
        f"    {y_conv}",
        f"    fy = {rhs}",
        "    if fy.shape[0] != n:",
        "        err[0] = -1",
        "        return dz",
        "    for i in range(n):",
        "        dz[i] = fy[i]",
        "    if not want_sens:",
        "        return dz",
        "    # Jacobian rows from the reverse-mode kernel: J[i] = d f_i / d (y, args)",
        "    jy = _rt.zeros2(n, n)",
        "    jp = _rt.zeros2(n, m)",
        "    for i in range(n):",
        "        g_ = _rt.zeros(n)",
        "        g_[i] = 1.0",
        f"        r_ = {vjp}",
        "        _rt.set_row(jy, i, 0, r_[1])",
    ]
    # columns of p: y0 first (no direct effect), then each real extra argument
    offset = "n"
    for k, (name, a) in enumerate(real_extras):
        size = "1" if ndim(a.type) == 0 else f"{name}.size"
        lines.append(f"        _rt.set_row(jp, i, {offset}, r_[{k + 2}])")
        offset = f"{offset} + {size}"
    lines += [
        "    ds = _rt.ode_coupled(jy, z[n:], jp, n, m)",
        "    for i in range(n * m):",
        "        dz[n + i] = ds[i]",
        "    return dz",
    ]
    return "\n".join(lines) + "\n"
