"""Hand-made pre-annotation records for the studio tests.

The real Label Studio server fixtures (`studio`, `studio_template`) live in tests/conftest.py, shared with
the browser tests (tests/browser/).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from curation.records import Document, content_id, span_id


@pytest.fixture(scope="session")
def make_record() -> Callable[..., Document]:
    """Build hand-made pre-annotation records (see build_record)."""
    return build_record


@pytest.fixture(scope="session")
def make_notes() -> Callable[..., list[Document]]:
    """`n` short records (a speaker each), numbered from `start`, all of `version`: what push tests send."""

    def notes(n: int, version: str = "test-model-1", start: int = 0) -> list[Document]:
        return [
            build_record(text, model_version=version, SPEAKER="Bo Li")
            for text in (f"Note {i}: Bo Li said the bridge opens in May." for i in range(start, start + n))
        ]

    return notes


def build_record(
    text: str, model_version: str = "test-model-1", score: float = 0.8, **found: str
) -> Document:
    """A hand-built pre-annotation: spans placed by string search, with the usual relations.

    `found` maps a span label to the fragment to mark (first occurrence), e.g. SPEAKER="Putin".
    """
    spans = []
    for label, fragment in found.items():
        start = text.index(fragment)
        end = start + len(fragment)
        attrs = {
            "SPEAKER": {"canonical": fragment},
            "QUOTE": {"kind": "direct"},
            "CLAIM": {"checkworthy": "high"},
        }
        spans.append(
            {
                "id": span_id(label, start, end),
                "start": start,
                "end": end,
                "label": label,
                "text": fragment,
                "attrs": attrs.get(label, {}),
                "score": score,
            }
        )
    ids = {s["label"]: s["id"] for s in spans}
    relations = []
    if "QUOTE" in ids and "SPEAKER" in ids:
        relations.append({"head": ids["QUOTE"], "tail": ids["SPEAKER"], "label": "speaker"})
    if "QUOTE" in ids and "CUE" in ids:
        relations.append({"head": ids["QUOTE"], "tail": ids["CUE"], "label": "cue"})
    return Document(
        id=content_id(text),
        source="test",
        text=text,
        spans=spans,
        relations=relations,
        provenance={"model": "test", "model_version": model_version, "reviewed": False},
    )
