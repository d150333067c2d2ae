"""`curation_direct_quotes`: verbatim quotations found by pairing quotation marks in the text.

Pairing works on characters, not tokens, so it sees what the tokenizer may split oddly: curly and
straight double quotes, nested single quotes (left alone inside a quote), apostrophes (never
quotation marks here), and a quote whose paragraph ends open and resumes in the next paragraph
with a fresh opening mark (the news convention for multi-paragraph quotes).

A quoted stretch that sits inside a clause ("stated that “the ball is in their court”", "the
“positive” proposal") is a fragment, not a direct quote: it goes to `doc._.quoted_fragments`
where the indirect-speech component turns the clause around it into a mixed quote.
Speakers and cues are found later by `curation_speakers`, but for a quoted transcript's turns
(‘"HOST: Senator, ...’): each is a quote of its own, named by its opening name (`_turn_of`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc

from curation import marks
from curation.extract import lexicon
from curation.extract.kinds import kind_of
from curation.extract.lexicon import WithLexicon
from curation.extract.speaker_lines import transcript_turn
from curation.extract.types import Attribution, Mention


@dataclass(frozen=True)
class FragmentLimits:
    """When a quoted stretch inside a clause is a fragment, not a direct quote (the component's config)."""

    # Shorter than this many words, and not a sentence of its own: scare quotes or the verbatim part of
    # a mixed quote.
    max_words: int = 6
    # Up to this many words inside a clause are a fragment even with a full stop (titles, names).
    title_words: int = 4
    # A reporting clause between the two halves of a split quote (“A,” he told reporters, “b.”) is short.
    split_cue_words: int = 12


FRAGMENTS = FragmentLimits()

# How far the fragment rules read around a quoted stretch, in characters. They look at the last few
# words before the opening mark and the first word after the closing one; reading the whole paragraph
# (or the rest of the text) for every stretch made a long document cost the square of its length
# (a 0.9 MB text spent most of a minute here). 1,000 characters hold far more words than any limit.
CONTEXT_CHARS = 1_000
# Where a quotation mark may start: the scan jumps from one of these characters to the next.
_MARK_START = re.compile(
    f"[{marks.char_class(marks.DOUBLE + marks.DOUBLED_APOSTROPHE[0] + marks.DOUBLED_BACKTICK[0])}]"
)


@dataclass(frozen=True)
class QuotedStretch:
    """Text between a pair of quotation marks: `start`/`end` exclude the marks."""

    start: int
    end: int
    fragment: bool
    closed: bool  # False when the paragraph ended without a closing mark and nothing resumed it
    paragraphs: int = 1


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line: news paragraphs are lines in our records."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _mark_at(text: str, i: int) -> tuple[str | None, int]:
    """(role, width) of a quotation mark starting at `i`: role 'open', 'close' or None.

    Curly marks say which they are; straight marks (" and the doubled apostrophe '' of some
    newspapers' archives) are read from their neighbours: after a space or at a line start they open.
    """
    ch = text[i]
    if ch in marks.DOUBLE_OPEN:
        return "open", 1
    if ch in marks.DOUBLE_CLOSE:
        # A paragraph that starts with a closing mark opens a quote (a common typo: ”Fear. ...”).
        return ("open" if i == 0 or text[i - 1] == "\n" else "close"), 1
    width = 0
    if ch == marks.STRAIGHT_DOUBLE:
        width = 1
    elif text.startswith(marks.DOUBLED_APOSTROPHE, i):
        width = 2
    elif text.startswith(marks.DOUBLED_BACKTICK, i):
        return "open", 2
    if not width:
        return None, 0
    before = text[i - 1] if i > 0 else " "
    after = text[i + width] if i + width < len(text) else " "
    if before.isspace() or before in "([{—–-/:" or i == 0:
        return ("open" if not after.isspace() else None), width
    return "close", width


def _is_fragment(text: str, start: int, end: int, para_start: int, limits: FragmentLimits) -> bool:
    """A quoted stretch inside a clause: mid-sentence opening and no sentence of its own.

    Direct quotes follow a colon or comma, start a sentence, or are long complete sentences;
    fragments follow a word ("that “the ball ...”", "the “positive” plan"), continue the writer's
    clause after a comma in lowercase ("that under Obama, “the generals ...”"), or name a work or a
    person (titles after "book,", nicknames).
    """
    inner = text[start:end].strip()
    if not inner:
        return True
    before = text[max(para_start, start - CONTEXT_CHARS) : start].rstrip().rstrip(marks.OPENING).rstrip()
    if before.rstrip(",").split()[-1:] == ["that"]:
        return True  # "said that “...”": reported speech quoting verbatim, a mixed quote
    if _names_a_work(before, inner, limits) or _nickname(text, start, end, before):
        return True
    prev = before[-1] if before else ""
    after_comma = before.rstrip(marks.CLOSING)[-1:] in (",", ";", "—", "–")
    if after_comma and inner[0].islower() and not _resumes_split_quote(text, para_start, start, limits):
        return True  # "that under Obama, “the generals ...”": a clause continued in quotation marks
    if not prev or prev in ".:!?,;—–(" or prev in marks.OPENING + marks.CLOSING:
        return False
    words = inner.split()
    if inner[0].islower():
        return True
    if len(words) <= limits.title_words:  # a title or a name: “13th.”, “Contract with America.”
        return True
    ends_sentence = inner[-1] in ".!?"
    return len(words) <= limits.max_words and not ends_sentence


def _title_case(inner: str) -> bool:
    """ "Make Your Kid a Millionaire,", "13th.": every longer word capitalised (or a number)."""
    words = [w.strip(",.!?:;") for w in inner.split()]
    return all(w[:1].isupper() or w[:1].isdigit() for w in words if len(w) > 3 or w is words[0])


def _names_a_work(before: str, inner: str, limits: FragmentLimits) -> bool:
    """ "his 2002 book, “Make Your Kid a Millionaire,”": a short title-cased quotation set off by a
    comma after a noun naming a work (book, show, film) is its title, not someone's words."""
    if not before.endswith(","):
        return False
    last = before.rstrip(",").split()[-1:]
    return (
        bool(last)
        and last[0].lower().strip("’'s") in lexicon.active().work_nouns
        and len(inner.split()) <= limits.max_words
        and _title_case(inner)
    )


def _nickname(text: str, start: int, end: int, before: str) -> bool:
    """ "Rep. Robert C. “Bobby” Scott": one or two capitalised words between two parts of a name."""
    last = before.split()[-1:]
    following = text[end : end + CONTEXT_CHARS].lstrip(marks.CLOSING)
    nxt = following.split()[:1]
    if not last or not nxt or following[:1] != " " or len(text[start:end].split()) > 2:
        return False
    name_before = last[0][:1].isupper() and (last[0][-1].isalpha() or re.fullmatch(r"[A-Z]\.", last[0]))
    return bool(name_before) and text[start : start + 1].isupper() and nxt[0][:1].isupper()


def _resumes_split_quote(text: str, para_start: int, start: int, limits: FragmentLimits) -> bool:
    """ "“The economy,” he said, “is growing.”": a lowercase quote after a short reporting clause
    that follows a quote closed with a comma continues that quote; it is not a fragment.
    ("a “nasty guy,” an “anchor baby,” “unstable”": nothing between the marks, a list of fragments.)"""
    head = text[max(para_start, start - CONTEXT_CHARS) : start].rstrip().rstrip(marks.OPENING).rstrip()
    close = max(head.rfind(c) for c in marks.CLOSING)
    if close < 1 or head[close - 1] != ",":
        return False
    return 1 <= len(head[close + 1 :].split()) <= limits.split_cue_words


def find_quoted_stretches(text: str, limits: FragmentLimits = FRAGMENTS) -> list[QuotedStretch]:
    """Pair double quotation marks paragraph by paragraph; a pure function of the text (and of the
    limits that make a stretch a fragment)."""
    found: list[QuotedStretch] = []
    open_at: int | None = None  # offset just after the pending opening mark
    open_para_start = 0
    spanned = 1
    paragraphs = _paragraphs(text)
    for index, (p_start, p_end) in enumerate(paragraphs):
        i = p_start
        if open_at is not None:
            # The previous paragraph ended inside a quote: it continues only if this one reopens.
            role, width = _mark_at(text, p_start)
            if role == "open" and transcript_turn(text, p_start, p_end) is None:
                spanned += 1
                i = p_start + width
            else:
                end = paragraphs[index - 1][1]
                found.append(_stretch(text, open_at, end, open_para_start, False, spanned, limits))
                open_at = None
        while i < p_end:
            candidate = _MARK_START.search(text, i, p_end)
            if candidate is None:
                break
            i = candidate.start()
            role, width = _mark_at(text, i)
            if role is None:
                i += 1
                continue
            if open_at is None:
                if role == "open":
                    open_at, open_para_start, spanned = i + width, p_start, 1
            elif role == "close":
                found.append(_stretch(text, open_at, i, open_para_start, True, spanned, limits))
                open_at = None
            else:  # a second opening mark: the first was never closed; start again here
                open_at, open_para_start, spanned = i + width, p_start, 1
            i += width
    if open_at is not None and paragraphs:
        found.append(_stretch(text, open_at, paragraphs[-1][1], open_para_start, False, spanned, limits))
    return [s for s in found if s.end > s.start]


def _stretch(
    text: str, start: int, end: int, para_start: int, closed: bool, paragraphs: int, limits: FragmentLimits
) -> QuotedStretch:
    """Trim whitespace inside the marks and classify the stretch."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    fragment = paragraphs == 1 and _is_fragment(text, start, end, para_start, limits)
    return QuotedStretch(start, end, fragment, closed, paragraphs)


class DirectQuotes(WithLexicon):
    """Sets `doc._.attributions` to the direct quotes and `doc._.quoted_fragments` to the fragments."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        min_words: int,
        score: float,
        unclosed_score: float,
        unclosed_min_words: int,
        fragments: FragmentLimits,
    ) -> None:
        super().__init__()
        self.name = name
        self.min_words = min_words
        self.score = score
        self.unclosed_score = unclosed_score
        self.unclosed_min_words = unclosed_min_words
        self.fragments = fragments

    def annotate(self, doc: Doc) -> Doc:
        quotes: list[Attribution] = []
        fragments: list[Mention] = []
        text = doc.text  # spaCy rebuilds doc.text on each access
        for s in find_quoted_stretches(text, self.fragments):
            content = text[s.start : s.end]
            if s.fragment:
                fragments.append(Mention(s.start, s.end, content))
                continue
            if len(content.split()) < self.min_words or not s.closed and s.paragraphs == 1:
                if not s.closed and len(content.split()) >= self.unclosed_min_words:
                    quotes.append(_turn_of(text, self._quote(s, content, self.unclosed_score)))
                continue
            quotes.append(_turn_of(text, self._quote(s, content, self.score)))
        doc._.attributions = quotes
        doc._.quoted_fragments = fragments
        return doc

    @staticmethod
    def _quote(s: QuotedStretch, content: str, score: float) -> Attribution:
        return Attribution(
            start=s.start,
            end=s.end,
            text=content,
            kind="direct",
            score=score,
            rule="direct",
            extra={"paragraphs": s.paragraphs, "closed": s.closed},
        )


def _turn_of(text: str, quote: Attribution) -> Attribution:
    """A quote that is a transcript's turn (‘"HOST: Senator, ...’, `transcript_turn`) is said by the name
    that opens it: the quote starts after the name, which is its speaker, and the colon its cue; its
    kind is a "NAME:" line's (curation.extract.speaker_lines), read from the marks inside it."""
    line_start = text.rfind("\n", 0, quote.start) + 1
    line_end = text.find("\n", quote.start)
    parts = transcript_turn(text, line_start, len(text) if line_end < 0 else line_end)
    if parts is None or parts[0] != quote.start:
        return quote
    s0, s1, c0, _ = parts
    return replace(
        quote,
        start=c0,
        text=text[c0 : quote.end],
        kind="mixed" if kind_of(text, c0, quote.end) == "mixed" else "indirect",  # as a "NAME:" line's
        speaker=Mention(s0, s1, text[s0:s1]),
        cue=Mention(s1, s1 + 1, ":"),
        rule="speaker_line",
    )
