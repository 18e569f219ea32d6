"""Plain-English explanations of parse errors, chosen from the parser state.

Lark tells us the unexpected token and the set of token kinds the parser would have accepted;
the rules below map the common situations to the messages a Stan user knows from stanc3.
"""
from __future__ import annotations

TYPE_TOKENS = {"INT_T", "REAL_T", "VECTOR_T", "ROW_VECTOR_T", "MATRIX_T", "CONSTRAINED_VEC",
               "CONSTRAINED_MAT", "ARRAY"}
BLOCK_KEYWORDS = {"functions", "data", "transformed", "parameters", "model", "generated"}
RESERVED = {"for", "in", "while", "repeat", "until", "if", "then", "else", "true", "false",
            "target", "functions", "model", "data", "parameters", "quantities", "transformed",
            "generated", "profile", "return", "break", "continue", "print", "reject",
            "fatal_error", "int", "real", "complex", "vector", "row_vector", "matrix", "array",
            "tuple", "simplex", "ordered", "positive_ordered", "unit_vector",
            "sum_to_zero_vector", "cholesky_factor_corr", "cholesky_factor_cov", "corr_matrix",
            "cov_matrix", "void", "struct", "typedef", "export", "auto", "extern", "var",
            "static", "lower", "upper", "offset", "multiplier", "jacobian"}
BINARY_OPERATORS = {"PLUS", "MINUS", "STAR", "SLASH", "OROR", "ANDAND", "EQEQ", "NEQ", "LE",
                    "GE", "HAT"}

VALID_TYPES = (
    "Invalid type in declaration. Valid types:\n"
    "  int, real, vector[N], row_vector[N], matrix[N, M],\n"
    "  simplex[N], ordered[N], positive_ordered[N], unit_vector[N], sum_to_zero_vector[N],\n"
    "  cholesky_factor_corr[K], cholesky_factor_cov[K], cholesky_factor_cov[M, N],\n"
    "  corr_matrix[K], cov_matrix[K],\n"
    "optionally preceded by a single array[...] (like array[N, M] real), and for int, real,\n"
    "vector, row_vector and matrix optionally followed by <lower=..., upper=...> or\n"
    "<offset=..., multiplier=...>."
)
BLOCK_ORDER = ('Expected a program block. Blocks are optional but must appear in this order: '
               '"functions", "data", "transformed data", "parameters", '
               '"transformed parameters", "model", "generated quantities", each followed by '
               '"{ ... }".')
ILL_FORMED = ('Ill-formed expression. Unexpected input after the conclusion of a valid '
              'expression. You may be missing a "," between expressions, an operator, or a '
              'terminating "}", ")", "]", or ";".')


def describe(tok) -> str:
    if tok.type == "$END":
        return "end of input"
    return f'"{tok}"'


def explain_unexpected_token(tok, expected: set[str], prev) -> str:
    """The message for an unexpected token `tok` when the parser `expected` these kinds."""
    text = str(tok)
    last = prev[-1] if prev else None
    if last is not None and last.type == "IDENT" and str(last) == "else":
        return 'Found "else" without a matching "if". An else branch must directly follow ' \
               'the statement of an if.'
    if last is not None and last.type == "IDENT" and str(last) in RESERVED - {"lower", "upper",
                                                                               "offset",
                                                                               "multiplier"}:
        return (f'"{last}" is a reserved word and cannot be used here (nor as a name).')
    if tok.type == "$END":
        return ('Unexpected end of input. A block, statement or expression is not finished: '
                'check for a missing "}", ")" or ";".')
    if expected & {"FUNCTIONS", "DATA", "TRANSFORMED", "PARAMETERS", "MODEL",
                   "GENERATED"} and not expected & TYPE_TOKENS and "IDENT" not in expected:
        if text in BLOCK_KEYWORDS or text == "quantities":
            return BLOCK_ORDER + f' "{text}" appears out of order or twice.'
        return BLOCK_ORDER
    if text == "<-" or (text == "<" and last is not None and str(last) == ""):
        return 'The "<-" assignment was removed in Stan 2.33. Use "=".'
    if "IDENT" in expected and tok.type != "IDENT" and text in RESERVED:
        return (f'Expected an identifier but found the reserved word "{text}". '
                "Reserved words cannot be used as variable or function names.")
    if expected & TYPE_TOKENS and "IDENT" not in expected and tok.type == "IDENT":
        return VALID_TYPES
    if last is not None and last.type == "IDENT" and tok.type == "LSQB" and (
            "SEMICOLON" in expected and "EQ" in expected):
        return ("Old array syntax such as \"real x[N];\" was removed in Stan 2.33. "
                "Declare arrays as \"array[N] real x;\".")
    if len(expected) == 1 and next(iter(expected)) in FRIENDLY:
        return f"Expected {_friendly(next(iter(expected)))} but found {describe(tok)}."
    if expected == {"IDENT"} or (expected <= {"IDENT", "LT", "LSQB"} and "IDENT" in expected):
        return f"Expected a new identifier (a name) here but found {describe(tok)}."
    if "SEMICOLON" in expected and len(expected) <= 3 and not expected & BINARY_OPERATORS:
        return f'Expected ";" but found {describe(tok)}. Statements and declarations end with ";".'
    if "SEMICOLON" in expected or "RPAR" in expected or "RSQB" in expected:
        if expected & BINARY_OPERATORS:
            return ILL_FORMED
    if expected & {"IDENT", "INT_LIT", "REAL_LIT", "LPAR"}:
        return (f"Expected an expression but found {describe(tok)}. An expression is a "
                "literal, a variable, a function call, or operators applied to those.")
    if expected & {"FOR", "IF", "WHILE", "TARGET", "RBRACE"} or "RBRACE" in expected:
        return (f"Expected a statement or \"}}\" but found {describe(tok)}. Statements include "
                "assignments, \"~\" statements, \"target +=\", loops, conditionals and blocks.")
    names = ", ".join(sorted(_friendly(e) for e in expected))
    return f"Unexpected {describe(tok)}. Expected one of: {names}."


FRIENDLY = {
    "LPAR": '"("', "RPAR": '")"', "LSQB": '"["', "RSQB": '"]"', "LBRACE": '"{"',
    "RBRACE": '"}"', "SEMICOLON": '";"', "COMMA": '","', "COLON": '":"', "EQ": '"="',
    "LT": '"<"', "GT": '">"', "TILDE": '"~"', "VBAR": '"|"', "IDENT": "an identifier",
    "INT_LIT": "an integer", "REAL_LIT": "a real number", "STRING": "a string",
    "BOUND_KEY": "lower, upper, offset or multiplier", "TRUNC": '"T["',
    "PLUSEQ": '"+="',
}


def _friendly(kind: str) -> str:
    return FRIENDLY.get(kind, kind.lower().replace("_t", "").replace("_", " "))
