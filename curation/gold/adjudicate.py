"""Several annotators' versions of a document -> one record, decided on purpose and reported.

Every span (label, start, end), every attribute of a kept span, and every relation is decided on its
own. Methods:
- `unanimous`: a unit is kept when every voting annotator has it; any disagreement is an unresolved
  conflict and the unit is left out.
- `majority`: a unit is kept when at least `min_agree` annotators have it (default: more than half of
  the voters). An even split is a tie: an unresolved conflict, the unit left out (an attribute left
  unset).
- `prefer`: the first annotator of `prefer` who did the document gives the record; when none of them
  did, the others decide by majority. Disagreements with the chosen version are still listed.
- `reviewed`: a reviewer's record (from `curation review pull`, provenance.review_of) beats every other
  method: whatever method is asked for, a reviewed document takes the reviewer's version. Asked for
  as the method, documents without a review are left out (and named).

Where several annotators did a document, blank annotations (no span) and skipped ones
(provenance.cancelled) never vote: they are reported per document and annotator, and a document whose
versions are all blank or skipped gets no record, and says so. A document one annotator did is taken as
it is.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from curation.atomic import atomic_write
from curation.errors import InputError
from curation.jsonl import (
    Line,
    dump_document,
    iter_lines,
    parse_document,
    parse_json,
    parse_line,
    parse_line_head,
    read_at,
)
from curation.layers import layer_of_record
from curation.layers import merge_layers as merge_layer_parts
from curation.progress import NO_PROGRESS, Progress
from curation.records import Document, Provenance, Relation, Span, span_id
from curation.schema import ALL_LAYER, LabelSchema, get_schema

Method = Literal["unanimous", "majority", "prefer", "reviewed"]
METHODS: tuple[Method, ...] = ("unanimous", "majority", "prefer", "reviewed")
SpanKey = tuple[str, int, int]  # label, start, end
RelationKey = tuple[SpanKey, SpanKey, str]  # head, tail, label
# Span fields that are not an annotator's decision about the span.
NOT_ATTRIBUTES = {"id", "start", "end", "label", "text", "attrs", "score"}


@dataclass(frozen=True)
class Policy:
    method: Method = "majority"
    min_agree: int | None = None  # None: more than half of the voting annotators
    prefer: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise InputError(f"adjudication method {self.method!r}: use one of {', '.join(METHODS)}")
        if self.method == "prefer" and not self.prefer:
            raise InputError("method prefer needs --prefer ANNOTATOR (the annotator whose version wins)")
        if self.min_agree is not None and self.min_agree < 1:
            raise InputError(f"--min-agree {self.min_agree}: give 1 or more")

    def needed(self, voters: int) -> int:
        if self.method == "unanimous":
            return voters
        return self.min_agree if self.min_agree is not None else voters // 2 + 1


@dataclass
class Conflict:
    """One unit the annotators disagree on, what each said, and what was decided."""

    document: str
    kind: str  # span | attribute | relation
    unit: str  # readable: QUOTE 12-40 "text", QUOTE 12-40 "text" .kind, speaker QUOTE 12-40 -> SPEAKER 0-3
    votes: dict[str, Any]  # annotator -> what they said (True/False: has the unit or not; else the value)
    decision: str  # kept / left out / the value kept / unset
    resolved: bool  # False: a tie or no agreement; the document wants a review

    def line(self) -> str:
        said = "; ".join(f"{who}: {_said(value)}" for who, value in sorted(self.votes.items()))
        state = "" if self.resolved else " (UNRESOLVED)"
        return f"{self.document} {self.kind} {self.unit}: {said} -> {self.decision}{state}"


@dataclass
class Decision:
    """The adjudicated record of one document (None when nothing could be kept) and why."""

    document: str
    record: Document | None
    method: str
    annotators: list[str]
    conflicts: list[Conflict] = field(default_factory=list)
    excluded: dict[str, str] = field(default_factory=dict)  # annotator -> blank | cancelled
    why_none: str = ""
    votes: int = 0  # annotators whose version voted (curation.evaluate.agreement compares them)


@dataclass
class Voters:
    """Who votes on a document: the one rule adjudication and agreement figures share.

    Skipped (provenance.cancelled) and blank (no span) versions are excluded and named; a reviewer's
    record (provenance.review_of) is a review, not a vote; one annotator's versions from several
    projects (layers) are merged into one vote. Versions nobody submitted (not reviewed) are ignored.
    """

    votes: dict[str, Document] = field(default_factory=dict)  # annotator -> their version
    reviews: dict[str, Document] = field(default_factory=dict)  # reviewer -> their version
    excluded: dict[str, str] = field(default_factory=dict)  # annotator -> blank | cancelled


def voters(versions: list[Document]) -> Voters:
    """Sort the versions of one document into votes, reviews and exclusions (see Voters)."""
    found = Voters()
    for doc in versions:
        who = annotator(doc)
        if doc.provenance.cancelled:
            found.excluded[who] = "cancelled"
        elif not doc.spans:
            found.excluded[who] = "blank"
        elif doc.provenance.reviewed:
            target = found.reviews if doc.provenance.review_of else found.votes
            target[who] = merge_layers(target[who], doc) if who in target else doc
    return found


def adjudicate(versions: list[Document], policy: Policy) -> Decision:
    """One record from the reviewed (and skipped) versions of one document."""
    doc_id = versions[0].id
    found = voters(versions)
    normal, reviews, excluded = found.votes, found.reviews, found.excluded
    if reviews:
        # A reviewer's version wins; several reviewers are decided among themselves by majority.
        decision = _vote(doc_id, reviews, Policy("majority"), "reviewed")
    elif policy.method == "reviewed":
        decision = Decision(doc_id, None, "reviewed", sorted(normal), why_none="not reviewed yet")
    elif not normal:
        decision = Decision(doc_id, None, policy.method, [], why_none="every annotation is blank or skipped")
    elif policy.method == "prefer":
        decision = _prefer(doc_id, normal, policy)
    else:
        decision = _vote(doc_id, normal, policy, policy.method)
    decision.excluded, decision.votes = excluded, len(normal)
    if decision.record is not None and decision.record.provenance.adjudication is not None:
        decision.record.provenance.adjudication["excluded"] = excluded
    return decision


def annotator(doc: Document) -> str:
    return str(doc.provenance.annotator or doc.provenance.project or "unknown")


def merge_layers(first: Document, second: Document) -> Document:
    """One annotator's records of one document from two projects: layers merge as curation.layers says
    (each label from the layer that owns it); records of no layer or of one layer twice are unioned
    (a span both hold is kept once)."""
    layers = {layer_of_record(first), layer_of_record(second)}
    if ALL_LAYER not in layers and len(layers) == 2:
        parts = {layer_of_record(first): first, layer_of_record(second): second}
        return merge_layer_parts(parts, get_schema()).document
    spans = {s.id: s for s in first.spans} | {s.id: s for s in second.spans}
    relations = {(r.head, r.tail, r.label): r for r in [*first.relations, *second.relations]}
    merged = first.model_copy(deep=True)
    merged.spans, merged.relations = list(spans.values()), list(relations.values())
    return merged


def _prefer(doc_id: str, voters: dict[str, Document], policy: Policy) -> Decision:
    chosen = next((who for who in policy.prefer if who in voters), None)
    if chosen is None:  # none of the preferred did it: the others decide
        return _vote(doc_id, voters, Policy("majority", policy.min_agree), "prefer")
    # Vote to find the disagreements, then keep the preferred version whole.
    listed = _vote(doc_id, voters, Policy("majority", policy.min_agree), "prefer")
    for conflict in listed.conflicts:
        conflict.decision, conflict.resolved = f"as {chosen}", True
    record = voters[chosen].model_copy(deep=True)
    record.provenance = _provenance(voters, "prefer", listed.conflicts, None, chosen)
    return Decision(doc_id, record, "prefer", sorted(voters), listed.conflicts)


def _vote(doc_id: str, voters: dict[str, Document], policy: Policy, method: str) -> Decision:
    names = sorted(voters)
    n = len(names)
    need = policy.needed(n)
    conflicts: list[Conflict] = []
    spans: dict[SpanKey, dict[str, Span]] = defaultdict(dict)
    relations: dict[RelationKey, set[str]] = defaultdict(set)
    for who in names:
        doc = voters[who]
        keys = {s.id: (s.label, s.start, s.end) for s in doc.spans}
        for span in doc.spans:
            spans[keys[span.id]][who] = span
        for rel in doc.relations:
            relations[(keys[rel.head], keys[rel.tail], rel.label)].add(who)
    text = voters[names[0]].text
    kept: list[Span] = []
    for key in sorted(spans, key=lambda k: (k[1], k[2], k[0])):
        holders = spans[key]
        unit = _span_unit(key, text)
        if not _decide(doc_id, "span", unit, set(holders), names, need, policy, conflicts):
            continue
        attrs, extra = _attributes(doc_id, unit, holders, names, need, policy, conflicts)
        kept.append(Span.at(text, key[0], key[1], key[2], attrs, **extra))
    kept_keys = {(s.label, s.start, s.end) for s in kept}
    links: list[Relation] = []
    for (head, tail, label), linked in sorted(relations.items()):
        unit = f"{label} {_span_unit(head, text)} -> {_span_unit(tail, text)}"
        if head not in kept_keys or tail not in kept_keys:
            votes = {w: w in linked for w in names}
            conflicts.append(Conflict(doc_id, "relation", unit, votes, "left out with its span", True))
        elif _decide(doc_id, "relation", unit, linked, names, need, policy, conflicts):
            links.append(Relation(head=span_id(*head), tail=span_id(*tail), label=label))
    record = voters[names[0]].model_copy(deep=True)
    record.spans, record.relations = kept, links
    record.provenance = _provenance(voters, method, conflicts, need if method != "prefer" else None, None)
    return Decision(doc_id, record, method, names, conflicts)


def _decide(
    doc_id: str,
    kind: str,
    unit: str,
    holders: set[str],
    names: list[str],
    need: int,
    policy: Policy,
    conflicts: list[Conflict],
) -> bool:
    """Keep a span or relation that `holders` of the voters `names` have? Records the disagreement."""
    count = len(holders)
    if count == len(names):
        return True
    votes = {w: w in holders for w in names}
    if policy.method != "unanimous" and count * 2 == len(names):
        conflicts.append(Conflict(doc_id, kind, unit, votes, "left out: a tie", False))
        return False
    keep = count >= need
    resolved = policy.method != "unanimous"
    decision = f"{'kept' if keep else 'left out'}: {count} of {len(names)}"
    conflicts.append(Conflict(doc_id, kind, unit, votes, decision, resolved))
    return keep


def _attributes(
    doc_id: str,
    unit: str,
    holders: dict[str, Span],
    names: list[str],
    need: int,
    policy: Policy,
    conflicts: list[Conflict],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The attributes (and extra fields such as a split quote's group) of a kept span, each voted on."""
    attrs: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    names_attrs = sorted({a for s in holders.values() for a in s.attrs})
    names_extra = sorted(
        {f for s in holders.values() for f in (s.model_extra or {}) if f not in NOT_ATTRIBUTES}
    )
    for field_name, is_attr in [(a, True) for a in names_attrs] + [(f, False) for f in names_extra]:
        said = {
            who: (span.attrs.get(field_name) if is_attr else (span.model_extra or {}).get(field_name))
            for who, span in holders.items()
        }
        value = _choose(doc_id, f"{unit} .{field_name}", said, names, need, policy, conflicts)
        if value is not None:
            (attrs if is_attr else extra)[field_name] = value
        elif is_attr:
            attrs[field_name] = None
    return attrs, extra


