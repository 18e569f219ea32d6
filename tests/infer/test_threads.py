"""Threads change how fast a fit runs, never its result."""
import numpy as np

import vilang


def test_draws_of_a_gradient_on_several_threads_give_the_same_fit():
    """grad_samples > 1 with two threads evaluates a step's draws in parallel (a separate
    copy of the compiled loop); the draws are the same ones, in the same order."""
    model = vilang.compile("examples/eight_schools/eight_schools.vi")
    kw = dict(grad_samples=3, seed=5, draws=100, iter=2000)
    one = model.fit("examples/eight_schools/data.json", threads=1, **kw)
    two = model.fit("examples/eight_schools/data.json", threads=2, **kw)
    assert one.iterations == two.iterations
    assert np.array_equal(one.draws("theta"), two.draws("theta"))
    assert np.array_equal(one.variational["mean"], two.variational["mean"])
