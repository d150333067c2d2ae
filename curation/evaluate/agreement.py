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
The token statistics live in curation.evaluate.reliability, the corrections in
curation.evaluate.corrections; this module measures a file and reports.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from curation.errors import InputError
from curation.evaluate.corrections import Corrections, count_corrections, prediction_document, same_model
from curation.evaluate.loading import RecordIndex
from curation.evaluate.metrics import Scorer, check_threshold
from curation.evaluate.reliability import TokenGrid, alpha_columns, cohen_kappa, nominal_alpha
from curation.gold.adjudicate import voters
from curation.progress import NO_PROGRESS, Progress
from curation.schema import LabelSchema, get_schema


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
            predicted = prediction_document(version, pre_index)
            if predicted is not None and not same_model(version, predicted):
                report.other_model_version += 1
            elif predicted is not None:
                report.corrected_records += 1
                count_corrections(version, predicted, labels, report.corrections)
        by_annotator = voters(versions).votes
        if len(by_annotator) >= 2:
            report.documents += 1
            grid = TokenGrid(versions[0].text, tokenizer)
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
    columns = alpha_columns(token_rows, annotators, labels)
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
