"""Transcript and headline attributions: "NAME: words" lines ("PENCE: Well, look, ...")."""

from __future__ import annotations

import re

from curation import marks
from curation.extract import lexicon
from curation.extract.kinds import kind_of
from curation.extract.ranges import Enclosing, Ranges
from curation.extract.types import Attribution, Mention


def speaker_line(text: str, start: int, end: int) -> tuple[int, int, int, int] | None:
    """(speaker start, speaker end, content start, content end) of a "NAME: words" line, or None.

    Transcripts and headlines attribute with a colon ("PENCE: Well, look, ...", "Poll: Clinton and
    Trump in dead heat"); the name is one to four capitalised words at the start of the line.
    """
    m = SPEAKER_LINE.match(text, start, end)
    if m is None or m.group(1).split()[-1].lower() in lexicon.active().not_speaker_words:
        return None
    content_start, content_end = m.start(2), end
    while content_end > content_start and text[content_end - 1] in " \t.":
        content_end -= 1
    if content_end - content_start < 10:
        return None
    return m.start(1), m.end(1), content_start, content_end


def transcript_turn(text: str, start: int, end: int) -> tuple[int, int, int, int] | None:
    """speaker_line's parts for a line that opens with a quotation mark and an upper-case name: a turn
    of a quoted transcript (‘"HOST: Senator, ...’), each paragraph reopening the quote as a multi-paragraph
    quote does; the turn, not the quote, ends at the next name (curation.extract.direct)."""
    if start >= end or text[start] not in marks.OPENERS:
        return None
    parts = speaker_line(text, start, end)
    return parts if parts is not None and text[parts[0] : parts[1]].isupper() else None


_OPENERS = marks.char_class(marks.OPENERS)
SPEAKER_LINE = re.compile(rf"[{_OPENERS}]?([A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){{0,3}}): +(\S.*)")


def speaker_lines(
    text: str, found: list[Attribution], fragments: Enclosing[Mention], score: float
) -> list[Attribution]:
    """ "NAME: words" lines of `text`, unless the words are already one of the direct quotes `found`."""
    taken = Ranges((a.start, a.end) for a in found)
    out = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        parts = speaker_line(text, start, end)
        if parts is None:
            continue
        s0, s1, c0, c1 = parts
        if taken.overlaps(c0, c1):
            continue
        inner = [f for f in fragments.overlapping(c0, c1) if c0 <= f.start and f.end <= c1]
        out.append(
            Attribution(
                start=c0,
                end=c1,
                text=text[c0:c1],
                kind="mixed" if inner or kind_of(text, c0, c1) == "mixed" else "indirect",
                score=score,
                speaker=Mention(s0, s1, text[s0:s1]),
                cue=Mention(s1, s1 + 1, ":"),
                rule="speaker_line",
            )
        )
    return out
