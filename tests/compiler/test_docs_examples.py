"""The Python example in docs/kernels.md runs as written."""
import contextlib
import io
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_kernels_doc_example_runs(monkeypatch):
    text = (ROOT / "docs" / "kernels.md").read_text()
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "kernels.md", "exec"), {})
    assert out.getvalue().strip().startswith("[")
