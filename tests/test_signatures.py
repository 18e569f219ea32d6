"""Tests of the signature table of Stan's built-ins (vilang.typecheck.signatures)."""
import re
from itertools import product

import pytest

from vilang.typecheck import signatures as S
from vilang.types import (BASES, FUNCTION, INT, INT_ARRAY, MATRIX, REAL, REAL_ARRAY, VECTOR,
                          UnsizedType, promotes_to)


def ty(text: str) -> UnsizedType:
    """`array[,] real` -> UnsizedType("real", 2)."""
    m = re.fullmatch(r"(?:array\[(,*)\] )?(\w+)", text)
    return UnsizedType(m[2], 0 if m[1] is None else len(m[1]) + 1)


def call(name: str, *types: str, data: bool = True):
    return S.resolve(name, [S.ArgInfo(ty(t), data) for t in types])


def returns(name: str, *types: str) -> str | None:
    """The return type of `name(types...)` as text, or None when no signature fits."""
    result = call(name, *types)
    return str(result.return_type) if isinstance(result, S.Match) else None


# One exact example of each class and type variable (the same for every use of a variable).
EXAMPLE = {"reals": REAL, "ints": INT, "vectors": VECTOR, "T": REAL, "R": REAL, "C": VECTOR,
           "I": INT_ARRAY, "A": REAL_ARRAY, "E": VECTOR}


def example_args(sig: S.Signature) -> list[S.ArgInfo]:
    return [S.ArgInfo(EXAMPLE.get(p.pattern.base) or UnsizedType(p.pattern.base, p.pattern.dims),
                      True) for p in sig.params]


ALL_SIGNATURES = [sig for sigs in S.SIGNATURES.values() for sig in sigs]
CALLABLE = [(name, sig) for name, sigs in S.SIGNATURES.items() for sig in sigs]


# --- The whole table, generically ------------------------------------------------------------

def test_every_signature_is_chosen_for_its_own_exact_arguments():
    """Each signature is reachable and no two signatures of one name accept the same exact
    arguments (which would make resolution depend on table order)."""
    for name, sig in CALLABLE:
        result = S.resolve(name, example_args(sig))
        assert isinstance(result, S.Match), (name, sig.text, result)
        assert result.signature_text == sig.text, (name, sig.text, result.signature_text)
        assert result.return_type.base in BASES, (name, sig.text)


def test_signature_texts_parse_back_to_themselves():
    for sig in ALL_SIGNATURES:
        if not sig.rng_shape:
            assert [s.text for s in S.parse_signatures(sig.name, sig.text)] == [sig.text]


def test_type_class_help_explains_every_class_used():
    words = {w for sig in ALL_SIGNATURES for w in re.findall(r"\w+", sig.text)}
    used = words & set(S.TYPE_CLASSES)
    assert used == set(S.TYPE_CLASSES)
    for name in used:
        assert S.TYPE_CLASS_HELP[name].startswith(f"{name}: ")


@pytest.mark.parametrize("text", ["(reals) => reals", "(array[] T) => T", "(T) => C",
                                  "(complex) => real", "(real) real", "(array[] R) => real"])
def test_malformed_table_entries_are_rejected(text):
    with pytest.raises(ValueError):
        S.parse_signatures("f", text)


def test_builtin_names():
    names = S.builtin_names()
    assert names == sorted(names) and len(names) == len(S.SIGNATURES)
    assert {"exp", "pi", "normal_lpdf", "normal_lupdf", "normal_rng", "add"} <= set(names)
    assert S.is_builtin_function("poisson_log_lpmf") and S.is_builtin_function("e")
    assert not S.is_builtin_function("normal") and not S.is_builtin_function("normal_lpmf")
    assert S.resolve("no_such_function", []) == S.NoMatch("no_such_function", ())
    assert S.signatures_text("no_such_function") == []


# --- Distributions ---------------------------------------------------------------------------

ALL_SUFFIXES = {"_lpdf", "_lupdf", "_lpmf", "_lupmf", "_cdf", "_lcdf", "_lccdf", "_rng"}


