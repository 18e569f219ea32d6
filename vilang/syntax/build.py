"""Lark parse tree -> AST.  One method per grammar rule (rule names match AST classes)."""
from __future__ import annotations

from lark import Token, Transformer, v_args

from vilang.errors import Loc, SyntaxModelError
from vilang.syntax import ast as A
from vilang.types import UnsizedType


def token_loc(tok: Token) -> Loc:
    """Lark token positions (1-based columns, end exclusive) -> Loc (0-based, as stanc3)."""
    return Loc(tok.line, tok.column - 1, tok.end_line, tok.end_column - 1)


def _loc(x) -> Loc | None:
    if isinstance(x, Token):
        return token_loc(x)
    if isinstance(x, Loc):
        return x if x.line else None
    loc = getattr(x, "loc", None)
    return loc if loc is not None and loc.line else None


def span(*items) -> Loc:
    """The span from the first to the last item that has a position (tokens, AST nodes)."""
    locs = [l for l in (_loc(x) for x in _flatten(items)) if l is not None]
    if not locs:
        return A.NO_LOC
    first, last = locs[0], locs[-1]
    return Loc(first.line, first.col, last.end_line, last.end_col)


def _flatten(items):
    for x in items:
        if isinstance(x, (tuple, list)):
            yield from _flatten(x)
        elif x is not None:
            yield x


def _items(xs):
    return tuple(x for x in xs if x is not None)


