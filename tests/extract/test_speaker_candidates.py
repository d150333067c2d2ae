"""The candidate speakers a quote offers the learned re-ranker: handwritten sentences, the real model."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from curation.extract.learned import content_of
from curation.extract.speaker_candidates import FEATURE_WIDTH, matches, speaker_candidates


def _quote(nlp_base: Language, text: str, cue: str) -> tuple[Doc, list[str | None]]:
    doc = nlp_base(text)
    word = next(t for t in doc if t.text == cue)
    found = content_of(word)
    assert found is not None
    content, source = found
    candidates = speaker_candidates(word, content, source)
    assert all(len(c.features) == FEATURE_WIDTH for c in candidates)
    return doc, [c.mention.text if c.mention is not None else None for c in candidates]


def test_speaker_candidates_start_with_none_and_leave_out_the_content(nlp_base: Language) -> None:
    _, names = _quote(nlp_base, "Senator Okafor said the budget would pass.", "said")
    assert names[0] is None
    assert "Senator Okafor" in names
    assert not any(n is not None and "budget" in n for n in names)  # inside what was said


def test_speaker_candidates_reach_the_sentence_before(nlp_base: Language) -> None:
    _, names = _quote(nlp_base, "The governor spoke in Tulsa on Monday. She said taxes would rise.", "said")
    assert "She" in names
    assert "The governor" in names


def test_speaker_candidates_include_a_passive_agent(nlp_base: Language) -> None:
    text = "The proposal was criticized by the mayor, who called it reckless."
    _, names = _quote(nlp_base, text, "criticized")
    assert "the mayor" in names


def test_speaker_candidates_leave_out_an_empty_it(nlp_base: Language) -> None:
    _, names = _quote(nlp_base, "It seems that the harbour deal is finished.", "seems")
    assert names[0] is None
    assert "It" not in names


def test_speaker_candidates_match_gold_as_evaluate_does(nlp_base: Language) -> None:
    doc = nlp_base("Senator Okafor said the budget would pass.")
    word = doc[2]
    found = content_of(word)
    assert found is not None
    candidates = speaker_candidates(word, found[0], found[1])
    none = candidates[0]
    okafor = next(c for c in candidates if c.mention is not None and c.mention.text == "Senator Okafor")
    assert matches(none, []) and not matches(none, [(0, 6)])
    assert matches(okafor, [(7, 13)])  # "Okafor": one shared character is enough
    assert not matches(okafor, []) and not matches(okafor, [(20, 30)])
    assert isinstance(okafor.mention, Span)
