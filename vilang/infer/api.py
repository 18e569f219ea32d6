"""`fit`: ADVI from start to finish for a bound model, returning a `Fit`.

    >>> import vilang
    >>> model = vilang.compile("examples/eight_schools/eight_schools.vi")      # doctest: +SKIP
    >>> fit = model.fit("examples/eight_schools/data.json", seed=1)           # doctest: +SKIP
    >>> fit.mean("mu"), fit.sd("tau"), fit.stop_reason, fit.pareto_k          # doctest: +SKIP

See docs/advi.md for the algorithm, the stopping rule and the diagnostic.
"""
from __future__ import annotations

import contextlib
import math
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from vilang.infer import core, loop as L
from vilang.infer.advi import ADVI, FitError, Settings, State, initial_point
from vilang.infer.results import Fit, Variable
from vilang.runtime.jit import set_threads, using_threads

MAX_DRAW_TRIES = 20
DEFAULTS = {"iter": 10_000, "tol": 0.1}
# minibatch iterations are cheap: a tighter tolerance, and room to reach it (docs/minibatch.md)
MINIBATCH_DEFAULTS = {"iter": 50_000, "tol": 0.05}


def fit(bm, algorithm: str = "meanfield", seed: int = 1, iter: int | None = None,  # noqa: A002
        draws: int = 1000, init=None, threads: int | None = None, optimizer: str = "adagrad",
        grad_samples: int = 1, elbo_samples: int = 100, eta: float | None = None,
        adapt_iter: int = 50, tol: float | None = None, progress: bool | None = False,
        log=None, minibatch: dict | None = None) -> Fit:
    """Fit `bm` (a `vilang.model.BoundModel`) by ADVI and draw from the result.

    algorithm: "meanfield" (default) or "fullrank".  seed: the fit is a function of the seed
    alone (bit-identical for any `threads`).  iter: the most iterations after the step-size
    search (default 10,000; 50,000 for a minibatch fit).  draws: draws from q to return.
    init: initial values (dict or JSON path of constrained values; missing parameters start
    uniform(-2, 2) on the unconstrained
    scale).  threads: threads for the kernels (large data) and the draws (None: every
    core numba sees; the results do not depend on it).  optimizer:
    "adagrad" (Stan's sequence in q's own units, the default), "stan" (Stan's sequence
    exactly) or "adam".  grad_samples, elbo_samples, eta, adapt_iter: as in Stan (eta None:
    Stan's search).  tol: the stopping rule's tolerance (docs/advi.md; default 0.1, 0.05
    for a minibatch fit).  progress: a
    progress line on stderr (None: when stderr is a terminal).  log: a function taking
    lines of progress notes.  minibatch: {"N": B} to fit on B rows of the data size N per
    iteration, drawn afresh each time (for data in memory: a window of a shuffled copy), with
    the terms that sum over rows scaled by N / B
    (docs/minibatch.md); the draws, generated quantities and diagnostic use all the data.

    Raises `FitError` when the fit fails (the message names the parameters and model line
    involved and what to try); a fit that hits `iter` without converging returns normally
    with `fit.converged` False and says so in `fit.stop_reason`.

    Reference: Kucukelbir et al. (2017), "Automatic Differentiation Variational Inference",
    JMLR 18(14); Yao et al. (2018), "Yes, but did it work?", ICML.
    """
    if int(draws) < 0:
        raise ValueError("draws must not be negative")
    if threads is not None and int(threads) < 1:
        raise ValueError("threads must be at least 1")
    defaults = MINIBATCH_DEFAULTS if minibatch else DEFAULTS
    iter = defaults["iter"] if iter is None else iter  # noqa: A001
    tol = defaults["tol"] if tol is None else tol
    with using_threads(threads) as k:
        return _fit(bm, algorithm, seed, iter, draws, init, k, optimizer, grad_samples,
                    elbo_samples, eta, adapt_iter, tol, progress, log, minibatch)


