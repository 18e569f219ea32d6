"""Stan's built-in functions (other than distributions and operators) and their signatures.

`GROUPS` pairs space-separated function names with the signatures each of them has; a name may
appear in several groups (`log10` is both a constant and a function).  Spelling: see
`vilang.typecheck.signatures` (`a or b` alternatives, type classes such as `R`, `...` for variadic
arguments, `data` for data-only arguments).  Complex-valued and tuple-returning functions are not
covered: vilang's types have neither.

Source: stanc3 `src/stan_math_signatures/Generate.ml`, the Stan Functions Reference.
"""

def same(types, template: str) -> tuple[str, ...]:
    """One signature per type, e.g. same(["vector", "matrix"], "({t}) => {t}")."""
    return tuple(template.format(t=t) for t in types)


# Elementwise over any shape: `exp(array[] vector)` is `array[] vector`; int promotes to real.
UNARY_VECTORISED = ("(R) => R",)
# Two arguments, each a scalar or the same container; the result has the container's shape.
BINARY_VECTORISED = ("(real, real) => real", "(C, C) => C", "(C, real) => C", "(real, C) => C")
INT_BINARY_VECTORISED = ("(int, int) => int", "(I, I) => I", "(I, int) => I", "(int, I) => I")
# An int and a real argument, either a container (int arrays nested up to two deep).
INT_REAL_VECTORISED = (
    ("(int, real) => real", "(int, C) => C", "(array[] int, real) => array[] real",
     "(array[,] int, real) => array[,] real", "(array[,] int, matrix) => matrix")
    + same(("array[] real", "vector", "row_vector"), "(array[] int, {t}) => {t}"))
REAL_INT_VECTORISED = (
    ("(real, int) => real", "(C, int) => C", "(real, array[] int) => array[] real",
     "(real, array[,] int) => array[,] real", "(matrix, array[,] int) => matrix")
    + same(("array[] real", "vector", "row_vector"), "({t}, array[] int) => {t}"))
SEQUENCE = "array[] real or vector or row_vector"  # array[] int promotes
REDUCTION = (f"({SEQUENCE} or matrix) => real",)
ROWS_OR_COLS = "vector or row_vector or matrix"
SEQUENCES = ("array[] int", "array[] real", "vector", "row_vector")
GP_KERNEL = (
    "(array[] real, real, real) => matrix",
    "(array[] real, array[] real, real, real) => matrix",
    "(array[] vector, real, real) => matrix",
    "(array[] vector, array[] vector, real, real) => matrix",
    "(array[] vector, real, array[] real) => matrix",  # one length scale per dimension
    "(array[] vector, array[] vector, real, array[] real) => matrix",
)
OLD_ODE = ("(function, array[] real, real, array[] real, array[] real, data array[] real, "
           "data array[] int")
ODE = "(function, vector, real, array[] real"
ALGEBRA = "(function, vector, vector, data array[] real, data array[] int"


def fma_forms() -> tuple[str, ...]:
    """`fma(x, y, z)`: any of x, y, z may be a vector, row_vector or matrix E, the rest real."""
    forms = [(a, b, c) for a in ("E", "real") for b in ("E", "real") for c in ("E", "real")]
    return tuple(f"({a}, {b}, {c}) => {'E' if 'E' in (a, b, c) else 'real'}"
                 for a, b, c in forms)


