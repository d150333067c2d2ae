"""Learned quote contents, and how they join the rules' attributions.

Two spaCy components, both trained or configured by `curation train` (curation.train):

- `curation_quote_finder`: spaCy's `span_finder` (a start and an end probability per token, over its own
  tok2vec) whose decoding keeps one span per start: each start pairs with the nearest end after it
  before the next start, so predictions never overlap, and each span keeps a score (the mean of its
  start and end probabilities) in `doc.spans[key].attrs["scores"]`.
- `curation_learned_quotes`: merges those spans into `doc._.attributions` after the rule components
  and before `curation_speakers`. The combination (documented in the README):
  (with `keep_rules = false`, the learned spans alone: the "trained" column of bench/train.py)
  1. rules keep every quote they found that a learned span overlaps, and every direct quote (their marks
     are exact); a rule's indirect or mixed quote that no learned span confirms is dropped when
     `drop_unconfirmed` (the learned model is the better judge of marks-less content);
  2. a learned span that overlaps no kept rule quote is added, its kind read from its quotation marks
     (the definition the brat importer uses for gold), rule "learned:<component>";
  3. the speaker and cue of an added quote come from the parse: the verb (or noun of saying,
     "according to") that governs the content, and its subject (the rules' helpers).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.pipeline.span_finder import SpanFinder
from spacy.tokens import Doc, Span, Token
from thinc.types import Floats2d

from curation.extract import lexicon, syntax
from curation.extract.types import Attribution

SPANS_KEY = "learned_quotes"
LEARNED_RULE = "learned:curation_quote_finder"
_OPEN_MARKS = ("“", '"', "‘", "``", "«", "'")
_CLOSE_MARKS = ("”", '"', "’", "''", "»", "'")


class QuoteFinder(SpanFinder):
    """spaCy's span finder, decoded to non-overlapping scored spans (see the module docstring)."""

    def set_annotations(self, docs: Iterable[Doc], scores: Floats2d) -> None:
        threshold = self.cfg["threshold"]
        max_length = self.cfg["max_length"] or 10**9
        min_length = self.cfg["min_length"] or 1
        key = self.cfg["spans_key"]
        offset = 0
        for doc in docs:
            doc_scores = self.model.ops.to_numpy(scores[offset : offset + len(doc)])
            offset += len(doc)
            spans, span_scores = decode(doc_scores, threshold, min_length, max_length)
            doc.spans[key] = [doc[s:e] for s, e in spans]
            doc.spans[key].attrs["scores"] = span_scores


def decode(
    scores: Any, threshold: float, min_length: int = 1, max_length: int = 10**9
) -> tuple[list[tuple[int, int]], list[float]]:
    """Token spans [start, end) from per-token (start, end) probabilities, and their scores.

    Each start pairs with the first end at or after it, provided no other start comes first (then the
    earlier start is dropped: it has no end of its own).
    """
    starts = [i for i in range(len(scores)) if scores[i][0] >= threshold]
    ends = [i for i in range(len(scores)) if scores[i][1] >= threshold]
    spans: list[tuple[int, int]] = []
    values: list[float] = []
    e = 0
    for k, start in enumerate(starts):
        following = starts[k + 1] if k + 1 < len(starts) else len(scores)
        while e < len(ends) and ends[e] < start:
            e += 1
        if e == len(ends) or ends[e] >= following:
            continue
        end = ends[e]
        if min_length <= end + 1 - start <= max_length:
            spans.append((start, end + 1))
            values.append(float(scores[start][0] + scores[end][1]) / 2)
    return spans, values


# --- kinds from quotation marks ---------------------------------------------------------------------


