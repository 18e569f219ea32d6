"""Every example model's compiled log density against an independent numpy/scipy reference.

For each model under examples/ (REFERENCES in tests/reference_models.py, keyed by file stem;
a model without a reference fails test_every_model_has_a_reference), at a few fixed-seed random
unconstrained points:

1. log_density(propto=False, jacobian=True)  == reference log density + log-Jacobian (rtol 1e-8);
2. log_density(propto=False, jacobian=False) == reference log density;
3. log_density(propto=True) - log_density(propto=False) is the same constant at every point;
4. log_density_gradient agrees with central finite differences of log_density in 3 random
   directions (step 1e-6, rtol 1e-5), and its value with log_density;
5. param_constrain (with and without transformed parameters) equals the reference's constrained
   values, param_names() follows Stan's convention (column-major, `theta[1,2]`), and
   deterministic generated quantities match.

Models are compiled and bound once per module (numba compiles each model's kernels once).
The posteriordb models need ../shared/posteriordb (or $VILANG_POSTERIORDB) and skip without it.
"""
from __future__ import annotations

import json
import math
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import vilang
from conftest import example_models, posteriordb_dir
from reference_models import POINTS, REFERENCES, RefResult, flat_outputs

MODELS = example_models()
IDS = [p.stem for p in MODELS]
N_POINTS = 4
N_DIRECTIONS = 3
FD_STEP = 1e-6
RTOL_LP = 1e-8
RTOL_GRAD = 1e-5
RTOL_VALUE = 1e-8


# ----------------------------------------------------------------------------------------------
# one compiled, bound model per file, shared by the tests of this module

@dataclass
class Case:
    stem: str
    bm: object
    data: dict
    ref: object
    points: list

    def reference(self, theta) -> RefResult:
        return self.ref(theta, self.data)


def _data_path(path: Path) -> Path:
    if path.parent.name == "posteriordb":
        root = posteriordb_dir()
        if root is None:
            pytest.skip("posteriordb reference set not found at ../shared/posteriordb "
                        "(set VILANG_POSTERIORDB to its path)")
        return root / path.stem / "data.json"
    return path.parent / "data.json"


def _as_arrays(raw: dict) -> dict:
    return {k: (np.asarray(v) if isinstance(v, list) else v) for k, v in raw.items()}


def _points(stem: str, n_unc: int, layout: dict) -> list[np.ndarray]:
    spec = POINTS.get(stem, {})
    center = np.zeros(n_unc)
    for name, value in spec.get("center", {}).items():
        center[layout[name]] = value
    rng = np.random.default_rng(zlib.crc32(stem.encode()))
    return [center + spec.get("scale", 1.0) * rng.standard_normal(n_unc)
            for _ in range(N_POINTS)]


@pytest.fixture(scope="module")
def cases():
    """stem -> Case, or the exception compiling / binding raised (re-raised by each test)."""
    return {}


def get_case(cases: dict, path: Path) -> Case:
    """The model at `path` compiled and bound once per module; a compile or bind error fails
    (not errors) every test of that model."""
    stem = path.stem
    if stem not in REFERENCES:
        pytest.fail(f"no reference density for {stem} (add one to tests/reference_models.py)")
    data_path = _data_path(path)
    if stem not in cases:
        try:
            bm = vilang.compile(path).bind(data_path)
            data = _as_arrays(json.loads(data_path.read_text()))
            n_unc = bm.param_unc_num()
            probe = REFERENCES[stem](np.zeros(n_unc), data)   # layout (also checks the count)
            cases[stem] = Case(stem, bm, data, REFERENCES[stem],
                               _points(stem, n_unc, probe.layout))
        except Exception as exc:   # noqa: BLE001 - cached, re-raised in every test of the model
            cases[stem] = exc
    got = cases[stem]
    if isinstance(got, Exception):
        raise got
    return got


def model_params(test):
    """Parametrise `test(case)` over every example model (compiled once per module)."""
    @pytest.mark.parametrize("path", MODELS, ids=IDS)
    def wrapper(path, cases):
        test(get_case(cases, path))
    wrapper.__name__ = test.__name__
    wrapper.__doc__ = test.__doc__
    return wrapper


def _close(got, want, rtol, atol=0.0):
    return abs(got - want) <= rtol * max(abs(want), 1.0) + atol


# ----------------------------------------------------------------------------------------------
# the registry is complete

@pytest.mark.parametrize("path", MODELS, ids=IDS)
def test_every_model_has_a_reference(path):
    assert path.stem in REFERENCES, (
        f"{path} has no reference density: add ref_... to tests/reference_models.py and "
        "register it in REFERENCES")


def test_every_reference_has_a_model():
    assert set(REFERENCES) <= set(IDS), sorted(set(REFERENCES) - set(IDS))


# ----------------------------------------------------------------------------------------------
# 1-2. log density against the reference

@model_params
def test_log_density_matches_reference(case):
    problems = []
    for i, theta in enumerate(case.points):
        ref = case.reference(theta)
        assert np.isfinite(ref.lp) and np.isfinite(ref.log_jac), \
            f"reference not finite at point {i}"
        for jacobian, want in ((True, ref.lp_jacobian), (False, ref.lp)):
            got = case.bm.log_density(theta, propto=False, jacobian=jacobian)
            if not _close(got, want, RTOL_LP):
                problems.append(f"point {i}, jacobian={jacobian}: expected {want!r}, got "
                                f"{got!r} (diff {got - want:.3g}; {case.bm.last_error or ''})")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------------------------
# 3. propto=True drops only constants

