"""The document record: one JSON object per line, shared by every command and outside tools.

Offsets are Python string indices (code points) into `text`; `text[start:end] == span.text` is
checked on every load. Labels, attributes and relations are checked against the label schema passed
in the validation context (`Document.checked(obj, schema)`, `read_documents(path, schema)`), else the
packaged schema.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from curation.schema import LabelSchema, get_schema


def content_id(text: str) -> str:
    """A stable id derived from the text alone: same text, same id, on any machine.

    The text is NFC-normalised first so that the same article saved by two editors that compose
    accents differently still gets one id.
    """
    normalised = unicodedata.normalize("NFC", text)
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


def text_hash(text: str) -> str:
    """sha256 of the exact text: used to check that a server gave back the text it was sent."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def update_stamp(provenance: Provenance | Mapping[str, Any]) -> str:
    """When a record was last changed, comparable as text: ISO times in UTC (updated_at, else
    annotated_at). Every consumer that keeps one record per document picks the latest by this.
    (A mapping is accepted for readers that scan raw JSON lines without building records.)"""
    if isinstance(provenance, Provenance):
        stamp = provenance.updated_at or provenance.annotated_at or ""
    else:
        stamp = str(provenance.get("updated_at") or provenance.get("annotated_at") or "")
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp  # not a timestamp: compared as text
    return moment.astimezone(UTC).isoformat() if moment.tzinfo is not None else stamp


SCHEMA_CONTEXT = "schema"  # the pydantic validation-context key holding the LabelSchema to check against
# Context key set by a reader coming back to a line it validated earlier in the same run (and whose bytes
# it has checked since): the record's cross-checks against the schema (record_problems) are not run again.
CHECKED_CONTEXT = "checked"


def schema_context(schema: LabelSchema | None, checked: bool = False) -> dict[str, Any] | None:
    """The validation context that makes Document validation check against `schema` (`checked`: the
    same bytes passed those checks earlier in this run; only the models are built)."""
    context: dict[str, Any] = {SCHEMA_CONTEXT: schema} if schema is not None else {}
    if checked:
        context[CHECKED_CONTEXT] = True
    return context or None


def span_id(label: str, start: int, end: int) -> str:
    """A deterministic span id, so re-annotating the same text yields the same ids."""
    return f"{label.lower()}-{start}-{end}"


def unset(value: Any) -> bool:
    """An optional field left at None is not written out (`Field(exclude_if=unset)`): a record only
    spells out what it has. (Per field, not a wrap serializer around the model: that doubled the time
    of every dump, which export's content hash of each record pays.)"""
    return value is None


def optional(description: str) -> Any:
    """An optional field (None by default) that is left out of dumps while unset."""
    return Field(default=None, exclude_if=unset, description=description)


class Span(BaseModel):
    """One labelled stretch of `Document.text`. Extra fields from outside tools are kept as they are."""

    model_config = ConfigDict(extra="allow")

    id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    label: str
    text: str
    attrs: dict[str, Any] = Field(default_factory=dict)
    score: float | None = Field(
        default=None, ge=0.0, le=1.0, description="How likely a predicted span is right (None: human)."
    )
    group: str | None = optional(
        "Segments of one discontinuous span (a quote split by its attribution) share a group id.",
    )
    rule: str | None = optional(
        "The extraction rule that predicted this span (e.g. direct_cue, author:past-event); "
        "None on spans a person drew.",
    )
    defaults: list[str] | None = optional(
        "The attributes whose value came from the label schema's default on pull (no annotator "
        "chose it); the dataset card counts them.",
    )

    @classmethod
    def at(
        cls,
        text: str,
        label: str,
        start: int,
        end: int,
        attrs: dict[str, Any] | None = None,
        score: float | None = None,
        **extra: Any,
    ) -> Span:
        """The span of `label` over text[start:end], with its deterministic id and its text taken from
        the document, so the two can never disagree."""
        return cls(
            id=span_id(label, start, end),
            start=start,
            end=end,
            label=label,
            text=text[start:end],
            attrs=attrs or {},
            score=score,
            **extra,
        )

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end <= self.start:
            raise ValueError(f"span {self.id}: end {self.end} must be after start {self.start}")
        return self


class Relation(BaseModel):
    model_config = ConfigDict(extra="allow")

    head: str
    tail: str
    label: str