GROUPS: list[tuple[str, tuple[str, ...]]] = [
    # Elementwise real functions.  `fabs` was removed in Stan 2.33 (use `abs`) but old code has it.
    ("acos acosh asin asinh atan atanh cbrt ceil cos cosh digamma erf erfc exp exp2 expm1 fabs "
     "floor inv inv_cloglog inv_erfc inv_logit inv_Phi inv_sqrt inv_square lambert_w0 "
     "lambert_wm1 lgamma log log10 log1m log1m_exp log1m_inv_logit log1p log1p_exp log2 "
     "log_inv_logit logit Phi Phi_approx round sin sinh sqrt square std_normal_log_qf "
     "std_normal_qf tan tanh tgamma trigamma trunc", UNARY_VECTORISED),
    ("abs", ("(T) => T",)),
    ("step", ("(real) => real",)),
    ("int_step", ("(real) => int",)),
    ("is_inf is_nan", ("(real) => int",)),
    ("e pi sqrt2 log2 log10 not_a_number positive_infinity negative_infinity machine_precision",
     ("() => real",)),
    # Elementwise binary functions.  `binomial_coefficient_log` is the pre-2.33 name of lchoose.
    ("atan2 beta binomial_coefficient_log fdim fmax fmin fmod gamma_p gamma_q hypot lbeta "
     "lchoose lmultiply log_diff_exp log_falling_factorial log_inv_logit_diff "
     "log_modified_bessel_first_kind log_rising_factorial log_sum_exp owens_t pow",
     BINARY_VECTORISED),
    ("choose", INT_BINARY_VECTORISED),
    ("falling_factorial rising_factorial", INT_BINARY_VECTORISED + REAL_INT_VECTORISED),
    ("ldexp", REAL_INT_VECTORISED),
    ("bessel_first_kind bessel_second_kind binary_log_loss lmgamma modified_bessel_first_kind "
     "modified_bessel_second_kind", INT_REAL_VECTORISED),
    ("fma", fma_forms()),
    ("inc_beta inv_inc_beta", ("(real, real, real) => real",)),
    ("hypergeometric_1F0", ("(real, real) => real",)),
    ("hypergeometric_2F1", ("(real, real, real, real) => real",)),
    ("hypergeometric_3F2 hypergeometric_pFq",
     (f"({SEQUENCE}, {SEQUENCE}, real) => real",)),
    ("log_mix", ("(real, real, real) => real",
                 f"({SEQUENCE}, {SEQUENCE} or array[] vector or array[] row_vector) => real")),
    # Reductions
    ("sum prod", ("(array[] int) => int",) + REDUCTION),
    ("max min", ("(array[] int) => int",) + REDUCTION + ("(int, int) => int",)),
    ("mean sd variance log_sum_exp", REDUCTION),
    ("norm1 norm2", (f"({SEQUENCE}) => real",)),
    ("dot_self", ("(vector or row_vector) => real",)),
    ("columns_dot_self", (f"({ROWS_OR_COLS}) => row_vector",)),
    ("rows_dot_self", (f"({ROWS_OR_COLS}) => vector",)),
    ("dot_product", ("(vector or row_vector, vector or row_vector) => real",
                     "(array[] real, array[] real) => real")),
    ("columns_dot_product", same(("vector", "row_vector", "matrix"), "({t}, {t}) => row_vector")),
    ("rows_dot_product", same(("vector", "row_vector", "matrix"), "({t}, {t}) => vector")),
    ("distance", ("(vector or row_vector, vector or row_vector) => real",)),
    ("squared_distance", ("(real, real) => real",
                          "(vector or row_vector, vector or row_vector) => real")),
    ("quantile", (f"(data {SEQUENCE}, data real) => real",
                  f"(data {SEQUENCE}, data array[] real) => array[] real")),
    # Sizes
    ("size", ("(T) => int",)),
    ("dims", ("(T) => array[] int",)),
    ("num_elements", ("(A) => int", f"({ROWS_OR_COLS}) => int")),
    ("rows cols", (f"({ROWS_OR_COLS}) => int",)),
    # Constructors and conversions
    ("rep_vector", ("(real, int) => vector",)),
    ("rep_row_vector", ("(real, int) => row_vector",)),
    ("rep_matrix", ("(real, int, int) => matrix", "(vector or row_vector, int) => matrix")),
    ("rep_array", ("(T, int) => array[] T", "(T, int, int) => array[,] T",
                   "(T, int, int, int) => array[,,] T")),
    ("to_vector", ("(vector or row_vector or matrix or array[] real) => vector",)),
    ("to_row_vector", ("(vector or row_vector or matrix or array[] real) => row_vector",)),
    ("to_matrix", (f"({ROWS_OR_COLS}) => matrix", "(array[] row_vector) => matrix",
                   "(array[,] real) => matrix",
                   f"({ROWS_OR_COLS} or array[] real, int, int) => matrix",
                   f"({ROWS_OR_COLS} or array[] real, int, int, int) => matrix")),
    ("to_array_1d", (f"({ROWS_OR_COLS}) => array[] real",
                     "(array[] real or array[,] real or array[,,] real) => array[] real",
                     "(array[] int or array[,] int or array[,,] int) => array[] int")),
    ("to_array_2d", ("(matrix) => array[,] real",)),
    ("to_int", ("(data real) => int", "(data array[] real) => array[] int",
                "(data array[,] real) => array[,] int", "(data array[,,] real) => array[,,] int")),
    ("linspaced_vector", ("(data int, data real, data real) => vector",)),
    ("linspaced_row_vector", ("(data int, data real, data real) => row_vector",)),
    ("linspaced_array", ("(data int, data real, data real) => array[] real",)),
    ("linspaced_int_array", ("(data int, data int, data int) => array[] int",)),
    ("one_hot_vector", ("(int, int) => vector",)),
    ("one_hot_row_vector", ("(int, int) => row_vector",)),
    ("one_hot_array", ("(int, int) => array[] real",)),
    ("one_hot_int_array", ("(int, int) => array[] int",)),
    ("zeros_vector ones_vector uniform_simplex", ("(int) => vector",)),
    ("zeros_row_vector ones_row_vector", ("(int) => row_vector",)),
    ("zeros_array ones_array", ("(int) => array[] real",)),
    ("zeros_int_array ones_int_array", ("(int) => array[] int",)),
    ("identity_matrix", ("(int) => matrix",)),
    # Matrix functions
    ("chol2inv cholesky_decompose crossprod eigenvectors_sym generalized_inverse inverse "
     "inverse_spd matrix_exp multiply_lower_tri_self_transpose qr_Q qr_R qr_thin_Q qr_thin_R "
     "svd_U svd_V symmetrize_from_lower_tri tcrossprod", ("(matrix) => matrix",)),
    ("determinant log_determinant log_determinant_spd trace", ("(matrix) => real",)),
    ("diagonal eigenvalues_sym singular_values", ("(matrix) => vector",)),
    ("diag_matrix", ("(vector) => matrix",)),
    ("add_diag", ("(matrix, real or vector or row_vector) => matrix",)),
    ("diag_pre_multiply", ("(vector or row_vector, matrix) => matrix",)),
    ("diag_post_multiply quad_form_diag", ("(matrix, vector or row_vector) => matrix",)),
    ("quad_form quad_form_sym", ("(matrix, vector) => real", "(matrix, matrix) => matrix")),
    ("trace_quad_form", ("(matrix, vector or matrix) => real",)),
    ("trace_gen_quad_form", ("(matrix, matrix, matrix) => real",)),
    ("mdivide_left mdivide_left_spd mdivide_left_tri_low",
     ("(matrix, vector) => vector", "(matrix, matrix) => matrix")),
    ("mdivide_right mdivide_right_spd mdivide_right_tri_low",
     ("(row_vector, matrix) => row_vector", "(matrix, matrix) => matrix")),
    ("matrix_power", ("(matrix, int) => matrix",)),
    ("matrix_exp_multiply", ("(matrix, matrix) => matrix",)),
    ("scale_matrix_exp_multiply", ("(real, matrix, matrix) => matrix",)),
    ("transpose", ("(vector) => row_vector", "(row_vector) => vector", "(matrix) => matrix")),
    ("softmax log_softmax", ("(vector) => vector",)),
    ("cumulative_sum sort_asc sort_desc", same(SEQUENCES, "({t}) => {t}")),
    ("sort_indices_asc sort_indices_desc", (f"({SEQUENCE}) => array[] int",)),
    ("rank", (f"({SEQUENCE}, int) => int",)),
    ("reverse", ("(vector) => vector", "(row_vector) => row_vector", "(A) => A")),
    ("head tail", ("(vector, int) => vector", "(row_vector, int) => row_vector", "(A, int) => A")),
    ("segment", ("(vector, int, int) => vector", "(row_vector, int, int) => row_vector",
                 "(A, int, int) => A")),
    ("append_array", ("(A, A) => A",)),
    ("append_row", ("(matrix or row_vector, matrix or row_vector) => matrix",
                    "(vector, vector) => vector", "(real, vector) => vector",
                    "(vector, real) => vector")),
    ("append_col", ("(matrix or vector, matrix or vector) => matrix",
                    "(row_vector, row_vector) => row_vector", "(real, row_vector) => row_vector",
                    "(row_vector, real) => row_vector")),
    ("col", ("(matrix, int) => vector",)),
    ("row", ("(matrix, int) => row_vector",)),
    ("block", ("(matrix, int, int, int, int) => matrix",)),
    ("sub_col", ("(matrix, int, int, int) => vector",)),
    ("sub_row", ("(matrix, int, int, int) => row_vector",)),
    # Gaussian-process covariance functions.  `cov_exp_quad` is the pre-2.33 gp_exp_quad_cov.
    ("gp_exp_quad_cov gp_matern32_cov gp_matern52_cov gp_exponential_cov", GP_KERNEL),
    ("cov_exp_quad", GP_KERNEL[:4]),
    ("gp_periodic_cov", ("(array[] real or array[] vector, real, real, real) => matrix",
                         "(array[] real, array[] real, real, real, real) => matrix",
                         "(array[] vector, array[] vector, real, real, real) => matrix")),
    ("gp_dot_prod_cov", ("(array[] real or array[] vector, real) => matrix",
                         "(array[] real, array[] real, real) => matrix",
                         "(array[] vector, array[] vector, real) => matrix")),
    # Sparse matrices (compressed row storage)
    ("csr_matrix_times_vector",
     ("(int, int, vector, array[] int, array[] int, vector) => vector",)),
    ("csr_to_dense_matrix", ("(int, int, vector, array[] int, array[] int) => matrix",)),
    ("csr_extract_w", ("(matrix) => vector",)),
    ("csr_extract_v csr_extract_u", ("(matrix) => array[] int",)),
    # Hidden Markov models
    ("hmm_marginal", ("(matrix, matrix, vector) => real",)),
    ("hmm_hidden_state_prob", ("(data matrix, data matrix, data vector) => matrix",)),
    ("hmm_latent_rng", ("(matrix, matrix, vector) => array[] int",)),
    # Higher-order functions: the first argument names a user function (only its kind is
    # checked here); `...` passes any further arguments on to it.
    ("ode_rk45 ode_bdf ode_adams ode_ckrk", (ODE + ", ...) => array[] vector",)),
    ("ode_rk45_tol ode_bdf_tol ode_adams_tol ode_ckrk_tol",
     (ODE + ", data real, data real, data int, ...) => array[] vector",)),
    ("ode_adjoint_tol_ctl", (ODE + ", data real, data vector, data real, data vector, data real, "
                             "data real, data int, data int, data int, data int, data int, ...) "
                             "=> array[] vector",)),
    ("integrate_ode_rk45 integrate_ode_bdf integrate_ode_adams",
     (OLD_ODE + ") => array[,] real",
      OLD_ODE + ", data real, data real, data real) => array[,] real")),
    ("dae", ("(function, vector, vector, data real, data array[] real, ...) => array[] vector",)),
    ("dae_tol", ("(function, vector, vector, data real, data array[] real, data real, data real, "
                 "data int, ...) => array[] vector",)),
    ("algebra_solver algebra_solver_newton",
     (ALGEBRA + ") => vector", ALGEBRA + ", data real, data real, data real) => vector")),
    ("solve_newton solve_powell", ("(function, vector, ...) => vector",)),
    ("solve_newton_tol solve_powell_tol",
     ("(function, vector, data real, data real, data int, ...) => vector",)),
    ("integrate_1d",
     ("(function, real, real, array[] real, data array[] real, data array[] int) => real",
      "(function, real, real, array[] real, data array[] real, data array[] int, data real) "
      "=> real")),
    ("map_rect", ("(function, vector, array[] vector, data array[,] real, data array[,] int) "
                  "=> vector",)),
    ("reduce_sum reduce_sum_static", ("(function, A, int, ...) => real",)),
]