def test_every_family_has_one_density_with_the_variate_first():
    for family, d in S.DISTRIBUTIONS.items():
        suffixes = S.family_suffixes(family)
        assert suffixes <= ALL_SUFFIXES, family
        density = "_lpmf" if S.is_discrete_family(family) else "_lpdf"
        assert {density, density.replace("_lp", "_lup")} <= suffixes, family
        assert not {"_lpdf", "_lpmf"} - {density} & suffixes, family
        sigs = S.SIGNATURES[family + density]
        assert len(d.names) == len(d.params) == max(len(s.params) for s in sigs), family
        for sig in sigs:
            int_variate = sig.params[0].pattern.base in ("int", "ints")
            assert int_variate == d.discrete, (family, sig.text)
            assert sig.returns == S.Pattern("real"), (family, sig.text)
        assert S.signatures_text(family + density.replace("_lp", "_lup")) == \
            S.signatures_text(family + density), family


def test_every_suffix_listed_resolves_and_no_other_exists():
    for family in S.distribution_families():
        for suffix in S.family_suffixes(family):
            assert S.is_builtin_function(family + suffix)
            for sig in S.SIGNATURES[family + suffix]:
                assert isinstance(S.resolve(family + suffix, example_args(sig)), S.Match), \
                    (family + suffix, sig.text)
        for suffix in ALL_SUFFIXES - S.family_suffixes(family):
            assert not S.is_builtin_function(family + suffix), family + suffix


def test_cdfs_take_the_density_arguments():
    for family, d in S.DISTRIBUTIONS.items():
        density = S.signatures_text(family + ("_lpmf" if d.discrete else "_lpdf"))
        for suffix in {"_cdf", "_lcdf", "_lccdf"} & d.suffixes:
            assert S.signatures_text(family + suffix) == density, family + suffix


def test_univariate_rng_takes_the_parameters_after_the_variate():
    for family, d in S.DISTRIBUTIONS.items():
        if "_rng" in d.suffixes and all(k in ("reals", "ints") for k in d.params):
            rng, = S.SIGNATURES[family + "_rng"]
            assert tuple(str(p) for p in rng.params) == d.params[1:]
            assert str(rng.returns) == ("int" if d.discrete else "real")


def test_distribution_data_for_later_stages():
    normal = S.DISTRIBUTIONS["normal"]
    assert (normal.names, normal.params) == (("y", "mu", "sigma"), ("reals",) * 3)
    assert normal.suffixes == {"_lpdf", "_lupdf", "_cdf", "_lcdf", "_lccdf", "_rng"}
    assert S.DISTRIBUTIONS["binomial"].params == ("ints", "ints", "reals")
    assert S.DISTRIBUTIONS["multi_normal"].params == ("vectors", "vectors", "matrix")
    assert S.DISTRIBUTIONS["bernoulli_logit_glm"].params == (
        "int or array[] int", "matrix or row_vector", "real or vector", "vector")
    assert S.DISTRIBUTIONS["wiener"].params[:5] == ("reals",) * 5
    assert S.family_suffixes("no_such_family") == set()
    assert not S.is_discrete_family("no_such_family")


CORE_40 = """normal cauchy bernoulli poisson normal_id_glm bernoulli_logit binomial gamma
    poisson_log uniform beta inv_gamma lognormal binomial_logit bernoulli_logit_glm multi_normal
    student_t
    categorical dirichlet neg_binomial_2 multinomial lkj_corr_cholesky exponential wishart
    multi_normal_cholesky neg_binomial_2_log inv_wishart std_normal categorical_logit lkj_corr
    pareto double_exponential multi_normal_prec weibull gaussian_dlm_obs poisson_log_glm logistic
    neg_binomial beta_binomial multi_student_t"""
NEXT_TIER = """ordered_logistic ordered_probit von_mises skew_normal gumbel frechet chi_square
    inv_chi_square scaled_inv_chi_square exp_mod_normal beta_proportion rayleigh pareto_type_2
    dirichlet_multinomial loglogistic skew_double_exponential discrete_range neg_binomial_2_log_glm
    categorical_logit_glm ordered_logistic_glm multi_gp multi_gp_cholesky hypergeometric wiener"""


def test_required_families_exist():
    required = set(CORE_40.split() + NEXT_TIER.split())
    assert len(CORE_40.split()) == 40
    assert required <= S.distribution_families()


