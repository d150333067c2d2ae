"""Which files an ingest run reads: paths given on the command line, folders walked recursively.

Walks are sorted so that the same folder always yields the same order (and so the same "first"
copy of a duplicate) on any machine. Hidden files and folders (".git", ".DS_Store") are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from curation.errors import InputError

Format = Literal["auto", "text", "jsonl", "brat"]

#: Extensions read as plain article text when a folder is walked.
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".rst"})
#: Extensions read as one JSON record per line.
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})


@dataclass(frozen=True)
class Input:
    """One thing to read: a file (text or JSONL), a brat corpus folder, or a problem found walking."""

    path: Path
    display: str  # the path as the user gave it, joined with the part found by walking
    fmt: Literal["text", "jsonl", "brat", "ignored", "error"]
    problem: str = ""
    reason: str = ""  # short key of the problem, for the summary


def check_paths(paths: Sequence[Path]) -> None:
    """A path given explicitly that does not exist is a typo: stop before reading anything."""
    if not paths:
        raise InputError("no input paths given; name files or folders to ingest, e.g. `seeds/`")
    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:
        raise InputError(
            f"{', '.join(missing)}: no such file or folder; check the path (nothing was written)"
        )


def expand(paths: Sequence[Path], fmt: Format = "auto", exclude: Path | None = None) -> Iterator[Input]:
    """Every input under `paths`, in a stable order; `exclude` (the output file) is never read."""
    for path in paths:
        display = path.as_posix()
        if path.is_dir():
            if fmt == "brat" or (fmt == "auto" and _has_brat_annotations(path)):
                yield Input(path, display, "brat")
            else:
                yield from _with_fallback(
                    _walk(path, fmt, exclude),
                    Input(
                        path,
                        display,
                        "error",
                        "no text, Markdown or JSONL files in this folder",
                        "no-articles",
                    ),
                )
        elif fmt == "brat":
            yield Input(
                path, display, "error", "--format brat reads a folder of .txt and .ann files", "not-brat"
            )
        else:
            yield _file_input(path, display, fmt, explicit=True)


def _with_fallback(inputs: Iterator[Input], fallback: Input) -> Iterator[Input]:
    """`inputs`, or `fallback` when there are none to read (an empty folder is worth a message)."""
    readable = False
    for item in inputs:
        readable = readable or item.fmt != "ignored"
        yield item
    if not readable:
        yield fallback


def _has_brat_annotations(folder: Path) -> bool:
    """A brat corpus has .ann files beside its texts or in attributions/ (PolNeAR's layout).

    Not searched deeper: a stray .ann somewhere in a folder of articles must not turn the whole
    folder into a gold corpus (whose texts without annotations would be left out).
    """
    return any(next(iter(d.glob("*.ann")), None) is not None for d in (folder, folder / "attributions"))


def _file_input(path: Path, display: str, fmt: Format, explicit: bool) -> Input:
    if not path.is_file():
        what = "a broken link" if path.is_symlink() else "not a regular file"
        return Input(
            path,
            display,
            "error",
            f"cannot read: {what}; remove it or point to the file itself",
            "unreadable",
        )
    suffix = path.suffix.lower()
    if fmt == "jsonl" or (fmt == "auto" and suffix in JSONL_SUFFIXES):
        return Input(path, display, "jsonl")
    if fmt == "text" or explicit or suffix in TEXT_SUFFIXES:
        return Input(path, display, "text")
    return Input(path, display, "ignored")


def _walk(root: Path, fmt: Format, exclude: Path | None) -> Iterator[Input]:
    skip = exclude.resolve() if exclude is not None else None
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            if skip is not None and path.resolve() == skip:
                continue
            yield _file_input(path, path.as_posix(), fmt, explicit=False)  # relative if root was
        while errors:
            exc = errors.pop(0)
            where = Path(exc.filename).as_posix() if exc.filename else root.as_posix()
            yield Input(
                Path(where),
                where,
                "error",
                f"cannot read folder ({exc.strerror}); check its permissions",
                "unreadable",
            )
