"""Stan's constraint transforms: constrain (with log-Jacobian), its reverse-mode derivative,
unconstrain and the constraint check, for every constrained type of the parameters block.

Definitions follow the Stan Reference Manual (chapter "Constraint Transforms") and Stan Math
(`stan/math/prim/constraint/*`, `stan/math/prim/err/check_*`), including the ORDER in which a
structured parameter's unconstrained reals are laid out (so `param_unconstrain` / user inits agree
with Stan's).  The simplex transform is Stan >= 2.37's: `softmax(sum_to_zero_constrain(y))`
(inverse isometric log ratio), not the stick-breaking transform of Stan <= 2.36.

Conventions (on top of those of `vilang.runtime`):

* `x` is a parameter's slice of the unconstrained vector: a 1-D C-contiguous float64 array.
* Constrained values of the elementwise transforms (lower, upper, lower_upper,
  offset_multiplier) and of the vector transforms are 1-D float64 arrays; those of the matrix
  transforms (cholesky_factor_corr, cholesky_factor_cov, corr_matrix, cov_matrix) are 2-D
  C-ordered float64 arrays whose shape gives the sizes.
* The elementwise transforms work on any container flattened to 1-D: `x[i]` maps to `out[i]`
  (the caller passes the two with the same flattening order).  Their bounds / offset / multiplier
  are 1-D float64 arrays of length 1 (a scalar, broadcast) or of the same length as `x`
  (elementwise).  The adjoint arrays for them (`lb_bar`, ...) have the length of the bound
  they belong to; for a data bound pass a scratch array and ignore it.  Stan's defaults are
  `offset=[0.0]`, `multiplier=[1.0]`.
* A bound of -inf (lower) / +inf (upper) means no bound on that side, as in Stan: the element is
  then left unchanged by that side (identity, no Jacobian term, zero bound adjoint).
* `T_constrain(x, *args, out) -> log_jac` writes the constrained value into `out` and returns the
  log absolute Jacobian determinant of the constraining map (what Stan adds to the target when
  the Jacobian is on).  Invalid arguments, on which Stan would throw (lower >= upper,
  multiplier <= 0 or non-finite, offset non-finite, a unit_vector of zero or infinite norm),
  give NaN values and a NaN log_jac: callers treat a non-finite log density as a rejection.
* `T_constrain_vjp(x, *args, out_value, value_bar, lj_bar, x_bar, *arg_bars)` ACCUMULATES
  (+=) into `x_bar` (and the argument adjoints) the gradient of
  `sum(value_bar * constrain(x)) + lj_bar * log_jac(x)`.  `out_value` is the value that
  `T_constrain` wrote.  `lj_bar` is a float (1.0 with the Jacobian, 0.0 without).
* `T_unconstrain(y, *args, out)` writes the unconstrained reals of a constrained value `y`;
  it assumes `T_check(y, *args)` holds (call that first: Stan's `*_free` throw otherwise).
* `T_check(y, *args) -> bool` is Stan's `check_*` for that constraint, with Stan's tolerance
  `CONSTRAINT_TOLERANCE = 1e-8` (simplex and sum-to-zero sums, unit norms, unit diagonals,
  symmetry).
* `T_unc_size(*shape)` (plain Python) is the number of unconstrained reals for a constrained
  value of the given shape.

`TRANSFORMS` maps each constraint kind to a `Transform` record with its functions, argument
names and a one-line description for error messages.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .jit import kernel

CONSTRAINT_TOLERANCE = 1e-8
_INF = math.inf
_NAN = math.nan
_LOG_TWO = math.log(2.0)


# ----------------------------------------------------------------------------------------------
# scalar helpers

@kernel
def _inv_logit(a):
    """1 / (1 + exp(-a)), without overflow."""
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


@kernel
def _log_sech(a):
    """log(1 / cosh(a)) = 0.5 * log(1 - tanh(a)^2), finite for any finite a."""
    b = abs(a)
    return _LOG_TWO - b - math.log1p(math.exp(-2.0 * b))


@kernel
def _sech2(a):
    """1 / cosh(a)^2 = 1 - tanh(a)^2, without cancellation."""
    e = math.exp(-2.0 * abs(a))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


@kernel
def _cholesky_lower(a, out):
    """Cholesky factor of the symmetric matrix whose lower triangle is `a`'s, into `out`
    (upper triangle zeroed).  Returns False when a pivot is not > 0 (not positive definite)."""
    k = a.shape[0]
    for i in range(k):
        for j in range(k):
            out[i, j] = 0.0
    for j in range(k):
        s = a[j, j]
        for q in range(j):
            s -= out[j, q] * out[j, q]
        if not (s > 0.0):
            return False
        d = math.sqrt(s)
        out[j, j] = d
        for i in range(j + 1, k):
            t = a[i, j]
            for q in range(j):
                t -= out[i, q] * out[j, q]
            out[i, j] = t / d
    return True


@kernel
def _pos_definite(y):
    """Stan's check_pos_definite (after its square check): symmetric within 1e-8, at least one
    row, no NaN, positive definite (1x1: > 1e-8)."""
    k = y.shape[0]
    if k == 0:
        return False
    for i in range(k):
        for j in range(k):
            if math.isnan(y[i, j]):
                return False
            if not (abs(y[i, j] - y[j, i]) <= CONSTRAINT_TOLERANCE):
                return False
    if k == 1:
        return y[0, 0] > CONSTRAINT_TOLERANCE
    work = np.empty((k, k))
    return _cholesky_lower(y, work)


@kernel
def _lower_times_transpose(low, out):
    """out = low @ low.T for lower-triangular `low` (K x K), exactly symmetric."""
    k = low.shape[0]
    for i in range(k):
        for j in range(i + 1):
            s = 0.0
            for q in range(j + 1):
                s += low[i, q] * low[j, q]
            out[i, j] = s
            out[j, i] = s


@kernel
def _lower_times_transpose_vjp(low, value_bar, low_bar):
    """low_bar = lower triangle of (value_bar + value_bar.T) @ low (the adjoint of low @ low.T);
    overwrites `low_bar`."""
    k = low.shape[0]
    for i in range(k):
        for j in range(k):
            if j > i:
                low_bar[i, j] = 0.0
                continue
            s = 0.0
            for q in range(j, k):
                s += (value_bar[i, q] + value_bar[q, i]) * low[q, j]
            low_bar[i, j] = s


def _square_size(k, k2):
    if k2 is not None and int(k2) != int(k):
        raise ValueError(f"a {k}x{k2} matrix is not square")
    return int(k)


# ----------------------------------------------------------------------------------------------
# lower bound:  y = lb + exp(x),  log|J| = x

def lower_unc_size(*shape):
    return int(np.prod(shape, dtype=np.int64)) if shape else 1


@kernel
def lower_constrain1(x, a):
    """One element (a scalar parameter): (value, log_jac)."""
    if a == -_INF:
        return x, 0.0
    return math.exp(x) + a, x


@kernel
def lower_constrain1_vjp(x, a, value_bar, lj_bar):
    """One element: (x_bar, lb_bar), the terms `lower_constrain_vjp` adds."""
    if a == -_INF:
        return value_bar, 0.0
    return value_bar * math.exp(x) + lj_bar, value_bar


@kernel
def lower_constrain(x, lb, out):
    n = x.shape[0]
    nb = lb.shape[0]
    lj = 0.0
    for i in range(n):
        a = lb[0 if nb == 1 else i]
        if a == -_INF:
            out[i] = x[i]
        else:
            out[i] = math.exp(x[i]) + a
            lj += x[i]
    return lj


@kernel
def lower_constrain_vjp(x, lb, out_value, value_bar, lj_bar, x_bar, lb_bar):
    n = x.shape[0]
    nb = lb.shape[0]
    for i in range(n):
        j = 0 if nb == 1 else i
        if lb[j] == -_INF:
            x_bar[i] += value_bar[i]
        else:
            x_bar[i] += value_bar[i] * math.exp(x[i]) + lj_bar
            lb_bar[j] += value_bar[i]


@kernel
def lower_unconstrain(y, lb, out):
    n = y.shape[0]
    nb = lb.shape[0]
    for i in range(n):
        a = lb[0 if nb == 1 else i]
        out[i] = y[i] if a == -_INF else math.log(y[i] - a)


@kernel
def lower_check(y, lb):
    n = y.shape[0]
    nb = lb.shape[0]
    for i in range(n):
        if not (y[i] >= lb[0 if nb == 1 else i]):
            return False
    return True


# ----------------------------------------------------------------------------------------------
# upper bound:  y = ub - exp(x),  log|J| = x

upper_unc_size = lower_unc_size


@kernel
def upper_constrain1(x, b):
    """One element (a scalar parameter): (value, log_jac)."""
    if b == _INF:
        return x, 0.0
    return b - math.exp(x), x


@kernel
def upper_constrain1_vjp(x, b, value_bar, lj_bar):
    """One element: (x_bar, ub_bar), the terms `upper_constrain_vjp` adds."""
    if b == _INF:
        return value_bar, 0.0
    return -value_bar * math.exp(x) + lj_bar, value_bar


@kernel
def upper_constrain(x, ub, out):
    n = x.shape[0]
    nb = ub.shape[0]
    lj = 0.0
    for i in range(n):
        b = ub[0 if nb == 1 else i]
        if b == _INF:
            out[i] = x[i]
        else:
            out[i] = b - math.exp(x[i])
            lj += x[i]
    return lj


@kernel
def upper_constrain_vjp(x, ub, out_value, value_bar, lj_bar, x_bar, ub_bar):
    n = x.shape[0]
    nb = ub.shape[0]
    for i in range(n):
        j = 0 if nb == 1 else i
        if ub[j] == _INF:
            x_bar[i] += value_bar[i]
        else:
            x_bar[i] += -value_bar[i] * math.exp(x[i]) + lj_bar
            ub_bar[j] += value_bar[i]


@kernel
def upper_unconstrain(y, ub, out):
    n = y.shape[0]
    nb = ub.shape[0]
    for i in range(n):
        b = ub[0 if nb == 1 else i]
        out[i] = y[i] if b == _INF else math.log(b - y[i])


@kernel
def upper_check(y, ub):
    n = y.shape[0]
    nb = ub.shape[0]
    for i in range(n):
        if not (y[i] <= ub[0 if nb == 1 else i]):
            return False
    return True


# ----------------------------------------------------------------------------------------------
# lower and upper bound:  y = lb + (ub - lb) * inv_logit(x),
# log|J| = log(ub - lb) + log_inv_logit(x) + log1m_inv_logit(x)
#        = log(ub - lb) - |x| - 2 * log1p(exp(-|x|))
# An infinite side falls back to the one-sided transform (both infinite: identity), as Stan's
# lub_constrain does.

lower_upper_unc_size = lower_unc_size


@kernel
def lower_upper_constrain1(xi, a, b):
    """One element (a scalar parameter): (value, log_jac), as `lower_upper_constrain`."""
    if a == -_INF and b == _INF:
        return xi, 0.0
    if b == _INF:
        return math.exp(xi) + a, xi
    if a == -_INF:
        return b - math.exp(xi), xi
    if not (a < b):
        return _NAN, _NAN
    d = b - a
    if xi <= 0.0:
        value = a + d * _inv_logit(xi)
    else:
        value = b - d * _inv_logit(-xi)
    ax = abs(xi)
    return value, math.log(d) - ax - 2.0 * math.log1p(math.exp(-ax))


@kernel
def lower_upper_constrain1_vjp(xi, a, b, vb, lj_bar):
    """One element: (x_bar, lb_bar, ub_bar), the terms `lower_upper_constrain_vjp` adds."""
    if a == -_INF and b == _INF:
        return vb, 0.0, 0.0
    if b == _INF:
        return vb * math.exp(xi) + lj_bar, vb, 0.0
    if a == -_INF:
        return -vb * math.exp(xi) + lj_bar, 0.0, vb
    if not (a < b):
        return _NAN, _NAN, _NAN
    d = b - a
    s = _inv_logit(xi)
    t = _inv_logit(-xi)  # 1 - s without cancellation
    return vb * d * s * t + lj_bar * (t - s), vb * t - lj_bar / d, vb * s + lj_bar / d


@kernel
def lower_upper_constrain(x, lb, ub, out):
    n = x.shape[0]
    na = lb.shape[0]
    nb = ub.shape[0]
    lj = 0.0
    for i in range(n):
        a = lb[0 if na == 1 else i]
        b = ub[0 if nb == 1 else i]
        xi = x[i]
        if a == -_INF and b == _INF:
            out[i] = xi
        elif b == _INF:
            out[i] = math.exp(xi) + a
            lj += xi
        elif a == -_INF:
            out[i] = b - math.exp(xi)
            lj += xi
        elif not (a < b):
            out[i] = _NAN
            lj = _NAN
        else:
            d = b - a
            # lb + d * inv_logit(x), evaluated from the nearer bound for accuracy
            if xi <= 0.0:
                out[i] = a + d * _inv_logit(xi)
            else:
                out[i] = b - d * _inv_logit(-xi)
            ax = abs(xi)
            lj += math.log(d) - ax - 2.0 * math.log1p(math.exp(-ax))
    return lj


@kernel
def lower_upper_constrain_vjp(x, lb, ub, out_value, value_bar, lj_bar, x_bar, lb_bar, ub_bar):
    n = x.shape[0]
    na = lb.shape[0]
    nb = ub.shape[0]
    for i in range(n):
        ja = 0 if na == 1 else i
        jb = 0 if nb == 1 else i
        a = lb[ja]
        b = ub[jb]
        xi = x[i]
        vb = value_bar[i]
        if a == -_INF and b == _INF:
            x_bar[i] += vb
        elif b == _INF:
            x_bar[i] += vb * math.exp(xi) + lj_bar
            lb_bar[ja] += vb
        elif a == -_INF:
            x_bar[i] += -vb * math.exp(xi) + lj_bar
            ub_bar[jb] += vb
        elif not (a < b):
            x_bar[i] += _NAN
            lb_bar[ja] += _NAN
            ub_bar[jb] += _NAN
        else:
            d = b - a
            s = _inv_logit(xi)
            t = _inv_logit(-xi)  # 1 - s without cancellation
            x_bar[i] += vb * d * s * t + lj_bar * (t - s)
            lb_bar[ja] += vb * t - lj_bar / d
            ub_bar[jb] += vb * s + lj_bar / d


@kernel
def lower_upper_unconstrain(y, lb, ub, out):
    n = y.shape[0]
    na = lb.shape[0]
    nb = ub.shape[0]
    for i in range(n):
        a = lb[0 if na == 1 else i]
        b = ub[0 if nb == 1 else i]
        yi = y[i]
        if a == -_INF and b == _INF:
            out[i] = yi
        elif b == _INF:
            out[i] = math.log(yi - a)
        elif a == -_INF:
            out[i] = math.log(b - yi)
        else:
            # logit((y - lb) / (ub - lb))
            out[i] = math.log(yi - a) - math.log(b - yi)


@kernel
def lower_upper_check(y, lb, ub):
    n = y.shape[0]
    na = lb.shape[0]
    nb = ub.shape[0]
    for i in range(n):
        if not (lb[0 if na == 1 else i] <= y[i] and y[i] <= ub[0 if nb == 1 else i]):
            return False
    return True


# ----------------------------------------------------------------------------------------------
# offset / multiplier:  y = offset + multiplier * x,  log|J| = log(multiplier)

offset_multiplier_unc_size = lower_unc_size


@kernel
def offset_multiplier_constrain1(x, m, s):
    """One element (a scalar parameter): (value, log_jac)."""
    if not (math.isfinite(m) and math.isfinite(s) and s > 0.0):
        return _NAN, _NAN
    return m + s * x, math.log(s)


@kernel
def offset_multiplier_constrain1_vjp(x, m, s, vb, lj_bar):
    """One element: (x_bar, offset_bar, multiplier_bar)."""
    return vb * s, vb, vb * x + lj_bar / s


@kernel
def offset_multiplier_constrain(x, offset, multiplier, out):
    n = x.shape[0]
    nm = offset.shape[0]
    ns = multiplier.shape[0]
    lj = 0.0
    for i in range(n):
        m = offset[0 if nm == 1 else i]
        s = multiplier[0 if ns == 1 else i]
        if not (math.isfinite(m) and math.isfinite(s) and s > 0.0):
            out[i] = _NAN
            lj = _NAN
        else:
            out[i] = m + s * x[i]
            lj += math.log(s)
    return lj


@kernel
def offset_multiplier_constrain_vjp(x, offset, multiplier, out_value, value_bar, lj_bar, x_bar,
                                    offset_bar, multiplier_bar):
    n = x.shape[0]
    nm = offset.shape[0]
    ns = multiplier.shape[0]
    for i in range(n):
        jm = 0 if nm == 1 else i
        js = 0 if ns == 1 else i
        s = multiplier[js]
        vb = value_bar[i]
        x_bar[i] += vb * s
        offset_bar[jm] += vb
        multiplier_bar[js] += vb * x[i] + lj_bar / s


@kernel
def offset_multiplier_unconstrain(y, offset, multiplier, out):
    n = y.shape[0]
    nm = offset.shape[0]
    ns = multiplier.shape[0]
    for i in range(n):
        out[i] = (y[i] - offset[0 if nm == 1 else i]) / multiplier[0 if ns == 1 else i]


@kernel
def offset_multiplier_check(y, offset, multiplier):
    """Always true: offset/multiplier is a reparameterisation, not a constraint (Stan checks
    nothing on such a declaration's value)."""
    return True


# ----------------------------------------------------------------------------------------------
# ordered:  y1 = x1,  yk = y(k-1) + exp(xk);  log|J| = sum_{k>=2} xk

def ordered_unc_size(k):
    return int(k)


@kernel
def ordered_constrain(x, out):
    n = x.shape[0]
    if n == 0:
        return 0.0
    out[0] = x[0]
    lj = 0.0
    for k in range(1, n):
        out[k] = out[k - 1] + math.exp(x[k])
        lj += x[k]
    return lj


@kernel
def ordered_constrain_vjp(x, out_value, value_bar, lj_bar, x_bar):
    n = x.shape[0]
    g = 0.0
    for k in range(n - 1, 0, -1):
        g += value_bar[k]
        x_bar[k] += g * math.exp(x[k]) + lj_bar
    if n > 0:
        x_bar[0] += g + value_bar[0]


@kernel
def ordered_unconstrain(y, out):
    n = y.shape[0]
    if n == 0:
        return
    out[0] = y[0]
    for k in range(1, n):
        out[k] = math.log(y[k] - y[k - 1])


@kernel
def ordered_check(y):
    for k in range(1, y.shape[0]):
        if not (y[k] > y[k - 1]):
            return False
    return True


# ----------------------------------------------------------------------------------------------
# positive_ordered:  y1 = exp(x1),  yk = y(k-1) + exp(xk);  log|J| = sum_k xk

positive_ordered_unc_size = ordered_unc_size


@kernel
def positive_ordered_constrain(x, out):
    n = x.shape[0]
    if n == 0:
        return 0.0
    out[0] = math.exp(x[0])
    lj = x[0]
    for k in range(1, n):
        out[k] = out[k - 1] + math.exp(x[k])
        lj += x[k]
    return lj


@kernel
def positive_ordered_constrain_vjp(x, out_value, value_bar, lj_bar, x_bar):
    n = x.shape[0]
    g = 0.0
    for k in range(n - 1, -1, -1):
        g += value_bar[k]
        x_bar[k] += g * math.exp(x[k]) + lj_bar


@kernel
def positive_ordered_unconstrain(y, out):
    n = y.shape[0]
    if n == 0:
        return
    out[0] = math.log(y[0])
    for k in range(1, n):
        out[k] = math.log(y[k] - y[k - 1])


@kernel
def positive_ordered_check(y):
    if y.shape[0] == 0:
        return True
    if y[0] < 0.0:
        return False
    return ordered_check(y)


# ----------------------------------------------------------------------------------------------
# sum_to_zero_vector (Stan >= 2.36): the linear isometry onto {sum = 0} of the "pivot
# coordinates" (inverse isometric log ratio without the softmax).  log|J| = 0 (Stan adds
# nothing: the map is an isometry onto the subspace).

def sum_to_zero_vector_unc_size(k):
    return max(int(k) - 1, 0)


@kernel
def sum_to_zero_vector_constrain(x, out):
    kk = out.shape[0]
    for j in range(kk):
        out[j] = 0.0
    n = x.shape[0]
    if kk == 0 or n == 0:
        return 0.0
    sum_w = 0.0
    for i in range(n, 0, -1):
        fi = float(i)
        w = x[i - 1] / math.sqrt(fi * (fi + 1.0))
        sum_w += w
        out[i - 1] += sum_w
        out[i] -= w * fi
    return 0.0


@kernel
def _sum_to_zero_backprop(z_bar, x_bar):
    """x_bar += V^T z_bar for the sum-to-zero basis V (K x (K-1))."""
    n = x_bar.shape[0]
    cum = 0.0
    for i in range(1, n + 1):
        fi = float(i)
        cum += z_bar[i - 1]
        x_bar[i - 1] += (cum - fi * z_bar[i]) / math.sqrt(fi * (fi + 1.0))


@kernel
def sum_to_zero_vector_constrain_vjp(x, out_value, value_bar, lj_bar, x_bar):
    if x.shape[0] > 0:
        _sum_to_zero_backprop(value_bar, x_bar)


@kernel
def sum_to_zero_vector_unconstrain(y, out):
    n = y.shape[0] - 1
    if n <= 0:
        return
    fn = float(n)
    out[n - 1] = -y[n] * math.sqrt(fn * (fn + 1.0)) / fn
    sum_w = 0.0
    for i in range(n - 2, -1, -1):
        fi = float(i + 1)
        w = out[i + 1] / math.sqrt((fi + 1.0) * (fi + 2.0))
        sum_w += w
        out[i] = (sum_w - y[i + 1]) * math.sqrt(fi * (fi + 1.0)) / fi


@kernel
def sum_to_zero_vector_check(y):
    if y.shape[0] == 0:
        return False
    s = 0.0
    for i in range(y.shape[0]):
        s += y[i]
    return abs(s) <= CONSTRAINT_TOLERANCE


# ----------------------------------------------------------------------------------------------
# simplex (Stan >= 2.37): y = softmax(sum_to_zero_constrain(x));
# log|J| = sum(log y) + 0.5 * log(K) = -K * log_sum_exp(z) + 0.5 * log(K)  (z sums to 0).
# This is the Jacobian with respect to the first K-1 simplex coordinates.

def simplex_unc_size(k):
    return max(int(k) - 1, 0)


@kernel
def simplex_constrain(x, out):
    kk = out.shape[0]
    if kk == 0:
        return 0.0
    if kk == 1:
        out[0] = 1.0
        return 0.0
    sum_to_zero_vector_constrain(x, out)
    m = out[0]
    for j in range(1, kk):
        if out[j] > m:
            m = out[j]
    d = 0.0
    for j in range(kk):
        d += math.exp(out[j] - m)
    lse = m + math.log(d)
    for j in range(kk):
        out[j] = math.exp(out[j] - lse)
    return -kk * lse + 0.5 * math.log(float(kk))


@kernel
def simplex_constrain_vjp(x, out_value, value_bar, lj_bar, x_bar):
    kk = out_value.shape[0]
    n = x.shape[0]
    if n == 0:
        return
    # z_bar_j = y_j * (value_bar_j - y . value_bar) - lj_bar * K * y_j ; then x_bar += V^T z_bar
    dot = 0.0
    for j in range(kk):
        dot += out_value[j] * value_bar[j]
    cum = 0.0
    for i in range(1, n + 1):
        fi = float(i)
        yp = out_value[i - 1]
        cum += yp * (value_bar[i - 1] - dot) - lj_bar * kk * yp
        yi = out_value[i]
        zi = yi * (value_bar[i] - dot) - lj_bar * kk * yi
        x_bar[i - 1] += (cum - fi * zi) / math.sqrt(fi * (fi + 1.0))


@kernel
def simplex_unconstrain(y, out):
    kk = y.shape[0]
    if kk <= 1:
        return
    z = np.empty(kk)
    mean = 0.0
    for j in range(kk):
        z[j] = math.log(y[j])
        mean += z[j]
    mean /= kk
    for j in range(kk):
        z[j] -= mean
    sum_to_zero_vector_unconstrain(z, out)


@kernel
def simplex_check(y):
    kk = y.shape[0]
    if kk == 0:
        return False
    s = 0.0
    for j in range(kk):
        s += y[j]
    if not (abs(1.0 - s) <= CONSTRAINT_TOLERANCE):
        return False
    for j in range(kk):
        if not (y[j] >= 0.0):
            return False
    return True


# ----------------------------------------------------------------------------------------------
# unit_vector: y = x / ||x||.  Not a bijection: the returned "log_jac" is -0.5 * ||x||^2, the
# standard-normal term Stan adds to the target for the radial direction (Stan's
# unit_vector_constrain(y, lp) does lp += -0.5 * dot_self(y)).

def unit_vector_unc_size(k):
    return int(k)


@kernel
def unit_vector_constrain(x, out):
    """Writes x / ||x|| into out and returns -0.5 * ||x||^2 (NOT a log-Jacobian: the term Stan
    adds to the target for unit vectors).  Zero or infinite norm: NaN (Stan throws)."""
    n = x.shape[0]
    sn = 0.0
    for i in range(n):
        sn += x[i] * x[i]
    if not (sn > 0.0 and sn < _INF):
        for i in range(n):
            out[i] = _NAN
        return _NAN
    r = math.sqrt(sn)
    for i in range(n):
        out[i] = x[i] / r
    return -0.5 * sn


@kernel
def unit_vector_constrain_vjp(x, out_value, value_bar, lj_bar, x_bar):
    n = x.shape[0]
    sn = 0.0
    dot = 0.0
    for i in range(n):
        sn += x[i] * x[i]
        dot += out_value[i] * value_bar[i]
    r = math.sqrt(sn)
    for i in range(n):
        x_bar[i] += (value_bar[i] - out_value[i] * dot) / r - lj_bar * x[i]


@kernel
def unit_vector_unconstrain(y, out):
    for i in range(y.shape[0]):
        out[i] = y[i]


@kernel
def unit_vector_check(y):
    n = y.shape[0]
    if n == 0:
        return False
    s = 0.0
    for i in range(n):
        s += y[i] * y[i]
    return abs(1.0 - s) <= CONSTRAINT_TOLERANCE


# ----------------------------------------------------------------------------------------------
# cholesky_factor_corr[K]: K(K-1)/2 reals, in row-major order of the strictly lower triangle
# (Stan's cholesky_corr_constrain).  z = tanh(x) are canonical partial correlations; row i:
# L[i, j] = z_ij * sqrt(1 - sum_{j'<j} L[i, j']^2),  L[i, i] = sqrt(1 - sum_{j<i} L[i, j]^2).
# With s_ij = sqrt(1 - sum_{j'<j} L[i,j']^2) = prod_{j'<j} sech(x_ij'):
# log|J| = sum log(1 - z^2) + 0.5 * sum_{i, 1<=j<i} log(1 - sum_{j'<j} L[i,j']^2)
#        = sum_{i>j} (i + 1 - j) * log sech(x_ij)        (Jacobian wrt the strict lower triangle)

def cholesky_factor_corr_unc_size(k, k2=None):
    """(K) or the constrained shape (K, K)."""
    k = _square_size(k, k2)
    return k * (k - 1) // 2


@kernel
def cholesky_factor_corr_constrain(x, out):
    kk = out.shape[0]
    for i in range(kk):
        for j in range(kk):
            out[i, j] = 0.0
    if kk == 0:
        return 0.0
    out[0, 0] = 1.0
    lj = 0.0
    pos = 0
    for i in range(1, kk):
        logs = 0.0
        for j in range(i):
            xi = x[pos]
            pos += 1
            out[i, j] = math.tanh(xi) * math.exp(logs)
            ls = _log_sech(xi)
            lj += (i + 1 - j) * ls
            logs += ls
        out[i, i] = math.exp(logs)
    return lj


@kernel
def cholesky_factor_corr_constrain_vjp(x, out_value, value_bar, lj_bar, x_bar):
    kk = out_value.shape[0]
    for i in range(1, kk):
        base = i * (i - 1) // 2
        # reverse over the row: acc = sum_{q > j} value_bar[i, q] * L[i, q],
        # tail = sum_{q >= j} L[i, q]^2 = s_ij^2
        acc = value_bar[i, i] * out_value[i, i]
        tail = out_value[i, i] * out_value[i, i]
        for j in range(i - 1, -1, -1):
            xi = x[base + j]
            lij = out_value[i, j]
            tail += lij * lij
            s = math.sqrt(tail)
            t = math.tanh(xi)
            x_bar[base + j] += (value_bar[i, j] * _sech2(xi) * s - t * acc
                                - lj_bar * (i + 1 - j) * t)
            acc += value_bar[i, j] * lij


@kernel
def cholesky_factor_corr_unconstrain(y, out):
    kk = y.shape[0]
    for i in range(1, kk):
        base = i * (i - 1) // 2
        tail = y[i, i] * y[i, i]
        for j in range(i - 1, -1, -1):
            tail += y[i, j] * y[i, j]
            z = y[i, j] / math.sqrt(tail)
            z = min(1.0, max(-1.0, z))
            out[base + j] = math.atanh(z)


@kernel
def cholesky_factor_corr_check(y):
    kk = y.shape[0]
    if y.shape[1] != kk:
        return False
    for i in range(kk):
        for j in range(i + 1, kk):
            if y[i, j] != 0.0:
                return False
        if not (y[i, i] > 0.0):
            return False
        s = 0.0
        for j in range(i + 1):
            s += y[i, j] * y[i, j]
        if not (abs(1.0 - s) <= CONSTRAINT_TOLERANCE):
            return False
    return True


# ----------------------------------------------------------------------------------------------
# corr_matrix[K]: K(K-1)/2 canonical partial correlations z = tanh(x) in COLUMN-major order of
# the strictly lower triangle (Stan's read_corr_L), L built as for cholesky_factor_corr, and
# Omega = L L^T.  log|J| = sum log(1 - z^2) + 0.5 * sum_{c} sum_{i>c} (K - c - 2) log(1 - z_ic^2)
# (0-based column c) = sum_{i>c} (K - c) * log sech(x_ic)  (wrt the strict lower triangle of Omega).

def corr_matrix_unc_size(k, k2=None):
    """(K) or the constrained shape (K, K)."""
    k = _square_size(k, k2)
    return k * (k - 1) // 2


@kernel
def _corr_cholesky(x, low):
    """Stan's read_corr_L of tanh(x) into `low` (K x K); returns its corr_matrix log|J|."""
    kk = low.shape[0]
    for i in range(kk):
        for j in range(kk):
            low[i, j] = 0.0
    if kk == 0:
        return 0.0
    low[0, 0] = 1.0
    logacc = np.zeros(kk)
    lj = 0.0
    pos = 0
    for c in range(kk - 1):
        for i in range(c + 1, kk):
            xi = x[pos]
            pos += 1
            low[i, c] = math.tanh(xi) * math.exp(logacc[i])
            ls = _log_sech(xi)
            logacc[i] += ls
            lj += (kk - c) * ls
        low[c + 1, c + 1] = math.exp(logacc[c + 1])
    return lj


@kernel
def corr_matrix_constrain(x, out):
    kk = out.shape[0]
    low = np.empty((kk, kk))
    lj = _corr_cholesky(x, low)
    _lower_times_transpose(low, out)
    return lj


@kernel
def corr_matrix_constrain_vjp(x, out_value, value_bar, lj_bar, x_bar):
    kk = out_value.shape[0]
    if kk < 2:
        return
    low = np.empty((kk, kk))
    _corr_cholesky(x, low)
    low_bar = np.empty((kk, kk))
    _lower_times_transpose_vjp(low, value_bar, low_bar)
    for i in range(1, kk):
        acc = low_bar[i, i] * low[i, i]
        tail = low[i, i] * low[i, i]
        for c in range(i - 1, -1, -1):
            pos = c * (kk - 1) - c * (c - 1) // 2 + (i - c - 1)
            xi = x[pos]
            lic = low[i, c]
            tail += lic * lic
            s = math.sqrt(tail)
            t = math.tanh(xi)
            x_bar[pos] += low_bar[i, c] * _sech2(xi) * s - t * acc - lj_bar * (kk - c) * t
            acc += low_bar[i, c] * lic


@kernel
def corr_matrix_unconstrain(y, out):
    kk = y.shape[0]
    low = np.empty((kk, kk))
    if not _cholesky_lower(y, low):
        for p in range(out.shape[0]):
            out[p] = _NAN
        return
    for i in range(1, kk):
        tail = low[i, i] * low[i, i]
        for c in range(i - 1, -1, -1):
            tail += low[i, c] * low[i, c]
            z = low[i, c] / math.sqrt(tail)
            z = min(1.0, max(-1.0, z))
            out[c * (kk - 1) - c * (c - 1) // 2 + (i - c - 1)] = math.atanh(z)


@kernel
def corr_matrix_check(y):
    kk = y.shape[0]
    if y.shape[1] != kk:
        return False
    if kk == 0:
        return True
    for k in range(kk):
        if not (abs(y[k, k] - 1.0) <= CONSTRAINT_TOLERANCE):
            return False
    return _pos_definite(y)


# ----------------------------------------------------------------------------------------------
# cov_matrix[K]: K + K(K-1)/2 reals, row-major over the lower triangle including the diagonal
# of L (diagonal = exp(x)); Sigma = L L^T.
# log|J| = K log 2 + sum_k (K - k + 1) log L_kk   (0-based k; wrt Sigma's lower triangle)

def cov_matrix_unc_size(k, k2=None):
    """(K) or the constrained shape (K, K)."""
    k = _square_size(k, k2)
    return k + k * (k - 1) // 2


@kernel
def _cov_cholesky(x, low):
    kk = low.shape[0]
    lj = kk * _LOG_TWO
    pos = 0
    for m in range(kk):
        for j in range(m):
            low[m, j] = x[pos]
            pos += 1
        low[m, m] = math.exp(x[pos])
        lj += (kk - m + 1) * x[pos]
        pos += 1
        for j in range(m + 1, kk):
            low[m, j] = 0.0
    return lj


@kernel
def cov_matrix_constrain(x, out):
    kk = out.shape[0]
    low = np.empty((kk, kk))
    lj = _cov_cholesky(x, low)
    _lower_times_transpose(low, out)
    return lj


@kernel
def cov_matrix_constrain_vjp(x, out_value, value_bar, lj_bar, x_bar):
    kk = out_value.shape[0]
    low = np.empty((kk, kk))
    _cov_cholesky(x, low)
    low_bar = np.empty((kk, kk))
    _lower_times_transpose_vjp(low, value_bar, low_bar)
    pos = 0
    for m in range(kk):
        for j in range(m):
            x_bar[pos] += low_bar[m, j]
            pos += 1
        x_bar[pos] += low_bar[m, m] * low[m, m] + lj_bar * (kk - m + 1)
        pos += 1


@kernel
def cov_matrix_unconstrain(y, out):
    kk = y.shape[0]
    low = np.empty((kk, kk))
    if not _cholesky_lower(y, low):
        for p in range(out.shape[0]):
            out[p] = _NAN
        return
    pos = 0
    for m in range(kk):
        for j in range(m):
            out[pos] = low[m, j]
            pos += 1
        out[pos] = math.log(low[m, m])
        pos += 1


@kernel
def cov_matrix_check(y):
    if y.shape[1] != y.shape[0]:
        return False
    return _pos_definite(y)


# ----------------------------------------------------------------------------------------------
# cholesky_factor_cov[M, N] (M >= N): N(N+1)/2 + (M-N)N reals, row-major over the lower
# triangle including the diagonal (first N rows), then the remaining M-N full rows; the diagonal
# is exp(x).  log|J| = sum of the diagonal x (wrt the lower triangle including the diagonal).

def cholesky_factor_cov_unc_size(m, n=None):
    m = int(m)
    n = m if n is None else int(n)
    return n * (n + 1) // 2 + (m - n) * n


@kernel
def cholesky_factor_cov_constrain(x, out):
    mm = out.shape[0]
    nn = out.shape[1]
    lj = 0.0
    pos = 0
    for m in range(mm):
        if m < nn:
            for j in range(m):
                out[m, j] = x[pos]
                pos += 1
            out[m, m] = math.exp(x[pos])
            lj += x[pos]
            pos += 1
            for j in range(m + 1, nn):
                out[m, j] = 0.0
        else:
            for j in range(nn):
                out[m, j] = x[pos]
                pos += 1
    return lj


@kernel
def cholesky_factor_cov_constrain_vjp(x, out_value, value_bar, lj_bar, x_bar):
    mm = out_value.shape[0]
    nn = out_value.shape[1]
    pos = 0
    for m in range(mm):
        if m < nn:
            for j in range(m):
                x_bar[pos] += value_bar[m, j]
                pos += 1
            x_bar[pos] += value_bar[m, m] * out_value[m, m] + lj_bar
            pos += 1
        else:
            for j in range(nn):
                x_bar[pos] += value_bar[m, j]
                pos += 1


@kernel
def cholesky_factor_cov_unconstrain(y, out):
    mm = y.shape[0]
    nn = y.shape[1]
    pos = 0
    for m in range(mm):
        if m < nn:
            for j in range(m):
                out[pos] = y[m, j]
                pos += 1
            out[pos] = math.log(y[m, m])
            pos += 1
        else:
            for j in range(nn):
                out[pos] = y[m, j]
                pos += 1


@kernel
def cholesky_factor_cov_check(y):
    mm = y.shape[0]
    nn = y.shape[1]
    if not (nn <= mm and nn > 0):
        return False
    for m in range(nn):
        for j in range(m + 1, nn):
            if y[m, j] != 0.0:
                return False
        if not (y[m, m] > 0.0):
            return False
    return True


# ----------------------------------------------------------------------------------------------
# metadata

@dataclass(frozen=True)
class Transform:
    """One constraint kind.

    name         -- the key in TRANSFORMS
    args         -- names of the bound/affine arguments, in call order (() for structured types)
    description  -- completes "<variable> ..." in an error message when the check fails
    elementwise  -- applies elementwise to any container (args broadcast from length 1)
    matrix       -- the constrained value is a 2-D array (else 1-D)
    bijective    -- constrain is a bijection onto the constrained set (False: unit_vector)
    unc_size     -- unc_size(*constrained_shape) -> number of unconstrained reals
    constrain, constrain_vjp, unconstrain, check -- the kernels (see the module docstring)
    constrain1, constrain1_vjp -- elementwise transforms only (else None): one element, with
        scalar bounds: `constrain1(x, *args) -> (value, log_jac)` and
        `constrain1_vjp(x, *args, value_bar, lj_bar) -> (x_bar, *arg_bars)`
    """
    name: str
    args: tuple[str, ...]
    description: str
    elementwise: bool
    matrix: bool
    bijective: bool
    unc_size: Callable
    constrain: Callable
    constrain_vjp: Callable
    unconstrain: Callable
    check: Callable
    constrain1: Callable | None = None
    constrain1_vjp: Callable | None = None


def _make(name, args, description, *, elementwise=False, matrix=False, bijective=True):
    g = globals()
    return Transform(name=name, args=tuple(args), description=description,
                     elementwise=elementwise, matrix=matrix, bijective=bijective,
                     unc_size=g[name + "_unc_size"], constrain=g[name + "_constrain"],
                     constrain_vjp=g[name + "_constrain_vjp"],
                     unconstrain=g[name + "_unconstrain"], check=g[name + "_check"],
                     constrain1=g.get(name + "_constrain1"),
                     constrain1_vjp=g.get(name + "_constrain1_vjp"))


TRANSFORMS: dict[str, Transform] = {t.name: t for t in [
    _make("lower", ["lower"],
          "is not greater than or equal to its lower bound", elementwise=True),
    _make("upper", ["upper"],
          "is not less than or equal to its upper bound", elementwise=True),
    _make("lower_upper", ["lower", "upper"],
          "is not within its bounds: must be between the lower and upper bound (inclusive)",
          elementwise=True),
    _make("offset_multiplier", ["offset", "multiplier"],
          "has an offset/multiplier, which puts no constraint on its value", elementwise=True),
    _make("ordered", [],
          "is not a valid ordered vector: elements must be strictly increasing"),
    _make("positive_ordered", [],
          "is not a valid positive_ordered vector: elements must be non-negative and strictly "
          "increasing"),
    _make("simplex", [],
          "is not a valid simplex: elements must be non-negative and sum to 1"),
    _make("unit_vector", [],
          "is not a valid unit vector: the sum of squares of the elements must be 1",
          bijective=False),
    _make("sum_to_zero_vector", [],
          "is not a valid sum_to_zero_vector: elements must sum to 0"),
    _make("cholesky_factor_corr", [],
          "is not a valid Cholesky factor of a correlation matrix: must be square, lower "
          "triangular, with a positive diagonal and rows of unit length", matrix=True),
    _make("cholesky_factor_cov", [],
          "is not a valid Cholesky factor: must have at least as many rows as columns, be lower "
          "triangular and have a positive diagonal", matrix=True),
    _make("corr_matrix", [],
          "is not a valid correlation matrix: must be symmetric, positive definite and have a "
          "unit diagonal", matrix=True),
    _make("cov_matrix", [],
          "is not a valid covariance matrix: must be symmetric and positive definite",
          matrix=True),
]}