@pytest.mark.parametrize("family, present, absent", [
    ("normal", "_lpdf _lupdf _cdf _lcdf _lccdf _rng", "_lpmf"),
    ("poisson", "_lpmf _lupmf _cdf _lcdf _lccdf _rng", "_lpdf"),
    ("categorical", "_lpmf _rng", "_cdf _lcdf _lccdf"),
    ("multi_normal", "_lpdf _rng", "_cdf _lcdf _lccdf"),
    ("multi_normal_prec", "_lpdf", "_cdf _rng"),
    ("dirichlet", "_lpdf _rng", "_cdf"),
    ("lkj_corr_cholesky", "_lpdf _rng", "_cdf"),
    ("wishart", "_lpdf _rng", "_cdf"),
    ("normal_id_glm", "_lpdf", "_cdf _rng"),
    ("poisson_log_glm", "_lpmf", "_cdf _rng"),
    ("categorical_logit_glm", "_lpmf", "_rng"),
    ("bernoulli_logit_glm", "_lpmf _rng", "_cdf"),  # bernoulli_logit_glm_rng is new in Stan
    ("bernoulli_logit", "_lpmf _rng", "_cdf"),
    ("binomial_logit", "_lpmf", "_rng _cdf"),
    ("loglogistic", "_lpdf _cdf _rng", "_lcdf _lccdf"),
    ("beta_proportion", "_lpdf _lcdf _lccdf _rng", "_cdf"),
    ("hypergeometric", "_lpmf _rng", "_cdf"),
])
def test_suffixes_exactly_as_in_stan(family, present, absent):
    suffixes = S.family_suffixes(family)
    assert set(present.split()) <= suffixes
    assert not set(absent.split()) & suffixes


@pytest.mark.parametrize("name, args, expected", [
    ("normal_rng", "real real", "real"),
    ("normal_rng", "int int", "real"),
    ("normal_rng", "vector real", "array[] real"),
    ("normal_rng", "real array[] int", "array[] real"),
    ("std_normal_rng", "", "real"),
    ("poisson_rng", "real", "int"),
    ("poisson_rng", "row_vector", "array[] int"),
    ("binomial_rng", "array[] int real", "array[] int"),
    ("bernoulli_logit_rng", "vector", "array[] int"),
    ("discrete_range_rng", "int array[] int", "array[] int"),
    ("hypergeometric_rng", "int int int", "int"),
    ("categorical_rng", "vector", "int"),
    ("ordered_logistic_rng", "real vector", "int"),
    ("multinomial_rng", "vector int", "array[] int"),
    ("dirichlet_rng", "vector", "vector"),
    ("multi_normal_rng", "vector matrix", "vector"),
    ("multi_normal_rng", "row_vector matrix", "vector"),
    ("multi_normal_cholesky_rng", "array[] vector matrix", "array[] vector"),
    ("multi_student_t_rng", "real array[] row_vector matrix", "array[] vector"),
    ("lkj_corr_cholesky_rng", "int real", "matrix"),
    ("wishart_rng", "real matrix", "matrix"),
    ("bernoulli_logit_glm_rng", "matrix vector vector", "array[] int"),
    ("normal_rng", "matrix real", None),
    ("categorical_rng", "array[] real", None),
])
def test_rng_return_types(name, args, expected):
    assert returns(name, *split_types(args)) == expected


def split_types(text: str) -> list[str]:
    return re.findall(r"(?:array\[,*\] )?\w+", text)


REALS = ["int", "real", "array[] int", "array[] real", "vector", "row_vector"]
NOT_REALS = ["matrix", "array[,] real", "array[] vector", "array[] row_vector"]


def test_univariate_families_vectorise_over_every_mix_of_reals():
    for args in product(REALS, repeat=3):
        assert returns("normal_lpdf", *args) == "real", args
        assert returns("gamma_lccdf", *args) == "real", args


@pytest.mark.parametrize("position", range(3))
@pytest.mark.parametrize("bad", NOT_REALS)
def test_univariate_families_do_not_vectorise_over_matrices_or_nested_arrays(position, bad):
    args = ["real"] * 3
    args[position] = bad
    result = call("normal_lpdf", *args)
    assert result == S.NoMatch("normal_lpdf", (
        ("(reals, reals, reals) => real",
         f"The {S.ordinal(position + 1)} argument must be reals but got {bad}."),))


