"""How the quotes found by the quote components shape claims: which quotes hold an assertion, where
a clause inside or beside a quote starts and ends, and whose voice it is in."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from curation.extract import lexicon
from curation.extract.claims.clauses import CLAUSE_POS, CORE_COMPLEMENTS, has_subject, trim
from curation.extract.claims.words import is_a
from curation.extract.ranges import Enclosing
from curation.extract.types import Attribution


def reports_words(doc: Doc, attribution: Attribution) -> bool:
    """Whether the quote holds someone's assertion, or only the topic or aim of a verb.

    Direct and mixed quotes are someone's words. Indirect content is an assertion when it is a
    clause ("said [Moscow was awaiting ...]") or an infinitive after a cue of assertion ("claimed
    [to have recaptured Sudzha]"); a noun phrase ("rejected [the proposal]") or an infinitive of
    intent ("refuses [to release his taxes]") belongs to the author's clause around it, which is
    the claim ("Putin has rejected the proposal").
    """
    if attribution.kind != "indirect":
        return True
    span = doc.char_span(attribution.start, attribution.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    top = span.root
    if top.pos_ not in CLAUSE_POS:
        return False
    if top.dep_ == "xcomp" and not has_subject(top):
        return is_a(top.head, lexicon.active().assertion_cues)
    return True


def quote_index(attributions: list[Attribution]) -> Enclosing[Attribution]:
    """The quotes indexed by their content's range (looked up per token and per clause)."""
    return Enclosing(attributions, lambda a: (a.start, a.end))


def enclosing_attribution(start: int, end: int, attributions: Enclosing[Attribution]) -> Attribution | None:
    """The quote whose content contains the character range (the smallest, if quotes nest)."""
    inside = attributions.all(start, end)
    return min(inside, key=lambda a: a.end - a.start) if inside else None


def char_range(
    text: str, tokens: list[Token], head: Token, attributions: Enclosing[Attribution]
) -> tuple[int, int, bool]:
    """Character range of the clause, cut to the head's line and kept out of quotes it does not own;
    and whether someone else's quote cut its end off."""
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    line_start = text.rfind("\n", start, head.idx) + 1
    line_end = text.find("\n", head.idx, end)
    start = max(start, line_start) if line_start > 0 else start
    end = line_end if line_end >= 0 else end
    owner = enclosing_attribution(head.idx, head.idx + len(head.text), attributions)
    if owner is not None:
        return max(start, owner.start), min(end, owner.end), False
    quote_cut = False
    for att in attributions.overlapping(start, end):  # the clause must not swallow someone else's words
        if att.start < end and start < att.end:
            if att.start >= head.idx:
                end, quote_cut = min(end, att.start), True
            elif att.end <= head.idx:
                start = max(start, att.end)
    return start, end, quote_cut


def tokens_in(head: Token, start: int, end: int, tokens: list[Token], quote_cut: bool) -> list[Token] | None:
    """The clause's tokens inside [start, end).

    When someone else's quote cut the end off the clause (`quote_cut`), the phrase that introduced
    the quote goes too: ", with officials saying that [quote]" or "as he discussed [quote]" is the
    attribution, not part of the fact. When the quote was the head's own complement ("Trump has
    often cited [quote]"), the clause only frames the quote: None.
    """
    kept = [t for t in tokens if t.idx >= start and t.idx + len(t.text) <= end]
    cut = [t for t in tokens if t.idx >= end]
    if not (quote_cut and kept and cut):
        return trim(kept)
    branch = cut[0]
    while branch.head != head and branch != head and branch.head != branch:
        branch = branch.head
    if branch == head or branch.head != head or branch.dep_ in CORE_COMPLEMENTS:
        return None
    dangling = {t.i for t in branch.subtree}
    return trim([t for t in kept if t.i not in dangling])


def segment_roots(sent: Span, text: str, attributions: Enclosing[Attribution]) -> list[Token]:
    """Where clauses start: the sentence root, plus any verb whose head lies on another line (the
    parser merges a headline into the next sentence) or outside the quote it is in (the content of
    "with officials saying that ..." is a clause even when the parse hangs it deep in a phrase)."""
    roots = [sent.root]
    for tok in sent:
        if tok.pos_ not in CLAUSE_POS or tok == sent.root:
            continue
        lo, hi = sorted((tok.idx, tok.head.idx))
        if "\n" in text[lo:hi]:
            roots.append(tok)
            continue
        owner = enclosing_attribution(tok.idx, tok.idx + len(tok.text), attributions)
        if owner is not None and not owner.start <= tok.head.idx < owner.end:
            roots.append(tok)
    return roots
