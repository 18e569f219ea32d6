"""A dense preconditioner for the mean-field locations: Newton steps from a running estimate
of the posterior's Hessian.

Mean-field's natural-gradient step moves each mu_i in units of q's sd of coordinate i, the
posterior's *conditional* sd.  Where parameters are strongly correlated (a regression on
unscaled predictors: intercept and slope), the posterior is a narrow valley whose length is
many conditional sds, and diagonal steps crawl along it: the number of iterations grows with
the condition number (10^3 to 10^4 for several posteriordb regressions).

The Hessian of the ELBO in mu is H = E_q[grad^2 log p], and by Stein's lemma
H = E_q[g (eta / sd)^T] for the draws' gradients g = grad log p(mu + sd * eta): each gradient
the loop computes anyway gives an unbiased rank-one sample of H.  Centring g on its running
mean makes the error of the running estimate multiplicative (H (I + E) with E of order
1/sqrt(samples)) rather than additive, so the preconditioned problem is well conditioned
however ill-conditioned H is.  With P = (-H)^(-1), the step for mu is
rate * P * grad_mu, each coordinate clipped to 3 rate * sqrt(P_ii) (P_ii is the posterior's
marginal variance when it is Gaussian): a damped Newton step.  It is taken only when the
estimate is consistent with q (`consistent`) and the posterior strongly correlated
(`worth_it`); otherwise mu takes the diagonal steps.  An estimate that fails (not invertible,
inconsistent: typical early on, when q is far away and gradients huge) is started afresh.

Used for mean-field fits with the default optimizer and at most DENSE_MAX parameters (the
estimate costs D^2 per iteration and a Cholesky factorisation per block).
"""
from __future__ import annotations

import math

import numpy as np

from vilang.runtime.jit import kernel

DENSE_MAX = 200          # parameters, at most, for the dense preconditioner
MEMORY = 200.0           # iterations the Hessian estimate remembers (exponential weights)
READY = 100              # samples before the preconditioner is used
CLIP = 3.0


@kernel
def add_sample(hsum, gsum, g, gbar, eta, sd):
    """hsum += (g - gbar) (eta / sd)^T; gsum += g (one draw)."""
    d = g.shape[0]
    for i in range(d):
        gi = g[i] - gbar[i]
        gsum[i] += g[i]
        for j in range(d):
            hsum[i, j] += gi * eta[j] / sd[j]


@kernel
def update(hess, gbar, hsum, gsum, m, n_samples):
    """Fold the mean of this iteration's m samples into the running estimates."""
    d = gbar.shape[0]
    beta = max(1.0 / n_samples, 1.0 / MEMORY)
    for i in range(d):
        gbar[i] = (1.0 - beta) * gbar[i] + beta * gsum[i] / m
        for j in range(d):
            hess[i, j] = (1.0 - beta) * hess[i, j] + beta * hsum[i, j] / m


@kernel
def refactor(hess, pinv, psd):
    """pinv = (-H)^(-1) for the running estimate H (by Gauss-Jordan elimination with partial
    pivoting), psd = sqrt(diag(pinv)).  H is not symmetrised: its estimate's error is a
    factor on the right, H (I + E), which the inverse keeps as a factor, (I + E)^(-1) H^(-1),
    so the preconditioned steps stay good however ill-conditioned H is; the symmetric part's
    inverse would not.  Returns False when -H is singular or a diagonal entry of the inverse
    is not positive."""
    d = hess.shape[0]
    a = np.empty((d, 2 * d))
    for i in range(d):
        for j in range(d):
            a[i, j] = -hess[i, j]
            a[i, d + j] = 1.0 if i == j else 0.0
    for c in range(d):
        piv = c
        for r in range(c + 1, d):
            if abs(a[r, c]) > abs(a[piv, c]):
                piv = r
        if not abs(a[piv, c]) > 0.0 or not math.isfinite(a[piv, c]):
            return False
        if piv != c:
            for j in range(2 * d):
                t = a[c, j]
                a[c, j] = a[piv, j]
                a[piv, j] = t
        inv = 1.0 / a[c, c]
        for j in range(2 * d):
            a[c, j] *= inv
        for r in range(d):
            if r != c:
                f = a[r, c]
                if f != 0.0:
                    for j in range(2 * d):
                        a[r, j] -= f * a[c, j]
    for i in range(d):
        for j in range(d):
            pinv[i, j] = a[i, d + j]
        if not pinv[i, i] > 0.0 or not math.isfinite(pinv[i, i]):
            return False
        psd[i] = math.sqrt(pinv[i, i])
    return True


@kernel
def newton_step(pinv, psd, grad, lam, rate, new):
    """new[:d] = lam[:d] + rate * clip(pinv grad, +-CLIP psd)."""
    d = psd.shape[0]
    for i in range(d):
        x = 0.0
        for j in range(d):
            x += pinv[i, j] * grad[j]
        bound = CLIP * psd[i]
        if x > bound:
            x = bound
        elif x < -bound:
            x = -bound
        new[i] = lam[i] + rate * x


@kernel
def worth_it(psd, sd, on):
    """Are Newton steps worth taking?  Only where the posterior is strongly correlated: the
    largest ratio of marginal to conditional sd (sqrt(P_ii) / q's sd) above 3 turns them on,
    below 2 off (in between they stay as they were).  Elsewhere the diagonal steps are as
    fast, and Newton steps on a curved posterior (a funnel, whose curvature moves with q)
    bias the averaged iterates: 0.15 sd on eight schools' log tau."""
    r = 0.0
    for i in range(psd.shape[0]):
        r = max(r, psd[i] / sd[i])
    if r > 3.0:
        return True
    if r < 2.0:
        return False
    return on


@kernel
def consistent(psd, sd):
    """Is the estimate consistent with q?  At the mean-field optimum q's variance of
    coordinate i is 1 / (-H_ii), never more than P_ii = [(-H)^(-1)]_ii; an estimate with
    sqrt(P_ii) under half of q's sd is not to be trusted (early on, or after wild draws)."""
    for i in range(psd.shape[0]):
        if not psd[i] >= 0.5 * sd[i]:
            return False
    return True
