"""Round-trip tests for the pretty-printer: parse(print(p)) == p, and printing is idempotent.

The AST keeps no parentheses, so these tests are what pins the printer's precedence table to
the grammar: a missing parenthesis changes the re-parsed tree, a needless one changes the
canonical text in CANONICAL_EXPRESSIONS.
"""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vilang
from conftest import example_models
from vilang.syntax import ast as A
from vilang.syntax.printer import print_expr, print_program


def _checker_available() -> bool:
    """The checker may be mid-rewrite (its signature table is written separately)."""
    try:
        vilang.check(vilang.parse(""))
    except ImportError:
        return False
    return True


HAVE_CHECKER = _checker_available()

needs_checker = pytest.mark.skipif(not HAVE_CHECKER, reason="vilang.check is not importable yet")


def roundtrip(src: str) -> str:
    """Assert the round-trip properties for `src`; return the canonical text."""
    prog = vilang.parse(src)
    text = print_program(prog)
    assert vilang.parse(text) == prog, text
    assert print_program(vilang.parse(text)) == text
    annotated = print_program(prog, annotate_types=True)
    assert vilang.parse(annotated) == prog, annotated
    return text


def checked_roundtrip(src: str, must_check: bool = False):
    """The checked AST (types included) survives print -> parse -> check.  A model that does
    not check is skipped unless `must_check` (test_examples_check.py reports those)."""
    try:
        checked = vilang.check(vilang.parse(src))
    except vilang.ModelError as err:
        if must_check:
            raise
        pytest.skip(f"does not check: {err.message}")
    text = print_program(checked.program)
    assert vilang.check(vilang.parse(text)).program == checked.program, text
    annotated = print_program(checked.program, annotate_types=True)
    assert vilang.parse(annotated) == vilang.parse(text)
    return annotated


# ---------------------------------------------------------------- example models
MODELS = example_models()
IDS = [str(p.relative_to(p.parents[1])) for p in MODELS]


@pytest.mark.parametrize("path", MODELS, ids=IDS)
def test_example_roundtrip(path):
    roundtrip(path.read_text())


@needs_checker
@pytest.mark.parametrize("path", MODELS, ids=IDS)
def test_example_checked_roundtrip(path):
    checked_roundtrip(path.read_text())


# ---------------------------------------------------------------- inline programs
KITCHEN_SINK = r"""
functions {
  real twice(real x);
  real twice(real x) {
    return 2 * x;
  }
  real shifted_lpdf(real y, real mu) {
    return normal_lpdf(y | mu, 1);
  }
  void show(data array[] real xs, array[,] int m) {
    print("xs = ", xs, ", m = ", m);
  }
  vector affine(vector v, matrix M, row_vector r) {
    return M * v + r';
  }
  int count_to(int n) {
    int k = 0;
    while (k < n) {
      k += 1;
      if (k > 100) break;
      else continue;
    }
    return k;
  }
  void nothing() {
    return;
  }
}
data {
  int<lower=0> N;
  int<lower=1, upper=N> K;
  vector[N] y;
  array[N] int<lower=0, upper=1> z;
  matrix[N, K] X;
  real<lower=-1, upper=1> r;
  array[N, 2] real w;
}
transformed data {
  real a = 1;
  real b = 2.5e-3;
  array[2] int idx = {1, 2};
  row_vector[2] rv = [1, 2];
  matrix[2, 2] m = [[1, 2], [3, 4]];
  int n_pos = 0;
  for (i in 1:N) {
    if (z[i] == 1) n_pos += 1;
  }
  for (v in idx) print(v);
  if (N > 1000000) reject("N is too large: ", N);
  else if (N < 0) fatal_error("impossible");
  else {
  }
  ;
  show(w[:, 1], {{1, 2}});
}
parameters {
  real mu;
  real<lower=0> sigma;
  real<lower=-1, upper=(a > b ? 1 : 2)> c;
  vector<offset=mu, multiplier=sigma>[K] beta;
  simplex[K] theta;
  ordered[2] o;
  cholesky_factor_corr[K] L;
  cov_matrix[K] S;
  cholesky_factor_cov[K, K] Lc;
  array[2] real<lower=0> tau;
  real<lower=0, upper=1> p;
}
transformed parameters {
  vector[N] eta = X * beta;
  real q = n_pos > 0 ? mu : -mu;
  jacobian += 0;
}
model {
  profile("priors") {
    mu ~ normal(0, 10);
    sigma ~ normal(0, 1) T[0, ];
    c ~ normal(0, 1) T[-1, 1];
    p ~ beta(2, 2) T[, 1];
  }
  beta ~ std_normal();
  tau ~ exponential(1);
  L ~ lkj_corr_cholesky(2);
  y ~ normal(eta, sigma);
  z ~ bernoulli(p);
  target += shifted_lpdf(mu | 0) + normal_lupdf(c | 0, 1);
}
generated quantities {
  real y_rep = normal_rng(mu, sigma);
  vector[K] v = affine(beta, S, beta');
  int k = count_to(3);
  real t = twice(mu) ^ 2;
  {
    real s = 0;
    while (s < 1) s += 0.5;
  }
}
"""

