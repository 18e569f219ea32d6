"""The parts of ADVI that need no model: random streams, the stopping rule, PSIS, the loop on
its stand-in Gaussian model."""
from __future__ import annotations

import math
from types import SimpleNamespace

import numba
import numpy as np
import pytest
from scipy import stats

from vilang.infer import core, loop, psis
from vilang.infer.stopping import converged, window_size, window_test


@numba.njit
def _normals(seed, n):
    state = np.zeros(1, np.uint64)
    state[0] = core.stream_key(seed, core.TAG_STEP, 0)
    out = np.empty(n)
    core.fill_normal(state, out)
    return out


def test_normal_stream_is_standard_normal_and_keyed():
    x = _normals(3, 400_000)
    assert abs(x.mean()) < 0.01 and abs(x.std() - 1) < 0.01
    assert stats.kstest(x, "norm").pvalue > 1e-3
    tail = (np.abs(x) > 3.5).mean()          # the ziggurat's tail layer
    assert abs(tail / (2 * stats.norm.sf(3.5)) - 1) < 0.25
    assert np.array_equal(_normals(3, 10), x[:10])
    assert not np.array_equal(_normals(4, 10), x[:10])


def _blocks(n_blocks, n_params, drift, rng):
    """Block means of stationary noise (sd 0.02), plus a linear drift per block."""
    return (rng.normal(scale=0.02, size=(n_blocks, n_params))
            + drift * np.arange(n_blocks)[:, None])


def test_window_test_tells_drift_from_noise():
    rng = np.random.default_rng(1)
    d = 3                                       # mean-field: 3 locations, 3 log-sds
    out = np.empty(2 * d)
    nb = 40
    w = window_size(nb, 4)
    assert w == 10 and window_size(5, 4) == 0
    still = _blocks(nb, 2 * d, 0.0, rng)
    still[:, d:] = 0.0 + rng.normal(scale=0.02, size=(nb, d))    # sds = 1
    drift, noise, chi2 = window_test(still, nb, w, d, core.MEANFIELD, out, np.zeros(d))
    assert drift < 0.1 and noise < 0.05 and chi2 < 3
    assert converged(drift, noise, chi2, 0.1)
    np.testing.assert_allclose(out, still[-w:].mean(0))
    # a drift of 0.004 sd per block (0.04 between windows) is small, but not noise
    moving = still + 0.004 * np.arange(nb)[:, None]
    drift, noise, chi2 = window_test(moving, nb, w, d, core.MEANFIELD, out, np.zeros(d))
    assert chi2 > 3 and not converged(drift, noise, chi2, 0.1)
    # a location is measured in units of its own sd: a change of 0.005 is nothing for an sd
    # of 1 and half an sd for an sd of 0.01
    shifted = still.copy()
    shifted[nb - w:, 0] += 0.005
    assert window_test(shifted, nb, w, d, core.MEANFIELD, out, np.zeros(d))[0] < 0.1
    shifted[:, d] = math.log(0.01)
    assert window_test(shifted, nb, w, d, core.MEANFIELD, out, np.zeros(d))[0] > 0.4


def test_pareto_k_matches_theory():
    rng = np.random.default_rng(2)
    x = rng.normal(size=20000)
    for s in (1.5, 3.0):                       # q = N(0, 1), p = N(0, s^2): k = 1 - 1/s^2
        log_ratio = stats.norm.logpdf(x, scale=s) - stats.norm.logpdf(x)
        assert abs(psis.pareto_k(log_ratio) - (1 - 1 / s ** 2)) < 0.1
    assert psis.pareto_k(np.zeros(100)) == -math.inf
    assert psis.pareto_k(np.array([np.nan] * 5)) == math.inf
    assert "fullrank" in psis.reading(0.9) and "usable" in psis.reading(0.6)


def test_pareto_k_of_ratios_spread_beyond_floating_point_is_inf_without_warnings():
    """Log ratios over 1e5 nats (a q far from the posterior): the tail's exceedances underflow
    and the fit breaks down; k is inf, and numpy says nothing."""
    import warnings
    log_ratio = np.concatenate([np.linspace(-1e5, -1e4, 990), np.linspace(0.0, 1e3, 10)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert psis.pareto_k(log_ratio) == math.inf
    assert "orders of magnitude" in psis.reading(math.inf)


def test_loop_on_standin_model():
    """The template loop fits its own stand-in Gaussian: means and sds of very different
    scales, from one seed, identically however it is chunked."""
    import vilang.infer.advi as advi
    mean = np.array([5.0, -300.0, 0.001])
    sd = np.array([2.0, 50.0, 0.001])
    bm = SimpleNamespace(kernels=SimpleNamespace(data=(mean, sd), tdata=()),
                         param_unc_num=lambda: 3,
                         model=SimpleNamespace(module=SimpleNamespace()))
    bm.model.module._vilang_advi_loop = loop
    a = advi.ADVI(bm, advi.Settings(tol=0.05), seed=4)
    s0 = a.init(np.zeros(3))
    s = a.adapt(s0)
    end = a.run(s)
    assert end.stop_code == loop.CONVERGED, end.fst
    lam = a.estimate(end)
    np.testing.assert_array_less(np.abs(lam[:3] - mean) / sd, 0.05)
    np.testing.assert_array_less(np.abs(np.exp(lam[3:]) / sd - 1), 0.05)
    # run is pure: the same start gives the same end, in one call or in many small ones
    again = s
    while again.stop_code == loop.RUNNING:
        again = a.run(again, n_steps=37)
    assert np.array_equal(again.lam, end.lam) and again.iteration == end.iteration
    assert s.iteration == 50          # the state passed in was not changed
