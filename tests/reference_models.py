"""Independent numpy/scipy reference implementations of every example model's log density.

Each reference is a plain function `ref(x, data) -> RefResult` of the UNCONSTRAINED vector `x`
and the data (a dict of numpy arrays, as read from the model's Stan-format JSON).  It is written
from the model text (`examples/**/*.vi`) and, for the posteriordb models, the plain-English math
in `../shared/posteriordb/<name>/info.json`; nothing here calls the compiler or its runtime.

Conventions, as in Stan (and so as vilang must do):

* `RefResult.lp` is the log density with ALL constants (what `log_density(propto=False,
  jacobian=False)` returns): every `~` statement counts as its full `_lpdf`/`_lpmf`.
* `RefResult.log_jac` is the log absolute Jacobian of the constraining transforms; with the
  Jacobian on, the log density is `lp + log_jac`.
* The unconstrained vector holds the parameters in declaration order; array elements
  row-major (no model here has a matrix parameter).  The `Unc` reader below walks it and
  applies Stan's transforms (Stan Reference Manual, "Constraint Transforms"; the simplex is
  Stan >= 2.37's softmax of the isometric sum-to-zero map).
* `params`, `tparams`, `gqs` map each output variable to its value with its natural shape
  (an `array[K] vector[K]` is a K x K array indexed [k, j]); `stan_flatten` / `stan_names` give
  Stan's flat column-major order and names (`theta[1,2]`).  Generated quantities drawn from an
  RNG are NaN (their names are checked, their values are not).

`REFERENCES` maps each model's file stem to its reference; `POINTS` gives, for models where
standard-normal unconstrained points are numerically wild, the centre (per parameter, on the
unconstrained scale) and scale of the random test points.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
from scipy import linalg, special, stats

LOG_2PI = math.log(2.0 * math.pi)


# ----------------------------------------------------------------------------------------------
# results and Stan's flattening

@dataclass
class RefResult:
    lp: float                              # log density, all constants, no Jacobian
    log_jac: float                         # log |J| of the constraining transforms
    params: dict                           # name -> constrained value (natural shape)
    tparams: dict = field(default_factory=dict)
    gqs: dict = field(default_factory=dict)
    layout: dict = field(default_factory=dict)   # name -> slice of the unconstrained vector
    n_unc: int = 0                         # unconstrained reals the reference consumed

    @property
    def lp_jacobian(self) -> float:
        return self.lp + self.log_jac


def stan_names(name: str, shape: tuple) -> list[str]:
    """Stan's element names in its flat order: column-major, 1-based (`a[1,1]`, `a[2,1]`, ...)."""
    if not shape:
        return [name]
    out = []
    for rev in itertools.product(*[range(n) for n in reversed(shape)]):
        idx = reversed(rev)
        out.append(f"{name}[{','.join(str(i + 1) for i in idx)}]")
    return out


def stan_flatten(value) -> np.ndarray:
    """A value in Stan's flat (column-major) order."""
    return np.asarray(value, dtype=np.float64).flatten(order="F")


def flat_outputs(groups: list[dict]) -> tuple[list[str], np.ndarray]:
    names, values = [], []
    for group in groups:
        for name, value in group.items():
            value = np.asarray(value, dtype=np.float64)
            names.extend(stan_names(name, value.shape))
            values.append(stan_flatten(value))
    return names, (np.concatenate(values) if values else np.zeros(0))


# ----------------------------------------------------------------------------------------------
# Stan's constraining transforms, walking the unconstrained vector

def log_inv_logit(x):
    return -np.logaddexp(0.0, -x)


def inv_logit(x):
    return special.expit(x)


def helmert_basis(k: int) -> np.ndarray:
    """K x (K-1) orthonormal basis of {z : sum z = 0}: column i (1-based) is
    (1, ..., 1 (i times), -i, 0, ..., 0) / sqrt(i (i + 1)), Stan's sum_to_zero_constrain."""
    v = np.zeros((k, k - 1))
    for i in range(1, k):
        v[:i, i - 1] = 1.0
        v[i, i - 1] = -float(i)
        v[:, i - 1] /= math.sqrt(i * (i + 1.0))
    return v


