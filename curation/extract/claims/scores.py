"""How check-worthy a claim is, and how likely an annotator keeps it (its score)."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from curation.extract import lexicon
from curation.extract.claims.clauses import SUBJECT_DEPS, has_subject, is_punctuation
from curation.extract.claims.words import is_a

# CLAIM.checkworthy values of the label schema (a test checks that the schema still has them).
HIGH, LOW = "high", "low"


def is_numeric(tokens: list[Token]) -> bool:
    """A quantity or statistic: a numeric entity, or a numeral that is not a date or "one"."""
    return any(
        (t.ent_type_ in lexicon.active().numeric_entities and t.lower_ != "one")
        or (
            t.pos_ == "NUM"
            and t.like_num
            and t.ent_type_ not in lexicon.active().non_quantity_entities
            and t.lower_ != "one"
        )
        for t in tokens
    )


def checkworthiness(head: Token, tokens: list[Token], speaker: bool) -> str:
    """high for numbers, disputed events and official positions; low otherwise."""
    lemmas = {t.lemma_.lower() for t in tokens}
    if is_numeric(tokens):
        return HIGH
    if is_a(head, lexicon.active().disputed_event_verbs) or lemmas & lexicon.active().position_words:
        return HIGH
    subjects = [c for c in head.children if c.dep_ in SUBJECT_DEPS]
    if any(t.ent_type_ in lexicon.active().official_subject_entities for s in subjects for t in s.subtree):
        return HIGH
    if speaker and head.tag_ in ("VBD", "VBN"):
        return HIGH  # a past event stated by a named source: what fact-checkers check first
    return LOW


@dataclass(frozen=True)
class ClaimScoring:
    """How a claim's score is made (the component's `scoring` config): start at `base`, add for
    evidence, subtract for hedges and fragments, keep within [floor, ceiling]."""

    base: float = 0.5
    numeric: float = 0.2  # a quantity or statistic
    anchor: float = 0.1  # a named entity, place or date: checkable against the world
    past: float = 0.1  # past tense: an event
    checkworthy: float = 0.05  # check-worthy high
    hedge: float = 0.15  # "reportedly", "allegedly": subtracted
    short: float = 0.15  # fewer than `short_words` words: subtracted
    short_words: int = 6
    long: float = 0.1  # more than `long_words` words (usually swallowed background the annotator cuts)
    long_words: int = 40
    no_subject: float = 0.1
    copula: float = 0.05
    first_person: float = 0.1  # "I", "we": a testimony more often than a checkable fact
    floor: float = 0.05
    ceiling: float = 0.95


SCORING = ClaimScoring()


def score_claim(head: Token, tokens: list[Token], checkworthy: str, scoring: ClaimScoring = SCORING) -> float:
    """How likely the span is a claim an annotator keeps: evidence up, hedges and fragments down."""
    w = scoring
    score = w.base
    if is_numeric(tokens):
        score += w.numeric
    if any(t.ent_type_ in lexicon.active().anchor_entities for t in tokens):
        score += w.anchor
    if head.tag_ in ("VBD", "VBN"):
        score += w.past
    if checkworthy == HIGH:
        score += w.checkworthy
    if any(t.lemma_.lower() in lexicon.active().reported_hedges for t in tokens):
        score -= w.hedge
    words = sum(1 for t in tokens if not is_punctuation(t))
    if words < w.short_words:
        score -= w.short
    if words > w.long_words:
        score -= w.long
    if not has_subject(head):
        score -= w.no_subject
    if head.lemma_.lower() == "be":
        score -= w.copula
    if any(c.dep_ in SUBJECT_DEPS and c.lower_ in ("i", "we") for c in head.children):
        score -= w.first_person
    return round(min(w.ceiling, max(w.floor, score)), 3)
