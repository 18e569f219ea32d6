"""Binding data: every problem names the variable, the expected and the actual value."""
import json

import numpy as np
import pytest

import vilang

MODEL = """
data {
  int<lower=1> N;
  int<lower=1> K;
  matrix[N, K] X;
  array[N] int<lower=0, upper=1> y;
  vector<lower=0>[K] scale;
  simplex[3] w;
}
parameters { real mu; }
model { mu ~ normal(0, 1); }
"""


@pytest.fixture(scope="module")
def model():
    return vilang.compile(code=MODEL, filename="data_model.vi")


def good():
    return {"N": 2, "K": 3, "X": [[1, 2, 3], [4, 5, 6]], "y": [0, 1],
            "scale": [1, 2, 3], "w": [0.2, 0.3, 0.5]}


def bind_error(model, **changes) -> str:
    data = good()
    for k, v in changes.items():
        if v is None:
            del data[k]
        else:
            data[k] = v
    with pytest.raises(vilang.DataError) as info:
        model.bind(data)
    return str(info.value)


def test_good_data_binds(model):
    bm = model.bind(good())
    assert bm.param_unc_num() == 1


def test_missing_variable(model):
    assert bind_error(model, y=None) == (
        "data variable 'y' is missing (declared as array[] int in the data block)")


def test_wrong_shape(model):
    msg = bind_error(model, X=[[1, 2], [3, 4]])
    assert msg == "data variable 'X': expected shape (2, 3), got (2, 2)"


def test_wrong_number_of_dimensions(model):
    msg = bind_error(model, X=[1, 2, 3])
    assert "'X'" in msg and "expected 2 dimension(s)" in msg


def test_non_integer_for_int(model):
    assert "'y'" in bind_error(model, y=[0.5, 1]) and "integers" in bind_error(model, y=[0.5, 1])


def test_bound_violated(model):
    msg = bind_error(model, y=[0, 2])
    assert msg == "data variable 'y': y[2] = 2 is above its upper bound 1"


def test_lower_bound_on_size(model):
    msg = bind_error(model, K=0, X=[[], []], scale=[])
    assert "'K'" in msg


def test_simplex_violated(model):
    msg = bind_error(model, w=[0.5, 0.5, 0.5])
    assert "'w'" in msg and "simplex" in msg


def test_json_file_and_bad_json(model, tmp_path):
    path = tmp_path / "d.json"
    path.write_text(json.dumps(good()))
    assert model.bind(str(path)).param_unc_num() == 1
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    with pytest.raises(vilang.DataError, match="not valid JSON"):
        model.bind(str(bad))


def test_param_names_and_round_trip():
    code = """
    parameters { real<lower=0> s; matrix[2, 3] M; simplex[3] p; cov_matrix[2] S; }
    model { s ~ exponential(1); to_vector(M) ~ normal(0, 1); S ~ wishart(4, diag_matrix(rep_vector(1, 2))); }
    """
    bm = vilang.compile(code=code, filename="names.vi").bind()
    names = bm.param_names()
    assert names[:4] == ["s", "M[1,1]", "M[2,1]", "M[1,2]"]
    assert names[7:10] == ["p[1]", "p[2]", "p[3]"]
    theta = np.random.default_rng(0).normal(size=bm.param_unc_num())
    constrained = bm.param_constrain(theta)
    np.testing.assert_allclose(bm.param_unconstrain(constrained), theta, atol=1e-10)
