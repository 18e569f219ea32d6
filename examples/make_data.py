"""Regenerate the synthetic data sets of the examples (deterministic: fixed seeds).

    python examples/make_data.py
"""
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent


def logistic_regression(n=500, d=5, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    beta = rng.normal(size=d)
    p = 1 / (1 + np.exp(-(0.3 + x @ beta)))
    y = (rng.uniform(size=n) < p).astype(int)
    return {"N": n, "D": d, "X": x.round(4).tolist(), "y": y.tolist()}


def linear_regression(n=200, k=3, seed=2):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, k))
    y = 1.0 + x @ np.array([0.5, -1.0, 2.0])[:k] + rng.normal(scale=0.7, size=n)
    return {"N": n, "K": k, "x": x.round(4).tolist(), "y": y.round(4).tolist()}


def main():
    for name, make in [("logistic_regression", logistic_regression),
                       ("linear_regression", linear_regression)]:
        (HERE / name / "data.json").write_text(json.dumps(make()) + "\n")


if __name__ == "__main__":
    main()
