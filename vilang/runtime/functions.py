"""The table of Stan's built-in functions implemented by the runtime: `FUNCTIONS` maps each
Stan function (or operator, under its internal name: `multiply`, `elt_divide`, `mdivide_left`,
...) to its implementations, one `Impl` per argument-type signature.

An `Impl` says, in plain data, how the code generator calls a signature:

* `args`, `returns`: Stan's unsized type spelling ("real", "vector", "array[] real",
  "array[,] int", ...), as in `vilang.typecheck.library`.  Representation: real float64, int int64,
  vector/row_vector/array[] real 1-D float64, matrix 2-D C-order float64, array[] vector /
  array[] row_vector / array[,] real 2-D float64 with one row per element, int arrays int64.
* `value`: the numba kernel computing the value from the arguments.
* `derivative`: for `kind == "scalar"`, `f_d(args) -> (value, d/d arg, ...)` for each real-valued
  argument; for `kind == "tensor"`, `f_vjp(args..., value, value_bar) -> tuple` of the adjoints
  of the real-valued arguments (scalars for real, arrays shaped like the argument otherwise).
  None when no argument is real-valued or the result is an int (no derivative).
* `arg_vjps`: optionally one kernel per real-valued argument, `f_vjp_k(args..., value,
  value_bar) -> adjoint of that argument alone`, for functions where computing an unneeded
  adjoint is expensive (`X * beta` with data `X`).  None: use `derivative`.
* `elementwise`: a scalar function that Stan vectorises over containers; the generated code
  broadcasts it with a loop (no container implementation is listed).
* `domains`: one hint per argument describing valid inputs: documentation, and what the tests
  draw from.  Reals: "real" (any), "pos", "neg", "nonzero", "unit" (0, 1), "unit2" (0, 2),
  "pm1" (-1, 1), "gt1", "gtm1" (> -1), "lt1", and for joint constraints "big"/"bign"/"unitk"
  (first argument larger, 0 < k < n); containers: "simplex", "stochastic" (rows simplexes),
  "spd", "sym", "square" (invertible), "tril" (lower triangle read, positive diagonal),
  "sparse"; ints: "int", "nonzeroint", "bool", "size", "idx" (1-based index), "len", "rows",
  "cols", "csr_v"/"csr_u" (compressed-row indices).  Empty: no constraint recorded.

`real_args(impl)` gives the positions of the real-valued arguments (those `derivative` returns
adjoints for).  `lookup(name, arg_types)` finds the implementation for a call.  `OMITTED`
lists Stan built-ins the runtime does not implement, with why.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from vilang.runtime import linalg as L
from vilang.runtime import scalar as S
from vilang.runtime import tensor as T


@dataclass(frozen=True)
class Impl:
    args: tuple[str, ...]
    returns: str
    value: Callable
    derivative: Callable | None
    kind: str  # "scalar" (derivative is f_d) or "tensor" (derivative is f_vjp)
    elementwise: bool = False
    arg_vjps: tuple[Callable, ...] | None = None
    domains: tuple[str, ...] = ()


REAL_TYPES = ("real", "vector", "row_vector", "matrix")


def is_real_type(stan_type: str) -> bool:
    """True for types whose values carry derivatives: real, vector, row_vector, matrix and
    arrays of them."""
    return stan_type.split()[-1] in REAL_TYPES


def real_args(impl: Impl) -> tuple[int, ...]:
    return tuple(i for i, t in enumerate(impl.args) if is_real_type(t))


FUNCTIONS: dict[str, list[Impl]] = {}


def _promoted(stan_type: str) -> str:
    return stan_type[:-3] + "real" if stan_type.endswith("int") else stan_type


def lookup(name: str, arg_types) -> Impl | None:
    """The implementation of `name` for arguments of the given types (Stan spellings or
    `vilang.types.UnsizedType`s): an exact match, else one where int arguments promote to
    real (the caller then passes them as float64)."""
    impls = FUNCTIONS.get(name, ())
    types = tuple(str(t) for t in arg_types)
    for impl in impls:
        if impl.args == types:
            return impl
    for impl in impls:
        if len(impl.args) == len(types) and all(
                a == t or a == _promoted(t) for a, t in zip(impl.args, types)):
            return impl
    return None


def _add(name: str, impl: Impl) -> None:
    FUNCTIONS.setdefault(name, []).append(impl)


def _doms(domains: str | None, n: int) -> tuple[str, ...]:
    if domains is None:
        return ()
    parts = tuple(domains.split())
    assert len(parts) == n, (domains, n)
    return parts


def _scalar(name, fn, args=("real",), returns="real", elementwise=True, domains=None,
            deriv=True):
    value = getattr(S, fn)
    d = getattr(S, fn + "_d") if deriv else None
    _add(name, Impl(tuple(args), returns, value, d, "scalar", elementwise, None,
                    _doms(domains, len(args))))


def _tensor(name, module, fn, args, returns, domains=None, deriv=True, arg_vjps=0):
    value = getattr(module, fn)
    d = getattr(module, fn + "_vjp") if deriv else None
    per_arg = (tuple(getattr(module, f"{fn}_vjp_{k}") for k in range(arg_vjps))
               if arg_vjps else None)
    _add(name, Impl(tuple(args), returns, value, d, "tensor", False, per_arg,
                    _doms(domains, len(args))))


ONE_D = ("array[] real", "vector", "row_vector")
VECS = ("vector", "row_vector")
ARRAYS_OF_VECTORS = ("array[] vector", "array[] row_vector", "array[,] real")

# ---------------------------------------------------------------------------------------------
# Scalar functions

for _name, _fn, _dom in [
    ("exp", "exp", "real"), ("exp2", "exp2", "real"), ("expm1", "expm1", "real"),
    ("log", "log", "pos"), ("log2", "log2", "pos"), ("log10", "log10", "pos"),
    ("log1p", "log1p", "gtm1"), ("log1m", "log1m", "lt1"),
    ("log1p_exp", "log1p_exp", "real"), ("log1m_exp", "log1m_exp", "neg"),
    ("sqrt", "sqrt", "pos"), ("cbrt", "cbrt", "nonzero"), ("square", "square", "real"),
    ("inv", "inv", "nonzero"), ("inv_sqrt", "inv_sqrt", "pos"),
    ("inv_square", "inv_square", "nonzero"),
    ("abs", "abs", "nonzero"), ("fabs", "abs", "nonzero"),
    ("floor", "floor", "real"), ("ceil", "ceil", "real"), ("round", "round", "real"),
    ("trunc", "trunc", "real"),
    ("sin", "sin", "real"), ("cos", "cos", "real"), ("tan", "tan", "pm1"),
    ("asin", "asin", "pm1"), ("acos", "acos", "pm1"), ("atan", "atan", "real"),
    ("sinh", "sinh", "real"), ("cosh", "cosh", "real"), ("tanh", "tanh", "real"),
    ("asinh", "asinh", "real"), ("acosh", "acosh", "gt1"), ("atanh", "atanh", "pm1"),
    ("logit", "logit", "unit"), ("inv_logit", "inv_logit", "real"),
    ("log_inv_logit", "log_inv_logit", "real"),
    ("log1m_inv_logit", "log1m_inv_logit", "real"),
    ("inv_cloglog", "inv_cloglog", "real"),
    ("erf", "erf", "real"), ("erfc", "erfc", "real"),
    ("Phi", "Phi", "real"), ("Phi_approx", "Phi_approx", "real"),
    ("inv_Phi", "inv_Phi", "unit"), ("std_normal_qf", "inv_Phi", "unit"),
    ("std_normal_log_qf", "std_normal_log_qf", "neg"), ("inv_erfc", "inv_erfc", "unit2"),
    ("lgamma", "lgamma", "pos"), ("tgamma", "tgamma", "pos"),
    ("digamma", "digamma", "pos"), ("trigamma", "trigamma", "pos"),
]:
    _scalar(_name, _fn, domains=_dom)

_scalar("abs", "abs_int", args=("int",), returns="int", deriv=False, domains="int")
_scalar("step", "step", elementwise=False, domains="nonzero")
_scalar("int_step", "int_step", returns="int", deriv=False, elementwise=False, domains="real")
_scalar("int_step", "int_step_int", args=("int",), returns="int", deriv=False,
        elementwise=False, domains="int")
_scalar("is_inf", "is_inf", returns="int", deriv=False, elementwise=False, domains="real")
_scalar("is_nan", "is_nan", returns="int", deriv=False, elementwise=False, domains="real")
_scalar("to_int", "to_int", returns="int", deriv=False, elementwise=False, domains="real")

for _name, _fn, _dom in [
    ("pow", "pow", "pos real"), ("fmin", "fmin", "real real"), ("fmax", "fmax", "real real"),
    ("fdim", "fdim", "real real"), ("fmod", "fmod", "real nonzero"),
    ("hypot", "hypot", "pos pos"), ("atan2", "atan2", "real real"),
    ("log_diff_exp", "log_diff_exp", "big real"), ("log_sum_exp", "log_sum_exp2", "real real"),
    ("lbeta", "lbeta", "pos pos"), ("beta", "beta", "pos pos"),
    ("lchoose", "lchoose", "bign unitk"), ("binomial_coefficient_log", "lchoose", "bign unitk"),
    ("lmultiply", "lmultiply", "real pos"), ("multiply_log", "lmultiply", "real pos"),
    ("log_inv_logit_diff", "log_inv_logit_diff", "big real"),
    ("log_falling_factorial", "log_falling_factorial", "bign unitk"),
    ("log_rising_factorial", "log_rising_factorial", "pos pos"),
]:
    _scalar(_name, _fn, args=("real", "real"), domains=_dom)

_scalar("squared_distance", "squared_distance", args=("real", "real"), elementwise=False,
        domains="real real")
_scalar("ldexp", "ldexp", args=("real", "int"), domains="real int")
_scalar("falling_factorial", "falling_factorial", args=("real", "int"), domains="real int")
_scalar("rising_factorial", "rising_factorial", args=("real", "int"), domains="real int")
_scalar("lmgamma", "lmgamma", args=("int", "real"), domains="int pos")
_scalar("binary_log_loss", "binary_log_loss", args=("int", "real"), domains="bool unit")
_scalar("fma", "fma", args=("real", "real", "real"), domains="real real real")
_scalar("log_mix", "log_mix", args=("real", "real", "real"), elementwise=False,
        domains="unit real real")

for _name, _fn in [("choose", "choose"), ("falling_factorial", "falling_factorial_int"),
                   ("rising_factorial", "rising_factorial_int")]:
    _scalar(_name, _fn, args=("int", "int"), returns="int", deriv=False, domains="int int")
for _name, _fn in [("min", "min_int"), ("max", "max_int"), ("modulus", "modulus"),
                   ("intdivide", "int_divide")]:
    _scalar(_name, _fn, args=("int", "int"), returns="int", deriv=False, elementwise=False,
            domains="int nonzeroint")

for _name, _fn in [("pi", "pi"), ("e", "e"), ("sqrt2", "sqrt2"), ("log2", "log2_const"),
                   ("log10", "log10_const"), ("not_a_number", "not_a_number"),
                   ("positive_infinity", "positive_infinity"),
                   ("negative_infinity", "negative_infinity"),
                   ("machine_precision", "machine_precision")]:
    _scalar(_name, _fn, args=(), deriv=False, elementwise=False, domains="")

# ---------------------------------------------------------------------------------------------
# Reductions

for _t in ONE_D:
    for _name in ("sum", "prod", "max", "min", "mean", "variance", "sd", "log_sum_exp"):
        _tensor(_name, T, f"{_name}_v", (_t,), "real")
    for _name in ("norm1", "norm2", "cumulative_sum"):
        _tensor(_name, T, f"{_name}_v", (_t,), "real" if _name != "cumulative_sum" else _t)
for _name in ("sum", "prod", "max", "min", "mean", "variance", "sd", "log_sum_exp"):
    _tensor(_name, T, f"{_name}_m", ("matrix",), "real")
for _name in ("sum", "prod", "max", "min", "cumulative_sum"):
    _tensor(_name, T, f"{_name}_int", ("array[] int",),
            "int" if _name != "cumulative_sum" else "array[] int", deriv=False)

for _t in VECS:
    _tensor("dot_self", T, "dot_self_v", (_t,), "real")
_tensor("columns_dot_self", T, "dot_self1_v", ("vector",), "row_vector")
_tensor("columns_dot_self", T, "square_v", ("row_vector",), "row_vector")
_tensor("columns_dot_self", T, "columns_dot_self_m", ("matrix",), "row_vector")
_tensor("rows_dot_self", T, "square_v", ("vector",), "vector")
_tensor("rows_dot_self", T, "dot_self1_v", ("row_vector",), "vector")
_tensor("rows_dot_self", T, "rows_dot_self_m", ("matrix",), "vector")

for _a in VECS:
    for _b in VECS:
        _tensor("dot_product", T, "dot_product_vv", (_a, _b), "real")
        _tensor("distance", T, "distance_vv", (_a, _b), "real")
        _tensor("squared_distance", T, "squared_distance_vv", (_a, _b), "real")
_tensor("dot_product", T, "dot_product_vv", ("array[] real", "array[] real"), "real")
_tensor("columns_dot_product", T, "dot_product1_vv", ("vector", "vector"), "row_vector")
_tensor("columns_dot_product", T, "elt_multiply_vv", ("row_vector", "row_vector"),
        "row_vector")
_tensor("columns_dot_product", T, "columns_dot_product_mm", ("matrix", "matrix"), "row_vector")
_tensor("rows_dot_product", T, "elt_multiply_vv", ("vector", "vector"), "vector")
_tensor("rows_dot_product", T, "dot_product1_vv", ("row_vector", "row_vector"), "vector")
_tensor("rows_dot_product", T, "rows_dot_product_mm", ("matrix", "matrix"), "vector")

for _t in ONE_D:
    _tensor("quantile", T, "quantile_v", (_t, "real"), "real", deriv=False, domains="real unit")
    _tensor("quantile", T, "quantile_vv", (_t, "array[] real"), "array[] real", deriv=False,
            domains="real unit")

# ---------------------------------------------------------------------------------------------
# Products and quotients on containers.  The code generator inlines +, -, unary minus and
# scalar-scalar operators, so those have no entries here.

for _t in VECS + ("matrix",):
    _s = "m" if _t == "matrix" else "v"
    for _name in ("elt_multiply", "elt_divide"):
        _dom = "real nonzero" if _name == "elt_divide" else None
        _tensor(_name, T, f"{_name}_{_s}{_s}", (_t, _t), _t, domains=_dom)
    for _name, _fn in (("multiply", "multiply"), ("elt_multiply", "multiply"),
                       ("divide", "elt_divide"), ("elt_divide", "elt_divide")):
        _dom = "real nonzero" if _fn == "elt_divide" else None
        _tensor(_name, T, f"{_fn}_{_s}s", (_t, "real"), _t, domains=_dom)
    for _name, _fn in (("multiply", "multiply"), ("elt_multiply", "multiply"),
                       ("elt_divide", "elt_divide")):
        _dom = "real nonzero" if _fn == "elt_divide" else None
        _tensor(_name, T, f"{_fn}_s{_s}", ("real", _t), _t, domains=_dom)

_tensor("multiply", T, "dot_product_vv", ("row_vector", "vector"), "real")
_tensor("multiply", L, "multiply_outer", ("vector", "row_vector"), "matrix")
_tensor("multiply", L, "multiply_mv", ("matrix", "vector"), "vector", arg_vjps=2)
_tensor("multiply", L, "multiply_vm", ("row_vector", "matrix"), "row_vector", arg_vjps=2)
_tensor("multiply", L, "multiply_mm", ("matrix", "matrix"), "matrix", arg_vjps=2)

# ---------------------------------------------------------------------------------------------
# Softmax, log_mix, sorting

_tensor("softmax", T, "softmax_v", ("vector",), "vector")
_tensor("log_softmax", T, "log_softmax_v", ("vector",), "vector")
for _a in ONE_D:
    for _b in ONE_D:
        _tensor("log_mix", T, "log_mix_vv", (_a, _b), "real", domains="simplex real")
    for _b in ("array[] vector", "array[] row_vector"):
        _tensor("log_mix", T, "log_mix_va", (_a, _b), "real", domains="simplex real")

for _t in ONE_D:
    _tensor("sort_asc", T, "sort_asc_v", (_t,), _t)
    _tensor("sort_desc", T, "sort_desc_v", (_t,), _t)
    _tensor("sort_indices_asc", T, "sort_indices_asc_v", (_t,), "array[] int", deriv=False)
    _tensor("sort_indices_desc", T, "sort_indices_desc_v", (_t,), "array[] int", deriv=False)
    _tensor("rank", T, "rank_v", (_t, "int"), "int", deriv=False, domains="real idx")
_tensor("sort_asc", T, "sort_asc_int", ("array[] int",), "array[] int", deriv=False)
_tensor("sort_desc", T, "sort_desc_int", ("array[] int",), "array[] int", deriv=False)
_tensor("sort_indices_asc", T, "sort_indices_asc_int", ("array[] int",), "array[] int",
        deriv=False)
_tensor("sort_indices_desc", T, "sort_indices_desc_int", ("array[] int",), "array[] int",
        deriv=False)
_tensor("rank", T, "rank_int", ("array[] int", "int"), "int", deriv=False, domains="int idx")

# ---------------------------------------------------------------------------------------------
# Constructors

for _name, _ret in (("linspaced_vector", "vector"), ("linspaced_row_vector", "row_vector"),
                    ("linspaced_array", "array[] real")):
    _tensor(_name, T, "linspaced_v", ("int", "real", "real"), _ret, deriv=False,
            domains="size real real")
_tensor("linspaced_int_array", T, "linspaced_int", ("int", "int", "int"), "array[] int",
        deriv=False, domains="size int int")
for _name, _fn, _ret in (("one_hot_vector", "one_hot_v", "vector"),
                         ("one_hot_row_vector", "one_hot_v", "row_vector"),
                         ("one_hot_array", "one_hot_v", "array[] real"),
                         ("one_hot_int_array", "one_hot_int", "array[] int")):
    _tensor(_name, T, _fn, ("int", "int"), _ret, deriv=False, domains="size idx")
for _name, _fn, _ret in (("zeros_vector", "zeros_v", "vector"),
                         ("zeros_row_vector", "zeros_v", "row_vector"),
                         ("zeros_array", "zeros_v", "array[] real"),
                         ("zeros_int_array", "zeros_int", "array[] int"),
                         ("ones_vector", "ones_v", "vector"),
                         ("ones_row_vector", "ones_v", "row_vector"),
                         ("ones_array", "ones_v", "array[] real"),
                         ("ones_int_array", "ones_int", "array[] int"),
                         ("uniform_simplex", "uniform_simplex", "vector"),
                         ("identity_matrix", "identity_matrix", "matrix")):
    _tensor(_name, T, _fn, ("int",), _ret, deriv=False, domains="size")

_tensor("rep_vector", T, "rep_vector_s", ("real", "int"), "vector", domains="real size")
_tensor("rep_row_vector", T, "rep_vector_s", ("real", "int"), "row_vector", domains="real size")
_tensor("rep_matrix", T, "rep_matrix_s", ("real", "int", "int"), "matrix",
        domains="real size size")
_tensor("rep_matrix", T, "rep_matrix_v", ("vector", "int"), "matrix", domains="real size")
_tensor("rep_matrix", T, "rep_matrix_rv", ("row_vector", "int"), "matrix", domains="real size")
_tensor("rep_array", T, "rep_vector_s", ("real", "int"), "array[] real", domains="real size")
_tensor("rep_array", T, "rep_matrix_s", ("real", "int", "int"), "array[,] real",
        domains="real size size")
_tensor("rep_array", T, "rep_array_s3", ("real", "int", "int", "int"), "array[,,] real",
        domains="real size size size")
for _t in ("vector", "row_vector", "array[] real"):
    _tensor("rep_array", T, "rep_matrix_rv", (_t, "int"), f"array[] {_t.split()[-1]}"
            if _t != "array[] real" else "array[,] real", domains="real size")
_tensor("rep_array", T, "rep_array_int", ("int", "int"), "array[] int", deriv=False,
        domains="int size")
_tensor("rep_array", T, "rep_array_int2", ("int", "int", "int"), "array[,] int", deriv=False,
        domains="int size size")

# ---------------------------------------------------------------------------------------------
# Conversions

for _name, _ret in (("to_vector", "vector"), ("to_row_vector", "row_vector")):
    for _t in ONE_D:
        _tensor(_name, T, "copy_v", (_t,), _ret)
    _tensor(_name, T, "flatten_m", ("matrix",), _ret)
    _tensor(_name, T, "to_real_int", ("array[] int",), _ret, deriv=False)
_tensor("to_matrix", T, "copy_m", ("matrix",), "matrix")
_tensor("to_matrix", T, "to_matrix_col", ("vector",), "matrix")
_tensor("to_matrix", T, "to_matrix_row", ("row_vector",), "matrix")
_tensor("to_matrix", T, "copy_m", ("array[] row_vector",), "matrix")
_tensor("to_matrix", T, "copy_m", ("array[,] real",), "matrix")
_tensor("to_matrix", T, "to_real_int2", ("array[,] int",), "matrix", deriv=False)
for _t in ONE_D:
    _tensor("to_matrix", T, "to_matrix_vii", (_t, "int", "int"), "matrix",
            domains="real rows cols")
    _tensor("to_matrix", T, "to_matrix_viii", (_t, "int", "int", "int"), "matrix",
            domains="real rows cols bool")
_tensor("to_matrix", T, "to_matrix_mii", ("matrix", "int", "int"), "matrix",
        domains="real rows cols")
_tensor("to_matrix", T, "to_matrix_miii", ("matrix", "int", "int", "int"), "matrix",
        domains="real rows cols bool")
_tensor("to_matrix", T, "to_matrix_intii", ("array[] int", "int", "int"), "matrix",
        deriv=False, domains="int rows cols")
_tensor("to_matrix", T, "to_matrix_intiii", ("array[] int", "int", "int", "int"), "matrix",
        deriv=False, domains="int rows cols bool")
for _t in VECS + ("array[] real",):
    _tensor("to_array_1d", T, "copy_v", (_t,), "array[] real")
_tensor("to_array_1d", T, "flatten_m", ("matrix",), "array[] real")
_tensor("to_array_1d", T, "flatten_a", ("array[,] real",), "array[] real")
_tensor("to_array_1d", T, "flatten_a3", ("array[,,] real",), "array[] real")
_tensor("to_array_1d", T, "copy_int", ("array[] int",), "array[] int", deriv=False)
_tensor("to_array_1d", T, "flatten_int2", ("array[,] int",), "array[] int", deriv=False)
_tensor("to_array_1d", T, "flatten_int3", ("array[,,] int",), "array[] int", deriv=False)
_tensor("to_array_2d", T, "copy_m", ("matrix",), "array[,] real")
_tensor("to_int", T, "to_int_v", ("array[] real",), "array[] int", deriv=False)
_tensor("to_int", T, "to_int_a2", ("array[,] real",), "array[,] int", deriv=False)
_tensor("transpose", T, "copy_v", ("vector",), "row_vector")
_tensor("transpose", T, "copy_v", ("row_vector",), "vector")
_tensor("transpose", T, "transpose_m", ("matrix",), "matrix")

# ---------------------------------------------------------------------------------------------
# Concatenation and slicing

_tensor("append_array", T, "append_vv", ("array[] real", "array[] real"), "array[] real")
_tensor("append_array", T, "append_int", ("array[] int", "array[] int"), "array[] int",
        deriv=False)
for _t in ARRAYS_OF_VECTORS:
    _tensor("append_array", T, "append_row_mm", (_t, _t), _t)
_tensor("append_array", T, "append_int2", ("array[,] int", "array[,] int"), "array[,] int",
        deriv=False)
_tensor("append_row", T, "append_row_mm", ("matrix", "matrix"), "matrix")
_tensor("append_row", T, "append_row_mr", ("matrix", "row_vector"), "matrix")
_tensor("append_row", T, "append_row_rm", ("row_vector", "matrix"), "matrix")
_tensor("append_row", T, "append_row_rr", ("row_vector", "row_vector"), "matrix")
_tensor("append_row", T, "append_vv", ("vector", "vector"), "vector")
_tensor("append_row", T, "append_sv", ("real", "vector"), "vector")
_tensor("append_row", T, "append_vs", ("vector", "real"), "vector")
_tensor("append_col", T, "append_col_mm", ("matrix", "matrix"), "matrix")
_tensor("append_col", T, "append_col_mv", ("matrix", "vector"), "matrix")
_tensor("append_col", T, "append_col_vm", ("vector", "matrix"), "matrix")
_tensor("append_col", T, "append_col_vv", ("vector", "vector"), "matrix")
_tensor("append_col", T, "append_vv", ("row_vector", "row_vector"), "row_vector")
_tensor("append_col", T, "append_sv", ("real", "row_vector"), "row_vector")
_tensor("append_col", T, "append_vs", ("row_vector", "real"), "row_vector")

for _t in ONE_D:
    _tensor("head", T, "head_v", (_t, "int"), _t, domains="real len")
    _tensor("tail", T, "tail_v", (_t, "int"), _t, domains="real len")
    _tensor("segment", T, "segment_v", (_t, "int", "int"), _t, domains="real idx len")
    _tensor("reverse", T, "reverse_v", (_t,), _t)
_tensor("head", T, "head_int", ("array[] int", "int"), "array[] int", deriv=False,
        domains="int len")
_tensor("tail", T, "tail_int", ("array[] int", "int"), "array[] int", deriv=False,
        domains="int len")
_tensor("segment", T, "segment_int", ("array[] int", "int", "int"), "array[] int", deriv=False,
        domains="int idx len")
_tensor("reverse", T, "reverse_int", ("array[] int",), "array[] int", deriv=False)
for _t in ARRAYS_OF_VECTORS:
    _tensor("head", T, "head_a2", (_t, "int"), _t, domains="real len")
    _tensor("tail", T, "tail_a2", (_t, "int"), _t, domains="real len")
    _tensor("segment", T, "segment_a2", (_t, "int", "int"), _t, domains="real idx len")
    _tensor("reverse", T, "reverse_a2", (_t,), _t)

_tensor("col", T, "col_m", ("matrix", "int"), "vector", domains="real idx")
_tensor("row", T, "row_m", ("matrix", "int"), "row_vector", domains="real idx")
_tensor("block", T, "block_m", ("matrix", "int", "int", "int", "int"), "matrix",
        domains="real idx idx len len")
_tensor("sub_col", T, "sub_col_m", ("matrix", "int", "int", "int"), "vector",
        domains="real idx idx len")
_tensor("sub_row", T, "sub_row_m", ("matrix", "int", "int", "int"), "row_vector",
        domains="real idx idx len")
_tensor("diagonal", T, "diagonal_m", ("matrix",), "vector")
_tensor("diag_matrix", T, "diag_matrix_v", ("vector",), "matrix")

# ---------------------------------------------------------------------------------------------
# Sizes (any element type; no derivatives)

_ALL_ARRAYS = ("array[] real", "array[] int", "array[,] real", "array[,] int", "array[] vector",
               "array[] row_vector", "array[,,] real", "array[,,] int", "array[] matrix")
for _t in ("int", "real"):
    _tensor("size", T, "size_scalar", (_t,), "int", deriv=False)
    _tensor("dims", T, "dims_scalar", (_t,), "array[] int", deriv=False)
for _t in _ALL_ARRAYS + VECS:
    _tensor("size", T, "size_outer", (_t,), "int", deriv=False)
    _tensor("num_elements", T, "num_elements", (_t,), "int", deriv=False)
_tensor("size", T, "num_elements", ("matrix",), "int", deriv=False)
_tensor("num_elements", T, "num_elements", ("matrix",), "int", deriv=False)
for _t in ("array[] real", "array[] int", "array[,] real", "array[,] int", "array[,,] real",
           "array[,,] int"):
    _tensor("dims", T, "dims_array", (_t,), "array[] int", deriv=False)
_tensor("dims", T, "dims_v", ("vector",), "array[] int", deriv=False)
_tensor("dims", T, "dims_rv", ("row_vector",), "array[] int", deriv=False)
_tensor("dims", T, "dims_m", ("matrix",), "array[] int", deriv=False)
_tensor("dims", T, "dims_avec", ("array[] vector",), "array[] int", deriv=False)
_tensor("dims", T, "dims_arowvec", ("array[] row_vector",), "array[] int", deriv=False)
_tensor("dims", T, "dims_array", ("array[] matrix",), "array[] int", deriv=False)
for _name, _suffix in (("rows", ""), ("cols", "")):
    _tensor(_name, T, f"{_name}_v", ("vector",), "int", deriv=False)
    _tensor(_name, T, f"{_name}_rv", ("row_vector",), "int", deriv=False)
    _tensor(_name, T, f"{_name}_m", ("matrix",), "int", deriv=False)

# ---------------------------------------------------------------------------------------------
# Linear algebra

_tensor("crossprod", L, "crossprod_m", ("matrix",), "matrix")
_tensor("tcrossprod", L, "tcrossprod_m", ("matrix",), "matrix")
_tensor("multiply_lower_tri_self_transpose", L, "multiply_lower_tri_self_transpose_m",
        ("matrix",), "matrix")
for _t in VECS:
    _tensor("diag_pre_multiply", L, "diag_pre_multiply_vm", (_t, "matrix"), "matrix")
    _tensor("diag_post_multiply", L, "diag_post_multiply_mv", ("matrix", _t), "matrix")
    _tensor("quad_form_diag", L, "quad_form_diag_mv", ("matrix", _t), "matrix",
            domains="square real")
    _tensor("add_diag", L, "add_diag_mv", ("matrix", _t), "matrix", domains="square real")
_tensor("add_diag", L, "add_diag_ms", ("matrix", "real"), "matrix", domains="square real")
_tensor("quad_form", L, "quad_form_mv", ("matrix", "vector"), "real", domains="square real")
_tensor("quad_form", L, "quad_form_mm", ("matrix", "matrix"), "matrix", domains="square real")
_tensor("quad_form_sym", L, "quad_form_sym_mv", ("matrix", "vector"), "real",
        domains="sym real")
_tensor("quad_form_sym", L, "quad_form_sym_mm", ("matrix", "matrix"), "matrix",
        domains="sym real")
_tensor("trace_quad_form", L, "quad_form_mv", ("matrix", "vector"), "real",
        domains="square real")
_tensor("trace_quad_form", L, "trace_quad_form_mm", ("matrix", "matrix"), "real",
        domains="square real")
_tensor("trace_gen_quad_form", L, "trace_gen_quad_form_mmm", ("matrix", "matrix", "matrix"),
        "real", domains="square square real")
_tensor("trace", L, "trace_m", ("matrix",), "real")
_tensor("symmetrize_from_lower_tri", L, "symmetrize_from_lower_tri_m", ("matrix",), "matrix",
        domains="square")
_tensor("matrix_power", L, "matrix_power_m", ("matrix", "int"), "matrix",
        domains="square size")

for _name, _dom in (("mdivide_left", "square real"), ("mdivide_left_spd", "spd real"),
                    ("mdivide_left_tri_low", "tril real")):
    _tensor(_name, L, f"{_name}_mv", ("matrix", "vector"), "vector", domains=_dom)
    _tensor(_name, L, f"{_name}_mm", ("matrix", "matrix"), "matrix", domains=_dom)
for _name, _dom in (("mdivide_right", "real square"), ("mdivide_right_spd", "real spd"),
                    ("mdivide_right_tri_low", "real tril")):
    _tensor(_name, L, f"{_name}_vm", ("row_vector", "matrix"), "row_vector", domains=_dom)
    _tensor(_name, L, f"{_name}_mm", ("matrix", "matrix"), "matrix", domains=_dom)
# `/` with a matrix on the right
_tensor("divide", L, "mdivide_right_vm", ("row_vector", "matrix"), "row_vector",
        domains="real square")
_tensor("divide", L, "mdivide_right_mm", ("matrix", "matrix"), "matrix", domains="real square")

for _name, _fn, _ret, _dom in (
        ("inverse", "inverse_m", "matrix", "square"),
        ("inverse_spd", "inverse_spd_m", "matrix", "spd"),
        ("chol2inv", "chol2inv_m", "matrix", "tril"),
        ("determinant", "determinant_m", "real", "square"),
        ("log_determinant", "log_determinant_m", "real", "square"),
        ("log_determinant_spd", "log_determinant_spd_m", "real", "spd"),
        ("cholesky_decompose", "cholesky_decompose_m", "matrix", "spd"),
        ("eigenvalues_sym", "eigenvalues_sym_m", "vector", "sym"),
        ("eigenvectors_sym", "eigenvectors_sym_m", "matrix", "sym"),
        ("singular_values", "singular_values_m", "vector", "real")):
    _tensor(_name, L, _fn, ("matrix",), _ret, domains=_dom)

for _name in ("gp_exp_quad_cov", "cov_exp_quad"):
    _tensor(_name, L, "gp_exp_quad_cov_a", ("array[] real", "real", "real"), "matrix",
            domains="real pos pos")
    _tensor(_name, L, "gp_exp_quad_cov_aa", ("array[] real", "array[] real", "real", "real"),
            "matrix", domains="real real pos pos")
    _tensor(_name, L, "gp_exp_quad_cov_vecs", ("array[] vector", "real", "real"), "matrix",
            domains="real pos pos")
    _tensor(_name, L, "gp_exp_quad_cov_vecs2", ("array[] vector", "array[] vector", "real",
                                                "real"), "matrix",
            domains="real real pos pos")
_tensor("gp_exp_quad_cov", L, "gp_exp_quad_cov_ard", ("array[] vector", "real", "array[] real"),
        "matrix", domains="real pos pos")
_tensor("gp_exp_quad_cov", L, "gp_exp_quad_cov_ard2",
        ("array[] vector", "array[] vector", "real", "array[] real"), "matrix",
        domains="real real pos pos")

_tensor("hmm_marginal", L, "hmm_marginal", ("matrix", "matrix", "vector"), "real",
        domains="real stochastic simplex")

_tensor("csr_matrix_times_vector", L, "csr_matrix_times_vector",
        ("int", "int", "vector", "array[] int", "array[] int", "vector"), "vector",
        domains="rows cols real csr_v csr_u real", arg_vjps=2)
_tensor("csr_to_dense_matrix", L, "csr_to_dense_matrix",
        ("int", "int", "vector", "array[] int", "array[] int"), "matrix",
        domains="rows cols real csr_v csr_u")
_tensor("csr_extract_w", L, "csr_extract_w", ("matrix",), "vector", domains="sparse")
_tensor("csr_extract_v", L, "csr_extract_v", ("matrix",), "array[] int", deriv=False,
        domains="sparse")
_tensor("csr_extract_u", L, "csr_extract_u", ("matrix",), "array[] int", deriv=False,
        domains="sparse")

# ---------------------------------------------------------------------------------------------
# Built-ins not implemented here

OMITTED: dict[str, str] = {
    **{name: "operator: inlined by the code generator" for name in (
        "add subtract minus plus logical_negation logical_or logical_and logical_eq "
        "logical_neq logical_lt logical_lte logical_gt logical_gte").split()},
    **{name: "takes a user function: generated by the compiler" for name in (
        "integrate_ode_rk45 integrate_ode_bdf integrate_ode_adams ode_rk45 ode_bdf ode_adams "
        "ode_ckrk ode_rk45_tol ode_bdf_tol ode_adams_tol ode_ckrk_tol ode_adjoint_tol_ctl dae "
        "dae_tol algebra_solver algebra_solver_newton solve_newton solve_powell "
        "solve_newton_tol solve_powell_tol integrate_1d map_rect reduce_sum "
        "reduce_sum_static").split()},
    **{name: "special function without a numba implementation yet (not in the ranked list)"
       for name in ("lambert_w0 lambert_wm1 gamma_p gamma_q inc_beta inv_inc_beta owens_t "
                    "log_modified_bessel_first_kind bessel_first_kind bessel_second_kind "
                    "modified_bessel_first_kind modified_bessel_second_kind hypergeometric_1F0 "
                    "hypergeometric_2F1 hypergeometric_3F2 hypergeometric_pFq").split()},
    **{name: "decomposition or kernel with no reverse rule here yet (not in the ranked list)"
       for name in ("matrix_exp matrix_exp_multiply scale_matrix_exp_multiply "
                    "generalized_inverse qr_Q qr_R qr_thin_Q qr_thin_R svd_U svd_V "
                    "gp_periodic_cov gp_dot_prod_cov hmm_hidden_state_prob "
                    "hmm_latent_rng").split()},
    **{name: "not in the ranked list; the shared GP core (linalg._gp_cov, kinds 1-3) "
             "computes and differentiates it, only the public wrappers are missing"
       for name in "gp_exponential_cov gp_matern32_cov gp_matern52_cov".split()},
}
