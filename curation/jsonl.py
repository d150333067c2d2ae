"""Reading and writing JSONL record files: streamed, validated, and written atomically.

A reader never loads a whole file; a writer never leaves a half-written file behind (it writes through
curation.atomic.atomic_write).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
from pydantic import ValidationError as PydanticValidationError

from curation.atomic import atomic_write
from curation.errors import InputError, ValidationError
from curation.records import Document, schema_context
from curation.schema import LabelSchema


def parse_json(raw: str | bytes, where: str) -> Any:
    """json.loads with every failure as one InputError naming `where` (file or file:line).

    Besides malformed JSON: bytes that are not UTF-8, and values nested deeper than Python's recursion
    limit (a RecursionError otherwise escapes as a traceback).
    """
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    except UnicodeDecodeError:
        raise InputError(f"{where}: not UTF-8 text; convert the file to UTF-8 first") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply to read; fix or remove the line") from None


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line of a JSONL file: its number (from 1), byte offset and raw bytes."""

    lineno: int
    offset: int
    raw: bytes


# iter_lines' read buffer: a line longer than the buffer is read in pieces and joined (io's default
# 8 KB against a PolNeAR record's ~25 KB line: 0.029 s to read 2,000 records' 51 MB, 0.005 s with 1 MB).
READ_BUFFER = 1 << 20


def iter_lines(path: Path | str) -> Iterator[Line]:
    """The non-blank lines of a JSONL file with their byte offsets: THE offset index of the project.

    Every command that comes back to a record later (push in doubt order, adjudication by document,
    evaluation by id, export's second pass) keeps `Line.offset` and reads it again with `read_at`;
    a file that cannot be read is an InputError naming it.
    """
    p = Path(path)
    try:
        fh = open(p, "rb", buffering=READ_BUFFER)  # noqa: SIM115 (closed by the with below)
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    with fh:
        offset = 0
        try:
            for lineno, raw in enumerate(fh, start=1):
                if not raw.isspace():  # raw.strip() copied each line (raw is never empty here)
                    yield Line(lineno, offset, raw)
                offset += len(raw)
        except OSError as exc:
            raise InputError(f"{p}: cannot read ({exc.strerror})") from None


def read_at(path: Path | str, offsets: Iterable[int]) -> Iterator[bytes]:
    """The lines starting at these byte offsets (from `iter_lines`), in the order given."""
    with open(path, "rb") as fh:
        for offset in offsets:
            fh.seek(offset)
            yield fh.readline()


def parse_line(line: Line, path: Path | str) -> dict[str, Any]:
    """A line as a JSON object; not UTF-8, malformed or not an object: an InputError naming file:line."""
    where = f"{path}:{line.lineno}"
    try:
        text = line.raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(
            f"{path}: not UTF-8 text (line {line.lineno}); convert the file to UTF-8 first"
        ) from None
    obj = parse_json(text, where)
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    return obj


class _Head(msgspec.Struct):
    """The two fields some readers look at before reading whole records (other keys are skipped)."""

    id: Any = None
    provenance: Any = None


_HEAD = msgspec.json.Decoder(_Head)


def parse_line_head(line: Line, path: Path | str) -> dict[str, Any]:
    """A line's `id` and `provenance` (None when absent) without building the rest of the record: msgspec
    reads the line and skips the text and spans (a third of pydantic's time doing so, 0.014 ms a PolNeAR
    record: export reads every line so first). A line it refuses (not JSON as msgspec reads it, NaN, a
    float out of range, not an object) is read by `parse_line`, which names the problem or reads it as
    Python's json does."""
    try:
        head = _HEAD.decode(line.raw)
    except (msgspec.DecodeError, RecursionError):
        return parse_line(line, path)
    return {"id": head.id, "provenance": head.provenance}


def iter_json_lines(path: Path | str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for each non-blank line; a malformed line is an InputError."""
    for line in iter_lines(path):
        yield line.lineno, parse_line(line, path)


def parse_document(obj: dict[str, Any], where: str, schema: LabelSchema | None = None) -> Document:
    """Validate one record against `schema`; the error names `where` (file:line) and the first problems."""
    try:
        return Document.model_validate(obj, context=schema_context(schema))
    except RecursionError:
        raise ValidationError(f"{where}: invalid record (nested too deeply)") from None
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"]) or "record"
        raise ValidationError(f"{where}: invalid record ({loc}: {first['msg']})") from None


def parse_line_document(
    line: Line, path: Path | str, schema: LabelSchema | None = None, name_id: bool = False
) -> Document:
    """A line validated as a record straight from its bytes: pydantic parses the JSON itself, once (not
    json.loads and then the objects again). A line that fails is read again through `parse_line` and
    `parse_document`, so its error is their one-line message naming file:line (and the record's id, with
    `name_id`), and a line only Python's json accepts (NaN, a lone surrogate) is read as they read it."""
    try:
        return Document.model_validate_json(line.raw, context=schema_context(schema))
    except (PydanticValidationError, RecursionError):
        obj = parse_line(line, path)
        where = f"{path}:{line.lineno}" + (f" (document {obj.get('id')})" if name_id else "")
        return parse_document(obj, where, schema)


def read_documents(path: Path | str, schema: LabelSchema | None = None) -> Iterator[Document]:
    """Stream Documents from a JSONL file, validated against `schema` (the packaged one when None)."""
    for lineno, obj in iter_json_lines(path):
        yield parse_document(obj, f"{path}:{lineno}", schema)


def dump_document(doc: Document) -> str:
    return doc.model_dump_json(exclude_none=False)


def write_documents(path: Path | str, docs: Iterable[Document]) -> int:
    """Write documents atomically; returns how many were written."""
    count = 0
    with atomic_write(path) as fh:
        for doc in docs:
            fh.write(dump_document(doc) + "\n")
            count += 1
    return count
