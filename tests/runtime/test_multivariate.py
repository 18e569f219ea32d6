"""Tests of the multivariate and GLM distributions (vilang.runtime.multivariate / .glm).

Generic over `FAMILIES`: every family needs a CASE here giving argument generators (one per
shape variant, fixed sizes, every argument drawn independently so draws can be mixed), an
independent reference log density, invalid arguments with the position `check` must report,
and a goodness-of-fit test of its generator.
"""
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

from vilang.runtime import glm as G  # noqa: F401  (registers the GLM families)
from vilang.runtime import multivariate as mv
from vilang.runtime.multivariate import FAMILIES

INT_KINDS = ("int", "ints", "int_array")


# ---------------------------------------------------------------------------------------------
# random valid values
# ---------------------------------------------------------------------------------------------

def spd(rng, k):
    A = rng.normal(size=(k, k))
    S = A @ A.T / k + 0.5 * np.eye(k)
    return 0.5 * (S + S.T)


def corr(rng, k):
    S = spd(rng, k)
    d = 1.0 / np.sqrt(np.diag(S))
    R = S * d[:, None] * d[None, :]
    R = 0.5 * (R + R.T)
    np.fill_diagonal(R, 1.0)
    return R


def chol(S):
    return np.ascontiguousarray(np.linalg.cholesky(S))


def simplex(rng, k):
    x = rng.gamma(3.0, size=k)
    return x / x.sum()


def ordered(rng, k):
    return np.cumsum(rng.uniform(0.4, 1.5, size=k)) - 0.8 * k


def softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


def rows(y, n):
    Y = np.atleast_2d(y)
    return np.broadcast_to(Y, (n, Y.shape[1]))


def nvec(*a):
    return max(np.atleast_2d(v).shape[0] for v in a)


# ---------------------------------------------------------------------------------------------
# independent reference densities
# ---------------------------------------------------------------------------------------------

def ref_mvn(y, mu, S):
    n = nvec(y, mu)
    return sum(st.multivariate_normal.logpdf(a, b, S) for a, b in zip(rows(y, n), rows(mu, n)))


def ref_student(y, nu, mu, S):
    n = nvec(y, mu)
    return sum(st.multivariate_t.logpdf(a, loc=b, shape=S, df=nu)
               for a, b in zip(rows(y, n), rows(mu, n)))


def ref_gp(y, L, w):
    S = L @ L.T
    return sum(st.multivariate_normal.logpdf(y[i], np.zeros(L.shape[0]), S / w[i])
               for i in range(y.shape[0]))


def ref_dirichlet(theta, alpha):
    n = nvec(theta, alpha)
    return sum(st.dirichlet.logpdf(t, a) for t, a in zip(rows(theta, n), rows(alpha, n)))


def log_lkj_normaliser(eta, K):
    """log of the integral of det(R)^(eta-1) over K x K correlation matrices
    (Lewandowski, Kurowicka and Joe 2009)."""
    s = 0.0
    for k in range(1, K):
        b = eta + 0.5 * (K - k - 1)
        s += (2 * eta - 2 + K - k) * (K - k) * math.log(2) + (K - k) * sp.betaln(b, b)
    return s


def ref_lkj(Om, eta):
    return (eta - 1) * np.linalg.slogdet(Om)[1] - log_lkj_normaliser(eta, Om.shape[0])


def ref_lkj_chol(L, eta):
    K = L.shape[0]
    jac = sum((K - i) * math.log(L[i - 1, i - 1]) for i in range(1, K + 1))
    return ref_lkj(L @ L.T, eta) + jac


def ref_wishart_chol(LW, nu, LS):
    k = LW.shape[0]
    jac = k * math.log(2) + sum((k - i + 1) * math.log(LW[i - 1, i - 1]) for i in range(1, k + 1))
    return st.wishart.logpdf(LW @ LW.T, df=nu, scale=LS @ LS.T) + jac


def ord_cuts(c, n):
    return rows(c, n)


def ref_ordered(k, eta, c, probit):
    kv = np.atleast_1d(k)
    ev = np.atleast_1d(eta)
    n = max(len(kv), len(ev), np.atleast_2d(c).shape[0])
    kv = np.broadcast_to(kv, n)
    ev = np.broadcast_to(ev, n)
    C = ord_cuts(c, n)
    total = 0.0
    for i in range(n):
        cc = np.concatenate([[-np.inf], C[i], [np.inf]])
        hi, lo = cc[kv[i]], cc[kv[i] - 1]
        if probit:
            p = st.norm.cdf(hi - ev[i]) - st.norm.cdf(lo - ev[i])
        else:
            p = sp.expit(hi - ev[i]) - sp.expit(lo - ev[i])
        total += math.log(p)
    return total


def dlm_joint(F, G_, V, W, m0, C0, T):
    """Mean and covariance of vec(y) (time-major) for the state-space model."""
    V = np.diag(V) if V.ndim == 1 else V
    n, r = F.shape
    Gp = [np.linalg.matrix_power(G_, t) for t in range(T + 1)]
    mean = np.concatenate([F.T @ Gp[t] @ m0 for t in range(1, T + 1)])
    cov = np.zeros((r * T, r * T))
    for t in range(1, T + 1):
        for u in range(1, T + 1):
            c = Gp[t] @ C0 @ Gp[u].T
            for s in range(1, min(t, u) + 1):
                c = c + Gp[t - s] @ W @ Gp[u - s].T
            blk = F.T @ c @ F + (V if t == u else 0.0)
            cov[(t - 1) * r:t * r, (u - 1) * r:u * r] = blk
    return mean, cov


def ref_dlm(y, F, G_, V, W, m0, C0):
    mean, cov = dlm_joint(F, G_, V, W, m0, C0, y.shape[1])
    return st.multivariate_normal.logpdf(y.T.reshape(-1), mean, cov)


