"""The speakers a quote may have, for a learned re-ranker to choose from (or "no speaker").

The rules name one speaker per quote (the cue's subject, its passive agent, a noun's owner, ...:
curation.extract.learned.content_of, curation.extract.speakers). A learned re-ranker instead scores
every plausible mention near the cue and an explicit "none", so it can prefer another noun when the
parse hung the subject elsewhere, and say "no speaker" where the rules guess one (an evidential cue,
an agentless passive) or the reverse. This module only proposes them, from the parse alone (no entities:
the training docs carry no NER, curation.train.data.UNREAD), with cheap categorical features per
candidate; the model that scores them lives in curation.extract.speaker_ranker.

Candidates of a quote (its cue word and content): NONE; the rules' speaker; the cue's subject, passive
agent and (for a noun cue) owner; every noun, proper noun and personal pronoun heading a noun phrase in
the cue's sentence and the one before, outside the content. Some candidate is right (curation
evaluate's definition, `matches`) for 0.992 of PolNeAR dev's gold quotes with a gold cue and their gold
contents (2,174 of 2,192; 11 candidates a quote on average), 0.983 with the contents the parse gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy
from spacy.tokens import Span, Token
from thinc.types import Floats2d

from curation.evaluate.metrics import ranges_agree
from curation.extract import syntax

# Pronouns that never name a speaker (an empty "it", demonstratives, relatives are the rules' business).
_NOT_SPEAKERS = frozenset({"it", "this", "that", "what", "there", "which", "these", "those", "its"})
# Dependency labels a candidate can have, as one-hot features (anything else: "other").
DEPS = ("nsubj", "nsubjpass", "pobj", "dobj", "poss", "appos", "conj", "compound", "attr", "ROOT")
# Token distance buckets between candidate and cue (upper bounds, then "farther").
DISTANCES = (1, 3, 6, 12, 25)


class SpeakerCandidate(NamedTuple):
    """A candidate speaker: the head token of its mention (None: the quote has no speaker), the
    mention span (syntax.mention_span of the head), and its features (`candidate_features`)."""

    head: Token | None
    mention: Span | None
    features: tuple[float, ...]


def speaker_candidates(cue: Token, content: Span, rules: Token | None = None) -> list[SpeakerCandidate]:
    """NONE first, then the candidate speakers of the quote `content` cued by `cue` in text order
    (module docstring); `rules` is the head of the speaker the rules gave, if any."""
    named = _named_roles(cue, rules)
    out = [SpeakerCandidate(None, None, _none_features(cue, content, rules))]
    for head in _candidate_heads(cue, content, named):
        features = candidate_features(head, cue, content, named)
        out.append(SpeakerCandidate(head, syntax.mention_span(head), features))
    return out


def _named_roles(cue: Token, rules: Token | None) -> dict[str, Token | None]:
    """The speakers the parse names for the cue, by role: the rules', its subject, passive agent, owner."""
    verb, noun = cue.pos_ in ("VERB", "AUX"), cue.pos_ in ("NOUN", "PROPN")
    return {
        "rules": rules,
        "subject": syntax.subject_of(cue) if verb else None,
        "agent": syntax.passive_agent(cue),
        "owner": syntax.noun_source(cue) if noun else None,
    }


def candidate_matrix(candidates: Sequence[SpeakerCandidate]) -> Floats2d:
    """The ranker's input for one quote: a row of features per candidate."""
    return numpy.asarray([c.features for c in candidates], dtype="float32")  # type: ignore[return-value]


def _candidate_heads(cue: Token, content: Span, named: dict[str, Token | None]) -> list[Token]:
    """The candidate heads in text order, each once: the noun phrase heads of the cue's sentence and the
    one before outside the content, the cue's subject, agent and owner wherever they are (unless an
    empty pronoun), and the rules' speaker whatever it is."""
    doc = cue.doc
    sent = syntax.sentence(cue)
    start = syntax.sentence(doc[sent.start - 1]).start if sent.start > 0 else sent.start
    found: dict[int, Token] = {}
    for token in doc[start : sent.end]:
        if not content.start <= token.i < content.end and token.i != cue.i and _phrase_head(token):
            found[token.i] = token
    for role, named_token in named.items():
        if named_token is not None and (role == "rules" or _speaking_word(named_token)):
            found[named_token.i] = named_token
    return [found[i] for i in sorted(found)]


