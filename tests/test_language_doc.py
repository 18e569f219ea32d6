"""docs/language.md stays true: its complete example programs check, and it names every
built-in distribution family of the signature table."""
import re
from pathlib import Path

import pytest

import vilang
from vilang.typecheck.signatures import distribution_families

DOC = Path(__file__).resolve().parents[1] / "docs" / "language.md"
BLOCK_KEYWORDS = ("functions", "data", "transformed", "parameters", "model", "generated")
FENCE = re.compile(r"^```stan[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def doc_text() -> str:
    return DOC.read_text()


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    return re.sub(r"//[^\n]*", "", text)


def complete_programs() -> list[tuple[int, str]]:
    """(line number, text) of every ```stan block that starts with a block keyword."""
    text = doc_text()
    out = []
    for m in FENCE.finditer(text):
        body = m.group(1)
        words = strip_comments(body).split()
        if words and words[0] in BLOCK_KEYWORDS:
            out.append((text.count("\n", 0, m.start()) + 2, body))
    return out


PROGRAMS = complete_programs()


def test_doc_has_example_programs():
    assert len(PROGRAMS) >= 5


@pytest.mark.parametrize("line, text", PROGRAMS, ids=[f"line{n}" for n, _ in PROGRAMS])
def test_example_program_checks(line, text):
    vilang.check(vilang.parse(text, filename=f"language.md:{line}"))


def test_every_distribution_family_is_documented():
    text = doc_text()
    missing = sorted(f for f in distribution_families() if f"`{f}`" not in text)
    assert not missing, f"docs/language.md does not mention: {missing}"


PLAIN_FENCE = re.compile(r"^```[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
BAD = DOC.parents[1] / "tests" / "bad"


def test_error_examples_match_the_golden_files():
    """An error shown in the doc for a tests/bad/ program is that program's exact message."""
    shown = 0
    for m in PLAIN_FENCE.finditer(doc_text()):
        head = re.match(r"(?:Syntax|Semantic) error in '(\w+)\.vi'", m.group(1))
        if head and (BAD / f"{head.group(1)}.expected").exists():
            expected = (BAD / f"{head.group(1)}.expected").read_text()
            assert m.group(1) == expected, f"docs/language.md is out of date for {head.group(1)}"
            shown += 1
    assert shown >= 2
