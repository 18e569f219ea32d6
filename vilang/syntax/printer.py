"""AST -> canonical vilang source.

`parse(print_program(p)) == p` for every parsed program `p`, and printing is idempotent.  The
AST keeps no parentheses, so they are re-inserted from the grammar's precedence levels: each
expression has a level (`_level`), and each operand position asks for a minimum level; an
operand below it is parenthesised.  The levels mirror `grammar/vilang.lark`, loosest first.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager

from vilang.syntax import ast as A

INDENT = "    "

# Precedence levels, loosest to tightest, one per grammar rule in grammar/vilang.lark.
TERNARY, OR, AND, EQ, CMP, ADD, MUL, DIV, PREFIX, POW, POSTFIX, ATOM = range(1, 13)
BINARY_LEVEL = {
    "||": OR, "&&": AND, "==": EQ, "!=": EQ, "<": CMP, "<=": CMP, ">": CMP, ">=": CMP,
    "+": ADD, "-": ADD, "*": MUL, "/": MUL, "%": MUL, ".*": MUL, "./": MUL,
    "\\": DIV, "%/%": DIV, "^": POW, ".^": POW,
}
# Constraint bounds are `constr_expr` (an add_expr): no comparison, logic or `?:`, because
# the `>` closing `<lower=0>` must not be read as an operator.
BOUND_LEVEL = ADD


@contextmanager
def _headroom(limit: int = 10_000):
    """Printing recurses a few frames per nesting level, and the parser accepts ~490 levels
    (300 nested blocks, say), more than Python's default limit of 1000 frames leaves room for.
    So the limit is raised while printing (process-wide: the printer is not thread-safe)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


# ---------------------------------------------------------------- expressions
NODE_LEVEL = {A.Ternary: TERNARY, A.Unary: PREFIX, A.Transpose: POSTFIX, A.Indexed: POSTFIX}


def _level(e: A.Expr) -> int:
    """How loosely `e` binds; literals, names, calls and brackets are atoms."""
    if isinstance(e, A.Binary):
        return BINARY_LEVEL[e.op]
    return NODE_LEVEL.get(type(e), ATOM)


def _sub(e: A.Expr, min_level: int) -> str:
    """`e` printed as an operand in a position that accepts only levels >= `min_level`."""
    text = _expr(e)
    return f"({text})" if _level(e) < min_level else text


def _args(args) -> str:
    return ", ".join(_expr(a) for a in args)


def _binary(e: A.Binary) -> str:
    level = BINARY_LEVEL[e.op]
    if level == POW:
        # pow_expr: postfix_expr ("^" | ".^") unary_expr -- right-associative, and the right
        # operand may carry a prefix operator (`a ^ -b`) while `-a ^ b` is `-(a ^ b)`.
        left, right = _sub(e.left, POSTFIX), _sub(e.right, PREFIX)
    else:  # left-associative: the right operand must bind tighter
        left, right = _sub(e.left, level), _sub(e.right, level + 1)
    return f"{left} {e.op} {right}"


def _unary(e: A.Unary) -> str:
    operand = _sub(e.operand, PREFIX)
    sep = " " if operand[:1] in ("-", "+") else ""  # `- -a`, not `--a`
    return f"{e.op}{sep}{operand}"


def _ternary(e: A.Ternary) -> str:
    # expr: or_expr "?" expr ":" expr -- the condition must not itself be a `?:`.
    return f"{_sub(e.cond, OR)} ? {_expr(e.then)} : {_expr(e.orelse)}"


def _call(e: A.Call) -> str:
    if e.conditional:
        first, rest = _expr(e.args[0]), _args(e.args[1:])
        return f"{e.name}({first} | {rest})" if rest else f"{e.name}({first} |)"
    return f"{e.name}({_args(e.args)})"


def _index(i: A.Index) -> str:
    if isinstance(i, A.Single):
        return _expr(i.idx)
    lo = "" if i.lo is None else _expr(i.lo)
    hi = "" if i.hi is None else _expr(i.hi)
    return f"{lo}:{hi}"


def _indexed(e: A.Indexed) -> str:
    return f"{_sub(e.base, POSTFIX)}[{', '.join(_index(i) for i in e.indices)}]"


