"""The numerical runtime that generated kernels call: numba-compiled scalar functions,
distributions, linear algebra and constraint transforms, each with its derivatives.

Conventions every module here follows (the code generator relies on them):

* Every function is compiled with `vilang.runtime.jit.kernel` (nopython, cached on disk).
* Real arguments are float64 and integer arguments int64 — never a mix of specialisations —
  so each function compiles once.
* Univariate functions and distributions take scalars only; vectorisation (Stan's broadcasting
  of scalars against containers) is done by loops in the generated code.
* `f(...)` returns the value; `f_d(...)` returns `(value, d/d arg1, d/d arg2, ...)` for the
  real-valued arguments in order; tensor functions have `f_vjp(args..., value, value_bar)`
  returning the adjoints of their real-valued arguments.
"""