@pytest.mark.parametrize("name, args, ok", [
    ("normal_lpdf", "vector real array[] real", True),
    ("normal_lpdf", "matrix real real", False),
    ("poisson_lpmf", "array[] int vector", True),
    ("poisson_lpmf", "array[] real vector", False),
    ("poisson_lpmf", "vector real", False),
    ("binomial_lpmf", "array[] int int vector", True),
    ("binomial_lpmf", "array[] int real vector", False),
    ("categorical_lpmf", "array[] int vector", True),
    ("categorical_lpmf", "int row_vector", False),
    ("multinomial_lpmf", "array[] int vector", True),
    ("multinomial_lpmf", "int vector", False),
    ("multi_normal_lpdf", "array[] vector vector matrix", True),
    ("multi_normal_lpdf", "vector array[] row_vector matrix", True),
    ("multi_normal_lpdf", "matrix vector matrix", False),
    ("multi_normal_lpdf", "vector vector vector", False),
    ("multi_student_t_lpdf", "array[] vector int vector matrix", True),
    ("dirichlet_lpdf", "array[] vector vector", True),
    ("lkj_corr_cholesky_lpdf", "matrix int", True),
    ("wishart_lpdf", "matrix real matrix", True),
    ("wishart_lpdf", "matrix matrix real", False),
    ("bernoulli_logit_glm_lpmf", "array[] int matrix real vector", True),
    ("bernoulli_logit_glm_lpmf", "array[] int row_vector vector vector", True),
    ("bernoulli_logit_glm_lpmf", "int row_vector real vector", False),  # as stanc3
    ("bernoulli_logit_glm_lpmf", "array[] int matrix real matrix", False),
    ("normal_id_glm_lpdf", "vector matrix real vector real", True),
    ("normal_id_glm_lpdf", "vector matrix vector vector vector", True),
    ("normal_id_glm_lpdf", "real row_vector real vector real", False),
    ("poisson_log_glm_lpmf", "array[] int matrix real vector", True),
    ("neg_binomial_2_log_glm_lpmf", "array[] int matrix vector vector real", True),
    ("ordered_logistic_lpmf", "array[] int vector vector", True),
    ("ordered_logistic_lpmf", "array[] int real vector", False),
    ("ordered_probit_lpmf", "array[] int real array[] vector", True),
    ("categorical_logit_glm_lpmf", "int row_vector vector matrix", True),
    ("gaussian_dlm_obs_lpdf", "matrix matrix matrix vector matrix vector matrix", True),
    ("hypergeometric_lpmf", "int int int int", True),
    ("hypergeometric_lpmf", "array[] int int int int", False),
    ("wiener_lpdf", "vector real real real real", True),
    ("wiener_lpdf", "real real real real real real real real", True),
])
def test_distribution_argument_kinds(name, args, ok):
    assert isinstance(call(name, *split_types(args)), S.Match) == ok


