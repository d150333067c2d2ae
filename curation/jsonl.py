"""Reading and writing JSONL record files: streamed, validated, and written atomically.

A reader never loads a whole file; a writer never leaves a half-written file behind (it writes a
temporary file beside the target and renames it only when everything succeeded).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError as PydanticValidationError

from curation.errors import InputError, ValidationError
from curation.records import Document


@contextlib.contextmanager
def atomic_write(path: Path | str, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file next to `path`; rename it over `path` only if the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def iter_json_lines(path: Path | str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for each non-blank line; a malformed line is an InputError."""
    p = Path(path)
    try:
        fh = open(p, encoding="utf-8")  # noqa: SIM115 (closed by the with below)
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    with fh:
        try:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{p}:{lineno}: not valid JSON ({exc.msg})") from None
                if not isinstance(obj, dict):
                    raise InputError(f"{p}:{lineno}: expected a JSON object, got {type(obj).__name__}")
                yield lineno, obj
        except UnicodeDecodeError:
            raise InputError(f"{p}: not UTF-8 text") from None


def parse_document(obj: dict[str, Any], where: str) -> Document:
    """Validate one record; the error names `where` (file:line) and the first problems."""
    try:
        return Document.model_validate(obj)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"]) or "record"
        raise ValidationError(f"{where}: invalid record ({loc}: {first['msg']})") from None


def read_documents(path: Path | str) -> Iterator[Document]:
    """Stream validated Documents from a JSONL file."""
    for lineno, obj in iter_json_lines(path):
        yield parse_document(obj, f"{path}:{lineno}")


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
