"""The abstract syntax tree: what the parser produces and the checker annotates.

Every node carries `loc` (excluded from equality, so trees compare by structure).  Expressions
carry `ty` and `data_only`, filled in by the checker: a parsed tree has `ty=None`; a checked tree
has every `ty` set.  Parentheses are not kept: the printer re-inserts them from precedence.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

from vilang.errors import Loc, NO_LOC
from vilang.types import UnsizedType


def _loc():
    return field(default=NO_LOC, compare=False, repr=False)


# ---------------------------------------------------------------- expressions
@dataclass
class Expr:
    pass


def _annot():
    """Checker annotations: the expression's type and whether it is data-only."""
    return field(default=None, kw_only=True)


@dataclass
class IntLit(Expr):
    text: str
    ty: Optional[UnsizedType] = _annot()
    data_only: Optional[bool] = _annot()
    loc: Loc = _loc()

    @property
    def value(self) -> int:
        return int(self.text.replace("_", ""))


@dataclass
class RealLit(Expr):
    text: str
    ty: Optional[UnsizedType] = _annot()
    data_only: Optional[bool] = _annot()
    loc: Loc = _loc()

    @property
    def value(self) -> float:
        return float(self.text.replace("_", ""))


@dataclass
class StringLit(Expr):
    """Only in print/reject/fatal_error arguments; `text` keeps the quotes off."""

    text: str
    ty: Optional[UnsizedType] = _annot()
    data_only: Optional[bool] = _annot()
    loc: Loc = _loc()


@dataclass
class Var(Expr):
    name: str
    ty: Optional[UnsizedType] = _annot()
    data_only: Optional[bool] = _annot()
    loc: Loc = _loc()


@dataclass
class Unary(Expr):
    op: str  # "-", "+", "!"
    operand: Expr
    ty: Optional[UnsizedType] = _annot()
    data_only: Optional[bool] = _annot()
    loc: Loc = _loc()


@dataclass
class Binary(Expr):
    op: str
    left: Expr
    right: Expr
    ty: Optional[UnsizedType] = _annot()
    data_only: Optional[bool] = _annot()
    loc: Loc = _loc()


@dataclass
class Ternary(Expr):
    cond: Expr
    then: Expr
    orelse: Expr
    ty: Optional[UnsizedType] = _annot()
    data_only: Optional[bool] = _annot()
    loc: Loc = _loc()


@dataclass
class Call(Expr):
    """`name(args)`; `conditional` is True for `name(y | args)` (density notation)."""

    name: str
    args: tuple[Expr, ...]
    conditional: bool = False
    ty: Optional[UnsizedType] = _annot()
    data_only: Optional[bool] = _annot()
    loc: Loc = _loc()


@dataclass
class Transpose(Expr):
    operand: Expr
    ty: Optional[UnsizedType] = _annot()
    data_only: Optional[bool] = _annot()
    loc: Loc = _loc()


@dataclass
class Single:
    """A single index `x[i]`, or a multi-index `x[idxs]` when `idx` is an int array."""

    idx: Expr
    loc: Loc = _loc()


@dataclass
class Slice:
    """`lo:hi`, `lo:`, `:hi` or `:` (both None)."""

    lo: Optional[Expr]
    hi: Optional[Expr]
    loc: Loc = _loc()


Index = Union[Single, Slice]


@dataclass
class Indexed(Expr):
    base: Expr
    indices: tuple[Index, ...]
    ty: Optional[UnsizedType] = _annot()
    data_only: Optional[bool] = _annot()
    loc: Loc = _loc()


@dataclass
class ArrayExpr(Expr):
    items: tuple[Expr, ...]
    ty: Optional[UnsizedType] = _annot()
    data_only: Optional[bool] = _annot()
    loc: Loc = _loc()


@dataclass
class RowVectorExpr(Expr):
    """`[a, b]`: a row_vector of reals, or a matrix when the items are row_vectors."""

    items: tuple[Expr, ...]
    ty: Optional[UnsizedType] = _annot()
    data_only: Optional[bool] = _annot()
    loc: Loc = _loc()


# ---------------------------------------------------------------- declared types
@dataclass
class Constraint:
    """`<lower=, upper=>` or `<offset=, multiplier=>`; absent bounds are None."""

    lower: Optional[Expr] = None
    upper: Optional[Expr] = None
    offset: Optional[Expr] = None
    multiplier: Optional[Expr] = None
    loc: Loc = _loc()

    def is_empty(self) -> bool:
        return all(b is None for b in (self.lower, self.upper, self.offset, self.multiplier))


CONSTRAINED_VECTORS = ("simplex", "ordered", "positive_ordered", "unit_vector",
                       "sum_to_zero_vector")
CONSTRAINED_MATRICES = ("cholesky_factor_corr", "cholesky_factor_cov", "corr_matrix",
                        "cov_matrix")


