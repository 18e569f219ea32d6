"""Lark parse tree -> AST.  One method per grammar rule (rule names match AST classes)."""
from __future__ import annotations

from lark import Token, Transformer, v_args

from vilang.errors import Loc, SyntaxModelError
from vilang.syntax import ast as A
from vilang.types import UnsizedType


def loc_of(meta_or_token) -> Loc:
    """Lark positions (1-based columns, end exclusive) -> Loc (0-based columns, as stanc3)."""
    m = meta_or_token
    if getattr(m, "empty", False):
        return A.NO_LOC
    return Loc(m.line, m.column - 1, m.end_line, m.end_column - 1)


def span(a: Loc, b: Loc) -> Loc:
    return Loc(a.line, a.col, b.end_line, b.end_col)


def _items(xs):
    return tuple(x for x in xs if x is not None)


@v_args(meta=True, inline=True)
class AstBuilder(Transformer):
    """Builds `vilang.syntax.ast` nodes bottom-up from the Lark tree."""

    # ------------------------------------------------------------ program and blocks
    def start(self, meta, *blocks):
        prog = A.Program()
        for field_name, stmts in blocks:
            setattr(prog, field_name, stmts)
        return prog

    def functions_block(self, meta, *defs):
        return ("functions", tuple(defs))

    def data_block(self, meta, *decls):
        return ("data", tuple(decls))

    def tdata_block(self, meta, *stmts):
        return ("transformed_data", tuple(stmts))

    def params_block(self, meta, *decls):
        return ("parameters", tuple(decls))

    def tparams_block(self, meta, *stmts):
        return ("transformed_parameters", tuple(stmts))

    def model_block(self, meta, *stmts):
        return ("model", tuple(stmts))

    def gq_block(self, meta, *stmts):
        return ("generated_quantities", tuple(stmts))

    # ------------------------------------------------------------ functions
    def function_def(self, meta, ret, name, *rest):
        *args, body = rest
        return A.FunDef(ret, str(name), _items(args), body, loc=loc_of(meta),
                        name_loc=loc_of(name))

    def fun_body(self, meta, body=None):
        return body if isinstance(body, A.Block) else None

    def return_type(self, meta, t):
        return UnsizedType("void") if isinstance(t, Token) else t

    def fun_arg(self, meta, data, t, name):
        return A.FunArg(t, str(name), data is not None, loc=loc_of(meta))

    def unsized_type(self, meta, *parts):
        if str(parts[0]) == "array":
            commas = sum(1 for p in parts if isinstance(p, Token) and p.type == "COMMA")
            return UnsizedType(str(parts[-1]), commas + 1)
        return UnsizedType(str(parts[0]))

    # ------------------------------------------------------------ declarations
    def var_decl(self, meta, t, name, init):
        return A.VarDecl(t, str(name), init, loc=loc_of(meta), name_loc=loc_of(name))

    def sized_type(self, meta, *parts):
        if isinstance(parts[0], Token) and parts[0].type == "ARRAY":
            *dims, elem = parts[1:]
            elem.array_dims = tuple(dims)
            elem.loc = loc_of(meta)
            return elem
        return parts[0]

    def _basic(self, meta, kind, constraint, *sizes):
        return A.SizedType(kind, tuple(sizes), (), constraint, loc=loc_of(meta))

    def int_type(self, meta, kw, constraint):
        return self._basic(meta, "int", constraint)

    def real_type(self, meta, kw, constraint):
        return self._basic(meta, "real", constraint)

    def vector_type(self, meta, kw, constraint, n):
        return self._basic(meta, "vector", constraint, n)

    def row_vector_type(self, meta, kw, constraint, n):
        return self._basic(meta, "row_vector", constraint, n)

    def matrix_type(self, meta, kw, constraint, n, m):
        return self._basic(meta, "matrix", constraint, n, m)

    def constrained_vector_type(self, meta, kw, n):
        return self._basic(meta, str(kw), None, n)

    def constrained_matrix_type(self, meta, kw, n, m):
        sizes = (n,) if m is None else (n, m)
        return self._basic(meta, str(kw), None, *sizes)

    def range(self, meta, *bounds):
        c = A.Constraint(loc=loc_of(meta))
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
                "(offset=, multiplier=). Use one or the other.", loc_of(meta))
        return c

    def bound(self, meta, key, value):
        return (str(key), value, loc_of(key))

    # ------------------------------------------------------------ statements
    def if_stmt(self, meta, cond, then):
        return A.If(cond, then, None, loc=loc_of(meta))

    def if_else_stmt(self, meta, cond, then, orelse):
        return A.If(cond, then, orelse, loc=loc_of(meta))

    def for_stmt(self, meta, var, lo, hi, body):
        return A.For(str(var), lo, hi, body, loc=loc_of(meta))

    def foreach_stmt(self, meta, var, container, body):
        return A.ForEach(str(var), container, body, loc=loc_of(meta))

    def while_stmt(self, meta, cond, body):
        return A.While(cond, body, loc=loc_of(meta))

    def assign(self, meta, lhs, op, rhs):
        root = lhs
        while isinstance(root, A.Indexed):
            root = root.base
        if not isinstance(root, A.Var):
            raise SyntaxModelError(
                "The left-hand side of an assignment must be a variable, possibly indexed "
                "(like x, x[i] or x[i, 2:3]).", lhs.loc)
        return A.Assign(lhs, str(op), rhs, loc=loc_of(meta))

    def tilde(self, meta, lhs, dist, *rest):
        *args, trunc = rest
        return A.Tilde(lhs, str(dist), _items(args), trunc, loc=loc_of(meta),
                       dist_loc=loc_of(dist))

    def truncation(self, meta, t, lo, hi):
        return A.Truncation(lo, hi, loc=loc_of(meta))

    def target_pe(self, meta, e):
        return A.TargetPlus(e, loc=loc_of(meta))

    def jacobian_pe(self, meta, e):
        return A.JacobianPlus(e, loc=loc_of(meta))

    def break_stmt(self, meta):
        return A.Break(loc=loc_of(meta))

    def continue_stmt(self, meta):
        return A.Continue(loc=loc_of(meta))

    def return_stmt(self, meta, value):
        return A.Return(value, loc=loc_of(meta))

    def print_stmt(self, meta, args):
        return A.Print("print", args, loc=loc_of(meta))

    def reject_stmt(self, meta, args):
        return A.Print("reject", args, loc=loc_of(meta))

    def fatal_error_stmt(self, meta, args):
        return A.Print("fatal_error", args, loc=loc_of(meta))

    def printables(self, meta, *items):
        return tuple(items)

    def string(self, meta, tok):
        return A.StringLit(str(tok)[1:-1], loc=loc_of(tok))

    def call_stmt(self, meta, name, *args):
        return A.CallStmt(str(name), _items(args), loc=loc_of(meta))

    def profile_stmt(self, meta, name, body):
        return A.Profile(str(name)[1:-1], body, loc=loc_of(meta))

    def block(self, meta, *stmts):
        return A.Block(tuple(stmts), loc=loc_of(meta))

    def skip_stmt(self, meta):
        return A.Skip(loc=loc_of(meta))

    # ------------------------------------------------------------ expressions
    def ternary(self, meta, cond, then, orelse):
        return A.Ternary(cond, then, orelse, loc=loc_of(meta))

    def binary(self, meta, left, op, right):
        return A.Binary(str(op), left, right, loc=loc_of(meta))

    def unary(self, meta, op, operand):
        return A.Unary(str(op), operand, loc=loc_of(meta))

    def transpose(self, meta, operand):
        return A.Transpose(operand, loc=loc_of(meta))

    def indexed(self, meta, base, indices):
        return A.Indexed(base, indices, loc=loc_of(meta))

    def int_lit(self, meta, tok):
        return A.IntLit(str(tok), loc=loc_of(tok))

    def real_lit(self, meta, tok):
        return A.RealLit(str(tok), loc=loc_of(tok))

    def var(self, meta, tok):
        return A.Var(str(tok), loc=loc_of(tok))

    def call(self, meta, name, *args):
        return A.Call(str(name), _items(args), False, loc=loc_of(meta))

    def cond_call(self, meta, name, first, *rest):
        return A.Call(str(name), (first,) + _items(rest), True, loc=loc_of(meta))

    def paren(self, meta, e):
        return e

    def array_expr(self, meta, *items):
        return A.ArrayExpr(tuple(items), loc=loc_of(meta))

    def row_vector_expr(self, meta, *items):
        return A.RowVectorExpr(_items(items), loc=loc_of(meta))

    def indexes(self, meta, *items):
        return tuple(A.Slice(None, None, loc=loc_of(meta)) if i is None else i for i in items)

    def single_index(self, meta, e):
        return A.Single(e, loc=loc_of(meta))

    def slice_index(self, meta, lo, hi):
        return A.Slice(lo, hi, loc=loc_of(meta))

    def lower_slice(self, meta, lo):
        return A.Slice(lo, None, loc=loc_of(meta))

    def upper_slice(self, meta, hi):
        return A.Slice(None, hi, loc=loc_of(meta))

    def all_index(self, meta):
        return A.Slice(None, None, loc=loc_of(meta))