def simplex_from_unc(x):
    """(simplex, log|J|) for Stan >= 2.37: y = softmax(V x); log|J| (w.r.t. the first K-1
    coordinates) = sum(log y) + 0.5 * log(K)."""
    x = np.asarray(x, dtype=np.float64)
    k = x.size + 1
    z = helmert_basis(k) @ x
    log_y = z - special.logsumexp(z)
    return np.exp(log_y), float(np.sum(log_y) + 0.5 * math.log(k))


class Unc:
    """Reads parameters off the unconstrained vector in declaration order, accumulating the
    log-Jacobian and recording each parameter's slice."""

    def __init__(self, x):
        self.x = np.asarray(x, dtype=np.float64)
        self.pos = 0
        self.log_jac = 0.0
        self.params: dict = {}
        self.layout: dict = {}

    def _take(self, name, n):
        if self.pos + n > self.x.size:
            raise ValueError(f"reference wants more than {self.x.size} unconstrained reals "
                             f"(at parameter '{name}')")
        v = self.x[self.pos:self.pos + n].copy()
        self.layout[name] = slice(self.pos, self.pos + n)
        self.pos += n
        return v

    def _store(self, name, value, shape):
        value = np.asarray(value, dtype=np.float64).reshape(shape)   # row-major (arrays)
        self.params[name] = value if shape else float(value)
        return self.params[name]

    def real(self, name, shape=()):
        return self._store(name, self._take(name, int(np.prod(shape, dtype=int))), shape)

    def lower(self, name, lb, shape=()):
        v = self._take(name, int(np.prod(shape, dtype=int)))
        self.log_jac += float(np.sum(v))
        return self._store(name, lb + np.exp(v), shape)

    def lower_upper(self, name, lb, ub, shape=()):
        v = self._take(name, int(np.prod(shape, dtype=int)))
        self.log_jac += float(np.sum(np.log(ub - lb) + log_inv_logit(v) + log_inv_logit(-v)))
        return self._store(name, lb + (ub - lb) * inv_logit(v), shape)

    def ordered(self, name, k):
        v = self._take(name, k)
        self.log_jac += float(np.sum(v[1:]))
        y = np.concatenate([[v[0]], v[0] + np.cumsum(np.exp(v[1:]))])
        return self._store(name, y, (k,))

    def positive_ordered(self, name, k):
        v = self._take(name, k)
        self.log_jac += float(np.sum(v))
        return self._store(name, np.cumsum(np.exp(v)), (k,))

    def simplex(self, name, k):
        y, lj = simplex_from_unc(self._take(name, k - 1))
        self.log_jac += lj
        return self._store(name, y, (k,))

    def result(self, lp, tparams=None, gqs=None) -> RefResult:
        if self.pos != self.x.size:
            raise ValueError(f"reference consumed {self.pos} unconstrained reals, "
                             f"the vector has {self.x.size}")
        return RefResult(float(lp), self.log_jac, self.params, tparams or {}, gqs or {},
                         self.layout, self.pos)


# ----------------------------------------------------------------------------------------------
# log densities with all constants (summed over vectorised arguments)

def normal_lpdf(y, mu, sigma):
    return float(np.sum(stats.norm.logpdf(y, mu, sigma)))


def cauchy_lpdf(y, mu, sigma):
    return float(np.sum(stats.cauchy.logpdf(y, mu, sigma)))


def student_t_lpdf(y, nu, mu, sigma):
    return float(np.sum(stats.t.logpdf(y, nu, mu, sigma)))


def student_t_lccdf(y, nu, mu, sigma):
    return float(np.sum(stats.t.logsf(y, nu, mu, sigma)))


def gamma_lpdf(y, shape, rate):
    return float(np.sum(stats.gamma.logpdf(y, shape, scale=1.0 / rate)))


def inv_gamma_lpdf(y, shape, scale):
    return float(np.sum(stats.invgamma.logpdf(y, shape, scale=scale)))


def beta_lpdf(y, a, b):
    return float(np.sum(stats.beta.logpdf(y, a, b)))


def exponential_lpdf(y, rate):
    return float(np.sum(stats.expon.logpdf(y, scale=1.0 / np.asarray(rate, dtype=float))))


def dirichlet_lpdf(theta, alpha):
    theta, alpha = np.asarray(theta, float), np.asarray(alpha, float)
    return float(special.gammaln(alpha.sum()) - special.gammaln(alpha).sum()
                 + np.sum((alpha - 1.0) * np.log(theta)))