class Provenance(BaseModel):
    """Where a record comes from and who stands behind it: every key any command writes is declared here.

    `reviewed` is the one definition of a gold record (export keeps only these as gold, ingest keeps one
    per annotator). Adding a key: declare it below with a type, `None` as default and a description,
    then run `curation schema` to regenerate schemas/record.schema.json. Unknown keys from older records
    or outside tools are kept as they are (extra), and unset keys are not written out.
    """

    model_config = ConfigDict(extra="allow")

    reviewed: bool = Field(
        default=False, description="True when a person submitted or adjudicated this record (gold)."
    )
    # curation annotate
    model: str | None = optional("The spaCy pipeline that pre-annotated the record.")
    model_version: str | None = optional(
        "curation-<version>+<pipeline>-<version>: what made the predictions."
    )
    annotated_at: str | None = optional("When the pre-annotation ran (ISO, UTC).")
    # curation pull (Label Studio)
    annotator: str | None = optional("Who annotated the record.")
    annotation_id: int | None = optional("The Label Studio annotation id.")
    created_at: str | None = optional("When the annotation was created (ISO).")
    updated_at: str | None = optional("When the annotation was last changed (ISO).")
    lead_time: float | None = optional("Seconds the annotator spent (Label Studio).")
    started_from_model_version: str | None = optional(
        "model_version of the prediction the annotator started from."
    )
    task_id: int | None = optional("The Label Studio task id.")
    project: str | None = optional("The Label Studio project title.")
    # curation pull of layer projects (curation.layers)
    layer: str | None = optional("The annotation layer a one-layer record was pulled from.")
    layers: dict[str, dict[str, Any]] | None = optional(
        "A merged record: each layer's own provenance, by layer name."
    )
    layers_missing: list[str] | None = optional(
        "A merged record: layers of the schema its annotator has not done yet."
    )
    # curation pull --mode decisions (one record per annotator from their accept/reject answers)
    mode: str | None = optional('"decisions" for a record pulled from a decisions project.')
    labels: list[str] | None = optional("The labels the decisions covered.")
    decisions: dict[str, int] | None = optional("How many answers of each kind.")
    annotation_ids: list[int] | None = optional("The Label Studio annotations read.")
    task_ids: list[int] | None = optional("The Label Studio tasks read.")
    decisions_project: str | None = optional("The decisions project a record for the full editor came from.")
    to_fix: list[str] | None = optional("Units an annotator sent to the full editor.")
    # curation pull (skips), curation review pull, curation adjudicate
    cancelled: bool | None = optional(
        "True: the annotator skipped the task (never gold; adjudication says so)."
    )
    review_of: str | None = optional(
        "The project whose conflicts this reviewer's record settles (review round)."
    )
    annotators: list[str] | None = optional("Everyone whose version an adjudicated record was decided from.")
    projects: list[str] | None = optional("The projects an adjudicated record drew on.")
    adjudication: dict[str, Any] | None = optional(
        "How an adjudicated record was decided: method, annotators, conflicts, excluded.",
    )
    # curation ingest --format brat
    source: str | None = optional("Where gold came from outside Label Studio (brat).")
    corpus: str | None = optional("The brat mapping's corpus name.")
    file: str | None = optional("The .ann file the record was read from.")


class Removed(BaseModel):
    """A piece of the original file that ingest removed as boilerplate, kept so nothing is lost.

    `start`/`end` are offsets into the original file text; `reason` says which rule removed it.
    """

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    reason: str


class Document(BaseModel):
    """One article with its annotations. Extra fields are kept, and these keep their meaning."""

    model_config = ConfigDict(extra="allow")

    id: str
    source: str = ""
    text: str
    meta: dict[str, Any] = Field(default_factory=dict)
    spans: list[Span] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    provenance: Provenance = Field(default_factory=Provenance)
    removed: list[Removed] = Field(default_factory=list)

    @classmethod
    def checked(cls, obj: Any, schema: LabelSchema | None = None) -> Document:
        """Validate `obj` against `schema` (the packaged schema when None): the way to build a record
        under the schema a command was given. (`Document(...)` checks against the packaged schema.)"""
        return cls.model_validate(obj, context=schema_context(schema))

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Document:
        if (info.context or {}).get(CHECKED_CONTEXT):
            return self  # validated in full earlier in this run (see CHECKED_CONTEXT)
        schema = (info.context or {}).get(SCHEMA_CONTEXT) or get_schema()
        problems = record_problems(self, schema)
        if problems:
            raise ValueError("; ".join(problems[:5]) + (" ..." if len(problems) > 5 else ""))
        return self

    def spans_by_id(self) -> dict[str, Span]:
        return {s.id: s for s in self.spans}

    def original_text(self) -> str:
        """Rebuild the file as it was before boilerplate removal (the inverse of ingest's cleaning)."""
        return restore_removed(self.text, self.removed)


