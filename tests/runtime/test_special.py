"""vilang.runtime.special against scipy.special (and finite differences for derivatives)."""
import math

import mpmath
import numpy as np
import pytest
import scipy.special as sc

from vilang.runtime import special as S


def close(a, b, rtol=1e-12, atol=0.0):
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


@pytest.mark.parametrize("x", [1e-8, 0.3, 1.4616321449683622, 2.5, 9.99, 10.0, 57.3, 1e6, 1e12,
                               -0.5, -3.7, -10.25])
def test_digamma(x):
    assert close(S.digamma(x), sc.digamma(x), rtol=1e-13, atol=1e-14)


def test_digamma_poles_and_shift_diff():
    assert math.isnan(S.digamma(0.0)) and math.isnan(S.digamma(-2.0))
    for x, n in [(0.3, 5.0), (1e6, 3.0), (2.5, 100.0), (7.0, 0.0)]:
        ref = math.fsum(1.0 / (x + k) for k in range(int(n)))  # exact (scipy's cancels)
        assert close(S.digamma_shift_diff(x, n), ref, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("a,b", [(0.5, 0.5), (3.0, 4.0), (1e3, 2.0), (1e6, 1e6), (5.0, 1e8),
                                 (20.0, 30.0), (1e-5, 3.0), (12.0, 9.5)])
def test_lbeta(a, b):
    assert close(S.lbeta(a, b), sc.betaln(a, b), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("n,k", [(10.0, 3.0), (100.0, 50.0), (1e6, 3.0), (5.5, 2.2), (7.0, 7.0),
                                 (7.0, 0.0), (30.0, 1.0), (1e9, 1e3)])
def test_lchoose(n, k):
    with mpmath.workdps(40):
        ref = float(mpmath.loggamma(n + 1) - mpmath.loggamma(k + 1) - mpmath.loggamma(n - k + 1))
    assert close(S.lchoose(n, k), ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("x", [-1e4, -100.0, -40.0, -37.5, -36.0, -10.0, -1.0, 0.0, 3.0, 6.0,
                               10.0, 40.0])
def test_normal(x):
    assert close(S.log_Phi(x), sc.log_ndtr(x), rtol=1e-13, atol=1e-300)
    assert close(S.Phi(x), sc.ndtr(x), rtol=1e-12, atol=1e-300)
    with mpmath.workdps(40):
        ref = float(mpmath.npdf(x) / mpmath.ncdf(x))
    assert close(S.dlog_Phi(x), ref, rtol=1e-12)


def test_log_helpers():
    for x in [-800.0, -30.0, -1.0, 0.0, 1e-10, 2.0, 50.0, 800.0]:
        assert close(S.log1p_exp(x), np.logaddexp(0.0, x), rtol=1e-14, atol=1e-300)
        assert close(S.log_inv_logit(x), -np.logaddexp(0.0, -x), rtol=1e-14, atol=1e-300)
        assert close(S.inv_logit(x), sc.expit(x), rtol=1e-14)
    for x in [-800.0, -30.0, -1.0, -0.5, -1e-10]:
        with mpmath.workdps(40):
            ref = float(mpmath.log(1 - mpmath.exp(x)))
        assert close(S.log1m_exp(x), ref, rtol=1e-14)
    assert S.log1m_exp(0.0) == -math.inf and math.isnan(S.log1m_exp(0.1))
    assert close(S.log_sum_exp(-1000.0, -1001.0), np.logaddexp(-1000.0, -1001.0), rtol=1e-15)
    assert close(S.log_diff_exp(3.0, 2.0), math.log(math.exp(3.0) - math.exp(2.0)), rtol=1e-14)
    assert S.log_diff_exp(1.0, 1.0) == -math.inf
    assert S.xlogy(0.0, 0.0) == 0.0 and S.xlog1py(0.0, -1.0) == 0.0


GAMMA_POINTS = [(0.5, 0.1), (0.5, 3.0), (3.0, 1.0), (3.0, 10.0), (100.0, 90.0), (100.0, 130.0),
                (1e4, 1e4 + 50.0), (1e-3, 0.5), (2.0, 1e-5), (30.0, 200.0), (0.1, 40.0),
                (250.0, 10.0)]


@pytest.mark.parametrize("a,x", GAMMA_POINTS)
def test_incomplete_gamma(a, x):
    lp, lq, dpa, dqa, dpx, dqx = S.log_gamma_pq_d(a, x)
    assert close(lp, math.log(sc.gammainc(a, x)), rtol=1e-11, atol=1e-15)
    ref_q = sc.gammaincc(a, x)
    if ref_q > 1e-300:
        assert close(lq, math.log(ref_q), rtol=1e-11, atol=1e-14)
    # derivatives against finite differences of the scipy values (where well conditioned)
    h = 1e-5 * a
    for got, fun in ((dpa, sc.gammainc), (dqa, sc.gammaincc)):
        lo, hi = fun(a - h, x), fun(a + h, x)
        if min(lo, hi) > 1e-250:
            fd = (math.log(hi) - math.log(lo)) / (2 * h)
            assert close(got, fd, rtol=1e-5, atol=1e-9)
    ldens = (a - 1) * math.log(x) - x - sc.gammaln(a)
    if sc.gammainc(a, x) > 0:
        assert close(dpx, math.exp(ldens - math.log(sc.gammainc(a, x))), rtol=1e-10)


BETA_POINTS = [(0.5, 0.5, 0.3), (2.0, 3.0, 0.9), (100.0, 200.0, 0.3), (1.0, 1.0, 0.5),
               (50.0, 0.5, 0.99), (0.1, 0.2, 1e-5), (1e3, 1e3, 0.45), (5.0, 1e4, 1e-3),
               (3.0, 7.0, 0.999999)]


@pytest.mark.parametrize("a,b,x", BETA_POINTS)
def test_incomplete_beta(a, b, x):
    li, lj, dia, dib, dja, djb, dix, djx = S.log_inc_beta_d(a, b, x, 1.0 - x, True)
    assert close(li, math.log(sc.betainc(a, b, x)), rtol=1e-11, atol=1e-13)
    assert close(lj, math.log(sc.betaincc(a, b, x)), rtol=1e-11, atol=1e-13)
    for got, k in ((dia, 0), (dib, 1)):
        h = 1e-5 * (a, b)[k]
        for got2, fun in ((got, sc.betainc), ((dja, djb)[k], sc.betaincc)):
            up = [a, b]
            dn = [a, b]
            up[k] += h
            dn[k] -= h
            fd = (math.log(fun(*up, x)) - math.log(fun(*dn, x))) / (2 * h)
            assert close(got2, fd, rtol=1e-5, atol=1e-8)
    # the value-only path agrees
    li2, lj2 = S.log_inc_beta_d(a, b, x, 1.0 - x, False)[:2]
    assert close(li2, li, rtol=1e-11, atol=1e-15) and close(lj2, lj, rtol=1e-11, atol=1e-15)


@pytest.mark.parametrize("h,a", [(0.5, 0.3), (2.0, 5.0), (0.0, 3.0), (10.0, 0.5), (3.0, -2.0),
                                 (0.1, 100.0), (6.0, 1.0), (1.0, 1.5), (-2.0, 0.7), (8.0, 20.0)])
def test_owens_t(h, a):
    assert close(S.owens_t(h, a), sc.owens_t(h, a), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("x", [0.0, 1e-3, 1.0, 10.0, 19.99, 20.0, 50.0, 700.0, 1e4])
def test_bessel_i0(x):
    li0, ratio = S.log_bessel_i0_ratio(x)
    assert close(li0, math.log(sc.i0e(x)) + x, rtol=1e-13, atol=1e-15)
    assert close(ratio, sc.i1e(x) / sc.i0e(x), rtol=1e-13, atol=1e-300)