def glm_eta(x, alpha, beta, n):
    X = np.atleast_2d(x)
    X = np.broadcast_to(X, (n, X.shape[1]))
    return X @ beta + alpha


def glm_n(y, x):
    return x.shape[0] if x.ndim == 2 else np.size(y)


# ---------------------------------------------------------------------------------------------
# the cases
# ---------------------------------------------------------------------------------------------

@dataclass
class Case:
    variants: list  # functions rng -> tuple of arguments (one per shape variant)
    ref: Callable
    invalid: list = field(default_factory=list)  # (function args -> args, expected position)
    rng_test: Callable = None
    dropped_variants: tuple = (0,)  # the variants whose propto bookkeeping is tested


def setarg(args, i, value):
    a = list(args)
    a[i] = value
    return tuple(a)


def mutate(i, fn):
    def m(args):
        return setarg(args, i, fn(np.array(args[i], copy=True)))
    return m


def nan_at(v):
    v.flat[0] = np.nan
    return v


def inf_at(v):
    v.flat[-1] = np.inf
    return v


def asym(v):
    v[0, -1] += 0.1
    return v


def not_pd(v):
    v = v.copy()
    v[0, 0] = -1.0
    return v


def drop_last(v):
    return v[..., :-1].copy()


def upper_nonzero(v):
    v[0, -1] = 0.3
    return v


def neg_diag(v):
    v[-1, -1] = -v[-1, -1]
    return v


K3 = 3


def _mvn_variants(matrix):
    def v1(r):
        return r.normal(size=K3), r.normal(size=K3), matrix(r)

    def v2(r):
        return r.normal(size=(4, K3)), r.normal(size=(4, K3)), matrix(r)

    def v3(r):
        return r.normal(size=(4, K3)), r.normal(size=K3), matrix(r)

    def v4(r):
        return r.normal(size=K3), r.normal(size=(4, K3)), matrix(r)
    return [v1, v2, v3, v4]


MVN_INVALID = [
    (mutate(0, nan_at), 1), (mutate(1, inf_at), 2), (mutate(1, drop_last), 2),
    (mutate(2, drop_last), 3)]


def draws(f, n, *args):
    mv.seed(20240611)
    return np.array([f(*args) for _ in range(n)])


def ks_ok(sample, cdf):
    assert st.kstest(sample, cdf).pvalue > 1e-3


def chisq_ok(counts, probs):
    counts = np.asarray(counts, float)
    exp = counts.sum() * np.asarray(probs)
    keep = exp > 5
    obs = np.append(counts[keep], counts[~keep].sum())
    ex = np.append(exp[keep], exp[~keep].sum())
    if ex[-1] == 0:
        obs, ex = obs[:-1], ex[:-1]
    stat = ((obs - ex) ** 2 / ex).sum()
    assert st.chi2.sf(stat, len(obs) - 1) > 1e-3


def rng_mvn_like(f, build_cov, args_of):
    def test(r):
        mu = r.normal(size=K3)
        M = build_cov(r)
        S_cov = M[1]
        s = draws(f, 3000, *args_of(mu, M[0]))
        a = r.normal(size=K3)
        ks_ok(s @ a, st.norm(a @ mu, math.sqrt(a @ S_cov @ a)).cdf)
        mv.seed(1)
        two = f(*args_of(np.stack([mu, mu + 5.0]), M[0]))
        assert two.shape == (2, K3) and np.all(np.isfinite(two))
    return test


def rng_student(r):
    mu = r.normal(size=K3)
    S = spd(r, K3)
    s = draws(mv.multi_student_t_rng, 3000, 4.5, mu, S)
    a = r.normal(size=K3)
    ks_ok(s @ a, st.t(4.5, a @ mu, math.sqrt(a @ S @ a)).cdf)


def rng_gp(r):
    L = chol(spd(r, 4))
    w = np.array([0.5, 2.0])
    s = draws(mv.multi_gp_cholesky_rng, 2000, L, w)
    a = r.normal(size=4)
    sd = math.sqrt(a @ L @ L.T @ a)
    z = np.concatenate([s[:, i, :] @ a * math.sqrt(w[i]) / sd for i in range(2)])
    ks_ok(z, st.norm.cdf)


def rng_dirichlet(r):
    for alpha in (np.array([2.0, 3.0, 1.5]), np.array([0.3, 0.6, 2.0])):
        s = draws(mv.dirichlet_rng, 3000, alpha)
        assert np.allclose(s.sum(axis=1), 1.0)
        ks_ok(s[:, 0], st.beta(alpha[0], alpha.sum() - alpha[0]).cdf)


def rng_dirmult(r):
    alpha = np.array([1.5, 0.7, 2.5])
    s = draws(mv.dirichlet_multinomial_rng, 3000, alpha, 12)
    assert np.all(s.sum(axis=1) == 12)
    counts = np.bincount(s[:, 0], minlength=13)
    chisq_ok(counts, st.betabinom(12, alpha[0], alpha.sum() - alpha[0]).pmf(np.arange(13)))
    assert mv.dirichlet_multinomial_rng(alpha, 0).sum() == 0


def rng_categorical(r):
    theta = simplex(r, 4)
    s = draws(mv.categorical_rng, 4000, theta)
    chisq_ok(np.bincount(s, minlength=5)[1:], theta)
    beta = r.normal(size=4)
    s = draws(mv.categorical_logit_rng, 4000, beta)
    chisq_ok(np.bincount(s, minlength=5)[1:], softmax(beta))


