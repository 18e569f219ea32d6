"""Stan's distribution families: their arguments and which suffixed functions exist.

Each family gives its argument names (variate first), the suffixes that exist, and the argument
kinds of each `_lpdf`/`_lpmf` overload in the spelling of `vilang.typecheck.signatures` ("reals" and
"ints" vectorise: any mix of scalars and containers, summed; "a or b" is one overload per
alternative).  From these:
  * `_lupdf`/`_lupmf` exist with every `_lpdf`/`_lpmf`, with the same arguments;
  * `_cdf`, `_lcdf` and `_lccdf` take the density's arguments and return real;
  * `_rng` takes the arguments after the variate.  Unless a family lists its `_rng` signatures,
    it returns one draw per element: `real`/`int` for scalar arguments, else `array[] real`/
    `array[] int`.

Source: stanc3 `src/stan_math_signatures/Generate.ml` (the `distributions` list and the explicit
overloads after it) and the Stan Functions Reference, whose argument names are used.
"""
from typing import NamedTuple


class Family(NamedTuple):
    name: str
    args: str  # argument names, variate first
    suffixes: str  # e.g. "lpdf cdf lcdf lccdf rng"
    overloads: tuple[str, ...]  # argument kinds of each density overload, variate first
    rng: tuple[str, ...]  # `_rng` signatures, when not derived from the density


def family(name: str, args: str, suffixes: str, *overloads: str, rng: tuple[str, ...] = ()):
    return Family(name, args, suffixes, overloads, rng)


CONTINUOUS = "lpdf cdf lcdf lccdf rng"
DISCRETE = "lpmf cdf lcdf lccdf rng"
R3 = "reals, reals, reals"
R4 = "reals, reals, reals, reals"
# multi_normal and friends draw one vector per location vector.
MULTI_NORMAL_RNG = ("(vector or row_vector, matrix) => vector",
                    "(array[] vector or array[] row_vector, matrix) => array[] vector")
MULTI_STUDENT_RNG = ("(real, vector or row_vector, matrix) => vector",
                     "(real, array[] vector or array[] row_vector, matrix) => array[] vector")
WISHART_RNG = ("(real, matrix) => matrix",)
# GLMs: x is a matrix (one row per observation) or a row_vector shared by all observations.
GLM = ("int, matrix, real or vector, vector",
       "array[] int, matrix or row_vector, real or vector, vector")

