"""Reverse-mode differentiation of the IR.

`differentiate(stmts)` returns the statements of a gradient kernel body: a forward sweep that
saves what it overwrites and records control flow, then a reverse sweep that walks statements
backwards (restore, recompute, seed, backpropagate; see `vilang.autodiff.nodes`).

Statements that only add to the target, and read nothing written after them, are *fused*:
their reverse runs immediately after their forward (for a loop, inside each iteration), so the
common likelihood loop is a single pass with no tape and no recomputation.  Everything else
goes through the global reverse sweep (Tapenade-style store-on-overwrite).
"""
from __future__ import annotations

from dataclasses import replace

from vilang.autodiff import nodes as D
from vilang.ir import nodes as I
from vilang.ir.analysis import children, eliminate_jumps, op_results, reads, writes, declared
from vilang.types import INT


def differentiate(stmts: list, counter_start: int = 0) -> list:
    """Gradient statements for `stmts` (transformed parameters followed by the model)."""
    forward, backward = sweeps(stmts, counter_start)
    return forward + backward


def sweeps(stmts: list, counter_start: int = 0) -> tuple[list, list]:
    """(forward sweep, reverse sweep) for `stmts`."""
    stmts = eliminate_jumps(stmts)
    d = Differentiator(counter_start)
    forward, backward = [], []
    written: set = set()
    later_writes = _suffix_writes(stmts)
    later_temps = _suffix_temps(stmts)
    declared_once = _declared_once(stmts)
    for i, s in enumerate(stmts):
        if d.fusable(s, later_writes[i + 1]):
            forward.append(d.fused(s))
        else:
            annotated = d.forward_stmt(s, False, written)
            forward.extend(annotated)
            # A top-level statement runs once: its temporaries still hold their values in
            # the reverse sweep unless a later statement overwrites them or what they read.
            again = (isinstance(s, (I.For, I.While, I.If)) or bool(reads(s) & later_writes[i + 1])
                     or bool(_temps(s) & later_temps[i + 1]))
            backward = d.reverse(annotated, recompute=again, declared_once=declared_once) \
                + backward
    return forward, backward


def _temps(s) -> set:
    """Names of the op results of `s` and of its nested statements."""
    out = op_results(s.ops) | op_results(getattr(s, "cond_ops", []))
    for body in children(s):
        for t in body:
            out |= _temps(t)
    return out


def _suffix_temps(stmts: list) -> list[set]:
    out = [set() for _ in range(len(stmts) + 1)]
    for i in range(len(stmts) - 1, -1, -1):
        out[i] = out[i + 1] | _temps(stmts[i])
    return out


def _declared_once(stmts: list) -> set:
    """Names declared by exactly one statement of `stmts` (nested ones included)."""
    counts: dict = {}

    def walk(body):
        for s in body:
            if isinstance(s, I.Declare):
                counts[s.var.name] = counts.get(s.var.name, 0) + 1
            for child in children(s):
                walk(child)
    walk(stmts)
    return {name for name, k in counts.items() if k == 1}


def _suffix_writes(stmts: list) -> list[set]:
    """`out[i]`: names written by stmts[i:]."""
    out = [set() for _ in range(len(stmts) + 1)]
    for i in range(len(stmts) - 1, -1, -1):
        out[i] = out[i + 1] | writes(stmts[i])
    return out


