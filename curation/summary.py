"""A readable digest of annotated records: per document, quotes by kind with their speaker, and claims.

Pure functions over records (no printing): `curation summary` renders what `summarize` returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from curation.records import Document
from curation.schema import LabelSchema, get_schema


@dataclass
class QuoteLine:
    """One quote as the summary shows it."""

    kind: str
    speaker: str | None
    words: str
    score: float | None


@dataclass
class DocumentSummary:
    """A readable digest of one annotated record: title, quotes by kind, claims count."""

    id: str
    title: str
    quotes: dict[str, list[QuoteLine]]
    claims: int


def summarize(record: Document, first_words: int = 8, schema: LabelSchema | None = None) -> DocumentSummary:
    """Quotes grouped by kind (in the schema's order) with speaker canonical names, and the claim count.

    The labels are the schema's quote, speaker and claim roles (the packaged schema when None)."""
    schema = schema or get_schema()
    quote, speaker, claim = (schema.role_label(r) for r in ("quote", "speaker", "claim"))
    kinds = schema.choice_values(quote, "kind")
    spans = record.spans_by_id()
    speaker_of: dict[str, str] = {}
    for rel in record.relations:
        tail = spans.get(rel.tail)
        if tail is not None and tail.label == speaker:
            speaker_of[rel.head] = tail.attrs.get("canonical") or tail.text
    quotes: dict[str, list[QuoteLine]] = {k: [] for k in kinds}
    claims = 0
    for span in record.spans:
        if span.label == quote:
            kind = str(span.attrs.get("kind") or kinds[0])
            words = " ".join(span.text.split()[:first_words])
            if len(span.text.split()) > first_words:
                words += " …"
            quotes.setdefault(kind, []).append(QuoteLine(kind, speaker_of.get(span.id), words, span.score))
        elif span.label == claim:
            claims += 1
    title = str(record.meta.get("title") or record.text.strip().split("\n", 1)[0][:80])
    return DocumentSummary(record.id, title, quotes, claims)