# --- Functions -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, args, expected", [
    ("exp", "int", "real"),
    ("exp", "array[] int", "array[] real"),
    ("log", "array[,] int", "array[,] real"),
    ("inv_logit", "array[] vector", "array[] vector"),
    ("sqrt", "matrix", "matrix"),
    ("Phi", "row_vector", "row_vector"),
    ("abs", "int", "int"),
    ("abs", "array[] int", "array[] int"),
    ("abs", "vector", "vector"),
    ("fabs", "int", "real"),
    ("step", "int", "real"),
    ("int_step", "int", "int"),
    ("is_nan", "real", "int"),
    ("pi", "", "real"),
    ("log10", "", "real"),
    ("log10", "int", "real"),
    ("pow", "int int", "real"),
    ("pow", "vector int", "vector"),
    ("pow", "array[] int array[] real", "array[] real"),
    ("fmax", "int array[,] real", "array[,] real"),
    ("lchoose", "int int", "real"),
    ("log_diff_exp", "matrix matrix", "matrix"),
    ("pow", "vector row_vector", None),
    ("choose", "int int", "int"),
    ("choose", "array[] int int", "array[] int"),
    ("choose", "real int", None),
    ("falling_factorial", "vector int", "vector"),
    ("bessel_first_kind", "int real", "real"),
    ("fma", "real vector real", "vector"),
    ("fma", "matrix matrix matrix", "matrix"),
    ("fma", "vector row_vector real", None),
    ("log_mix", "real real real", "real"),
    ("log_mix", "vector array[] vector", "real"),
    ("log_mix", "array[] real array[] real", "real"),
    ("sum", "array[] int", "int"),
    ("sum", "array[] real", "real"),
    ("sum", "matrix", "real"),
    ("prod", "vector", "real"),
    ("max", "int int", "int"),
    ("max", "array[] int", "int"),
    ("max", "vector", "real"),
    ("min", "real real", None),  # Stan has fmin for reals
    ("mean", "array[] int", "real"),
    ("sd", "row_vector", "real"),
    ("log_sum_exp", "vector", "real"),
    ("log_sum_exp", "real int", "real"),
    ("dot_self", "vector", "real"),
    ("dot_product", "vector row_vector", "real"),
    ("columns_dot_product", "matrix matrix", "row_vector"),
    ("rows_dot_product", "vector vector", "vector"),
    ("size", "int", "int"),
    ("size", "array[,] vector", "int"),
    ("dims", "matrix", "array[] int"),
    ("num_elements", "array[,] real", "int"),
    ("num_elements", "real", None),
    ("rows", "vector", "int"),
    ("cols", "matrix", "int"),
    ("rep_vector", "int int", "vector"),
    ("rep_row_vector", "real int", "row_vector"),
    ("rep_matrix", "real int int", "matrix"),
    ("rep_matrix", "vector int", "matrix"),
    ("rep_array", "int int", "array[] int"),
    ("rep_array", "real int int int", "array[,,] real"),
    ("rep_array", "vector int int", "array[,] vector"),
    ("rep_array", "array[] real int", "array[,] real"),
    ("to_vector", "array[] int", "vector"),
    ("to_row_vector", "matrix", "row_vector"),
    ("to_matrix", "array[] real int int", "matrix"),
    ("to_matrix", "array[,] int", "matrix"),
    ("to_array_1d", "array[,] int", "array[] int"),
    ("to_array_1d", "matrix", "array[] real"),
    ("to_int", "real", "int"),
    ("linspaced_vector", "int int int", "vector"),
    ("one_hot_vector", "int int", "vector"),
    ("zeros_int_array", "int", "array[] int"),
    ("cholesky_decompose", "matrix", "matrix"),
    ("inverse_spd", "matrix", "matrix"),
    ("determinant", "matrix", "real"),
    ("diag_matrix", "vector", "matrix"),
    ("diagonal", "matrix", "vector"),
    ("diag_pre_multiply", "vector matrix", "matrix"),
    ("diag_post_multiply", "matrix row_vector", "matrix"),
    ("quad_form", "matrix vector", "real"),
    ("quad_form", "matrix matrix", "matrix"),
    ("quad_form_diag", "matrix vector", "matrix"),
    ("add_diag", "matrix int", "matrix"),
    ("mdivide_left_tri_low", "matrix vector", "vector"),
    ("mdivide_right_tri_low", "row_vector matrix", "row_vector"),
    ("eigenvalues_sym", "matrix", "vector"),
    ("softmax", "vector", "vector"),
    ("log_softmax", "row_vector", None),
    ("cumulative_sum", "array[] int", "array[] int"),
    ("cumulative_sum", "row_vector", "row_vector"),
    ("append_row", "real vector", "vector"),
    ("append_row", "row_vector row_vector", "matrix"),
    ("append_col", "vector vector", "matrix"),
    ("append_array", "array[] int array[] real", "array[] real"),
    ("append_array", "array[] int array[] vector", None),
    ("segment", "array[] int int int", "array[] int"),
    ("head", "vector int", "vector"),
    ("tail", "array[,] real int", "array[,] real"),
    ("sub_col", "matrix int int int", "vector"),
    ("block", "matrix int int int int", "matrix"),
    ("sort_asc", "array[] int", "array[] int"),
    ("sort_indices_desc", "vector", "array[] int"),
    ("rank", "array[] int int", "int"),
    ("reverse", "array[] vector", "array[] vector"),
    ("transpose", "vector", "row_vector"),
    ("gp_exp_quad_cov", "array[] real real real", "matrix"),
    ("gp_exp_quad_cov", "array[] vector array[] vector real real", "matrix"),
    ("cov_exp_quad", "array[] real array[] real real real", "matrix"),
    ("hmm_marginal", "matrix matrix vector", "real"),
    ("integrate_ode_rk45", "function array[] real real array[] real array[] real array[] real "
                           "array[] int", "array[,] real"),
    ("integrate_ode_bdf", "function array[] real real array[] real array[] real array[] real "
                          "array[] int real real int", "array[,] real"),
    ("ode_rk45", "function vector real array[] real", "array[] vector"),
    ("ode_bdf_tol", "function vector int array[] real real real int matrix array[] int",
     "array[] vector"),
    ("ode_rk45", "function vector real", None),
    ("ode_rk45", "real vector real array[] real", None),
    ("reduce_sum", "function array[] int int vector real", "real"),
    ("map_rect", "function vector array[] vector array[,] real array[,] int", "vector"),
    ("algebra_solver", "function vector vector array[] real array[] int", "vector"),
])
def test_function_return_types(name, args, expected):
    assert returns(name, *split_types(args)) == expected


