"""Type-checking expressions: each method returns the node with `ty` and `data_only` set."""
from __future__ import annotations

from dataclasses import replace

from vilang.typecheck import signatures as S
from vilang.typecheck.signatures import ordinal
from vilang.typecheck.scope import FunSig, did_you_mean
from vilang.errors import Loc, SemanticError
from vilang.syntax import ast as A
from vilang.types import (FUNCTION, INT, REAL, ROW_VECTOR, MATRIX, UnsizedType, common_type,
                          index_type, promotes_to)

DENSITY_SUFFIXES = ("_lpdf", "_lupdf", "_lpmf", "_lupmf")
CDF_SUFFIXES = ("_cdf", "_lcdf", "_lccdf")
def suffix_of(name: str) -> str:
    for suf in DENSITY_SUFFIXES + CDF_SUFFIXES + ("_rng", "_lp", "_jacobian"):
        if name.endswith(suf):
            return suf
    return ""


class ExprChecker:
    """Expression rules; the statement checker (checker.py) extends this with statements."""

    # Set by the statement checker: the block being checked and the enclosing function.
    block: str
    function: FunSig | None

    # ------------------------------------------------------------ entry
    def expr(self, e: A.Expr) -> A.Expr:
        method = getattr(self, "expr_" + type(e).__name__)
        return method(e)

    def expect_int(self, e: A.Expr, what: str) -> A.Expr:
        e = self.expr(e)
        if e.ty != INT:
            raise SemanticError(f"{what} must be of type int. Instead found type {e.ty}.", e.loc)
        return e

    # ------------------------------------------------------------ leaves
    def expr_IntLit(self, e: A.IntLit):
        return replace(e, ty=INT, data_only=True)

    def expr_RealLit(self, e: A.RealLit):
        return replace(e, ty=REAL, data_only=True)

    def expr_StringLit(self, e: A.StringLit):
        raise SemanticError("Strings may only appear in print, reject and fatal_error.", e.loc)

    def expr_Var(self, e: A.Var):
        info = self.scopes.lookup(e.name)
        if info is None:
            if e.name in self.functions or S.is_builtin_function(e.name):
                raise SemanticError(
                    f'"{e.name}" is a function, not a variable. Call it with parentheses, '
                    f'like {e.name}(...).', e.loc)
            hint = did_you_mean(e.name, self.scopes.all_names())
            raise SemanticError(f'Identifier "{e.name}" not in scope.{hint}', e.loc)
        return replace(e, ty=info.type, data_only=info.data_only)

    # ------------------------------------------------------------ operators
    def expr_Binary(self, e: A.Binary):
        left, right = self.expr(e.left), self.expr(e.right)
        name = S.operator_function(e.op, 2)
        ty = self.resolve_builtin(name, [left, right], e.loc, shown=f'operator "{e.op}"')
        if e.op == "/" and left.ty == INT and right.ty == INT:
            self.warn(
                "Found int division: values will be rounded towards zero. If rounding is not "
                "wanted, make one operand real (e.g. write 1.0 * a / b); if it is, use the "
                "integer division operator %/% to say so.", e.loc)
        return replace(e, left=left, right=right, ty=ty,
                       data_only=left.data_only and right.data_only)

    def expr_Unary(self, e: A.Unary):
        operand = self.expr(e.operand)
        name = S.operator_function(e.op, 1)
        ty = self.resolve_builtin(name, [operand], e.loc, shown=f'prefix operator "{e.op}"')
        return replace(e, operand=operand, ty=ty, data_only=operand.data_only)

    def expr_Transpose(self, e: A.Transpose):
        operand = self.expr(e.operand)
        ty = self.resolve_builtin(S.operator_function("'", 1), [operand], e.loc,
                                  shown="postfix operator \"'\"")
        return replace(e, operand=operand, ty=ty, data_only=operand.data_only)

    def expr_Ternary(self, e: A.Ternary):
        cond = self.expect_int(e.cond, "The condition of the ternary operator ?:")
        then, orelse = self.expr(e.then), self.expr(e.orelse)
        ty = common_type(then.ty, orelse.ty)
        if ty is None:
            raise SemanticError(
                f"The two branches of the ternary operator ?: must have the same type (or int "
                f"and real). Instead found types {then.ty} and {orelse.ty}.", e.loc)
        return replace(e, cond=cond, then=then, orelse=orelse, ty=ty,
                       data_only=cond.data_only and then.data_only and orelse.data_only)

    # ------------------------------------------------------------ containers
    def expr_ArrayExpr(self, e: A.ArrayExpr):
        items = [self.expr(i) for i in e.items]
        ty = items[0].ty
        for item in items[1:]:
            joined = common_type(ty, item.ty)
            if joined is None:
                raise SemanticError(
                    f"Array expression elements must all have the same type. Found {ty} "
                    f"and {item.ty}.", item.loc)
            ty = joined
        if ty.base in ("void", "function", "string"):
            raise SemanticError(f"Array elements cannot be of type {ty}.", e.loc)
        return replace(e, items=tuple(items), ty=ty.array(),
                       data_only=all(i.data_only for i in items))

    def expr_RowVectorExpr(self, e: A.RowVectorExpr):
        items = [self.expr(i) for i in e.items]
        if all(i.ty.is_scalar for i in items):
            ty = ROW_VECTOR
        elif all(i.ty == ROW_VECTOR for i in items):
            ty = MATRIX
        else:
            found = ", ".join(str(i.ty) for i in items)
            raise SemanticError(
                "Row vector expression [...] must contain only int/real values (making a "
                f"row_vector) or only row_vectors (making a matrix). Found: {found}.", e.loc)
        return replace(e, items=tuple(items), ty=ty, data_only=all(i.data_only for i in items))

    # ------------------------------------------------------------ indexing
    def expr_Indexed(self, e: A.Indexed):
        base = self.expr(e.base)
        indices, singles, data_only = [], [], base.data_only
        for idx in e.indices:
            if isinstance(idx, A.Single):
                i = self.expr(idx.idx)
                if i.ty == INT:
                    singles.append(True)
                elif i.ty == UnsizedType("int", 1):
                    singles.append(False)
                else:
                    raise SemanticError(
                        f"Index must be of type int or array[] int (a multi-index). Instead "
                        f"found type {i.ty}.", i.loc)
                indices.append(replace(idx, idx=i))
            else:
                lo = self.expect_int(idx.lo, "A slice bound") if idx.lo is not None else None
                hi = self.expect_int(idx.hi, "A slice bound") if idx.hi is not None else None
                singles.append(False)
                indices.append(replace(idx, lo=lo, hi=hi))
        ty = index_type(base.ty, singles) if base.ty.is_numeric else None
        if ty is None:
            raise SemanticError(
                f"Too many indexes for an expression of type {base.ty}: it takes at most "
                f"{max_indexes(base.ty)} but {len(singles)} were given.", e.loc)
        return replace(e, base=base, indices=tuple(indices), ty=ty, data_only=data_only)

    # ------------------------------------------------------------ calls
    def expr_Call(self, e: A.Call):
        self.check_call_context(e.name, e.loc)
        if e.name == "target" and not e.args:
            return replace(e, ty=REAL, data_only=False)
        args = [self.call_arg(a) for a in e.args]
        self.check_conditional_notation(e)
        user = self.user_function_for(e.name)
        if user is not None:
            ty = self.resolve_user(user, args, e.loc).return_type
        else:
            ty = self.resolve_builtin(e.name, args, e.loc)
        if ty.base == "void":
            raise SemanticError(
                f'Function "{e.name}" returns void, so it cannot be used in an expression. '
                "Call it as a statement instead.", e.loc)
        data_only = all(a.data_only for a in args) and not e.name.endswith("_rng")
        if ty.base == "int":
            data_only = True
        return replace(e, args=tuple(args), ty=ty, data_only=data_only)

    def user_function_for(self, name: str) -> str | None:
        """The user function a call names: itself, or foo_lpdf for a call of foo_lupdf."""
        if name in self.functions:
            return name
        lp = name.replace("_lupdf", "_lpdf").replace("_lupmf", "_lpmf")
        if lp != name and lp in self.functions:
            return lp
        return None

    def call_arg(self, a: A.Expr) -> A.Expr:
        """A call argument; a bare name of a function is a function value (ODE solvers etc.)."""
        if isinstance(a, A.Var) and self.scopes.lookup(a.name) is None and (
                self.user_function_for(a.name) is not None):
            return replace(a, ty=FUNCTION, data_only=True)
        return self.expr(a)

    def check_conditional_notation(self, e: A.Call):
        suffix = suffix_of(e.name)
        needs_bar = suffix in DENSITY_SUFFIXES + CDF_SUFFIXES
        if needs_bar and not e.conditional and len(e.args) > 1:
            raise SemanticError(
                "Probability functions with suffixes _lpdf, _lupdf, _lpmf, _lupmf, _cdf, "
                "_lcdf and _lccdf require a vertical bar (|) between the first two arguments, "
                f"like {e.name}(y | ...).", e.loc)
        if e.conditional and not needs_bar:
            raise SemanticError(
                f'Only probability functions (suffix _lpdf, _lpmf, _cdf, ...) take the "|" '
                f'notation; "{e.name}" is not one. Separate its arguments with ",".', e.loc)

    def check_call_context(self, name: str, loc: Loc):
        """Stan's rules on where _rng, _lp, _lupdf and target() may be called."""
        fn = self.function.name if self.function else None
        suffix = suffix_of(name)
        if suffix == "_rng" and not (self.block in ("transformed data", "generated quantities")
                                     or (fn and fn.endswith("_rng"))):
            raise SemanticError(
                f'Random number generators (like "{name}") are only allowed in the transformed '
                "data and generated quantities blocks, and in functions whose names end in "
                "_rng.", loc)
        if suffix == "_lp" and not (self.block in ("model", "transformed parameters")
                                    or (fn and fn.endswith("_lp"))):
            raise SemanticError(
                f'Functions ending in _lp (like "{name}") modify the log density; they may '
                "only be called in the model block, the transformed parameters block, or "
                "other _lp functions.", loc)
        if suffix in ("_lupdf", "_lupmf") and not (
                self.block == "model" or (fn and suffix_of(fn) in DENSITY_SUFFIXES)):
            raise SemanticError(
                f'Functions with suffix _lupdf or _lupmf (like "{name}") drop constants, so '
                "they may only be used in the model block or inside _lpdf/_lpmf functions. "
                f'Use "{name.replace("_lup", "_lp")}" here.', loc)
        if name == "target" and not self.may_touch_target():
            raise SemanticError(
                "target() may only be used in the model block and in functions ending in _lp.",
                loc)
        if suffix == "_jacobian" and not (self.block == "transformed parameters"
                                          or (fn and fn.endswith("_jacobian"))):
            raise SemanticError(
                f'Functions ending in _jacobian (like "{name}") may only be called in the '
                "transformed parameters block or in other _jacobian functions.", loc)

    def may_touch_target(self) -> bool:
        fn = self.function.name if self.function else None
        return self.block == "model" or bool(fn and fn.endswith("_lp"))

    def resolve_builtin(self, name: str, args: list[A.Expr], loc: Loc, shown: str | None = None):
        if not S.is_builtin_function(name):
            known = set(S.builtin_names()) | set(self.functions.by_name)
            hint = did_you_mean(name, known)
            raise SemanticError(
                f'A function named "{name}" does not exist: it is neither a built-in '
                f"function nor defined in the functions block.{hint}", loc)
        result = S.resolve(name, [S.ArgInfo(a.ty, bool(a.data_only)) for a in args])
        if isinstance(result, S.Match):
            return result.return_type
        shown = shown or f'function "{name}"'
        found = ", ".join(str(a.ty) for a in args)
        lines = [f"Ill-typed arguments supplied to {shown}: ({found})", "Available signatures:"]
        for text, reason in result.candidates[:MAX_LISTED_SIGNATURES]:
            lines.append(f"{text}")
            lines.append(f"  {reason}")
        if len(result.candidates) > MAX_LISTED_SIGNATURES:
            lines.append(f"(and {len(result.candidates) - MAX_LISTED_SIGNATURES} more)")
        helps = {c for text, _ in result.candidates[:MAX_LISTED_SIGNATURES]
                 for c in S.TYPE_CLASS_HELP if _mentions(text, c)}
        for c in sorted(helps):
            lines.append(S.TYPE_CLASS_HELP[c])
        raise SemanticError("\n".join(lines), loc)

    def resolve_user(self, name: str, args: list[A.Expr], loc: Loc) -> FunSig:
        best, best_cost, reasons = None, None, []
        for sig in self.functions.get(name):
            reason, cost = match_user(sig, args)
            if reason is None and (best_cost is None or cost < best_cost):
                best, best_cost = sig, cost
            elif reason is not None:
                reasons.append((sig.text(), reason))
        if best is not None:
            return best
        found = ", ".join(str(a.ty) for a in args)
        lines = [f'Ill-typed arguments supplied to function "{name}": ({found})',
                 "Available signatures:"]
        for text, reason in reasons:
            lines += [text, f"  {reason}"]
        raise SemanticError("\n".join(lines), loc)


MAX_LISTED_SIGNATURES = 12


def _mentions(text: str, word: str) -> bool:
    import re
    return re.search(rf"\b{re.escape(word)}\b", text) is not None


def match_user(sig: FunSig, args: list[A.Expr]) -> tuple[str | None, int]:
    """(None, promotions needed) when `args` fit `sig`; else (reason, 0)."""
    if len(args) != len(sig.args):
        return f"Expected {len(sig.args)} arguments but got {len(args)}.", 0
    cost = 0
    for n, (formal, actual) in enumerate(zip(sig.args, args), start=1):
        if not promotes_to(actual.ty, formal.type):
            return (f"The {ordinal(n)} argument must be {formal.type} but got {actual.ty}.", 0)
        cost += actual.ty != formal.type
        if formal.data_only and not actual.data_only:
            return (f"The {ordinal(n)} argument must be data-only (it may not depend on "
                    "parameters).", 0)
    return None, cost


def max_indexes(t: UnsizedType) -> int:
    extra = {"vector": 1, "row_vector": 1, "matrix": 2}.get(t.base, 0)
    return t.dims + extra