def rng_multinomial(r):
    theta = simplex(r, 4)
    for f, arg, p in ((mv.multinomial_rng, theta, theta),
                      (mv.multinomial_logit_rng, np.log(theta) + 0.7, theta)):
        s = draws(f, 3000, arg, 10)
        assert np.all(s.sum(axis=1) == 10)
        chisq_ok(np.bincount(s[:, 1], minlength=11), st.binom(10, p[1]).pmf(np.arange(11)))
        se = np.sqrt(10 * p * (1 - p) / len(s))
        assert np.all(np.abs(s.mean(axis=0) - 10 * p) < 5 * se)


def rng_lkj(r):
    K, eta = 4, 1.7
    b = eta - 1 + K / 2
    for f in (mv.lkj_corr_rng, mv.lkj_corr_cholesky_rng):
        s = draws(f, 3000, K, eta)
        if f is mv.lkj_corr_cholesky_rng:
            assert np.allclose(np.triu(s[0], 1), 0)
            s = np.einsum("nij,nkj->nik", s, s)
        assert np.allclose(np.diagonal(s, axis1=1, axis2=2), 1.0)
        ks_ok((s[:, 0, 2] + 1) / 2, st.beta(b, b).cdf)
        ks_ok((s[:, 1, 3] + 1) / 2, st.beta(b, b).cdf)


def rng_wishart(r):
    S = spd(r, 3)
    nu = 5.5
    s = draws(mv.wishart_rng, 3000, nu, S)
    ks_ok(s[:, 1, 1] / S[1, 1], st.chi2(nu).cdf)
    a = r.normal(size=3)
    ks_ok(np.einsum("i,nij,j->n", a, s, a) / (a @ S @ a), st.chi2(nu).cdf)
    L = chol(S)
    s = draws(mv.wishart_cholesky_rng, 3000, nu, L)
    assert np.allclose(np.triu(s[0], 1), 0) and np.all(np.diagonal(s, axis1=1, axis2=2) > 0)
    W = np.einsum("nij,nkj->nik", s, s)
    ks_ok(np.einsum("i,nij,j->n", a, W, a) / (a @ S @ a), st.chi2(nu).cdf)


def rng_inv_wishart(r):
    S = spd(r, 3)
    nu, k = 6.0, 3
    s = draws(mv.inv_wishart_rng, 3000, nu, S)
    assert np.allclose(s, np.swapaxes(s, 1, 2))
    ks_ok(s[:, 2, 2], st.invgamma((nu - k + 1) / 2, scale=S[2, 2] / 2).cdf)


def rng_ordered(probit):
    def test(r):
        c = ordered(r, 3)
        eta = 0.3
        f = mv.ordered_probit_rng if probit else mv.ordered_logistic_rng
        lp = mv.ordered_probit_lpmf if probit else mv.ordered_logistic_lpmf
        s = draws(f, 4000, eta, c)
        chisq_ok(np.bincount(s, minlength=5)[1:], [math.exp(lp(k, eta, c)) for k in range(1, 5)])
    return test


def rng_dlm(r):
    args = dlm_args(r, vector_v=False)
    _, F, G_, V, W, m0, C0 = args
    T = 3
    mean, cov = dlm_joint(F, G_, V, W, m0, C0, T)
    s = draws(mv.gaussian_dlm_obs_rng, 3000, F, G_, V, W, m0, C0, T)
    a = r.normal(size=mean.size)
    proj = np.array([x.T.reshape(-1) @ a for x in s])
    ks_ok(proj, st.norm(a @ mean, math.sqrt(a @ cov @ a)).cdf)
    v = np.diag(V).copy()
    mean, cov = dlm_joint(F, G_, v, W, m0, C0, T)
    s = draws(mv.gaussian_dlm_obs_rng, 2000, F, G_, v, W, m0, C0, T)
    proj = np.array([x.T.reshape(-1) @ a for x in s])
    ks_ok(proj, st.norm(a @ mean, math.sqrt(a @ cov @ a)).cdf)


def rng_bernoulli_glm(r):
    x = r.normal(size=(200, 3))
    beta = r.normal(size=3)
    p = sp.expit(x @ beta + 0.2)
    s = draws(G.bernoulli_logit_glm_rng, 40, x, 0.2, beta)
    z = (s - p).sum() / math.sqrt(40 * (p * (1 - p)).sum())
    assert abs(z) < 4
    assert G.bernoulli_logit_glm_rng(x[0], np.array([0.1]), beta).shape == (1,)


def dlm_args(r, vector_v, T=4):
    n, rr = 2, 2
    y = r.normal(size=(rr, T))
    F = r.normal(size=(n, rr))
    G_ = 0.8 * np.eye(n) + 0.1 * r.normal(size=(n, n))
    V = r.uniform(0.5, 1.5, size=rr) if vector_v else spd(r, rr)
    W = spd(r, n) * 0.5
    m0 = r.normal(size=n)
    C0 = spd(r, n)
    return y, F, G_, V, W, m0, C0


def glm_variants(make_y, extra):
    """x matrix / row vector, alpha scalar / vector, extra scalar / vector (sigma, phi)."""
    N, K = 7, 3

    def v1(r):
        return (make_y(r, N), r.normal(size=(N, K)), float(r.normal()), r.normal(size=K)) \
            + extra(r, None)

    def v2(r):
        return (make_y(r, N), r.normal(size=(N, K)), r.normal(size=N), r.normal(size=K)) \
            + extra(r, N)

    def v3(r):
        return (make_y(r, N), r.normal(size=K), float(r.normal()), r.normal(size=K)) \
            + extra(r, None)
    return [v1, v2, v3]


def no_extra(r, n):
    return ()


def pos_extra(r, n):
    return (float(r.uniform(0.5, 2.0)) if n is None else r.uniform(0.5, 2.0, size=n),)


def ref_normal_glm(y, x, alpha, beta, sigma):
    n = glm_n(y, x)
    return st.norm.logpdf(y, glm_eta(x, alpha, beta, n), sigma).sum()


