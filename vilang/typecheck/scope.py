"""Symbol tables for the checker: variables in nested scopes, user functions by name."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Optional

from vilang.errors import Loc
from vilang.syntax import ast as A
from vilang.types import UnsizedType

# Where a variable was declared. Globals take their block's name.
LOCAL, LOOP, ARGUMENT = "local", "loop variable", "function argument"


@dataclass
class VarInfo:
    name: str
    type: UnsizedType
    origin: str            # a block name from ast.BLOCK_NAMES, or LOCAL / LOOP / ARGUMENT
    data_only: bool        # cannot depend on parameters
    loc: Loc
    decl: Optional[A.VarDecl] = None
    block: Optional[str] = None   # the block whose code declared it (for locals too)

    @property
    def is_global(self) -> bool:
        return self.origin not in (LOCAL, LOOP, ARGUMENT)


@dataclass
class FunSig:
    """One user-defined function signature (a definition or forward declaration)."""

    name: str
    return_type: UnsizedType
    args: tuple[A.FunArg, ...]
    loc: Loc
    defined: bool = False

    def arg_types(self) -> tuple[UnsizedType, ...]:
        return tuple(a.type for a in self.args)

    def text(self) -> str:
        args = ", ".join(("data " if a.data_only else "") + str(a.type) for a in self.args)
        return f"({args}) => {self.return_type}"


class Scopes:
    """A stack of variable scopes. Stan forbids shadowing, so lookups see every level."""

    def __init__(self):
        self.levels: list[dict[str, VarInfo]] = [{}]

    def push(self):
        self.levels.append({})

    def pop(self):
        self.levels.pop()

    def lookup(self, name: str) -> Optional[VarInfo]:
        for level in reversed(self.levels):
            if name in level:
                return level[name]
        return None

    def declare(self, info: VarInfo):
        self.levels[-1][info.name] = info

    def all_names(self) -> list[str]:
        return [n for level in self.levels for n in level]


@dataclass
class FunctionTable:
    by_name: dict[str, list[FunSig]] = field(default_factory=dict)

    def get(self, name: str) -> list[FunSig]:
        return self.by_name.get(name, [])

    def __contains__(self, name: str) -> bool:
        return name in self.by_name


def did_you_mean(name: str, candidates) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.75)
    return f' Did you mean "{close[0]}"?' if close else ""
