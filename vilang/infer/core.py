"""Model-independent numba helpers of ADVI: the random streams, the variational families and
the step-size sequences.  The per-model loop (`loop.py`) calls these; nothing here calls a
model.

Random numbers come from counter-based streams (SplitMix64 seeded by a hash of the run's
seed, a purpose tag and an index), never from numba's global generator: a stream's numbers
depend on nothing but its key, so a fit is bit-identical whatever the number of threads or
how the loop is split into compiled chunks.
"""
from __future__ import annotations

import math

import numpy as np

from vilang.runtime.jit import kernel

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
S30, S27, S31, S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
TWO_M53 = 1.0 / 9007199254740992.0
LOG_2PI = math.log(2.0 * math.pi)

# purpose tags of the random streams (one per use, so no two uses share numbers)
TAG_INIT, TAG_STEP, TAG_ELBO, TAG_DRAW, TAG_GQ = 1, 2, 3, 4, 5

# family and optimiser codes
MEANFIELD, FULLRANK = 0, 1
ADAGRAD, ADAM, STAN = 0, 1, 2


@kernel
def mix64(z):
    """SplitMix64's finaliser: a bijective hash of a uint64."""
    z = (z ^ (z >> S30)) * MIX1
    z = (z ^ (z >> S27)) * MIX2
    return z ^ (z >> S31)


@kernel
def stream_key(seed, tag, index):
    """The starting state of the stream (seed, tag, index)."""
    z = mix64(np.uint64(seed) + GOLDEN)
    z = mix64(z ^ (np.uint64(tag) * GOLDEN))
    return mix64(z + np.uint64(index) * MIX1)


@kernel
def next_u64(state):
    state[0] += GOLDEN
    return mix64(state[0])


@kernel
def uniform(state):
    """A uniform draw on (0, 1) (never 0, never 1)."""
    return (np.float64(next_u64(state) >> S11) + 0.5) * TWO_M53


@kernel
def fill_normal(state, out):
    """Standard normal draws into `out` (Box-Muller in pairs)."""
    n = out.shape[0]
    i = 0
    while i < n:
        r = math.sqrt(-2.0 * math.log(uniform(state)))
        a = 2.0 * math.pi * uniform(state)
        out[i] = r * math.cos(a)
        if i + 1 < n:
            out[i + 1] = r * math.sin(a)
        i += 2


@kernel
def seed_int(seed, tag, index):
    """A seed in [0, 2**31) for a model's `_rng` functions (numba's np.random.seed)."""
    return np.int64(stream_key(seed, tag, index) >> np.uint64(33))


# ---------------------------------------------------------------------------- families
# The variational parameters are one vector `lam`: [mu (D), omega (D)] for mean-field
# (sd = exp(omega)); [mu (D), L packed by rows, lower triangle (D(D+1)/2)] for full-rank.

@kernel
def n_params(d, family):
    return 2 * d if family == MEANFIELD else d + d * (d + 1) // 2


@kernel
def draw_point(lam, d, family, eta, zeta):
    """zeta = mu + sd * eta (mean-field) or mu + L eta (full-rank)."""
    if family == MEANFIELD:
        for i in range(d):
            zeta[i] = lam[i] + math.exp(lam[d + i]) * eta[i]
    else:
        pos = d
        for i in range(d):
            s = lam[i]
            for j in range(i + 1):
                s += lam[pos] * eta[j]
                pos += 1
            zeta[i] = s


@kernel
def entropy(lam, d, family):
    """The entropy of q, with its constant."""
    h = 0.5 * d * (1.0 + LOG_2PI)
    if family == MEANFIELD:
        for i in range(d):
            h += lam[d + i]
    else:
        pos = d
        for i in range(d):
            pos += i
            h += math.log(abs(lam[pos]))
            pos += 1
    return h


@kernel
def add_draw_gradient(lam, d, family, g, eta, out):
    """out += the reparameterised gradient of log p for one draw (g = grad log p at zeta)."""
    for i in range(d):
        out[i] += g[i]
    if family == MEANFIELD:
        for i in range(d):
            out[d + i] += g[i] * eta[i] * math.exp(lam[d + i])
    else:
        pos = d
        for i in range(d):
            gi = g[i]
            for j in range(i + 1):
                out[pos] += gi * eta[j]
                pos += 1


@kernel
def add_entropy_gradient(lam, d, family, out):
    """out += the exact gradient of the entropy."""
    if family == MEANFIELD:
        for i in range(d):
            out[d + i] += 1.0
    else:
        pos = d
        for i in range(d):
            pos += i
            out[pos] += 1.0 / lam[pos]
            pos += 1


