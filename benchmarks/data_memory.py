"""Memory of binding data larger than memory: a linear regression with N rows (default
10,000,000) and D=10 columns, written as .npy files, bound memory-mapped.

Prints the process's memory (from /proc/self/status: VmHWM, the peak resident set, and the
resident set split into anonymous memory, RssAnon, and file pages, RssFile) and the peak of
numpy's allocations seen by tracemalloc: after compiling, after binding, after one
log_density_gradient, and after a short minibatch fit where this version has one; next to the
size of the data on disk. The files are written by a child process, so writing them costs
this process nothing; the peak (VmHWM) is reset after compiling where Linux allows it.

    python benchmarks/data_memory.py [--n 10000000] [--d 10] [--dir DIR] [--keep]

With --dir, existing files of the right shape are reused (and kept); otherwise they go to a
temporary directory removed at the end (unless --keep).
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

MODEL = """
data { int N; int D; matrix[N, D] X; vector[N] y; }
parameters { real alpha; vector[D] beta; real<lower=0> sigma; }
model {
  alpha ~ normal(0, 10);
  beta ~ normal(0, 1);
  sigma ~ exponential(1);
  y ~ normal(alpha + X * beta, sigma);
}
"""
ROWS_PER_CHUNK = 1_000_000


def write_data(folder: Path, n: int, d: int, seed: int = 0) -> None:
    """X.npy, y.npy and sizes.json in `folder`, written a chunk of rows at a time."""
    rng = np.random.default_rng(seed)
    beta = rng.normal(size=d)
    X = np.lib.format.open_memmap(folder / "X.npy", mode="w+", dtype=np.float64, shape=(n, d))
    y = np.lib.format.open_memmap(folder / "y.npy", mode="w+", dtype=np.float64, shape=(n,))
    for start in range(0, n, ROWS_PER_CHUNK):
        stop = min(n, start + ROWS_PER_CHUNK)
        x = rng.normal(size=(stop - start, d))
        X[start:stop] = x
        y[start:stop] = 1.0 + x @ beta + 0.5 * rng.normal(size=stop - start)
    X.flush()
    y.flush()
    del X, y
    (folder / "sizes.json").write_text(json.dumps({"N": n, "D": d}))


def have_data(folder: Path, n: int, d: int) -> bool:
    try:
        X = np.load(folder / "X.npy", mmap_mode="r")
        y = np.load(folder / "y.npy", mmap_mode="r")
        sizes = json.loads((folder / "sizes.json").read_text())
    except (OSError, ValueError):
        return False
    return X.shape == (n, d) and y.shape == (n,) and sizes == {"N": n, "D": d}


def status() -> dict:
    """VmHWM, VmRSS, RssAnon, RssFile from /proc/self/status, in MB."""
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                out[key] = int(value.split()[0]) / 1024
    return out


def reset_peak() -> bool:
    """Reset VmHWM to the current resident set (Linux: write 5 to /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def report(label: str, seconds: float | None = None) -> None:
    s = status()
    peak = tracemalloc.get_traced_memory()[1] / 2 ** 20
    took = f"  ({seconds:.2f} s)" if seconds is not None else ""
    print(f"{label:<34} VmHWM {s['VmHWM']:8.1f} MB   RssAnon {s['RssAnon']:8.1f} MB   "
          f"RssFile {s['RssFile']:8.1f} MB   numpy peak {peak:8.1f} MB{took}")


def minibatch_fit(model, folder: Path, rows: int) -> None:
    """A short minibatch fit, where model.fit accepts minibatch=."""
    t0 = time.perf_counter()
    try:
        fit = model.fit(str(folder), minibatch={"N": rows}, iter=2000, draws=100, seed=1)
    except TypeError as err:
        if "minibatch" not in str(err):
            raise
        print("minibatch fit: not available in this version")
        return
    report(f"after a minibatch fit (B={rows})", time.perf_counter() - t0)
    print(f"  alpha {fit.mean('alpha'):.3f}, sigma {fit.mean('sigma'):.3f}; "
          f"stopped: {fit.stop_reason}")


def measure(folder: Path, d: int, minibatch_rows: int) -> None:
    import vilang
    on_disk = sum(f.stat().st_size for f in folder.iterdir()) / 2 ** 20
    model = vilang.compile(code=MODEL, filename="linear_regression.vi")
    X, y = np.zeros((2, d)), np.zeros(2)
    X.flags.writeable = y.flags.writeable = False       # read-only, as the mapped files are
    probe = model.bind({"N": 2, "D": d, "X": X, "y": y})
    probe.log_density_gradient(np.zeros(probe.param_unc_num()))   # compile the kernels now
    del probe, X, y
    print(f"data on disk: {on_disk:.1f} MB in {folder}")
    report("after compiling")
    if not reset_peak():
        print("(VmHWM could not be reset: it includes compiling)")
    tracemalloc.start()
    t0 = time.perf_counter()
    bm = model.bind(str(folder))
    report("after binding", time.perf_counter() - t0)
    theta = np.zeros(bm.param_unc_num())
    t0 = time.perf_counter()
    lp, _ = bm.log_density_gradient(theta)
    report("after one log_density_gradient", time.perf_counter() - t0)
    print(f"  X reaches the kernels memory-mapped, not copied: {_mapped(bm.data[2])}")
    minibatch_fit(model, folder, minibatch_rows)
    tracemalloc.stop()


def _mapped(a) -> bool:
    """Whether `a`'s memory is a memory-mapped file (its chain of bases ends in an mmap)."""
    import mmap
    while a is not None:
        if isinstance(a, mmap.mmap):
            return True
        a = getattr(a, "base", None)
    return False


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=10_000_000, help="rows (default 10,000,000)")
    p.add_argument("--d", type=int, default=10, help="columns of X (default 10)")
    p.add_argument("--dir", help="directory for the .npy files (reused when they fit)")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    p.add_argument("--minibatch", type=int, default=1000, help="rows per minibatch (1000)")
    p.add_argument("--write-only", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.write_only:
        write_data(Path(args.dir), args.n, args.d)
        return
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="vilang-data-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        if not have_data(folder, args.n, args.d):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--write-only", "--dir", str(folder),
                            "--n", str(args.n), "--d", str(args.d)], check=True)
            print(f"wrote {args.n:,} rows in {time.perf_counter() - t0:.1f} s")
        measure(folder, args.d, args.minibatch)
    finally:
        if not args.dir and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