# Syntax only (these need not type-check): every statement kind and every layout case.
STATEMENTS = r"""
model {
  x = 1; x += 1; x -= 1; x *= 2; x /= 2; x .*= y; x ./= y;
  x[i] = 1; x[i][j] = 2; x[i, j] = 3; x[:, j] = v; x[2:N] = u;
  y ~ normal(0, 1);
  y ~ normal(0, 1) T[L, U];
  y ~ normal(0, 1) T[L, ];
  y ~ normal(0, 1) T[, U];
  y ~ normal(0, 1) T[, ];
  y ~ foo();
  (a + b)[1] ~ normal(0, 1);
  {1, 2} ~ normal(0, 1);
  [1, 2]' ~ normal(0, 1);
  x' * y ~ normal(0, 1);
  f(x)[1] ~ normal(0, 1);
  target += normal_lpdf(y | mu, sigma);
  target += std_normal_lpdf(y |);
  jacobian += log(x);
  for (i in 1:N) x[i] = i;
  for (i in (a ? 1 : 2):(b ? 3 : 4)) { }
  for (i in a ? 1 : 2:3) ;
  for (v in xs) { print(v); }
  for (i in 1:N) for (j in 1:M) if (i == j) break; else continue;
  while (1) { break; }
  while (x < 10) x += 1;
  if (a) x = 1;
  if (a) { x = 1; } else { x = 2; }
  if (a) x = 1; else if (b) x = 2; else x = 3;
  if (a) { } else if (b) { } else { }
  if (a) if (b) x = 1; else x = 2;
  if (a) { if (b) x = 1; } else x = 2;
  if (a) while (b) if (c) x = 1; else x = 2; else x = 3;
  if (a) ; else ;
  { }
  { { x = 1; } }
  print("a", x, "b");
  print("");
  reject("bad value: ", x[1]);
  fatal_error("unrecoverable");
  foo(1, x, {1, 2});
  bar();
  profile("p") { }
  profile("q q") { x = 1; profile("inner") { y = 2; } }
  return;
  return x + 1;
  ;
}
"""

DECLARATIONS = r"""
functions {
  void f();
  real g(data real x, array[] real y, array[,,] int z, vector v, row_vector r, matrix m);
  array[,] matrix h(data array[,] matrix x) { return x; }
}
data {
  int n;
  int<lower=0> a;
  real<lower=-1, upper=(a > b ? 1 : 2)> c;
  real<lower=(a < b), upper=(a || b ? 1 : 2)> c2;
  real<lower=a + b, upper=a * -b> d;
  real<offset=mu, multiplier=sigma> e;
  real<lower=-a ^ 2> e2;
  vector<lower=0>[N] f;
  row_vector<upper=1>[N] g;
  matrix<lower=0, upper=1>[N, M] h;
  array[N] real i;
  array[N, M + 1] vector<lower=0>[K] j;
  simplex[K] k; ordered[K] l; positive_ordered[K] m; unit_vector[K] n2;
  sum_to_zero_vector[K] o;
  cholesky_factor_corr[K] p; cholesky_factor_cov[K] q; cholesky_factor_cov[K, J] q2;
  corr_matrix[K] s; cov_matrix[K] t;
  real u = 1.50;
  real u2 = 1_000.000_1e+3 + .5 + 3. + 1E-3 + 10_000;
}
"""

EMPTY_BLOCKS = [
    "",
    "model { }",
    "functions { } data { } transformed data { } parameters { } transformed parameters { } "
    "model { } generated quantities { }",
    "data { } generated quantities { }",
    "parameters { real x; }",
]


@pytest.mark.parametrize("src", [KITCHEN_SINK, STATEMENTS, DECLARATIONS, *EMPTY_BLOCKS],
                         ids=["kitchen_sink", "statements", "declarations",
                              *[f"blocks{i}" for i in range(len(EMPTY_BLOCKS))]])
def test_inline_roundtrip(src):
    roundtrip(src)


@needs_checker
def test_kitchen_sink_checked_roundtrip():
    annotated = checked_roundtrip(KITCHEN_SINK, must_check=True)
    assert "  // real" in annotated and "  // ?" not in annotated


DEEP = {
    "blocks": "model { " + "{" * 300 + "}" * 300 + " }",
    "ifs": "model { " + "if (1) " * 300 + "; }",
    "arrays": "model { y = " + "{" * 300 + "1" + "}" * 300 + "; }",
    "sums": "model { y = x" + " + x" * 300 + "; }",
    "powers": "model { y = " + "x ^ " * 300 + "x; }",
}


