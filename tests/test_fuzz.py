"""Fuzzing: mutated valid models either compile or fail with a located `ModelError`.

Hypothesis takes a valid model (the examples plus a few inline ones), applies a handful of
random token- and character-level mutations, and runs the front end.  Whatever the input, the
only acceptable failure is a `vilang.ModelError` with an int line/column and a Stan-style
header; anything else (IndexError, RecursionError, a Lark exception...) is a compiler bug.
Random expression trees over variables of every type do the same for the checker's typing
rules.  Crashes found this way are pinned at the end as strict xfail tests until fixed.
"""
import contextlib
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark.exceptions import VisitError

import vilang
import vilang.cli
from conftest import example_models
from vilang.syntax import ast as A
from vilang.syntax.printer import print_expr


def _checker_available() -> bool:
    """The checker may be mid-rewrite (its signature table is written separately)."""
    try:
        vilang.check(vilang.parse(""))
    except ImportError:
        return False
    return True


HAVE_CHECKER = _checker_available()

INLINE_MODELS = [
    r"""
functions {
  real scaled_lpdf(real y, real mu, real s) {
    return normal_lpdf(y / s | mu, 1) - log(s);
  }
  vector cumulative(vector x) {
    vector[rows(x)] out;
    real acc = 0;
    for (i in 1:rows(x)) {
      acc += x[i];
      out[i] = acc;
    }
    return out;
  }
}
data {
  int<lower=1> N;
  array[N] real<lower=0, upper=10> y;
  vector[N] x;
}
transformed data {
  vector[N] cx = cumulative(x);
}
parameters {
  real<lower=-5, upper=5> mu;
  real<lower=0> sigma;
  vector<offset=0, multiplier=2>[2] beta;
}
model {
  mu ~ normal(0, 1) T[-5, 5];
  sigma ~ normal(0, 1) T[0, ];
  beta ~ std_normal();
  for (n in 1:N) {
    if (y[n] > 0)
      y[n] ~ normal(mu + beta[1] * cx[n], sigma) T[0, 10];
    else
      target += scaled_lpdf(y[n] | mu, sigma);
  }
}
generated quantities {
  array[N] real y_rep;
  int count = 0;
  while (count < N) {
    count += 1;
    y_rep[count] = normal_rng(mu, sigma);
  }
}
""",
    r"""
data {
  int<lower=0> N;
  array[N] int<lower=0, upper=1> z;
  matrix[N, 3] X;
}
parameters {
  vector[3] b;
  simplex[3] theta;
}
model {
  b ~ normal(0, 2.5);
  z ~ bernoulli_logit(X * b);
}
generated quantities {
  real m = max(theta) > 0.5 ? 1 : 0;
  print("m = ", m);
}
""",
]

SEEDS = [p.read_text() for p in example_models()] + INLINE_MODELS

NAMES = ["x", "y", "mu", "sigma", "N", "target", "normal", "normal_lpdf", "normal_rng",
         "foo_lpdf", "log", "rep_vector", "size", "dims", "0", "1", "2.5", ".5", "1e10", "1e999",
         "1_000", "99999999999999999999999", "-1"]
# Tokens the mutations insert: Stan keywords, types, operators, identifiers, numbers, braces,
# strings and comments, plus hostile text: unicode, NUL, huge identifiers, deep nesting.
VOCABULARY = [
    *"functions data transformed parameters model generated quantities int real vector "
     "row_vector matrix array simplex ordered positive_ordered unit_vector sum_to_zero_vector "
     "cholesky_factor_corr cholesky_factor_cov corr_matrix cov_matrix void lower upper offset "
     "multiplier for in while if else break continue return print reject fatal_error target "
     "jacobian profile T complex tuple repeat".split(),
    *"+ - * / % \\ ^ .^ .* ./ %/% ' ! && || == != < <= > >= = += -= *= /= .*= ./= ~ ? : | , ; "
     "( ) [ ] { } T[ <- # //".split(),
    *NAMES, "_x", "x__", "1__0", "0x1F", "1.5e", '"a string"', '"', "/*", "*/", "\n", "\t", " ",
    "é", "λ", "\u00a0", "\u2028", "😀", "\x00", "\ufeff",
    "x" * 5000,
    # Deep nesting, kept below the depths tested in DEEP so the fuzzer is not flaky.
    "(" * 300 + "x" + ")" * 300,
    "(" * 300,
    "-" * 300 + "x",
    "x" + "[1]" * 300,
    "{" * 100 + "}" * 100,
    "[" * 100 + "1" + "]" * 100,
    "if (1) " * 100,
    "exp(" * 100 + "x" + ")" * 100,
]
CHARACTERS = st.one_of(st.sampled_from(list("{}()[];,<>=+-*/'~?:|!&^.\"#0aZ_\n\x00")),
                       st.characters())
