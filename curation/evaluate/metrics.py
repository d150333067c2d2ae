"""Scoring predicted records against gold records: the figures and exactly how they are defined.

Rows: one per span label of the schema, and one per value of each choice attribute (QUOTE kind=direct,
CLAIM checkworthy=high, ...). A row restricted to a value keeps the gold units with that value and the
predicted units with that value (a missing value counts as the schema's default), and matches them
separately: "direct quotes" scores a direct-quote extractor against the direct gold quotes.

Per row, counts are summed over documents (micro average):
- exact and overlap: gold units, predicted units, matched pairs (see curation.evaluate.matching).
  precision = matched / predicted (0 when nothing was predicted but gold exists), recall = matched /
  gold, F1 their harmonic mean; a figure with nothing to measure (no gold, or neither) is None.
- chars: the same three figures over characters: the union of the row's gold characters against the
  union of its predicted characters in each document. It does not depend on how units are split.
- relations, on the pairs matched by overlap, for every relation of the schema leaving the row's label
  (QUOTE: speaker, cue; CLAIM: speaker): correct when the predicted and the gold tail spans share a
  character, or when both have none. `<relation>.<attr>` for each text attribute of the tail label
  (speaker.canonical): counted only when both sides have a value; correct when they are equal after
  normalisation (case, accents composed, possessive 's, punctuation and spacing ignored).
A document with gold but no prediction record scores as an empty prediction.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from curation.errors import InputError
from curation.evaluate.matching import (
    Unit,
    length,
    match_exact,
    match_overlap,
    merge_segments,
    shared,
    units,
)
from curation.records import Document, Span
from curation.schema import LabelSchema, get_schema

DEFAULT_THRESHOLD = 0.3


def check_threshold(threshold: float) -> None:
    """The overlap threshold (evaluate and agreement's --threshold) is a share: 0 to 1."""
    if not 0.0 <= threshold <= 1.0:
        raise InputError(f"--threshold {threshold} must be between 0 and 1 (share of the span)")


@dataclass
class Counts:
    """Gold, predicted and matched counts, and the precision / recall / F1 they give."""

    gold: int = 0
    pred: int = 0
    matched: int = 0

    def add(self, gold: int, pred: int, matched: int) -> None:
        self.gold += gold
        self.pred += pred
        self.matched += matched

    @property
    def precision(self) -> float | None:
        if self.pred:
            return self.matched / self.pred
        return 0.0 if self.gold else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "accuracy": self.value}


@dataclass
class RowScore:
    """All figures of one row: a label, or a label restricted to one value of one attribute."""

    label: str
    attr: str | None = None
    value: str | None = None
    exact: Counts = field(default_factory=Counts)
    overlap: Counts = field(default_factory=Counts)
    chars: Counts = field(default_factory=Counts)
    relations: dict[str, Accuracy] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.label if self.attr is None else f"{self.label} {self.attr}={self.value}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "attr": self.attr,
            "value": self.value,
            "exact": self.exact.to_dict(),
            "overlap": self.overlap.to_dict(),
            "chars": self.chars.to_dict(),
            "relations": {name: acc.to_dict() for name, acc in self.relations.items()},
        }


@dataclass
class Mistake:
    """One thing a prediction got wrong in a document, for the report's worst-documents list."""

    what: str  # "missed", "spurious", or "wrong <relation>"
    label: str
    start: int
    end: int
    text: str
    detail: str = ""


@dataclass
class DocumentScore:
    """Overlap counts over all labels of one document, and its mistakes."""

    id: str
    name: str
    counts: Counts = field(default_factory=Counts)
    mistakes: list[Mistake] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "counts": self.counts.to_dict(),
            "mistakes": [asdict(m) for m in self.mistakes],
        }


@dataclass
class Evaluation:
    """The figures of one system against one gold version."""

    system: str
    threshold: float
    documents: int = 0
    without_prediction: int = 0
    rows: dict[str, RowScore] = field(default_factory=dict)
    worst: list[DocumentScore] = field(default_factory=list)

    def row(self, label: str, attr: str | None = None, value: str | None = None) -> RowScore:
        """The row of `label` (optionally restricted: row("QUOTE", "kind", "direct"))."""
        return self.rows[label if attr is None else f"{label} {attr}={value}"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "threshold": self.threshold,
            "documents": self.documents,
            "without_prediction": self.without_prediction,
            "rows": [row.to_dict() for row in self.rows.values()],
            "worst": [doc.to_dict() for doc in self.worst],
        }