@model_params
def test_propto_differs_by_a_constant(case):
    for jacobian in (True, False):
        diffs, scale = [], 1.0
        for theta in case.points:
            full = case.bm.log_density(theta, propto=False, jacobian=jacobian)
            prop = case.bm.log_density(theta, propto=True, jacobian=jacobian)
            assert np.isfinite(full) and np.isfinite(prop), case.bm.last_error
            diffs.append(prop - full)
            scale = max(scale, abs(full), abs(prop))
        spread = max(diffs) - min(diffs)
        assert spread <= 1e-8 * scale, (
            f"jacobian={jacobian}: propto=True minus propto=False is not constant: {diffs}")


# ----------------------------------------------------------------------------------------------
# 4. gradient against finite differences

@model_params
def test_gradient_matches_finite_differences(case):
    bm = case.bm
    rng = np.random.default_rng(zlib.crc32(case.stem.encode()) + 1)
    problems = []
    for i, theta in enumerate(case.points):
        lp, grad = bm.log_density_gradient(theta, propto=False, jacobian=True)
        lp_plain = bm.log_density(theta, propto=False, jacobian=True)
        if not _close(lp, lp_plain, 1e-12):
            problems.append(f"point {i}: log_density_gradient value {lp!r} != log_density "
                            f"{lp_plain!r}")
        grad = np.asarray(grad, dtype=np.float64)
        if grad.shape != theta.shape or not np.all(np.isfinite(grad)):
            problems.append(f"point {i}: gradient {grad!r}")
            continue
        for k in range(N_DIRECTIONS):
            u = rng.standard_normal(theta.size)
            u /= np.linalg.norm(u)
            up = bm.log_density(theta + FD_STEP * u, propto=False, jacobian=True)
            down = bm.log_density(theta - FD_STEP * u, propto=False, jacobian=True)
            fd = (up - down) / (2.0 * FD_STEP)
            an = float(grad @ u)
            # tolerance: relative to the directional derivative and the gradient's size, plus
            # the rounding error of differencing two values of size |lp|
            tol = (RTOL_GRAD * max(abs(an), np.linalg.norm(grad), 1.0)
                   + 1e3 * np.finfo(float).eps * abs(lp) / FD_STEP)
            if not abs(fd - an) <= tol:
                problems.append(f"point {i}, direction {k}: gradient . u = {an!r}, finite "
                                f"difference {fd!r} (diff {an - fd:.3g}, tol {tol:.3g})")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------------------------
# 5. constraining and names

@model_params
def test_param_constrain_matches_reference(case):
    bm = case.bm
    for i, theta in enumerate(case.points):
        ref = case.reference(theta)
        for include_tp, groups in ((False, [ref.params]), (True, [ref.params, ref.tparams])):
            names, want = flat_outputs(groups)
            assert bm.param_names(include_tp=include_tp) == names
            assert bm.param_num(include_tp=include_tp) == len(names)
            got = bm.param_constrain(theta, include_tp=include_tp)
            np.testing.assert_allclose(
                got, want, rtol=RTOL_VALUE, atol=1e-12,
                err_msg=f"point {i}, include_tp={include_tp}, names {names}")


@model_params
def test_unconstrained_size_and_generated_quantities(case):
    bm = case.bm
    ref = case.reference(case.points[0])
    assert bm.param_unc_num() == ref.n_unc
    names, want = flat_outputs([ref.params, ref.tparams, ref.gqs])
    assert bm.param_names(include_tp=True, include_gq=True) == names
    for i, theta in enumerate(case.points):
        ref = case.reference(theta)
        _, want = flat_outputs([ref.params, ref.tparams, ref.gqs])
        got = bm.param_constrain(theta, include_tp=True, include_gq=True, seed=1234 + i)
        assert got.shape == want.shape
        rng_drawn = np.isnan(want)
        assert np.all(np.isfinite(got[rng_drawn]))
        np.testing.assert_allclose(got[~rng_drawn], want[~rng_drawn], rtol=RTOL_VALUE,
                                   atol=1e-12, err_msg=f"point {i}, names {names}")


# ----------------------------------------------------------------------------------------------
# the reference's own transforms (no compiler involved)

def test_reference_simplex_matches_stan_transform():
    """The reference simplex (softmax of the Helmert sum-to-zero map) against the runtime's
    Stan 2.37 transform, and its log-Jacobian against finite differences."""
    from reference_models import simplex_from_unc
    from vilang.runtime.transforms import simplex_constrain
    rng = np.random.default_rng(0)
    for k in (2, 3, 5):
        x = rng.standard_normal(k - 1)
        y, lj = simplex_from_unc(x)
        out = np.empty(k)
        lj_rt = simplex_constrain(np.ascontiguousarray(x), out)
        np.testing.assert_allclose(y, out, rtol=1e-12)
        assert math.isclose(lj, lj_rt, rel_tol=1e-10, abs_tol=1e-12)
        h = 1e-6
        jac = np.column_stack([(simplex_from_unc(x + h * e)[0] - simplex_from_unc(x - h * e)[0])
                               / (2 * h) for e in np.eye(k - 1)])[: k - 1]
        assert math.isclose(lj, np.linalg.slogdet(jac)[1], rel_tol=1e-6, abs_tol=1e-6)


def test_reference_ordered_jacobians():
    from reference_models import Unc
    rng = np.random.default_rng(1)
    x = rng.standard_normal(3)
    for kind in ("ordered", "positive_ordered"):
        def f(v):
            return getattr(Unc(v), kind)("a", 3)
        h = 1e-6
        jac = np.column_stack([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(3)])
        u = Unc(x)
        getattr(u, kind)("a", 3)
        assert math.isclose(u.log_jac, np.linalg.slogdet(jac)[1], rel_tol=1e-6, abs_tol=1e-6)
