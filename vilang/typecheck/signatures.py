"""The signatures of Stan's built-in functions, distributions and operators, and overload
resolution against them.

The tables in `vilang.typecheck.library` are declarative text in Stan's type spelling; this module
parses them once into `Signature`s keyed by the callable name (`exp`, `normal_lpdf`, `add`) and
resolves calls against them:

    >>> from vilang.types import INT, REAL, VECTOR
    >>> args = [ArgInfo(VECTOR, False), ArgInfo(INT, True), ArgInfo(REAL, True)]
    >>> m = resolve("normal_lpdf", args)
    >>> str(m.return_type), m.signature_text
    ('real', '(reals, reals, reals) => real')

A parameter's type in a signature is one of
  * a type: `real`, `array[,] int`, `function`; an argument fits when it equals the type or
    promotes to it (`vilang.types.promotes_to`: int to real, also inside arrays);
  * a type class such as `reals` (Stan's vectorised distribution arguments);
  * a type variable, one capital letter such as `T`: every use in one signature stands for the
    same type, and the return type may be built from it (`(T, int) => array[] T`).
`TYPE_CLASS_HELP` explains each class and variable in one line.  In the tables, `a or b` in a
parameter declares one overload per alternative, and a trailing `...` accepts any further
arguments (Stan's variadic higher-order functions).

Reference: stanc3 `src/stan_math_signatures/Generate.ml` and the Stan Functions Reference.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product
from typing import Callable

from vilang.typecheck.library import distributions, functions, operators
from vilang.types import BASES, UnsizedType, promotes_to


@dataclass(frozen=True)
class ArgInfo:
    """What the checker knows about one actual argument."""

    type: UnsizedType
    data_only: bool  # True when the value cannot depend on parameters


@dataclass(frozen=True)
class Match:
    """A successful resolution.  `name` is the function implementing the chosen signature: the
    called name, except for operators that borrow other functions' signatures (`/` on matrices
    is `mdivide_right`, `.^` is `pow`)."""

    name: str
    return_type: UnsizedType
    signature_text: str  # e.g. "(reals, reals, reals) => real"


@dataclass(frozen=True)
class NoMatch:
    """A failed resolution: each signature's text with the plain-English reason it failed
    (no candidates when the name is not a built-in)."""

    name: str
    candidates: tuple[tuple[str, str], ...]


# ---------------------------------------------------------------------------------------------
# Type classes and type variables

def _kind(bases: tuple[str, ...], dims: range = range(1)) -> Callable[[UnsizedType], bool]:
    """A predicate: the base is one of `bases` and the number of array dimensions in `dims`."""
    return lambda t: t.base in bases and t.dims in dims


_ANY_DIMS = range(1 << 30)
_ARRAY_DIMS = range(1, 1 << 30)
_EIGEN = ("vector", "row_vector", "matrix")
_REAL_BASED = ("real",) + _EIGEN


@dataclass(frozen=True)
class TypeClass:
    help: str
    accepts: Callable[[UnsizedType], bool]
    variable: bool  # True: every use in one signature stands for the same type


TYPE_CLASSES: dict[str, TypeClass] = {
    "reals": TypeClass("int, real, array[] int, array[] real, vector or row_vector",
                       lambda t: (_kind(("int", "real"), range(2))(t)
                                  or _kind(("vector", "row_vector"))(t)), False),
    "ints": TypeClass("int or array[] int", _kind(("int",), range(2)), False),
    "vectors": TypeClass("vector, row_vector, array[] vector or array[] row_vector",
                         _kind(("vector", "row_vector"), range(2)), False),
    "T": TypeClass("any int, real, vector, row_vector or matrix type, or an array of them",
                   _kind(BASES, _ANY_DIMS), True),
    "R": TypeClass("real, vector, row_vector or matrix, or an array of them (int promotes to "
                   "real)", _kind(_REAL_BASED, _ANY_DIMS), True),
    "C": TypeClass("vector, row_vector, matrix or an array of real, vector, row_vector or "
                   "matrix (int promotes to real)",
                   lambda t: _kind(_EIGEN, _ANY_DIMS)(t) or _kind(("real",), _ARRAY_DIMS)(t),
                   True),
    "I": TypeClass("an array of int, of any number of dimensions", _kind(("int",), _ARRAY_DIMS),
                   True),
    "A": TypeClass("an array of any element type, of any number of dimensions",
                   _kind(BASES, _ARRAY_DIMS), True),
    "E": TypeClass("vector, row_vector or matrix", _kind(_EIGEN), True),
}

_SAME_NOTE = "; the same type wherever it appears in one signature"
TYPE_CLASS_HELP: dict[str, str] = {
    name: f"{name}: {c.help}{_SAME_NOTE if c.variable else ''}"
    for name, c in TYPE_CLASSES.items()}


# ---------------------------------------------------------------------------------------------
# Signatures

@dataclass(frozen=True)
class Pattern:
    """A declared type: `base` is a type base, "function", a class or a variable name."""

    base: str
    dims: int = 0

    def __str__(self) -> str:
        return str(UnsizedType(self.base, self.dims))

    @property
    def variable(self) -> bool:
        return self.base in TYPE_CLASSES and TYPE_CLASSES[self.base].variable

    def accepts(self, t: UnsizedType) -> bool:
        """Exact fit, without promotion (variables: the class of types they range over)."""
        if self.base in TYPE_CLASSES:
            return TYPE_CLASSES[self.base].accepts(t)
        return t == UnsizedType(self.base, self.dims)


@dataclass(frozen=True)
class Param:
    pattern: Pattern
    data_only: bool = False  # Stan's `data` qualifier

    def __str__(self) -> str:
        return f"data {self.pattern}" if self.data_only else str(self.pattern)


@dataclass(frozen=True)
class Signature:
    name: str  # the function implementing it (see `Match.name`)
    params: tuple[Param, ...]
    returns: Pattern
    variadic: bool = False  # any further arguments may follow (`...`)
    rng_shape: bool = False  # returns `returns` when every argument is a scalar, else an array

    @property
    def text(self) -> str:
        params = [str(p) for p in self.params] + (["..."] if self.variadic else [])
        ret = f"{self.returns} or array[] {self.returns}" if self.rng_shape else str(self.returns)
        return f"({', '.join(params)}) => {ret}"

    def match(self, args: list[ArgInfo]) -> tuple[int, UnsizedType] | str:
        """(promotions needed, return type) when `args` fit, else the reason they do not."""
        n = len(self.params)
        if len(args) != n and not (self.variadic and len(args) > n):
            at_least = "at least " if self.variadic else ""
            return f"Expected {at_least}{n} argument{'s' * (n != 1)} but got {len(args)}."
        bindings: dict[str, tuple[UnsizedType, int]] = {}  # variable -> (type, where first bound)
        passed: list[UnsizedType | str] = []  # per argument: the type passed as, or a variable
        for i, (param, arg) in enumerate(zip(self.params, args)):
            p = param.pattern
            if p.variable:
                reason = _bind(p.base, arg.type, i, bindings)
                passed.append(p.base)
            else:
                fit = next((t for t in _promotions(arg.type) if p.accepts(t)), None)
                reason = None if fit else (
                    f"The {ordinal(i + 1)} argument must be {p} but got {arg.type}.")
                passed.append(fit)
            if reason:
                return reason
            if param.data_only and not arg.data_only:
                return (f"The {ordinal(i + 1)} argument must be data-only (it may not depend on "
                        "parameters).")
        wanted = [bindings[t][0] if isinstance(t, str) else t for t in passed]
        promotions = sum(a.type != t for a, t in zip(args, wanted))
        return promotions, self._return_type(bindings, args)

    def _return_type(self, bindings, args: list[ArgInfo]) -> UnsizedType:
        r = self.returns
        t = bindings[r.base][0].array(r.dims) if r.variable else UnsizedType(r.base, r.dims)
        if self.rng_shape and not all(a.type.is_scalar for a in args):
            t = t.array()
        return t


def _promotions(t: UnsizedType) -> list[UnsizedType]:
    """The types a value of type `t` may be passed as, exact first: `promotes_to` order."""
    return [t, UnsizedType("real", t.dims)] if t.base == "int" else [t]


def _bind(var: str, actual: UnsizedType, i: int, bindings: dict) -> str | None:
    """Bind type variable `var` at argument `i`, widening int to real as needed; or a reason."""
    accepts = TYPE_CLASSES[var].accepts
    if var not in bindings:
        t = next((t for t in _promotions(actual) if accepts(t)), None)
        if t is None:
            return f"The {ordinal(i + 1)} argument must be {var} but got {actual}."
        bindings[var] = (t, i)
        return None
    bound, first = bindings[var]
    if promotes_to(actual, bound):
        return None
    if promotes_to(bound, actual) and accepts(actual):
        bindings[var] = (actual, first)
        return None
    return (f"The {ordinal(i + 1)} argument must have the same type as the {ordinal(first + 1)} "
            f"argument ({bound}) but got {actual}.")


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st."""
    if n % 100 in (11, 12, 13):
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


