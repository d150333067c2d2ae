"""How far annotators agree on the same documents, and how much they corrected the pre-annotations.

Input: records pulled with several annotators (the same id on several lines, told apart by
provenance.annotator). Who counts is adjudication's rule (curation.gold.adjudicate.voters): skipped and
blank versions and reviewers' records do not vote, one annotator's layers are one version. The export's
dataset card calls `measure_agreement` on the records it exports, so its figures are this command's.
Definitions:
- Span F1 per label, exact and overlap (curation.evaluate's units and one-to-one matching): every
  ordered pair of annotators of a document is scored once each way, so the figure is symmetric
  (F1 = 2 * matched / (spans of A + spans of B), pooled over documents and pairs).
- Cohen's kappa per label at token level: each token of a blank English spaCy tokenizer is in or out
  of the label's spans for each annotator (a token is in when it shares a character with a span);
  kappa per annotator pair over their shared documents, then the mean over pairs (Light's kappa).
- Krippendorff's alpha (nominal, the `krippendorff` package) over the same token values, with every
  annotator as a coder and missing values where an annotator did not do a document; per label, and
  for all labels at once (a token's value is the set of labels covering it).
- Corrections of the pre-annotations, for each record (but skipped ones) with the prediction it started
  from (a `predictions` list of spans in the record, or the record with the same id and text in --pre
  whose provenance.model_version is the record's started_from_model_version, when both are known): a
  predicted unit is kept (same characters in the final record), moved (no exact counterpart, but
  overlaps a final unit of its label, one to one), or deleted; final units matched by no prediction
  were added.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from curation.errors import InputError
from curation.evaluate.loading import RecordIndex
from curation.evaluate.matching import match_exact, match_overlap, units
from curation.evaluate.metrics import Scorer, check_threshold
from curation.gold.adjudicate import voters
from curation.progress import NO_PROGRESS, Progress
from curation.records import Document, Span, span_id
from curation.schema import LabelSchema, get_schema


def cohen_kappa(n11: int, n10: int, n01: int, n00: int) -> float | None:
    """Cohen's kappa of two raters' binary decisions (None when chance agreement is total)."""
    n = n11 + n10 + n01 + n00
    if not n:
        return None
    observed = (n11 + n00) / n
    yes_a, yes_b = (n11 + n10) / n, (n11 + n01) / n
    expected = yes_a * yes_b + (1 - yes_a) * (1 - yes_b)
    return None if expected == 1 else (observed - expected) / (1 - expected)


def nominal_alpha(columns: list[list[float]]) -> float | None:
    """Krippendorff's alpha (nominal) of coder x unit values; NaN is missing. None when undefined."""
    import krippendorff
    import numpy as np

    if not columns:
        return None
    data = np.array(columns, dtype=float).T  # coders x units
    values = data[~np.isnan(data)]
    if len(np.unique(values)) < 2:
        return None
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


@dataclass
class LabelAgreement:
    label: str
    exact_f1: float | None
    overlap_f1: float | None
    kappa: float | None
    alpha: float | None


@dataclass
class PairAgreement:
    """Two annotators over the documents they both did."""

    annotators: tuple[str, str]
    documents: int
    overlap_f1: dict[str, float | None]
    kappa: dict[str, float | None]


@dataclass
class Corrections:
    """What annotators did with the predicted units of one label."""

    predicted: int = 0
    kept: int = 0
    moved: int = 0
    deleted: int = 0
    added: int = 0

    def rates(self) -> dict[str, float | None]:
        share = (lambda n: n / self.predicted) if self.predicted else (lambda n: None)
        return {"kept": share(self.kept), "moved": share(self.moved), "deleted": share(self.deleted)}

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), **{f"{k}_rate": v for k, v in self.rates().items()}}


@dataclass
class AgreementReport:
    documents: int = 0  # documents done by two annotators or more
    records: int = 0
    annotators: list[str] = field(default_factory=list)
    labels: list[LabelAgreement] = field(default_factory=list)
    alpha_all: float | None = None
    pairs: list[PairAgreement] = field(default_factory=list)
    corrections: dict[str, Corrections] = field(default_factory=dict)
    corrected_records: int = 0  # records compared with their pre-annotation
    other_model_version: int = 0  # records that started from another model version than --pre's

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["corrections"] = {label: c.to_dict() for label, c in self.corrections.items()}
        return out


class _TokenGrid:
    """Token boundaries of one text, and which tokens a set of spans covers."""

    def __init__(self, text: str, tokenizer: Callable[[str], Any]) -> None:
        self.bounds = [(t.idx, t.idx + len(t)) for t in tokenizer(text) if not t.is_space]

    def covered(self, spans: Iterable[Span]) -> list[bool]:
        ranges = [(s.start, s.end) for s in spans]
        return [any(ts < e and s < te for s, e in ranges) for ts, te in self.bounds]


