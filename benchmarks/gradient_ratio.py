"""Cost of log density + gradient relative to log density alone, for every example model
(goal: at most 3x).

    python benchmarks/gradient_ratio.py
"""
import time
from pathlib import Path

import numpy as np

import vilang

ROOT = Path(__file__).resolve().parents[1]
POSTERIORDB = ROOT.parent / "shared" / "posteriordb"


def data_path(model: Path):
    if model.parent.name == "posteriordb":
        path = POSTERIORDB / model.stem / "data.json"
        return path if path.exists() else None
    return model.parent / "data.json"


def best(fn, seconds=0.3):
    fn()
    best_t, n, start = np.inf, 0, time.perf_counter()
    while time.perf_counter() - start < seconds or n < 5:
        t0 = time.perf_counter()
        fn()
        best_t = min(best_t, time.perf_counter() - t0)
        n += 1
    return best_t


def main():
    print(f"{'model':48s} {'dim':>4s} {'lp (us)':>10s} {'lp+grad (us)':>13s} {'ratio':>6s}")
    ratios = []
    for model in sorted(ROOT.glob("examples/**/*.vi")):
        data = data_path(model)
        if data is None:
            continue
        bm = vilang.compile(model).bind(data)
        k, d, td = bm.kernels, bm.data, bm.tdata
        theta = np.random.default_rng(0).normal(size=bm.param_unc_num()) * 0.1
        grad, err = np.zeros_like(theta), np.zeros(2, np.int64)
        t_lp = best(lambda: k.log_density(theta, d, td, True, True, err))
        t_g = best(lambda: k.log_density_grad(theta, d, td, True, True, grad, err))
        ratios.append(t_g / t_lp)
        print(f"{model.stem:48s} {theta.size:4d} {t_lp * 1e6:10.1f} {t_g * 1e6:13.1f} "
              f"{t_g / t_lp:6.2f}")
    print(f"median ratio {np.median(ratios):.2f}, max {max(ratios):.2f} (goal: at most 3)")


if __name__ == "__main__":
    main()