def _choose(
    doc_id: str,
    unit: str,
    said: dict[str, Any],
    names: list[str],
    need: int,
    policy: Policy,
    conflicts: list[Conflict],
) -> Any:
    """The value of one attribute: the one value at least `need` voters gave (all, when unanimous)."""
    counts = Counter(json.dumps(v, sort_keys=True) for v in said.values())
    if len(counts) == 1:  # everyone who has the span agrees (the span's own vote is listed already)
        return next(iter(said.values()))
    ranked = counts.most_common()
    top, votes = ranked[0]
    tie = len(ranked) > 1 and ranked[1][1] == votes
    if policy.method != "unanimous" and not tie and votes >= need:
        value = json.loads(top)
        conflicts.append(
            Conflict(doc_id, "attribute", unit, dict(said), f"{value!r}: {votes} of {len(names)}", True)
        )
        return value
    reason = "a tie" if tie else f"no value has {need} of {len(names)}"
    conflicts.append(Conflict(doc_id, "attribute", unit, dict(said), f"unset: {reason}", False))
    return None


def _provenance(
    voters: dict[str, Document], method: str, conflicts: list[Conflict], need: int | None, chosen: str | None
) -> Provenance:
    """Who made the record and how it was decided; what every version shares is kept."""
    names = sorted(voters)
    stamps = [d.provenance.updated_at or "" for d in voters.values()]
    models = {d.provenance.started_from_model_version or "" for d in voters.values()}
    projects = sorted({d.provenance.project or "" for d in voters.values()} - {""})
    adjudication: dict[str, Any] = {
        "method": method,
        "annotators": names,
        "conflicts": [{k: v for k, v in asdict(c).items() if k != "document"} for c in conflicts],
    }
    if need is not None:
        adjudication["min_agree"] = need
    if chosen is not None:
        adjudication["chosen"] = chosen
    return Provenance(
        reviewed=True,
        annotators=names,
        projects=projects,
        updated_at=max(stamps) if stamps else None,
        adjudication=adjudication,
        started_from_model_version=models.pop() if len(models) == 1 and "" not in models else None,
        review_of=", ".join(sorted({d.provenance.review_of or "" for d in voters.values()})) or None,
    )


