"""The lexicon is data (curation/data/lexicon.json): read, written back unchanged, and refused with one
clear message when a list is missing, unknown or of the wrong shape."""

from __future__ import annotations

import json

import pytest

from curation.errors import InputError
from curation.extract.lexicon import LEXICON_PATH, Lexicon, active, packaged, using


def test_lexicon_packaged_file_reads_and_writes_back_unchanged():
    lexicon = packaged()
    assert LEXICON_PATH.read_text(encoding="utf-8") == lexicon.to_text()
    assert Lexicon.from_text(lexicon.to_text()) == lexicon
    assert ("call", "for") in lexicon.prepositional_cues and lexicon.person_pronouns["she"] == "female"
    assert lexicon.reporting_verbs == lexicon.speech_verbs | lexicon.cognition_verbs


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("titles"), "missing list 'titles'"),
        (lambda d: d.update(slang={"words": []}), "unknown list 'slang'"),
        (lambda d: d["titles"].update(words="mr dr"), "list 'titles': expected 'words'"),
        (lambda d: d["prepositional_cues"]["words"].append("call"), "'verb preposition'"),
    ],
)
def test_lexicon_bad_file_is_one_error_naming_the_list(tmp_path, change, message):
    data = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "lexicon.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=message) as raised:
        Lexicon.from_disk(path)
    assert str(path) in str(raised.value)


def test_lexicon_active_one_is_the_running_components():
    data = packaged().to_json()
    data["titles"]["words"] = ["sir"]
    mine = Lexicon.from_json(data)
    assert active() is packaged()
    with using(mine):
        assert active().titles == frozenset({"sir"})
    assert active() is packaged()
