"""Long documents in pieces: where to cut a text, and how a piece's predictions map back.

spaCy refuses a text longer than `nlp.max_length` (1,000,000 characters) and its parser needs about
1 GB of temporary memory per 100,000 characters, so a document longer than `CHUNK_CHARS` is
annotated in pieces of at most that size whose offsets are shifted back into the whole text.

A cut never splits a quotation: it falls only where no quoted stretch (as the direct-quote component
pairs the marks, multi-paragraph quotes included) is open. Among such places it prefers, in order, a
paragraph break, a sentence end, any whitespace; only a text with no such place in a whole window (one
quotation longer than `CHUNK_CHARS`) is cut inside a quote, which then reads as two unclosed quotes.
Rules that look across sentences (pronoun antecedents, a quote continuing a speaker's turn) look back a
few sentences at most, so a cut at a paragraph break changes nothing for them except at the cut itself.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from curation import marks
from curation.extract.direct import find_quoted_stretches
from curation.extract.types import Attribution, Claim, Mention

CHUNK_CHARS = 100_000
# Paragraph breaks first, then sentence ends, then any whitespace: the best cut of each kind wins.
_CLOSERS, _OPENERS = marks.char_class(marks.CLOSERS), marks.char_class(marks.OPENERS)
_SENTENCE_END = re.compile(rf"(?<=[.!?])[{_CLOSERS})]*\s+(?=[{_OPENERS}(A-Z0-9])")
_CUTS = (re.compile(r"\n+"), _SENTENCE_END, re.compile(r"\s+"))


def chunk_bounds(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces covering `text`, each at most `size` characters.

    A text of at most `size` characters is one piece. Each cut is the last allowed place before
    `size` characters (an allowed place: outside every quoted stretch, marks included).
    """
    if len(text) <= size:
        return [(0, len(text))]
    quoted = _quoted_ranges(text)
    starts = [s for s, _ in quoted]
    bounds: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        cut = _best_cut(text, start, start + size, quoted, starts)
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(text)))
    return bounds


def _quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Quoted stretches widened by one character each side (their marks), sorted by start."""
    return [(max(0, s.start - 1), s.end + 1) for s in find_quoted_stretches(text)]


def _inside_quote(pos: int, quoted: list[tuple[int, int]], starts: list[int]) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    # Stretches do not overlap, so only the last one starting at or before `pos` can contain it.
    return i >= 0 and quoted[i][0] < pos < quoted[i][1]


def _best_cut(text: str, lo: int, hi: int, quoted: list[tuple[int, int]], starts: list[int]) -> int:
    """The end of the last separator (of the most preferred kind) in text[lo:hi] outside quotes."""
    window = text[lo:hi]
    for pattern in _CUTS:
        ends = [lo + m.end() for m in pattern.finditer(window)]
        for cut in reversed(ends):
            if lo < cut < hi and not _inside_quote(cut, quoted, starts):
                return cut
    return hi  # one quotation longer than a whole piece: cut it, it reads as two unclosed quotes


def shift_mention(m: Mention | None, offset: int) -> Mention | None:
    return None if m is None else replace(m, start=m.start + offset, end=m.end + offset)


def shift_attribution(a: Attribution, offset: int) -> Attribution:
    """`a` with every offset moved by `offset` (a piece's start), its quote group id too."""
    extra = dict(a.extra)
    group = extra.get("group")
    if isinstance(group, str) and group.startswith("quote-") and group[6:].isdigit():
        extra["group"] = f"quote-{int(group[6:]) + offset}"  # group ids name their first segment's start
    return replace(
        a,
        start=a.start + offset,
        end=a.end + offset,
        speaker=shift_mention(a.speaker, offset),
        cue=shift_mention(a.cue, offset),
        extra=extra,
    )


def shift_claim(c: Claim, offset: int) -> Claim:
    return replace(c, start=c.start + offset, end=c.end + offset, speaker=shift_mention(c.speaker, offset))