def ref_bern_glm(y, x, alpha, beta):
    n = glm_n(y, x)
    return st.bernoulli.logpmf(np.broadcast_to(y, n), sp.expit(glm_eta(x, alpha, beta, n))).sum()


def ref_pois_glm(y, x, alpha, beta):
    n = glm_n(y, x)
    return st.poisson.logpmf(np.broadcast_to(y, n), np.exp(glm_eta(x, alpha, beta, n))).sum()


def ref_nb2_glm(y, x, alpha, beta, phi):
    n = glm_n(y, x)
    mu = np.exp(glm_eta(x, alpha, beta, n))
    return st.nbinom.logpmf(np.broadcast_to(y, n), phi, phi / (phi + mu)).sum()


def ref_cat_glm(y, x, alpha, beta):
    n = glm_n(y, x)
    X = np.broadcast_to(np.atleast_2d(x), (n, beta.shape[0]))
    lin = X @ beta + alpha
    yv = np.broadcast_to(y, n)
    return sum(lin[i, yv[i] - 1] - sp.logsumexp(lin[i]) for i in range(n))


def ref_ord_glm(y, x, beta, cuts):
    n = glm_n(y, x)
    return ref_ordered(np.broadcast_to(y, n), glm_eta(x, 0.0, beta, n), cuts, False)


def cat_glm_variants():
    N, K, C = 6, 3, 4

    def v1(r):
        return r.integers(1, C + 1, size=N), r.normal(size=(N, K)), r.normal(size=C), \
            r.normal(size=(K, C))

    def v2(r):
        return r.integers(1, C + 1, size=N), r.normal(size=K), r.normal(size=C), \
            r.normal(size=(K, C))

    def v3(r):
        return np.int64(2), r.normal(size=(N, K)), r.normal(size=C), r.normal(size=(K, C))
    return [v1, v2, v3]


def ord_glm_variants():
    N, K = 8, 3

    def v1(r):
        return r.integers(1, 5, size=N), r.normal(size=(N, K)), r.normal(size=K), ordered(r, 3)

    def v2(r):
        return r.integers(1, 5, size=N), r.normal(size=K), r.normal(size=K), ordered(r, 3)
    return [v1, v2]


def ord_variants():
    def v1(r):
        return np.int64(r.integers(1, 5)), float(r.normal()), ordered(r, 3)

    def v2(r):
        return r.integers(1, 5, size=6), r.normal(size=6), ordered(r, 3)

    def v3(r):
        return r.integers(1, 5, size=6), r.normal(size=6), np.stack([ordered(r, 3)
                                                                    for _ in range(6)])

    def v4(r):
        return np.array([1, 4, 2, 3, 4]), float(r.normal()), ordered(r, 3)
    return [v1, v2, v3, v4]


ORD_INVALID = [
    (lambda a: setarg(a, 0, np.int64(0)), 1), (lambda a: setarg(a, 0, np.int64(5)), 1),
    (lambda a: setarg(a, 1, np.inf), 2), (mutate(2, lambda c: c[::-1].copy()), 3),
    (mutate(2, inf_at), 3)]
ORD_INVALID_V = {
    1: [(lambda a: setarg(a, 1, a[1][:-1].copy()), 2)],
    2: [(lambda a: setarg(a, 1, a[1][:-1].copy()), 2),
        (lambda a: setarg(a, 2, a[2][:-1].copy()), 3)]}


def _wish_variant(r):
    return spd(r, 3), float(r.uniform(3.5, 7.0)), spd(r, 3)


def _wish_chol_variant(r):
    return chol(spd(r, 3)), float(r.uniform(3.5, 7.0)), chol(spd(r, 3))


WISH_INVALID = [(mutate(0, asym), 1), (lambda a: setarg(a, 1, 1.9), 2),
                (mutate(2, not_pd), 3), (mutate(2, lambda v: v[:2, :2].copy()), 3)]


def _glm_invalid(extra_pos):
    out = [(mutate(1, inf_at), 2), (mutate(3, drop_last), 4),
           (lambda a: setarg(a, 2, np.zeros(3)), 3)]
    if extra_pos:
        out.append((lambda a: setarg(a, extra_pos - 1, -1.0), extra_pos))
    return out


