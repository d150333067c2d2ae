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
from curation.records import Document, schema_context
from curation.schema import LabelSchema


def output_mode(directory: bool = False) -> int:
    """The mode every output gets: what the user's umask allows (0644 / 0755 with the usual 022).

    Temporary files and folders are created private (0600 / 0700) and would keep that mode after the
    rename; each output is set to this mode instead, so every command writes alike. State holding
    secrets (studio.json, annotators.json) sets 0600 explicitly.
    """
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if directory else 0o666) & ~umask


def set_output_modes(root: Path) -> None:
    """Give a finished output folder (and everything in it) the output modes."""
    root.chmod(output_mode(directory=True))
    for path in root.rglob("*"):
        if not path.is_symlink():
            path.chmod(output_mode(directory=path.is_dir()))


@contextlib.contextmanager
def atomic_write(path: Path | str, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file next to `path`; rename it over `path` only if the block succeeds.

    The file gets the output mode (see output_mode) unless the block sets another one.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.chmod(fd, output_mode())
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


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
                obj = parse_json(line, f"{p}:{lineno}")
                if not isinstance(obj, dict):
                    raise InputError(f"{p}:{lineno}: expected a JSON object, got {type(obj).__name__}")
                yield lineno, obj
        except UnicodeDecodeError:
            raise InputError(f"{p}: not UTF-8 text") from None
        except OSError as exc:
            raise InputError(f"{p}: cannot read ({exc.strerror})") from None


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
