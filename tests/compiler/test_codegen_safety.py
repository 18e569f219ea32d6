"""Generated code is safe and readable: model text never becomes Python code, every kernel
line is traced to its model line, and `vilang compile --emit` prints each stage."""
import contextlib
import io

import numpy as np

import vilang
import vilang.cli

HOSTILE = '''
functions {
  real lambda(real import) {          // Python keywords as Stan names
    return import * 2;
  }
}
data { int N; real np; real math; real err; real theta; }
transformed data {
  real target_ = np + math;
  print("\\'); import os; os.system('touch /tmp/vilang_pwned') #");
  print("''' + "'''" + '''); __import__('os') #");
}
parameters { real grad; real off; }
model {
  real t1 = lambda(grad) + err + theta;
  grad ~ normal(target_, 1);
  off ~ normal(t1, 2);
}
'''


def test_hostile_identifiers_and_strings_compile_and_run(tmp_path, capsys):
    model = vilang.compile(code=HOSTILE, filename="hostile.vi")
    bm = model.bind({"N": 1, "np": 1.0, "math": 2.0, "err": 0.5, "theta": 0.25})
    lp, grad = bm.log_density_gradient(np.array([0.3, -0.2]))
    # grad ~ normal(3, 1); off ~ normal(2 * grad + 0.75, 2)
    g, o = 0.3, -0.2
    mu = 2 * g + 0.75
    assert lp == np.float64(-0.5 * (g - 3) ** 2 - 0.5 * ((o - mu) / 2) ** 2) or np.isclose(
        lp, -0.5 * (g - 3) ** 2 - 0.5 * ((o - mu) / 2) ** 2)
    np.testing.assert_allclose(grad, [-(g - 3) + (o - mu) / 4 * 2, -(o - mu) / 4])
    import os
    assert not os.path.exists("/tmp/vilang_pwned")
    out = capsys.readouterr().out
    assert "os.system" in out      # printed as text, not executed


def test_generated_source_quotes_model_lines():
    model = vilang.compile("examples/eight_schools/eight_schools.vi")
    src = model.source
    assert "# line 20: y ~ normal(theta, sigma);" in src
    assert "def log_density_grad(" in src
    compile(src, "generated.py", "exec")      # valid Python


def run_cli(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = vilang.cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_emit_stages():
    path = "examples/eight_schools/eight_schools.vi"
    code, ast_text, _ = run_cli("compile", "--emit", "ast", path)
    assert code == 0 and "theta_tilde ~ std_normal();" in ast_text
    code, ir_text, _ = run_cli("compile", "--emit", "ir", path)
    assert code == 0 and "normal_lupdf(v_y, v_theta, v_sigma)" in ir_text
    assert "gradient (forward sweep, then reverse sweep):" in ir_text
    code, py_text, _ = run_cli("compile", "--emit", "py", path)
    assert code == 0 and "@kernel" in py_text


def test_cache_reuses_the_generated_module(tmp_path, monkeypatch):
    monkeypatch.setenv("VILANG_CACHE_DIR", str(tmp_path))
    code = "parameters { real mu; } model { mu ~ normal(0, 1); }"
    first = vilang.compile(code=code, filename="c.vi")
    path = first.module.__file__
    stamp = __import__("os").stat(path).st_mtime_ns
    second = vilang.compile(code=code, filename="c.vi")
    assert second.module.__file__ == path
    assert __import__("os").stat(path).st_mtime_ns == stamp     # not rewritten
    assert str(tmp_path) in path
