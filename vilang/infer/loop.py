"""The compiled ADVI loop and the compiled draws from q.

This file is a template: `advi.model_loop` writes a copy of it for each model, beside the
model's generated module in the cache, with the import between the `model-kernels` markers
replaced by an import of that model's kernels, so that numba compiles (once, then caches on
disk) a loop that calls the model's log density and gradient directly.  Here the import
names a stand-in Gaussian model (`_standin.py`), which keeps this file importable and
testable.

The state of a run is a handful of arrays (see `advi.State`); `run` advances it in place by
up to `n_steps` iterations and returns, so Python can draw a progress bar between chunks
without paying one call per step.  All randomness comes from `core`'s keyed streams: the
same seed gives the same run whatever the chunking or the number of threads.
"""
from __future__ import annotations

import math

import numpy as np

from vilang.infer.core import (TAG_DRAW, TAG_ELBO, TAG_GQ, TAG_ROWS, TAG_STEP,
                               add_draw_gradient, add_entropy_gradient, bad_coordinates,
                               copy_into, draw_point, entropy, fill, fill_normal, rate,
                               row_scales, sample_rows, sample_window, seed_int, state_ok,
                               step, step_scales, stream_key)
from vilang.infer import precond
from vilang.infer.stopping import converged, window_size, window_test
from numba import prange

from vilang.runtime.jit import kernel, parallel_kernel

# <model-kernels>
from vilang.infer._standin import log_density, log_density_grad, write_array
from vilang.infer._standin import log_density as fit_log_density
from vilang.infer._standin import log_density_grad as fit_log_density_grad
from vilang.infer.core import no_gather as gather_rows
PARALLEL_DRAWS = False
# </model-kernels>
# `fit_*`: the kernels the optimisation calls: the model's own, or in a minibatch fit the
# minibatch kernels (scaled sums over the B rows that `gather_rows` copies into the batch)

# integer state `ist`
K, NB, IN_BLOCK, STOP, CONSEC, SKIPPED, DROPPED, SITE, BAD_KIND, HESS_N, DENSE, BEST_NB, \
    RESTARTS = range(13)
N_IST = 13
# float state `fst`
ETA_SCALE, DRIFT, NOISE, CHI2, ELBO_SUM, BEST_ELBO, DIVERGED_ELBO, BEST_ETA_SCALE = range(8)
N_FST = 8
# a block whose mean ELBO is this much below the best block's (absolute, per parameter, and
# relative to the best) has diverged: see `diverged`
DIVERGE_ABS, DIVERGE_PER_PARAM, DIVERGE_REL = 1000.0, 100.0, 1.0
MAX_RESTARTS = 8
# integer configuration `cfg_i`
C_FAMILY, C_OPTIMIZER, C_GRAD_SAMPLES, C_MAX_ITER, C_BLOCK, C_MIN_WINDOW, C_MAX_CONSEC, \
    C_SEED, C_CHECK, C_DENSE, C_ROWS, C_WINDOWS = range(12)
N_CFG_I = 12
# control variate of a minibatch fit `cvf`: the full data's log density at the anchor, the
# iteration of the next refresh, whether it is in use
CV_LP, CV_NEXT, CV_ON = range(3)
# float configuration `cfg_f`
C_ETA, C_TOL = range(2)
N_CFG_F = 2


# stop codes
RUNNING, CONVERGED, MAX_ITER, FAILED_DRAWS, FAILED_STATE, FATAL = range(6)
# kinds of failure recorded in ist[BAD_KIND]
BAD_DOMAIN, BAD_LP, BAD_GRAD, BAD_STATE = 1, 2, 3, 4


@kernel
def finite_vector(x):
    for i in range(x.shape[0]):
        if not math.isfinite(x[i]):
            return False
    return True


@kernel
def has_nan(x):
    for i in range(x.shape[0]):
        if math.isnan(x[i]):
            return True
    return False


@kernel
def data_checked(err):
    """After an evaluation without failure, the data's own argument checks need not run again
    on the same data (err[1] = 1: see vilang/codegen/library.py `check_call`)."""
    if err[0] == 0:
        err[1] = 1


