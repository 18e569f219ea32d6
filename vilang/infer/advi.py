"""Automatic differentiation variational inference as a short loop over immutable state.

    >>> advi = ADVI(bm, Settings(algorithm="meanfield"), seed=1)        # doctest: +SKIP
    >>> state = advi.init(initial_point(bm, seed=1))                    # doctest: +SKIP
    >>> state = advi.adapt(state)      # Stan's eta search              # doctest: +SKIP
    >>> state = advi.run(state)        # to convergence or the cap      # doctest: +SKIP

`init` builds a `State` (a tuple of arrays), `update` advances it by one iteration and `run`
by many; each returns a new state and leaves its argument as it was, so a run can be resumed
or repeated.  The iterations themselves run in compiled code (`loop.py`, specialised to the
model's kernels): Python only sees chunks of them.

The algorithm is Stan's ADVI (Kucukelbir et al. 2017; `../shared/reference/stan-advi.md`):
a Gaussian q in the unconstrained space, mean-field (mu, omega = log sd) or full-rank (mu and
a Cholesky factor L); reparameterised gradients from `grad_samples` draws with the entropy's
gradient exact; Stan's adaGrad-like step-size sequence (or Adam) with Stan's eta search.
What differs from Stan, and why:

* the stopping rule (`stopping.py`) looks at the variational parameters on their own scale,
  not at the ELBO's relative change, and the result is the average of the last window of
  iterates rather than the last iterate;
* the eta search keeps the state of the chosen candidate instead of restarting from the
  initial point (its 50 iterations are not thrown away);
* a failed step (no finite gradient after 10 * grad_samples redraws, or a step that would
  make the state non-finite) is skipped and the step size halved, and the run ends with a
  message naming the parameters and model line involved only when that keeps happening;
* the ELBO trace is free: it averages, per block of iterations, the log densities the
  gradient draws computed anyway (Stan spends 100 extra log densities every 100 iterations).

References: Kucukelbir, Tran, Ranganath, Gelman, Blei (2017), "Automatic Differentiation
Variational Inference", JMLR 18; numpyro `infer/svi.py` for the shape of the API.
"""
from __future__ import annotations

import hashlib
import importlib.util
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from vilang.infer import core, loop as L, precond
from vilang.io.data import DataError

# Stan's candidates for its own sequence; the scale-free sequences measure steps in q's sds,
# where a step of 100 sds is never right, so their grid starts at 1
ETA_CANDIDATES = {core.STAN: (100.0, 10.0, 1.0, 0.1, 0.01),
                  core.ADAGRAD: (1.0, 0.3, 0.1, 0.03, 0.01),
                  core.ADAM: (1.0, 0.3, 0.1, 0.03, 0.01)}
RANDOM_INIT_TRIES = 100
ALGORITHMS = {"meanfield": core.MEANFIELD, "fullrank": core.FULLRANK}
OPTIMIZERS = {"adagrad": core.ADAGRAD, "adam": core.ADAM, "stan": core.STAN}
BLOCK_MEMORY = 2_000_000        # floats kept for the block means of the stopping rule
EXTREME = 30.0                  # an unconstrained value this far from 0 means q ran away
ELBO_ROWS = 20_000              # rows of a minibatch fit's ELBO estimates (eta search)
ANCHOR_FIRST = 32               # iterations before a minibatch fit's anchor first moves
NO_ROWS = np.zeros(0, np.int64)  # a full-data fit's rows: none to draw


class FitError(Exception):
    """The fit failed; the message says where (parameters, model line) and what to try."""


