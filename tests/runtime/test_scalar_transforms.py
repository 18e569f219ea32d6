"""The one-element transforms of scalar parameters (`constrain1`, `constrain1_vjp`) agree with
the array transforms they stand in for (to rounding: the kernels are compiled with fastmath's
contraction, so a fused multiply-add may land on the other side of the last bit)."""
import math

import numpy as np
import pytest

from vilang.runtime.transforms import TRANSFORMS

INF = math.inf
CASES = {
    "lower": [(0.0,), (-INF,), (-3.5,)],
    "upper": [(0.0,), (INF,), (2.0,)],
    "lower_upper": [(0.0, 1.0), (-INF, 1.0), (0.0, INF), (-INF, INF), (2.0, 1.0), (-1.0, 3.0)],
    "offset_multiplier": [(0.0, 1.0), (1.5, 2.0), (0.0, -1.0), (INF, 1.0)],
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_scalar_transform_matches_array(kind):
    t = TRANSFORMS[kind]
    for bounds in CASES[kind]:
        for x in (-2.0, -0.3, 0.0, 0.7, 3.0):
            for value_bar, lj_bar in ((1.3, 1.0), (-0.4, 0.0)):
                arrays = [np.array([b]) for b in bounds]
                out = np.empty(1)
                lj = t.constrain(np.array([x]), *arrays, out)
                value, lj1 = t.constrain1(x, *bounds)
                np.testing.assert_allclose([value, lj1], [out[0], lj], rtol=1e-14)
                x_bar = np.zeros(1)
                bars = [np.zeros(1) for _ in bounds]
                t.constrain_vjp(np.array([x]), *arrays, out, np.array([value_bar]), lj_bar,
                                x_bar, *bars)
                got = t.constrain1_vjp(x, *bounds, value_bar, lj_bar)
                np.testing.assert_allclose(list(got), [x_bar[0]] + [b[0] for b in bars],
                                           rtol=1e-14)
