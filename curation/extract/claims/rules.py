"""What is not a claim: one predicate per rule, tried in order, and the verdict on a clause."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Token

from curation.extract import lexicon, syntax
from curation.extract.claims.clauses import (
    SUBJECT_DEPS,
    has_subject,
    is_participle_adjunct,
    modal_of,
    next_word,
)
from curation.extract.claims.words import is_a


@dataclass(frozen=True)
class ClauseCheck:
    """Why a clause is or is not a claim: the rule name goes into Claim.rule for the bench."""

    is_claim: bool
    rule: str


def is_question(head: Token, tokens: list[Token]) -> bool:
    sent_tail = [t for t in syntax.sentence(head) if not (t.is_space or t.is_quote)]
    subjects = [c for c in head.children if c.dep_ in SUBJECT_DEPS]
    return (
        any(t.text == "?" for t in tokens)
        or next_word(tokens[-1]) == "?"
        or (head == syntax.sentence(head).root and bool(sent_tail) and sent_tail[-1].text == "?")
        # a headline question without its mark: "Who Was in a Hospital ..."
        or (head == syntax.sentence(head).root and any(c.tag_ in ("WP", "WRB") for c in subjects))
    )


def is_background(head: Token, tokens: list[Token]) -> bool:
    """ "When people come back from war, ...": a clause that sets a scene."""
    return tokens[0].lower_ in lexicon.active().background_subordinators and tokens[0].head == head


def is_advertising(head: Token, tokens: list[Token]) -> bool:
    words = {t.lower_ for t in tokens} | {t.lemma_.lower() for t in tokens}
    sent_words = [t for t in syntax.sentence(head) if not (t.is_space or t.is_quote or t.is_punct)]
    return (
        bool(words & lexicon.active().advertising_words)
        or any(t.like_url for t in tokens)
        or (bool(sent_words) and sent_words[0].lower_ in lexicon.active().call_to_action_words)
    )


def is_address(head: Token, tokens: list[Token]) -> bool:
    """ "You are not a leader": said to someone, not of the world."""
    return any(c.dep_ in SUBJECT_DEPS and c.lower_ == "you" for c in head.children)


def is_wish(head: Token, tokens: list[Token]) -> bool:
    return is_a(head, lexicon.active().wish_words) or any(
        c.lower_ in lexicon.active().wish_words for c in head.children
    )


def is_imperative(head: Token, tokens: list[Token]) -> bool:
    return head.tag_ == "VB" and head.dep_ == "ROOT" and not has_subject(head) and modal_of(head) is None


def is_modal(head: Token, tokens: list[Token]) -> bool:
    """A modal on the clause, or on its content ("the losses mean Trump may not have paid")."""
    return modal_of(head) is not None or any(
        c.dep_ == "ccomp" and c in tokens and modal_of(c) is not None for c in head.children
    )


def is_opinion(head: Token, tokens: list[Token]) -> bool:
    return is_a(head, lexicon.active().opinion_verbs)


def is_prediction(head: Token, tokens: list[Token]) -> bool:
    """ "is expected to", "plans to", "needs to": what is to come or ought to be."""
    return is_a(head, lexicon.active().prediction_verbs | lexicon.active().obligation_verbs) and any(
        c.dep_ in ("xcomp", "ccomp") for c in head.children
    )


def is_speculation(head: Token, tokens: list[Token]) -> bool:
    return any(
        t.lemma_.lower() in lexicon.active().speculation_words and t.head == head for t in tokens
    ) or any(c.lemma_.lower() in lexicon.active().speculation_words for c in head.children)


def is_hypothetical(head: Token, tokens: list[Token]) -> bool:
    return any(
        c.dep_ == "mark" and c.lower_ in lexicon.active().conditional_marks for c in head.children
    ) or any(
        c.dep_ == "advcl" and any(m.lower_ in lexicon.active().conditional_marks for m in c.children)
        for c in head.children
    )


def is_evaluation(head: Token, tokens: list[Token]) -> bool:
    """A copula whose predicate judges: an evaluative or superlative adjective, or a noun that
    judges ("a dictator")."""
    if head.lemma_.lower() != "be":
        return False
    for child in head.children:
        if child.dep_ in ("acomp", "attr", "oprd"):
            for tok in child.subtree:
                if tok.pos_ == "ADJ" and (
                    tok.lemma_.lower() in lexicon.active().evaluative_words or tok.tag_ == "JJS"
                ):
                    return True
                if tok.pos_ == "NOUN" and tok.lemma_.lower() in lexicon.active().evaluative_nouns:
                    return True
    return False


NOT_CLAIMS: tuple[tuple[str, Callable[[Token, list[Token]], bool]], ...] = (
    ("question", is_question),
    ("background", is_background),
    ("advertising", is_advertising),
    ("address", is_address),
    ("wish", is_wish),
    ("imperative", is_imperative),
    ("modal", is_modal),
    ("opinion", is_opinion),
    ("prediction", is_prediction),
    ("speculation", is_speculation),
    ("hypothetical", is_hypothetical),
    ("evaluation", is_evaluation),
)


def check_clause(head: Token, tokens: list[Token], quoted: bool = False) -> ClauseCheck:
    """Decide whether the clause headed by `head` asserts a checkable fact (and which rule said so).

    `quoted`: the clause is the content of a quote, so an infinitive after a cue of assertion
    ("Russia has claimed [to have recaptured Sudzha]") asserts, its subject being the speaker.
    """
    for rule, applies in NOT_CLAIMS:
        if applies(head, tokens):
            return ClauseCheck(False, rule)
    if is_participle_adjunct(head, head.head):
        return ClauseCheck(True, "participle")
    if quoted and head.dep_ == "xcomp" and not has_subject(head):
        if is_a(head.head, lexicon.active().assertion_cues):
            return ClauseCheck(True, "infinitive")
        return ClauseCheck(False, "request")  # "urged X [to convince Russia]", "pledged [to ...]"
    if not has_subject(head) and head.dep_ != "conj":
        return ClauseCheck(False, "fragment")
    if head.tag_ == "VB" and not any(c.dep_ in ("aux", "auxpass") for c in head.children):
        return ClauseCheck(False, "fragment")  # subjunctive or a mis-parse: "whether it be ..."
    return ClauseCheck(True, "past-event" if head.tag_ in ("VBD", "VBN") else "state")
