"""`curation_direct_quotes`: verbatim quotations found by pairing quotation marks in the text.

Pairing works on characters, not tokens, so it sees what the tokenizer may split oddly: curly and
straight double quotes, nested single quotes (left alone inside a quote), apostrophes (never
quotation marks here), and a quote whose paragraph ends open and resumes in the next paragraph
with a fresh opening mark (the news convention for multi-paragraph quotes).

A quoted stretch that sits inside a clause ("stated that “the ball is in their court”", "the
“positive” proposal") is a fragment, not a direct quote: it goes to `doc._.quoted_fragments`
where the indirect-speech component turns the clause around it into a mixed quote.
Speakers and cues are found later by `curation_speakers`.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from curation.extract import lexicon
from curation.extract.types import Attribution, Mention


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


def _mark_role(text: str, i: int) -> str | None:
    """'open', 'close' or None for the character at `i`."""
    ch = text[i]
    if ch in lexicon.DOUBLE_OPEN:
        return "open"
    if ch in lexicon.DOUBLE_CLOSE:
        return "close"
    if ch == lexicon.STRAIGHT_DOUBLE:
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if before.isspace() or before in "([{—–-/:" or i == 0:
            return "open" if not after.isspace() else None
        return "close"
    return None


def _is_fragment(text: str, start: int, end: int, para_start: int) -> bool:
    """A quoted stretch inside a clause: mid-sentence opening and no sentence of its own.

    Direct quotes follow a colon or comma, start a sentence, or are long complete sentences;
    fragments follow a word ("that “the ball ...”", "the “positive” plan").
    """
    inner = text[start:end].strip()
    if not inner:
        return True
    before = text[para_start : start - 1].rstrip()
    prev = before[-1] if before else ""
    if not prev or prev in ".:!?,;—–(" or prev in lexicon.DOUBLE_CLOSE + lexicon.DOUBLE_OPEN + '"':
        return False
    words = inner.split()
    if inner[0].islower():
        return True
    ends_sentence = inner[-1] in ".!?"
    return len(words) <= lexicon.FRAGMENT_MAX_WORDS and not ends_sentence


def find_quoted_stretches(text: str) -> list[QuotedStretch]:
    """Pair double quotation marks paragraph by paragraph; a pure function of the text."""
    found: list[QuotedStretch] = []
    open_at: int | None = None  # offset just after the pending opening mark
    open_para_start = 0
    paragraphs_spanned = 1
    paragraphs = _paragraphs(text)
    for index, (p_start, p_end) in enumerate(paragraphs):
        if open_at is not None:
            # The previous paragraph ended inside a quote: it continues only if this one reopens.
            first = text[p_start:p_end].lstrip()
            if first and _mark_role(text, p_start + len(text[p_start:p_end]) - len(first)) == "open":
                paragraphs_spanned += 1
                p_first = p_start + len(text[p_start:p_end]) - len(first)
                scan_from = p_first + 1
            else:
                prev_end = paragraphs[index - 1][1]
                found.append(_stretch(text, open_at, prev_end, open_para_start, False, paragraphs_spanned))
                open_at = None
                scan_from = p_start
        else:
            scan_from = p_start
        for i in range(scan_from, p_end):
            role = _mark_role(text, i)
            if role is None:
                continue
            if open_at is None:
                if role == "open":
                    open_at, open_para_start, paragraphs_spanned = i + 1, p_start, 1
            elif role == "close" or text[i] == lexicon.STRAIGHT_DOUBLE:
                found.append(_stretch(text, open_at, i, open_para_start, True, paragraphs_spanned))
                open_at = None
            else:  # a second opening mark: the first was never closed; start again here
                open_at, open_para_start, paragraphs_spanned = i + 1, p_start, 1
    if open_at is not None and paragraphs:
        found.append(_stretch(text, open_at, paragraphs[-1][1], open_para_start, False, paragraphs_spanned))
    return [s for s in found if s.end > s.start]


def _stretch(
    text: str, start: int, end: int, para_start: int, closed: bool, paragraphs: int
) -> QuotedStretch:
    """Trim whitespace inside the marks and classify the stretch."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    fragment = paragraphs == 1 and _is_fragment(text, start, end, para_start)
    return QuotedStretch(start, end, fragment, closed, paragraphs)


class DirectQuotes:
    """Sets `doc._.attributions` to the direct quotes and `doc._.quoted_fragments` to the fragments."""

    def __init__(self, nlp: Language, name: str, min_words: int, unclosed_score: float) -> None:
        self.name = name
        self.min_words = min_words
        self.unclosed_score = unclosed_score

    def __call__(self, doc: Doc) -> Doc:
        quotes: list[Attribution] = []
        fragments: list[Mention] = []
        for s in find_quoted_stretches(doc.text):
            content = doc.text[s.start : s.end]
            if s.fragment:
                fragments.append(Mention(s.start, s.end, content))
                continue
            if len(content.split()) < self.min_words or not s.closed and s.paragraphs == 1:
                if not s.closed and len(content.split()) >= 8:
                    quotes.append(self._quote(s, content, self.unclosed_score))
                continue
            quotes.append(self._quote(s, content, lexicon.SCORES["direct_no_speaker"]))
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


@Language.factory(
    "curation_direct_quotes",
    assigns=["doc._.attributions", "doc._.quoted_fragments"],
    default_config={"min_words": 1, "unclosed_score": 0.4},
)
def make_direct_quotes(nlp: Language, name: str, min_words: int, unclosed_score: float) -> DirectQuotes:
    """Direct quotations by quote-mark pairing (speakers come from `curation_speakers`)."""
    return DirectQuotes(nlp, name, min_words, unclosed_score)
