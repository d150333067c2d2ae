"""Importing an annotated corpus in brat standoff format (PolNeAR and alike) as gold records.

Layout: ROOT/text/NAME.txt and ROOT/attributions/NAME_ANNOTATOR.ann (or both beside each other in
ROOT). A mapping file (schemas/mappings/polnear.yaml by default) says which brat labels become which
schema labels and which event roles become which relations, so no label is spelled out here.

What a record holds, and why:
- One QUOTE span per content segment: brat's discontinuous spans ("s1 e1;s2 e2", a quote split by its
  attribution) become several spans sharing the extra field `group` (the event id), so an evaluation can
  count one split quote once (see curation.evaluate.matching).
- The QUOTE kind is read from the quotation marks, since brat has no such attribute: content wholly
  inside marks is direct, and loses its marks (the project's direct quotes exclude them; a segment made
  of several quoted pieces gives one span per piece, same group); content with a quoted fragment is
  mixed; anything else indirect.
- Brat offsets are code points into the .txt read as-is (no newline translation). Every offset is
  checked against the text brat stored; a mismatch is an InputError naming file, line and T id.
- Only T (text-bound) and E (event) lines carry meaning here; notes, attributes and other lines are
  skipped. A T or E line that cannot be parsed is an InputError naming file:line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from curation.errors import InputError
from curation.records import Document, Provenance, Relation, Span, content_id, span_id
from curation.schema import LabelSchema, get_schema

DEFAULT_MAPPING = Path(__file__).resolve().parent.parent / "data" / "mappings" / "polnear.yaml"

_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
_E_LINE = re.compile(r"^(E\d+)\t(\S+):(T\d+)((?: \S+:[TE]\d+)*)\s*$")
_OTHER_LINE = re.compile(r"^(#|A|M|N|R|\*)")

# Quotation marks that open or close a quote. Straight and doubled-apostrophe marks do both, so
# pairing alternates open/close (robust to the mismatched marks news text has, e.g. “...").
_DOUBLE_MARKS = ("''", "``", "“", "”", "„", "‟", '"', "«", "»")
_SINGLE_OPEN = "‘"
_SINGLE_CLOSE = "’"

QuoteClass = Literal["quoted", "partly_quoted", "unquoted"]


class QuoteRule(BaseModel):
    """Which schema label gets a kind from its quotation marks, and the kind values to use."""

    model_config = ConfigDict(extra="forbid")

    label: str
    kind_attr: str
    kinds: dict[QuoteClass, str]


class EventRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    heads: list[str]
    relations: dict[str, str] = Field(default_factory=dict)


class BratMapping(BaseModel):
    """A brat corpus's labels and events expressed in the label schema (validated against it)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    spans: dict[str, str]
    ignore: list[str] = Field(default_factory=list)
    quote: QuoteRule | None = None
    events: dict[str, EventRule] = Field(default_factory=dict)

    def check(self, schema: LabelSchema, where: str) -> None:
        """Raise an InputError when the mapping names a label, value or relation the schema lacks."""
        problems = [f"label {lab!r}" for lab in self.spans.values() if lab not in schema.spans]
        if self.quote is not None:
            spec = schema.spans.get(self.quote.label)
            attr = spec.attrs.get(self.quote.kind_attr) if spec else None
            if attr is None:
                problems.append(f"attribute {self.quote.label}.{self.quote.kind_attr}")
            else:
                problems += [f"kind {v!r}" for v in self.quote.kinds.values() if v not in attr.values]
        for rule in self.events.values():
            problems += [f"relation {r!r}" for r in rule.relations.values() if r not in schema.relations]
        if problems:
            raise InputError(f"{where}: names what the label schema does not have: {', '.join(problems)}")


@cache
def _load_mapping_cached(path: Path) -> BratMapping:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the brat mapping ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc})") from None
    try:
        mapping = BratMapping.model_validate(raw)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"]) or "mapping"
        raise InputError(f"{path}: invalid brat mapping ({loc}: {first['msg']})") from None
    return mapping