def _span_unit(key: SpanKey, text: str) -> str:
    label, start, end = key
    shown = text[start:end]
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return f"{label} {start}-{end} {shown!r}"


def _said(value: Any) -> str:
    if value is True:
        return "has it"
    if value is False:
        return "has not"
    return "unset" if value is None else repr(value)


# --- files ---------------------------------------------------------------------------------------


@dataclass
class AdjudicationReport:
    """What adjudicating a file decided, per method, and every conflict and exclusion."""

    policy: Policy = field(default_factory=Policy)
    documents: int = 0  # records written
    passed: int = 0  # documents with one version and nothing excluded: written as they were
    methods: Counter[str] = field(default_factory=Counter)  # method -> documents decided
    conflicts: Counter[str] = field(default_factory=Counter)  # method -> conflicts
    unresolved: Counter[str] = field(default_factory=Counter)  # method -> unresolved conflicts
    conflict_list: list[Conflict] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)  # "doc: annotator (blank)"
    left_out: list[str] = field(default_factory=list)  # "doc: why"
    shared: int = 0  # documents with two voting annotators or more (agreement can be measured)

    @property
    def decided(self) -> int:
        return sum(self.methods.values())

    def add(self, decision: Decision) -> None:
        for who, why in sorted(decision.excluded.items()):
            self.excluded.append(f"{decision.document}: {who} ({why})")
        self.shared += decision.votes > 1
        if decision.record is None:
            self.left_out.append(f"{decision.document}: {decision.why_none}")
            return
        self.methods[decision.method] += 1
        self.conflicts[decision.method] += len(decision.conflicts)
        self.unresolved[decision.method] += sum(not c.resolved for c in decision.conflicts)
        self.conflict_list.extend(decision.conflicts)

    def per_method(self) -> list[tuple[str, str]]:
        """(method, "N documents, C conflicts (U unresolved)") for each method that decided something."""
        return [
            (
                method,
                f"{n} documents, {self.conflicts[method]} conflicts ({self.unresolved[method]} unresolved)",
            )
            for method, n in sorted(self.methods.items())
        ]

    def lines(self) -> list[str]:
        """The summary a command prints: per method, documents and conflicts; then exclusions."""
        out = [f"{method}: {decided}" for method, decided in self.per_method()]
        if self.passed:
            out.append(f"one annotator, nothing to decide: {self.passed} documents")
        if self.excluded:
            out.append(f"blank or skipped annotations, not counted: {'; '.join(self.excluded)}")
        if self.left_out:
            out.append(f"documents left out: {'; '.join(self.left_out)}")
        return out

    def write_conflicts(self, path: Path) -> None:
        """One JSON object per conflict: document, kind, unit, who said what, decision."""
        with atomic_write(path) as fh:
            for conflict in self.conflict_list:
                fh.write(json.dumps(asdict(conflict), ensure_ascii=False) + "\n")