def poisson_log_lpmf(k, eta):
    k = np.asarray(k, float)
    return float(np.sum(k * eta - np.exp(eta) - special.gammaln(k + 1.0)))


def bernoulli_logit_lpmf(y, eta):
    y = np.asarray(y, float)
    return float(np.sum(y * log_inv_logit(eta) + (1.0 - y) * log_inv_logit(-eta)))


def multi_normal_cholesky_lpdf(y, mu, chol):
    r = linalg.solve_triangular(chol, np.asarray(y, float) - mu, lower=True)
    return float(-0.5 * y.size * LOG_2PI - np.sum(np.log(np.diag(chol))) - 0.5 * r @ r)


def log_mix(theta, l1, l2):
    return np.logaddexp(math.log(theta) + l1, math.log1p(-theta) + l2)


def sample_sd(v):
    return float(np.std(v, ddof=1))


def hmm_forward(log_emission, log_trans):
    """log p(y) by the forward algorithm with no initial-state term (as the models have it):
    g[1,k] = e[1,k]; g[t,k] = log_sum_exp_j(g[t-1,j] + log_trans[j,k] + e[t,k])."""
    g = log_emission[0].copy()
    for t in range(1, log_emission.shape[0]):
        g = special.logsumexp(g[:, None] + log_trans, axis=0) + log_emission[t]
    return float(special.logsumexp(g))


def gp_exp_quad_cov(x, alpha, rho):
    x = np.asarray(x, float)
    return alpha ** 2 * np.exp(-((x[:, None] - x[None, :]) ** 2) / (2.0 * rho ** 2))


def nan_like(shape):
    return np.full(shape, np.nan)


# ----------------------------------------------------------------------------------------------
# examples/ (top level)

def ref_eight_schools(x, d):
    u = Unc(x)
    J = int(d["J"])
    mu = u.real("mu")
    tau = u.lower("tau", 0.0)
    theta_tilde = u.real("theta_tilde", (J,))
    theta = mu + tau * theta_tilde
    lp = (normal_lpdf(mu, 0, 5) + cauchy_lpdf(tau, 0, 5) + normal_lpdf(theta_tilde, 0, 1)
          + normal_lpdf(d["y"], theta, d["sigma"]))
    return u.result(lp, {"theta": theta}, {"y_rep": nan_like((J,))})


def ref_linear_regression(x, d):
    u = Unc(x)
    K = int(d["K"])
    alpha = u.real("alpha")
    beta = u.real("beta", (K,))
    sigma = u.lower("sigma", 0.0)
    mu = alpha + d["x"] @ beta
    lp = (normal_lpdf(alpha, 0, 10) + normal_lpdf(beta, 0, 10) + normal_lpdf(sigma, 0, 5)
          + normal_lpdf(d["y"], mu, sigma))
    return u.result(lp, {}, {"mu": mu, "y_new": np.nan})


def ref_logistic_regression(x, d):
    u = Unc(x)
    alpha = u.real("alpha")
    beta = u.real("beta", (int(d["D"]),))
    eta = alpha + d["X"] @ beta
    loglik = bernoulli_logit_lpmf(d["y"], eta)
    lp = normal_lpdf(alpha, 0, 2.5) + normal_lpdf(beta, 0, 1) + loglik
    return u.result(lp, {}, {"log_lik_sum": loglik})


# ----------------------------------------------------------------------------------------------
# examples/posteriordb/

def ref_arK(x, d):
    u = Unc(x)
    K, T, y = int(d["K"]), int(d["T"]), d["y"]
    alpha = u.real("alpha")
    beta = u.real("beta", (K,))
    sigma = u.lower("sigma", 0.0)
    # mu[t] = alpha + sum_k beta[k] * y[t-k], t = K+1..T (1-based)
    lags = np.column_stack([y[K - k:T - k] for k in range(1, K + 1)])
    mu = alpha + lags @ beta
    lp = (normal_lpdf(alpha, 0, 10) + normal_lpdf(beta, 0, 10) + cauchy_lpdf(sigma, 0, 2.5)
          + normal_lpdf(y[K:], mu, sigma))
    return u.result(lp)


