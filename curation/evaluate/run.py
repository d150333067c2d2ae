"""One evaluation run: a gold version against prediction files and built-in systems."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from curation.errors import InputError
from curation.evaluate.loading import open_gold, pair_with_file, pair_with_system
from curation.evaluate.metrics import DEFAULT_THRESHOLD, Evaluation, check_threshold, evaluate_documents
from curation.progress import NO_PROGRESS, Progress
from curation.records import Document
from curation.schema import LabelSchema

Pairs = Iterable[tuple[Document, Document | None]]


def _system_names(preds: Sequence[Path]) -> list[str]:
    """A column name per prediction file: its stem, or its path when two stems clash."""
    stems = [p.stem for p in preds]
    return [p.stem if stems.count(p.stem) == 1 else str(p) for p in preds]


def _watch(pairs: Pairs, progress: Progress) -> Iterator[tuple[Document, Document | None]]:
    for pair in pairs:
        yield pair
        progress.advance()


def evaluate_paths(
    gold: Path,
    preds: Sequence[Path] = (),
    systems: Sequence[str] = (),
    *,
    threshold: float = DEFAULT_THRESHOLD,
    model: str | None = None,
    schema: LabelSchema | None = None,
    progress: Progress = NO_PROGRESS,
) -> list[Evaluation]:
    """Score each prediction file and each built-in system against `gold` (streamed once per system).

    `progress` counts the documents scored (its total known for a records file).
    `schema` reads a records file (the packaged one when None); a dataset version is read and scored with
    the schema it ships.
    """
    if not preds and not systems:
        raise InputError("nothing to evaluate: give --pred FILE (records) or --system spacy")
    check_threshold(threshold)
    source = open_gold(gold, schema)
    total = source.total * (len(preds) + len(systems)) if source.total is not None else None
    progress.stage("scoring", total)
    labels = source.labels
    results = []
    for pred, name in zip(preds, _system_names(preds), strict=True):
        pairs = _watch(pair_with_file(source, pred, source.schema), progress)
        ev = evaluate_documents(
            pairs, system=name, threshold=threshold, schema=source.schema, doc_labels=labels
        )
        if ev.documents and ev.without_prediction == ev.documents:
            raise InputError(
                f"{pred}: none of its records has the id of a gold document in {gold}; "
                "were both made from the same ingested texts?"
            )
        results.append(ev)
    for system in systems:
        pairs = _watch(pair_with_system(source, system, model, source.schema), progress)
        results.append(
            evaluate_documents(
                pairs, system=system, threshold=threshold, schema=source.schema, doc_labels=labels
            )
        )
    return results