def adjudicate_file(
    path: Path,
    out: Path,
    policy: Policy,
    progress: Progress = NO_PROGRESS,
    schema: LabelSchema | None = None,
) -> AdjudicationReport:
    """Write one record per document of `path` to `out` (atomically), in the order of first appearance.

    Human versions (reviewed or skipped) are adjudicated; a document with only machine records keeps
    them as they are (a silver export or the export's 'unreviewed' report deals with those).
    """
    report = AdjudicationReport(policy)
    index = _index(path)
    progress.stage("adjudicating", len(index))
    with atomic_write(out) as fh:
        for doc_id, versions in _grouped(path, index, schema):
            for doc in _decide_document(doc_id, versions, policy, report):
                fh.write(dump_document(doc) + "\n")
                report.documents += 1
            progress.advance()
    return report


def passes_through(path: Path, policy: Policy) -> int | None:
    """The number of records when adjudicating `path` would write each of them as it is (one record per
    document, none skipped or a review, a policy that keeps a lone annotator's record); else None.

    Then the file itself can be read instead of an adjudicated copy (export does so: a copy costs a
    validation and a write of every record)."""
    seen: set[str] = set()
    for line in iter_lines(path):
        obj = parse_line_head(line, path)  # only the id and provenance are looked at
        doc_id = obj.get("id")
        if not isinstance(doc_id, str) or doc_id in seen:
            return None  # several records of a document (or a bad one: adjudicate_file names it)
        seen.add(doc_id)
        provenance = obj.get("provenance")
        if not isinstance(provenance, dict) or provenance.get("adjudication"):
            continue  # a machine record or an adjudicated one: written as it is
        human = provenance.get("reviewed") or provenance.get("cancelled")
        if human and (
            policy.method == "reviewed" or provenance.get("cancelled") or provenance.get("review_of")
        ):
            return None
    return len(seen)