def ref_arma11(x, d):
    u = Unc(x)
    T, y = int(d["T"]), d["y"]
    mu = u.real("mu")
    phi = u.real("phi")
    theta = u.real("theta")
    sigma = u.lower("sigma", 0.0)
    err = np.empty(T)
    err[0] = y[0] - (mu + phi * mu)
    for t in range(1, T):
        err[t] = y[t] - (mu + phi * y[t - 1] + theta * err[t - 1])
    lp = (normal_lpdf(mu, 0, 10) + normal_lpdf(phi, 0, 2) + normal_lpdf(theta, 0, 2)
          + cauchy_lpdf(sigma, 0, 2.5) + normal_lpdf(err, 0, sigma))
    return u.result(lp)


def _hmm_drive(x, d, ordered_kind, emission):
    u = Unc(x)
    K = int(d["K"])
    assert K == 2, "the model is written for K = 2"
    theta1 = u.simplex("theta1", K)
    theta2 = u.simplex("theta2", K)
    phi = getattr(u, ordered_kind)("phi", K)
    lam = getattr(u, ordered_kind)("lambda", K)
    theta = np.vstack([theta1, theta2])            # theta[j, k] = P(z_t = k | z_{t-1} = j)
    alpha = np.asarray(d["alpha"], float)
    lp = sum(dirichlet_lpdf(theta[k], alpha[k]) for k in range(K))
    lp += normal_lpdf(phi[0], 0, 1) + normal_lpdf(phi[1], 3, 1)
    lp += normal_lpdf(lam[0], 0, 1) + normal_lpdf(lam[1], 3, 1)
    e = emission(np.asarray(d["u"], float), np.asarray(d["v"], float), phi, lam, d)
    lp += hmm_forward(e, np.log(theta))
    return u.result(lp, {"theta": theta})


def ref_hmm_drive_0(x, d):
    def emission(uu, vv, phi, lam, d):
        # exponential_lpdf(u | phi[k]) + exponential_lpdf(v | lambda[k]) for every (t, k)
        return (stats.expon.logpdf(uu[:, None], scale=1.0 / phi[None, :])
                + stats.expon.logpdf(vv[:, None], scale=1.0 / lam[None, :]))
    return _hmm_drive(x, d, "positive_ordered", emission)


def ref_hmm_drive_1(x, d):
    def emission(uu, vv, phi, lam, d):
        return (stats.norm.logpdf(uu[:, None], phi[None, :], float(d["tau"]))
                + stats.norm.logpdf(vv[:, None], lam[None, :], float(d["rho"])))
    return _hmm_drive(x, d, "ordered", emission)


def ref_diamonds(x, d):
    u = Unc(x)
    X = np.asarray(d["X"], float)
    Kc = int(d["K"]) - 1
    means_X = X[:, 1:].mean(axis=0)
    Xc = X[:, 1:] - means_X
    b = u.real("b", (Kc,))
    intercept = u.real("Intercept")
    sigma = u.lower("sigma", 0.0)
    lp = 0.0
    if not int(d["prior_only"]):
        lp += normal_lpdf(d["Y"], intercept + Xc @ b, sigma)
    lp += normal_lpdf(b, 0, 1)
    lp += student_t_lpdf(intercept, 3, 8, 10)
    lp += student_t_lpdf(sigma, 3, 0, 10) - student_t_lccdf(0.0, 3, 0, 10)
    return u.result(lp, {}, {"b_Intercept": intercept - means_X @ b})


def _regression(x, d, response, columns, sigma_prior=None):
    """beta[1] + sum_i beta[i+1] * columns[i] ~ normal(., sigma), flat or given sigma prior."""
    u = Unc(x)
    beta = u.real("beta", (len(columns) + 1,))
    sigma = u.lower("sigma", 0.0)
    mu = beta[0] + sum(b * c for b, c in zip(beta[1:], columns))
    lp = normal_lpdf(response, mu, sigma)
    if sigma_prior is not None:
        lp += sigma_prior(sigma)
    return u.result(lp)


def ref_earn_height(x, d):
    return _regression(x, d, d["earn"], [d["height"]])


def ref_log10earn_height(x, d):
    return _regression(x, d, np.log10(d["earn"]), [d["height"]])