CASES = {
    "multi_normal": Case(_mvn_variants(lambda r: spd(r, K3))[:3], ref_mvn,
                         MVN_INVALID + [(mutate(2, asym), 3), (mutate(2, not_pd), 3)],
                         rng_mvn_like(mv.multi_normal_rng, lambda r: (spd(r, K3),) * 2,
                                      lambda mu, M: (mu, M))),
    "multi_normal_cholesky": Case(
        _mvn_variants(lambda r: chol(spd(r, K3)))[0:4:3],
        lambda y, mu, L: ref_mvn(y, mu, L @ L.T), MVN_INVALID,
        rng_mvn_like(mv.multi_normal_cholesky_rng,
                     lambda r: (lambda S: (chol(S), S))(spd(r, K3)), lambda mu, M: (mu, M))),
    "multi_normal_prec": Case(
        _mvn_variants(lambda r: spd(r, K3))[1:2],
        lambda y, mu, O: ref_mvn(y, mu, np.linalg.inv(O)),
        MVN_INVALID + [(mutate(2, asym), 3), (mutate(2, not_pd), 3)],
        rng_mvn_like(mv.multi_normal_prec_rng,
                     lambda r: (lambda O: (O, np.linalg.inv(O)))(spd(r, K3)),
                     lambda mu, M: (mu, M))),
    "multi_student_t": Case(
        [lambda r, v=v: (lambda a: (a[0], float(r.uniform(2.5, 9.0)), a[1], a[2]))(v(r))
         for v in _mvn_variants(lambda r: spd(r, K3))[0:3:2]],
        ref_student,
        [(mutate(0, nan_at), 1), (lambda a: setarg(a, 1, -1.0), 2),
         (lambda a: setarg(a, 1, np.nan), 2), (mutate(2, inf_at), 3),
         (mutate(2, drop_last), 3), (mutate(3, not_pd), 4), (mutate(3, asym), 4)],
        rng_student),
    "multi_gp_cholesky": Case(
        [lambda r: (r.normal(size=(2, 4)), chol(spd(r, 4)), r.uniform(0.5, 2.0, size=2))],
        ref_gp,
        [(mutate(0, inf_at), 1), (mutate(1, upper_nonzero), 2), (mutate(1, neg_diag), 2),
         (mutate(2, lambda w: -w), 3), (mutate(2, drop_last), 3),
         (mutate(1, lambda v: v[:3, :3].copy()), 2)],
        rng_gp),
    "dirichlet": Case(
        [lambda r: (simplex(r, 4), r.uniform(0.5, 3.0, size=4)),
         lambda r: (np.stack([simplex(r, 4) for _ in range(3)]), r.uniform(0.5, 3.0, size=4)),
         lambda r: (np.stack([simplex(r, 4) for _ in range(3)]),
                    r.uniform(0.5, 3.0, size=(3, 4)))],
        ref_dirichlet,
        [(mutate(0, lambda t: t * 1.01), 1), (mutate(0, lambda t: t - t.max()), 1),
         (mutate(1, lambda a: -a), 2), (mutate(1, drop_last), 2)],
        rng_dirichlet),
    "dirichlet_multinomial": Case(
        [lambda r: (r.integers(0, 6, size=4), r.uniform(0.5, 3.0, size=4)),
         lambda r: (np.zeros(4, dtype=np.int64), r.uniform(0.5, 3.0, size=4))],
        lambda n, a: (0.0 if n.sum() == 0 else
                      st.dirichlet_multinomial.logpmf(n, a, n.sum())),
        [(mutate(0, lambda n: n - 10), 1), (mutate(1, lambda a: 0 * a), 2),
         (mutate(1, inf_at), 2), (mutate(1, drop_last), 2)],
        rng_dirmult),
    "categorical": Case(
        [lambda r: (np.int64(r.integers(1, 5)), simplex(r, 4)),
         lambda r: (r.integers(1, 5, size=7), simplex(r, 4))],
        lambda y, t: np.sum(np.log(t[np.atleast_1d(y) - 1])),
        [(lambda a: setarg(a, 0, np.int64(0)), 1), (lambda a: setarg(a, 0, np.int64(5)), 1),
         (mutate(1, lambda t: 2 * t), 2), (mutate(1, nan_at), 2)],
        rng_categorical),
    "categorical_logit": Case(
        [lambda r: (np.int64(r.integers(1, 5)), r.normal(size=4)),
         lambda r: (r.integers(1, 5, size=7), r.normal(size=4))],
        lambda y, b: np.sum(np.log(softmax(b)[np.atleast_1d(y) - 1])),
        [(lambda a: setarg(a, 0, np.int64(5)), 1), (mutate(1, inf_at), 2)],
        rng_categorical),
    "multinomial": Case(
        [lambda r: (r.integers(0, 5, size=4), simplex(r, 4))],
        lambda y, t: st.multinomial.logpmf(y, y.sum(), t),
        [(mutate(0, lambda n: n - 10), 1), (mutate(1, lambda t: 2 * t), 2),
         (mutate(1, drop_last), 2)],
        rng_multinomial),
    "multinomial_logit": Case(
        [lambda r: (r.integers(0, 5, size=4), r.normal(size=4))],
        lambda y, g: st.multinomial.logpmf(y, y.sum(), softmax(g)),
        [(mutate(0, lambda n: n - 10), 1), (mutate(1, nan_at), 2), (mutate(1, drop_last), 2)],
        rng_multinomial),
    "lkj_corr": Case(
        [lambda r: (corr(r, 4), float(r.uniform(0.5, 3.0))), lambda r: (corr(r, 3), 1.0)],
        ref_lkj,
        [(mutate(0, lambda m: m * 1.5), 1), (mutate(0, asym), 1),
         (mutate(0, lambda m: np.eye(m.shape[0]) + 1.1 * (1 - np.eye(m.shape[0]))), 1),
         (lambda a: setarg(a, 1, 0.0), 2)],
        rng_lkj),
    "lkj_corr_cholesky": Case(
        [lambda r: (chol(corr(r, 4)), float(r.uniform(0.5, 3.0))),
         lambda r: (chol(corr(r, 3)), 1.0)],
        ref_lkj_chol,
        [(mutate(0, upper_nonzero), 1), (mutate(0, neg_diag), 1),
         (lambda a: setarg(a, 1, -1.0), 2)],
        rng_lkj),
    "wishart": Case([_wish_variant], lambda W, nu, S: st.wishart.logpdf(W, nu, S),
                    WISH_INVALID + [(mutate(0, not_pd), 1)], rng_wishart),
    "wishart_cholesky": Case(
        [_wish_chol_variant], ref_wishart_chol,
        [(mutate(0, upper_nonzero), 1), (lambda a: setarg(a, 1, 2.0), 2),
         (mutate(2, neg_diag), 3), (mutate(2, lambda v: v[:2, :2].copy()), 3)],
        rng_wishart),
    "inv_wishart": Case([_wish_variant], lambda W, nu, S: st.invwishart.logpdf(W, nu, S),
                        WISH_INVALID, rng_inv_wishart),
    "ordered_logistic": Case(ord_variants()[:3], lambda k, e, c: ref_ordered(k, e, c, False),
                             ORD_INVALID, rng_ordered(False)),
    "ordered_probit": Case(ord_variants()[0:3:2], lambda k, e, c: ref_ordered(k, e, c, True),
                           ORD_INVALID + [(lambda a: (np.int64(1), a[1], np.zeros(0)), 3)],
                           rng_ordered(True)),
    "gaussian_dlm_obs": Case(
        [lambda r: dlm_args(r, False), lambda r: dlm_args(r, True)], ref_dlm,
        [(mutate(0, nan_at), 1), (mutate(1, drop_last), 2),
         (mutate(2, lambda g: g[:, :1].copy()), 3), (mutate(3, not_pd), 4),
         (mutate(5, inf_at), 6), (mutate(6, not_pd), 7), (mutate(4, not_pd), 5),
         (mutate(4, asym), 5)],
        rng_dlm),
    "normal_id_glm": Case(
        glm_variants(lambda r, n: r.normal(size=n), pos_extra)
        + [lambda r: (float(r.normal()), r.normal(size=(5, 2)), 0.3, r.normal(size=2), 1.3)],
        ref_normal_glm,
        _glm_invalid(5) + [(mutate(0, drop_last), 1)], dropped_variants=(0, 1, 3)),
    "bernoulli_logit_glm": Case(
        glm_variants(lambda r, n: r.integers(0, 2, size=n), no_extra)[0:3:2]
        + [lambda r: (np.int64(1), r.normal(size=(5, 2)), 0.3, r.normal(size=2))],
        ref_bern_glm,
        _glm_invalid(0) + [(mutate(0, lambda y: y + 2), 1)], rng_bernoulli_glm),
    "poisson_log_glm": Case(
        glm_variants(lambda r, n: r.integers(0, 6, size=n), no_extra)[:2], ref_pois_glm,
        _glm_invalid(0) + [(mutate(0, lambda y: y - 7), 1)]),
    "neg_binomial_2_log_glm": Case(
        glm_variants(lambda r, n: r.integers(0, 6, size=n), pos_extra)[:2], ref_nb2_glm,
        _glm_invalid(5) + [(mutate(0, lambda y: y - 7), 1)], dropped_variants=(0, 1)),
    "categorical_logit_glm": Case(
        cat_glm_variants()[:2], ref_cat_glm,
        [(mutate(0, lambda y: y + 4), 1), (mutate(2, drop_last), 3),
         (mutate(3, lambda b: b[:-1].copy()), 4), (mutate(1, nan_at), 2)]),
    "ordered_logistic_glm": Case(
        ord_glm_variants(), ref_ord_glm,
        [(mutate(0, lambda y: y + 4), 1), (mutate(3, lambda c: c[::-1].copy()), 4),
         (mutate(2, drop_last), 3), (mutate(1, inf_at), 2)]),
}