TOKEN = re.compile(r"\s+|[A-Za-z][A-Za-z0-9_]*|[0-9][0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9]+)?|"
                   r'"[^"\n]*"|//[^\n]*|%/%|\.\*=|\./=|[.<>=!+\-*/&|]=?|&&|\|\||.', re.S)
WORD = re.compile(r"[A-Za-z0-9_.]+")
# "rename" swaps one name or number for another from the same model or the vocabulary: the
# text still parses, so these mutants exercise the checker rather than the parser.
MUTATIONS = ["delete", "duplicate", "swap", "insert", "replace", "delete_char", "insert_char",
             "truncate", *["rename"] * 6]


@st.composite
def mutants(draw) -> str:
    """A seed model with 1-4 random mutations applied to its tokens and characters."""
    tokens = [m.group() for m in TOKEN.finditer(draw(st.sampled_from(SEEDS)))]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(MUTATIONS))
        i = draw(st.integers(0, max(len(tokens) - 1, 0)))
        if not tokens:
            tokens = [draw(st.sampled_from(VOCABULARY))]
        elif kind == "delete":
            del tokens[i]
        elif kind == "duplicate":
            tokens.insert(i, tokens[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif kind == "insert":
            pad = draw(st.sampled_from(["", " "]))
            tokens.insert(i, pad + draw(st.sampled_from(VOCABULARY)) + pad)
        elif kind == "replace":
            tokens[i] = draw(st.sampled_from(VOCABULARY))
        elif kind == "delete_char":
            k = draw(st.integers(0, len(tokens[i])))
            tokens[i] = tokens[i][:k] + tokens[i][k + 1:]
        elif kind == "insert_char":
            k = draw(st.integers(0, len(tokens[i])))
            tokens[i] = tokens[i][:k] + draw(CHARACTERS) + tokens[i][k:]
        elif kind == "truncate":
            tokens = tokens[:i]
        else:  # rename
            words = [k for k, t in enumerate(tokens) if WORD.fullmatch(t)]
            if words:
                k = draw(st.sampled_from(words))
                tokens[k] = draw(st.sampled_from([tokens[w] for w in words] + NAMES))
    return "".join(tokens)


def front_end(text: str):
    """Parse and (when the checker exists) check; only a well-formed ModelError may escape."""
    try:
        program = vilang.parse(text)
        if HAVE_CHECKER:
            vilang.check(program)
    except vilang.ModelError as err:
        assert isinstance(err.line, int) and isinstance(err.column, int)
        assert str(err).startswith(("Syntax error in", "Semantic error in")), str(err)


@pytest.mark.parametrize("seed", range(len(SEEDS)))
def test_seeds_are_valid(seed):
    """The fuzzer starts from models that compile, so its mutants are near-misses."""
    program = vilang.parse(SEEDS[seed])
    if HAVE_CHECKER:
        vilang.check(program)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutants())
def test_mutants_fail_cleanly(text):
    front_end(text)


@pytest.mark.skipif(not HAVE_CHECKER, reason="vilang.check is not importable yet")
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=mutants())
def test_cli_on_mutants(tmp_path, text):
    path = tmp_path / "mutant.vi"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        rc = vilang.cli.main(["check", str(path)])
    assert rc in (0, 1), stderr.getvalue()
    assert "Traceback" not in stderr.getvalue()


