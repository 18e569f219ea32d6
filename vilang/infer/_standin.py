"""A stand-in model for `loop.py`: an independent Gaussian, data = (means, sds).

`loop.py` calls a model's kernels by these names; in the per-model copy of `loop.py` (see
`advi.model_loop`) the import of this module is replaced by an import of the model's own
kernels.  The stand-in keeps `loop.py` importable and lets its tests run without compiling a
model.  Kernel conventions: docs/kernels.md.
"""
import math

from vilang.runtime.jit import kernel


@kernel
def log_density(theta, data, tdata, propto, jacobian, err):
    mean, sd = data
    lp = 0.0
    for i in range(theta.shape[0]):
        z = (theta[i] - mean[i]) / sd[i]
        lp -= 0.5 * z * z
        if not propto:
            lp -= math.log(sd[i]) + 0.5 * math.log(2.0 * math.pi)
    return lp


@kernel
def log_density_grad(theta, data, tdata, propto, jacobian, grad, err):
    mean, sd = data
    for i in range(theta.shape[0]):
        grad[i] = -(theta[i] - mean[i]) / (sd[i] * sd[i])
    return log_density(theta, data, tdata, propto, jacobian, err)


@kernel
def write_array(theta, data, tdata, include_tp, include_gq, seed, out, err):
    for i in range(theta.shape[0]):
        out[i] = theta[i]