@kernel
def lp_or_minus_inf(lp, err):
    """A draw's log density for the diagnostic: -inf where it failed or is NaN (zero weight
    in the importance ratios)."""
    return lp if err[0] == 0 and not math.isnan(lp) else -np.inf


@kernel
def long_enough(k, eta, optimizer):
    """Are the stopping rule's windows (k / 4 iterations each) at least twice as long as the
    iterates' memory, about 1.4 / rate_k iterations?  Shorter windows cannot tell a slow
    drift from noise."""
    return k * rate(k, eta, optimizer) >= 11.2


@kernel
def diverged(elbo, best, d):
    """Is a block's mean ELBO so far below the best block's that q has run away rather than
    wandered by noise?  The drop must exceed DIVERGE_ABS + DIVERGE_PER_PARAM d (the noise of
    block means of a d-parameter ELBO is of order sqrt(d)) and DIVERGE_REL |best| (an ELBO
    twice as bad: runaways lose orders of magnitude within a few blocks)."""
    drop = best - elbo
    return not (drop <= max(DIVERGE_ABS + DIVERGE_PER_PARAM * d, DIVERGE_REL * abs(best)))


@kernel
def restart_from_best(lam, acc, ist, fst, blocks, cvf):
    """After a divergence: q goes back to the best block's mean, the optimiser forgets its
    gradient history (which the runaway filled with huge gradients), the stopping rule's
    history is cut back to the best block, and the step size is half what it was there
    (steps skipped in the runaway, each halving it, are forgotten with it).  A minibatch fit's
    control variate is re-anchored there (cvf[CV_NEXT] = now: Python refreshes it before the
    next chunk of iterations)."""
    best = ist[BEST_NB]
    copy_into(lam, blocks[best])
    fill(acc[0], 0.0)
    fill(acc[1], 0.0)
    ist[NB] = best + 1
    ist[RESTARTS] += 1
    fst[ETA_SCALE] = 0.5 * fst[BEST_ETA_SCALE]
    fst[BEST_ETA_SCALE] = fst[ETA_SCALE]
    if cvf[CV_ON] != 0.0:
        cvf[CV_NEXT] = ist[K]


