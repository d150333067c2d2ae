"""Document records <-> Label Studio task data, prediction results and annotation results.

Pure functions over plain dicts, so they are tested without a server. Offsets are code points (Python
str indices) both ways: Label Studio's editor (1.x since its PR #1559) stores and reads Text offsets in code
points, as measured in a real browser (tests/browser/); a UTF-16 conversion draws every region after an
emoji shifted. On the way back every region is checked against the task text.

Nothing is repaired on the way back: a region or relation that breaks the schema (a QUOTE without its
kind, an unlabelled relation, a relation with two labels, a reversed one) is a problem named with its
region, collected with every other problem of the annotation into one AnnotationProblems. The schema's
declared defaults are applied where a value is missing, and each span says which of its values came from
a default (its `defaults` field). A text attribute left empty comes back as null, not as a missing key.

Split quotes: spans sharing a `group` travel as relations whose label the schema marks `group: true`
(the segments of one quote, linked in text order), which the editor shows and keeps; the pushed group
names ride in the task data so a kept group comes back under its own name.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from curation.errors import ValidationError
from curation.layers import layer_view
from curation.records import Document, Provenance, Relation, Span, text_hash
from curation.schema import ALL_LAYER, LabelSchema
from curation.studio.config import LABELS_NAME, TEXT_NAME, AttrControl, attr_controls, relation_labels
from curation.unionfind import UnionFind

DOC_ID = "doc_id"
TEXT_HASH = "text_hash"
RECORD = "record"  # the rest of the document (source, meta, removed), carried so nothing is lost
GROUPS = "groups"  # in RECORD: span id -> its group name, so a group kept in the editor keeps its name
UNIT = "unit"  # task data: a decision unit's key (document id and first head span id): push's idempotence key
# What push recognises a task by. They are also in the task's meta (task_meta), so push can list a project's
# tasks without their texts; tasks pushed before that carry them in the data only.
KEY_FIELDS = (DOC_ID, TEXT_HASH, UNIT)


class AnnotationProblems(ValidationError):
    """Everything wrong with one annotation, each problem a sentence naming its region or relation."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def task_meta(data: dict[str, Any]) -> dict[str, Any]:
    """The task's meta: its key fields, copied from its data (see KEY_FIELDS)."""
    return {key: data[key] for key in KEY_FIELDS if key in data}


def task_data(doc: Document) -> dict[str, Any]:
    """The task's data: the text, the document id and the hash push and pull check the text against."""
    return {
        TEXT_NAME: doc.text,
        DOC_ID: doc.id,
        TEXT_HASH: text_hash(doc.text),
        RECORD: {
            "source": doc.source,
            "meta": doc.meta,
            "removed": [r.model_dump() for r in doc.removed],
            GROUPS: {s.id: s.group for s in doc.spans if s.group is not None},
        },
    }


def doubt(doc: Document) -> float:
    """How doubtful the pre-annotation is: its lowest span score (1.0 with no scored span)."""
    scores = [s.score for s in doc.spans if s.score is not None]
    return min(scores, default=1.0)


def prediction(
    doc: Document, schema: LabelSchema, model_version: str, layer: str = ALL_LAYER
) -> dict[str, Any]:
    """One Label Studio prediction for one layer (default: every label): a region per span the layer
    shows, its attributes, and the layer's relations (without a label when the layer's config has none:
    then the label follows from the two ends, and no tag is drawn over the text)."""
    doc = layer_view(doc, schema, layer)
    controls = {(c.label, c.attr): c for c in attr_controls(schema, layer)}
    labelled = bool(relation_labels(schema, layer))
    result: list[dict[str, Any]] = []
    for span in doc.spans:
        where = {"start": span.start, "end": span.end}
        region: dict[str, Any] = {
            "id": span.id,
            "from_name": LABELS_NAME,
            "to_name": TEXT_NAME,
            "type": "labels",
            "value": {**where, "text": span.text, "labels": [span.label]},
        }
        if span.score is not None:
            region["score"] = span.score
        if span.rule:  # shown to the annotator as the region's meta: why the model proposed it
            region["meta"] = {"text": [f"rule: {span.rule}"]}
        result.append(region)
        for attr, value in span.attrs.items():
            control = controls.get((span.label, attr))
            if control is None or value is None or value == "":
                continue
            key = "choices" if control.kind == "choices" else "text"
            result.append(
                {
                    "id": span.id,
                    "from_name": control.name,
                    "to_name": TEXT_NAME,
                    "type": control.kind,
                    "value": {**where, key: [value]},
                }
            )
    for rel in doc.relations:
        result.append(
            {
                "from_id": rel.head,
                "to_id": rel.tail,
                "type": "relation",
                "direction": "right",
                "labels": [rel.label] if labelled else [],
            }
        )
    result.extend(
        {**link, "labels": link["labels"] if labelled else []} for link in _group_links(doc, schema)
    )
    return {"model_version": model_version, "score": doubt(doc), "result": result}