@dataclass
class SizedType:
    """A declared type: `kind` is int, real, vector, row_vector, matrix or a constrained type
    name (simplex, cov_matrix, ...); `sizes` are its own sizes (vector[N]: (N,), matrix[N, M]:
    (N, M)); `array_dims` the sizes of the enclosing `array[...]`."""

    kind: str
    sizes: tuple[Expr, ...] = ()
    array_dims: tuple[Expr, ...] = ()
    constraint: Optional[Constraint] = None
    loc: Loc = _loc()

    @property
    def unsized(self) -> UnsizedType:
        if self.kind in ("int", "real", "vector", "row_vector", "matrix"):
            base = self.kind
        elif self.kind in CONSTRAINED_VECTORS:
            base = "vector"
        else:
            base = "matrix"
        return UnsizedType(base, len(self.array_dims))


# ---------------------------------------------------------------- statements
@dataclass
class Stmt:
    pass


@dataclass
class VarDecl(Stmt):
    type: SizedType
    name: str
    init: Optional[Expr] = None
    loc: Loc = _loc()
    name_loc: Loc = _loc()


@dataclass
class Assign(Stmt):
    """`lhs op rhs` where lhs is a Var or an Indexed chain rooted at a Var; op is "=", "+=", ..."""

    lhs: Expr
    op: str
    rhs: Expr
    loc: Loc = _loc()


@dataclass
class Truncation:
    lo: Optional[Expr]
    hi: Optional[Expr]
    loc: Loc = _loc()


@dataclass
class Tilde(Stmt):
    lhs: Expr
    dist: str
    args: tuple[Expr, ...]
    truncation: Optional[Truncation] = None
    loc: Loc = _loc()
    dist_loc: Loc = _loc()


@dataclass
class TargetPlus(Stmt):
    expr: Expr
    loc: Loc = _loc()


@dataclass
class JacobianPlus(Stmt):
    expr: Expr
    loc: Loc = _loc()


@dataclass
class For(Stmt):
    var: str
    lo: Expr
    hi: Expr
    body: Stmt
    loc: Loc = _loc()


@dataclass
class ForEach(Stmt):
    var: str
    container: Expr
    body: Stmt
    loc: Loc = _loc()


@dataclass
class While(Stmt):
    cond: Expr
    body: Stmt
    loc: Loc = _loc()


@dataclass
class If(Stmt):
    cond: Expr
    then: Stmt
    orelse: Optional[Stmt] = None
    loc: Loc = _loc()


@dataclass
class Break(Stmt):
    loc: Loc = _loc()


@dataclass
class Continue(Stmt):
    loc: Loc = _loc()


@dataclass
class Return(Stmt):
    value: Optional[Expr] = None
    loc: Loc = _loc()


@dataclass
class Block(Stmt):
    stmts: tuple[Stmt, ...]
    loc: Loc = _loc()


@dataclass
class Print(Stmt):
    """print(...), reject(...) or fatal_error(...), told apart by `kind`."""

    kind: str
    args: tuple[Expr, ...]
    loc: Loc = _loc()


@dataclass
class CallStmt(Stmt):
    name: str
    args: tuple[Expr, ...]
    loc: Loc = _loc()
    call: Optional[Call] = field(default=None, compare=False, repr=False)


@dataclass
class Profile(Stmt):
    name: str
    body: Block
    loc: Loc = _loc()


@dataclass
class Skip(Stmt):
    loc: Loc = _loc()


# ---------------------------------------------------------------- functions and program
@dataclass
class FunArg:
    type: UnsizedType
    name: str
    data_only: bool = False
    loc: Loc = _loc()


@dataclass
class FunDef:
    """A function definition, or a forward declaration when `body` is None."""

    return_type: UnsizedType
    name: str
    args: tuple[FunArg, ...]
    body: Optional[Block]
    loc: Loc = _loc()
    name_loc: Loc = _loc()


BLOCK_NAMES = ("functions", "data", "transformed data", "parameters",
               "transformed parameters", "model", "generated quantities")


@dataclass
class Program:
    """A whole model. A block that is absent is None; a block written empty is ()."""

    functions: Optional[tuple[FunDef, ...]] = None
    data: Optional[tuple[Stmt, ...]] = None
    transformed_data: Optional[tuple[Stmt, ...]] = None
    parameters: Optional[tuple[Stmt, ...]] = None
    transformed_parameters: Optional[tuple[Stmt, ...]] = None
    model: Optional[tuple[Stmt, ...]] = None
    generated_quantities: Optional[tuple[Stmt, ...]] = None
    filename: str = field(default="model.vi", compare=False, repr=False)
    source: Optional[str] = field(default=None, compare=False, repr=False)

    def blocks(self):
        """(block name, statements) for each block present, in order (functions excluded)."""
        for name, attr in zip(BLOCK_NAMES[1:], BLOCK_FIELDS[1:]):
            stmts = getattr(self, attr)
            if stmts is not None:
                yield name, stmts


BLOCK_FIELDS = ("functions", "data", "transformed_data", "parameters",
                "transformed_parameters", "model", "generated_quantities")