@dataclass(frozen=True)
class Settings:
    """ADVI's settings; the defaults are Stan's where Stan has the setting.

    algorithm: "meanfield" or "fullrank".  optimizer: "adagrad" (Stan's sequence) or "adam".
    grad_samples: draws per gradient estimate.  elbo_samples: draws per ELBO estimate (eta
    search).  eta: step-size scale; None searches Stan's candidates 100, 10, 1, 0.1, 0.01 with
    `adapt_iter` iterations each.  max_iter: iterations after the search.  tol: the stopping
    rule's tolerance (see stopping.py).  block: iterations per block of the stopping rule and
    the ELBO trace.  max_consecutive_failures: failed steps in a row that end the run.
    dense: Newton steps for mean-field locations (precond.py; default optimizer only).
    control_variate: minibatch fits subtract the batch's gradient at an anchor point and add
    the full data's there (docs/minibatch.md)."""

    algorithm: str = "meanfield"
    optimizer: str = "adagrad"
    grad_samples: int = 1
    elbo_samples: int = 100
    eta: float | None = None
    adapt_iter: int = 50
    max_iter: int = 10_000
    tol: float = 0.1
    block: int = 25
    min_window: int = 4
    max_consecutive_failures: int = 20
    dense: bool = True
    control_variate: bool = True

    def __post_init__(self):
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}, "
                             f"not {self.algorithm!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, "
                             f"not {self.optimizer!r}")
        for name in ("grad_samples", "elbo_samples", "adapt_iter", "block", "min_window",
                     "max_consecutive_failures"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be at least 1")
        if int(self.max_iter) < 0:
            raise ValueError("max_iter must not be negative")
        if self.eta is not None and not (self.eta > 0 and math.isfinite(self.eta)):
            raise ValueError("eta must be a positive number")
        if not self.tol > 0:
            raise ValueError("tol must be positive")


class State(NamedTuple):
    """The whole state of a run (see loop.py for the meaning of ist/fst entries)."""

    lam: np.ndarray          # variational parameters: [mu, omega] or [mu, L packed by rows]
    acc: np.ndarray          # the optimiser's accumulators (2 x len(lam))
    ist: np.ndarray          # iteration, blocks, stop code, failure counters, ...
    fst: np.ndarray          # step-size multiplier, last drift and noise, ELBO sum
    bsum: np.ndarray         # running sum of lam over the current block
    blocks: np.ndarray       # mean of lam per block
    belbo: np.ndarray        # mean ELBO per block (log density up to its dropped constants)
    bad: np.ndarray          # last failing and last good draw (2 x D)
    hess: np.ndarray         # dense preconditioner: Hessian estimate, inverse Cholesky factor
    hvec: np.ndarray         # dense preconditioner: mean gradient, marginal sds
    cv: np.ndarray           # minibatch control variate: anchor point, full gradient there
    cvf: np.ndarray          # ... full log density there, next refresh, in use (loop.CV_*)
    eta: float               # the step-size scale in use

    def copy(self) -> "State":
        return State(*(x.copy() for x in self[:-1]), self.eta)

    @property
    def iteration(self) -> int:
        return int(self.ist[L.K])

    @property
    def stop_code(self) -> int:
        return int(self.ist[L.STOP])


# ----------------------------------------------------------------------------- the loop

def model_loop(bm, batches=None, parallel: bool = False):
    """The module `loop.py` specialised to `bm`'s model: a copy of it beside the model's
    generated module, importing that model's kernels (and for a minibatch fit the minibatch
    kernels of `batches`; with `parallel`, evaluating several draws per gradient on several
    threads); numba caches its machine code there."""
    module = bm.model.module
    fit_module = batches.kernels.module if batches is not None else module
    attr = "_vilang_advi_loop" + (f"_{batches.dim}" if batches is not None else "") + (
        "_parallel" if parallel else "")
    cached = getattr(module, attr, None)
    if cached is not None:
        return cached
    template = Path(L.__file__).read_text()
    start, end = "# <model-kernels>\n", "# </model-kernels>\n"
    head, rest = template.split(start)
    _, tail = rest.split(end)
    gather = (f"from {fit_module.__name__} import gather_rows" if batches is not None
              else "from vilang.infer.core import no_gather as gather_rows")
    imports = (f"from {module.__name__} import log_density, log_density_grad, write_array\n"
               f"from {fit_module.__name__} import log_density as fit_log_density\n"
               f"from {fit_module.__name__} import log_density_grad as fit_log_density_grad\n"
               f"{gather}\nPARALLEL_DRAWS = {parallel}\n")
    source = head + start + imports + end + tail
    digest = hashlib.sha256(source.encode())
    for path in sorted(Path(core.__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    name = f"vilang_advi_{digest.hexdigest()[:16]}_{bm.model.key}"
    path = Path(module.__file__).parent / f"{name}.py"
    if not path.exists() or path.read_text() != source:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(source)
        tmp.replace(path)
    if name in sys.modules:
        mod = sys.modules[name]
    else:
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    setattr(module, attr, mod)
    return mod


class ADVI:
    """ADVI for one bound model.  `init`, `update`, `run`, `adapt` return new states."""

    def __init__(self, bm, settings: Settings = Settings(), seed: int = 0, batches=None):
        """`batches`: a `vilang.infer.batches.Batches` for a minibatch fit (each iteration
        draws its rows afresh), None to use all the data."""
        self.bm = bm
        self.settings = settings
        self.seed = int(seed) & 0x7FFF_FFFF_FFFF_FFFF
        self.family = ALGORITHMS[settings.algorithm]
        self.d = bm.param_unc_num()
        self.n = int(core.n_params(self.d, self.family))
        self.batches = batches
        self.elbo_batch = elbo_batch(bm, batches, self.seed)
        self.loop = model_loop(bm, batches, parallel_draws(settings.grad_samples))
        self.dense = (self.family == core.MEANFIELD and settings.optimizer == "adagrad"
                      and settings.dense and 0 < self.d <= precond.DENSE_MAX)
        self.block = max(settings.block, math.ceil(
            self.n * (settings.max_iter + settings.adapt_iter + 1) / BLOCK_MEMORY))
        self._last_full = None       # (theta, lp, grad): see _full_gradient

    # ------------------------------------------------------------------ state
    def init(self, theta: np.ndarray, eta: float | None = None) -> State:
        """The initial state: q centred at the unconstrained point `theta`, unit sds."""
        d, n = self.d, self.n
        lam = np.zeros(n)
        lam[:d] = theta
        if self.family == core.FULLRANK:
            pos = d
            for i in range(d):
                lam[pos + i] = 1.0
                pos += i + 1
        s = self.settings
        n_blocks = (s.max_iter + s.adapt_iter) // self.block + 2
        ist = np.zeros(L.N_IST, np.int64)
        ist[L.BEST_NB] = -1                  # no block yet (divergence checks: loop.diverged)
        fst = np.zeros(L.N_FST)
        fst[L.ETA_SCALE] = 1.0
        hd = d if self.dense else 0
        return State(lam, np.zeros((2, n)), ist, fst, np.zeros(n), np.zeros((n_blocks, n)),
                     np.zeros(n_blocks), np.zeros((2, d)), np.zeros((2, hd, hd)),
                     np.zeros((2, hd)), np.zeros((2, d)), np.zeros(3),
                     float(eta if eta else s.eta or 1.0))

    def _config(self, state: State, max_iter: int, check: bool):
        s = self.settings
        cfg_i = np.zeros(L.N_CFG_I, np.int64)
        cfg_i[L.C_FAMILY] = self.family
        cfg_i[L.C_OPTIMIZER] = OPTIMIZERS[s.optimizer]
        cfg_i[L.C_GRAD_SAMPLES] = s.grad_samples
        cfg_i[L.C_MAX_ITER] = max_iter
        cfg_i[L.C_BLOCK] = self.block
        cfg_i[L.C_MIN_WINDOW] = s.min_window
        cfg_i[L.C_MAX_CONSEC] = s.max_consecutive_failures
        cfg_i[L.C_SEED] = self.seed
        cfg_i[L.C_CHECK] = int(check)
        cfg_i[L.C_DENSE] = int(self.dense)
        cfg_i[L.C_ROWS] = self.batches.n_rows if self.batches is not None else 0
        cfg_i[L.C_WINDOWS] = int(self.batches is not None and self.batches.windows)
        cfg_f = np.zeros(L.N_CFG_F)
        cfg_f[L.C_ETA] = state.eta
        cfg_f[L.C_TOL] = s.tol
        return cfg_i, cfg_f

    def update(self, state: State) -> State:
        """One more iteration."""
        return self.run(state, n_steps=1)

    def run(self, state: State, n_steps: int | None = None, max_iter: int | None = None,
            check: bool = True, progress=None, chunk_seconds: float = 0.2) -> State:
        """Advance a copy of `state` by up to `n_steps` iterations (default: until it stops),
        never past iteration `max_iter` (default: the eta search plus settings.max_iter).
        `progress(state)` is called between compiled chunks of about `chunk_seconds`."""
        state = state.copy()
        if max_iter is None:
            max_iter = self.settings.adapt_iter + self.settings.max_iter
        cfg_i, cfg_f = self._config(state, max_iter, check)
        target = max_iter if n_steps is None else state.iteration + n_steps
        chunk = 50
        while state.iteration < target and state.stop_code == L.RUNNING:
            n = min(chunk, target - state.iteration)
            if self.batches is not None and self.settings.control_variate:
                if state.iteration >= state.cvf[L.CV_NEXT]:
                    self.refresh_anchor(state)
                n = min(n, max(int(state.cvf[L.CV_NEXT]) - state.iteration, 1))
            t0 = time.perf_counter()
            k0 = state.iteration
            # (returns early after a divergence, for the anchor to be refreshed)
            self.loop.run(state.lam, state.acc, state.ist, state.fst, state.bsum, state.blocks,
                          state.belbo, state.bad, state.hess, state.hvec, state.cv, state.cvf,
                          *self.fit_data(), cfg_i, cfg_f, n)
            dt = time.perf_counter() - t0
            if progress is not None:
                progress(state)
            done = max(state.iteration - k0, 1)
            chunk = int(min(max(done * chunk_seconds / max(dt, 1e-6), 1), 1 << 30))
        if state.stop_code == L.RUNNING and state.iteration >= max_iter:
            state.ist[L.STOP] = L.MAX_ITER
        return state

    def refresh_anchor(self, state: State) -> None:
        """Move the control variate's anchor to q's current mean: the full data's log
        density and gradient there (one pass over the data).  Refreshed at iterations
        0, 32, 64, 128, ... (doubling), so the anchor follows q while the cost of the passes
        stays a small share of the fit's.  The estimate stays unbiased whatever the anchor;
        the closer it is to the draws, the smaller its noise (docs/minibatch.md)."""
        k = state.iteration
        state.cvf[L.CV_NEXT] = max(2 * k, k + ANCHOR_FIRST)
        theta0 = state.lam[:self.d].copy()
        lp, grad = self._full_gradient(theta0)
        on = math.isfinite(lp) and bool(np.all(np.isfinite(grad)))
        state.cv[0] = theta0
        state.cv[1] = grad if on else 0.0
        state.cvf[L.CV_LP] = lp if on else 0.0
        state.cvf[L.CV_ON] = 1.0 if on else 0.0

    def _full_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """The full data's log density and gradient at `theta`, remembered for the last
        point: every candidate of the step size search starts from the same one."""
        last = self._last_full
        if last is None or not np.array_equal(last[0], theta):
            lp, grad = self.bm.log_density_gradient(theta)
            last = self._last_full = (theta.copy(), lp, grad)
        return last[1], last[2].copy()

    def fit_data(self) -> tuple:
        """(data, tdata, batch, tbatch, rows) as the compiled loop takes them."""
        kb = self.bm.kernels
        if self.batches is None:
            return kb.data, kb.tdata, kb.data, kb.tdata, NO_ROWS
        b = self.batches
        return (*b.source, b.data, b.tdata, b.rows)

    def site_message(self, code: int) -> str:
        """The reason and model line of a failure code from the kernels the fit calls."""
        if self.batches is not None:
            return self.batches.site_message(code)
        return self.bm.site_message(code)

    def resume(self, state: State) -> State:
        """A stopped state made runnable again (to continue past its cap, say)."""
        state = state.copy()
        state.ist[L.STOP] = L.RUNNING
        return state

    # ------------------------------------------------------------------ ELBO and eta
    def elbo(self, lam: np.ndarray, index: int, n: int | None = None) -> tuple[float, int]:
        """(ELBO estimate with n draws, last failure site); -inf when n draws failed."""
        data, tdata = self.elbo_data()
        value, _, site = self.loop.elbo(lam, self.d, self.family,
                                        n or self.settings.elbo_samples, self.seed, index,
                                        data, tdata)
        return float(value), int(site)

    def elbo_data(self) -> tuple:
        """The data the ELBO estimates use: all of it, or a fixed batch of a minibatch fit
        (the same rows for every candidate step size)."""
        if self.elbo_batch is None:
            return self.bm.kernels.data, self.bm.kernels.tdata
        return self.elbo_batch.data, self.elbo_batch.tdata

    def adapt(self, state: State, log=None) -> State:
        """Stan's eta search: from `state`, run settings.adapt_iter iterations with each
        candidate eta in turn (Stan's 100, 10, 1, 0.1, 0.01 for optimizer "stan"; 1, 0.3,
        0.1, 0.03, 0.01 for the sequences in q's own units) and take the last eta before the
        ELBO got worse.  Every candidate's ELBO uses the same draws.  Returns the chosen
        candidate's state (Stan restarts from the initial one)."""
        elbo_init, site = self.elbo(state.lam, 0)
        if not math.isfinite(elbo_init):
            raise FitError(self._elbo_failure(site))
        prev_elbo, prev = -math.inf, None
        candidates = ETA_CANDIDATES[OPTIMIZERS[self.settings.optimizer]]
        for i, eta in enumerate(candidates):
            s = self.run(state._replace(eta=eta), max_iter=state.iteration +
                         self.settings.adapt_iter, check=False)
            if s.stop_code == L.FATAL:
                raise FitError(self.failure_message(s))
            # common random numbers: every candidate's ELBO from the same draws of eta
            value = self.elbo(s.lam, 1)[0] if s.stop_code == L.MAX_ITER else -math.inf
            if log:
                log(f"eta = {eta:g}: ELBO {value:.6g} after {self.settings.adapt_iter} "
                    "iterations")
            if value < prev_elbo and prev_elbo > elbo_init:
                return self.resume(prev)
            if i == len(candidates) - 1:
                if value > elbo_init:
                    return self.resume(s)
                raise FitError(
                    f"ADVI failed: every step size tried (eta = "
                    f"{', '.join(f'{c:g}' for c in candidates)}) made "
                    f"the ELBO worse than at the initial point ({elbo_init:.6g}).\nWhat to "
                    "try: start from better initial values (--init), give eta yourself "
                    "(--eta 0.001), or check the model for parameters the data do not "
                    "identify (a flat or improper posterior).")
            prev_elbo, prev = value, s
        raise AssertionError("unreachable")

    def _elbo_failure(self, site: int) -> str:
        where = f"\nThe last failure: {self.site_message(site)}." if site else ""
        return ("ADVI failed: the ELBO cannot be computed at the initial variational "
                f"distribution: every one of {self.settings.elbo_samples} draws from it gave "
                f"a log density that is not finite.{where}\nWhat to try: initial values "
                "closer to the posterior (--init), or constraints on the parameters that "
                "keep the log density finite (<lower=0> on a scale, say).")

    # ------------------------------------------------------------------ results
    def estimate(self, state: State) -> np.ndarray:
        """The fitted variational parameters: the mean of the stopping rule's last window of
        iterates (Polyak-Ruppert averaging), or the last iterate when the run was too short
        to have windows."""
        from vilang.infer.stopping import window_size, window_test
        nb = int(state.ist[L.NB])
        w = window_size(nb, 1)
        if w == 0:
            return state.lam.copy()
        out = np.empty(self.n)
        window_test(state.blocks, nb, w, self.d, self.family, out, np.zeros(self.d))
        return out if core.state_ok(out, self.d, self.family) else state.lam.copy()

    def elbo_trace(self, state: State, offset: float) -> list[tuple[int, float]]:
        """(iteration, mean ELBO over the block ending there) for every block."""
        nb = int(state.ist[L.NB])
        return [((b + 1) * self.block, float(state.belbo[b] + offset)) for b in range(nb)]

    def failure_message(self, state: State) -> str:
        """What went wrong, where, and what to try, for a state that stopped failing."""
        bm, names = self.bm, self.bm.param_unc_names()
        code, kind, site = state.stop_code, int(state.ist[L.BAD_KIND]), int(state.ist[L.SITE])
        m = self.settings.grad_samples
        reason = {
            L.BAD_DOMAIN: "the log density could not be evaluated",
            L.BAD_LP: "the log density was not finite (NaN or infinite)",
            L.BAD_GRAD: "the gradient of the log density was not finite",
        }
        it = state.iteration
        if code == L.FATAL:
            return (f"ADVI stopped at iteration {it}: the model raised a fatal error: "
                    f"{self.site_message(site)}.")
        if code == L.FAILED_STATE:
            bad = [names[i] for i in np.flatnonzero(state.bad[0])]
            head = (f"ADVI failed at iteration {it}: {self.settings.max_consecutive_failures} "
                    "steps in a row would have made the variational parameters infinite or "
                    "NaN, even after halving the step size each time")
            where = (f"\nParameters involved: {', '.join(bad[:8])}"
                     f"{' ...' if len(bad) > 8 else ''}." if bad else "")
            return (head + "." + where + "\nWhat to try: this usually means the posterior "
                    "is improper (a parameter without a prior that the data do not "
                    "constrain) or the log density grows without bound; add a proper prior, "
                    "or give a smaller step size (--eta 0.01).")
        head = (f"ADVI failed at iteration {it}: {self.settings.max_consecutive_failures} "
                f"steps in a row found no finite gradient in {10 * m} draws from q; "
                f"{reason.get(kind, 'the draws failed')} at the draws")
        lines = [head + "."]
        if site > 0:
            lines.append(f"The last failure: {self.site_message(site)}.")
        culprits = self._culprits(state.bad[0], state.bad[1])
        if culprits:
            lines.append("Parameters involved: " + "; ".join(t for _, t in culprits) + ".")
        constrained = self._constrained
        names = bm.param_unc_names()
        if culprits and all(abs(state.bad[0][i]) > EXTREME and names[i] in constrained
                            for i, _ in culprits):
            lines.append(
                "What to try: q ran off to extreme values on the unconstrained scale, which "
                "usually means the step size was too large or the posterior is improper (a "
                "parameter with neither a proper prior nor data to pin it down): give a "
                "smaller step size (--eta 0.01), initial values (--init), or proper priors.")
        else:
            lines.append(
                "What to try: declare each parameter with the constraint its use needs (a "
                "scale used in normal(mu, sigma) must be <lower=0>, a probability "
                "<lower=0, upper=1>), so that no value on the unconstrained scale is outside "
                "the model's support; or start closer to the posterior (--init) with a "
                "smaller step size (--eta 0.01).")
        return "\n".join(lines)

    def _culprits(self, bad: np.ndarray, good: np.ndarray) -> list[tuple[int, str]]:
        """(index, description) of the unconstrained coordinates that alone make the last
        good draw fail when set to the failing draw's value (else of the ones farthest from
        zero), with their values."""
        names = self.bm.param_unc_names()

        def describe(i, extra=""):
            scale = " on the unconstrained scale" if names[i] in self._constrained else ""
            return i, f"{names[i]} = {bad[i]:.4g}{scale}{extra}"

        if not (np.all(np.isfinite(bad)) and np.all(np.isfinite(good))) or not np.any(good):
            order = np.argsort(-np.abs(np.nan_to_num(bad, nan=np.inf)))[:3]
            return [describe(i) for i in order]
        found = []
        for i in np.flatnonzero(bad != good):
            trial = good.copy()
            trial[i] = bad[i]
            lp, grad = self.bm.log_density_gradient(trial)
            if not (math.isfinite(lp) and np.all(np.isfinite(grad))):
                found.append(describe(i, f" fails (it was {good[i]:.4g} at the last good "
                                         "draw)"))
            if len(found) == 5:
                break
        return found

    @property
    def _constrained(self) -> set:
        """Unconstrained coordinate names of parameters that have a constraint."""
        names = set()
        for q in self.bm.model.ir.parameters:
            if q.transform != "identity":
                names.update(n for n in self.bm.param_unc_names()
                             if n == q.name or n.startswith(q.name + "[") or
                             n.startswith(q.name + "."))
        return names


def parallel_draws(grad_samples: int) -> bool:
    """Evaluate the draws of a gradient estimate on several threads?  When there are several
    draws and threads, and numba's threading layer runs the model's own parallel kernels
    nested inside (OpenMP and TBB do; the fallback 'workqueue' layer cannot)."""
    import numba
    if grad_samples < 2 or numba.get_num_threads() < 2:
        return False
    try:
        layer = numba.threading_layer()
    except ValueError:                  # no parallel kernel has run yet
        return False
    return layer in ("omp", "tbb")


def elbo_batch(bm, batches, seed: int):
    """The fixed batch of a minibatch fit's ELBO estimates: ELBO_ROWS rows (at least the
    minibatch's), or all of them when there are not many more."""
    if batches is None:
        return None
    from vilang.infer.batches import Batches
    size = min(batches.n_rows, max(ELBO_ROWS, batches.size))
    fixed = Batches(bm, batches.dim, size)
    fixed.sample(seed, -1 & 0x7FFF_FFFF)
    return fixed


# ----------------------------------------------------------------------------- inits

def initial_point(bm, seed: int, inits=None, radius: float = 2.0) -> np.ndarray:
    """Stan's initialisation: uniform(-radius, radius) on the unconstrained scale, tried up to
    100 times until the log density and its gradient are finite.  `inits` (a dict of
    constrained values, or a path to a JSON file of them) fixes some or all parameters."""
    d = bm.param_unc_num()
    given = _read_inits(bm, inits) if inits is not None else {}
    rng = np.zeros(1, np.uint64)
    last = None
    for attempt in range(RANDOM_INIT_TRIES):
        rng[0] = core.stream_key(seed, core.TAG_INIT, attempt)
        theta = np.empty(d)
        core.fill_uniform(rng, theta, -radius, radius)
        if given:
            theta = _with_inits(bm, theta, given)
        lp, grad = bm.log_density_gradient(theta)
        if math.isfinite(lp) and np.all(np.isfinite(grad)):
            return theta
        last = bm.last_error or "the gradient is not finite"
        if given and len(given) == len(bm.model.ir.parameters):
            break
    tries = "at the given initial values" if given and len(given) == len(
        bm.model.ir.parameters) else f"at {RANDOM_INIT_TRIES} random initial points"
    raise FitError(f"ADVI could not start: the log density or its gradient is not finite "
                   f"{tries}.\nThe last failure: {last}.\nWhat to try: give initial values "
                   "inside the support with --init, or check the model's constraints.")


def _read_inits(bm, inits) -> dict:
    from vilang.io.data import load_json
    raw = load_json(inits) if isinstance(inits, (str, Path)) else dict(inits)
    shapes = {o.name: o.shape for o in bm.outputs if o.block == "parameters"}
    out = {}
    for name, value in raw.items():
        if name not in shapes:
            continue           # inits may carry other quantities (a previous fit's, say)
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise DataError(f"init for '{name}': expected numbers") from None
        if arr.shape != tuple(shapes[name]):
            raise DataError(f"init for '{name}': expected shape {tuple(shapes[name])}, got "
                            f"{arr.shape}")
        out[name] = arr
    return out


def _with_inits(bm, theta: np.ndarray, given: dict) -> np.ndarray:
    """theta with the given parameters replaced (constrain, overwrite, unconstrain)."""
    flat = bm.param_constrain(theta)
    pos = 0
    for o in bm.outputs:
        if o.block != "parameters":
            continue
        size = int(np.prod(o.shape, dtype=np.int64))
        if o.name in given:
            flat[pos:pos + size] = given[o.name].reshape(-1, order="F")
        pos += size
    try:
        return bm.param_unconstrain(flat)
    except ValueError as err:
        raise DataError(f"initial values: {err}") from None
