"""Boilerplate removal: the lines of a news page that are not article text, kept aside, never lost.

The rules are data (`RULES`): each has a name (recorded as `Removed.reason`), a one-line reason for
existing, and a pattern matched against one whole line. They describe kinds of page furniture seen
in news sites (advertising, newsletter inserts, share bars, tag lists), not particular files. The
word-based ones are guarded: they never fire on a line that contains a double quotation mark or a
reporting verb, so an article sentence that happens to contain "register" or "share" stays. One
rule is structural rather than a pattern: a headline printed twice at the top loses its second copy
("repeated-headline").

`clean_text` returns the cleaned text and the removed pieces with offsets into the ORIGINAL text,
so that `curation.records.restore_removed(cleaned, removed)` rebuilds the input exactly. Windows line
endings are normalised the same way: each "\\r" before a "\\n" is a removed piece (reason "crlf").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from curation import marks
from curation.records import Removed, restore_removed

Position = Literal["any", "tail"]

#: Reasons that are about layout rather than content: not counted as boilerplate in summaries.
LAYOUT_REASONS = frozenset({"crlf", "bom"})

REPEATED_HEADLINE = "repeated-headline"


@dataclass(frozen=True)
class Rule:
    """One kind of boilerplate line.

    `position="tail"` rules only apply in the run of lines that closes the article (a "Tags" line in
    the middle of a text is more likely a sentence than a tag list). `guarded` rules never fire on
    a line with a double quotation mark or a reporting verb (said, told, ...).
    """

    name: str
    why: str
    pattern: re.Pattern[str]
    position: Position = "any"
    max_chars: int = 200
    guarded: bool = True

    def matches(self, stripped: str, reported_speech: bool) -> bool:
        """Whether this rule removes a line (already stripped; `reported_speech` computed once)."""
        if len(stripped) > self.max_chars or (self.guarded and reported_speech):
            return False
        return self.pattern.search(stripped) is not None


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.VERBOSE)


_SOCIAL = r"(?:twitter|facebook|instagram|linkedin|x|threads|bluesky|tiktok|youtube|telegram|whatsapp)"

RULES: tuple[Rule, ...] = (
    Rule(
        "newsletter",
        "Newsletter inserts and their markers ('after newsletter promotion', 'Sign up to our newsletter').",
        _rx(
            r"""^(?:(?:skip\s+past|after)\s+newsletter\s+promotion
                  |newsletters?\s*(?:sign[\s-]?up)?
                  |(?:sign\s+up|subscribe)\s+(?:to|for)\b.{0,80}\bnewsletters?\b.*
                  |get\s+(?:our|the)\b.{0,60}\bnewsletter\b.*)$"""
        ),
    ),
    Rule(
        "advertising",
        "Calls to action that sell programmes, registrations, subscriptions or memberships.",
        _rx(
            r"""^(?:register|join|subscribe|sign\s?up|enrol{1,2}|download|donate
                  |(?:apply|book|buy|shop|order)\s+now)\b
              |\b(?:opens?|now\s+open\s+for|is\s+now\s+open\s+for)\s+
                 (?:registrations?|enrol{1,2}ments?|applications?|admissions?|sign[\s-]?ups?)\b"""
        ),
        max_chars=240,
    ),
    Rule(
        "advertisement-marker",
        "Markers left where an advert was ('Advertisement', 'Story continues below advertisement').",
        _rx(
            r"""^(?:advertisement|advert|ad|sponsored(?:\s+content)?|paid\s+content
                  |(?:story|article)\s+continues\s+(?:below|after)(?:\s+(?:this\s+)?advertisement)?)\s*:?$"""
        ),
    ),
    Rule(
        "share",
        "Share bars, 'Read more' links and follow-us lines.",
        _rx(
            rf"""^(?:share(?:\s+this(?:\s+(?:article|story|page|post))?)?(?:\s+(?:on|via)\s+{_SOCIAL})?
                  |(?:tweet|email|print)(?:\s+this(?:\s+(?:article|story))?)?
                  |click\s+(?:here|to\s+(?:share|read|see|watch|subscribe))\b.*
                  |read\s+more\s*(?::.*|\.{{0,3}}|\s+(?:here|about\s+this|on\s+this\s+story)\b.*)
                  |continue\s+reading\b.*
                  |read\s+the\s+(?:rest|full\s+(?:story|article|interview))\b.*
                  |see\s+also\s*:.*
                  |related(?:\s+(?:articles?|stories|coverage|content|reading))?\s*(?::.*)?
                  |follow\s+.{{0,60}}\bon\s+{_SOCIAL}\b.*)$"""
        ),
        max_chars=160,
    ),
    Rule(
        "credits",
        "Picture and agency credit lines ('Photo: Reuters', '(Reporting by ...; Editing by ...)').",
        _rx(
            r"""^(?:\(?(?:photo|image|picture|video|illustration)(?:\s+credit)?\s*(?::|by\b).{1,100}\)?
                  |getty(?:\s+images)?(?:\s*/\s*\w+)?\.?
                  |\((?:reporting|writing|editing|additional\s+reporting)\s+by\b.*\)\.?)$"""
        ),
        max_chars=240,
    ),
    Rule(
        "section-marker",
        "Standalone markers that label page parts, not text ('ABSTRACT.', 'Correction Appended').",
        _rx(r"^(?:abstract|summary|correction\s+appended|updated|developing\s+story|breaking)\s*[.:]?$"),
    ),
    Rule(
        "correction-notice",
        "Publisher's correction notices ('Correction: An earlier version of this article ...').",
        _rx(r"^corrections?\s*:\s*\S.*$"),
        max_chars=500,
        guarded=False,  # anchored on the label; notices often quote the corrected words
    ),
    Rule(
        "embedded-post",
        "Social-media embeds flattened into text (a pic.twitter.com link, '— Name (@handle) May 1, 2016').",
        _rx(r"(?:pic\.twitter\.com/\w+|[—–-]\s*[^—\n]{1,60}\(@\w{1,30}\)\s+\w+\s+\d{1,2},\s+\d{4}\.?$)"),
        max_chars=600,
        guarded=False,  # a tweet often quotes; the link or signature is what marks it
    ),
    Rule(
        "tags",
        "Trailing tag and topic lists ('Tags', 'Topics: Russia, Ukraine').",
        _rx(r"^(?:tags?|topics?|filed\s+under|categories|keywords)\s*(?:[:|\-–]\s*[^.!?]{0,200})?$"),
        position="tail",
        max_chars=240,
    ),
)

#: A line that could be one item of a tag list: a few words, no sentence punctuation.
_TAG_ITEM = re.compile(rf"^[^.!?:;{marks.char_class(marks.DOUBLE)}]{{1,40}}$")
_MAX_TAG_ITEMS = 30
_LONGEST = max(rule.max_chars for rule in RULES)
_DOUBLE_QUOTES = re.compile(f"[{marks.char_class(marks.DOUBLE)}]")
_REPORTING = re.compile(
    r"\b(?:said|says|told|tells|according\s+to|stated|added|asked|urged|warned|claimed|announced|wrote)\b",
    re.IGNORECASE,
)


def _looks_like_reported_speech(line: str) -> bool:
    """Article sentences that quote or report someone are never boilerplate, whatever words they use."""
    return bool(_DOUBLE_QUOTES.search(line) or _REPORTING.search(line))


def match_rule(line: str, position: Position = "any") -> Rule | None:
    """The first rule that removes `line` at this position, or None: the single entry point for tests."""
    stripped = line.strip()
    if not stripped or len(stripped) > _LONGEST:  # article paragraphs: most lines stop here
        return None
    reported_speech = _looks_like_reported_speech(stripped)
    for rule in RULES:
        if (rule.position == "any" or rule.position == position) and rule.matches(stripped, reported_speech):
            return rule
    return None


@dataclass(frozen=True)
class _Line:
    start: int  # offset of the first character in the original text
    content_end: int  # offset after the content, before "\r\n" / "\n"
    end: int  # offset after the line terminator
    text: str  # the content, without its terminator

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def has_crlf(self) -> bool:
        return self.end - self.content_end == 2


def _split_lines(text: str, offset: int) -> list[_Line]:
    lines: list[_Line] = []
    pos = offset
    while pos < len(text):
        newline = text.find("\n", pos)
        if newline < 0:
            content_end = end = len(text)
        else:
            end = newline + 1
            content_end = newline - 1 if newline > pos and text[newline - 1] == "\r" else newline
        lines.append(_Line(pos, content_end, end, text[pos:content_end]))
        pos = end
    return lines


def _normalised(line: str) -> str:
    return " ".join(line.split()).casefold()


def _mark_lines(lines: list[_Line]) -> list[str | None]:
    """The removal reason of each line (None: kept), before blank lines are tidied."""
    reasons: list[str | None] = [None] * len(lines)
    for i, line in enumerate(lines):
        rule = match_rule(line.text, "any")
        if rule is not None:
            reasons[i] = rule.name
    # A headline printed twice: the second copy goes (first two non-blank lines equal).
    filled = [i for i, line in enumerate(lines) if not line.blank]
    if len(filled) >= 2:
        first, second = filled[0], filled[1]
        if reasons[second] is None and _normalised(lines[first].text) == _normalised(lines[second].text):
            reasons[second] = REPEATED_HEADLINE
    _mark_tail(lines, reasons)
    return reasons


def _mark_tail(lines: list[_Line], reasons: list[str | None]) -> None:
    """Tail rules: walk back over the closing run of blank, removed or tail-rule lines.

    Short lines that could be tag items ("Russia", "Ukraine war") are taken only when a tag-list
    header ("Tags") comes before them, so a one-tag-per-line list goes with its header.
    """
    items: list[int] = []  # possible tag items waiting for their header
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].blank or (reasons[i] is not None and not items):
            continue
        rule = match_rule(lines[i].text, "tail")
        if rule is not None:
            for k in [i, *items]:
                reasons[k] = rule.name
            items = []
        elif reasons[i] is None and _TAG_ITEM.match(lines[i].text.strip()) and len(items) < _MAX_TAG_ITEMS:
            items.append(i)
        else:
            break


def _absorb_blank_lines(lines: list[_Line], reasons: list[str | None]) -> None:
    """Remove the blank lines a removed block leaves dangling, so paragraphs keep one separator.

    A block at the start takes the blank lines after it, one at the end the blank lines before it,
    and one between paragraphs (blank lines on both sides) the blank lines after it.
    """
    n = len(lines)
    i = 0
    while i < n:
        if reasons[i] is None or lines[i].blank:
            i += 1
            continue
        j = i
        while j + 1 < n and reasons[j + 1] is not None:
            j += 1
        reason = reasons[i]
        before = i
        while before > 0 and lines[before - 1].blank and reasons[before - 1] is None:
            before -= 1
        after = j
        while after + 1 < n and lines[after + 1].blank and reasons[after + 1] is None:
            after += 1
        kept_before = any(not lines[k].blank and reasons[k] is None for k in range(0, before))
        kept_after = any(not lines[k].blank and reasons[k] is None for k in range(after + 1, n))
        if not kept_after:
            take = range(before, after + 1)
        elif not kept_before or (before < i and after > j):
            take = range(j + 1, after + 1)
        else:
            take = range(0)
        for k in take:
            if reasons[k] is None:
                reasons[k] = reason
        i = after + 1


@dataclass(frozen=True)
class Cleaned:
    """The article text and what was taken out of the original to get it."""

    text: str
    removed: list[Removed]

    def boilerplate(self) -> list[Removed]:
        """The removed pieces that are content (not line endings or byte-order marks)."""
        return [r for r in self.removed if r.reason not in LAYOUT_REASONS]


def clean_text(original: str) -> Cleaned:
    """Remove boilerplate lines and normalise line endings; record every removed piece."""
    pieces: list[tuple[int, int, str]] = []
    offset = 0
    if original.startswith("\ufeff"):
        pieces.append((0, 1, "bom"))
        offset = 1
    lines = _split_lines(original, offset)
    reasons = _mark_lines(lines)
    _absorb_blank_lines(lines, reasons)
    for line, reason in zip(lines, reasons, strict=True):
        if reason is not None:
            pieces.append((line.start, line.end, reason))
        elif line.has_crlf:
            pieces.append((line.content_end, line.content_end + 1, "crlf"))
    removed = [Removed(start=s, end=e, text=original[s:e], reason=r) for s, e, r in _merge(pieces)]
    text = _without(original, removed)
    return Cleaned(text=text, removed=removed)


def _merge(pieces: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Join touching pieces removed for the same reason (four advert lines are one block)."""
    merged: list[tuple[int, int, str]] = []
    for start, end, reason in sorted(pieces):
        if merged and merged[-1][1] == start and merged[-1][2] == reason:
            merged[-1] = (merged[-1][0], end, reason)
        else:
            merged.append((start, end, reason))
    return merged


def _without(original: str, removed: list[Removed]) -> str:
    out: list[str] = []
    cursor = 0
    for piece in removed:
        out.append(original[cursor : piece.start])
        cursor = piece.end
    out.append(original[cursor:])
    text = "".join(out)
    assert restore_removed(text, removed) == original, "boilerplate removal must be reversible"
    return text