def ref_logearn_interaction_z(x, d):
    height, male = np.asarray(d["height"], float), np.asarray(d["male"], float)
    z_height = (height - height.mean()) / sample_sd(height)
    return _regression(x, d, np.log(d["earn"]), [z_height, male, z_height * male])


def ref_eight_schools_centered(x, d):
    u = Unc(x)
    J = int(d["J"])
    theta = u.real("theta", (J,))
    mu = u.real("mu")
    tau = u.lower("tau", 0.0)
    lp = (normal_lpdf(mu, 0, 5) + cauchy_lpdf(tau, 0, 5) + normal_lpdf(theta, mu, tau)
          + normal_lpdf(d["y"], theta, d["sigma"]))
    return u.result(lp)


def ref_eight_schools_noncentered(x, d):
    u = Unc(x)
    J = int(d["J"])
    theta_trans = u.real("theta_trans", (J,))
    mu = u.real("mu")
    tau = u.lower("tau", 0.0)
    theta = mu + tau * theta_trans
    lp = (normal_lpdf(theta_trans, 0, 1) + normal_lpdf(mu, 0, 5) + cauchy_lpdf(tau, 0, 5)
          + normal_lpdf(d["y"], theta, d["sigma"]))
    return u.result(lp, {"theta": theta})


def ref_garch11(x, d):
    u = Unc(x)
    T, y = int(d["T"]), np.asarray(d["y"], float)
    mu = u.real("mu")
    alpha0 = u.lower("alpha0", 0.0)
    alpha1 = u.lower_upper("alpha1", 0.0, 1.0)
    beta1 = u.lower_upper("beta1", 0.0, 1.0 - alpha1)
    s = np.empty(T)
    s[0] = float(d["sigma1"])
    for t in range(1, T):
        s[t] = math.sqrt(alpha0 + alpha1 * (y[t - 1] - mu) ** 2 + beta1 * s[t - 1] ** 2)
    return u.result(normal_lpdf(y, mu, s))


def ref_gp_pois_regr(x, d):
    u = Unc(x)
    N = int(d["N"])
    rho = u.lower("rho", 0.0)
    alpha = u.lower("alpha", 0.0)
    f_tilde = u.real("f_tilde", (N,))
    cov = gp_exp_quad_cov(d["x"], alpha, rho) + 1e-10 * np.eye(N)
    f = np.linalg.cholesky(cov) @ f_tilde
    lp = (gamma_lpdf(rho, 25, 4) + normal_lpdf(alpha, 0, 2) + normal_lpdf(f_tilde, 0, 1)
          + poisson_log_lpmf(d["k"], f))
    return u.result(lp, {"f": f})


def ref_gp_regr(x, d):
    u = Unc(x)
    N = int(d["N"])
    rho = u.lower("rho", 0.0)
    alpha = u.lower("alpha", 0.0)
    sigma = u.lower("sigma", 0.0)
    cov = gp_exp_quad_cov(d["x"], alpha, rho) + sigma * np.eye(N)   # sigma, not sigma^2
    lp = (gamma_lpdf(rho, 25, 4) + normal_lpdf(alpha, 0, 2) + normal_lpdf(sigma, 0, 1)
          + multi_normal_cholesky_lpdf(np.asarray(d["y"], float), np.zeros(N),
                                       np.linalg.cholesky(cov)))
    return u.result(lp)


def ref_hmm_example(x, d):
    u = Unc(x)
    K = int(d["K"])
    assert K == 2, "the model is written for K = 2"
    theta1 = u.simplex("theta1", K)
    theta2 = u.simplex("theta2", K)
    mu = u.positive_ordered("mu", K)
    theta = np.vstack([theta1, theta2])
    lp = normal_lpdf(mu[0], 3, 1) + normal_lpdf(mu[1], 10, 1)
    e = stats.norm.logpdf(np.asarray(d["y"], float)[:, None], mu[None, :], 1.0)
    lp += hmm_forward(e, np.log(theta))
    return u.result(lp, {"theta": theta})


def _half_cauchy_2_5(sigma):
    return cauchy_lpdf(sigma, 0, 2.5)


def ref_kidscore_interaction(x, d):
    hs, iq = np.asarray(d["mom_hs"], float), np.asarray(d["mom_iq"], float)
    return _regression(x, d, d["kid_score"], [hs, iq, hs * iq], _half_cauchy_2_5)


