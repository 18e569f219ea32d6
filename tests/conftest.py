"""Shared test fixtures: where the examples and the posteriordb reference set live."""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def posteriordb_dir() -> Path | None:
    """The posteriordb reference set: $VILANG_POSTERIORDB, else ../shared/posteriordb."""
    env = os.environ.get("VILANG_POSTERIORDB")
    path = Path(env) if env else ROOT.parent / "shared" / "posteriordb"
    return path if path.is_dir() else None


def example_models() -> list[Path]:
    return sorted(EXAMPLES.rglob("*.vi"))


@pytest.fixture
def posteriordb():
    path = posteriordb_dir()
    if path is None:
        pytest.skip("posteriordb reference set not found at ../shared/posteriordb "
                    "(set VILANG_POSTERIORDB to its path)")
    return path