def restore_removed(text: str, removed: list[Removed]) -> str:
    """Insert removed pieces back at their original offsets."""
    out: list[str] = []
    cursor = 0  # position in `text`
    position = 0  # position in the original
    for piece in sorted(removed, key=lambda r: r.start):
        keep = piece.start - position
        out.append(text[cursor : cursor + keep])
        cursor += keep
        out.append(piece.text)
        position = piece.end
    out.append(text[cursor:])
    return "".join(out)


# How `problems` reads a span and a relation: from the models, or from a record's dump (plain dicts)
SPAN_FIELDS = ("id", "label", "start", "end", "text", "attrs")
RELATION_FIELDS = ("head", "tail", "label")
Getter = Callable[[Any], tuple[Any, ...]]


def record_problems(doc: Document, schema: LabelSchema) -> list[str]:
    """Every way `doc` breaks its offsets or the label schema, as readable sentences.

    Runs on every record a command reads (export's first pass pays it for each), so the sentences are
    made only for what is wrong, never for each span."""
    return problems(
        doc.text, doc.spans, doc.relations, schema, attrgetter(*SPAN_FIELDS), attrgetter(*RELATION_FIELDS)
    )


def problems(
    text: str,
    spans: Iterable[Any],
    relations: Iterable[Any],
    schema: LabelSchema,
    span_fields: Getter,
    relation_fields: Getter,
) -> list[str]:
    """`record_problems` of a record's text, spans and relations, models or dicts: `span_fields` and
    `relation_fields` read SPAN_FIELDS and RELATION_FIELDS of one (attrgetter or itemgetter), so a
    reader holding a record's dump checks it without building its models (curation.canonical).

    Export's first pass asks it of every record (0.069 -> 0.059 ms a bench record since the labels
    dict alone keeps the ids met, a span without attributes skips their loop and a relation whose
    ends are both allowed builds no pair of ends): messages and their order are as before."""
    found: list[str] = []
    labels: dict[str, str] = {}  # span id -> label: its keys are the ids met so far
    specs = schema.spans
    size = len(text)
    for span_id, label, start, end, span_text, attrs in map(span_fields, spans):
        if span_id in labels:
            found.append(f"span {span_id}: duplicate span id")
        labels[span_id] = label
        if end > size:
            found.append(f"span {span_id}: end {end} is past the end of the text ({size})")
        elif text[start:end] != span_text:
            found.append(f"span {span_id}: text[{start}:{end}] is {text[start:end]!r}, not {span_text!r}")
        spec = specs.get(label)
        if spec is None:
            found.append(f"span {span_id}: unknown label {label!r} (known: {', '.join(specs)})")
            continue
        if not attrs:
            continue
        spec_attrs = spec.attrs
        for name, value in attrs.items():
            attr = spec_attrs.get(name)
            if attr is None:
                found.append(f"span {span_id}: {label} has no attribute {name!r}")
            elif value is None:
                continue
            elif attr.type == "choice" and value not in attr.values:
                found.append(f"span {span_id}: {label}.{name} is {value!r}, not one of {attr.values}")
            elif attr.type == "text" and not isinstance(value, str):
                found.append(f"span {span_id}: {label}.{name} must be text")
    kinds = schema.relations
    for head, tail, relation in map(relation_fields, relations):
        spec_rel = kinds.get(relation)
        if spec_rel is None:
            found.append(f"relation {head}->{tail}: unknown relation label {relation!r}")
        elif labels.get(head) not in spec_rel.from_ or labels.get(tail) not in spec_rel.to:
            # (an id with no span has no label, and None is in no list of labels)
            for end_id, allowed in ((head, spec_rel.from_), (tail, spec_rel.to)):
                end_label = labels.get(end_id)
                if end_label is None:
                    found.append(f"relation {head}->{tail}: no span with id {end_id!r}")
                elif end_label not in allowed:
                    found.append(
                        f"relation {head}->{tail}: {relation} cannot link a {end_label} here "
                        f"(allowed: {allowed})"
                    )
    return found
