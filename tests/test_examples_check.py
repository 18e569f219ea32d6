"""Every model under examples/ parses and checks."""
import pytest

import vilang
from conftest import EXAMPLES, example_models

MODELS = example_models()


@pytest.mark.parametrize("path", MODELS, ids=[p.stem for p in MODELS])
def test_example_checks(path):
    checked = vilang.check(vilang.parse(path.read_text(), filename=path.name),
                           filename=path.name)
    assert checked.program.model is not None or checked.program.generated_quantities is not None


def test_every_posteriordb_posterior_has_a_model(posteriordb):
    names = {p.name for p in posteriordb.iterdir() if (p / "info.json").exists()}
    written = {p.stem for p in (EXAMPLES / "posteriordb").glob("*.vi")}
    assert names <= written, f"missing models: {sorted(names - written)}"