_EXPR = {
    A.IntLit: lambda e: e.text,
    A.RealLit: lambda e: e.text,
    A.StringLit: lambda e: f'"{e.text}"',
    A.Var: lambda e: e.name,
    A.Unary: _unary,
    A.Binary: _binary,
    A.Ternary: _ternary,
    A.Call: _call,
    A.Transpose: lambda e: f"{_sub(e.operand, POSTFIX)}'",
    A.Indexed: _indexed,
    A.ArrayExpr: lambda e: f"{{{_args(e.items)}}}",
    A.RowVectorExpr: lambda e: f"[{_args(e.items)}]",
}


def _expr(e: A.Expr) -> str:
    return _EXPR[type(e)](e)


def print_expr(e: A.Expr) -> str:
    """An expression as source, with only the parentheses its structure needs."""
    with _headroom():
        return _expr(e)


# ---------------------------------------------------------------- types
def _constraint(c: A.Constraint | None) -> str:
    if c is None or c.is_empty():
        return ""
    bounds = [f"{key}={_sub(value, BOUND_LEVEL)}"
              for key in ("lower", "upper", "offset", "multiplier")
              if (value := getattr(c, key)) is not None]
    return f"<{', '.join(bounds)}>"


def _sized_type(t: A.SizedType) -> str:
    text = t.kind + _constraint(t.constraint)
    if t.sizes:
        text += f"[{_args(t.sizes)}]"
    if t.array_dims:
        text = f"array[{_args(t.array_dims)}] {text}"
    return text


def _type_exprs(t: A.SizedType) -> list[A.Expr]:
    c = t.constraint or A.Constraint()
    bounds = [c.lower, c.upper, c.offset, c.multiplier]
    return [*t.array_dims, *t.sizes, *(b for b in bounds if b is not None)]


def _type_name(e: A.Expr) -> str:
    if e.ty is not None:
        return str(e.ty)
    return "string" if isinstance(e, A.StringLit) else "?"