@v_args(inline=True)
class AstBuilder(Transformer):
    """Builds `vilang.syntax.ast` nodes bottom-up, called by the parser as it reduces.
    Positions come from the tokens and child nodes of each rule (`span`)."""

    # ------------------------------------------------------------ program and blocks
    def start(self, *blocks):
        prog = A.Program()
        for field_name, stmts in blocks:
            setattr(prog, field_name, stmts)
        return prog

    def functions_block(self, *defs):
        return ("functions", tuple(defs))

    def data_block(self, *decls):
        return ("data", tuple(decls))

    def tdata_block(self, *stmts):
        return ("transformed_data", tuple(stmts))

    def params_block(self, *decls):
        return ("parameters", tuple(decls))

    def tparams_block(self, *stmts):
        return ("transformed_parameters", tuple(stmts))

    def model_block(self, *stmts):
        return ("model", tuple(stmts))

    def gq_block(self, *stmts):
        return ("generated_quantities", tuple(stmts))

    # ------------------------------------------------------------ functions
    def function_def(self, ret, name, *rest):
        *args, body = rest
        return A.FunDef(ret, str(name), _items(args), body, loc=span(name, body, args),
                        name_loc=token_loc(name))

    def fun_body(self, body=None):
        return body if isinstance(body, A.Block) else None

    def return_type(self, t):
        return UnsizedType("void") if isinstance(t, Token) else t

    def fun_arg(self, data, t, name):
        return A.FunArg(t, str(name), data is not None, loc=token_loc(name))

    def unsized_type(self, *parts):
        if str(parts[0]) == "array":
            commas = sum(1 for p in parts if isinstance(p, Token) and p.type == "COMMA")
            return UnsizedType(str(parts[-1]), commas + 1)
        return UnsizedType(str(parts[0]))

    # ------------------------------------------------------------ declarations
    def var_decl(self, t, name, init):
        return A.VarDecl(t, str(name), init, loc=span(t, name, init),
                         name_loc=token_loc(name))

    def sized_type(self, *parts):
        if isinstance(parts[0], Token) and parts[0].type == "ARRAY":
            *dims, elem = parts[1:]
            elem.array_dims = tuple(dims)
            elem.loc = span(parts[0], elem)
            return elem
        return parts[0]

    def _basic(self, kw, kind, constraint, *sizes):
        return A.SizedType(kind, tuple(sizes), (), constraint, loc=span(kw, constraint, sizes))

    def int_type(self, kw, constraint):
        return self._basic(kw, "int", constraint)

    def real_type(self, kw, constraint):
        return self._basic(kw, "real", constraint)

    def vector_type(self, kw, constraint, n):
        return self._basic(kw, "vector", constraint, n)

    def row_vector_type(self, kw, constraint, n):
        return self._basic(kw, "row_vector", constraint, n)

    def matrix_type(self, kw, constraint, n, m):
        return self._basic(kw, "matrix", constraint, n, m)

    def constrained_vector_type(self, kw, n):
        return self._basic(kw, str(kw), None, n)

    def constrained_matrix_type(self, kw, n, m):
        sizes = (n,) if m is None else (n, m)
        return self._basic(kw, str(kw), None, *sizes)

    def range(self, *bounds):
        c = A.Constraint(loc=span([b[2] for b in bounds]))
        for key, value, key_loc in bounds:
            if getattr(c, key) is not None:
                raise SyntaxModelError(
                    f'The bound "{key}" is given twice. Give each of lower, upper, offset and '
                    "multiplier at most once.", key_loc)
            setattr(c, key, value)
        if (c.lower is not None or c.upper is not None) and (
                c.offset is not None or c.multiplier is not None):
            raise SyntaxModelError(
                "A type cannot have both bounds (lower=, upper=) and an affine transform "
                "(offset=, multiplier=). Use one or the other.", c.loc)
        return c

    def bound(self, key, value):
        return (str(key), value, token_loc(key))

    # ------------------------------------------------------------ statements
    def if_stmt(self, kw, cond, then):
        return A.If(cond, then, None, loc=span(kw, then))

    def if_else_stmt(self, kw, cond, then, orelse):
        return A.If(cond, then, orelse, loc=span(kw, orelse))

    def for_stmt(self, kw, var, lo, hi, body):
        return A.For(str(var), lo, hi, body, loc=span(kw, body))

    def foreach_stmt(self, kw, var, container, body):
        return A.ForEach(str(var), container, body, loc=span(kw, body))

    def while_stmt(self, kw, cond, body):
        return A.While(cond, body, loc=span(kw, body))

    def assign(self, lhs, op, rhs):
        root = lhs
        while isinstance(root, A.Indexed):
            root = root.base
        if not isinstance(root, A.Var):
            raise SyntaxModelError(
                "The left-hand side of an assignment must be a variable, possibly indexed "
                "(like x, x[i] or x[i, 2:3]).", lhs.loc)
        return A.Assign(lhs, str(op), rhs, loc=span(lhs, rhs))

    def tilde(self, lhs, dist, *rest):
        *args, trunc = rest
        return A.Tilde(lhs, str(dist), _items(args), trunc, loc=span(lhs, dist, args, trunc),
                       dist_loc=token_loc(dist))

    def truncation(self, t, lo, hi):
        return A.Truncation(lo, hi, loc=span(t, lo, hi))

    def target_pe(self, kw, e):
        return A.TargetPlus(e, loc=span(kw, e))

    def jacobian_pe(self, kw, e):
        return A.JacobianPlus(e, loc=span(kw, e))

    def break_stmt(self, kw):
        return A.Break(loc=token_loc(kw))

    def continue_stmt(self, kw):
        return A.Continue(loc=token_loc(kw))

    def return_stmt(self, kw, value):
        return A.Return(value, loc=span(kw, value))

    def print_stmt(self, kw, args):
        return A.Print("print", args, loc=span(kw, args))

    def reject_stmt(self, kw, args):
        return A.Print("reject", args, loc=span(kw, args))

    def fatal_error_stmt(self, kw, args):
        return A.Print("fatal_error", args, loc=span(kw, args))

    def printables(self, *items):
        return tuple(items)

    def string(self, tok):
        return A.StringLit(str(tok)[1:-1], loc=token_loc(tok))

    def call_stmt(self, name, *args):
        return A.CallStmt(str(name), _items(args), loc=span(name, args))

    def profile_stmt(self, kw, name, body):
        return A.Profile(str(name)[1:-1], body, loc=span(kw, body))

    def block(self, brace, *stmts):
        return A.Block(tuple(stmts), loc=span(brace, stmts))

    def skip_stmt(self):
        return A.Skip()

    # ------------------------------------------------------------ expressions
    def ternary(self, cond, then, orelse):
        return A.Ternary(cond, then, orelse, loc=span(cond, orelse))

    def binary(self, left, op, right):
        return A.Binary(str(op), left, right, loc=span(left, right))

    def unary(self, op, operand):
        return A.Unary(str(op), operand, loc=span(op, operand))

    def transpose(self, operand):
        return A.Transpose(operand, loc=operand.loc)

    def indexed(self, base, indices):
        return A.Indexed(base, indices, loc=span(base, indices))

    def int_lit(self, tok):
        return A.IntLit(str(tok), loc=token_loc(tok))

    def real_lit(self, tok):
        return A.RealLit(str(tok), loc=token_loc(tok))

    def var(self, tok):
        return A.Var(str(tok), loc=token_loc(tok))

    def call(self, name, *args):
        return A.Call(str(name), _items(args), False, loc=span(name, args))

    def cond_call(self, name, first, *rest):
        return A.Call(str(name), (first,) + _items(rest), True, loc=span(name, first, rest))

    def paren(self, e):
        return e

    def array_expr(self, *items):
        return A.ArrayExpr(tuple(items), loc=span(items))

    def row_vector_expr(self, *items):
        return A.RowVectorExpr(_items(items), loc=span(items))

    def indexes(self, *items):
        return tuple(A.Slice(None, None) if i is None else i for i in items)

    def single_index(self, e):
        return A.Single(e, loc=e.loc)

    def slice_index(self, lo, hi):
        return A.Slice(lo, hi, loc=span(lo, hi))

    def lower_slice(self, lo):
        return A.Slice(lo, None, loc=lo.loc)

    def upper_slice(self, hi):
        return A.Slice(None, hi, loc=hi.loc)

    def all_index(self):
        return A.Slice(None, None)