def _decide_document(
    doc_id: str, versions: list[Document], policy: Policy, report: AdjudicationReport
) -> Iterator[Document]:
    done = [d for d in versions if d.provenance.adjudication]
    human = [d for d in versions if (d.provenance.reviewed or d.provenance.cancelled) and d not in done]
    if not human:
        if len(done) > 1:
            raise InputError(
                f"document {doc_id} has {len(done)} adjudicated records; adjudicate the pulled records, "
                "not adjudicated output"
            )
        report.passed += len(done)
        yield from done or versions  # already decided, or machine records only
        return
    only = human[0]
    plain = not (only.provenance.cancelled or only.provenance.review_of)
    if len(human) == 1 and plain and policy.method != "reviewed":
        # One annotator: their record as it is (even with no span: nothing contradicts it).
        report.passed += 1
        yield only
        return
    decision = adjudicate(human, policy)
    report.add(decision)
    if decision.record is not None:
        yield decision.record


def one_record(versions: list[Document], report: AdjudicationReport) -> Document | None:
    """The one record of a document from all its records (as `adjudicate_file` decides it)."""
    kept = list(_decide_document(versions[0].id, versions, report.policy, report))
    return kept[-1] if kept else None


def _index(path: Path) -> dict[str, list[Line]]:
    """Document id -> its lines (offsets, not the records), in order of first appearance."""
    index: dict[str, list[Line]] = {}
    for line in iter_lines(path):
        obj = parse_line(line, path)
        if not isinstance(obj.get("id"), str):
            raise InputError(f"{path}:{line.lineno}: a record needs a string 'id'")
        index.setdefault(obj["id"], []).append(Line(line.lineno, line.offset, b""))  # the bytes stay on disk
    return index


def _grouped(
    path: Path, index: dict[str, list[Line]], schema: LabelSchema | None = None
) -> Iterator[tuple[str, list[Document]]]:
    """Each document's records, read back by offset, one document at a time."""
    for doc_id, lines in index.items():
        raws = read_at(path, [line.offset for line in lines])
        versions = [
            parse_document(parse_json(raw, f"{path}:{line.lineno}"), f"{path}:{line.lineno}", schema)
            for line, raw in zip(lines, raws, strict=True)
        ]
        yield doc_id, versions