def load_mapping(path: Path | str | None = None, schema: LabelSchema | None = None) -> BratMapping:
    """The mapping at `path` (default: the PolNeAR mapping shipped with the project), checked against
    `schema` (the packaged one when None): every label, kind and relation it names must exist there."""
    where = Path(path) if path is not None else DEFAULT_MAPPING
    mapping = _load_mapping_cached(where)
    mapping.check(schema or get_schema(), str(where))
    return mapping


@dataclass
class TextBound:
    """One brat T line: a label over one or more (start, end) segments."""

    tid: str
    label: str
    segments: list[tuple[int, int]]
    lineno: int


@dataclass
class Event:
    """One brat E line: a typed event with (role, T id) arguments."""

    eid: str
    type: str
    args: list[tuple[str, str]]
    lineno: int


@dataclass
class AnnFile:
    textbounds: dict[str, TextBound] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)


def parse_ann(path: Path, text: str) -> AnnFile:
    """Parse the T and E lines of one .ann file, checking every offset against `text`."""
    ann = AnnFile()
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    index = 0
    while index < len(lines):
        lineno, line = index + 1, lines[index].rstrip("\r")
        index += 1
        if not line.strip() or _OTHER_LINE.match(line):
            continue
        if line.startswith("T"):
            # brat writes a span's text verbatim: a span over a line break continues on the next lines
            extra = _continuation(line, lines[index:], text)
            line = "\n".join([line, *lines[index : index + extra]])
            index += extra
            tb = _parse_t_line(path, lineno, line, text)
            ann.textbounds[tb.tid] = tb
        elif line.startswith("E"):
            ann.events.append(_parse_e_line(path, lineno, line))
        else:
            raise InputError(f"{path}:{lineno}: not a brat standoff line: {line[:60]!r}")
    for event in ann.events:
        for _, tid in event.args:
            if tid not in ann.textbounds:
                raise InputError(
                    f"{path}:{event.lineno}: event {event.eid} refers to {tid}, which is not defined"
                )
    return ann


def _continuation(line: str, following: list[str], text: str) -> int:
    """How many of the `following` lines belong to the T `line` (its text spans a line break)."""
    match = _T_LINE.match(line)
    if match is None:
        return 0
    segments = [(int(a), int(b)) for a, b in (seg.split(" ") for seg in match.group(3).split(";"))]
    covered = " ".join(text[s:e] for s, e in segments)
    stored, extra = match.group(4), 0
    while "\n" in covered and len(stored) < len(covered) and extra < len(following):
        if not covered.startswith(stored + "\n"):
            break
        stored += "\n" + following[extra]
        extra += 1
    return extra if stored == covered else 0


def _parse_t_line(path: Path, lineno: int, line: str, text: str) -> TextBound:
    match = _T_LINE.match(line.replace("\n", "\x00"))
    if match is None:
        raise InputError(
            f"{path}:{lineno}: malformed T line (expected 'T<n><TAB>Label start end[;start end]<TAB>text'): "
            f"{line[:60]!r}"
        )
    tid, label, offsets, stored = match.groups()
    stored = stored.replace("\x00", "\n")
    segments = [(int(a), int(b)) for a, b in (seg.split(" ") for seg in offsets.split(";"))]
    for start, end in segments:
        if not 0 <= start < end <= len(text):
            raise InputError(
                f"{path}:{lineno}: {tid} has offsets {start}-{end} outside the text (length {len(text)})"
            )
    covered = " ".join(text[s:e] for s, e in segments)
    if covered != stored:
        raise InputError(
            f"{path}:{lineno}: {tid} offsets {offsets} give {covered[:40]!r} in the .txt but the .ann says "
            f"{stored[:40]!r}; is this the .txt the annotation was made on?"
        )
    return TextBound(tid, label, segments, lineno)