def all_variants():
    for name in FAMILIES:
        for i in range(len(CASES[name].variants)):
            yield pytest.param(name, i, id=f"{name}-{i}")


def make(name, i, seed):
    return CASES[name].variants[i](np.random.default_rng(seed))


def real_positions(fam):
    return [j for j, k in enumerate(fam.kinds) if k not in INT_KINDS]


# ---------------------------------------------------------------------------------------------
# generic tests
# ---------------------------------------------------------------------------------------------

def test_every_family_has_a_case_and_metadata():
    assert set(FAMILIES) == set(CASES)
    expected = {"multi_normal", "multi_normal_cholesky", "multi_normal_prec", "multi_student_t",
                "multi_gp_cholesky", "dirichlet", "dirichlet_multinomial", "categorical",
                "categorical_logit", "multinomial", "multinomial_logit", "lkj_corr",
                "lkj_corr_cholesky", "wishart", "wishart_cholesky", "inv_wishart",
                "ordered_logistic", "ordered_probit", "gaussian_dlm_obs", "normal_id_glm",
                "bernoulli_logit_glm", "poisson_log_glm", "neg_binomial_2_log_glm",
                "categorical_logit_glm", "ordered_logistic_glm"}
    assert expected <= set(FAMILIES)
    for name, fam in FAMILIES.items():
        n = len(fam.args)
        assert len(fam.kinds) == len(fam.arg_conditions) == len(fam.constraints) == n
        assert all(isinstance(c, str) and c for c in fam.arg_conditions)
        assert fam.discrete == (fam.kinds[0] in INT_KINDS)
        assert fam.params == fam.args[1:]
        for f in (fam.lpdf, fam.lpdf_d, fam.dropped, fam.check):
            assert callable(f)
        if name.endswith("_glm"):
            assert "d_nox" in fam.extra
            assert (fam.rng is not None) == (name == "bernoulli_logit_glm")
        else:
            assert fam.rng is not None


@pytest.mark.parametrize("name,i", list(all_variants()))
def test_density_matches_reference(name, i):
    fam = FAMILIES[name]
    for seed in (1, 2):
        args = make(name, i, seed)
        assert fam.check(*args) == 0
        got = fam.lpdf(*args)
        want = CASES[name].ref(*args)
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9)


def direction(rng, value, layout):
    if np.ndim(value) == 0:
        return float(rng.normal())
    d = rng.normal(size=np.shape(value))
    if layout == "symmetric":
        d = 0.5 * (d + d.T)
    elif layout == "lower":
        d = np.tril(d)
    return d


def shifted(args, pos, dirs, h):
    out = list(args)
    for j, d in zip(pos, dirs):
        out[j] = args[j] + h * d
    return tuple(out)


