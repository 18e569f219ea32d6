"""Elementwise operations over any mix of scalars and same-shaped containers.

Forward: allocate the result with the shape of the container arguments and loop over the flat
elements, broadcasting scalars.  Adjoint: the same loop, accumulating `bar(dst)[i] * d/d arg`
into each active argument's adjoint (summed over elements for a scalar argument).
"""
from __future__ import annotations

from typing import Callable

from vilang.codegen.context import KernelContext
from vilang.codegen.writer import ndim
from vilang.ir import nodes as I


def is_container(x) -> bool:
    return ndim(x.type) > 0


def flat_view(name: str, like) -> str:
    """A 1-D view of a container (the array itself when it is already 1-D)."""
    return name if ndim(like.type) == 1 else f"_rt.flat({name})"


def element(ctx: KernelContext, x, flat: str, i: str, real: bool = True) -> str:
    if is_container(x):
        return f"{flat}[{i}]"
    return ctx.real(x) if real else ctx.val(x)


def forward(ctx: KernelContext, op: I.Op, scalar: Callable[[list[str]], str],
            real_args: bool = True):
    """dst = scalar(elements) elementwise; `scalar` maps argument element expressions to the
    element expression of the result."""
    w, dst = ctx.w, op.dst.name
    containers = [a for a in op.args if is_container(a)]
    if not containers:
        args = [ctx.real(a) if real_args else ctx.val(a) for a in op.args]
        w.line(f"{dst} = {scalar(args)}")
        return
    ref = containers[0].name
    for other in containers[1:]:
        ctx.fail_if(f"{ref}.shape != {other.name}.shape", op.loc,
                    "Containers in an elementwise operation must have the same size.")
    maker = "empty_like_int" if op.dst.type.base == "int" else "empty_like"
    w.line(f"{dst} = _rt.{maker}({ref})")
    w.line(f"{dst}_f = {flat_view(dst, containers[0])}")
    flats = {a.name: f"{a.name}_f{op.dst.name}" for a in containers}
    for a in containers:
        w.line(f"{flats[a.name]} = {flat_view(a.name, a)}")
    with w.block(f"for i_ in range({dst}_f.shape[0]):"):
        args = [element(ctx, a, flats.get(getattr(a, "name", None), ""), "i_", real_args)
                for a in op.args]
        w.line(f"{dst}_f[i_] = {scalar(args)}")


def adjoint(ctx: KernelContext, op: I.Op,
            partials: Callable[[list[str], str], list[str | None]], prelude=None):
    """Accumulate adjoints; `partials(arg_elements, dst_element)` gives, per argument, the
    expression of d dst / d arg (None for arguments that are not active).  `prelude(args)`
    may return a line computing shared values first (e.g. `r_ = f_d(x)`)."""
    w = ctx.w
    active = [isinstance(a, I.Var) and a.active for a in op.args]
    if not any(active):
        return
    containers = [a for a in op.args if is_container(a)]
    dbar = ctx.bar(op.dst)
    if not containers:
        args = [ctx.real(a) for a in op.args]
        if prelude:
            w.line(prelude(args))
        for a, act, d in zip(op.args, active, partials(args, op.dst.name)):
            if act and d is not None:
                w.line(f"{ctx.bar(a)} += {dbar} * ({d})")
        return
    flats = {a.name: f"{a.name}_f{op.dst.name}" for a in containers}
    for a in containers:
        w.line(f"{flats[a.name]} = {flat_view(a.name, a)}")
    w.line(f"{dbar}_f = {flat_view(dbar, op.dst)}")
    w.line(f"{op.dst.name}_f = {flat_view(op.dst.name, op.dst)}")
    for a, act in zip(op.args, active):
        if act and is_container(a):
            w.line(f"{ctx.bar(a)}_f = {flat_view(ctx.bar(a), a)}")
    with w.block(f"for i_ in range({dbar}_f.shape[0]):"):
        args = [element(ctx, a, flats.get(getattr(a, "name", None), ""), "i_")
                for a in op.args]
        if prelude:
            w.line(prelude(args))
        for a, act, d in zip(op.args, active, partials(args, f"{op.dst.name}_f[i_]")):
            if not act or d is None:
                continue
            target = f"{ctx.bar(a)}_f[i_]" if is_container(a) else ctx.bar(a)
            w.line(f"{target} += {dbar}_f[i_] * ({d})")