def _parse_e_line(path: Path, lineno: int, line: str) -> Event:
    match = _E_LINE.match(line)
    if match is None:
        raise InputError(
            f"{path}:{lineno}: malformed E line (expected 'E<n><TAB>Type:T<n> Role:T<n> ...'): {line[:60]!r}"
        )
    eid, etype, _trigger, rest = match.groups()
    args = [tuple(arg.split(":", 1)) for arg in rest.split()]
    return Event(eid, etype, [(role, tid) for role, tid in args], lineno)


def _role(name: str) -> str:
    """Brat numbers repeated roles (Content2): they play the same role."""
    return name.rstrip("0123456789")


# --- quotation marks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quoted:
    """A quoted stretch: `start`/`end` include the marks, `inner_start`/`inner_end` exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int


def quoted_regions(text: str, start: int, end: int) -> list[Quoted]:
    """Each quoted stretch of text[start:end].

    Double marks pair by alternation (an unclosed mark runs to `end`). Single marks count only when the
    stretch has no double marks (headlines quote with ‘...’); a ’ followed by a letter is an apostrophe.
    """
    marks: list[tuple[int, int]] = []
    i = start
    while i < end:
        width = next((len(m) for m in _DOUBLE_MARKS if text.startswith(m, i, end)), 0)
        if width:
            marks.append((i, i + width))
        i += width or 1
    if marks:
        regions = [
            Quoted(marks[k][0], marks[k + 1][1], marks[k][1], marks[k + 1][0])
            for k in range(0, len(marks) - 1, 2)
        ]
        if len(marks) % 2:
            regions.append(Quoted(marks[-1][0], end, marks[-1][1], end))
        return regions
    regions = []
    i = start
    while (i := text.find(_SINGLE_OPEN, i, end)) != -1:
        j = i + 1
        while (j := text.find(_SINGLE_CLOSE, j, end)) != -1 and j + 1 < end and text[j + 1].isalpha():
            j += 1
        if j == -1:
            regions.append(Quoted(i, end, i + 1, end))
            break
        regions.append(Quoted(i, j + 1, i + 1, j))
        i = j + 1
    return regions


def _has_words(text: str) -> bool:
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _snap_to_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a segment that cuts a two-character mark ('' or ``) in half, so the mark is whole.

    Annotators of text quoting with doubled apostrophes sometimes start or end a span between the two
    characters; read as it is, the lone ' is no mark and a wholly quoted segment looks partly quoted.
    """
    if (
        start > 0
        and text[start - 1 : start + 1] in ("''", "``")
        and text[start - 2 : start] not in ("''", "``")
    ):
        start -= 1
    if (
        end < len(text)
        and text[end - 1 : end + 1] in ("''", "``")
        and text[end : end + 2] not in ("''", "``")
    ):
        end += 1
    return start, end


def split_content(text: str, start: int, end: int) -> tuple[QuoteClass, list[tuple[int, int]]]:
    """Classify one content segment by its quotation marks, and give the span(s) it becomes.

    quoted (nothing but marks, spaces and punctuation outside the quoted stretches): one span per
    quoted stretch, marks excluded; partly_quoted (words inside and outside marks) and unquoted: the
    whole segment, surrounding spaces trimmed.
    """
    start, end = _strip(text, *_snap_to_marks(text, start, end))
    regions = quoted_regions(text, start, end)
    if not regions:
        return "unquoted", [(start, end)]
    bounds = [start] + [x for q in regions for x in (q.start, q.end)] + [end]
    outside = "".join(text[bounds[k] : bounds[k + 1]] for k in range(0, len(bounds), 2))
    pieces = [p for q in regions if (p := _strip(text, q.inner_start, q.inner_end))[1] > p[0]]
    if _has_words(outside) or not pieces:
        return "partly_quoted", [(start, end)]
    return "quoted", pieces