def kind_of(text: str, start: int, end: int) -> str:
    """direct / mixed / indirect for a content span, by its marks (those just outside count too)."""
    from curation.ingest.brat import split_content

    before = text[max(0, start - 2) : start].rstrip(" ")
    after = text[end : end + 2].lstrip(" ")
    if before.endswith(_OPEN_MARKS) and after.startswith(_CLOSE_MARKS):
        return "direct"
    shape, _ = split_content(text, start, end)
    return {"quoted": "direct", "partly_quoted": "mixed"}.get(shape, "indirect")


# --- speaker and cue of a learned content -------------------------------------------------------------


def governor(content: Span) -> tuple[Token, Span | None] | None:
    """The cue of a content span and the speaker's head (or None), from the parse.

    The first word outside the content on the path up from its root: a verb of saying (its subject is
    the speaker), a noun of saying (its owner), or "according to X" hanging on the content.
    """
    doc = content.doc
    root = content.root
    for child in root.children:
        if child.lower_ == "according" and not content.start <= child.i < content.end:
            pobj = next((g for c in child.children for g in c.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                return child, syntax.mention_span(pobj)
    head = root.head
    steps = 0
    while head is not root and content.start <= head.i < content.end and steps < 50:
        root, head, steps = head, head.head, steps + 1
    if head is root or content.start <= head.i < content.end:
        return None
    if head.pos_ in ("VERB", "AUX"):
        subject = syntax.subject_of(head)
        if subject is not None and content.start <= subject.i < content.end:
            subject = None
        return head, syntax.mention_span(subject) if subject is not None else None
    if head.pos_ == "NOUN" and head.lemma_.lower() in lexicon.SPEECH_NOUNS:
        owner = next((c for c in head.children if c.dep_ == "poss"), None)
        return head, syntax.mention_span(owner) if owner is not None else None
    del doc
    return None


class LearnedQuotes:
    """Join the learned spans (doc.spans[spans_key]) to the rules' attributions (module docstring)."""

    def __init__(
        self, name: str, spans_key: str, drop_unconfirmed: bool, min_score: float, keep_rules: bool = True
    ) -> None:
        self.name = name
        self.spans_key = spans_key
        self.keep_rules = keep_rules
        self.drop_unconfirmed = drop_unconfirmed
        self.min_score = min_score

    def __call__(self, doc: Doc) -> Doc:
        if self.spans_key not in doc.spans:
            return doc
        group = doc.spans[self.spans_key]
        scores = list(group.attrs.get("scores", [1.0] * len(group)))
        learned = [(s, float(v)) for s, v in zip(group, scores, strict=True) if v >= self.min_score]
        rules = list(doc._.attributions or []) if self.keep_rules else []
        kept = [a for a in rules if self._keep(a, learned)]
        taken = [(a.start, a.end) for a in kept]
        for span, score in learned:
            if any(_overlaps(span.start_char, span.end_char, s, e) for s, e in taken):
                continue
            kept.append(self._attribution(doc, span, score))
            taken.append((span.start_char, span.end_char))
        doc._.attributions = sorted(kept, key=lambda a: (a.start, a.end))
        return doc

    def _keep(self, a: Attribution, learned: list[tuple[Span, float]]) -> bool:
        if a.kind == "direct" or not self.drop_unconfirmed:
            return True
        return any(_overlaps(a.start, a.end, s.start_char, s.end_char) for s, _ in learned)

    def _attribution(self, doc: Doc, span: Span, score: float) -> Attribution:
        start, end = span.start_char, span.end_char
        found = governor(span)
        speaker = cue = None
        if found is not None:
            verb, subject = found
            cue = syntax.as_mention(
                syntax.cue_span(verb) if verb.pos_ in ("VERB", "AUX") else verb.doc[verb.i : verb.i + 1]
            )
            speaker = syntax.as_mention(subject) if subject is not None else None
        return Attribution(
            start=start,
            end=end,
            text=doc.text[start:end],
            kind=kind_of(doc.text, start, end),
            score=round(score, 3),
            speaker=speaker,
            cue=cue,
            rule=LEARNED_RULE,
        )


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1