@kernel
def state_ok(lam, d, family):
    """Is every variational parameter finite, with every sd finite and positive?"""
    for p in range(lam.shape[0]):
        if not math.isfinite(lam[p]):
            return False
    if family == MEANFIELD:
        for i in range(d):
            if abs(lam[d + i]) > 300.0:
                return False
    else:
        pos = d
        for i in range(d):
            pos += i
            if lam[pos] == 0.0 or abs(lam[pos]) > 1e100:
                return False
            pos += 1
    return True


@kernel
def row_scales(lam, d, family, out):
    """The sd of each coordinate of q (out[i] = sd_i)."""
    if family == MEANFIELD:
        for i in range(d):
            out[i] = math.exp(lam[d + i])
    else:
        pos = d
        for i in range(d):
            s = 0.0
            for j in range(i + 1):
                s += lam[pos] * lam[pos]
                pos += 1
            out[i] = math.sqrt(s)


# ---------------------------------------------------------------------------- step sizes
# optimizer codes: STAN is Stan's sequence exactly; ADAGRAD (the default) is the same
# sequence with every step measured in units of q's own sd; ADAM is Adam, scaled the same way.

@kernel
def step_scales(lam, d, family, optimizer, out):
    """The unit each parameter's step is measured in.  For STAN every unit is 1.  Otherwise
    a location mu_i and the entries of row i of a Cholesky factor move in units of q's sd of
    coordinate i, a log-sd omega_i in its own (already scale-free) unit: this is the
    Gaussian's natural-gradient scaling, so how fast a parameter settles does not depend on
    how wide its posterior is."""
    if optimizer == STAN:
        out[:] = 1.0
        return
    if family == MEANFIELD:
        for i in range(d):
            out[i] = math.exp(lam[d + i])
            out[d + i] = 1.0
    else:
        pos = d
        for i in range(d):
            s = 0.0
            for j in range(i + 1):
                s += lam[pos + j] * lam[pos + j]
            r = math.sqrt(s)
            out[i] = r
            for j in range(i + 1):
                out[pos + j] = r
            pos += i + 1


@kernel
def step(lam, g, acc, k, eta, optimizer, unit, out, acc_out):
    """out = lam + the step of iteration k (1-based) for the gradient g, and acc_out the
    optimiser's accumulators after it (acc is left as it was, so a step can be rejected).

    STAN (Stan's sequence): s_k = g^2 (k = 1), 0.1 g^2 + 0.9 s_(k-1);
    rho_k = eta k^(-1/2) / (1 + sqrt(s_k)); step rho_k g.  ADAGRAD: the same s_k, step
    unit * eta k^(-1/2) g / sqrt(s_k) (Stan's tau = 1 is dropped: with it, parameters whose
    gradients are small, those with wide posteriors, crawl).  ADAM: the usual bias-corrected
    moments, beta = (0.9, 0.999), eps = 1e-8, step unit * eta m / (sqrt(v) + eps)."""
    n = lam.shape[0]
    if optimizer == ADAM:
        c1 = 1.0 - 0.9 ** k
        c2 = 1.0 - 0.999 ** k
        for p in range(n):
            gp = g[p]
            m = 0.9 * acc[0, p] + 0.1 * gp
            v = 0.999 * acc[1, p] + 0.001 * gp * gp
            acc_out[0, p] = m
            acc_out[1, p] = v
            out[p] = lam[p] + unit[p] * eta * (m / c1) / (math.sqrt(v / c2) + 1e-8)
        return
    scale = eta / math.sqrt(k)
    tau = 1.0 if optimizer == STAN else 1e-300
    for p in range(n):
        gp = g[p]
        s = gp * gp if k == 1 else 0.1 * gp * gp + 0.9 * acc[0, p]
        acc_out[0, p] = s
        out[p] = lam[p] + unit[p] * scale * gp / (tau + math.sqrt(s))


@kernel
def fill_uniform(state, out, lo, hi):
    for i in range(out.shape[0]):
        out[i] = lo + (hi - lo) * uniform(state)


@kernel
def bad_coordinates(lam, d, family, out):
    """out[i] = 1 where coordinate i of q has a non-finite location or an sd that is
    non-finite, zero or beyond exp(300); 0 elsewhere."""
    for i in range(d):
        out[i] = 0.0 if math.isfinite(lam[i]) else 1.0
    if family == MEANFIELD:
        for i in range(d):
            if not (abs(lam[d + i]) <= 300.0):
                out[i] = 1.0
    else:
        pos = d
        for i in range(d):
            for j in range(i + 1):
                if not (abs(lam[pos]) <= 1e100) or (j == i and lam[pos] == 0.0):
                    out[i] = 1.0
                pos += 1
