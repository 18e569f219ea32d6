"""Golden-file tests: every program in tests/bad/ fails with exactly the message checked in
beside it (`name.vi` -> `name.expected`).

To regenerate the expected files after an intended change of wording:
    VILANG_UPDATE_GOLDEN=1 python -m pytest tests/test_bad_programs.py
then review the diff.
"""
import os
from pathlib import Path

import pytest

import vilang

BAD = Path(__file__).parent / "bad"
CASES = sorted(BAD.glob("*.vi"))


def compile_message(path: Path) -> str:
    text = path.read_text()
    try:
        vilang.check(vilang.parse(text, filename=path.name), filename=path.name)
    except vilang.ModelError as err:
        return str(err)
    return "<no error>\n"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_program_message(path):
    expected_path = path.with_suffix(".expected")
    actual = compile_message(path)
    if os.environ.get("VILANG_UPDATE_GOLDEN"):
        expected_path.write_text(actual)
    assert actual != "<no error>\n", f"{path.name} should fail to compile"
    assert actual == expected_path.read_text()


def test_corpus_is_large_enough():
    assert len(CASES) >= 60