# --- records ---------------------------------------------------------------------------------------


class _Builder:
    """Collects spans and relations for one document, reusing a span when two T lines coincide."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: dict[str, Span] = {}
        self.relations: dict[tuple[str, str, str], Relation] = {}

    def span(self, label: str, start: int, end: int, attrs: dict[str, Any], **extra: Any) -> str:
        sid = span_id(label, start, end)
        if sid not in self.spans:
            self.spans[sid] = Span.at(self.text, label, start, end, attrs, **extra)
        return sid

    def relate(self, head: str, tail: str, label: str) -> None:
        self.relations.setdefault((head, tail, label), Relation(head=head, tail=tail, label=label))


def build_document(
    text: str,
    ann: AnnFile,
    mapping: BratMapping,
    *,
    source: str,
    annotator: str,
    name: str,
    ann_file: str,
    schema: LabelSchema | None = None,
) -> Document:
    """Turn one parsed .ann over its text into a gold Document (see the module docstring)."""
    build = _Builder(text)
    group_of: dict[str, str] = {}  # content T id -> event id
    for event in ann.events:
        rule = mapping.events.get(event.type)
        if rule is None:
            continue
        for role, tid in event.args:
            if _role(role) in rule.heads:
                group_of.setdefault(tid, event.eid)
    span_ids: dict[str, list[str]] = {}
    for tb in ann.textbounds.values():
        if tb.label in mapping.ignore:
            continue
        label = mapping.spans.get(tb.label)
        if label is None:
            raise InputError(
                f"{ann_file}:{tb.lineno}: brat label {tb.label!r} is not in the mapping {mapping.name!r}; "
                "add it under spans or ignore"
            )
        span_ids[tb.tid] = _segment_spans(build, tb, label, mapping, group_of.get(tb.tid, tb.tid))
    for event in ann.events:
        rule = mapping.events.get(event.type)
        if rule is None:
            if event.type in mapping.ignore:
                continue
            raise InputError(
                f"{ann_file}:{event.lineno}: brat event type {event.type!r} is not in the mapping "
                f"{mapping.name!r}; add it under events or ignore"
            )
        heads = [tid for role, tid in event.args if _role(role) in rule.heads]
        for role, tid in event.args:
            relation = rule.relations.get(_role(role))
            if relation is None:
                continue
            for head in heads:
                for head_sid in span_ids.get(head, []):
                    for tail_sid in span_ids.get(tid, []):
                        build.relate(head_sid, tail_sid, relation)
    spans = sorted(build.spans.values(), key=lambda s: (s.start, s.end, s.label))
    try:
        return _document(text, spans, build, mapping, source, annotator, name, ann_file, schema)
    except PydanticValidationError as exc:
        problem = "; ".join(str(e["msg"]) for e in exc.errors())
        raise InputError(f"{ann_file}: not a valid record under the label schema: {problem}") from None


def _document(
    text: str,
    spans: list[Span],
    build: _Builder,
    mapping: BratMapping,
    source: str,
    annotator: str,
    name: str,
    ann_file: str,
    schema: LabelSchema | None,
) -> Document:
    provenance = Provenance(
        source="brat", corpus=mapping.name, file=ann_file, annotator=annotator, reviewed=True
    )
    return Document.checked(
        {
            "id": content_id(text),
            "source": source,
            "text": text,
            "meta": {"name": name},
            "spans": spans,
            "relations": list(build.relations.values()),
            "provenance": provenance,
        },
        schema,
    )


def _segment_spans(build: _Builder, tb: TextBound, label: str, mapping: BratMapping, group: str) -> list[str]:
    """The span ids one T line becomes: one per segment; quotes classified and split by their marks.

    A split quote has one kind for all its segments: quoted when every segment is wholly quoted (then
    the marks are dropped), unquoted when none has marks, otherwise partly quoted (segments kept whole).
    """
    quote = mapping.quote
    if quote is None or label != quote.label:
        stripped = [_strip(build.text, start, end) for start, end in tb.segments]
        return [build.span(label, s, e, {}, brat=tb.tid) for s, e in stripped if e > s]
    classified = [split_content(build.text, start, end) for start, end in tb.segments]
    classes = {cls for cls, _ in classified}
    if len(classes) == 1:
        kind = classes.pop()
        pieces = [piece for _, segment_pieces in classified for piece in segment_pieces]
    else:
        kind = "partly_quoted"
        pieces = [_strip(build.text, start, end) for start, end in tb.segments]
    attrs = {quote.kind_attr: quote.kinds[kind]}
    return [build.span(label, s, e, dict(attrs), group=group, brat=tb.tid) for s, e in pieces if e > s]


# --- corpus ----------------------------------------------------------------------------------------


def _corpus_files(root: Path) -> list[tuple[Path, list[tuple[str, Path]]]]:
    """Each text with its (annotator, .ann) files, sorted by name then annotator."""
    text_dir = root / "text" if (root / "text").is_dir() else root
    ann_dir = root / "attributions" if (root / "attributions").is_dir() else root
    if not root.is_dir():
        raise InputError(f"{root}: not a directory (expected a brat corpus with text/ and attributions/)")
    texts = {p.stem: p for p in sorted(text_dir.glob("*.txt"))}
    if not texts:
        raise InputError(
            f"{text_dir}: no .txt files; a brat corpus has text/NAME.txt and attributions/NAME_X.ann"
        )
    anns: dict[str, list[tuple[str, Path]]] = {name: [] for name in texts}
    for ann in sorted(ann_dir.glob("*.ann")):
        if ann.stem in texts:
            anns[ann.stem].append(("", ann))
            continue
        owners = [name for name in texts if ann.stem.startswith(name + "_")]
        if not owners:
            raise InputError(
                f"{ann}: no text for this annotation (expected {text_dir}/NAME.txt for NAME_X.ann)"
            )
        owner = max(owners, key=len)
        anns[owner].append((ann.stem[len(owner) + 1 :], ann))
    return [(texts[name], sorted(anns[name])) for name in sorted(texts)]


def read_brat_corpus(
    root: Path | str,
    mapping: Path | str | None = None,
    *,
    annotator: str = "first",
    errors: list[str] | None = None,
    schema: LabelSchema | None = None,
) -> Iterator[Document]:
    """Stream gold Documents from a brat corpus, in file-name order.

    annotator="first": one record per text, from its first .ann in sorted order (for scoring).
    annotator="all": one record per (text, .ann) — same id, told apart by provenance.annotator (for
    agreement). Any other value keeps only that annotator's files. Texts without an .ann are skipped:
    an unannotated text is not gold. With `errors`, an .ann file that cannot be read as gold is skipped
    and its message appended there (reading goes on); without it, the first such file raises.
    """
    rules = load_mapping(mapping, schema)
    root = Path(root)
    for txt, anns in _corpus_files(root):
        if annotator == "first":
            anns = anns[:1]
        elif annotator != "all":
            anns = [(who, path) for who, path in anns if who == annotator]
        if not anns:
            continue
        try:
            with open(txt, encoding="utf-8", newline="") as fh:
                text = fh.read()
        except OSError as exc:
            raise InputError(f"{txt}: cannot read ({exc.strerror})") from None
        except UnicodeDecodeError:
            raise InputError(f"{txt}: not UTF-8 text") from None
        for who, ann_path in anns:
            try:
                parsed = parse_ann(ann_path, text)
                record = build_document(
                    text,
                    parsed,
                    rules,
                    source=str(txt),
                    annotator=who or ann_path.stem,
                    name=txt.stem,
                    ann_file=str(ann_path),
                    schema=schema,
                )
            except InputError as exc:
                if errors is None:
                    raise
                errors.append(str(exc))
                continue
            yield record
