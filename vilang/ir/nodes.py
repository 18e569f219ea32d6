"""The lowered IR.

A program is a list of structured statements (`For`, `While`, `If`, ...).  Every expression has
been flattened into `Op`s, one primitive operation each, whose results are fresh temporaries:
a statement is its prelude of ops followed by one effect (assign, add to target, ...).  This is
the unit the reverse-mode pass works on: the adjoint of a statement recomputes its prelude from
the values its inputs had, then walks the ops backwards.

Values are `Var`s (named storage in the generated code) or `Const`s.  A `Var` is *active* when
it may depend on the parameters; only active values get adjoints.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

from vilang.errors import Loc, NO_LOC
from vilang.types import UnsizedType


@dataclass(frozen=True)
class Var:
    name: str                 # unique in its kernel; user names are mangled (`v_mu`)
    type: UnsizedType
    active: bool = False

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Const:
    value: Union[int, float]
    type: UnsizedType

    def __str__(self) -> str:
        return repr(self.value)


Operand = Union[Var, Const]


@dataclass(frozen=True)
class Single:
    idx: Operand              # int (1-based, as in the source) or array[] int (multi-index)


@dataclass(frozen=True)
class Slice:
    lo: Optional[Operand]     # 1-based inclusive bounds; None = open
    hi: Optional[Operand]


IndexSpec = Union[Single, Slice]


@dataclass(frozen=True)
class Op:
    """`dst = prim(args)`: one primitive.  `prim` names a built-in (as resolved by the checker:
    `add`, `multiply`, `exp`, `normal_lpdf`, ...), a user function (`user:<name>`), or one of
    the structural primitives: `index` (with `indices`), `array` and `row_vector` literals."""

    dst: Var
    prim: str
    args: tuple[Operand, ...]
    indices: tuple[IndexSpec, ...] = ()
    loc: Loc = field(default=NO_LOC, compare=False)
    origin: str = field(default="", compare=False)   # "reduce_sum" for its one partial sum


@dataclass(frozen=True)
class Select:
    """`dst = cond ? then : orelse`; each branch has its own ops, run only when taken (this
    also lowers the short-circuit `&&` and `||`)."""

    dst: Var
    cond: Operand
    then_ops: tuple
    then: Operand
    else_ops: tuple
    orelse: Operand
    loc: Loc = field(default=NO_LOC, compare=False)


Instr = Union[Op, Select]


# ---------------------------------------------------------------- statements
@dataclass
class Stmt:
    loc: Loc = field(default=NO_LOC, compare=False, kw_only=True)
    ops: list[Op] = field(default_factory=list, kw_only=True)   # the prelude


@dataclass
class Declare(Stmt):
    """Allocate `var` with `shape` (operands: sizes, outer array dims first); filled with NaN
    for reals (Stan's "not yet assigned") or the smallest int for ints."""

    var: Var
    shape: tuple[Operand, ...]
    kind: str = "local"       # "local", or the constrained kind for checks ("simplex", ...)
    save_old: bool = False    # gradient kernels: push the previous value first (in loops)


@dataclass
class Assign(Stmt):
    """`var[indices] = value`.  Compound assignments are lowered to plain ones."""

    var: Var
    indices: tuple[IndexSpec, ...]
    value: Operand
    save_old: bool = False    # gradient kernels: push var[indices] after the ops, before storing


@dataclass
class TargetAdd(Stmt):
    """`target += value` (the sum of its elements for containers); `jacobian += value` when
    `jacobian` is set (added only when the Jacobian is requested)."""

    value: Operand
    jacobian: bool = False
    scaled: bool = False      # minibatch kernels: a sum over rows, multiplied by N / B


@dataclass
class For(Stmt):
    var: Var
    lo: Operand
    hi: Operand
    body: list[Stmt]
    record: bool = False      # gradient kernels: push lo and the trip count for the reverse


@dataclass
class While(Stmt):
    cond_ops: list[Op]
    cond: Operand
    body: list[Stmt]
    record: bool = False      # gradient kernels: count iterations and push the count


@dataclass
class If(Stmt):
    cond: Operand
    then: list[Stmt]
    orelse: list[Stmt]
    record: bool = False      # gradient kernels: push the condition for the reverse


@dataclass
class Break(Stmt):
    pass


@dataclass
class Continue(Stmt):
    pass


@dataclass
class Return(Stmt):
    value: Optional[Operand]


@dataclass
class Print(Stmt):
    """print / reject / fatal_error; `args` are operands or string constants."""

    kind: str
    args: tuple[Union[Operand, str], ...]


@dataclass
class CallVoid(Stmt):
    name: str                 # "user:<name>" or a built-in
    args: tuple[Operand, ...]


@dataclass
class CheckConstraint(Stmt):
    """Verify that `var` satisfies its declared constraint (transformed parameters,
    generated quantities); failing makes the log density -inf with a message."""

    var: Var
    kind: str                 # transform kind: "lower", "simplex", ...
    bounds: tuple[Operand, ...]
    name: str                 # the user's name, for the message


# ---------------------------------------------------------------- parameters and program
@dataclass
class Parameter:
    """A declared parameter: its unconstrained slice and its transform."""

    name: str                  # the user's name
    var: Var                   # the constrained value in generated code
    shape: tuple[Operand, ...]
    transform: str             # "identity", "lower", "simplex", ...
    bounds: tuple[Operand, ...]
    bound_ops: list[Op]
    decl_type: object          # the checked ast.SizedType
    loc: Loc = NO_LOC


@dataclass
class Function:
    name: str                  # mangled
    source_name: str
    args: tuple[Var, ...]
    return_type: UnsizedType
    body: list[Stmt]


@dataclass
class Program:
    """The whole lowered model."""

    data: list[tuple[str, Var, object]]            # (user name, var, checked SizedType)
    data_checks: list[Stmt]                         # shape/constraint checks on data
    transformed_data: list[Stmt]
    parameters: list[Parameter]
    transformed_parameters: list[Stmt]
    model: list[Stmt]
    generated_quantities: list[Stmt]
    functions: list[Function]
    outputs: dict[str, list[tuple[str, Var, object]]]  # block -> (name, var, SizedType)
    output_shapes: dict[str, tuple[list, tuple]]       # name -> (ops, shape operands)
