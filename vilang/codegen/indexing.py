"""Indexing: reads `x[i, lo:hi, idxs]`, their adjoints (scatter-add), and indexed stores.

Indices are 1-based in the IR and checked against the extent of their axis (an out-of-range
index is a domain error, never a crash).  Only single indexes: a view (no copy), since the
common `X[n]` inside a loop must not allocate.  With slices or multi-indexes: an explicit loop
nest over 0-based index arrays.
"""
from __future__ import annotations

from vilang.codegen.context import KernelContext
from vilang.codegen.writer import ndim
from vilang.ir import nodes as I


def all_single(indices) -> bool:
    return all(isinstance(i, I.Single) and i.idx.type.dims == 0 for i in indices)


def plan(ctx: KernelContext, base: str, base_ndim: int, indices, loc, key: str):
    """Per axis: ("single", i0) or ("many", idx_array_name); emits bounds checks.  Axes past
    the indexed ones are whole ranges (not materialised when every index is single)."""
    w = ctx.w
    axes = []
    for k, ix in enumerate(indices):
        extent = f"{base}.shape[{k}]"
        if isinstance(ix, I.Single) and ix.idx.type.dims == 0:
            i = ctx.val(ix.idx)
            ctx.fail_if(f"not (1 <= {i} <= {extent})", loc,
                        f"Index out of range: index {k + 1} must be between 1 and the size.")
            axes.append(("single", f"{i} - 1"))
        elif isinstance(ix, I.Single):
            name = f"ix{k}_{key}"
            ctx.fail_if(f"not _rt.check_indices({ix.idx.name}, {extent})", loc,
                        f"Multi-index out of range at index {k + 1}.")
            w.line(f"{name} = {ix.idx.name} - 1")
            axes.append(("many", name))
        else:
            lo = ctx.val(ix.lo) if ix.lo is not None else "1"
            hi = ctx.val(ix.hi) if ix.hi is not None else extent
            name = f"ix{k}_{key}"
            w.line(f"{name} = _rt.slice_range({lo}, {hi}, {extent})")
            ctx.fail_if(f"{name}.shape[0] > 0 and ({name}[0] < 0 or {name}[-1] >= {extent})",
                        loc, f"Slice out of range at index {k + 1}.")
            axes.append(("many", name))
    for k in range(len(indices), base_ndim if not all_single(indices) else 0):
        name = f"ix{k}_{key}"
        w.line(f"{name} = _rt.arange({base}.shape[{k}])")
        axes.append(("many", name))
    return axes


def _loops(ctx, axes, body):
    """Emit nested loops over the "many" axes; body(src_index, dst_index) emits the inner line."""
    w = ctx.w
    src, dst, depth = [], [], 0
    for kind, v in axes:
        if kind == "single":
            src.append(v)
        else:
            j = f"j{depth}_"
            w.line(f"for {j} in range({v}.shape[0]):")
            w.depth += 1
            src.append(f"{v}[{j}]")
            dst.append(j)
            depth += 1
    body(", ".join(src), ", ".join(dst))
    w.depth -= depth


def forward(ctx: KernelContext, op: I.Op):
    base = op.args[0]
    key = op.dst.name
    axes = plan(ctx, base.name, ndim(base.type), op.indices, op.loc, key)
    w, dst = ctx.w, op.dst.name
    if all(kind == "single" for kind, _ in axes[:len(op.indices)]) and \
            all(isinstance(i, I.Single) and i.idx.type.dims == 0 for i in op.indices):
        idx = ", ".join(v for kind, v in axes[:len(op.indices)])
        w.line(f"{dst} = {base.name}[{idx}]")
        return
    shape = ", ".join(f"{v}.shape[0]" for kind, v in axes if kind == "many")
    dtype = "np.int64" if op.dst.type.base == "int" else "np.float64"
    w.line(f"{dst} = np.empty(({shape},), {dtype})")
    _loops(ctx, axes, lambda s, d: w.line(f"{dst}[{d}] = {base.name}[{s}]"))


def adjoint(ctx: KernelContext, op: I.Op):
    base = op.args[0]
    key = op.dst.name + "b"
    g, gb = ctx.bar(op.dst), ctx.bar(base)
    axes = plan(ctx, base.name, ndim(base.type), op.indices, op.loc, key)
    w = ctx.w
    if all(isinstance(i, I.Single) and i.idx.type.dims == 0 for i in op.indices):
        idx = ", ".join(v for kind, v in axes[:len(op.indices)])
        ctx.acc(f"{gb}[{idx}]", g, ndim(base.type) > len(op.indices))
        return
    _loops(ctx, axes, lambda s, d: w.line(f"{gb}[{s}] += {g}[{d}]"))


def store(ctx: KernelContext, var: I.Var, indices, value, loc, key: str):
    """`var[indices] = value`."""
    w = ctx.w
    axes = plan(ctx, var.name, ndim(var.type), indices, loc, key)
    val = ctx.val(value) if var.type.base == "int" else ctx.real(value)
    if all(isinstance(i, I.Single) and i.idx.type.dims == 0 for i in indices):
        idx = ", ".join(v for kind, v in axes[:len(indices)])
        if ndim(var.type) > len(indices):
            w.line(f"_rt.assign_into({var.name}[{idx}], {val})")
        else:
            w.line(f"{var.name}[{idx}] = {val}")
        return
    _loops(ctx, axes, lambda s, d: w.line(f"{var.name}[{s}] = {val}[{d}]"))


def take_adjoint(ctx: KernelContext, var: I.Var, indices, value_bar: str, key: str):
    """`value_bar += bar(var)[indices]; bar(var)[indices] = 0`."""
    w = ctx.w
    vb = ctx.bar(var)
    axes = plan(ctx, var.name, ndim(var.type), indices, None, key)
    if all(isinstance(i, I.Single) and i.idx.type.dims == 0 for i in indices):
        idx = ", ".join(v for kind, v in axes[:len(indices)])
        scalar = ndim(var.type) == len(indices)
        if value_bar is not None:
            ctx.acc(value_bar, f"{vb}[{idx}]", not scalar)
        w.line(f"{vb}[{idx}] = 0.0" if scalar else f"_rt.fill({vb}[{idx}], 0.0)")
        return

    def body(s, d):
        if value_bar is not None:
            w.line(f"{value_bar}[{d}] += {vb}[{s}]")
        w.line(f"{vb}[{s}] = 0.0")
    _loops(ctx, axes, body)


def saved_value(ctx: KernelContext, var: I.Var, indices, key: str) -> str:
    """An expression holding a copy of `var[indices]` (for the tape)."""
    w = ctx.w
    if not indices:
        return var.name
    axes = plan(ctx, var.name, ndim(var.type), indices, None, key)
    if all(isinstance(i, I.Single) and i.idx.type.dims == 0 for i in indices):
        idx = ", ".join(v for kind, v in axes[:len(indices)])
        return f"{var.name}[{idx}]"
    shape = ", ".join(f"{v}.shape[0]" for kind, v in axes if kind == "many")
    name = f"old_{key}"
    dtype = "np.int64" if var.type.base == "int" else "np.float64"
    w.line(f"{name} = np.empty(({shape},), {dtype})")
    _loops(ctx, axes, lambda s, d: w.line(f"{name}[{d}] = {var.name}[{s}]"))
    return name
