"""The kind of a quote read from its quotation marks (brat has no such attribute).

Content wholly inside marks is quoted (direct) and loses its marks (a segment made of several quoted
pieces gives one span per piece); content with a quoted fragment is partly quoted (mixed); anything
else unquoted (indirect).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from curation import marks as quotation

QuoteClass = Literal["quoted", "partly_quoted", "unquoted"]
# Any double mark, tried in DOUBLE_MARKS' order at each position ('' before '), scanned left to right:
# kind_of reads every predicted content's marks, and a loop over its characters in Python was the
# rules' costliest step on long contents.
_DOUBLE_MARK = re.compile("|".join(re.escape(m) for m in quotation.DOUBLE_MARKS))


@dataclass(frozen=True)
class Quoted:
    """A quoted stretch: `start`/`end` include the marks, `inner_start`/`inner_end` exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int


def quoted_regions(text: str, start: int, end: int) -> list[Quoted]:
    """Each quoted stretch of text[start:end].

    Double marks (`curation.marks`) pair by alternation, whatever their side (robust to the mismatched
    marks news text has, e.g. “..."; an unclosed mark runs to `end`). Single marks count only when the
    stretch has no double marks (headlines quote with ‘...’); a ’ followed by a letter is an apostrophe.
    """
    marks = [m.span() for m in _DOUBLE_MARK.finditer(text, start, end)]
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
    while (i := text.find(quotation.SINGLE_OPEN, i, end)) != -1:
        j = i + 1
        close = quotation.SINGLE_CLOSE
        while (j := text.find(close, j, end)) != -1 and j + 1 < end and text[j + 1].isalpha():
            j += 1
        if j == -1:
            regions.append(Quoted(i, end, i + 1, end))
            break
        regions.append(Quoted(i, j + 1, i + 1, j))
        i = j + 1
    return regions


def _has_words(text: str) -> bool:
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def strip_spaces(text: str, start: int, end: int) -> tuple[int, int]:
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
    start, end = strip_spaces(text, *_snap_to_marks(text, start, end))
    regions = quoted_regions(text, start, end)
    if not regions:
        return "unquoted", [(start, end)]
    bounds = [start] + [x for q in regions for x in (q.start, q.end)] + [end]
    outside = "".join(text[bounds[k] : bounds[k + 1]] for k in range(0, len(bounds), 2))
    pieces = [p for q in regions if (p := strip_spaces(text, q.inner_start, q.inner_end))[1] > p[0]]
    if _has_words(outside) or not pieces:
        return "partly_quoted", [(start, end)]
    return "quoted", pieces
