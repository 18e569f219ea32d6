"""Inference: ADVI (`advi.py`: the algorithm; `stopping.py`: when to stop; `psis.py`: the
Pareto-k diagnostic; `api.py`: `fit`; `results.py`: the `Fit` object).  docs/advi.md."""
from vilang.infer.advi import ADVI, FitError, Settings
from vilang.infer.results import Fit


def fit(bm, **kwargs):
    """`vilang.infer.api.fit`: ADVI for a bound model; returns a `Fit`."""
    from vilang.infer.api import fit as _fit
    return _fit(bm, **kwargs)


__all__ = ["ADVI", "Fit", "FitError", "Settings", "fit"]
