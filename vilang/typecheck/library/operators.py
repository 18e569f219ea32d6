"""Stan's operators: the source symbols, their internal names and signatures.

Operators resolve like functions under Stan's internal names (`a + b` is `add(a, b)`).  Names that
are also ordinary functions (`pow`, `transpose`, `mdivide_left`) take their signatures from
`functions.GROUPS`; `BORROWED` adds other functions' signatures to an operator, as stanc3's
`operator_to_stan_math_fns` does.

Source: stanc3 `src/stan_math_signatures/Generate.ml` and `Stan_math_signatures.ml`.
"""

SYMBOLS: dict[tuple[str, int], str] = {
    ("+", 2): "add", ("-", 2): "subtract", ("*", 2): "multiply", ("/", 2): "divide",
    ("%", 2): "modulus", ("%/%", 2): "intdivide", ("\\", 2): "mdivide_left",
    (".*", 2): "elt_multiply", ("./", 2): "elt_divide", ("^", 2): "pow", (".^", 2): "elt_pow",
    ("||", 2): "logical_or", ("&&", 2): "logical_and",
    ("==", 2): "logical_eq", ("!=", 2): "logical_neq", ("<", 2): "logical_lt",
    ("<=", 2): "logical_lte", (">", 2): "logical_gt", (">=", 2): "logical_gte",
    ("-", 1): "minus", ("+", 1): "plus", ("!", 1): "logical_negation", ("'", 1): "transpose",
}

# `/` with a matrix on the right is right division (b * inverse(A)); `.^` is the elementwise
# (and, for scalars, ordinary) power.
BORROWED: dict[str, tuple[str, ...]] = {"divide": ("mdivide_right",), "elt_pow": ("pow",)}

EIGEN = ("vector", "row_vector", "matrix")
# Same-type operands (int + int is int), or a container with a scalar on either side.
ELEMENTWISE = (tuple(f"({t}, {t}) => {t}" for t in ("int", "real") + EIGEN)
               + tuple(f"({t}, real) => {t}" for t in EIGEN)
               + tuple(f"(real, {t}) => {t}" for t in EIGEN))
SCALED = (("(int, int) => int", "(real, real) => real")
          + tuple(f"({t}, real) => {t}" for t in EIGEN)
          + tuple(f"(real, {t}) => {t}" for t in EIGEN))
COMPARISON = ("(int, int) => int", "(real, real) => int")

GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("add subtract elt_multiply elt_divide", ELEMENTWISE),
    ("multiply", SCALED + ("(row_vector, vector) => real", "(vector, row_vector) => matrix",
                           "(matrix, vector) => vector", "(row_vector, matrix) => row_vector",
                           "(matrix, matrix) => matrix")),
    ("divide", SCALED),
    ("modulus intdivide", ("(int, int) => int",)),
    ("minus", ("(T) => T",)),
    ("plus", tuple(f"({t}) => {t}" for t in ("int", "real") + EIGEN)),
    ("logical_negation", ("(int) => int",)),
    ("logical_or logical_and", ("(int, int) => int",)),
    ("logical_eq logical_neq logical_lt logical_lte logical_gt logical_gte", COMPARISON),
]