RANKED_FUNCTIONS = """log sqrt exp sum mean log_sum_exp inv_logit rep_vector to_vector size sd
    square max abs rep_matrix prod pow dot_self logit log1m min gp_exp_quad_cov cov_exp_quad softmax
    step
    cholesky_decompose Phi rep_array inv rows col pi negative_infinity transpose cols asin
    integrate_ode_rk45 log_mix diag_matrix cumulative_sum row sort_indices_desc diag_pre_multiply
    dot_product to_matrix inverse tanh dims append_row multiply_lower_tri_self_transpose
    num_elements fmin fmax append_col lchoose lgamma sort_asc segment append_array to_array_1d
    tail sub_col quad_form_diag crossprod inverse_spd rep_row_vector head int_step determinant
    log1m_inv_logit log_inv_logit log10 log1p inv_cloglog inv_Phi diagonal diag_post_multiply
    log_determinant mdivide_left_tri_low fma rank eigenvalues_sym hmm_marginal ode_rk45_tol
    ode_bdf_tol log1p_exp log1m_exp log_diff_exp log_softmax columns_dot_product rows_dot_product
    quad_form mdivide_right_tri_low add_diag lbeta binomial_coefficient_log fabs is_inf is_nan
    positive_infinity machine_precision linspaced_vector one_hot_vector zeros_vector ones_vector
    integrate_ode_bdf ode_rk45 ode_bdf reduce_sum map_rect algebra_solver tcrossprod sub_row block
    sort_desc sort_indices_asc reverse e sqrt2 log2 not_a_number fdim choose modulus"""


def test_required_functions_exist():
    missing = [n for n in RANKED_FUNCTIONS.split() if not S.is_builtin_function(n)]
    assert not missing


# --- Data-only arguments ---------------------------------------------------------------------

def args_of(text: str, data_only: set[int] = frozenset()) -> list[S.ArgInfo]:
    """ArgInfos for `text`; only the (0-based) positions in `data_only` are data."""
    return [S.ArgInfo(ty(t), i in data_only) for i, t in enumerate(split_types(text))]


OLD_ODE_ARGS = "function array[] real real array[] real array[] real array[] real array[] int"


def test_data_only_arguments_are_enforced():
    result = S.resolve("integrate_ode_rk45", args_of(OLD_ODE_ARGS, {0, 6}))
    assert isinstance(result, S.NoMatch)
    assert result.candidates[0][1] == (
        "The 6th argument must be data-only (it may not depend on parameters).")
    assert result.candidates[1][1] == "Expected 10 arguments but got 7."
    fine = S.resolve("integrate_ode_rk45", args_of(OLD_ODE_ARGS, {0, 5, 6}))
    assert isinstance(fine, S.Match)
    assert isinstance(S.resolve("linspaced_vector", args_of("int real real", {0, 2})), S.NoMatch)
    assert isinstance(S.resolve("hmm_hidden_state_prob", args_of("matrix matrix vector")),
                      S.NoMatch)
    tol = S.resolve("ode_rk45_tol", args_of("function vector real array[] real real real int",
                                            {6}))
    assert tol.candidates[0][1] == (
        "The 5th argument must be data-only (it may not depend on parameters).")


def test_ordinary_arguments_may_depend_on_parameters():
    assert isinstance(S.resolve("rep_vector", args_of("real int")), S.Match)
    assert isinstance(S.resolve("normal_lpdf", args_of("vector real real")), S.Match)
    assert isinstance(S.resolve("ode_rk45", args_of("function vector real array[] real vector")),
                      S.Match)


# --- Promotion -------------------------------------------------------------------------------

GRID_TYPES = [UnsizedType(b, d) for b in BASES for d in range(3)] + [FUNCTION]


def test_concrete_parameters_accept_exactly_what_promotes():
    for actual, wanted in product(GRID_TYPES, repeat=2):
        sig = S.Signature("f", (S.Param(S.Pattern(wanted.base, wanted.dims)),), S.Pattern("int"))
        result = sig.match([S.ArgInfo(actual, True)])
        assert isinstance(result, tuple) == promotes_to(actual, wanted), (actual, wanted)
        if isinstance(result, tuple):
            assert result[0] == (actual != wanted)