@kernel
def run(lam, acc, ist, fst, bsum, blocks, belbo, bad, hess, hvec, cv, cvf, data, tdata,
        batch, tbatch, rows, cfg_i, cfg_f, n_steps):
    """Advance the state by up to `n_steps` iterations (fewer if the run stops).  A
    minibatch fit (`rows` not empty) draws len(rows) of the cfg_i[C_ROWS] rows of `data`
    afresh each iteration (a window of consecutive rows when cfg_i[C_WINDOWS] is set and
    `data` is a shuffled copy) and gathers them into `batch`/`tbatch`; a full-data fit
    passes the data as the batch.  With cvf[CV_ON] set, the minibatch gradient gets a
    control variate: the batch's gradient at the anchor cv[0] is subtracted and the full
    data's gradient there, cv[1], added (advi.refresh_anchor)."""
    d = bad.shape[1]
    family = cfg_i[C_FAMILY]
    m = cfg_i[C_GRAD_SAMPLES]
    block = cfg_i[C_BLOCK]
    n = lam.shape[0]
    eta = np.empty(d)
    zeta = np.empty(d)
    g = np.empty(d)
    gl = np.empty(n)
    new = np.empty(n)
    unit = np.empty(n)
    sd = np.empty(d)
    mu_scale = np.empty(d)
    acc_new = np.empty((2, n))
    dense = cfg_i[C_DENSE] != 0
    hd = d if dense else 0
    hsum = np.empty((hd, hd))
    gsum = np.empty(hd)
    gmu = np.empty(hd)
    err = np.zeros(2, np.int64)
    rng = np.zeros(1, np.uint64)
    rng_rows = np.zeros(1, np.uint64)
    g0 = np.empty(d)
    # grad_samples > 1: the first round of draws is evaluated together (`grad_draws`: on
    # several threads in a loop copy made with PARALLEL_DRAWS), the redraws one by one
    n_pre = m if m > 1 else 0
    etas = np.empty((n_pre, d))
    zetas = np.empty((n_pre, d))
    gs = np.empty((n_pre, d))
    lps = np.empty(n_pre)
    errs = np.zeros(n_pre, np.int64)
    on = n_steps >= 0          # a run-time True: a literal would compile the kernel again
    for _ in range(n_steps):
        if ist[STOP] != RUNNING:
            return
        if ist[K] >= cfg_i[C_MAX_ITER]:
            ist[STOP] = MAX_ITER
            return
        ist[K] += 1
        k = ist[K]
        rng[0] = stream_key(cfg_i[C_SEED], TAG_STEP, k)
        if rows.shape[0] > 0:
            rng_rows[0] = stream_key(cfg_i[C_SEED], TAG_ROWS, k)
            if cfg_i[C_WINDOWS] != 0:
                sample_window(rng_rows, cfg_i[C_ROWS], rows)
            else:
                sample_rows(rng_rows, cfg_i[C_ROWS], rows)
            gather_rows(data, tdata, rows, batch, tbatch)
            err[1] = 0         # new rows: their data checks are to be made again
        use_cv = False
        lp0 = 0.0
        if cvf[CV_ON] != 0.0:
            err[0] = 0
            lp0 = fit_log_density_grad(cv[0], batch, tbatch, on, on, g0, err)
            use_cv = err[0] == 0 and math.isfinite(lp0) and finite_vector(g0)
            data_checked(err)
        fill(gl, 0.0)
        lp_sum = 0.0
        good = 0
        dropped = 0
        row_scales(lam, d, family, sd)
        if dense:
            fill(gsum, 0.0)
            for i in range(hd):
                fill(hsum[i], 0.0)
        if n_pre > 0:
            for j in range(n_pre):
                fill_normal(rng, etas[j])
                draw_point(lam, d, family, sd, etas[j], zetas[j])
            grad_draws(zetas, batch, tbatch, on, gs, lps, errs)
        j = 0
        while good < m and dropped < 10 * m:
            if j < n_pre:
                # the same draws, in the same order, as the serial path would make
                copy_into(eta, etas[j])
                copy_into(zeta, zetas[j])
                copy_into(g, gs[j])
                lp = lps[j]
                err[0] = errs[j]
            else:
                fill_normal(rng, eta)
                draw_point(lam, d, family, sd, eta, zeta)
                err[0] = 0
                lp = fit_log_density_grad(zeta, batch, tbatch, on, on, g, err)
                data_checked(err)
            j += 1
            kind = 0
            if err[0] != 0:
                kind = BAD_DOMAIN
            elif not math.isfinite(lp):
                kind = BAD_LP
            elif not finite_vector(g):
                kind = BAD_GRAD
            if kind != 0:
                dropped += 1
                ist[BAD_KIND] = kind
                ist[SITE] = err[0]
                copy_into(bad[0], zeta)
                if err[0] < 0:
                    ist[STOP] = FATAL
                    return
                continue
            copy_into(bad[1], zeta)
            if use_cv:
                lp += cvf[CV_LP] - lp0
                for i in range(d):
                    g[i] += cv[1, i] - g0[i]
            good += 1
            lp_sum += lp
            add_draw_gradient(lam, d, family, sd, g, eta, gl)
            if dense:
                precond.add_sample(hsum, gsum, g, hvec[0], eta, sd)
        ist[DROPPED] += dropped
        ok = good == m
        if ok:
            for p in range(n):
                gl[p] /= m
            if dense:
                ist[HESS_N] += 1
                precond.update(hess[0], hvec[0], hsum, gsum, m, ist[HESS_N])
                for i in range(d):
                    gmu[i] = gl[i]
            add_entropy_gradient(lam, d, family, gl)
            step_scales(lam, d, family, cfg_i[C_OPTIMIZER], sd, unit)
            eta_k = cfg_f[C_ETA] * fst[ETA_SCALE]
            step(lam, gl, acc, k, eta_k, cfg_i[C_OPTIMIZER], unit, new, acc_new)
            if dense and ist[DENSE] == 2 and precond.consistent(hvec[1], sd):
                precond.newton_step(hess[1], hvec[1], gmu, lam,
                                    rate(k, eta_k, cfg_i[C_OPTIMIZER]), new)
            ok = state_ok(new, d, family)
            if not ok:
                ist[BAD_KIND] = BAD_STATE
                bad_coordinates(new, d, family, bad[0])
        if not ok:
            # skip the step and halve the step size; give up after too many in a row
            fst[ETA_SCALE] *= 0.5
            ist[SKIPPED] += 1
            ist[CONSEC] += 1
            if ist[CONSEC] >= cfg_i[C_MAX_CONSEC]:
                ist[STOP] = FAILED_DRAWS if ist[BAD_KIND] != BAD_STATE else FAILED_STATE
                return
        else:
            ist[CONSEC] = 0
            fst[ELBO_SUM] += lp_sum / m + entropy(lam, d, family)
            copy_into(lam, new)
            copy_into(acc[0], acc_new[0])
            copy_into(acc[1], acc_new[1])
        for p in range(n):
            bsum[p] += lam[p]
        ist[IN_BLOCK] += 1
        if ist[IN_BLOCK] == block:
            nb = ist[NB]
            elbo_block = fst[ELBO_SUM] / block
            if nb < blocks.shape[0]:
                for p in range(n):
                    blocks[nb, p] = bsum[p] / block
                belbo[nb] = elbo_block
                ist[NB] = nb + 1
            fill(bsum, 0.0)
            fst[ELBO_SUM] = 0.0
            ist[IN_BLOCK] = 0
            if cfg_i[C_CHECK] != 0 and nb < blocks.shape[0]:
                if ist[BEST_NB] < 0 or elbo_block > fst[BEST_ELBO]:
                    fst[BEST_ELBO] = elbo_block
                    fst[BEST_ETA_SCALE] = fst[ETA_SCALE]
                    ist[BEST_NB] = nb
                elif ist[RESTARTS] < MAX_RESTARTS and diverged(elbo_block, fst[BEST_ELBO], d):
                    fst[DIVERGED_ELBO] = elbo_block
                    restart_from_best(lam, acc, ist, fst, blocks, cvf)
                    return
            if dense and ist[HESS_N] >= precond.READY:
                # DENSE: 0 no usable estimate, 1 usable but not worth it, 2 Newton steps
                if precond.refactor(hess[0], hess[1], hvec[1]) and \
                        precond.consistent(hvec[1], sd):
                    ist[DENSE] = 2 if precond.worth_it(hvec[1], sd, ist[DENSE] == 2) else 1
                else:
                    # an estimate from far away (early, huge gradients) can be garbage:
                    # start it afresh from here on
                    ist[DENSE] = 0
                    ist[HESS_N] = 0
            w = window_size(ist[NB], cfg_i[C_MIN_WINDOW])
            # test every block early on, then every nb/16 blocks: its cost grows with the
            # history, and this keeps it a small constant per iteration
            if cfg_i[C_CHECK] != 0 and w > 0 and ist[NB] % max(1, ist[NB] // 16) == 0:
                fill(mu_scale, 0.0)
                if dense and ist[DENSE] == 2 and precond.consistent(hvec[1], sd):
                    copy_into(mu_scale, hvec[1])
                drift, noise, chi2 = window_test(blocks, ist[NB], w, d, family, new,
                                                 mu_scale)
                fst[DRIFT] = drift
                fst[NOISE] = noise
                fst[CHI2] = chi2
                if converged(drift, noise, chi2, cfg_f[C_TOL]) and long_enough(
                        k, cfg_f[C_ETA] * fst[ETA_SCALE], cfg_i[C_OPTIMIZER]):
                    ist[STOP] = CONVERGED
                    return


@parallel_kernel
def grad_draws_parallel(zetas, batch, tbatch, on, gs, lps, errs):
    """The log densities and gradients of several draws from q, one draw per thread
    (grad_samples > 1).  Each draw writes only its own row, so the result does not depend
    on the number of threads."""
    for j in prange(zetas.shape[0]):
        e = np.zeros(2, np.int64)
        lps[j] = fit_log_density_grad(zetas[j], batch, tbatch, on, on, gs[j], e)
        errs[j] = e[0]


@kernel
def grad_draws_serial(zetas, batch, tbatch, on, gs, lps, errs):
    """`grad_draws_parallel` on this thread: a loop copy without parallel code compiles
    faster (a parallel loop adds seconds to the first fit of every model)."""
    e = np.zeros(2, np.int64)
    for j in range(zetas.shape[0]):
        e[0] = 0
        lps[j] = fit_log_density_grad(zetas[j], batch, tbatch, on, on, gs[j], e)
        errs[j] = e[0]


# numba compiles only the one `run` calls
grad_draws = grad_draws_parallel if PARALLEL_DRAWS else grad_draws_serial


@kernel
def elbo(lam, d, family, n, seed, index, data, tdata):
    """(ELBO estimate from n draws, draws dropped, last failure site).  Non-finite draws are
    dropped and redrawn; after n drops the estimate is -inf.  Normalised: the log density
    keeps all its constants (propto=False) and its Jacobian.  In a minibatch fit, `data` is
    a fixed batch and the estimate is the minibatch kernels' (scaled) one."""
    eta = np.empty(d)
    zeta = np.empty(d)
    err = np.zeros(2, np.int64)
    rng = np.zeros(1, np.uint64)
    rng[0] = stream_key(seed, TAG_ELBO, index)
    sd = np.empty(d)
    row_scales(lam, d, family, sd)
    on = n >= 0                # run-time booleans: literals would compile the kernel again
    off = not on
    total = 0.0
    good = 0
    dropped = 0
    site = 0
    while good < n:
        fill_normal(rng, eta)
        draw_point(lam, d, family, sd, eta, zeta)
        err[0] = 0
        lp = fit_log_density(zeta, data, tdata, off, on, err)
        data_checked(err)
        if err[0] != 0 or not math.isfinite(lp):
            dropped += 1
            site = err[0]
            if dropped >= n or err[0] < 0:
                return -np.inf, dropped, site
            continue
        total += lp
        good += 1
    return total / n + entropy(lam, d, family), dropped, site


@kernel
def draws(lam, d, family, seed, start, stop, max_tries, data, tdata, out, zetas, log_p, log_g,
          status, with_lp):
    """Draws start..stop-1 from q into out (constrained parameters, transformed parameters,
    generated quantities), zetas (the unconstrained draws), log_p (log density, all
    constants, with Jacobian; left alone without `with_lp`: a minibatch fit adds it up chunk
    by chunk, `chunk_log_density`) and log_g (-||eta||^2 / 2).  A draw whose outputs cannot
    be computed is redrawn (up to max_tries times); status = (draws redrawn, last failure
    site, the draw that failed for good or -1)."""
    eta = np.empty(d)
    zeta = np.empty(d)
    err = np.zeros(2, np.int64)
    rng = np.zeros(1, np.uint64)
    status[2] = -1
    sd = np.empty(d)
    row_scales(lam, d, family, sd)
    on = stop >= start         # run-time booleans: literals would compile the kernels again
    off = not on
    for j in range(start, stop):
        done = False
        for attempt in range(max_tries):
            rng[0] = stream_key(seed, TAG_DRAW, j * max_tries + attempt)
            fill_normal(rng, eta)
            draw_point(lam, d, family, sd, eta, zeta)
            err[0] = 0
            write_array(zeta, data, tdata, on, on,
                        seed_int(seed, TAG_GQ, j * max_tries + attempt), out[j], err)
            if err[0] != 0 or has_nan(out[j]):
                status[0] += 1
                status[1] = err[0]
                continue
            copy_into(zetas[j], zeta)
            if with_lp:
                err[0] = 0
                lp = log_density(zeta, data, tdata, off, on, err)
                data_checked(err)
                log_p[j] = lp_or_minus_inf(lp, err)
            s = 0.0
            for i in range(d):
                s += eta[i] * eta[i]
            log_g[j] = -0.5 * s
            done = True
            break
        if not done:
            status[2] = j
            return


@kernel
def chunk_log_density(zetas, start, stop, batch, tbatch, out):
    """out[j] += the minibatch log density of draw j (start <= j < stop) over the rows in
    `batch`, whose scale is 1 (or 0: the terms that are not sums over rows alone).  Summed
    over consecutive chunks of the data, this is the full data's log density, with each row
    read once for all the draws while it is in cache (`api.chunked_log_density`)."""
    err = np.zeros(2, np.int64)
    on = stop >= start
    off = not on
    for j in range(start, stop):
        err[0] = 0
        lp = fit_log_density(zetas[j], batch, tbatch, off, on, err)
        data_checked(err)
        out[j] += lp_or_minus_inf(lp, err)
