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
TAG_INIT, TAG_STEP, TAG_ELBO, TAG_DRAW, TAG_GQ, TAG_ROWS, TAG_SHUFFLE = 1, 2, 3, 4, 5, 6, 7

# family and optimiser codes
MEANFIELD, FULLRANK = 0, 1
ADAGRAD, ADAM, STAN = 0, 1, 2


@kernel
def fill(x, value):
    """x[...] = value for a 1-D array (explicit loops: numba's slice assignment costs seconds
    of compile time per use)."""
    for i in range(x.shape[0]):
        x[i] = value


@kernel
def copy_into(dst, src):
    """dst[...] = src for 1-D arrays of the same length."""
    for i in range(dst.shape[0]):
        dst[i] = src[i]


@kernel
def no_gather(data, tdata, rows, batch, tbatch):
    """Full-data fits: there are no rows to gather (the minibatch kernels' `gather_rows`
    takes its place in a minibatch fit)."""


@kernel
def sample_rows(state, n_rows, out):
    """Rows 0..n_rows-1 drawn uniformly with replacement into `out`: each row is in the
    sample n_rows / len(out) times less often than in the data, which the scale N / B of
    the minibatch kernels undoes exactly (unbiased sums)."""
    for j in range(out.shape[0]):
        r = int(uniform(state) * n_rows)
        out[j] = r if r < n_rows else n_rows - 1


@kernel
def sample_window(state, n_rows, out):
    """len(out) consecutive rows from a uniform start, wrapping past the last row.  Each row
    lies in exactly len(out) of the n_rows windows, so it is in the sample with probability
    len(out) / n_rows, as with `sample_rows`, and the N / B-scaled sums stay unbiased.  Used
    on a shuffled copy of the data (`Batches.shuffle`), where a window is a random sample of
    rows that is read in order rather than row by row from random places."""
    s = int(uniform(state) * n_rows)
    if s >= n_rows:
        s = n_rows - 1
    for j in range(out.shape[0]):
        r = s + j
        out[j] = r if r < n_rows else r - n_rows


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


def _ziggurat_tables(layers=128, r=3.442619855899, v=9.91256303526217e-3):
    """Doornik's (2005) ziggurat for the normal: layer edges x and the ratios x[i+1]/x[i]."""
    x = np.zeros(layers + 1)
    f = math.exp(-0.5 * r * r)
    x[0] = v / f
    x[1] = r
    for i in range(2, layers):
        x[i] = math.sqrt(-2.0 * math.log(v / x[i - 1] + f))
        f = math.exp(-0.5 * x[i] * x[i])
    return x, x[1:] / x[:-1]


ZIG_X, ZIG_R = _ziggurat_tables()
ZIG_TAIL = 3.442619855899
ZIG_MASK = np.uint64(127)
S7 = np.uint64(7)
S10 = np.uint64(10)
TWO_M54 = TWO_M53 * 0.5


@kernel
def normal(state):
    """A standard normal draw: Doornik's ziggurat (Doornik 2005, "An improved ziggurat method
    to generate normal random samples"), one 64-bit number per draw in 99 % of cases."""
    while True:
        z = next_u64(state)
        i = np.int64(z & ZIG_MASK)
        u = 2.0 * ((np.float64(z >> S10) + 0.5) * TWO_M54) - 1.0     # uniform on (-1, 1)
        if abs(u) < ZIG_R[i]:
            return u * ZIG_X[i]
        if i == 0:          # the base layer's tail beyond ZIG_TAIL
            while True:
                x = math.log(uniform(state)) / ZIG_TAIL
                y = math.log(uniform(state))
                if -2.0 * y >= x * x:
                    return x - ZIG_TAIL if u < 0.0 else ZIG_TAIL - x
        x = u * ZIG_X[i]
        f0 = math.exp(-0.5 * (ZIG_X[i] * ZIG_X[i] - x * x))
        f1 = math.exp(-0.5 * (ZIG_X[i + 1] * ZIG_X[i + 1] - x * x))
        if f1 + uniform(state) * (f0 - f1) < 1.0:
            return x