def test_no_call_with_up_to_two_arguments_is_ambiguous():
    """Fewest promotions always singles out one signature (no ties to break by table order)."""
    types = [UnsizedType(b, d) for b in BASES for d in range(2)]
    for name, sigs in S.SIGNATURES.items():
        arities = [len(s.params) for s in sigs]
        for n in {a for a in arities if arities.count(a) > 1} & {1, 2}:
            for combo in product(types, repeat=n):
                args = [S.ArgInfo(t, True) for t in combo]
                costs = [r[0] for r in (s.match(args) for s in sigs) if not isinstance(r, str)]
                assert costs.count(min(costs, default=0)) <= 1, (name, [str(t) for t in combo])


def test_fewest_promotions_wins():
    assert call("add", "int", "int").return_type == INT
    assert call("add", "int", "real").return_type == REAL
    assert call("multiply", "int", "int").signature_text == "(int, int) => int"
    assert call("sum", "array[] int").return_type == INT
    assert call("cumulative_sum", "array[] int").return_type == INT_ARRAY
    assert call("rep_array", "vector", "int").return_type == VECTOR.array()
    assert call("to_array_1d", "array[] int").return_type == INT_ARRAY
    assert call("fmin", "int", "int").return_type == REAL
    assert call("minus", "array[] int").return_type == INT_ARRAY


# --- Operators -------------------------------------------------------------------------------

def test_operator_symbols():
    expected = {("+", 2): "add", ("-", 2): "subtract", ("*", 2): "multiply", ("/", 2): "divide",
                ("%", 2): "modulus", ("\\", 2): "mdivide_left", (".*", 2): "elt_multiply",
                ("./", 2): "elt_divide", ("^", 2): "pow", (".^", 2): "elt_pow",
                ("-", 1): "minus", ("+", 1): "plus", ("!", 1): "logical_negation",
                ("&&", 2): "logical_and", ("||", 2): "logical_or", ("==", 2): "logical_eq",
                ("!=", 2): "logical_neq", ("<", 2): "logical_lt", ("<=", 2): "logical_lte",
                (">", 2): "logical_gt", (">=", 2): "logical_gte", ("%/%", 2): "intdivide",
                ("'", 1): "transpose"}
    for (op, arity), name in expected.items():
        assert S.operator_function(op, arity) == name
        assert S.is_builtin_function(name)
    with pytest.raises(ValueError):
        S.operator_function("*", 1)


def grid(text: str) -> dict[tuple[str, str], str | None]:
    """A table: the header row names right operands, the first column left operands."""
    rows = [line.split() for line in text.strip().splitlines()]
    return {(row[0], col): None if v == "-" else v
            for row in rows[1:] for col, v in zip(rows[0], row[1:])}


ELEMENTWISE = """
            int         real        vector      row_vector  matrix
int         int         real        vector      row_vector  matrix
real        real        real        vector      row_vector  matrix
vector      vector      vector      vector      -           -
row_vector  row_vector  row_vector  -           row_vector  -
matrix      matrix      matrix      -           -           matrix
"""
MULTIPLY = """
            int         real        vector      row_vector  matrix
int         int         real        vector      row_vector  matrix
real        real        real        vector      row_vector  matrix
vector      vector      vector      -           matrix      -
row_vector  row_vector  row_vector  real        -           row_vector
matrix      matrix      matrix      vector      -           matrix
"""
DIVIDE = """
            int         real        vector      row_vector  matrix
int         int         real        vector      row_vector  matrix
real        real        real        vector      row_vector  matrix
vector      vector      vector      -           -           -
row_vector  row_vector  row_vector  -           -           row_vector
matrix      matrix      matrix      -           -           matrix
"""
LEFT_DIVIDE = """
            int         real        vector      row_vector  matrix
int         -           -           -           -           -
real        -           -           -           -           -
vector      -           -           -           -           -
row_vector  -           -           -           -           -
matrix      -           -           vector      -           matrix
"""
POWER = """
            int         real        vector      row_vector  matrix
int         real        real        vector      row_vector  matrix
real        real        real        vector      row_vector  matrix
vector      vector      vector      vector      -           -
row_vector  row_vector  row_vector  -           row_vector  -
matrix      matrix      matrix      -           -           matrix
"""
COMPARE = """
            int         real        vector      row_vector  matrix
int         int         int         -           -           -
real        int         int         -           -           -
vector      -           -           -           -           -
row_vector  -           -           -           -           -
matrix      -           -           -           -           -
"""
INTS_ONLY = """
            int         real        vector      row_vector  matrix
int         int         -           -           -           -
real        -           -           -           -           -
vector      -           -           -           -           -
row_vector  -           -           -           -           -
matrix      -           -           -           -           -
"""
OPERATOR_GRIDS = {
    "add": ELEMENTWISE, "subtract": ELEMENTWISE, "elt_multiply": ELEMENTWISE,
    "elt_divide": ELEMENTWISE, "multiply": MULTIPLY, "divide": DIVIDE,
    "mdivide_left": LEFT_DIVIDE, "pow": POWER, "elt_pow": POWER,
    "logical_eq": COMPARE, "logical_neq": COMPARE, "logical_lt": COMPARE,
    "logical_lte": COMPARE, "logical_gt": COMPARE, "logical_gte": COMPARE,
    "logical_and": INTS_ONLY, "logical_or": INTS_ONLY, "modulus": INTS_ONLY,
    "intdivide": INTS_ONLY,
}