@pytest.mark.parametrize("src", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_roundtrip(src):
    """The printer copes with any nesting the parser accepts (it needs more frames per level).
    Compared as text: dataclass `==` itself runs out of stack on trees this deep."""
    text = print_program(vilang.parse(src))
    assert print_program(vilang.parse(text)) == text


def test_layout():
    text = print_program(vilang.parse(
        "data { } model { if (a) { x = 1; } else if (b) y ~ normal(0, 1) T[0, ]; "
        "else { } for (i in 1:N) ; }"))
    assert text == (
        "data {\n"
        "}\n"
        "model {\n"
        "    if (a) {\n"
        "        x = 1;\n"
        "    } else if (b)\n"
        "        y ~ normal(0, 1) T[0, ];\n"
        "    else {\n"
        "    }\n"
        "    for (i in 1:N)\n"
        "        ;\n"
        "}\n")


def test_annotations_are_comments_after_each_statement():
    text = print_program(vilang.parse("model { real x = 1; for (i in 1:N) x += f(i); }"),
                         annotate_types=True)
    assert text == ("model {\n"
                    "    real x = 1;  // ?\n"
                    "    for (i in 1:N)  // ?, ?\n"
                    "        x += f(i);  // ?, ?\n"
                    "}\n")


@needs_checker
def test_annotations_show_checked_types():
    checked = vilang.check(vilang.parse(
        "data { int N; vector[N] y; } parameters { real mu; } "
        "model { y ~ normal(mu, 1); print(\"mu = \", mu); }"))
    assert print_program(checked.program, annotate_types=True) == (
        "data {\n"
        "    int N;\n"
        "    vector[N] y;  // int\n"
        "}\n"
        "parameters {\n"
        "    real mu;\n"
        "}\n"
        "model {\n"
        "    y ~ normal(mu, 1);  // vector, real, int\n"
        "    print(\"mu = \", mu);  // string, real\n"
        "}\n")


def test_dangling_else_gets_braces():
    """A hand-built tree whose `then` is an `if` without `else` cannot print bare."""
    x, one = A.Var("x"), A.IntLit("1")
    inner = A.If(A.Var("b"), A.Assign(x, "=", one))
    prog = A.Program(model=(A.If(A.Var("a"), inner, A.Assign(x, "=", one)),))
    reparsed = vilang.parse(print_program(prog)).model[0]
    assert reparsed.then == A.Block((inner,)) and reparsed.orelse == A.Assign(x, "=", one)


# ---------------------------------------------------------------- expressions
CANONICAL_EXPRESSIONS = {
    # associativity
    "a - (b - c)": "a - (b - c)",
    "(a - b) - c": "a - b - c",
    "a / (b * c)": "a / (b * c)",
    "(a * b) / c": "a * b / c",
    "a %/% b %/% c": "a %/% b %/% c",
    "a %/% (b %/% c)": "a %/% (b %/% c)",
    "a ^ b ^ c": "a ^ b ^ c",
    "a ^ (b ^ c)": "a ^ b ^ c",
    "(a ^ b) ^ c": "(a ^ b) ^ c",
    "a .^ b .^ c": "a .^ b .^ c",
    "x ? y : z ? w : v": "x ? y : z ? w : v",
    "(x ? y : z) ? w : v": "(x ? y : z) ? w : v",
    "x ? (y ? 1 : 2) : z": "x ? y ? 1 : 2 : z",
    "a == (b == c)": "a == (b == c)",
    "(a < b) < c": "a < b < c",
    "a || (b || c)": "a || (b || c)",
    # precedence
    "-a ^ b": "-a ^ b",
    "-(a ^ b)": "-a ^ b",
    "(-a) ^ b": "(-a) ^ b",
    "a ^ -b": "a ^ -b",
    "a ^ (-b)": "a ^ -b",
    "a ^ -b ^ c": "a ^ -b ^ c",
    "- (-a)": "- -a",
    "-(+a)": "- +a",
    "!!a": "!!a",
    "!(a && b)": "!(a && b)",
    "!a == b": "!a == b",
    "a - -b": "a - -b",
    "a * -b": "a * -b",
    "(a + b) * c": "(a + b) * c",
    "a + b * c": "a + b * c",
    "a \\ b * c": "a \\ b * c",
    "a * (b \\ c)": "a * b \\ c",
    "(a * b) \\ c": "(a * b) \\ c",
    "a .* b ./ c % d": "a .* b ./ c % d",
    "(a || b) && c": "(a || b) && c",
    "a || b && c": "a || b && c",
    "(a == b) && (c != d) || e <= f": "a == b && c != d || e <= f",
    "(a >= b) == (c > d)": "a >= b == c > d",
    "a < (b + c)": "a < b + c",
    "a + (b ? c : d)": "a + (b ? c : d)",
    "(a ? b : c)[1]": "(a ? b : c)[1]",
    # postfix
    "a' * b": "a' * b",
    "(a + b)'": "(a + b)'",
    "(a')'": "a''",
    "-x'": "-x'",
    "(-x)'": "(-x)'",
    "(a ^ b)'": "(a ^ b)'",
    "a ^ b'": "a ^ b'",
    "x[1]'": "x[1]'",
    "x'[1]": "x'[1]",
    "(x[1])[2]": "x[1][2]",
    "f(x)[1]": "f(x)[1]",
    "(-x)[1]": "(-x)[1]",
    # indexing
    "x[i][j]": "x[i][j]",
    "x[i, :]": "x[i, :]",
    "x[:3]": "x[:3]",
    "x[2:]": "x[2:]",
    "x[:]": "x[:]",
    "x[2:N]": "x[2:N]",
    "x[idxs]": "x[idxs]",
    "x[{1, 2}, 2:, :, i + 1]": "x[{1, 2}, 2:, :, i + 1]",
    "x[a ? b : c]": "x[a ? b : c]",
    "x[a ? b : c : d]": "x[a ? b : c:d]",
    "x[a:b ? c : d]": "x[a:b ? c : d]",
    # literals and containers
    "{1, 2}": "{1, 2}",
    "[1, 2]": "[1, 2]",
    "[]": "[]",
    "[[1, 2], [3, 4]]": "[[1, 2], [3, 4]]",
    "{[1, 2], [3, 4]}": "{[1, 2], [3, 4]}",
    "{{1.0}, {2.}}": "{{1.0}, {2.}}",
    "1.50e+00 + .5 + 1_000 + 2E3": "1.50e+00 + .5 + 1_000 + 2E3",
    # calls
    "f()": "f()",
    "f(a, (b))": "f(a, b)",
    "normal_lpdf(y | mu, sigma)": "normal_lpdf(y | mu, sigma)",
    "std_normal_lpdf(y |)": "std_normal_lpdf(y |)",
    "foo_lpmf(a ? 1 : 2 | b)": "foo_lpmf(a ? 1 : 2 | b)",
}


def parse_expr(text: str) -> A.Expr:
    return vilang.parse(f"model {{ y = {text}; }}").model[0].rhs


@pytest.mark.parametrize("src, expected", CANONICAL_EXPRESSIONS.items())
def test_canonical_expression(src, expected):
    e = parse_expr(src)
    assert print_expr(e) == expected
    assert parse_expr(expected) == e


# ---------------------------------------------------------------- random expression trees
NAMES = st.sampled_from(["a", "b", "x", "y_1", "T", "e"])
LEAVES = st.one_of(
    NAMES.map(A.Var),
    st.sampled_from(["0", "1", "10_000"]).map(A.IntLit),
    st.sampled_from(["1.5", ".5", "2.", "1e-3", "3.0E+2"]).map(A.RealLit),
)
BINARY_OPS = ["||", "&&", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", ".*",
              "./", "\\", "%/%", "^", ".^"]


def _tuples(e, min_size=0):
    return st.lists(e, min_size=min_size, max_size=3).map(tuple)


def _index(e):
    return st.one_of(e.map(A.Single), st.builds(A.Slice, st.none() | e, st.none() | e))


def _extend(e):
    return st.one_of(
        st.builds(A.Binary, st.sampled_from(BINARY_OPS), e, e),
        st.builds(A.Unary, st.sampled_from(["-", "+", "!"]), e),
        st.builds(A.Ternary, e, e, e),
        st.builds(A.Transpose, e),
        st.builds(A.Indexed, e, _tuples(_index(e), min_size=1)),
        st.builds(A.Call, st.sampled_from(["f", "g_lpdf"]), _tuples(e)),
        st.builds(A.Call, st.just("h_lpmf"), _tuples(e, min_size=1), st.just(True)),
        st.builds(A.ArrayExpr, _tuples(e, min_size=1)),
        st.builds(A.RowVectorExpr, _tuples(e)),
    )


EXPRS = st.recursive(LEAVES, _extend, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(EXPRS)
def test_random_expression_roundtrip(e):
    assert parse_expr(print_expr(e)) == e


@settings(max_examples=100, deadline=None)
@given(EXPRS, EXPRS)
def test_random_bounds_roundtrip(lo, hi):
    """Bounds are `constr_expr`: comparisons, logic and `?:` must come out parenthesised."""
    decl = A.VarDecl(A.SizedType("real", constraint=A.Constraint(lower=lo, upper=hi)), "v")
    prog = A.Program(data=(decl,))
    assert vilang.parse(print_program(prog)) == prog
