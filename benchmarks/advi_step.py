"""The cost of one ADVI iteration on eight schools, beside the cost of one gradient.

    python benchmarks/advi_step.py

Stan's C++ loop takes about 2.8 us per iteration on this model, NumPyro's SVI 17 us and
PyMC's ADVI 42 us (figures from the project's issue); vilang's goal is 3 us.  The loop
runs compiled: one Python call per chunk of iterations, not per iteration.
"""
import time
from pathlib import Path

import numba
import numpy as np

import vilang
from vilang.infer.advi import ADVI, Settings, initial_point
from vilang.infer.api import compile_loop

ROOT = Path(__file__).resolve().parents[1]


def best_of(fn, repeats=5):
    fn()
    return min(_timed(fn) for _ in range(repeats))


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(n=200_000):
    model = ROOT / "examples" / "eight_schools" / "eight_schools.vi"
    bm = vilang.compile(model).bind(model.parent / "data.json")
    grad_kernel = bm.kernels.log_density_grad

    @numba.njit
    def gradients(theta, data, tdata, n):
        grad = np.zeros_like(theta)
        err = np.zeros(2, np.int64)
        on = n >= 0
        total = 0.0
        for i in range(n):
            theta[0] = 1e-9 * i
            total += grad_kernel(theta, data, tdata, on, on, grad, err)
        return total

    theta = np.zeros(bm.param_unc_num())
    t_grad = best_of(lambda: gradients(theta, bm.kernels.data, bm.kernels.tdata, n)) / n

    print(f"{'algorithm':10s} {'step (us)':>10s} {'gradient (us)':>14s} {'step/gradient':>14s}")
    for algorithm in ("meanfield", "fullrank"):
        advi = ADVI(bm, Settings(algorithm=algorithm, max_iter=10 ** 9), seed=1)
        compile_loop(advi)
        state = advi.run(advi.init(initial_point(bm, 1), eta=0.1), n_steps=2000)
        t_step = best_of(lambda: advi.run(state, n_steps=n, check=True)) / n
        print(f"{algorithm:10s} {t_step * 1e6:10.2f} {t_grad * 1e6:14.2f} "
              f"{t_step / t_grad:14.2f}")
    print("peers, per iteration on this model: Stan 2.8 us, NumPyro 17 us, PyMC 42 us; "
          "goal 3 us")


if __name__ == "__main__":
    main()