def _group_links(doc: Document, schema: LabelSchema) -> list[dict[str, Any]]:
    """The segments of each group linked in text order (first -> second -> ...) by the group relation."""
    segments: dict[str, list[Span]] = defaultdict(list)
    for span in doc.spans:
        if span.group is not None:
            segments[span.group].append(span)
    links: list[dict[str, Any]] = []
    for group, spans in segments.items():
        if len(spans) < 2:
            continue  # a group of one travels by name only (task data)
        name = schema.group_relation_for(spans[0].label)
        if name is None or any(s.label != spans[0].label for s in spans):
            raise ValidationError(
                f"document {doc.id}: group {group!r} ({', '.join(s.id for s in spans)}) cannot travel to "
                "Label Studio: the schema declares no group relation for these labels"
            )
        ordered = sorted(spans, key=lambda s: (s.start, s.end))
        links.extend(
            {"from_id": a.id, "to_id": b.id, "type": "relation", "direction": "right", "labels": [name]}
            for a, b in zip(ordered, ordered[1:], strict=False)
        )
    return links


def document_from_task(
    task: dict[str, Any], result: list[dict[str, Any]], schema: LabelSchema, provenance: Provenance
) -> Document:
    """Rebuild the document record from a task and one annotation's result, checking every region.

    Raises AnnotationProblems listing every problem of the annotation (never just the first).
    """
    text = task_text(task)
    groups = ((task.get("data") or {}).get(RECORD) or {}).get(GROUPS) or {}
    spans, relations = regions_to_spans(result, text, schema, where=f"task {task.get('id')}", groups=groups)
    return task_record(task, spans, relations, provenance, schema)


def task_text(task: dict[str, Any]) -> str:
    """The task's document text, checked against the hash pushed with it."""
    data = task.get("data") or {}
    task_id = task.get("id")
    text = data.get(TEXT_NAME)
    if not isinstance(text, str):
        raise AnnotationProblems([f"task {task_id}: no text in its data"])
    if data.get(TEXT_HASH) != text_hash(text):
        raise AnnotationProblems(
            [
                f"task {task_id} (document {data.get(DOC_ID)}): its text no longer matches the pushed text "
                "(hash differs); it was edited on the server: re-push the document instead"
            ]
        )
    return text


def task_record(
    task: dict[str, Any],
    spans: list[Span],
    relations: list[Relation],
    provenance: Provenance,
    schema: LabelSchema | None = None,
) -> Document:
    """The document record of a task (text, source, meta, removed from its data) with these spans,
    checked against `schema` (the packaged one when None)."""
    data = task.get("data") or {}
    task_id = task.get("id")
    text = task_text(task)
    extra = data.get(RECORD) or {}
    try:
        return Document.checked(
            {
                "id": data.get(DOC_ID) or f"task-{task_id}",
                "source": extra.get("source", ""),
                "text": text,
                "meta": extra.get("meta", {}),
                "removed": extra.get("removed", []),
                "spans": spans,
                "relations": relations,
                "provenance": provenance,
            },
            schema,
        )
    except PydanticValidationError as exc:
        raise AnnotationProblems(
            [f"task {task_id}: annotation breaks the label schema ({_first(exc)})"]
        ) from None


