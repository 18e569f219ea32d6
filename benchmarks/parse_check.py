"""Time parsing + checking a ~300-line model with the parser already built (goal: < 100 ms).

    python benchmarks/parse_check.py
"""
import time

import vilang
from vilang.syntax.parser import lark_parser

HEADER = """functions {
  real partial_sum(array[] real y, vector mu, real sigma) {
    return normal_lpdf(y | mu, sigma);
  }
}
data {
  int<lower=1> N;
  int<lower=1> K;
  matrix[N, K] X;
  vector[N] y;
  array[N] int<lower=0, upper=1> z;
}
parameters {
  real alpha;
  vector[K] beta;
  real<lower=0> sigma;
}
model {
  alpha ~ normal(0, 1);
  beta ~ normal(0, 1);
  sigma ~ exponential(1);
"""
BODY = """  {
    vector[N] mu{i} = alpha + X * beta;
    for (n in 1:N) {
      if (z[n] == 1) target += normal_lpdf(y[n] | mu{i}[n], sigma);
      else y[n] ~ normal(mu{i}[n] + {i}.5, sigma * 2);
    }
  }
"""


def model_text(lines: int = 300) -> str:
    body, i = [], 0
    while len((HEADER + "".join(body)).splitlines()) < lines - 1:
        body.append(BODY.replace("{i}", str(i)))
        i += 1
    return HEADER + "".join(body) + "}\n"


def main(repeats: int = 20):
    text = model_text()
    t0 = time.perf_counter()
    lark_parser()
    build = time.perf_counter() - t0
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        vilang.check(vilang.parse(text))
        times.append(time.perf_counter() - t0)
    n_lines = len(text.splitlines())
    print(f"parser build (once per process, tables cached on disk): {build * 1e3:.1f} ms")
    print(f"parse + check, {n_lines}-line model: median {sorted(times)[len(times) // 2] * 1e3:.1f} ms"
          f" (best {min(times) * 1e3:.1f} ms; goal < 100 ms)")


if __name__ == "__main__":
    main()