def _prediction_document(doc: Document, pre: RecordIndex | None) -> Document | None:
    """The pre-annotation `doc` started from: its `predictions` field, or the --pre record with its id."""
    raw = (doc.model_extra or {}).get("predictions")
    if isinstance(raw, list):
        spans = []
        for item in raw:
            value = item.get("value", item) if isinstance(item, dict) else {}
            labels = value.get("labels") or [value.get("label")]
            start, end, label = value.get("start"), value.get("end"), labels[0] if labels else None
            if (
                isinstance(start, int)
                and isinstance(end, int)
                and label
                and 0 <= start < end <= len(doc.text)
            ):
                sid = span_id(str(label), start, end)
                spans.append(Span(id=sid, start=start, end=end, label=str(label), text=doc.text[start:end]))
        unique = {s.id: s for s in spans}
        return Document(id=doc.id, text=doc.text, spans=list(unique.values()))
    if pre is not None:
        found = pre.get(doc.id)
        if found is not None and found.text == doc.text:
            return found
    return None


def _same_model(final: Document, predicted: Document) -> bool:
    """False when the record says it started from another model version than the --pre file's."""
    started = final.provenance.started_from_model_version
    version = predicted.provenance.model_version
    return not started or not version or started == version


def _count_corrections(
    final: Document, predicted: Document, labels: list[str], out: dict[str, Corrections]
) -> None:
    for label in labels:
        done, guess = units(final, label), units(predicted, label)
        c = out[label]
        c.predicted += len(guess)
        exact = match_exact(done, guess)
        c.kept += len(exact)
        rest_done = [u for i, u in enumerate(done) if i not in {i for i, _ in exact}]
        rest_guess = [u for j, u in enumerate(guess) if j not in {j for _, j in exact}]
        moved = match_overlap(rest_done, rest_guess, 0.0)
        c.moved += len(moved)
        c.deleted += len(rest_guess) - len(moved)
        c.added += len(rest_done) - len(moved)


def measure_agreement(
    path: Path | str,
    pre: Path | str | None = None,
    *,
    threshold: float = 0.3,
    schema: LabelSchema | None = None,
    required: bool = True,
    progress: Progress = NO_PROGRESS,
) -> AgreementReport:
    """Agreement and corrections over a pulled records file (see the module docstring).

    `required`: a file where nothing can be measured (no document with two voting annotators, no
    record with its pre-annotation) is an InputError; False gives the empty report (the export's card
    then says agreement is not known).
    """
    import spacy

    check_threshold(threshold)
    schema = schema or get_schema()
    labels = schema.span_labels
    index = RecordIndex(path, schema)
    pre_index = RecordIndex(pre, schema) if pre is not None else None
    tokenizer = spacy.blank("en").tokenizer
    report = AgreementReport(corrections={label: Corrections() for label in labels})
    progress.stage("comparing annotators", len(index.ids()))
    pooled = Scorer(system="annotators", threshold=threshold, schema=schema, worst=0)
    pair_scorers: dict[tuple[str, str], Scorer] = {}
    pair_docs: dict[tuple[str, str], int] = {}
    confusion: dict[tuple[str, str], dict[str, list[int]]] = {}
    annotators: list[str] = []
    token_rows: list[tuple[str, dict[str, list[bool]], int]] = []  # (annotator, label -> covered, doc no)
    for doc_no, doc_id in enumerate(index.ids()):
        versions = index.get_all(doc_id)
        report.records += len(versions)
        for version in versions:
            if version.provenance.cancelled:
                continue  # a skipped task corrected nothing
            predicted = _prediction_document(version, pre_index)
            if predicted is not None and not _same_model(version, predicted):
                report.other_model_version += 1
            elif predicted is not None:
                report.corrected_records += 1
                _count_corrections(version, predicted, labels, report.corrections)
        by_annotator = voters(versions).votes
        if len(by_annotator) >= 2:
            report.documents += 1
            grid = _TokenGrid(versions[0].text, tokenizer)
            covered = {
                who: {label: grid.covered(s for s in d.spans if s.label == label) for label in labels}
                for who, d in by_annotator.items()
            }
            for who in sorted(by_annotator):
                if who not in annotators:
                    annotators.append(who)
                token_rows.append((who, covered[who], doc_no))
            for a, b in itertools.combinations(sorted(by_annotator), 2):
                scorer = pair_scorers.setdefault(
                    (a, b), Scorer(system=f"{a}~{b}", threshold=threshold, worst=0)
                )
                pair_docs[(a, b)] = pair_docs.get((a, b), 0) + 1
                for first, second in ((a, b), (b, a)):
                    pooled.add(by_annotator[first], by_annotator[second])
                    scorer.add(by_annotator[first], by_annotator[second])
                counts = confusion.setdefault((a, b), {label: [0, 0, 0, 0] for label in labels})
                for label in labels:
                    for x, y in zip(covered[a][label], covered[b][label], strict=True):
                        counts[label][(0 if x else 2) + (0 if y else 1)] += 1
        progress.advance()
    report.annotators = annotators
    report.pairs = [
        PairAgreement(
            annotators=pair,
            documents=pair_docs[pair],
            overlap_f1={label: scorer.evaluation.row(label).overlap.f1 for label in labels},
            kappa={label: cohen_kappa(*confusion[pair][label]) for label in labels},
        )
        for pair, scorer in pair_scorers.items()
    ]
    columns = _alpha_columns(token_rows, annotators, labels)
    pooled_eval = pooled.result()
    for label in labels:
        kappas = [value for p in report.pairs if (value := p.kappa[label]) is not None]
        report.labels.append(
            LabelAgreement(
                label=label,
                exact_f1=pooled_eval.row(label).exact.f1,
                overlap_f1=pooled_eval.row(label).overlap.f1,
                kappa=sum(kappas) / len(kappas) if kappas else None,
                alpha=nominal_alpha(columns[label]),
            )
        )
    report.alpha_all = nominal_alpha(columns["*"])
    if required and index.lines and report.documents == 0 and report.corrected_records == 0:
        hint = (
            f"; {report.other_model_version} records started from another model version than {pre}'s"
            if report.other_model_version
            else ""
        )
        raise InputError(
            f"{path}: no document has two annotators who submitted spans (provenance.annotator, reviewed) "
            f"and no record carries its pre-annotation{hint}; pull with several annotators, or give --pre "
            "preannotations.jsonl"
        )
    return report


