"""Statement emission: one method per IR / gradient-IR statement kind."""
from __future__ import annotations

from vilang.autodiff import nodes as D
from vilang.codegen import indexing, ops, params
from vilang.codegen.context import KernelContext
from vilang.codegen.writer import literal, ndim
from vilang.errors import InternalCompilerError
from vilang.ir import nodes as I

# minibatch kernels: the factor N / B of the statements that sum over rows (`TargetAdd.scaled`)
SCALE = "scale_"


def dummy(t) -> str:
    """A placeholder value of the right numba type (hoisted declarations)."""
    k = ndim(t)
    if k == 0:
        return "0" if t.base == "int" else "np.nan"
    shape = f"({', '.join(['0'] * k)},)"
    return f"_rt.int_fills({shape})" if t.base == "int" else f"_rt.nans({shape})"


class StatementEmitter:
    def __init__(self, ctx: KernelContext):
        self.ctx = ctx
        self.w = ctx.w
        self.named: dict[str, I.Var] = {}     # named variables to hoist
        self.uid = 0

    def key(self) -> str:
        self.uid += 1
        return f"s{self.uid}"

    # ------------------------------------------------------------ ops
    def ops(self, op_list, with_bars: bool = False):
        for op in op_list:
            if isinstance(op, I.Select):
                self.select(op, with_bars)
                continue
            ops.forward(self.ctx, op)
            if with_bars and op.dst.active:
                self.zero_bar(op.dst)

    def select(self, op: I.Select, with_bars: bool):
        w = self.w
        with w.block(f"if {self.ctx.val(op.cond)} != 0:"):
            self.ops(op.then_ops, with_bars)
            w.line(f"{op.dst.name} = {self.convert(op.dst, op.then)}")
        with w.block("else:"):
            self.ops(op.else_ops, with_bars)
            w.line(f"{op.dst.name} = {self.convert(op.dst, op.orelse)}")
        if with_bars and op.dst.active:
            self.zero_bar(op.dst)

    def convert(self, dst, x) -> str:
        if dst.type.base == "real" and ndim(dst.type) == 0:
            return self.ctx.real(x)
        if dst.type.base != "int" and ndim(dst.type) > 0 and x.type.base == "int":
            return f"_rt.to_float({self.ctx.val(x)})"
        return self.ctx.val(x)

    def zero_bar(self, v: I.Var):
        self.w.line(f"{self.ctx.bar(v)} = "
                    + ("0.0" if ndim(v.type) == 0 else f"_rt.zeros_like({v.name})"))

    def backprop(self, op_list):
        for op in reversed(op_list):
            if isinstance(op, I.Select):
                self.select_adjoint(op)
            elif op.dst.active or op.prim.startswith("user:"):
                ops.adjoint(self.ctx, op)

    def select_adjoint(self, op: I.Select):
        if not op.dst.active:
            return
        w, g = self.w, self.ctx.bar(op.dst)
        for test, branch_ops, value in (("!= 0", op.then_ops, op.then),
                                        ("== 0", op.else_ops, op.orelse)):
            with w.block(f"if {self.ctx.val(op.cond)} {test}:"):
                if isinstance(value, I.Var) and value.active:
                    self.ctx.acc(self.ctx.bar(value), g, ndim(value.type) > 0)
                self.backprop(branch_ops)

    # ------------------------------------------------------------ statements
    def stmts(self, stmts):
        k = 0
        while k < len(stmts):
            if self.fused_target(stmts[k:k + 4]):
                k += 4
                continue
            self.stmt(stmts[k])
            k += 1

    def fused_target(self, group) -> bool:
        """`target += density(...)` immediately reversed (the fused pattern TargetAdd,
        ZeroTemps, SeedOne, Backprop): emit the density's value and adjoints in one pass."""
        from vilang.codegen import library
        if len(group) < 4 or not (isinstance(group[0], I.TargetAdd)
                                  and isinstance(group[1], D.ZeroTemps)
                                  and isinstance(group[2], D.SeedOne)
                                  and isinstance(group[3], D.Backprop)):
            return False
        s = group[0]
        last = s.ops[-1] if s.ops else None
        if not (isinstance(last, I.Op) and last.dst == s.value and not s.jacobian
                and group[3].ops is s.ops and library.is_density(last)):
            return False
        self.w.comment_for(s.loc)
        rest = s.ops[:-1]
        self.ops(rest)
        self.zero_op_bars(rest)
        scale = SCALE if s.scaled else None
        library.density_with_adjoint(self.ctx, last, scale)
        self.w.line(f"{self.ctx.target} += {scale + ' * ' if scale else ''}{last.dst.name}")
        self.backprop(rest)
        return True

    def stmt(self, s):
        self.w.comment_for(s.loc)
        method = getattr(self, "stmt_" + type(s).__name__, None)
        if method is None:
            raise InternalCompilerError(f"cannot emit {type(s).__name__}")
        method(s)

    def hoist(self, v: I.Var):
        self.named[v.name] = v

    def stmt_Declare(self, s: I.Declare):
        self.hoist(s.var)
        self.ops(s.ops)
        if s.save_old:
            self.push(s.var, s.var.name)
        v = s.var
        shape = ", ".join(f"max({self.ctx.val(x)}, 0)" for x in s.shape)
        if ndim(v.type) == 0:
            init = "np.nan" if v.type.base != "int" else "-9223372036854775808"
        elif v.type.base == "int":
            init = f"_rt.int_fills(({shape},))"
        else:
            init = f"_rt.nans(({shape},))"
        self.w.line(f"{v.name} = {init}")
        if v.active and self.ctx.gradient:
            self.zero_bar(v)

    def stmt_Assign(self, s: I.Assign):
        self.hoist(s.var)
        self.ops(s.ops)
        key = self.key()
        if s.save_old:
            self.push(s.var, indexing.saved_value(self.ctx, s.var, s.indices, key + "o"))
        if s.indices:
            indexing.store(self.ctx, s.var, s.indices, s.value, s.loc, key)
            return
        if ndim(s.var.type) == 0:
            self.w.line(f"{s.var.name} = {self.convert(s.var, s.value)}")
            return
        value = self.convert(s.var, s.value)
        if not (isinstance(s.value, I.Var) and s.value.name.startswith("t")
                and "index" not in getattr(s, "value_kind", "")):
            value = f"_rt.copy({value})"
        self.ctx.fail_if(f"{s.var.name}.shape != {self.ctx.val(s.value)}.shape and "
                         f"{s.var.name}.size != 0", s.loc,
                         f"Size mismatch in assignment to a container: the sizes of both "
                         f"sides must agree.")
        self.w.line(f"{s.var.name} = {value}")

    def stmt_TargetAdd(self, s: I.TargetAdd):
        self.ops(s.ops)
        v = s.value
        term = self.ctx.real(v) if ndim(v.type) == 0 else f"_rt.sum_all({v.name})"
        if s.scaled:
            term = f"{SCALE} * {term}"
        target = self.ctx.target
        if s.jacobian:
            with self.w.block("if jacobian:"):
                self.w.line(f"{target} += {term}")
        else:
            self.w.line(f"{target} += {term}")

    def stmt_For(self, s: I.For):
        self.hoist(s.var)
        self.ops(s.ops)
        lo, hi = self.ctx.val(s.lo), self.ctx.val(s.hi)
        if s.record:
            k = self.key()
            self.w.line(f"first_{k} = {lo}")
            self.w.line(f"count_{k} = max({hi} - first_{k} + 1, 0)")
            lo, hi_expr = f"first_{k}", f"first_{k} + count_{k}"
        else:
            hi_expr = f"{hi} + 1"
        with self.w.block(f"for {s.var.name} in range({lo}, {hi_expr}):"):
            self.stmts(s.body)
        if s.record:
            self.push_int(f"first_{k}")
            self.push_int(f"count_{k}")

    def stmt_While(self, s: I.While):
        k = self.key()
        if s.record:
            self.w.line(f"count_{k} = 0")
        with self.w.block("while True:"):
            self.ops(s.cond_ops)
            with self.w.block(f"if {self.ctx.val(s.cond)} == 0:"):
                self.w.line("break")
            self.stmts(s.body)
            if s.record:
                self.w.line(f"count_{k} += 1")
        if s.record:
            self.push_int(f"count_{k}")

    def stmt_If(self, s: I.If):
        self.ops(s.ops)
        k = self.key()
        cond = self.ctx.val(s.cond)
        if s.record:
            self.w.line(f"cond_{k} = {cond}")
            cond = f"cond_{k}"
        with self.w.block(f"if {cond} != 0:"):
            self.stmts(s.then)
        if s.orelse:
            with self.w.block("else:"):
                self.stmts(s.orelse)
        if s.record:
            self.push_int(f"cond_{k}")

    def stmt_Break(self, s):
        self.w.line("break")

    def stmt_Continue(self, s):
        self.w.line("continue")

    def stmt_Return(self, s: I.Return):
        self.ops(s.ops)
        self.w.line(self.ctx.return_stmt(s.value))

    def stmt_Print(self, s: I.Print):
        self.ops(s.ops)
        parts = [literal(a) if isinstance(a, str) else self.ctx.val(a) for a in s.args]
        if s.kind == "print":
            if self.ctx.prints:
                self.w.line(f"print({', '.join(parts)})")
            return
        text = " ".join(a if isinstance(a, str) else "<value>" for a in s.args)
        sid = self.ctx.site(s.loc, f"{s.kind}: {text}")
        self.w.line(f"err[0] = {sid if s.kind == 'reject' else -sid}")
        self.w.line(self.ctx.fail_stmt)

    def stmt_CallVoid(self, s: I.CallVoid):
        self.ops(s.ops)
        op = I.Op(I.Var("_void", I.UnsizedType("int")), s.name, s.args, loc=s.loc)
        if s.name.startswith("user:"):
            ops.forward(self.ctx, op)
        else:
            ops.forward(self.ctx, op)

    def stmt_CheckConstraint(self, s: I.CheckConstraint):
        self.ops(s.ops)
        params.check_constraint(self.ctx, s)

    # ------------------------------------------------------------ gradient statements
    def push(self, var: I.Var, expr: str):
        t = var.type
        indexed_scalar = "[" in expr and ndim(t) > 0 and not expr.startswith("old_")
        if t.base == "int":
            fn = "push_int" if ndim(t) == 0 or indexed_scalar else "push_int_array"
            self.w.line(f"it, ip = _rt.{fn}(it, ip, {expr})")
        else:
            fn = "push_scalar" if ndim(t) == 0 or indexed_scalar else "push_array"
            self.w.line(f"ft, fp = _rt.{fn}(ft, fp, {expr})")

    def push_int(self, expr: str):
        self.w.line(f"it, ip = _rt.push_int(it, ip, {expr})")

    def stmt_Save(self, s: D.Save):
        self.push(s.var, s.var.name)

    def stmt_Restore(self, s: D.Restore):
        v, w = s.var, self.w
        if not s.indices:
            if ndim(v.type) == 0:
                tape = ("it", "ip", "pop_int") if v.type.base == "int" else ("ft", "fp",
                                                                                 "pop_scalar")
                w.line(f"{v.name}, {tape[1]} = _rt.{tape[2]}({tape[0]}, {tape[1]})")
            else:
                fn = "pop_int_array_into" if v.type.base == "int" else "pop_array_into"
                tape = ("it", "ip") if v.type.base == "int" else ("ft", "fp")
                w.line(f"{tape[1]} = _rt.{fn}({tape[0]}, {tape[1]}, {v.name})")
            return
        key = self.key()
        old = indexing.saved_value(self.ctx, v, s.indices, key)
        if old.startswith("old_"):
            fn = "pop_int_array_into" if v.type.base == "int" else "pop_array_into"
            tape = ("it", "ip") if v.type.base == "int" else ("ft", "fp")
            w.line(f"{tape[1]} = _rt.{fn}({tape[0]}, {tape[1]}, {old})")
            indexing.store(self.ctx, v, s.indices, I.Var(old, v.type), s.loc, key + "r")
        else:
            tape = ("it", "ip", "pop_int") if v.type.base == "int" else ("ft", "fp",
                                                                            "pop_scalar")
            w.line(f"popped_, {tape[1]} = _rt.{tape[2]}({tape[0]}, {tape[1]})")
            w.line(f"{old} = popped_")

    def stmt_SaveInt(self, s: D.SaveInt):
        self.push_int(self.ctx.val(s.value))

    def stmt_RestoreInt(self, s: D.RestoreInt):
        self.w.line(f"{s.var.name}, ip = _rt.pop_int(it, ip)")

    def stmt_Recompute(self, s: D.Recompute):
        self.ops(s.ops, with_bars=True)

    def stmt_ZeroTemps(self, s: D.ZeroTemps):
        self.zero_op_bars(s.ops)

    def zero_op_bars(self, op_list):
        """Zero the adjoints of the active results of ops whose values are live (for a
        select, those of the branch that was taken)."""
        for op in op_list:
            if isinstance(op, I.Select) and (op.then_ops or op.else_ops):
                with self.w.block(f"if {self.ctx.val(op.cond)} != 0:"):
                    self.zero_op_bars(op.then_ops)
                with self.w.block("else:"):
                    self.zero_op_bars(op.else_ops)
            if op.dst.active:
                self.zero_bar(op.dst)

    def stmt_SeedOne(self, s: D.SeedOne):
        if not (isinstance(s.value, I.Var) and s.value.active):
            return
        seed = SCALE if s.scaled else "1.0"
        line = (f"{self.ctx.bar(s.value)} += {seed}" if ndim(s.value.type) == 0 else
                f"_rt.acc_const({self.ctx.bar(s.value)}, {seed})")
        if s.jacobian:
            with self.w.block("if jacobian:"):
                self.w.line(line)
        else:
            self.w.line(line)

    def stmt_TakeAdjoint(self, s: D.TakeAdjoint):
        v = s.var
        if isinstance(s.value, I.Var) and s.value.active:
            target = self.ctx.bar(s.value)
            if s.indices:
                indexing.take_adjoint(self.ctx, v, s.indices, target, self.key())
            else:
                self.ctx.acc(target, self.ctx.bar(v), ndim(v.type) > 0)
                self.zero_named_bar(v)
        elif s.indices:
            indexing.take_adjoint(self.ctx, v, s.indices, None, self.key())
        else:
            self.zero_named_bar(v)

    def zero_named_bar(self, v):
        """Reset a named variable's adjoint (reverse sweep): its array is reused when it has
        the variable's shape (named adjoints are never aliased)."""
        b = self.ctx.bar(v)
        self.w.line(f"{b} = " + ("0.0" if ndim(v.type) == 0 else f"_rt.zeroed({b}, {v.name})"))

    def stmt_Backprop(self, s: D.Backprop):
        self.backprop(s.ops)

    def stmt_ZeroAdjoint(self, s: D.ZeroAdjoint):
        self.zero_named_bar(s.var)

    def stmt_ReverseFor(self, s: D.ReverseFor):
        first, count = self.ctx.val(s.first), self.ctx.val(s.count)
        with self.w.block(f"for {s.var.name} in range({first} + {count} - 1, {first} - 1, -1):"):
            self.stmts(s.body)

    def stmt_Fused(self, s: D.Fused):
        self.stmts(s.body)

    def stmt_Constrain(self, s: D.Constrain):
        self.hoist(s.param.var)
        params.constrain(self.ctx, s.param, self)

    def stmt_ConstrainAdjoint(self, s: D.ConstrainAdjoint):
        params.constrain_adjoint(self.ctx, s.param)