def ref_kidscore_momiq(x, d):
    return _regression(x, d, d["kid_score"], [np.asarray(d["mom_iq"], float)], _half_cauchy_2_5)


def ref_kidscore_interaction_z(x, d):
    hs, iq = np.asarray(d["mom_hs"], float), np.asarray(d["mom_iq"], float)
    z_hs = (hs - hs.mean()) / (2.0 * sample_sd(hs))
    z_iq = (iq - iq.mean()) / (2.0 * sample_sd(iq))
    return _regression(x, d, d["kid_score"], [z_hs, z_iq, z_hs * z_iq])


def ref_kidscore_mom_work(x, d):
    work = np.asarray(d["mom_work"])
    dummies = [(work == level).astype(float) for level in (2, 3, 4)]
    return _regression(x, d, d["kid_score"], dummies)


def ref_kilpisjarvi(x, d):
    u = Unc(x)
    alpha = u.real("alpha")
    beta = u.real("beta")
    sigma = u.lower("sigma", 0.0)
    lp = (normal_lpdf(alpha, float(d["pmualpha"]), float(d["psalpha"]))
          + normal_lpdf(beta, float(d["pmubeta"]), float(d["psbeta"]))
          + normal_lpdf(d["y"], alpha + beta * np.asarray(d["x"], float), sigma))
    return u.result(lp)


def ref_low_dim_gauss_mix(x, d):
    u = Unc(x)
    mu = u.ordered("mu", 2)
    sigma = u.lower("sigma", 0.0, (2,))
    theta = u.lower_upper("theta", 0.0, 1.0)
    y = np.asarray(d["y"], float)
    lp = normal_lpdf(sigma, 0, 2) + normal_lpdf(mu, 0, 2) + beta_lpdf(theta, 5, 5)
    lp += float(np.sum(log_mix(theta, stats.norm.logpdf(y, mu[0], sigma[0]),
                               stats.norm.logpdf(y, mu[1], sigma[1]))))
    return u.result(lp)


def _spd_cov_exp_quad(slambda, sdgp, lscale):
    w2 = np.sum(np.asarray(slambda, float) ** 2, axis=1)
    return sdgp ** 2 * math.sqrt(2.0 * math.pi) * lscale * np.exp(-0.5 * lscale ** 2 * w2)


def _gpa(X, sdgp, lscale, zgp, slambda):
    return np.asarray(X, float) @ (np.sqrt(_spd_cov_exp_quad(slambda, sdgp, lscale)) * zgp)


def ref_accel_gp(x, d):
    u = Unc(x)
    intercept = u.real("Intercept")
    sdgp_1 = u.lower("sdgp_1", 0.0)
    lscale_1 = u.lower("lscale_1", 0.0)
    zgp_1 = u.real("zgp_1", (int(d["NBgp_1"]),))
    intercept_sigma = u.real("Intercept_sigma")
    sdgp_sigma_1 = u.lower("sdgp_sigma_1", 0.0)
    lscale_sigma_1 = u.lower("lscale_sigma_1", 0.0)
    zgp_sigma_1 = u.real("zgp_sigma_1", (int(d["NBgp_sigma_1"]),))
    mu = intercept + _gpa(d["Xgp_1"], sdgp_1, lscale_1, zgp_1, d["slambda_1"])
    sigma = np.exp(intercept_sigma + _gpa(d["Xgp_sigma_1"], sdgp_sigma_1, lscale_sigma_1,
                                          zgp_sigma_1, d["slambda_sigma_1"]))
    lp = 0.0
    if not int(d["prior_only"]):
        lp += normal_lpdf(d["Y"], mu, sigma)
    half_t_norm = student_t_lccdf(0.0, 3, 0, 36)
    lp += student_t_lpdf(intercept, 3, -13, 36)
    lp += student_t_lpdf(sdgp_1, 3, 0, 36) - half_t_norm
    lp += normal_lpdf(zgp_1, 0, 1)
    lp += inv_gamma_lpdf(lscale_1, 1.124909, 0.0177)
    lp += student_t_lpdf(intercept_sigma, 3, 0, 10)
    lp += student_t_lpdf(sdgp_sigma_1, 3, 0, 36) - half_t_norm
    lp += normal_lpdf(zgp_sigma_1, 0, 1)
    lp += inv_gamma_lpdf(lscale_sigma_1, 1.124909, 0.0177)
    return u.result(lp)


