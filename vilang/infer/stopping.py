"""When to stop: a windowed test on averaged iterates that does not depend on the ELBO's scale.

Stan stops when the ELBO's relative change |dELBO / ELBO| falls under 0.01.  |ELBO| grows with
the number of observations, so on big data 1 % of it is hundreds of nats and the test fires
while the means are still several posterior sds away.  vilang looks at the variational
parameters themselves, on their own scale:

* the loop records the mean of the parameters over each block of `block` iterations;
* at the end of every block, the history of block means is cut into windows: the last
  quarter (B) and the quarter before it (A), each at least `min_window` blocks long;
* each parameter's change between the window means, |mean_B - mean_A|, is measured on its
  natural scale: a location mu_i in units of q's sd of coordinate i, a log-sd omega_i as it
  is (0.05 is a 5 % change of the sd), an entry of a Cholesky factor in units of its row's sd;
* the Monte Carlo error of each window mean is estimated from the spread of its block means;
* the fit has settled when the largest change is below `tol` and the largest Monte Carlo
  error below tol / 2: the parameters no longer drift, and the average of window B (the
  reported result: Polyak-Ruppert averaging) is known to within a small fraction of a sd.

The windows grow with the run, so a slow drift cannot hide inside a short window.
"""
from __future__ import annotations

import math

import numpy as np

from vilang.infer.core import MEANFIELD, row_scales
from vilang.runtime.jit import kernel


@kernel
def window_size(nb, min_window):
    """Blocks in each of the two windows compared after `nb` blocks (0: too early)."""
    w = max(min_window, nb // 4)
    if 2 * w > nb:
        return 0
    return w


@kernel
def window_test(blocks, nb, w, d, family, mean_out):
    """Compare windows A = blocks[nb-2w : nb-w] and B = blocks[nb-w : nb].

    Writes the mean of window B into `mean_out`; returns (largest change, largest Monte Carlo
    error), both in the scale-free units described in the module docstring."""
    n = mean_out.shape[0]
    mean_a = np.zeros(n)
    var_a = np.zeros(n)
    var_b = np.zeros(n)
    mean_out[:] = 0.0
    for b in range(nb - 2 * w, nb - w):
        for p in range(n):
            mean_a[p] += blocks[b, p]
    for b in range(nb - w, nb):
        for p in range(n):
            mean_out[p] += blocks[b, p]
    for p in range(n):
        mean_a[p] /= w
        mean_out[p] /= w
    for b in range(nb - 2 * w, nb - w):
        for p in range(n):
            x = blocks[b, p] - mean_a[p]
            var_a[p] += x * x
    for b in range(nb - w, nb):
        for p in range(n):
            x = blocks[b, p] - mean_out[p]
            var_b[p] += x * x
    denom = max(w - 1, 1) * w
    sd = np.empty(d)
    row_scales(mean_out, d, family, sd)
    drift = 0.0
    noise = 0.0
    for p in range(n):
        if p < d:
            scale = sd[p]
        elif family == MEANFIELD:
            scale = 1.0
        else:
            scale = sd[row_of(p - d)]
        se = math.sqrt(max(var_a[p], var_b[p]) / denom)
        drift = max(drift, abs(mean_out[p] - mean_a[p]) / scale)
        noise = max(noise, se / scale)
    return drift, noise


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
def converged(drift, noise, tol):
    return drift < tol and noise < 0.5 * tol
