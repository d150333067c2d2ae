"""A small builder for handwritten documents: spans are located by their text, not by offsets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from curation.records import Document, Relation, Span


def make_doc(
    text: str, spans: list[dict[str, Any]], relations: Sequence[tuple[int, int, str]] = (), **fields: Any
) -> Document:
    """Spans as {"label", "text", "nth" (occurrence), "attrs", extra fields}; relations by span index."""
    built = []
    for k, item in enumerate(spans):
        item = dict(item)
        label, needle, nth = item.pop("label"), item.pop("text"), item.pop("nth", 0)
        attrs = item.pop("attrs", {})
        start = -1
        for _ in range(nth + 1):
            start = text.index(needle, start + 1)
        built.append(
            Span(
                id=f"s{k}",
                start=start,
                end=start + len(needle),
                label=label,
                text=needle,
                attrs=attrs,
                **item,
            )
        )
    rels = [Relation(head=f"s{h}", tail=f"s{t}", label=lab) for h, t, lab in relations]
    return Document(id=fields.pop("id", text[:8]), text=text, spans=built, relations=rels, **fields)


@pytest.fixture
def doc_builder():
    return make_doc
