"""IR (and gradient IR) -> Python source for numba kernels."""