# ---------------------------------------------------------------- random typed expressions
GLOBALS = ("data { int a; real b; vector[2] v; row_vector[2] r; matrix[2, 2] m; "
           "array[2] real xs; array[2, 2] int ns; } parameters { real q; } ")
CONTEXTS = ["transformed data { real z = %s; }", "transformed data { print(%s); }",
            "model { target += %s; }", "model { q ~ normal(%s, 1) T[0, 1]; }",
            "generated quantities { vector[2] z = %s; }", "model { for (i in %s) { } }"]
FUNCTIONS = ["exp", "sum", "size", "dims", "rep_vector", "rep_array", "to_vector", "max",
             "append_row", "log_sum_exp", "normal_lpdf", "normal_rng", "std_normal_lpdf"]


def _typed_exprs():
    """Random expression trees over variables of every type: mostly ill-typed, which is the
    point (the checker's operator and signature resolution sees every odd combination)."""
    leaves = st.one_of(st.sampled_from("a b v r m xs ns".split()).map(A.Var),
                       st.sampled_from(["0", "1"]).map(A.IntLit), st.just(A.RealLit("1.5")))

    def items(e, n=0):
        return st.lists(e, min_size=n, max_size=3).map(tuple)

    def extend(e):
        index = st.one_of(e.map(A.Single), st.builds(A.Slice, st.none() | e, st.none() | e))
        return st.one_of(
            st.builds(A.Binary, st.sampled_from(["||", "&&", "==", "<", "+", "-", "*", "/",
                                                 "%", ".*", "./", "\\", "%/%", "^", ".^"]),
                      e, e),
            st.builds(A.Unary, st.sampled_from(["-", "!"]), e),
            st.builds(A.Ternary, e, e, e),
            st.builds(A.Transpose, e),
            st.builds(A.Indexed, e, items(index, 1)),
            st.builds(A.Call, st.sampled_from(FUNCTIONS), items(e)),
            st.builds(A.Call, st.sampled_from(["normal_lpdf", "poisson_lpmf", "exp"]),
                      items(e, 1), st.just(True)),
            st.builds(A.ArrayExpr, items(e, 1)),
            st.builds(A.RowVectorExpr, items(e)))
    return st.recursive(leaves, extend, max_leaves=8).map(print_expr)


@pytest.mark.skipif(not HAVE_CHECKER, reason="vilang.check is not importable yet")
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_typed_exprs(), st.sampled_from(CONTEXTS))
def test_random_expressions_check_cleanly(expr, context):
    front_end(GLOBALS + context % expr)


# ---------------------------------------------------------------- known crashes
def _nested(prefix: str, middle: str, suffix: str, n: int) -> str:
    return "parameters { real x; } model { target += " + prefix * n + middle + suffix * n + "; }"


# Deeply nested inputs the fuzzer found crashing the parser and checker (a RecursionError
# escaping); they now compile, or give a located "nested too deeply" error.
DEEP = [
    _nested("(", "x", ")", 600),
    _nested("x ^ ", "x", "", 600),
    "model { " + "if (1) " * 600 + "; }",
    _nested("exp(", "x", ")", 300),
    "parameters { real x; } model { " + "".join(f"for (i{k} in 1:2) " for k in range(300))
    + "x ~ normal(0, 1); }",
    "parameters { real x; } model { " + "{" * 400 + "}" * 400 + " }",
]


@pytest.mark.parametrize("text", DEEP, ids=["parens", "powers", "ifs", "calls", "fors", "blocks"])
def test_deep_nesting_compiles_or_is_a_located_error(text):
    try:
        vilang.check(vilang.parse(text))
    except vilang.ModelError as err:
        assert "nested too deeply" in str(err) and err.line >= 1


def test_deep_nesting_in_the_cli(tmp_path):
    path = tmp_path / "deep.vi"
    path.write_text(_nested("x ^ ", "x", "", 600))
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = vilang.cli.main(["check", str(path)])
    assert code in (0, 1) and "Traceback" not in err.getvalue()
    assert code == 0 or "nested too deeply" in err.getvalue()