def regions_to_spans(
    result: list[dict[str, Any]],
    text: str,
    schema: LabelSchema,
    where: str,
    groups: dict[str, str] | None = None,
) -> tuple[list[Span], list[Relation]]:
    """Label Studio result items -> spans (with attributes and groups) and relations, offsets as code points.

    `groups` maps pushed span ids to their group names. Raises AnnotationProblems with every problem.
    """
    reading = _Reading(text, schema, where)
    for item in result:
        reading.add(item)
    return reading.finish(groups or {})


class _Reading:
    """One annotation's result items read into spans and relations, collecting every problem."""

    def __init__(self, text: str, schema: LabelSchema, where: str) -> None:
        self.text, self.schema, self.where = text, schema, where
        self.controls = {c.name: c for c in attr_controls(schema)}
        self.relation_labels = relation_labels(schema)  # once per annotation, not per relation
        self.problems: list[str] = []
        self.spans: dict[str, Span] = {}  # by span id
        self.by_region: dict[str, str] = {}  # region id -> span id
        self.attrs: list[tuple[str, AttrControl, Any]] = []
        self.links: list[dict[str, Any]] = []

    def add(self, item: dict[str, Any]) -> None:
        if item.get("type") == "relation":
            self.links.append(item)
        elif item.get("from_name") == LABELS_NAME:
            span = self._span(item)
            if span is not None:
                self.by_region[str(item.get("id"))] = span.id
                self.spans.setdefault(span.id, span)
        elif item.get("from_name") in self.controls:
            control = self.controls[item["from_name"]]
            self.attrs.append((str(item.get("id")), control, _attr_value(item, control)))
        else:
            self.problems.append(f"{self.where}: result item from unknown control {item.get('from_name')!r}")

    def finish(self, groups: dict[str, str]) -> tuple[list[Span], list[Relation]]:
        for region, control, value in self.attrs:
            span_key = self.by_region.get(region)
            # An attribute left on a deleted region, or a hidden control of another label (the editor
            # keeps a choice made before a relabel): not part of what the annotator sees for this span.
            if span_key is not None and value is not None and self.spans[span_key].label == control.label:
                self.spans[span_key].attrs[control.attr] = value
        for region, span_key in self.by_region.items():
            self._complete_attrs(region, self.spans[span_key])
        relations: dict[tuple[str, str, str], Relation] = {}
        segment_links: list[tuple[str, str]] = []
        for link in self.links:
            rel = self._relation(link)
            if rel is None:
                continue
            if self.schema.relations[rel.label].group:
                segment_links.append((rel.head, rel.tail))
            else:
                relations.setdefault((rel.head, rel.tail, rel.label), rel)
        self._assign_groups(segment_links, groups)
        if self.problems:
            raise AnnotationProblems(self.problems)
        return list(self.spans.values()), list(relations.values())

    def _span(self, item: dict[str, Any]) -> Span | None:
        value = item.get("value") or {}
        region = item.get("id")
        labels = value.get("labels") or []
        here = f"{self.where}, region {region}"
        if len(labels) != 1 or labels[0] not in self.schema.spans:
            self.problems.append(f"{here}: labels {labels} (expected one of {self.schema.span_labels})")
            return None
        try:
            start, end = int(value["start"]), int(value["end"])
        except (KeyError, TypeError, ValueError) as exc:
            self.problems.append(f"{here}: bad offsets ({exc})")
            return None
        if not 0 <= start < end <= len(self.text):
            self.problems.append(f"{here}: offsets {start}-{end} outside the text ({len(self.text)})")
            return None
        if not isinstance(value.get("text"), str):
            # The editor always sends the region's text; without it the offsets cannot be checked, and a
            # shifted region would be written as gold unseen (issue 13): a problem, like a mismatch.
            self.problems.append(
                f"{here}: no text in the region, so its offsets {start}-{end} cannot be checked "
                "against the task text; left out"
            )
            return None
        if self.text[start:end] != value["text"]:
            self.problems.append(
                f"{here}: text[{start}:{end}] is {self.text[start:end]!r} but the region says "
                f"{value['text']!r}; offsets shifted, refusing to guess"
            )
            return None
        return Span.at(self.text, labels[0], start, end)

    def _complete_attrs(self, region: str, span: Span) -> None:
        """Declared attributes the annotator left unset: the schema's default (recorded), null for text,
        and a problem for a choice the schema gives no default."""
        for name, spec in self.schema.spans[span.label].attrs.items():
            if span.attrs.get(name) not in (None, ""):
                continue
            if spec.default is not None:
                span.attrs[name] = spec.default
                span.defaults = sorted({*(span.defaults or []), name})
            elif spec.type == "choice":
                self.problems.append(
                    f"{self.where}, region {region}: {span.label} {span.text!r} has no {name} "
                    f"(choose one of {', '.join(spec.values)})"
                )
            else:
                span.attrs[name] = None

    def _relation(self, link: dict[str, Any]) -> Relation | None:
        head = self.by_region.get(str(link.get("from_id")))
        tail = self.by_region.get(str(link.get("to_id")))
        here = f"{self.where}: relation {link.get('from_id')}->{link.get('to_id')}"
        if head is None or tail is None:
            self.problems.append(f"{here} links a missing region")
            return None
        if link.get("direction") == "left":
            head, tail = tail, head
        elif link.get("direction") == "bi":
            self.problems.append(f"{here} points both ways (draw it from the quote or claim)")
            return None
        here = f"{self.where}: relation {self.spans[head].label} {head} -> {self.spans[tail].label} {tail}"
        labels = link.get("labels") or []
        if not labels and not self.relation_labels:
            # The config offers no relation labels (each pair of span labels has one relation): the
            # label follows from the two ends, by construction, not by guess.
            labels = [
                name
                for name, rel in self.schema.relations.items()
                if self.spans[head].label in rel.from_ and self.spans[tail].label in rel.to
            ][:1]
        if len(labels) != 1:
            what = "no label" if not labels else f"{len(labels)} labels ({', '.join(labels)})"
            self.problems.append(f"{here} has {what}; choose one of {', '.join(self.schema.relations)}")
            return None
        spec = self.schema.relations.get(labels[0])
        if spec is None:
            self.problems.append(f"{here}: unknown relation label {labels[0]!r}")
            return None
        if self.spans[head].label not in spec.from_ or self.spans[tail].label not in spec.to:
            self.problems.append(
                f"{here}: {labels[0]} goes from {'|'.join(spec.from_)} to {'|'.join(spec.to)}"
            )
            return None
        if spec.group and self.spans[head].label != self.spans[tail].label:
            self.problems.append(f"{here}: {labels[0]} links segments of one span label only")
            return None
        return Relation(head=head, tail=tail, label=labels[0])

    def _assign_groups(self, links: list[tuple[str, str]], pushed: dict[str, str]) -> None:
        """Linked segments form one group; a group keeps the name it was pushed with when it can."""
        linked: UnionFind[str] = UnionFind(self.spans)
        for a, b in links:
            linked.union(a, b)
        members = [[self.spans[span_id] for span_id in ids] for ids in linked.sets()]
        used: set[str] = set()
        for spans in sorted(members, key=lambda m: min((s.start, s.end) for s in m)):
            ordered = sorted(spans, key=lambda s: (s.start, s.end))
            names = [pushed[s.id] for s in ordered if s.id in pushed]
            if len(ordered) == 1 and not names:
                continue  # an ungrouped span
            name = next((n for n in names if n not in used), None)
            if name is None:
                name = f"{ordered[0].label.lower()}-group-{ordered[0].start}"
            used.add(name)
            for span in ordered:
                span.group = name


def _attr_value(item: dict[str, Any], control: AttrControl) -> Any:
    value = item.get("value") or {}
    got = value.get("choices") if control.kind == "choices" else value.get("text")
    if isinstance(got, list):
        return got[0] if got else None
    return got


def _first(exc: PydanticValidationError) -> str:
    return str(exc.errors()[0].get("msg", exc))
