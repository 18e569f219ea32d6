"""ADVI on every posterior of the posteriordb reference set: a table for all 25, and the
tier-1 posteriors not flagged hard for mean-field must match their references.

Means: within 0.25 reference sds of the NUTS reference, for every reference quantity (on the
constrained scale, transformed parameters included).  Sds: within 25 % of `mf_gauss_sd`, the
sd an exact mean-field fit gives, on the reference's unconstrained scale.  Tiers 2 and 3 are
shown, not asserted, so progress on them is visible.

The fits run in two worker processes (tests/infer/posteriordb_fits.py); each model's kernels
and ADVI loop are compiled once and cached on disk, so a first run is much slower than later
ones.
"""
import json

from posteriordb_fits import fit_all, table


def test_posteriordb_reference_posteriors(posteriordb, capsys):
    index = json.loads((posteriordb / "index.json").read_text())["posteriors"]
    rows = fit_all(posteriordb, [p["posterior_name"] for p in index])
    with capsys.disabled():
        print("\n" + table(rows))
    required = [r for r in rows if r["tier"] == 1 and not r["hard"]]
    assert len(required) >= 12
    bad = [f"{r['name']}: {r['status']} {r['message']} (mean err {r['mean_err']:.3f} at "
           f"{r['worst_mean']}, sd err {r['sd_err']:.3f} at {r['worst_sd']})"
           for r in required if r["status"] != "ok"]
    assert not bad, "\n".join(bad)