@pytest.mark.parametrize("name,i", list(all_variants()))
def test_gradient_matches_finite_differences(name, i):
    fam = FAMILIES[name]
    rng = np.random.default_rng(7)
    args = make(name, i, 3)
    out = fam.lpdf_d(*args)
    assert out[0] == pytest.approx(fam.lpdf(*args), rel=1e-12, abs=1e-12)
    pos = real_positions(fam)
    grads = out[1:]
    assert len(grads) == len(pos)
    for j, g in zip(pos, grads):
        assert np.shape(g) == np.shape(args[j]), (fam.args[j], np.shape(g))
        if fam.grad_layout[j] == "symmetric":
            assert np.allclose(g, np.transpose(g))
        if fam.grad_layout[j] == "lower":
            assert np.all(np.triu(g, 1) == 0)
    dirs = [direction(rng, args[j], fam.grad_layout[j]) for j in pos]
    h = 1e-4
    f = [fam.lpdf(*shifted(args, pos, dirs, s * h)) for s in (-2, -1, 1, 2)]
    fd = (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * h)
    an = sum(float(np.sum(np.asarray(g) * d)) for g, d in zip(grads, dirs))
    assert an == pytest.approx(fd, rel=1e-6, abs=1e-6 * (1 + abs(out[0])))
    # each argument on its own (catches errors that cancel in the sum)
    for j, g, d in zip(pos, grads, dirs):
        f = [fam.lpdf(*shifted(args, [j], [d], s * h)) for s in (-2, -1, 1, 2)]
        fd = (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * h)
        assert float(np.sum(np.asarray(g) * d)) == pytest.approx(
            fd, rel=1e-6, abs=1e-6 * (1 + abs(out[0]))), fam.args[j]
    if "d_nox" in fam.extra:
        nox = fam.extra["d_nox"](*args)
        assert nox[0] == out[0]
        for a, b, j in zip(nox[1:], out[1:], pos):
            if fam.args[j] == "x":
                if np.ndim(args[j]) == 2:
                    assert np.shape(a) == (0, args[j].shape[1])
            else:
                assert np.allclose(a, b, rtol=1e-14, atol=0)


def flag_patterns(n_args, real_pos):
    pats = [tuple(False for _ in range(n_args)), tuple(j in real_pos for j in range(n_args))]
    for j in real_pos:
        pats.append(tuple(k == j for k in range(n_args)))
    rng = np.random.default_rng(0)
    for _ in range(4):
        pats.append(tuple(bool(rng.integers(2)) and k in real_pos for k in range(n_args)))
    return pats


@pytest.mark.parametrize("name,i", [p for p in all_variants()
                                    if p.values[1] in CASES[p.values[0]].dropped_variants])
