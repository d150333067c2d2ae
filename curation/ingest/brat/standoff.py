"""Reading one brat standoff (.ann) file: its T (text-bound) and E (event) lines, offsets checked.

Brat offsets are code points into the .txt read as-is (no newline translation). Every offset is
checked against the text brat stored; a mismatch is an InputError naming file, line and T id. Only T
and E lines carry meaning here; notes, attributes and other lines are skipped. A T or E line that
cannot be parsed is an InputError naming file:line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from curation.errors import InputError

_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
_E_LINE = re.compile(r"^(E\d+)\t(\S+):(T\d+)((?: \S+:[TE]\d+)*)\s*$")
_OTHER_LINE = re.compile(r"^(#|A|M|N|R|\*)")


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


def base_role(name: str) -> str:
    """Brat numbers repeated roles (Content2): they play the same role."""
    return name.rstrip("0123456789")
