"""When to stop: a windowed test on averaged iterates that does not depend on the ELBO's scale.

Stan stops when the ELBO's relative change |dELBO / ELBO| falls under 0.01.  |ELBO| grows with
the number of observations, so on big data 1 % of it is hundreds of nats and the test fires
while the means are still several posterior sds away.  vilang looks at the variational
parameters themselves, on their own scale:

* the loop records the mean of the parameters over each block of `block` iterations;
* at the end of every block, the history of block means is cut into windows: the last
  quarter (B) and the quarter before it (A), each at least `min_window` blocks long;
* each parameter's change between the window means, |mean_B - mean_A|, is measured on its
  natural scale: a location mu_i in units of q's sd of coordinate i (or of the posterior's
  marginal sd, when the dense preconditioner estimates it: mean-field's sds are the short
  conditional ones, and in a narrow correlated valley the locations wander along it by many
  of those while being accurate to a small fraction of a posterior sd), a log-sd omega_i as it
  is (0.05 is a 5 % change of the sd), an entry of a Cholesky factor in units of its row's sd;
* the Monte Carlo error of each window mean is estimated from the spread of the means of
  four batches of its blocks;
* the fit has settled when (1) the largest change is below `tol`, (2) the largest Monte Carlo
  error is below tol / 2, and (3) the changes are what Monte Carlo noise alone would give:
  the mean over parameters of (change / its standard error)^2 is below 3 (about 1 for
  iterates that only fluctuate; a run whose step size is too small to show noise, but which
  still drifts slowly, fails this test however small its change per window).  Then the
  average of window B (the reported result: Polyak-Ruppert averaging) is known to within a
  small fraction of a sd.

The windows grow with the run, so a slow drift cannot hide inside a short window.
"""
from __future__ import annotations

import math

import numpy as np

from vilang.infer.core import MEANFIELD, fill, row_scales
from vilang.runtime.jit import kernel


@kernel
def window_size(nb, min_window):
    """Blocks in each of the two windows compared after `nb` blocks (0: too early)."""
    w = max(min_window, nb // 4)
    if 2 * w > nb:
        return 0
    return w


@kernel
def window_mean_var(blocks, lo, hi, mean, var):
    """mean[p] = mean of blocks[lo:hi, p]; var[p] = the squared standard error of that mean,
    from BATCHES batch means (batches grow with the window, so they outlast the iterates'
    autocorrelation)."""
    n = mean.shape[0]
    w = hi - lo
    nbatch = min(BATCHES, w)
    fill(mean, 0.0)
    for b in range(lo, hi):
        for p in range(n):
            mean[p] += blocks[b, p]
    for p in range(n):
        mean[p] /= w
    fill(var, 0.0)
    batch = np.zeros(n)
    for j in range(nbatch):
        b0 = lo + (j * w) // nbatch
        b1 = lo + ((j + 1) * w) // nbatch
        fill(batch, 0.0)
        for b in range(b0, b1):
            for p in range(n):
                batch[p] += blocks[b, p]
        for p in range(n):
            x = batch[p] / (b1 - b0) - mean[p]
            var[p] += x * x
    for p in range(n):
        var[p] /= max(nbatch - 1, 1) * nbatch


BATCHES = 4


@kernel
def window_test(blocks, nb, w, d, family, mean_out, mu_scale):
    """Compare windows A = blocks[nb-2w : nb-w] and B = blocks[nb-w : nb].

    A location's unit is the larger of q's sd and mu_scale (the posterior's marginal sd when
    the dense preconditioner estimates it, else 0).  Writes the mean of window B into
    `mean_out`; returns (largest change, largest Monte Carlo
    error), both in the scale-free units described in the module docstring, and the mean over
    parameters of (change / its standard error)^2, about 1 when the iterates only fluctuate
    and large while they still drift."""
    n = mean_out.shape[0]
    mean_a = np.empty(n)
    var_a = np.empty(n)
    var_b = np.empty(n)
    window_mean_var(blocks, nb - 2 * w, nb - w, mean_a, var_a)
    window_mean_var(blocks, nb - w, nb, mean_out, var_b)
    sd = np.empty(d)
    row_scales(mean_out, d, family, sd)
    drift = 0.0
    noise = 0.0
    chi2 = 0.0
    for p in range(n):
        if p < d:
            scale = max(sd[p], mu_scale[p])
        elif family == MEANFIELD:
            scale = 1.0
        else:
            scale = sd[row_of(p - d)]
        se = math.sqrt(max(var_a[p], var_b[p]))
        change = abs(mean_out[p] - mean_a[p])
        drift = max(drift, change / scale)
        noise = max(noise, se / scale)
        z = change / max(se * math.sqrt(2.0), 1e-300)
        chi2 += min(z * z, 1e6)
    return drift, noise, chi2 / n


@kernel
def row_of(q):
    """The row of entry q of a lower triangle packed by rows."""
    i = int((math.sqrt(8.0 * q + 1.0) - 1.0) / 2.0)
    while i * (i + 1) // 2 > q:
        i -= 1
    while (i + 1) * (i + 2) // 2 <= q:
        i += 1
    return i


@kernel
def converged(drift, noise, chi2, tol):
    """The test of the module docstring.  A run whose parameters do not move at all (every
    step rejected or vanishing) has noise 0: that is stuck, not settled."""
    return drift < tol and 0.0 < noise < 0.5 * tol and chi2 < STATIONARY_CHI2


STATIONARY_CHI2 = 3.0
