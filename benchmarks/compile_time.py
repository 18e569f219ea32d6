"""Compile times: eight schools compiled cold in a fresh cache (goal < 5 s), and a second
process with the cache warm reaching its first gradient (goal < 1 s).  Each run is a fresh
Python process, so the times include starting Python and importing numba.

    python benchmarks/compile_time.py
"""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = """
import time
t0 = time.perf_counter()
import numpy as np
import vilang
t1 = time.perf_counter()
bm = vilang.compile("examples/eight_schools/eight_schools.vi").bind(
    "examples/eight_schools/data.json")
lp, g = bm.log_density_gradient(np.zeros(bm.param_unc_num()))
t2 = time.perf_counter()
print(f"{t1 - t0:.2f} {t2 - t1:.2f}")
"""


def run(cache: str) -> tuple[float, float, float]:
    env = dict(os.environ, VILANG_CACHE_DIR=cache)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1]), time.perf_counter() - t0


def main():
    with tempfile.TemporaryDirectory() as cache:
        imp, first, wall = run(cache)
        print(f"cold model cache: import {imp:.2f} s, compile to first gradient {first:.2f} s, "
              f"process total {wall:.2f} s (goal < 5 s)")
        imp, first, wall = run(cache)
        print(f"warm model cache: import {imp:.2f} s, load to first gradient {first:.2f} s, "
              f"process total {wall:.2f} s (goal < 1 s to first gradient)")


if __name__ == "__main__":
    main()