# ---------------------------------------------------------------------------------------------
# Parsing the tables

_PATTERN = re.compile(r"(?:array\[(,*)\] )?(\w+)")
_SIGNATURE = re.compile(r"\((.*)\) => (.+)")


def parse_pattern(text: str, in_return: bool = False) -> Pattern:
    """`real`, `array[,] int`, `reals`, `T`; `array[] T` only as a return type."""
    m = _PATTERN.fullmatch(text)
    if not m or (m[2] not in BASES + ("function",) and m[2] not in TYPE_CLASSES):
        raise ValueError(f"unknown type {text!r}")
    p = Pattern(m[2], 0 if m[1] is None else len(m[1]) + 1)
    if p.dims and p.base in TYPE_CLASSES and not (p.variable and in_return):
        raise ValueError(f"{text!r}: only a type variable in a return type may be an array")
    if in_return and p.base in TYPE_CLASSES and not p.variable:
        raise ValueError(f"{text!r}: a return type may not be a type class")
    return p


def parse_signatures(name: str, text: str) -> list[Signature]:
    """One signature per combination of `a or b` alternatives in `(p1, p2, ...) => ret`."""
    m = _SIGNATURE.fullmatch(text)
    if not m:
        raise ValueError(f"{name}: malformed signature {text!r}")
    parts = m[1].split(", ") if m[1] else []  # array commas have no space: `array[,] real`
    variadic = parts[-1:] == ["..."]
    choices = [_parse_param(p) for p in parts[:len(parts) - variadic]]
    returns = parse_pattern(m[2], in_return=True)
    sigs = [Signature(name, params, returns, variadic) for params in product(*choices)]
    for sig in sigs:
        params = {p.pattern.base for p in sig.params}
        if returns.variable and returns.base not in params:
            raise ValueError(f"{name}{text}: the return type uses an unbound type variable")
    return sigs