def test_dropped_terms_do_not_depend_on_parameters(name, i):
    fam = FAMILIES[name]
    a1 = make(name, i, 11)
    a2 = make(name, i, 12)
    pos = real_positions(fam)
    for flags in flag_patterns(len(a1), pos):
        mixed = tuple(a2[j] if flags[j] else a1[j] for j in range(len(a1)))
        d1 = fam.dropped(*a1, *flags)
        d2 = fam.dropped(*mixed, *flags)
        assert np.isfinite(d1)
        assert d1 == pytest.approx(d2, rel=1e-10, abs=1e-10), flags
        if not any(flags):
            assert d1 == pytest.approx(fam.lpdf(*a1), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name,i", list(all_variants()))
def test_check_flags_invalid_arguments(name, i):
    fam = FAMILIES[name]
    args = make(name, i, 5)
    assert fam.check(*args) == 0
    if i != 0 and name not in ("ordered_logistic", "ordered_probit"):
        return
    invalid = CASES[name].invalid
    if name in ("ordered_logistic", "ordered_probit"):
        invalid = invalid if i == 0 else ORD_INVALID_V.get(i, [])
    assert invalid or i != 0
    for mut, want in invalid:
        bad = mut(args)
        assert fam.check(*bad) == want, (name, want)


@pytest.mark.parametrize("name", [n for n in FAMILIES if CASES[n].rng_test is not None])
def test_rng_goodness_of_fit(name):
    CASES[name].rng_test(np.random.default_rng(99))


def test_every_non_glm_family_has_an_rng_test():
    for name, fam in FAMILIES.items():
        if fam.rng is not None:
            assert CASES[name].rng_test is not None, name


# ---------------------------------------------------------------------------------------------
# specific behaviour
# ---------------------------------------------------------------------------------------------

def test_vectorised_multi_normal_is_sum_over_vectors():
    r = np.random.default_rng(3)
    y, mu, S = r.normal(size=(4, 3)), r.normal(size=(4, 3)), spd(r, 3)
    whole = mv.multi_normal_lpdf(y, mu, S)
    assert whole == pytest.approx(sum(mv.multi_normal_lpdf(y[i], mu[i], S) for i in range(4)))
    lp, dy, dmu, dS = mv.multi_normal_lpdf_d(y, mu[0], S)
    parts = [mv.multi_normal_lpdf_d(y[i], mu[0], S) for i in range(4)]
    assert np.allclose(dmu, sum(p[2] for p in parts))
    assert np.allclose(dS, sum(p[3] for p in parts))
    assert np.allclose(dy, np.stack([p[1] for p in parts]))


def test_categorical_int_and_array_agree():
    theta = np.array([0.2, 0.5, 0.3])
    y = np.array([1, 2, 2, 3])
    assert mv.categorical_lpmf(y, theta) == pytest.approx(
        sum(mv.categorical_lpmf(np.int64(k), theta) for k in y))
    assert mv.ordered_logistic_lpmf(np.array([2]), np.array([0.3]), np.array([-1.0, 1.0])) == \
        pytest.approx(mv.ordered_logistic_lpmf(np.int64(2), 0.3, np.array([-1.0, 1.0])))


def test_dropped_follows_stan_include_summand_structure():
    r = np.random.default_rng(4)
    y, mu, S = r.normal(size=(4, 3)), r.normal(size=3), spd(r, 3)
    logdet = np.linalg.slogdet(S)[1]
    # only mu a parameter: constant and log-determinant dropped, quadratic form kept
    assert mv.multi_normal_dropped(y, mu, S, False, True, False) == pytest.approx(
        -0.5 * 4 * 3 * math.log(2 * math.pi) - 0.5 * 4 * logdet)
    # everything a parameter: only the constant
    assert mv.multi_normal_dropped(y, mu, S, True, True, True) == pytest.approx(
        -0.5 * 4 * 3 * math.log(2 * math.pi))
    # wishart with only W a parameter: nu and Sigma terms dropped, |W| and trace terms kept
    W, nu = spd(r, 3), 5.0
    k = 3
    want = (-nu * k / 2 * math.log(2) - sp.multigammaln(nu / 2, k)
            - nu / 2 * np.linalg.slogdet(S)[1])
    assert mv.wishart_dropped(W, nu, S, True, False, False) == pytest.approx(want)
    # inv_wishart with only nu a parameter: Stan keeps every term but the trace term
    assert mv.inv_wishart_dropped(W, nu, S, False, True, False) == pytest.approx(
        -0.5 * np.trace(np.linalg.solve(W, S)))
    # normal_id_glm with beta a parameter and data sigma: constant and log(sigma) dropped
    x, beta, sig = r.normal(size=(5, 2)), r.normal(size=2), r.uniform(1, 2, size=5)
    yy = r.normal(size=5)
    assert G.normal_id_glm_dropped(yy, x, 0.1, beta, sig, False, False, False, True, False) \
        == pytest.approx(-2.5 * math.log(2 * math.pi) - np.log(sig).sum())
    # neg_binomial_2_log_glm with only phi a parameter: -lgamma(y+1) and y*eta dropped
    yi = r.integers(0, 5, size=5)
    eta = x @ beta + 0.1
    assert G.neg_binomial_2_log_glm_dropped(yi, x, 0.1, beta, 1.5, False, False, False, False,
                                            True) == pytest.approx(
        -sp.gammaln(yi + 1).sum() + (yi * eta).sum())
    # lkj_corr with Omega a parameter, eta data: the normalising constant is dropped
    Om = corr(r, 4)
    assert mv.lkj_corr_dropped(Om, 2.0, True, False) == pytest.approx(
        -log_lkj_normaliser(2.0, 4))


def test_lkj_constant_eta_one_branch_is_continuous():
    for K in (2, 3, 4, 5, 6):
        a = mv._lkj_constant(1.0, K)
        b = mv._lkj_constant(1.0 + 1e-9, K)
        assert a == pytest.approx(b, abs=1e-7)
        assert a == pytest.approx(-log_lkj_normaliser(1.0, K), abs=1e-10)


def test_special_functions():
    xs = np.concatenate([np.linspace(-60, 40, 401), [-38.0, -20.0, -19.99, 5.0, 5.01]])
    for x in xs:
        assert mv._log_Phi(x) == pytest.approx(sp.log_ndtr(x), rel=1e-12, abs=1e-300)
    for x in (1e-3, 0.3, 1.0, 2.5, 7.0, 10.0, 55.5, 1e4, -0.5, -2.7):
        assert mv._digamma(x) == pytest.approx(sp.digamma(x), rel=1e-13, abs=1e-14)
    # ordered_probit stays finite far in the tails
    c = np.array([-1.0, 0.5])
    for eta in (-45.0, 45.0):
        for k in (1, 2, 3):
            lp = mv.ordered_probit_lpmf(np.int64(k), eta, c)
            assert np.isfinite(lp) or lp == -np.inf


def test_glm_large_single_pass_matches_numpy():
    r = np.random.default_rng(8)
    N, K = 20000, 20
    x = r.normal(size=(N, K))
    beta = r.normal(size=K) * 0.1
    y = x @ beta + 0.5 + r.normal(size=N)
    lp, dy, dx, da, db, ds = G.normal_id_glm_lpdf_d_nox(y, x, 0.5, beta, 1.3)
    z = (y - x @ beta - 0.5) / 1.3
    assert lp == pytest.approx(st.norm.logpdf(y, x @ beta + 0.5, 1.3).sum(), rel=1e-10)
    assert np.allclose(db, x.T @ (z / 1.3), rtol=1e-9)
    assert da == pytest.approx(np.sum(z / 1.3), rel=1e-9)
    assert dx.shape == (0, K)


def test_invalid_points_give_minus_inf():
    S = np.array([[1.0, 2.0], [2.0, 1.0]])
    assert mv.multi_normal_lpdf(np.zeros(2), np.zeros(2), S) == -np.inf
    assert mv.wishart_lpdf(S, 3.0, np.eye(2)) == -np.inf


def test_seed_makes_draws_reproducible():
    S = np.array([[2.0, 0.3], [0.3, 1.0]])
    mv.seed(5)
    a = mv.multi_normal_rng(np.zeros(2), S)
    mv.seed(5)
    b = mv.multi_normal_rng(np.zeros(2), S)
    assert np.array_equal(a, b)


def test_out_of_support_values():
    bad = np.array([[1.0, 2.0], [2.0, 1.0]])
    assert np.all(np.isnan(mv.multi_normal_rng(np.zeros(2), bad)))
    assert np.all(np.isnan(mv.wishart_rng(0.5, np.eye(2))))
    assert mv.categorical_lpmf(np.int64(4), np.array([0.5, 0.5])) == -np.inf
    assert mv.ordered_logistic_lpmf(np.array([1, 9]), np.zeros(2), np.array([0.0])) == -np.inf
    x = np.ones((2, 2))
    assert G.categorical_logit_glm_lpmf(np.array([1, 3]), x, np.zeros(2), np.zeros((2, 2))) \
        == -np.inf
