"""What annotators did with the pre-annotations: predicted units kept, moved or deleted, and units added.

A record is compared with the prediction it started from: its own `predictions` list (as Label Studio
exports it), or the record with its id and text in the --pre file, when that file's model version is the
one the record started from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from curation.evaluate.loading import RecordIndex
from curation.evaluate.matching import match_exact, match_overlap, units
from curation.records import Document, Span, span_id


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


def prediction_document(doc: Document, pre: RecordIndex | None) -> Document | None:
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


def same_model(final: Document, predicted: Document) -> bool:
    """False when the record says it started from another model version than the --pre file's."""
    started = final.provenance.started_from_model_version
    version = predicted.provenance.model_version
    return not started or not version or started == version


def count_corrections(
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
