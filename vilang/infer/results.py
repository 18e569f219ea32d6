"""The result of a fit: draws from q in constrained space, with what it took to get them.

    >>> fit = vilang.compile("model.vi").fit("data.json", seed=1)     # doctest: +SKIP
    >>> fit.draws("beta").shape            # (draws, *shape of beta)  # doctest: +SKIP
    >>> fit.mean("beta"), fit.sd("beta")                              # doctest: +SKIP
    >>> fit.summary()                      # a pandas DataFrame       # doctest: +SKIP
    >>> fit.to_csv("fit.csv")              # CmdStan's format         # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vilang.infer import psis

QUANTILES = (0.05, 0.5, 0.95)
SUMMARY_COLUMNS = ("mean", "sd", "5%", "50%", "95%")


@dataclass
class Variable:
    """One output variable: its block, name, shape and columns in the draws matrix."""

    block: str
    name: str
    shape: tuple
    start: int

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))


@dataclass
class Fit:
    """A variational fit.

    `draws(name)` is an array of shape (draws, *shape) in constrained space; `mean`, `sd`
    and `summary` summarise the draws.  `variational` holds q itself on the unconstrained
    scale (`unc_names`, `mean` and `sd`, and for full-rank the Cholesky `factor`);
    `elbo_trace` is a list of (iteration, ELBO); `stop_reason` says why the optimisation
    stopped and `converged` whether it settled; `pareto_k` and `diagnostic` are the PSIS
    check of q against the posterior (Yao et al. 2018)."""

    model_name: str
    algorithm: str
    variables: list[Variable]
    names: list[str]                  # element names, Stan style (beta[1])
    draws_matrix: np.ndarray          # (draws, len(names))
    mean_row: np.ndarray              # outputs at q's unconstrained mean (CmdStan's row 1)
    log_p: np.ndarray                 # log density of each draw (all constants, Jacobian)
    log_g: np.ndarray                 # -||eta||^2 / 2 of each draw's standard normal
    variational: dict
    elbo: float
    elbo_trace: list
    stop_reason: str
    converged: bool
    iterations: int
    eta: float
    seed: int
    settings: dict
    timing: dict = field(default_factory=dict)
    pareto_k: float = float("nan")
    notes: list = field(default_factory=list)

    def __post_init__(self):
        self._by_name = {v.name: v for v in self.variables}
        if self.pareto_k != self.pareto_k:          # not given: compute it
            self.pareto_k = psis.pareto_k(self.log_p - self.log_g)

    # ------------------------------------------------------------------ access
    @property
    def diagnostic(self) -> str:
        """The Pareto k diagnostic in plain English."""
        return psis.reading(self.pareto_k)

    @property
    def num_draws(self) -> int:
        return int(self.draws_matrix.shape[0])

    def _variable(self, name: str) -> Variable:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(v.name for v in self.variables)
            raise KeyError(f"no variable '{name}' in this fit (it has: {known})") from None

    def draws(self, name: str | None = None) -> np.ndarray:
        """Draws of `name`, shape (draws, *shape); without a name, the (draws, columns)
        matrix of every element (columns named by `names`)."""
        if name is None:
            return self.draws_matrix
        v = self._variable(name)
        cols = self.draws_matrix[:, v.start:v.start + v.size]
        if not v.shape:
            return cols[:, 0].copy()
        # columns are in Stan's column-major order
        arr = cols.reshape((cols.shape[0],) + tuple(v.shape[::-1]))
        return np.ascontiguousarray(arr.transpose((0,) + tuple(range(len(v.shape), 0, -1))))

    def mean(self, name: str) -> np.ndarray | float:
        """The mean over draws of `name` (a float for a scalar)."""
        m = self.draws(name).mean(axis=0)
        return float(m) if np.ndim(m) == 0 else m

    def sd(self, name: str) -> np.ndarray | float:
        """The sd over draws of `name`."""
        s = self.draws(name).std(axis=0, ddof=1)
        return float(s) if np.ndim(s) == 0 else s

    def summary_table(self) -> tuple[list[str], np.ndarray]:
        """(names, rows of mean, sd, 5%, 50%, 95%) for every element."""
        x = self.draws_matrix
        if x.shape[0] == 0:
            return self.names, np.full((len(self.names), 5), np.nan)
        q = np.quantile(x, QUANTILES, axis=0)
        sd = x.std(axis=0, ddof=1) if x.shape[0] > 1 else np.zeros(x.shape[1])
        return self.names, np.column_stack([x.mean(axis=0), sd, q.T])

    def summary(self):
        """mean, sd, 5%, 50%, 95% of every parameter, transformed parameter and generated
        quantity: a pandas DataFrame indexed by name when pandas is installed, else a dict
        of name -> dict of column -> value."""
        names, rows = self.summary_table()
        try:
            import pandas as pd
        except ImportError:
            return {n: dict(zip(SUMMARY_COLUMNS, map(float, r))) for n, r in zip(names, rows)}
        return pd.DataFrame(rows, index=names, columns=list(SUMMARY_COLUMNS))

    def summary_text(self, max_rows: int | None = None) -> str:
        """The summary as an aligned text table."""
        from tabulate import tabulate
        names, rows = self.summary_table()
        shown = len(names) if max_rows is None else min(max_rows, len(names))
        table = tabulate([[names[i]] + [_num(v).strip() for v in rows[i]]
                          for i in range(shown)],
                         headers=[""] + list(SUMMARY_COLUMNS), tablefmt="simple",
                         disable_numparse=True, colalign=("left",) + ("right",) * len(
                             SUMMARY_COLUMNS))
        if shown < len(names):
            table += f"\n... {len(names) - shown} more rows (all are in the CSV)"
        return table

    # ------------------------------------------------------------------ outputs
    def to_csv(self, path, force: bool = False, **comments) -> None:
        """The draws in CmdStan's CSV format (readable by `arviz.from_cmdstan` and
        `cmdstanpy.from_csv`); refuses to overwrite an existing file unless `force`."""
        from vilang.io.output import write_cmdstan_csv
        write_cmdstan_csv(path, self, force=force, **comments)

    def to_json(self, path, force: bool = False) -> None:
        """q's parameters, the ELBO trace, the stop reason and the diagnostic, as JSON."""
        from vilang.io.output import write_fit_json
        write_fit_json(path, self, force=force)

    def to_arviz(self):
        """An `arviz.InferenceData` with the draws as one chain (generated quantities in
        the posterior group too, as ArviZ's CmdStan reader does) and log_p__, log_g__ as
        sample stats."""
        import arviz as az
        posterior = {v.name: self.draws(v.name)[None] for v in self.variables}
        stats = {"log_p__": self.log_p[None], "log_g__": self.log_g[None]}
        dims = {v.name: [f"{v.name}_dim_{i}" for i in range(len(v.shape))]
                for v in self.variables if v.shape}
        return az.from_dict(posterior=posterior, sample_stats=stats, dims=dims,
                            attrs={"inference_library": "vilang",
                                   "algorithm": f"advi-{self.algorithm}"})

    def __repr__(self) -> str:
        return (f"<Fit {self.model_name}: {self.algorithm} ADVI, {self.num_draws} draws, "
                f"{self.iterations} iterations, {'converged' if self.converged else 'NOT converged'}, "
                f"Pareto k {self.pareto_k:.2f}>")


def _num(v: float) -> str:
    if not np.isfinite(v):
        return f"{v:>10}"
    a = abs(v)
    if a != 0 and (a >= 1e6 or a < 1e-3):
        return f"{v:>10.3e}"
    return f"{v:>10.4g}"
