"""How check-worthy a claim is, and how likely an annotator keeps it (its score)."""

from __future__ import annotations

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


def score_claim(head: Token, tokens: list[Token], checkworthy: str) -> float:
    """How likely the span is a claim an annotator keeps: evidence up, hedges and fragments down."""
    score = 0.5
    if is_numeric(tokens):
        score += 0.2
    if any(t.ent_type_ in lexicon.active().anchor_entities for t in tokens):
        score += 0.1
    if head.tag_ in ("VBD", "VBN"):
        score += 0.1
    if checkworthy == HIGH:
        score += 0.05
    if any(t.lemma_.lower() in lexicon.active().reported_hedges for t in tokens):
        score -= 0.15
    words = sum(1 for t in tokens if not is_punctuation(t))
    if words < 6:
        score -= 0.15
    if words > 40:
        score -= 0.1  # a very long clause usually swallowed background the annotator will cut
    if not has_subject(head):
        score -= 0.1
    if head.lemma_.lower() == "be":
        score -= 0.05
    if any(c.dep_ in SUBJECT_DEPS and c.lower_ in ("i", "we") for c in head.children):
        score -= 0.1  # first person: a testimony more often than a checkable fact
    return round(min(0.95, max(0.05, score)), 3)