def _parse_param(text: str) -> list[Param]:
    data_only = text.startswith("data ")
    return [Param(parse_pattern(alt), data_only)
            for alt in text.removeprefix("data ").split(" or ")]


# ---------------------------------------------------------------------------------------------
# Distributions

@dataclass(frozen=True)
class Distribution:
    """A distribution family as later stages read it, e.g. `DISTRIBUTIONS["normal"]`."""

    name: str
    names: tuple[str, ...]  # argument names, variate first: ("y", "mu", "sigma")
    params: tuple[str, ...]  # argument kinds, variate first: ("reals", "reals", "reals")
    suffixes: frozenset[str]  # {"_lpdf", "_lupdf", "_cdf", "_lcdf", "_lccdf", "_rng"}
    discrete: bool  # the variate is int: `_lpmf`/`_lupmf`


def _family_signatures(f: distributions.Family) -> dict[str, list[Signature]]:
    """Every suffixed function of family `f`, e.g. normal_lpdf, normal_lupdf, ..., normal_rng."""
    def density(name: str) -> list[Signature]:
        return [s for kinds in f.overloads for s in parse_signatures(name, f"({kinds}) => real")]

    table = {}
    for suffix in f.suffixes.split():
        name = f"{f.name}_{suffix}"
        table[name] = _rng(f, density(name)) if suffix == "rng" else density(name)
        if suffix in ("lpdf", "lpmf"):  # and the unnormalised density, which `~` calls
            unnormalised = f"{f.name}_lu{suffix[1:]}"
            table[unnormalised] = density(unnormalised)
    return table


def _rng(f: distributions.Family, density: list[Signature]) -> list[Signature]:
    """The listed `_rng` signatures or, for a univariate family, the density's arguments after
    the variate, returning one draw (`int` or `real`) per element."""
    name = f.name + "_rng"
    if f.rng:
        return [s for text in f.rng for s in parse_signatures(name, text)]
    if len(density) != 1:
        raise ValueError(f"{f.name}: several density overloads, so its _rng must be listed")
    params = density[0].params[1:]
    vectorised = any(p.pattern.base not in ("int", "real") or p.pattern.dims for p in params)
    variate = "int" if "lpmf" in f.suffixes.split() else "real"
    return [Signature(name, params, Pattern(variate), rng_shape=vectorised)]


