"""Facts about IR statements (what they read, write and declare) and the jump-elimination pass
that the reverse-mode pass relies on."""
from __future__ import annotations

from dataclasses import replace
from itertools import count

from vilang.ir import nodes as I
from vilang.types import INT


# ---------------------------------------------------------------- reads / writes
def _operand_names(x) -> set[str]:
    if isinstance(x, I.Var):
        return {x.name}
    if isinstance(x, I.Single):
        return _operand_names(x.idx)
    if isinstance(x, I.Slice):
        return _operand_names(x.lo) | _operand_names(x.hi)
    return set()


def op_reads(ops) -> set[str]:
    out: set[str] = set()
    for op in ops:
        if isinstance(op, I.Select):
            out |= _operand_names(op.cond) | op_reads(op.then_ops) | op_reads(op.else_ops)
            out |= _operand_names(op.then) | _operand_names(op.orelse)
        else:
            for a in op.args:
                out |= _operand_names(a)
            for i in op.indices:
                out |= _operand_names(i)
    return out


def op_results(ops) -> set[str]:
    out: set[str] = set()
    for op in ops:
        out.add(op.dst.name)
        if isinstance(op, I.Select):
            out |= op_results(op.then_ops) | op_results(op.else_ops)
    return out


def children(s) -> list[list]:
    """The nested statement lists of a structured statement."""
    if isinstance(s, (I.For, I.While)):
        return [s.body]
    if isinstance(s, I.If):
        return [s.then, s.orelse]
    body = getattr(s, "body", None)
    return [body] if isinstance(body, list) else []


def reads(s) -> set[str]:
    """Names read by `s` (its ops, operands and nested statements), minus its own temps."""
    names = op_reads(s.ops) | op_reads(getattr(s, "cond_ops", []))
    for field_name in ("value", "lo", "hi", "cond"):
        names |= _operand_names(getattr(s, field_name, None))
    for i in getattr(s, "indices", ()):
        names |= _operand_names(i)
    for a in getattr(s, "args", ()) if not isinstance(s, I.Print) else (
            a for a in s.args if not isinstance(a, str)):
        names |= _operand_names(a)
    for i in getattr(s, "shape", ()):
        names |= _operand_names(i)
    if isinstance(s, I.Assign) and s.indices:
        names.add(s.var.name)
    for body in children(s):
        for t in body:
            names |= reads(t)
    return names - op_results(s.ops) - op_results(getattr(s, "cond_ops", []))


def writes(s) -> set[str]:
    """Names assigned or declared by `s`, including in nested statements (not op temps)."""
    names: set[str] = set()
    if isinstance(s, (I.Assign, I.Declare)):
        names.add(s.var.name)
    if isinstance(s, I.For):
        names.add(s.var.name)
    for body in children(s):
        for t in body:
            names |= writes(t)
    return names


def declared(s) -> set[str]:
    """Names whose declaration (or loop variable) lies inside `s`."""
    names: set[str] = set()
    if isinstance(s, I.Declare):
        names.add(s.var.name)
    if isinstance(s, I.For):
        names.add(s.var.name)
    for body in children(s):
        for t in body:
            names |= declared(t)
    return names


# ---------------------------------------------------------------- jump elimination
_flags = count(1)


def has_jump(stmts, kinds=(I.Break, I.Continue)) -> bool:
    """True when `stmts` contain a break/continue belonging to the enclosing loop."""
    for s in stmts:
        if isinstance(s, kinds):
            return True
        if isinstance(s, I.If) and has_jump(s.then + s.orelse, kinds):
            return True
    return False


def eliminate_jumps(stmts: list) -> list:
    """Rewrite loops so `break`/`continue` become flags guarding the rest of the body.

    The reverse sweep replays a loop body statement by statement, so it needs bodies where
    every iteration runs the same statement list; `for` loops keep their trip count (a broken
    loop's remaining iterations do nothing) and `while` loops test the break flag first.
    """
    return flatten([_loop_without_jumps(s) for s in stmts])