def _fit(bm, algorithm, seed, iter, draws, init, threads, optimizer,  # noqa: A002
         grad_samples, elbo_samples, eta, adapt_iter, tol, progress, log, minibatch) -> Fit:
    """`fit` on `threads` threads (already set for the kernels of this thread)."""
    settings = Settings(algorithm=algorithm, optimizer=optimizer, grad_samples=int(grad_samples),
                        elbo_samples=int(elbo_samples), eta=eta, adapt_iter=int(adapt_iter),
                        max_iter=int(iter), tol=float(tol))
    seed = int(seed)
    timing = {}
    t0 = time.perf_counter()
    advi = ADVI(bm, settings, seed, batches=_batches(bm, minibatch))
    compile_loop(advi)
    timing["compile"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    if advi.batches is not None:
        advi.batches.shuffle(seed)        # windows of a shuffled copy, where one can be made
    theta0 = initial_point(bm, seed, init)
    state = advi.init(theta0)
    bar = ProgressLine(settings.adapt_iter + settings.max_iter) if (
        progress or (progress is None and sys.stderr.isatty())) else None
    if settings.eta is None:
        state = advi.adapt(state, log=log)
    offset = bm.log_density(theta0, propto=False) - bm.log_density(theta0, propto=True)
    if bar is not None:
        bar.offset = offset
    state = advi.run(state, progress=bar)
    if bar is not None:
        bar.close()
    if state.stop_code not in (L.CONVERGED, L.MAX_ITER):
        raise FitError(advi.failure_message(state))
    lam = advi.estimate(state)
    timing["fit"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    out, log_p, log_g = draw(advi, lam, int(draws), int(threads))
    mean_row = mean_outputs(bm, advi, lam, out)
    timing["draws"] = time.perf_counter() - t0

    d = advi.d
    variational = {"unc_names": list(bm.param_unc_names()), "mean": lam[:d].copy()}
    sd = np.empty(d)
    core.row_scales(lam, d, advi.family, sd)
    variational["sd"] = sd
    if advi.family == core.FULLRANK:
        factor = np.zeros((d, d))
        factor[np.tril_indices(d)] = lam[d:]
        variational["factor"] = factor
    entropy = core.entropy(lam, d, advi.family)
    finite = np.isfinite(log_p)
    elbo = float(np.mean(log_p[finite]) + entropy) if finite.any() else -math.inf
    return Fit(
        model_name=bm.model.name, algorithm=algorithm, variables=_variables(bm),
        names=bm.param_names(True, True), draws_matrix=out, mean_row=mean_row, log_p=log_p,
        log_g=log_g, variational=variational, elbo=elbo,
        elbo_trace=advi.elbo_trace(state, offset), stop_reason=stop_reason(advi, state),
        converged=state.stop_code == L.CONVERGED, iterations=state.iteration, eta=state.eta,
        seed=seed, timing=timing,
        settings={"algorithm": algorithm, "optimizer": optimizer, "grad_samples": grad_samples,
                  "elbo_samples": elbo_samples, "eta_given": eta is not None,
                  "adapt_iter": adapt_iter, "max_iter": iter, "tol": tol,
                  "block": advi.block, "draws": draws,
                  "minibatch": dict(minibatch) if minibatch else None},
        notes=_notes(state))


def _batches(bm, minibatch):
    """The `Batches` of a minibatch fit ({"N": B}), or None."""
    if not minibatch:
        return None
    from vilang.infer.batches import Batches
    if len(minibatch) != 1:
        raise ValueError("minibatch: give one data size and a batch size, like {'N': 1000}")
    (dim, size), = minibatch.items()
    return Batches(bm, str(dim), int(size))


def compile_loop(advi: ADVI) -> None:
    """Compile (or load from the cache) the model's loop, ELBO and draw kernels, so their
    cost is counted apart from the fit's."""
    kb = advi.bm.kernels
    s = advi.init(np.zeros(advi.d))
    cfg_i, cfg_f = advi._config(s, 0, False)
    advi.loop.run(s.lam, s.acc, s.ist, s.fst, s.bsum, s.blocks, s.belbo, s.bad, s.hess,
                  s.hvec, s.cv, s.cvf, *advi.fit_data(), cfg_i, cfg_f, 0)
    advi.loop.elbo(s.lam, advi.d, advi.family, 0, 0, 0, *advi.elbo_data())
    n_out = advi.bm.param_num(True, True)
    advi.loop.draws(s.lam, advi.d, advi.family, 0, 0, 0, 1, kb.data, kb.tdata,
                    np.zeros((0, n_out)), np.zeros((0, advi.d)), np.zeros(0), np.zeros(0),
                    np.zeros(3, np.int64), True)
    if advi.batches is not None:
        b = advi.batches
        advi.loop.chunk_log_density(np.zeros((0, advi.d)), 0, 0, b.data, b.tdata, np.zeros(0))


def draw(advi: ADVI, lam: np.ndarray, n: int, threads: int):
    """n draws from q: (outputs, log_p, log_g).  Each draw has its own random stream, so the
    result does not depend on `threads`."""
    bm, kb = advi.bm, advi.bm.kernels
    out = np.zeros((n, bm.param_num(True, True)))
    zetas = np.zeros((n, advi.d))
    log_p = np.zeros(n)
    log_g = np.zeros(n)
    status = np.zeros((threads, 3), np.int64)
    chunked = advi.batches is not None

    def work(lo, hi, t):
        advi.loop.draws(lam, advi.d, advi.family, advi.seed, lo, hi, MAX_DRAW_TRIES, kb.data,
                        kb.tdata, out, zetas, log_p, log_g, status[t], not chunked)

    with _pool(threads, n) as pool:
        _over_threads(pool, threads, n, work)
    failed = [s for s in status if s[2] >= 0]
    if failed:
        site = int(failed[0][1])
        why = f": {bm.site_message(site)}" if site else " (an output was NaN)"
        raise FitError(f"ADVI fitted, but its draws failed: draw {int(failed[0][2]) + 1} "
                       f"could not be computed in {MAX_DRAW_TRIES} tries{why}.\nWhat to try: "
                       "check the transformed parameters and generated quantities for values "
                       "that fail away from the posterior's centre, or fit with "
                       "--algorithm fullrank.")
    if chunked:
        log_p = chunked_log_density(advi, zetas, threads)
    return out, log_p, log_g


CHUNK_ROWS = 4096      # rows per chunk of `chunked_log_density`: a few hundred KiB, in cache


def chunked_log_density(advi: ADVI, zetas: np.ndarray, threads: int) -> np.ndarray:
    """The full data's log density (all constants, with Jacobian) at each draw (a row of
    `zetas`), for a minibatch fit's diagnostic.

    Evaluating the model over all rows once per draw reads the whole data set per draw
    (1000 passes over a file-backed matrix).  Instead the rows are taken in consecutive
    chunks, each copied once into minibatch buffers (`Batches`) and evaluated for every draw
    while in cache, by the minibatch kernels with the scale set to 1: a chunk's value is then
    U, the terms that are not sums over rows (priors, Jacobian), plus the sums over its rows.
    Added over the C chunks, U is counted C times, so U (the value at scale 0) is taken off
    C - 1 times."""
    from vilang.infer.batches import Batches
    b = advi.batches
    n_rows, n = b.n_rows, zetas.shape[0]
    size = min(n_rows, CHUNK_ROWS)
    starts = range(0, n_rows, size)
    full = Batches(b.bm, b.dim, size)
    last = Batches(b.bm, b.dim, n_rows - starts[-1]) if n_rows % size else full
    log_p = np.zeros(n)
    unscaled = np.zeros(n)

    def evaluate(batch, scale, into, pool):
        data = batch.with_scale(scale)
        _over_threads(pool, threads, n, lambda lo, hi, t: advi.loop.chunk_log_density(
            zetas, lo, hi, data, batch.tdata, into))

    with _pool(threads, n) as pool:
        for start in starts:
            batch = full if start + size <= n_rows else last
            batch.take(np.arange(start, start + batch.size))
            evaluate(batch, 1.0, log_p, pool)
        evaluate(batch, 0.0, unscaled, pool)
    log_p -= (len(starts) - 1) * unscaled
    log_p[np.isnan(log_p)] = -math.inf
    return log_p


def _pool(threads: int, n: int):
    """A pool of `threads` worker threads for n draws, or a stand-in (None) when one
    thread, or one draw, is all there is."""
    if threads > 1 and n > 1:
        return ThreadPoolExecutor(threads)
    return contextlib.nullcontext()


def _over_threads(pool, threads: int, n: int, work) -> None:
    """work(lo, hi, t) for `threads` consecutive parts [lo, hi) of range(n), part t on a
    thread of `pool` (in turn on this thread without one); the kernels inside a part run
    on one thread, since the parts are split over the threads already."""
    parts = np.linspace(0, n, threads + 1).astype(np.int64)

    def part(t):
        if threads > 1:
            set_threads(1)
        work(parts[t], parts[t + 1], t)

    if pool is None:
        for t in range(threads):
            part(t)
    else:
        list(pool.map(part, range(threads)))


def mean_outputs(bm, advi: ADVI, lam: np.ndarray, out: np.ndarray) -> np.ndarray:
    """CmdStan's first row: the outputs at q's unconstrained mean (generated quantities
    with their own seed); the draws' column means where they cannot be computed there."""
    from vilang.model import DomainError
    seed = int(core.seed_int(advi.seed, core.TAG_GQ, -1 & 0x7FFFFFFF))
    try:
        row = bm.param_constrain(lam[:advi.d], True, True, seed=seed)
        if not np.any(np.isnan(row)):
            return row
    except DomainError:
        pass
    return out.mean(axis=0) if out.shape[0] else np.zeros(out.shape[1])


def stop_reason(advi: ADVI, state: State) -> str:
    s = advi.settings
    drift, noise = state.fst[L.DRIFT], state.fst[L.NOISE]
    measures = (f"largest change of a variational parameter between the last two windows "
                f"{drift:.3g} sd, Monte Carlo error {noise:.3g} sd")
    if state.stop_code == L.CONVERGED:
        return (f"converged after {state.iteration} iterations: the variational parameters "
                f"settled ({measures}; tolerance {s.tol:g}).")
    if state.ist[L.NB] < 2 * s.min_window:
        measures = "too few iterations to measure convergence"
    return (f"NOT CONVERGED: hit the iteration cap ({state.iteration} iterations) while the "
            f"variational parameters were still moving ({measures}; the rule needs a change "
            f"below {s.tol:g} and an error below {s.tol / 2:g}).  The estimates may be off; "
            "run longer (--iter), or look for a badly scaled or weakly identified parameter.")


def _notes(state: State) -> list:
    notes = []
    if state.ist[L.SKIPPED]:
        notes.append(f"{int(state.ist[L.SKIPPED])} steps were skipped (no finite gradient, or "
                     "a step that would have made q non-finite); the step size was halved "
                     "each time.")
    if state.ist[L.RESTARTS]:
        notes.append(f"q diverged {int(state.ist[L.RESTARTS])} time(s) (the ELBO fell to "
                     f"{state.fst[L.DIVERGED_ELBO]:.6g}, from {state.fst[L.BEST_ELBO]:.6g} at "
                     "best); each time the fit went back to its best point and halved the "
                     "step size.  If this recurs, give a smaller step size (--eta).")
    if state.ist[L.DROPPED]:
        notes.append(f"{int(state.ist[L.DROPPED])} draws with a non-finite log density or "
                     "gradient were dropped and redrawn.")
    return notes


def _variables(bm) -> list[Variable]:
    out, start = [], 0
    for o in bm.outputs:
        v = Variable(o.block, o.name, tuple(o.shape), start)
        out.append(v)
        start += v.size
    return out


class ProgressLine:
    """A tqdm progress bar of the iterations, with the ELBO of the last block."""

    def __init__(self, total: int, stream=None):
        from tqdm import tqdm
        self.offset = 0.0
        self.bar = tqdm(total=total, file=stream or sys.stderr, unit="it", leave=True,
                        dynamic_ncols=True, desc="ADVI")

    def __call__(self, state: State) -> None:
        nb = int(state.ist[L.NB])
        if nb:
            self.bar.set_postfix_str(f"ELBO {state.belbo[nb - 1] + self.offset:.6g}",
                                     refresh=False)
        self.bar.update(min(state.iteration, self.bar.total) - self.bar.n)

    def close(self) -> None:
        self.bar.close()
