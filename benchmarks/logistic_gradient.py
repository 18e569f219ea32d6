"""Log density + gradient of Bayesian logistic regression, N=100,000, D=20.

Compares vilang's generated kernel (vectorised and looped model) with a hand-written
single-threaded numba kernel of the same function, and with numpy.  Prints times and ratios.
Then the thread scaling of the vectorised model's gradient: the time of one gradient on
1, 2, 4, ... threads (up to numba's NUMBA_NUM_THREADS, by default every core), the speedup
against 1 thread and the ratio to the hand-written kernel.  Times are medians over interleaved
rounds (the thread counts take turns, so load from other processes hits them alike).

    python benchmarks/logistic_gradient.py [N] [D]
"""
import sys
import time

import numba
import numpy as np

import vilang
from vilang.runtime.jit import max_threads, set_threads

VECTORISED = """
data { int<lower=0> N; int<lower=1> D; matrix[N, D] X; array[N] int<lower=0, upper=1> y; }
parameters { real alpha; vector[D] beta; }
model {
  alpha ~ normal(0, 2.5);
  beta ~ normal(0, 1);
  y ~ bernoulli_logit(alpha + X * beta);
}
"""
LOOPED = """
data { int<lower=0> N; int<lower=1> D; matrix[N, D] X; array[N] int<lower=0, upper=1> y; }
parameters { real alpha; vector[D] beta; }
model {
  alpha ~ normal(0, 2.5);
  beta ~ normal(0, 1);
  for (n in 1:N)
    y[n] ~ bernoulli_logit(alpha + X[n] * beta);
}
"""


@numba.njit(fastmath={"nsz", "arcp", "contract", "reassoc"}, error_model="numpy")
def hand_written(theta, X, y, grad):
    """The same log density (up to constants) and gradient, written by hand in one pass."""
    n, d = X.shape
    alpha = theta[0]
    beta = theta[1:]
    lp = -0.5 * (alpha / 2.5) ** 2
    grad[0] = -alpha / 6.25
    for j in range(d):
        lp -= 0.5 * beta[j] * beta[j]
        grad[1 + j] = -beta[j]
    for i in range(n):
        eta = alpha
        for j in range(d):
            eta += X[i, j] * beta[j]
        # log inv_logit(eta) if y else log1m_inv_logit(eta), stably
        s = eta if y[i] == 1 else -eta
        lp += -np.log1p(np.exp(-s)) if s > 0 else s - np.log1p(np.exp(s))
        g = y[i] - 1.0 / (1.0 + np.exp(-eta))
        grad[0] += g
        for j in range(d):
            grad[1 + j] += g * X[i, j]
    return lp


def numpy_version(theta, X, y):
    alpha, beta = theta[0], theta[1:]
    eta = alpha + X @ beta
    lp = -0.5 * (alpha / 2.5) ** 2 - 0.5 * beta @ beta + np.sum(
        y * eta - np.logaddexp(0.0, eta))
    g = y - 1.0 / (1.0 + np.exp(-eta))
    return lp, np.concatenate([[g.sum() - alpha / 6.25], X.T @ g - beta])


def best_time(fn, repeats=30):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def thread_counts() -> list[int]:
    """1, 2, 4, 8, 16, ... up to the most threads numba has, and that number itself."""
    top = max_threads()
    counts = [1]
    while counts[-1] * 2 <= top:
        counts.append(counts[-1] * 2)
    return counts if counts[-1] == top else counts + [top]


def median_times(call, counts, rounds=21, calls=10):
    """Per thread count, the median over `rounds` of the mean time of `calls` calls (and, as
    `.best`, the fastest round: the time when nothing else ran); the counts take turns within
    each round."""
    times = {k: [] for k in counts}
    for k in counts:
        set_threads(k)
        call()
    for _ in range(rounds):
        for k in counts:
            set_threads(k)
            t0 = time.perf_counter()
            for _ in range(calls):
                call()
            times[k].append((time.perf_counter() - t0) / calls)
    set_threads(None)
    median_times.best = {k: min(v) for k, v in times.items()}
    return {k: float(np.median(v)) for k, v in times.items()}


def thread_scaling(bm, theta, X, y):
    """The vectorised model's gradient on 1, 2, 4, ... threads against the hand-written
    single-threaded kernel."""
    k, dt, tdt = bm.kernels, bm.data, bm.tdata
    err = np.zeros(2, np.int64)
    err[1] = 1          # the data passed its checks already (as in a bound model or a fit)
    g = np.zeros(theta.size)
    grad = np.zeros(theta.size)
    counts = thread_counts()
    t_hand = median_times(lambda: hand_written(theta, X, y, grad), [1])[1]
    t = median_times(lambda: k.log_density_grad(theta, dt, tdt, True, True, g, err), counts)
    best = median_times.best
    print(f"\nthread scaling of one lp+grad (medians; hand-written kernel, 1 thread: "
          f"{t_hand * 1e3:.3f} ms)")
    print("threads   time (ms)   speedup vs 1 thread   time / hand-written   fastest round (ms)")
    for c in counts:
        print(f"{c:7d}   {t[c] * 1e3:9.3f}   {t[1] / t[c]:19.2f}   {t[c] / t_hand:19.2f}   "
              f"{best[c] * 1e3:18.3f}")
    if 2 in t:
        print(f"2 threads: {t[2] * 1e3:.3f} ms (goal <= 1.6 ms), speedup {t[1] / t[2]:.2f}x "
              f"(goal >= 1.7x); 1 thread: {t[1] * 1e3:.3f} ms, "
              f"{t[1] / t_hand:.2f}x the hand-written kernel")


def main(n=100_000, d=20):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(n, d))
    beta = rng.normal(size=d) * 0.3
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(0.2 + X @ beta)))).astype(np.int64)
    data = {"N": n, "D": d, "X": X, "y": y}
    theta = rng.normal(size=d + 1) * 0.1
    grad = np.zeros(d + 1)

    t_hand = best_time(lambda: hand_written(theta, X, y, grad))
    t_numpy = best_time(lambda: numpy_version(theta, X, y))
    print(f"N={n} D={d}, threads={numba.get_num_threads()}")
    print(f"hand-written numba kernel   {t_hand * 1e3:8.3f} ms")
    print(f"numpy                       {t_numpy * 1e3:8.3f} ms")
    models = {}
    for label, code in (("vectorised", VECTORISED), ("looped", LOOPED)):
        t0 = time.perf_counter()
        bm = models[label] = vilang.compile(code=code, filename=f"logistic_{label}.vi").bind(data)
        bm.log_density_gradient(theta)
        bm.log_density(theta)
        t_compile = time.perf_counter() - t0
        k, dt, tdt = bm.kernels, bm.data, bm.tdata
        err = np.zeros(2, np.int64)
        err[1] = 1      # the data passed its checks already (as in a bound model or a fit)
        g = np.zeros(d + 1)
        t_grad = best_time(lambda: k.log_density_grad(theta, dt, tdt, True, True, g, err))
        t_lp = best_time(lambda: k.log_density(theta, dt, tdt, True, True, err))
        print(f"vilang {label:10s} lp+grad {t_grad * 1e3:8.3f} ms  "
              f"({t_grad / t_hand:.2f}x hand-written, {t_grad / t_numpy:.2f}x numpy); "
              f"lp alone {t_lp * 1e3:.3f} ms; grad/lp {t_grad / t_lp:.2f}; "
              f"first call incl. compile {t_compile:.1f} s")
    thread_scaling(models["vectorised"], theta, X, y)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