def _loop_without_jumps(s):
    if isinstance(s, I.If):
        return replace(s, then=eliminate_jumps(s.then), orelse=eliminate_jumps(s.orelse))
    if not isinstance(s, (I.For, I.While)):
        return s
    body = eliminate_jumps(s.body)   # inner loops first
    if not has_jump(body):
        return replace(s, body=body)
    n = next(_flags)
    brk, cont = I.Var(f"brk{n}", INT), I.Var(f"cont{n}", INT)
    zero, one = I.Const(0, INT), I.Const(1, INT)
    body, _ = _guard(body, brk, cont)
    go = I.Var(f"go{n}", INT)
    test = I.Op(go, "logical_eq", (brk, zero), loc=s.loc)
    body = [I.Assign(cont, (), zero, loc=s.loc),
            I.If(go, body, [], loc=s.loc, ops=[test])]
    setup = I.Assign(brk, (), zero, loc=s.loc)
    if isinstance(s, I.For):
        return _Sequence([setup, replace(s, body=body)])
    both = I.Var(f"gocond{n}", INT)
    cond_ops = [test, I.Select(both, go, tuple(s.cond_ops), s.cond, (), zero, loc=s.loc)]
    return _Sequence([setup, replace(s, cond_ops=cond_ops, cond=both, body=body)])


class _Sequence(list):
    """Several statements standing in for one; flattened by `flatten`."""


def _guard(stmts, brk, cont):
    """Replace jumps by flag assignments; guard statements after a possible jump."""
    out = []
    for i, s in enumerate(stmts):
        if isinstance(s, I.Break):
            out.append(I.Assign(brk, (), I.Const(1, INT), loc=s.loc))
            return out, True
        if isinstance(s, I.Continue):
            out.append(I.Assign(cont, (), I.Const(1, INT), loc=s.loc))
            return out, True
        if isinstance(s, I.If) and has_jump(s.then + s.orelse):
            then, _ = _guard(s.then, brk, cont)
            orelse, _ = _guard(s.orelse, brk, cont)
            out.append(replace(s, then=then, orelse=orelse))
            rest, _ = _guard(stmts[i + 1:], brk, cont)
            if rest:
                ok = I.Var(f"ok{next(_flags)}", INT)
                neither = I.Var(f"nj{next(_flags)}", INT)
                ops = [I.Op(ok, "add", (brk, cont), loc=s.loc),
                       I.Op(neither, "logical_eq", (ok, I.Const(0, INT)), loc=s.loc)]
                out.append(I.If(neither, rest, [], loc=s.loc, ops=ops))
            return out, True
        out.append(s)
    return out, False


def flatten(stmts: list) -> list:
    out = []
    for s in stmts:
        if isinstance(s, _Sequence):
            out.extend(flatten(list(s)))
        else:
            out.append(s)
    return out


# ---------------------------------------------------------------- return elimination
def eliminate_returns(stmts: list, ret: I.Var | None, done: I.Var) -> list:
    """Rewrite a function body so it has no `return`: the value goes to `ret`, `done` is set,
    loops are left with `break`, and statements after a possible return are guarded.  The
    reverse sweep of a function needs a single exit."""
    return [I.Assign(done, (), I.Const(0, INT))] + _no_returns(stmts, ret, done, False)


def _has_return(stmts) -> bool:
    for s in stmts:
        if isinstance(s, I.Return):
            return True
        if any(_has_return(body) for body in children(s)):
            return True
    return False


def _no_returns(stmts, ret, done, in_loop) -> list:
    out = []
    for i, s in enumerate(stmts):
        if isinstance(s, I.Return):
            if s.value is not None and ret is not None:
                out.append(I.Assign(ret, (), s.value, loc=s.loc, ops=s.ops))
            out.append(I.Assign(done, (), I.Const(1, INT), loc=s.loc))
            if in_loop:
                out.append(I.Break(loc=s.loc))
            return out
        if not any(_has_return(b) for b in children(s)):
            out.append(s)
            continue
        if isinstance(s, I.If):
            out.append(replace(s, then=_no_returns(s.then, ret, done, in_loop),
                               orelse=_no_returns(s.orelse, ret, done, in_loop)))
        else:
            out.append(replace(s, body=_no_returns(s.body, ret, done, True)))
        rest = stmts[i + 1:]
        flag = I.Var(f"nd{next(_flags)}", INT)
        test = [I.Op(flag, "logical_eq", (done, I.Const(0, INT)), loc=s.loc)]
        guarded = _no_returns(rest, ret, done, in_loop) if rest else []
        if in_loop:
            out.append(I.If(flag, guarded, [I.Break(loc=s.loc)], loc=s.loc, ops=test))
        elif guarded:
            out.append(I.If(flag, guarded, [], loc=s.loc, ops=test))
        return out
    return out
