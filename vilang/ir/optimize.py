"""IR-to-IR optimisation passes, run in order by `optimize`.

Each pass is a function from a statement list to a statement list.  The order matters only in
that later passes see the output of earlier ones; there is one pass so far.
"""
from __future__ import annotations

from dataclasses import replace

from vilang.ir import nodes as I

# `y ~ F(alpha + X * beta, rest...)` -> `y ~ F_glm(X, alpha, beta, rest...)`: the GLM kernels
# make one fused pass over the rows of X for the value and every gradient (stanc3's O1 does the
# same rewrite).  Family -> the GLM family taking (y | x, alpha, beta, rest...).
GLM = {"bernoulli_logit": "bernoulli_logit_glm", "poisson_log": "poisson_log_glm",
       "normal": "normal_id_glm", "neg_binomial_2_log": "neg_binomial_2_log_glm"}
SUFFIXES = ("_lpmf", "_lupmf", "_lpdf", "_lupdf")


def glm_rewrite(ops: list) -> list:
    """Fuse `add(alpha, multiply(X, beta))` feeding a GLM-able density into a GLM op."""
    defs = {op.dst.name: op for op in ops if isinstance(op, I.Op)}
    uses: dict[str, int] = {}
    for op in ops:
        for a in getattr(op, "args", ()):
            if isinstance(a, I.Var):
                uses[a.name] = uses.get(a.name, 0) + 1
    out = list(ops)
    for k, op in enumerate(ops):
        if not isinstance(op, I.Op) or len(op.args) < 2:
            continue
        family, suffix = _split(op.prim)
        if family not in GLM or op.args[0].type.dims + (op.args[0].type.base == "vector") == 0:
            continue
        eta = op.args[1]
        parts = _linear_predictor(eta, defs, uses)
        if parts is None:
            continue
        x, alpha, beta, dead = parts
        glm = I.Op(op.dst, GLM[family] + suffix, (op.args[0], x, alpha, beta) + op.args[2:],
                   loc=op.loc)
        out[k] = glm
        out = [o for o in out if not (isinstance(o, I.Op) and o.dst.name in dead)]
    return out


def _split(prim: str):
    for s in SUFFIXES:
        if prim.endswith(s):
            return prim[: -len(s)], s
    return prim, ""


def _linear_predictor(eta, defs, uses):
    """(X, alpha, beta, temps made dead) when eta = alpha + X * beta (or X * beta + alpha, or
    X * beta) with X a matrix and beta a vector, used only here."""
    if not isinstance(eta, I.Var) or eta.name not in defs or uses.get(eta.name) != 1:
        return None
    op = defs[eta.name]
    if op.prim == "multiply":
        alpha, prod = I.Const(0.0, I.UnsizedType("real")), op
        dead = {eta.name}
    elif op.prim == "add":
        a, b = op.args
        prod_var, alpha = (b, a) if _is_matvec(b, defs) else (a, b) if _is_matvec(a, defs) \
            else (None, None)
        if prod_var is None or uses.get(prod_var.name) != 1:
            return None
        if alpha.type.dims or alpha.type.base not in ("int", "real", "vector"):
            return None
        prod = defs[prod_var.name]
        dead = {eta.name, prod_var.name}
    else:
        return None
    if not _is_matvec_op(prod):
        return None
    x, beta = prod.args
    return x, alpha, beta, dead


def _is_matvec(v, defs) -> bool:
    return isinstance(v, I.Var) and v.name in defs and _is_matvec_op(defs[v.name])


def _is_matvec_op(op) -> bool:
    return (op.prim == "multiply" and len(op.args) == 2 and op.args[0].type == I.UnsizedType(
        "matrix") and op.args[1].type == I.UnsizedType("vector"))


def rewrite_statements(stmts: list, op_pass) -> list:
    out = []
    for s in stmts:
        s = replace(s, ops=op_pass(s.ops)) if s.ops else s
        for attr in ("body", "then", "orelse"):
            body = getattr(s, attr, None)
            if isinstance(body, list):
                s = replace(s, **{attr: rewrite_statements(body, op_pass)})
        out.append(s)
    return out


PASSES = [(glm_rewrite, True)]


def optimize(program: I.Program) -> I.Program:
    """Run the enabled passes over the model, transformed parameters and generated
    quantities."""
    for op_pass, enabled in PASSES:
        if not enabled:
            continue
        program = replace(
            program,
            model=rewrite_statements(program.model, op_pass),
            transformed_parameters=rewrite_statements(program.transformed_parameters, op_pass),
            generated_quantities=rewrite_statements(program.generated_quantities, op_pass))
    return program
