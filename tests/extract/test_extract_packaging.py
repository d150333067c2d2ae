"""A saved curation pipeline is an ordinary spaCy pipeline: `spacy.load(dir)` in a fresh process that
never imports curation finds every component through the `spacy_factories` entry points."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import spacy

from curation.extract.pipeline import COMPONENTS, PARAGRAPHS, add_components
from curation.settings import get_settings

TEXT = "“We will not give up,” said Karoline Leavitt. The ministry said 40 soldiers were killed on Monday."

LOADER = """
import json, sys
import spacy
assert not any(m == "curation" or m.startswith("curation.") for m in sys.modules), "curation imported early"
nlp = spacy.load(sys.argv[1])
doc = nlp(sys.argv[2])
print(json.dumps({
    "pipes": nlp.pipe_names,
    "quotes": [[a.text, a.rule] for a in doc._.attributions],
    "claims": [c.text for c in doc._.claims],
}))
"""


def test_packaging_saved_pipeline_loads_with_spacy_load_without_import(tmp_path: Path) -> None:
    nlp = add_components(spacy.load(get_settings().model))
    assert set(COMPONENTS) | {PARAGRAPHS} <= set(nlp.pipe_names)
    nlp.to_disk(tmp_path / "pipeline")
    expected = nlp(TEXT)

    done = subprocess.run(
        [sys.executable, "-c", LOADER, str(tmp_path / "pipeline"), TEXT],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,  # not the repository: nothing importable by accident
    )

    assert done.returncode == 0, done.stderr[-2000:]
    loaded = json.loads(done.stdout)
    assert loaded["pipes"] == nlp.pipe_names
    assert loaded["quotes"] == [[a.text, a.rule] for a in expected._.attributions]
    assert ["We will not give up,", "direct_cue"] in loaded["quotes"]
    assert loaded["claims"] == [c.text for c in expected._.claims]
    assert loaded["claims"]