@kernel
def fill_normal(state, out):
    """Standard normal draws into `out`."""
    for i in range(out.shape[0]):
        out[i] = normal(state)


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
def draw_point(lam, d, family, sd, eta, zeta):
    """zeta = mu + sd * eta (mean-field; sd from `row_scales`) or mu + L eta (full-rank)."""
    if family == MEANFIELD:
        for i in range(d):
            zeta[i] = lam[i] + sd[i] * eta[i]
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
def add_draw_gradient(lam, d, family, sd, g, eta, out):
    """out += the reparameterised gradient of log p for one draw (g = grad log p at zeta)."""
    for i in range(d):
        out[i] += g[i]
    if family == MEANFIELD:
        for i in range(d):
            out[d + i] += g[i] * eta[i] * sd[i]
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
def step_scales(lam, d, family, optimizer, sd, out):
    """The unit each parameter's step is measured in.  For STAN every unit is 1.  Otherwise
    a location mu_i and the entries of row i of a Cholesky factor move in units of q's sd of
    coordinate i, a log-sd omega_i in its own (already scale-free) unit: this is the
    Gaussian's natural-gradient scaling, so how fast a parameter settles does not depend on
    how wide its posterior is."""
    if optimizer == STAN:
        fill(out, 1.0)
        return
    if family == MEANFIELD:
        for i in range(d):
            out[i] = sd[i]
            out[d + i] = 1.0
    else:
        pos = d
        for i in range(d):
            out[i] = sd[i]
            for j in range(i + 1):
                out[pos + j] = sd[i]
            pos += i + 1


CLIP = 6.0
DECAY = 100.0


@kernel
def rate(k, eta, optimizer):
    """The step-size factor of iteration k (1-based): eta k^(-1/2) for STAN,
    eta (1 + (k - 1) / 100)^(-1/2) for ADAGRAD (Stan's decay, started after a hundred
    iterations, so a small eta still gets somewhere), eta for ADAM."""
    if optimizer == STAN:
        return eta / math.sqrt(k)
    if optimizer == ADAGRAD:
        return eta / math.sqrt(1.0 + (k - 1) / DECAY)
    return eta


@kernel
def step(lam, g, acc, k, eta, optimizer, unit, out, acc_out):
    """out = lam + the step of iteration k (1-based) for the gradient g, and acc_out the
    optimiser's accumulators after it (acc is left as it was, so a step can be rejected).

    STAN (Stan's sequence): s_k = g^2 (k = 1), 0.1 g^2 + 0.9 s_(k-1);
    rho_k = eta k^(-1/2) / (1 + sqrt(s_k)); step rho_k g.
    ADAGRAD: the step is unit * rate_k g / sqrt(s_(k-1)), clipped to +-6 units * rate_k,
    with rate_k = eta (1 + (k - 1) / 100)^(-1/2), and s_k = 0.1 gc^2 + 0.9 s_(k-1) with gc
    the clipped gradient (so s grows at most 4.5-fold per step).  Stan's tau = 1 is dropped: with it, parameters whose gradients
    are small (those with wide posteriors) crawl.  And the step is normalised by the
    accumulator *before* this gradient: normalising by one that includes g^2 shrinks large
    gradients more than small ones, which moves the fixed point (a mean-field sd comes out
    about 7 % too wide on a standard normal).
    ADAM: the usual bias-corrected moments, beta = (0.9, 0.999), eps = 1e-8, step
    unit * eta m / (sqrt(v) + eps)."""
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
    scale = rate(k, eta, optimizer)
    for p in range(n):
        gp = g[p]
        if optimizer == STAN:
            s = gp * gp if k == 1 else 0.1 * gp * gp + 0.9 * acc[0, p]
            acc_out[0, p] = s
            out[p] = lam[p] + scale * gp / (1.0 + math.sqrt(s))
            continue
        if k == 1 or acc[0, p] == 0.0:     # the first step, or a restart (forgotten history)
            s = gp * gp
            r = 0.0 if gp == 0.0 else math.copysign(1.0, gp)
        else:
            r = gp / math.sqrt(acc[0, p])
            if not abs(r) <= CLIP:          # also when 0/0 (a parameter the model ignores)
                r = 0.0 if gp == 0.0 else math.copysign(CLIP, gp)
            # the accumulator takes the clipped gradient: one wild gradient (a draw far in
            # a tail) cannot inflate it and freeze the parameter for thousands of steps
            gc = r * math.sqrt(acc[0, p]) if acc[0, p] > 0.0 else gp
            s = 0.1 * gc * gc + 0.9 * acc[0, p]
        acc_out[0, p] = s
        out[p] = lam[p] + unit[p] * scale * r


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
