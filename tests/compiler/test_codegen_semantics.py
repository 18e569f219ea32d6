"""Whole-pipeline checks of generated kernels: control flow, indexing, functions, errors.

Each model below exercises several language features at once (numba compiles every model's
kernels, so fewer, richer models keep the suite fast).  Gradients are checked against central
finite differences of the compiled log density; values against direct numpy computations.
"""
import numpy as np
import pytest
from scipy import stats

import vilang


def fd_gradient(bm, theta, eps=1e-6):
    g = np.zeros_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = eps
        g[i] = (bm.log_density(theta + e, propto=False) - bm.log_density(theta - e, propto=False)) / (2 * eps)
    return g


def assert_gradient(bm, theta, rtol=1e-5):
    lp, g = bm.log_density_gradient(theta, propto=False)
    assert np.isfinite(lp)
    np.testing.assert_allclose(g, fd_gradient(bm, theta), rtol=rtol, atol=1e-6)
    return lp


CONTROL_FLOW = """
functions {
  real fact(int n) {            // recursion
    if (n <= 1) return 1;
    return n * fact(n - 1);
  }
  real clipped_square(real x, real c) {   // early returns, parameter-dependent branch
    if (x > c) return c * c;
    for (i in 1:3) {
      if (i == 2) continue;
      if (x < -c) return x * c;
    }
    return x * x;
  }
}
data { int N; vector[N] y; array[3] int idx; }
parameters { real mu; real<lower=0> s; vector[N] z; }
model {
  real acc = 0;
  int k = 0;
  vector[N] w = z;
  w[idx] = 2 * z[idx];                  // multi-index on the left and right
  w[2:3] = w[2:3] + mu;                 // slices on both sides
  while (k < 10) {                      // while with break
    k += 1;
    if (k > N) break;
    acc += clipped_square(w[k], 2.0) / fact(k);
  }
  for (n in 1:N) {
    real d = y[n] - mu;                 // locals reassigned in the loop
    d = d / s;
    target += -0.5 * d ^ 2 - log(s);
  }
  target += -acc;
  z ~ normal(mu > 0 ? mu : -mu, 2);     // ternary on a parameter
}
"""


@pytest.fixture(scope="module")
def control_flow():
    data = {"N": 5, "y": [0.5, -1.0, 2.0, 0.3, 1.1], "idx": [1, 3, 5]}
    return vilang.compile(code=CONTROL_FLOW, filename="control_flow.vi").bind(data)


def reference_control_flow(theta, y):
    mu, s, z = theta[0], np.exp(theta[1]), theta[2:]
    w = z.copy()
    w[[0, 2, 4]] = 2 * z[[0, 2, 4]]
    w[1:3] = w[1:3] + mu

    def clipped(x, c):
        if x > c:
            return c * c
        if x < -c:
            return x * c
        return x * x

    acc = sum(clipped(w[k - 1], 2.0) / np.prod(np.arange(1, k + 1)) for k in range(1, 6))
    lp = sum(-0.5 * ((yn - mu) / s) ** 2 - np.log(s) for yn in y) - acc
    lp += stats.norm(abs(mu), 2).logpdf(z).sum()
    return lp + theta[1]          # log-Jacobian of s = exp(theta[1])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_control_flow_value_and_gradient(control_flow, seed):
    theta = np.random.default_rng(seed).normal(size=7)
    y = np.array([0.5, -1.0, 2.0, 0.3, 1.1])
    lp = assert_gradient(control_flow, theta)
    assert lp == pytest.approx(reference_control_flow(theta, y), rel=1e-10)


ERRORS = """
data { int N; }
parameters { real mu; real sigma; }
transformed parameters { real<lower=0> pos = mu + 20; }
model {
  if (mu > 10) reject("mu is too large: ", mu);
  if (mu < -10) fatal_error("mu is far too small");
  mu ~ normal(0, sigma);              // sigma unconstrained: may be negative
}
"""


@pytest.fixture(scope="module")
def errors():
    return vilang.compile(code=ERRORS, filename="errors.vi").bind({"N": 1})


def test_domain_error_gives_minus_inf_with_reason_and_line(errors):
    lp = errors.log_density(np.array([1.0, -2.0]))
    assert lp == -np.inf
    assert "normal" in errors.last_error and "line 8" in errors.last_error
    lp, grad = errors.log_density_gradient(np.array([1.0, -2.0]))
    assert lp == -np.inf


def test_failed_transformed_parameter_constraint(errors):
    assert errors.log_density(np.array([-25.0, 1.0])) == -np.inf
    assert '"pos"' in errors.last_error and "line 4" in errors.last_error