@pytest.mark.parametrize("op", OPERATOR_GRIDS)
def test_binary_operator_typing(op):
    for (left, right), expected in grid(OPERATOR_GRIDS[op]).items():
        assert returns(op, left, right) == expected, f"{op}({left}, {right})"
    for left, right in [("array[] real", "array[] real"), ("array[] real", "real"),
                        ("real", "array[] int")]:
        if op not in ("pow", "elt_pow"):  # pow vectorises over arrays
            assert returns(op, left, right) is None, f"{op}({left}, {right})"


@pytest.mark.parametrize("op, operand, expected", [
    ("minus", "int", "int"), ("minus", "vector", "vector"), ("minus", "array[,] real",
                                                             "array[,] real"),
    ("plus", "matrix", "matrix"), ("plus", "array[] real", None),
    ("logical_negation", "int", "int"), ("logical_negation", "real", None),
    ("transpose", "vector", "row_vector"), ("transpose", "row_vector", "vector"),
    ("transpose", "matrix", "matrix"), ("transpose", "real", None),
])
def test_unary_operator_typing(op, operand, expected):
    assert returns(op, operand) == expected


def test_borrowed_operator_signatures_name_their_implementation():
    assert call("divide", "row_vector", "matrix").name == "mdivide_right"
    assert call("divide", "matrix", "real").name == "divide"
    assert call("elt_pow", "vector", "real").name == "pow"
    assert call("add", "real", "real").name == "add"


# --- Reasons ---------------------------------------------------------------------------------

def test_no_match_reasons():
    assert call("exp") == S.NoMatch("exp", (("(R) => R", "Expected 1 argument but got 0."),))
    assert call("normal_lpdf", "real", "real").candidates == (
        ("(reals, reals, reals) => real", "Expected 3 arguments but got 2."),)
    assert call("ode_rk45", "function").candidates == (
        ("(function, vector, real, array[] real, ...) => array[] vector",
         "Expected at least 4 arguments but got 1."),)
    assert call("rep_matrix", "vector", "real").candidates == (
        ("(real, int, int) => matrix", "Expected 3 arguments but got 2."),
        ("(vector, int) => matrix", "The 2nd argument must be int but got real."),
        ("(row_vector, int) => matrix", "The 1st argument must be row_vector but got vector."))
    assert dict(call("pow", "vector", "row_vector").candidates)["(C, C) => C"] == (
        "The 2nd argument must have the same type as the 1st argument (vector) but got "
        "row_vector.")
    assert call("abs", "function").candidates == (
        ("(T) => T", "The 1st argument must be T but got function."),)
    assert call("poisson_lpmf", "real", "real").candidates == (
        ("(ints, reals) => real", "The 1st argument must be ints but got real."),)
    assert call("linspaced_vector", "int", "real", "real", data=False).candidates == (
        ("(data int, data real, data real) => vector",
         "The 1st argument must be data-only (it may not depend on parameters)."),)


def test_ordinals():
    assert [S.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]


def test_rng_signature_text():
    assert S.signatures_text("normal_rng") == ["(reals, reals) => real or array[] real"]
    assert S.signatures_text("poisson_rng") == ["(reals) => int or array[] int"]
    assert S.signatures_text("hypergeometric_rng") == ["(int, int, int) => int"]
    assert S.signatures_text("std_normal_rng") == ["() => real"]
    assert MATRIX == call("wishart_rng", "real", "matrix").return_type