FAMILIES = [
    # Unbounded continuous
    family("normal", "y mu sigma", CONTINUOUS, R3),
    family("std_normal", "y", CONTINUOUS, "reals"),
    family("normal_id_glm", "y x alpha beta sigma", "lpdf",
           "vector, matrix or row_vector, real or vector, vector, real or vector",
           "real, matrix, real or vector, vector, real or vector"),
    family("exp_mod_normal", "y mu sigma lambda", CONTINUOUS, R4),
    family("skew_normal", "y xi omega alpha", CONTINUOUS, R4),
    family("student_t", "y nu mu sigma", CONTINUOUS, R4),
    family("cauchy", "y mu sigma", CONTINUOUS, R3),
    family("double_exponential", "y mu sigma", CONTINUOUS, R3),
    family("logistic", "y mu sigma", CONTINUOUS, R3),
    family("gumbel", "y mu beta", CONTINUOUS, R3),
    family("skew_double_exponential", "y mu sigma tau", CONTINUOUS, R4),
    # Positive continuous
    family("lognormal", "y mu sigma", CONTINUOUS, R3),
    family("chi_square", "y nu", CONTINUOUS, "reals, reals"),
    family("inv_chi_square", "y nu", CONTINUOUS, "reals, reals"),
    family("scaled_inv_chi_square", "y nu sigma", CONTINUOUS, R3),
    family("exponential", "y beta", CONTINUOUS, "reals, reals"),
    family("gamma", "y alpha beta", CONTINUOUS, R3),
    family("inv_gamma", "y alpha beta", CONTINUOUS, R3),
    family("weibull", "y alpha sigma", CONTINUOUS, R3),
    family("frechet", "y alpha sigma", CONTINUOUS, R3),
    family("rayleigh", "y sigma", CONTINUOUS, "reals, reals"),
    family("loglogistic", "y alpha beta", "lpdf cdf rng", R3),
    family("pareto", "y y_min alpha", CONTINUOUS, R3),
    family("pareto_type_2", "y mu lambda alpha", CONTINUOUS, R4),
    # Drift-diffusion first passage times: the 4-parameter form, and the 7-parameter one with
    # its 5-parameter special case (scalars throughout, or vectors throughout).
    family("wiener", "y alpha tau beta delta sv sw st0", "lpdf",
           "reals, reals, reals, reals, reals",
           "real, real, real, real, real, real", "real, real, real, real, real, real, real, real",
           "vector, vector, vector, vector, vector, vector",
           "vector, vector, vector, vector, vector, vector, vector, vector"),
    # Continuous on [0, 1], circular, bounded
    family("beta", "theta alpha beta", CONTINUOUS, R3),
    family("beta_proportion", "theta mu kappa", "lpdf lcdf lccdf rng", R3),
    family("von_mises", "y mu kappa", CONTINUOUS, R3),
    family("uniform", "y alpha beta", CONTINUOUS, R3),
    # Binary and bounded discrete
    family("bernoulli", "y theta", DISCRETE, "ints, reals"),
    family("bernoulli_logit", "y alpha", "lpmf rng", "ints, reals"),
    family("bernoulli_logit_glm", "y x alpha beta", "lpmf rng", *GLM,
           rng=("(matrix or row_vector, vector, vector) => array[] int",)),
    family("binomial", "n N theta", DISCRETE, "ints, ints, reals"),
    family("binomial_logit", "n N alpha", "lpmf", "ints, ints, reals"),
    family("binomial_logit_glm", "n N x alpha beta", "lpmf",
           "ints, ints, matrix, real, vector", "int, int, matrix, vector, vector",
           "array[] int, array[] int, matrix, vector, vector",
           "array[] int, array[] int, row_vector, real or vector, vector"),
    family("beta_binomial", "n N alpha beta", DISCRETE, "ints, ints, reals, reals"),
    family("hypergeometric", "n N a b", "lpmf rng", "int, int, int, int"),
    family("categorical", "y theta", "lpmf rng", "ints, vector", rng=("(vector) => int",)),
    family("categorical_logit", "y beta", "lpmf rng", "ints, vector", rng=("(vector) => int",)),
    family("categorical_logit_glm", "y x alpha beta", "lpmf",
           "ints, matrix or row_vector, vector, matrix"),
    family("discrete_range", "y lower upper", DISCRETE, "ints, ints, ints"),
    family("ordered_logistic", "k eta c", "lpmf rng", "int, real, vector",
           "array[] int, vector, vector or array[] vector", rng=("(real, vector) => int",)),
    family("ordered_logistic_glm", "y x beta c", "lpmf",
           "ints, matrix or row_vector, vector, vector"),
    family("ordered_probit", "k eta c", "lpmf rng", "int, real, vector",
           "array[] int, real or vector, vector or array[] vector",
           rng=("(real, vector) => int",)),
    # Unbounded discrete
    family("neg_binomial", "n alpha beta", DISCRETE, "ints, reals, reals"),
    family("neg_binomial_2", "n mu phi", DISCRETE, "ints, reals, reals"),
    family("neg_binomial_2_log", "n eta phi", "lpmf rng", "ints, reals, reals"),
    family("neg_binomial_2_log_glm", "y x alpha beta phi", "lpmf", *(g + ", real" for g in GLM)),
    family("beta_neg_binomial", "n r alpha beta", DISCRETE, "ints, reals, reals, reals"),
    family("poisson", "n lambda", DISCRETE, "ints, reals"),
    family("poisson_log", "n alpha", "lpmf rng", "ints, reals"),
    family("poisson_log_glm", "y x alpha beta", "lpmf", *GLM),
    # Multivariate discrete
    family("multinomial", "y theta", "lpmf rng", "array[] int, vector",
           rng=("(vector, int) => array[] int",)),
    family("multinomial_logit", "y gamma", "lpmf rng", "array[] int, vector",
           rng=("(vector, int) => array[] int",)),
    family("dirichlet_multinomial", "y alpha", "lpmf rng", "array[] int, vector",
           rng=("(vector, int) => array[] int",)),
    # Multivariate continuous
    family("multi_normal", "y mu Sigma", "lpdf rng", "vectors, vectors, matrix",
           rng=MULTI_NORMAL_RNG),
    family("multi_normal_prec", "y mu Omega", "lpdf", "vectors, vectors, matrix"),
    family("multi_normal_cholesky", "y mu L", "lpdf rng", "vectors, vectors, matrix",
           rng=MULTI_NORMAL_RNG),
    family("multi_gp", "y Sigma w", "lpdf", "matrix, matrix, vector"),
    family("multi_gp_cholesky", "y L w", "lpdf", "matrix, matrix, vector"),
    family("multi_student_t", "y nu mu Sigma", "lpdf rng", "vectors, real, vectors, matrix",
           rng=MULTI_STUDENT_RNG),
    family("multi_student_t_cholesky", "y nu mu L", "lpdf rng", "vectors, real, vectors, matrix",
           rng=MULTI_STUDENT_RNG),
    family("gaussian_dlm_obs", "y F G V W m0 C0", "lpdf",
           "matrix, matrix, matrix, matrix or vector, matrix, vector, matrix"),
    # Simplexes, correlation and covariance matrices
    family("dirichlet", "theta alpha", "lpdf rng", "vectors, vectors",
           rng=("(vector) => vector",)),
    family("lkj_corr", "y eta", "lpdf rng", "matrix, real", rng=("(int, real) => matrix",)),
    family("lkj_corr_cholesky", "L eta", "lpdf rng", "matrix, real",
           rng=("(int, real) => matrix",)),
    family("lkj_cov", "y mu sigma eta", "lpdf", "matrix, vector, vector, real"),  # deprecated
    family("wishart", "W nu Sigma", "lpdf rng", "matrix, real, matrix", rng=WISHART_RNG),
    family("wishart_cholesky", "L_W nu L_S", "lpdf rng", "matrix, real, matrix", rng=WISHART_RNG),
    family("inv_wishart", "W nu Sigma", "lpdf rng", "matrix, real, matrix", rng=WISHART_RNG),
    family("inv_wishart_cholesky", "L_W nu L_S", "lpdf rng", "matrix, real, matrix",
           rng=WISHART_RNG),
]
