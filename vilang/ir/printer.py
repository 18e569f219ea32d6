"""A readable text form of the IR (and gradient IR), for `vilang compile --emit ir`."""
from __future__ import annotations

from vilang.ir import nodes as I


def operand(x) -> str:
    return str(x) if x is not None else "_"


def index(i) -> str:
    if isinstance(i, I.Single):
        return operand(i.idx)
    return f"{operand(i.lo) if i.lo is not None else ''}:{operand(i.hi) if i.hi is not None else ''}"


def op_text(op) -> str:
    if isinstance(op, I.Select):
        return (f"{op.dst}: {op.dst.type} = select {op.cond} "
                f"[{'; '.join(op_text(o) for o in op.then_ops)}] {op.then} "
                f"[{'; '.join(op_text(o) for o in op.else_ops)}] {op.orelse}")
    mark = " (active)" if op.dst.active else ""
    idx = f"[{', '.join(index(i) for i in op.indices)}]" if op.indices else ""
    return f"{op.dst}: {op.dst.type}{mark} = {op.prim}({', '.join(map(operand, op.args))}){idx}"


def stmt_lines(s, depth=0) -> list[str]:
    pad = "  " * depth
    line = f"  # line {s.loc.line}" if s.loc and s.loc.line else ""
    out = [pad + "  " + op_text(op) for op in s.ops]
    name = type(s).__name__
    fields = {k: v for k, v in vars(s).items() if k not in ("ops", "loc", "body", "then",
                                                             "orelse", "cond_ops", "param")}
    desc = ", ".join(f"{k}={_short(v)}" for k, v in fields.items())
    if isinstance(s, I.Parameter):
        return [pad + f"param {s.name}: {s.var.type} {s.transform}"]
    out.append(pad + f"{name}({desc}){line}")
    for attr in ("cond_ops",):
        for op in getattr(s, attr, []) or []:
            out.append(pad + "  cond: " + op_text(op))
    for attr in ("body", "then", "orelse"):
        body = getattr(s, attr, None)
        if isinstance(body, list) and body:
            out.append(pad + f"  {attr}:")
            for t in body:
                out.extend(stmt_lines(t, depth + 2))
    return out


def _short(v) -> str:
    if isinstance(v, (tuple, list)):
        return "(" + ", ".join(_short(x) for x in v) + ")"
    if isinstance(v, (I.Single, I.Slice)):
        return index(v)
    return str(v)


def program_text(p: I.Program, gradient: list | None = None) -> str:
    lines = ["data:"] + [f"  {n}: {v.type}" for n, v, _ in p.data]
    sections = [("transformed data", p.transformed_data),
                ("transformed parameters", p.transformed_parameters),
                ("model", p.model), ("generated quantities", p.generated_quantities)]
    lines.append("parameters:")
    lines += [f"  {q.name}: {q.var.type} ({q.transform})" for q in p.parameters]
    for fn in p.functions:
        lines.append(f"function {fn.name}({', '.join(f'{a}: {a.type}' for a in fn.args)})"
                     f" -> {fn.return_type}:")
        for s in fn.body:
            lines.extend(stmt_lines(s, 1))
    for title, stmts in sections:
        lines.append(f"{title}:")
        for s in stmts:
            lines.extend(stmt_lines(s, 1))
    if gradient is not None:
        lines.append("gradient (forward sweep, then reverse sweep):")
        for s in gradient:
            lines.extend(stmt_lines(s, 1))
    return "\n".join(lines) + "\n"