class Differentiator:
    def __init__(self, counter_start: int = 0):
        self.counter = counter_start

    def int_temp(self) -> I.Var:
        self.counter += 1
        return I.Var(f"k{self.counter}", INT)

    # ------------------------------------------------------------ fusion
    def fusable(self, s, written_later: set) -> bool:
        """s writes only what it declares itself, and nothing it reads changes later."""
        if not isinstance(s, (I.TargetAdd, I.For, I.If, I.While)):
            return False
        own = declared(s)
        return writes(s) <= own and not (reads(s) & written_later)

    def fused(self, s) -> D.Fused:
        if isinstance(s, I.For):
            fwd = self.forward(s.body, False, set())
            body = fwd + self.reverse(fwd, recompute=_needs_recompute(fwd))
            return D.Fused(body=[replace(s, body=body)], loc=s.loc)
        fwd = self.forward_stmt(s, False, set())
        return D.Fused(body=fwd + self.reverse(fwd, recompute=False), loc=s.loc)

    # ------------------------------------------------------------ forward sweep
    def forward(self, stmts: list, in_loop: bool, written: set) -> list:
        out = []
        for s in stmts:
            out.extend(self.forward_stmt(s, in_loop, written))
        return out

    def forward_stmt(self, s, in_loop: bool, written: set) -> list:
        if isinstance(s, I.Declare):
            return [replace(s, save_old=in_loop)]
        if isinstance(s, I.Assign):
            save = in_loop or bool(s.indices) or s.var.name in written
            written.add(s.var.name)
            return [replace(s, save_old=save)]
        if isinstance(s, I.For):
            return [replace(s, record=True, body=self.forward(s.body, True, written))]
        if isinstance(s, I.While):
            return [replace(s, record=True, body=self.forward(s.body, True, written))]
        if isinstance(s, I.If):
            return [replace(s, record=True, then=self.forward(s.then, in_loop, written),
                            orelse=self.forward(s.orelse, in_loop, written))]
        return [s]

    # ------------------------------------------------------------ reverse sweep
    def reverse(self, stmts: list, recompute=True, declared_once=frozenset()) -> list:
        """The reverse sweep of `stmts`; `recompute` is a bool for all of them or one bool
        per statement.  `declared_once`: for top-level statements, the names declared only
        once in the whole body (their adjoint need not be zeroed at their declaration)."""
        flags = recompute if isinstance(recompute, list) else [recompute] * len(stmts)
        out = []
        for s, again in zip(reversed(stmts), reversed(flags)):
            out.extend(self.reverse_stmt(s, again, declared_once))
        return out

    def reverse_stmt(self, s, recompute: bool = True, declared_once=frozenset()) -> list:
        def again():
            return [(D.Recompute if recompute else D.ZeroTemps)(loc=s.loc, ops=s.ops)]

        if isinstance(s, I.Declare):
            # Zeroing the adjoint at the declaration readies it for an earlier declaration
            # of the same name (or the previous loop iteration): dead for a top-level
            # variable declared once.
            dead = not s.save_old and s.var.name in declared_once
            out = [D.ZeroAdjoint(s.var, loc=s.loc)] if s.var.active and not dead else []
            return out + ([D.Restore(s.var, loc=s.loc)] if s.save_old else [])
        if isinstance(s, I.Assign):
            restore = [D.Restore(s.var, s.indices, loc=s.loc)] if s.save_old else []
            if not s.var.active:
                return restore
            return restore + again() + [D.TakeAdjoint(s.var, s.indices, s.value, loc=s.loc),
                                        D.Backprop(loc=s.loc, ops=s.ops)]
        if isinstance(s, I.TargetAdd):
            if not _is_active(s.value):
                return []
            return again() + [D.SeedOne(s.value, s.jacobian, s.scaled, loc=s.loc),
                              D.Backprop(loc=s.loc, ops=s.ops)]
        if isinstance(s, I.For):
            first, count = self.int_temp(), self.int_temp()
            return [D.RestoreInt(count, loc=s.loc), D.RestoreInt(first, loc=s.loc),
                    D.ReverseFor(s.var, first, count, self.reverse(s.body), loc=s.loc)]
        if isinstance(s, I.While):
            count, it = self.int_temp(), self.int_temp()
            return [D.RestoreInt(count, loc=s.loc),
                    D.ReverseFor(it, I.Const(1, INT), count, self.reverse(s.body), loc=s.loc)]
        if isinstance(s, I.If):
            cond = self.int_temp()
            return [D.RestoreInt(cond, loc=s.loc),
                    I.If(cond, self.reverse(s.then), self.reverse(s.orelse), loc=s.loc)]
        if isinstance(s, I.CallVoid) and any(_is_active(a) for a in s.args):
            call = I.Op(I.Var("_void", INT), s.name, s.args, loc=s.loc)
            return [D.Recompute(loc=s.loc, ops=s.ops),
                    D.Backprop(loc=s.loc, ops=s.ops + [call])]
        return []


def _needs_recompute(body: list) -> list[bool]:
    """Per statement of a fused loop body: must its ops be recomputed in the reverse?  Not
    when no later statement of the body writes anything it reads: then its temporaries still
    hold the values they had (the last statement never needs it)."""
    later: set = set()
    flags = []
    for s in reversed(body):
        flags.append(bool(reads(s) & later) or isinstance(s, (I.For, I.While, I.If)))
        later |= writes(s)
    return flags[::-1]


def _is_active(v) -> bool:
    return isinstance(v, I.Var) and v.active