# ---------------------------------------------------------------- statements
class _Printer:
    """Statements as lists of lines (indented relative to the statement itself).

    With `annotate`, the first line of each statement ends in a comment with the types of the
    statement's top-level expressions, in source order (`?` where no checker filled one in).
    """

    def __init__(self, annotate: bool):
        self.annotate = annotate

    def note(self, *exprs) -> str:
        exprs = [e for e in exprs if e is not None]
        if not self.annotate or not exprs:
            return ""
        return "  // " + ", ".join(_type_name(e) for e in exprs)

    def stmt(self, s: A.Stmt) -> list[str]:
        return self.STMT[type(s)](self, s)

    def stmts(self, stmts) -> list[str]:
        return [INDENT + line for s in stmts for line in self.stmt(s)]

    def with_body(self, header: str, body: A.Stmt, note: str) -> list[str]:
        """`header {` + body + `}` for a block body; the header alone on its line otherwise."""
        if isinstance(body, A.Block):
            return [f"{header} {{{note}"] + self.stmts(body.stmts) + ["}"]
        return [header + note] + self.stmts([body])

    def var_decl(self, s: A.VarDecl) -> list[str]:
        init = "" if s.init is None else f" = {_expr(s.init)}"
        note = self.note(*_type_exprs(s.type), s.init)
        return [f"{_sized_type(s.type)} {s.name}{init};{note}"]

    def assign(self, s: A.Assign) -> list[str]:
        lhs = _sub(s.lhs, POSTFIX)
        return [f"{lhs} {s.op} {_expr(s.rhs)};{self.note(s.lhs, s.rhs)}"]

    def tilde(self, s: A.Tilde) -> list[str]:
        text = f"{_expr(s.lhs)} ~ {s.dist}({_args(s.args)})"
        exprs = [s.lhs, *s.args]
        if s.truncation is not None:
            lo, hi = s.truncation.lo, s.truncation.hi
            lo_text = "" if lo is None else _expr(lo)
            hi_text = "" if hi is None else _expr(hi)
            text += f" T[{lo_text}, {hi_text}]"
            exprs += [lo, hi]
        return [f"{text};{self.note(*exprs)}"]

    def for_(self, s: A.For) -> list[str]:
        header = f"for ({s.var} in {_expr(s.lo)}:{_expr(s.hi)})"
        return self.with_body(header, s.body, self.note(s.lo, s.hi))

    def foreach(self, s: A.ForEach) -> list[str]:
        header = f"for ({s.var} in {_expr(s.container)})"
        return self.with_body(header, s.body, self.note(s.container))

    def while_(self, s: A.While) -> list[str]:
        return self.with_body(f"while ({_expr(s.cond)})", s.body, self.note(s.cond))

    def if_(self, s: A.If) -> list[str]:
        then = s.then
        if s.orelse is not None and _open(then):
            then = A.Block((then,))  # else the `else` would bind to the inner `if`
        lines = self.with_body(f"if ({_expr(s.cond)})", then, self.note(s.cond))
        if s.orelse is None:
            return lines
        if isinstance(s.orelse, A.If):
            rest = self.stmt(s.orelse)
            rest[0] = "else " + rest[0]
        else:
            rest = self.with_body("else", s.orelse, "")
        if isinstance(then, A.Block):  # `} else ...` on one line
            return lines[:-1] + ["} " + rest[0]] + rest[1:]
        return lines + rest

    def block(self, s: A.Block) -> list[str]:
        return ["{"] + self.stmts(s.stmts) + ["}"]

    def print_(self, s: A.Print) -> list[str]:
        return [f"{s.kind}({_args(s.args)});{self.note(*s.args)}"]

    def call_stmt(self, s: A.CallStmt) -> list[str]:
        return [f"{s.name}({_args(s.args)});{self.note(*s.args)}"]

    def profile(self, s: A.Profile) -> list[str]:
        return self.with_body(f'profile("{s.name}")', s.body, "")

    def return_(self, s: A.Return) -> list[str]:
        if s.value is None:
            return ["return;"]
        return [f"return {_expr(s.value)};{self.note(s.value)}"]

    STMT = {
        A.VarDecl: var_decl,
        A.Assign: assign,
        A.Tilde: tilde,
        A.TargetPlus: lambda self, s: [f"target += {_expr(s.expr)};{self.note(s.expr)}"],
        A.JacobianPlus: lambda self, s: [f"jacobian += {_expr(s.expr)};"
                                         f"{self.note(s.expr)}"],
        A.For: for_,
        A.ForEach: foreach,
        A.While: while_,
        A.If: if_,
        A.Break: lambda self, s: ["break;"],
        A.Continue: lambda self, s: ["continue;"],
        A.Return: return_,
        A.Block: block,
        A.Print: print_,
        A.CallStmt: call_stmt,
        A.Profile: profile,
        A.Skip: lambda self, s: [";"],
    }

    # ------------------------------------------------------------ functions and program
    def fundef(self, d: A.FunDef) -> list[str]:
        args = ", ".join(("data " if a.data_only else "") + f"{a.type} {a.name}" for a in d.args)
        header = f"{d.return_type} {d.name}({args})"
        if d.body is None:
            return [header + ";"]
        return self.with_body(header, d.body, "")

    def program(self, p: A.Program) -> list[str]:
        lines = []
        if p.functions is not None:
            lines += ["functions {"]
            lines += [INDENT + line for d in p.functions for line in self.fundef(d)]
            lines += ["}"]
        for name, stmts in p.blocks():
            lines += [f"{name} {{"] + self.stmts(stmts) + ["}"]
        return lines


def _open(s: A.Stmt) -> bool:
    """True when `s` ends in an `if` without `else` (the dangling-else case)."""
    if isinstance(s, A.If):
        return s.orelse is None or _open(s.orelse)
    if isinstance(s, (A.For, A.ForEach, A.While)):
        return _open(s.body)
    return False


def print_stmt(s: A.Stmt, annotate_types: bool = False) -> str:
    """One statement as source (possibly several lines, no trailing newline)."""
    with _headroom():
        return "\n".join(_Printer(annotate_types).stmt(s))


def print_program(program: A.Program, annotate_types: bool = False) -> str:
    """The whole program as canonical source; `annotate_types` adds a comment with the types
    of each statement's top-level expressions (the output still parses)."""
    with _headroom():
        lines = _Printer(annotate_types).program(program)
    return "".join(line + "\n" for line in lines)