def _alpha_columns(
    token_rows: list[tuple[str, dict[str, list[bool]], int]], annotators: list[str], labels: list[str]
) -> dict[str, list[list[float]]]:
    """Per label (and "*" for all labels), one column of coder values per token; NaN where missing."""
    coder = {who: i for i, who in enumerate(annotators)}
    columns: dict[str, list[list[float]]] = {label: [] for label in [*labels, "*"]}
    combos: dict[tuple[str, ...], int] = {}
    for _doc_no, rows in itertools.groupby(token_rows, key=lambda r: r[2]):
        rows_list = list(rows)
        n_tokens = len(next(iter(rows_list[0][1].values()))) if labels else 0
        for t in range(n_tokens):
            per_label = {label: [math.nan] * len(annotators) for label in labels}
            combined = [math.nan] * len(annotators)
            for who, covered, _ in rows_list:
                present = tuple(label for label in labels if covered[label][t])
                for label in labels:
                    per_label[label][coder[who]] = float(covered[label][t])
                combined[coder[who]] = float(combos.setdefault(present, len(combos)))
            for label in labels:
                columns[label].append(per_label[label])
            columns["*"].append(combined)
    return columns


def render_agreement(report: AgreementReport) -> list[Any]:
    """Rich tables: agreement per label, per annotator pair, and the corrections of the pre-annotations."""
    from rich import box
    from rich.table import Table

    from curation.evaluate.report import fmt

    tables = []
    if report.documents:
        per_label = Table(
            title=f"{report.documents} documents done by {len(report.annotators)} annotators; "
            f"Krippendorff's alpha, all labels: {fmt(report.alpha_all)}",
            box=box.SIMPLE_HEAD,
        )
        for name in ("label", "exact F1", "overlap F1", "kappa", "alpha"):
            per_label.add_column(name, justify="left" if name == "label" else "right")
        for la in report.labels:
            per_label.add_row(la.label, fmt(la.exact_f1), fmt(la.overlap_f1), fmt(la.kappa), fmt(la.alpha))
        tables.append(per_label)
        shown = [la.label for la in report.labels if la.overlap_f1 is not None]
        pairs = Table(title="Per pair of annotators: overlap F1 / kappa", box=box.SIMPLE_HEAD)
        pairs.add_column("annotators")
        pairs.add_column("docs", justify="right")
        for label in shown:
            pairs.add_column(label, justify="right")
        for pair in report.pairs:
            cells = [f"{fmt(pair.overlap_f1[label])} / {fmt(pair.kappa[label])}" for label in shown]
            pairs.add_row(" ~ ".join(pair.annotators), str(pair.documents), *cells)
        tables.append(pairs)
    if report.corrected_records:
        skipped = (
            f"; {report.other_model_version} records started from another model version"
            if report.other_model_version
            else ""
        )
        fixes = Table(
            title=f"Corrections of the pre-annotations ({report.corrected_records} records{skipped})",
            box=box.SIMPLE_HEAD,
        )
        for name in ("label", "predicted", "kept", "moved", "deleted", "added"):
            fixes.add_column(name, justify="left" if name == "label" else "right")
        for label, c in report.corrections.items():
            if c.predicted or c.added:
                rates = c.rates()
                fixes.add_row(
                    label,
                    str(c.predicted),
                    *(f"{getattr(c, k)} ({fmt(rates[k])})" for k in ("kept", "moved", "deleted")),
                    str(c.added),
                )
        tables.append(fixes)
    return tables