def test_reject_and_fatal_error(errors):
    assert errors.log_density(np.array([11.0, 1.0])) == -np.inf
    assert "mu is too large" in errors.last_error
    with pytest.raises(vilang.DomainError, match="far too small"):
        errors.log_density(np.array([-11.0, 1.0]))


def test_valid_point_clears_the_error(errors):
    assert np.isfinite(errors.log_density(np.array([1.0, 1.0])))
    assert errors.last_error is None


def test_propto_drops_constants_only_for_tilde():
    code = """
    parameters { real mu; }
    model { mu ~ normal(0, 2); target += normal_lpdf(mu | 1, 3); }
    """
    bm = vilang.compile(code=code, filename="propto.vi").bind()
    x = np.array([0.7])
    full = stats.norm(0, 2).logpdf(0.7) + stats.norm(1, 3).logpdf(0.7)
    assert bm.log_density(x, propto=False) == pytest.approx(full)
    # ~ drops -log(2) - 0.5 log(2 pi); target += keeps everything
    dropped = -np.log(2) - 0.5 * np.log(2 * np.pi)
    assert bm.log_density(x, propto=True) == pytest.approx(full - dropped)


REDUCE_SUM = """
functions {
  real partial_sum_lpmf(array[] int slice, int start, int end, vector lambda) {
    return poisson_lupmf(slice | lambda[start:end]);
  }
}
data { int N; array[N] int y; }
parameters { vector<lower=0>[N] lambda; }
model {
  lambda ~ gamma(2, 1);
  target += reduce_sum(partial_sum_lupmf, y, 1, lambda);
}
"""


def test_reduce_sum_equals_the_plain_sum():
    data = {"N": 4, "y": [1, 0, 3, 2]}
    bm = vilang.compile(code=REDUCE_SUM, filename="reduce_sum.vi").bind(data)
    theta = np.array([0.1, -0.3, 0.5, 0.2])
    lam = np.exp(theta)
    expected = (stats.gamma(2, scale=1).logpdf(lam).sum()
                + stats.poisson(lam).logpmf(data["y"]).sum() + theta.sum())
    assert bm.log_density(theta, propto=False) == pytest.approx(expected)
    assert_gradient(bm, theta)


ODE = """
functions {
  array[] real decay(real t, array[] real y, array[] real theta, array[] real x_r,
                     array[] int x_i) {
    array[2] real dydt;
    dydt[1] = -theta[1] * y[1];
    dydt[2] = theta[1] * y[1] - theta[2] * y[2];
    return dydt;
  }
  vector decay_v(real t, vector y, real k1, real k2) {
    return [-k1 * y[1], k1 * y[1] - k2 * y[2]]';
  }
}
data { int T; array[T] real ts; array[T, 2] real y; }
transformed data { array[0] real x_r; array[0] int x_i; }
parameters { array[2] real<lower=0> theta; real<lower=0> y10; }
model {
  array[T, 2] real z = integrate_ode_rk45(decay, {y10, 0.0}, 0.0, ts, theta, x_r, x_i);
  array[T] vector[2] z2 = ode_rk45_tol(decay_v, [y10, 0.0]', 0.0, ts, 1e-8, 1e-8, 100000,
                                       theta[1], theta[2]);
  for (t in 1:T) {
    y[t] ~ normal(z[t], 0.1);
    y[t] ~ normal(z2[t], 0.1);
  }
}
"""


def test_ode_solvers_match_the_closed_form_and_differentiate():
    data = {"T": 3, "ts": [0.5, 1.0, 2.0], "y": [[0.6, 0.3], [0.4, 0.35], [0.15, 0.3]]}
    bm = vilang.compile(code=ODE, filename="ode.vi").bind(data)
    theta = np.array([0.3, -0.4, 0.1])
    k1, k2, y10 = np.exp(theta)
    t = np.array(data["ts"])
    y1 = y10 * np.exp(-k1 * t)
    y2 = y10 * k1 / (k2 - k1) * (np.exp(-k1 * t) - np.exp(-k2 * t))
    exact = np.stack([y1, y2], axis=1)
    expected = 2 * stats.norm(exact, 0.1).logpdf(np.array(data["y"])).sum() + theta.sum()
    assert bm.log_density(theta, propto=False) == pytest.approx(expected, rel=1e-5)
    lp, grad = bm.log_density_gradient(theta, propto=False)
    np.testing.assert_allclose(grad, fd_gradient(bm, theta, eps=1e-5), rtol=1e-3, atol=1e-3)