def normalise_name(name: str) -> str:
    """Compare names loosely: "Donald Trump's" == "donald  trump" == "Donald Trump’s"."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"['’]s\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class RowSpec:
    label: str
    attr: str | None = None
    value: str | None = None
    default: str | None = None

    @property
    def key(self) -> str:
        return self.label if self.attr is None else f"{self.label} {self.attr}={self.value}"

    def keep(self, unit: Unit) -> bool:
        return self.attr is None or unit.attrs.get(self.attr, self.default) == self.value


def row_specs(schema: LabelSchema) -> list[RowSpec]:
    """One row per label, then one per value of each of its choice attributes, in schema order."""
    specs = []
    for label, spec in schema.spans.items():
        specs.append(RowSpec(label))
        for name, attr in spec.attrs.items():
            if attr.type == "choice":
                specs += [RowSpec(label, name, value, attr.default) for value in attr.values]
    return specs


class Links:
    """The tail spans each span points to, per relation label, in one document (curation.train.data
    reads the gold speakers and cues the speaker re-ranker learns from with it too)."""

    def __init__(self, doc: Document) -> None:
        by_id = doc.spans_by_id()
        self.tails: dict[tuple[str, str], list[Span]] = {}
        for rel in doc.relations:
            if rel.tail in by_id:
                self.tails.setdefault((rel.head, rel.label), []).append(by_id[rel.tail])

    def of(self, unit: Unit, relation: str) -> list[Span]:
        return self.of_spans(unit.span_ids, relation)

    def of_spans(self, span_ids: Iterable[str], relation: str) -> list[Span]:
        """The tails of `relation` from each of the spans `span_ids` (a unit's segments), in that order."""
        return [t for sid in span_ids for t in self.tails.get((sid, relation), [])]


def ranges_agree(gold: Sequence[tuple[int, int]], pred: Sequence[tuple[int, int]]) -> bool:
    """Whether a relation's predicted tails (a quote's speaker, its cue: character ranges) are right:
    they share a character with a gold one, or neither side has any. The speaker re-ranker's
    candidates (curation.extract.speaker_candidates.matches) are judged by it too."""
    if not gold or not pred:
        return not gold and not pred
    return any(gs < pe and ps < ge for gs, ge in gold for ps, pe in pred)


def _tails_agree(gold: list[Span], pred: list[Span]) -> bool:
    return ranges_agree([(g.start, g.end) for g in gold], [(p.start, p.end) for p in pred])


def _values(tails: list[Span], attr: str) -> set[str]:
    return {normalise_name(v) for t in tails if isinstance(v := t.attrs.get(attr), str) and normalise_name(v)}


class Scorer:
    """Accumulates figures document by document (memory stays flat: only the worst few are kept)."""

    def __init__(
        self,
        system: str = "",
        threshold: float = DEFAULT_THRESHOLD,
        schema: LabelSchema | None = None,
        worst: int = 10,
        doc_labels: Collection[str] | None = None,
    ) -> None:
        self.schema = schema or get_schema()
        # labels that count in a document's own score and mistakes (the worst-documents list): those the
        # gold annotates, so predictions of a label the gold never marks do not make every document bad
        self.doc_labels = set(doc_labels) if doc_labels is not None else set(self.schema.spans)
        self.specs = row_specs(self.schema)
        self.evaluation = Evaluation(system=system, threshold=threshold)
        for spec in self.specs:
            row = RowScore(spec.label, spec.attr, spec.value)
            for name in self._relation_names(spec.label):
                row.relations[name] = Accuracy()
            self.evaluation.rows[row.key] = row
        self._worst_size = worst
        self._heap: list[tuple[float, int, int, DocumentScore]] = []

    def _relation_names(self, label: str) -> list[str]:
        names = []
        for rel_name, rel in self.schema.relations.items():
            if label in rel.from_:
                names.append(rel_name)
                for tail in rel.to:
                    attrs = self.schema.spans[tail].attrs
                    names += [f"{rel_name}.{a}" for a, spec in attrs.items() if spec.type == "text"]
        return list(dict.fromkeys(names))

    def add(self, gold: Document, pred: Document | None) -> DocumentScore:
        """Score one document (pred None: no prediction record, scored as empty)."""
        ev = self.evaluation
        ev.documents += 1
        if pred is None:
            ev.without_prediction += 1
            pred = Document(id=gold.id, text=gold.text)
        doc_score = DocumentScore(id=gold.id, name=str(gold.meta.get("name") or gold.source or gold.id))
        gold_links, pred_links = Links(gold), Links(pred)
        all_gold = {label: units(gold, label) for label in self.schema.spans}
        all_pred = {label: units(pred, label) for label in self.schema.spans}
        for spec in self.specs:
            g = [u for u in all_gold[spec.label] if spec.keep(u)]
            p = [u for u in all_pred[spec.label] if spec.keep(u)]
            row = ev.rows[spec.key]
            pairs = match_overlap(g, p, ev.threshold)
            row.exact.add(len(g), len(p), len(match_exact(g, p)))
            row.overlap.add(len(g), len(p), len(pairs))
            row.chars.add(*_char_counts(g, p))
            wrong = self._score_relations(row, [(g[i], p[j]) for i, j in pairs], gold_links, pred_links)
            if spec.attr is None and spec.label in self.doc_labels:
                doc_score.counts.add(len(g), len(p), len(pairs))
                doc_score.mistakes += _unmatched(g, p, pairs) + wrong
        self._keep_if_worst(doc_score)
        return doc_score

    def _score_relations(
        self, row: RowScore, pairs: list[tuple[Unit, Unit]], gold_links: Links, pred_links: Links
    ) -> list[Mistake]:
        mistakes = []
        for name, acc in row.relations.items():
            relation, _, attr = name.partition(".")
            for g, p in pairs:
                gold_tails, pred_tails = gold_links.of(g, relation), pred_links.of(p, relation)
                if not attr:
                    ok = _tails_agree(gold_tails, pred_tails)
                    acc.correct += ok
                    acc.total += 1
                    if not ok:
                        expected = " / ".join(t.text for t in gold_tails) or "(none)"
                        got = " / ".join(t.text for t in pred_tails) or "(none)"
                        detail = f"{relation}: expected {expected!r}, got {got!r}"
                        mistakes.append(Mistake(f"wrong {relation}", g.label, g.start, g.end, g.text, detail))
                    continue
                gold_values, pred_values = _values(gold_tails, attr), _values(pred_tails, attr)
                if gold_values and pred_values:
                    acc.total += 1
                    acc.correct += bool(gold_values & pred_values)
        return mistakes

    def _keep_if_worst(self, doc: DocumentScore) -> None:
        f1 = doc.counts.f1
        if f1 is None or not doc.mistakes or not self._worst_size:
            return
        # A min-heap of badness (lower F1, then more mistakes, then earlier): the mildest case is on top.
        item = (1.0 - f1, len(doc.mistakes), -self.evaluation.documents, doc)
        if len(self._heap) < self._worst_size:
            heapq.heappush(self._heap, item)
        elif item[:3] > self._heap[0][:3]:
            heapq.heapreplace(self._heap, item)

    def result(self) -> Evaluation:
        """The figures so far, worst documents first."""
        self.evaluation.worst = [item[3] for item in sorted(self._heap, key=lambda x: x[:3], reverse=True)]
        return self.evaluation


def _char_counts(gold: Sequence[Unit], pred: Sequence[Unit]) -> tuple[int, int, int]:
    """Characters covered by gold units, by predicted units, and by both (overlaps counted once)."""
    gold_chars = merge_segments([seg for u in gold for seg in u.segments])
    pred_chars = merge_segments([seg for u in pred for seg in u.segments])
    return length(gold_chars), length(pred_chars), shared(gold_chars, pred_chars)


def _unmatched(gold: Sequence[Unit], pred: Sequence[Unit], pairs: list[tuple[int, int]]) -> list[Mistake]:
    hit_gold = {i for i, _ in pairs}
    hit_pred = {j for _, j in pairs}
    missed = [
        Mistake("missed", u.label, u.start, u.end, u.text) for i, u in enumerate(gold) if i not in hit_gold
    ]
    spurious = [
        Mistake("spurious", u.label, u.start, u.end, u.text) for j, u in enumerate(pred) if j not in hit_pred
    ]
    return missed + spurious


def evaluate_documents(
    pairs: Iterable[tuple[Document, Document | None]],
    *,
    system: str = "",
    threshold: float = DEFAULT_THRESHOLD,
    schema: LabelSchema | None = None,
    worst: int = 10,
    doc_labels: Collection[str] | None = None,
) -> Evaluation:
    """Score (gold, prediction) pairs; the single entry point the CLI and the bench scripts share.

    doc_labels: the labels a document's own score counts (for the worst-documents list); default all.
    """
    scorer = Scorer(system=system, threshold=threshold, schema=schema, worst=worst, doc_labels=doc_labels)
    for gold, pred in pairs:
        scorer.add(gold, pred)
    return scorer.result()