def ref_logmesquite_logvas(x, d):
    f = {k: np.asarray(d[k], float) for k in
         ("weight", "diam1", "diam2", "canopy_height", "total_height", "density", "group")}
    cols = [np.log(f["diam1"] * f["diam2"] * f["canopy_height"]),
            np.log(f["diam1"] * f["diam2"]),
            np.log(f["diam1"] / f["diam2"]),
            np.log(f["total_height"]),
            np.log(f["density"]),
            f["group"]]
    return _regression(x, d, np.log(f["weight"]), cols)


def ref_nes(x, d):
    age = np.asarray(d["age_discrete"])
    cols = [np.asarray(d["real_ideo"], float), np.asarray(d["race_adj"], float),
            (age == 2).astype(float), (age == 3).astype(float), (age == 4).astype(float),
            np.asarray(d["educ1"], float), np.asarray(d["gender"], float),
            np.asarray(d["income"], float)]
    return _regression(x, d, d["partyid7"], cols)


def ref_blr(x, d):
    u = Unc(x)
    beta = u.real("beta", (int(d["D"]),))
    sigma = u.lower("sigma", 0.0)
    lp = (normal_lpdf(beta, 0, 10) + normal_lpdf(sigma, 0, 10)
          + normal_lpdf(d["y"], np.asarray(d["X"], float) @ beta, sigma))
    return u.result(lp)


# ----------------------------------------------------------------------------------------------
# the registry: model file stem -> reference

REFERENCES = {
    "eight_schools": ref_eight_schools,
    "linear_regression": ref_linear_regression,
    "logistic_regression": ref_logistic_regression,
    "arK-arK": ref_arK,
    "arma-arma11": ref_arma11,
    "bball_drive_event_0-hmm_drive_0": ref_hmm_drive_0,
    "bball_drive_event_1-hmm_drive_1": ref_hmm_drive_1,
    "diamonds-diamonds": ref_diamonds,
    "earnings-earn_height": ref_earn_height,
    "earnings-log10earn_height": ref_log10earn_height,
    "earnings-logearn_interaction_z": ref_logearn_interaction_z,
    "eight_schools-eight_schools_centered": ref_eight_schools_centered,
    "eight_schools-eight_schools_noncentered": ref_eight_schools_noncentered,
    "garch-garch11": ref_garch11,
    "gp_pois_regr-gp_pois_regr": ref_gp_pois_regr,
    "gp_pois_regr-gp_regr": ref_gp_regr,
    "hmm_example-hmm_example": ref_hmm_example,
    "kidiq-kidscore_interaction": ref_kidscore_interaction,
    "kidiq-kidscore_momiq": ref_kidscore_momiq,
    "kidiq_with_mom_work-kidscore_interaction_z": ref_kidscore_interaction_z,
    "kidiq_with_mom_work-kidscore_mom_work": ref_kidscore_mom_work,
    "kilpisjarvi_mod-kilpisjarvi": ref_kilpisjarvi,
    "low_dim_gauss_mix-low_dim_gauss_mix": ref_low_dim_gauss_mix,
    "mcycle_gp-accel_gp": ref_accel_gp,
    "mesquite-logmesquite_logvas": ref_logmesquite_logvas,
    "nes2000-nes": ref_nes,
    "sblrc-blr": ref_blr,
    "sblri-blr": ref_blr,
}

# Random test points: centre + scale * normal(0, 1) on the unconstrained scale.  `center` maps a
# parameter name to the unconstrained value its coordinates are centred on (default 0).
POINTS = {
    # the basis functions reach frequencies ~42; at lscale ~ 1 the spectral density underflows
    # to 0 and sqrt() has an infinite derivative there.  Centre the length scales on the
    # posterior's (~0.05) and the other scales on moderate values.
    "mcycle_gp-accel_gp": dict(scale=0.5, center={"lscale_1": math.log(0.05),
                                                  "lscale_sigma_1": math.log(0.05),
                                                  "sdgp_1": math.log(5.0),
                                                  "Intercept_sigma": 2.0}),
    # the 1e-10 jitter leaves the GP covariance nearly singular for long length scales
    "gp_pois_regr-gp_pois_regr": dict(scale=0.7, center={}),
}
