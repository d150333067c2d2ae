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


def load_in_fresh_process(saved: Path, text: str, cwd: Path) -> dict:
    """What `spacy.load(saved)` finds in `text`, in a new Python that never imports curation (run in
    `cwd`, not the repository: nothing importable by accident)."""
    done = subprocess.run(
        [sys.executable, "-c", LOADER, str(saved), text], capture_output=True, text=True, check=False, cwd=cwd
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_packaging_saved_pipeline_loads_with_spacy_load_without_import(tmp_path: Path) -> None:
    nlp = add_components(spacy.load(get_settings().model))
    assert set(COMPONENTS) | {PARAGRAPHS} <= set(nlp.pipe_names)
    nlp.to_disk(tmp_path / "pipeline")
    expected = nlp(TEXT)

    loaded = load_in_fresh_process(tmp_path / "pipeline", TEXT, tmp_path)
    assert loaded["pipes"] == nlp.pipe_names
    assert loaded["quotes"] == [[a.text, a.rule] for a in expected._.attributions]
    assert ["We will not give up,", "direct_cue"] in loaded["quotes"]
    assert loaded["claims"] == [c.text for c in expected._.claims]
    assert loaded["claims"]


def test_packaging_saved_pipeline_carries_its_word_lists(tmp_path: Path) -> None:
    """Each component saves its lexicon (`<component>/lexicon.json`, as SpanRuler saves its patterns):
    a word added to the saved file changes what the pipeline loaded in a fresh process finds."""
    nlp = add_components(spacy.load(get_settings().model))
    saved = tmp_path / "pipeline"
    nlp.to_disk(saved)
    text = "The minister grumbled that taxes rose by 5 percent last year."
    before = nlp(text)
    assert [a.text for a in before._.attributions] == []  # "grumble" is no verb of saying in the lexicon
    assert [c.text for c in before._.claims] == [text.rstrip(".")]
    for component in ("curation_indirect_quotes", "curation_claims"):
        file = saved / component / "lexicon.json"
        lexicon = json.loads(file.read_text(encoding="utf-8"))
        assert "say" in lexicon["speech_verbs"]["words"]
        lexicon["speech_verbs"]["words"].append("grumble")
        file.write_text(json.dumps(lexicon), encoding="utf-8")

    loaded = load_in_fresh_process(saved, text, tmp_path)
    assert loaded["quotes"] == [["taxes rose by 5 percent last year", "indirect_speech"]]
    assert loaded["claims"] == ["taxes rose by 5 percent last year"]  # the frame left out, as for "said"