def _speaking_word(token: Token) -> bool:
    return token.lower_ not in _NOT_SPEAKERS and token.dep_ != "expl"


def _phrase_head(token: Token) -> bool:
    """A noun, proper noun or personal pronoun heading its noun phrase (not a compound or name part)."""
    if token.pos_ == "PRON":
        return _speaking_word(token)
    if token.pos_ not in ("NOUN", "PROPN"):
        return False
    return token.dep_ not in ("compound", "flat") or token.head.pos_ not in ("NOUN", "PROPN")


def _cue_features(cue: Token, content: Span, rules: Token | None) -> tuple[float, ...]:
    """What every candidate of a quote shares, so that NONE can learn when to win: the cue's kind
    (verb, noun, passive, evidential), whether the rules named anyone, whether the content follows."""
    return (
        float(cue.pos_ in ("VERB", "AUX")),
        float(cue.pos_ in ("NOUN", "PROPN")),
        float(any(c.dep_ in ("auxpass", "nsubjpass") for c in cue.children)),
        float(cue.lemma_ in ("seem", "appear", "look")),
        float(rules is None),
        float(content.start > cue.i),
    )


def _none_features(cue: Token, content: Span, rules: Token | None) -> tuple[float, ...]:
    return (1.0, *([0.0] * (_HEAD_WIDTH - 1)), *_cue_features(cue, content, rules))


def candidate_features(
    head: Token, cue: Token, content: Span, named: dict[str, Token | None]
) -> tuple[float, ...]:
    """Cheap categorical features of one candidate for the re-ranker: which of the named roles it
    fills (`_named_roles`), its kind of word, its dependency label, its distance bucket to the cue,
    whether it is before the cue, in the cue's sentence, the cue's own dependent; then `_cue_features`."""
    roles = tuple(float(t is not None and t.i == head.i) for t in named.values())
    kind = (
        float(head.pos_ == "PROPN"),
        float(head.pos_ == "PRON"),
        float(head.pos_ == "NOUN"),
        float(head.tag_ == "NNS"),
        float(syntax.holder_like(head)),
    )
    deps = tuple(float(head.dep_ == d) for d in DEPS) + (float(head.dep_ not in DEPS),)
    where = (
        float(head.i < cue.i),
        float(syntax.sentence(head).start == syntax.sentence(cue).start),
        float(head.head.i == cue.i),
    )
    buckets = _bucket(abs(head.i - cue.i), DISTANCES)
    return (0.0, *roles, *kind, *deps, *buckets, *where, *_cue_features(cue, content, named["rules"]))


def _bucket(value: int, bounds: Sequence[int]) -> tuple[float, ...]:
    index = next((i for i, b in enumerate(bounds) if value <= b), len(bounds))
    return tuple(float(i == index) for i in range(len(bounds) + 1))


# 1 (is NONE) + 4 roles + 5 kinds + deps + "other" + distance buckets + 3 "where"
_HEAD_WIDTH = 1 + 4 + 5 + len(DEPS) + 1 + len(DISTANCES) + 1 + 3
FEATURE_WIDTH = _HEAD_WIDTH + 6


def matches(candidate: SpeakerCandidate, gold: Sequence[tuple[int, int]]) -> bool:
    """The candidate is right for a quote whose gold speaker spans are `gold` (character ranges):
    curation evaluate's definition (ranges_agree), the spans share a character or both sides have none."""
    m = candidate.mention
    return ranges_agree(gold, [(m.start_char, m.end_char)] if m is not None else [])
