"""Reading one input into raw article texts, or into one clear message per thing that cannot be read.

Readers never raise for bad input: a binary file, a file that is not UTF-8, a malformed JSONL line
each become a `Skipped` with a message that names the file (and line) and says what to do, so one
bad file does not stop a run over a thousand good ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.errors import CurationError, InputError
from curation.jsonl import parse_document, parse_json
from curation.records import Document
from curation.schema import LabelSchema

#: A NUL byte in the first block is the usual sign of a binary file (images, PDFs, archives).
_SNIFF_BYTES = 8192
#: Keys that make a JSONL object a full document record (passed through, validated, not cleaned).
_RECORD_KEYS = ("spans", "relations")


@dataclass(frozen=True)
class RawText:
    """An article text before boilerplate removal, with what its input said about it."""

    text: str
    source: str
    fmt: str
    id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    where: str = ""  # file or file:line, for messages


@dataclass(frozen=True)
class Skipped:
    """An input that could not be read; `message` names it and says what to do.

    `reason` is a short key ("binary", "not-utf8", ...) for the summary's counts.
    """

    message: str
    reason: str


def read_text_file(path: Path, display: str) -> RawText | Skipped:
    """A whole text file, decoded as UTF-8 exactly (line endings untouched: cleaning records them)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Skipped(
            f"{display}: cannot read ({exc.strerror}); check that it exists and is readable", "unreadable"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Skipped(
            f"{display}: UTF-16 text; convert it to UTF-8 first, e.g. `iconv -f utf-16 -t utf-8`", "not-utf8"
        )
    if b"\x00" in data[:_SNIFF_BYTES]:
        return Skipped(f"{display}: binary file, not text; give only text, Markdown or JSONL files", "binary")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Skipped(
            f"{display}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
            "convert it first, e.g. `iconv -f latin1 -t utf-8`",
            "not-utf8",
        )
    return RawText(text=text, source=display, fmt="text", where=display)


def read_jsonl_file(
    path: Path, display: str, text_field: str, schema: LabelSchema | None = None
) -> Iterator[RawText | Document | Skipped]:
    """Each line of a JSONL file: a text record (cleaned later) or a full document record."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed by the with below)
    except OSError as exc:
        yield Skipped(
            f"{display}: cannot read ({exc.strerror}); check that it exists and is readable", "unreadable"
        )
        return
    found = False
    with fh:
        for lineno, raw in enumerate(fh, start=1):
            for item in _jsonl_line(raw, f"{display}:{lineno}", text_field, schema):
                found = True
                yield item
    if not found:
        yield Skipped(f"{display}: empty (no JSON lines); remove it or fill it", "empty")


def _jsonl_line(
    raw: bytes, where: str, text_field: str, schema: LabelSchema | None = None
) -> Iterator[RawText | Document | Skipped]:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        yield Skipped(f"{where}: not UTF-8 text; convert the file to UTF-8 first", "not-utf8")
        return
    if not line.strip():
        return
    try:
        obj = parse_json(line, where)
    except InputError as exc:
        yield Skipped(f"{exc}; fix or remove the line", "bad-json")
        return
    if not isinstance(obj, dict):
        yield Skipped(
            f"{where}: expected a JSON object, got {type(obj).__name__}; one record per line", "bad-json"
        )
        return
    if any(key in obj for key in _RECORD_KEYS):
        try:
            yield parse_document(obj, where, schema)
        except CurationError as exc:
            yield Skipped(
                f"{exc}; fix the record or drop its spans to ingest it as plain text", "invalid-record"
            )
        return
    yield _text_record(obj, where, text_field)


def _text_record(obj: dict[str, Any], where: str, text_field: str) -> RawText | Skipped:
    text = obj.get(text_field)
    if not isinstance(text, str):
        found = ", ".join(sorted(obj)) or "none"
        problem = "is not a string" if text_field in obj else "is missing"
        return Skipped(
            f"{where}: field {text_field!r} {problem} (fields: {found}); "
            "name the field that holds the article with --text-field",
            "no-text-field",
        )
    meta = obj.get("meta")
    if meta is not None and not isinstance(meta, dict):
        return Skipped(f"{where}: 'meta' must be a JSON object; fix or remove it", "invalid-record")
    given_id = obj.get("id")
    source = obj.get("source")
    return RawText(
        text=text,
        source=str(source) if source else where,
        fmt="jsonl",
        id=str(given_id) if given_id not in (None, "") else None,
        meta=dict(meta or {}),
        where=where,
    )
