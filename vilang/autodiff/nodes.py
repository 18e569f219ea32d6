"""The statements the reverse-mode pass adds to the IR.

They name the adjoint bookkeeping explicitly so that the code generator prints them one per line
and a reader of `--emit ir` sees the whole gradient algorithm:

* the forward sweep saves what it overwrites (`Save`, `SaveInt`) and how control flowed
  (loop trip counts, branch conditions);
* the reverse sweep walks statements backwards: it restores the values a statement read
  (`Restore`), recomputes the statement's ops (`Recompute`), seeds the adjoint of its effect
  (`SeedOne` for `target +=`, `TakeAdjoint` for an assignment) and propagates adjoints through
  the ops in reverse (`Backprop`, one adjoint rule per primitive).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from vilang.ir import nodes as I


@dataclass
class Save(I.Stmt):
    """Push `var[indices]` (the whole variable when no indices) on the tape."""

    var: I.Var
    indices: tuple = ()


@dataclass
class Restore(I.Stmt):
    """Pop into `var[indices]`: the value it had before the statement being reversed."""

    var: I.Var
    indices: tuple = ()


@dataclass
class SaveInt(I.Stmt):
    value: I.Operand


@dataclass
class RestoreInt(I.Stmt):
    var: I.Var


@dataclass
class Recompute(I.Stmt):
    """Run `ops` again (values only) and zero the adjoints of their active results."""


@dataclass
class ZeroTemps(I.Stmt):
    """Zero the adjoints of the active results of `ops` (their values are still live)."""


@dataclass
class SeedOne(I.Stmt):
    """`value_bar += 1` (each element): the adjoint of a `target +=` statement; `+= scale_`
    for a statement scaled by N / B in a minibatch kernel."""

    value: I.Operand
    jacobian: bool = False
    scaled: bool = False


@dataclass
class TakeAdjoint(I.Stmt):
    """`value_bar += var_bar[indices]; var_bar[indices] = 0`: the adjoint of an assignment."""

    var: I.Var
    indices: tuple
    value: I.Operand


@dataclass
class Backprop(I.Stmt):
    """Propagate adjoints through `ops`, last op first."""


@dataclass
class ZeroAdjoint(I.Stmt):
    var: I.Var


@dataclass
class ReverseFor(I.Stmt):
    """`for var in first + count - 1 down to first: body`."""

    var: I.Var
    first: I.Var
    count: I.Var
    body: list


@dataclass
class CountedWhile(I.Stmt):
    """A while loop that counts its iterations into `counter`."""

    cond_ops: list
    cond: I.Operand
    body: list
    counter: I.Var


@dataclass
class Constrain(I.Stmt):
    """Read a parameter's unconstrained slice, constrain it, add its log-Jacobian if asked."""

    param: I.Parameter
    offset: I.Operand          # start of its slice in the unconstrained vector (a Var)


@dataclass
class ConstrainAdjoint(I.Stmt):
    """The reverse of `Constrain`: adjoints of the unconstrained slice (into the gradient)
    and of parameter-dependent bounds."""

    param: I.Parameter
    offset: I.Operand


@dataclass
class Fused(I.Stmt):
    """A region whose reverse runs right after its forward (it writes only its own locals and
    the target, and nothing it reads is written later): `body` holds both."""

    body: list = field(default_factory=list)
