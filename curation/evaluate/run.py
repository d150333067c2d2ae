"""One evaluation run: a gold version against prediction files and built-in systems."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from curation.errors import InputError
from curation.evaluate.loading import RecordIndex, pair_with_file, pair_with_system, read_gold
from curation.evaluate.metrics import DEFAULT_THRESHOLD, Evaluation, evaluate_documents
from curation.records import Document

Pairs = Iterable[tuple[Document, Document | None]]


def _system_names(preds: Sequence[Path]) -> list[str]:
    """A column name per prediction file: its stem, or its path when two stems clash."""
    stems = [p.stem for p in preds]
    return [p.stem if stems.count(p.stem) == 1 else str(p) for p in preds]


def _watch(
    pairs: Pairs, on_document: Callable[[], None] | None
) -> Iterator[tuple[Document, Document | None]]:
    for pair in pairs:
        yield pair
        if on_document is not None:
            on_document()


def count_gold(gold: Path) -> int | None:
    """How many gold documents there are (for a progress bar), when cheap to know (a records file)."""
    return len(RecordIndex(gold)) if gold.is_file() else None


def evaluate_paths(
    gold: Path,
    preds: Sequence[Path] = (),
    systems: Sequence[str] = (),
    *,
    threshold: float = DEFAULT_THRESHOLD,
    model: str | None = None,
    on_document: Callable[[], None] | None = None,
) -> list[Evaluation]:
    """Score each prediction file and each built-in system against `gold` (streamed once per system)."""
    if not preds and not systems:
        raise InputError("nothing to evaluate: give --pred FILE (records) or --system spacy")
    if not 0.0 <= threshold <= 1.0:
        raise InputError(f"--threshold {threshold} must be between 0 and 1 (share of the gold span)")
    results = []
    for pred, name in zip(preds, _system_names(preds), strict=True):
        ev = evaluate_documents(
            _watch(pair_with_file(read_gold(gold), pred), on_document), system=name, threshold=threshold
        )
        if ev.documents and ev.without_prediction == ev.documents:
            raise InputError(
                f"{pred}: none of its records has the id of a gold document in {gold}; "
                "were both made from the same ingested texts?"
            )
        results.append(ev)
    for system in systems:
        pairs = pair_with_system(read_gold(gold), system, model)
        results.append(evaluate_documents(_watch(pairs, on_document), system=system, threshold=threshold))
    return results