def _param_kinds(density: list[Signature]) -> tuple[str, ...]:
    """Per argument, the kinds its overloads accept, as `reals` or `real or vector`: a type that
    a class listed beside it covers is left out."""
    kinds = []
    for i in range(max(len(s.params) for s in density)):
        seen = list(dict.fromkeys(s.params[i].pattern for s in density if len(s.params) > i))
        classes = [p for p in seen if p.base in TYPE_CLASSES]
        kept = classes + [p for p in seen if p not in classes and not any(
            c.accepts(UnsizedType(p.base, p.dims)) for c in classes)]
        kinds.append(" or ".join(str(p) for p in kept))
    return tuple(kinds)


def _distribution(f: distributions.Family, table: dict[str, list[Signature]]) -> Distribution:
    suffixes = frozenset(n.removeprefix(f.name) for n in table)
    discrete = "_lpmf" in suffixes
    density = table[f.name + ("_lpmf" if discrete else "_lpdf")]
    names = tuple(f.args.split())
    if len(names) != max(len(s.params) for s in density):
        raise ValueError(f"{f.name}: {len(names)} argument names for its density overloads")
    return Distribution(f.name, names, _param_kinds(density), suffixes, discrete)


# ---------------------------------------------------------------------------------------------
# The table

def _build() -> tuple[dict[str, tuple[Signature, ...]], dict[str, Distribution]]:
    """Every callable name's signatures, and the distribution families."""
    table: dict[str, list[Signature]] = {}
    for names, texts in functions.GROUPS + operators.GROUPS:
        for name in names.split():
            table.setdefault(name, []).extend(
                s for text in texts for s in parse_signatures(name, text))
    families = {}
    for f in distributions.FAMILIES:
        own = _family_signatures(f)
        if own.keys() & table.keys():
            raise ValueError(f"{f.name}: declared twice: {sorted(own.keys() & table.keys())}")
        table.update(own)
        families[f.name] = _distribution(f, own)
    for op, lenders in operators.BORROWED.items():
        table.setdefault(op, []).extend(s for lender in lenders for s in table[lender])
    return {name: tuple(sigs) for name, sigs in table.items()}, families


SIGNATURES, DISTRIBUTIONS = _build()


# ---------------------------------------------------------------------------------------------
# Public API

def is_builtin_function(name: str) -> bool:
    """Any callable built-in name, e.g. "exp", "pi", "normal_lpdf", "normal_rng"."""
    return name in SIGNATURES


def builtin_names() -> list[str]:
    """Every callable built-in name, sorted (for did-you-mean suggestions)."""
    return sorted(SIGNATURES)


def distribution_families() -> set[str]:
    """The names usable in `y ~ name(...)`: "normal", "bernoulli_logit", ..."""
    return set(DISTRIBUTIONS)


def family_suffixes(family: str) -> set[str]:
    """E.g. {"_lpdf", "_lupdf", "_cdf", "_lcdf", "_lccdf", "_rng"}; empty for unknown names."""
    d = DISTRIBUTIONS.get(family)
    return set(d.suffixes) if d else set()


def is_discrete_family(family: str) -> bool:
    """True when the variate is int (the family has `_lpmf`); False for unknown names."""
    d = DISTRIBUTIONS.get(family)
    return bool(d and d.discrete)


def resolve(name: str, args: list[ArgInfo]) -> Match | NoMatch:
    """The signature of built-in `name` that `args` fit with the fewest int-to-real promotions
    (the first listed among equals), so `int + int` is `int` but `int + real` is `real`."""
    best: tuple[int, Signature, UnsizedType] | None = None
    reasons = []
    for sig in SIGNATURES.get(name, ()):
        result = sig.match(args)
        if isinstance(result, str):
            reasons.append((sig.text, result))
        elif best is None or result[0] < best[0]:
            best = (result[0], sig, result[1])
    if best is None:
        return NoMatch(name, tuple(reasons))
    _, sig, return_type = best
    return Match(sig.name, return_type, sig.text)


def operator_function(op: str, arity: int) -> str:
    """Stan's name for a source operator: ("+", 2) -> "add", ("-", 1) -> "minus",
    ("'", 1) -> "transpose"."""
    try:
        return operators.SYMBOLS[op, arity]
    except KeyError:
        raise ValueError(f"no {arity}-ary operator {op!r}") from None


def signatures_text(name: str) -> list[str]:
    """Every signature of `name`, e.g. ["(reals, reals, reals) => real"]."""
    return [s.text for s in SIGNATURES.get(name, ())]
