"""Tokens and sentences of a document text, as the pre-annotator's spaCy tokenizer cuts them.

Only the pipeline's tokenizer is used (fast, deterministic). Sentences come from a simple rule on
the text: a line break always ends one (news texts put headlines and paragraphs on their own lines
without a full stop), and so does . ! or ? (with any closing quotes or brackets) followed by space and
an upper-case letter, a digit or an opening quote. The statistical parser is not run: on 100,000
documents it would dominate the export time (spaCy's Sentencizer alone took 2 ms a document).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

import numpy as np
from spacy.attrs import IDX, IS_SPACE, LENGTH
from spacy.language import Language

from curation import marks


@dataclass(frozen=True)
class Sentences:
    """Sentence boundaries of one text, for finding the sentence(s) around a span."""

    starts: list[int]
    ends: list[int]

    def around(self, start: int, end: int) -> tuple[int, int]:
        """Start and end of the sentences that overlap [start, end) (the span itself if none do)."""
        first = bisect.bisect_right(self.ends, start)  # sentences before it end at or before `start`
        stop = bisect.bisect_left(self.starts, end)  # sentences from `stop` on start at or after `end`
        if first >= stop:
            return start, end
        return min(self.starts[first], start), max(self.ends[stop - 1], end)


@cache
def load_tokenizer(model: str) -> Language:
    """The pre-annotator pipeline, with every trained component excluded: only its tokenizer runs."""
    from spacy.util import get_model_meta, get_package_path, is_package

    from curation.extract.pipeline import load_model

    meta = get_model_meta(get_package_path(model)) if is_package(model) else {}
    return load_model(model, exclude=meta.get("pipeline", []))


def pipeline_label(nlp: Language) -> str:
    """name-version of a pipeline, as written in provenance model_version ("en_core_web_sm-3.8.0")."""
    from curation.extract.pipeline import pipeline_name

    return f"{pipeline_name(nlp)}-{nlp.meta.get('version', '')}"


_CLOSERS, _OPENERS = marks.char_class(marks.CLOSERS), marks.char_class(marks.OPENERS)
SENTENCE_END = re.compile(rf"(?<=[.!?])[{_CLOSERS})\]]*(?=[ \t]+[{_OPENERS}(\[]?[^\W_a-z])")


def sentences(text: str) -> Sentences:
    """Sentence boundaries by the rule in the module docstring, without surrounding whitespace."""
    starts: list[int] = []
    ends: list[int] = []
    for line in re.finditer(r"[^\n]+", text):
        cursor = line.start()
        cuts = [m.end() for m in SENTENCE_END.finditer(text, line.start(), line.end())]
        for cut in [*cuts, line.end()]:
            piece = text[cursor:cut]
            stripped = piece.strip()
            if stripped:
                begin = cursor + piece.index(stripped)
                starts.append(begin)
                ends.append(begin + len(stripped))
            cursor = cut
    return Sentences(starts, ends)


@dataclass(frozen=True)
class Tokens:
    """A tokenized text as arrays (offsets, lengths, whitespace flags): all a tokens row needs, so the
    spaCy Doc is dropped as soon as it is cut."""

    starts: np.ndarray
    lengths: np.ndarray
    is_space: np.ndarray
    text_length: int

    def windows(self, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Token ranges [first, last) of character spans [start, end), aligned like spaCy's
        `Doc.char_span(start, end, alignment_mode="expand")`: every token the span touches, except the
        token whose trailing space the span starts on; a span outside the text gets an empty range.

        spaCy finds the token holding a character by bisecting token offsets (a token holds its text
        and its trailing space, so tokens tile the text); `searchsorted` does the same for all spans at
        once, without a Python call per span."""
        inside = (starts >= 0) & (ends >= 1) & (ends <= self.text_length) & (len(self.starts) > 0)
        if not inside.any():
            return np.zeros(len(starts), dtype=np.int64), np.zeros(len(starts), dtype=np.int64)
        first = np.searchsorted(self.starts, starts, side="right") - 1
        last = np.searchsorted(self.starts, ends - 1, side="right")
        first = np.clip(first, 0, len(self.starts) - 1)
        first += starts == self.starts[first] + self.lengths[first]  # on the first token's trailing space
        return np.where(inside, first, 0), np.where(inside, last, 0)


def token_strings(text: str, starts: np.ndarray, lengths: np.ndarray) -> tuple[bytes, np.ndarray]:
    """The texts of the tokens at these offsets as Arrow lays strings out: their UTF-8 bytes joined, and
    int32 offsets (one more than tokens) into them; cut with numpy, no Python string per token."""
    data = text.encode("utf-8")
    ends = starts + lengths
    if len(data) != len(text):  # offsets count code points: map them to byte positions
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        width = 1 + (codes >= 0x80).astype(np.int64) + (codes >= 0x800) + (codes >= 0x10000)
        byte_at = np.zeros(len(codes) + 1, dtype=np.int64)
        np.cumsum(width, out=byte_at[1:])
        starts, ends = byte_at[starts], byte_at[ends]
    edges = np.zeros(len(data) + 1, dtype=np.int32)
    edges[starts] += 1
    edges[ends] -= 1
    inside = np.cumsum(edges[:-1]) > 0
    offsets = np.zeros(len(starts) + 1, dtype=np.int32)
    np.cumsum(ends - starts, out=offsets[1:])
    return np.frombuffer(data, dtype=np.uint8)[inside].tobytes(), offsets


class TextAnalyzer:
    """Tokenizes texts with the pipeline's tokenizer; one instance per export."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp

    def tokenize(self, text: str) -> Tokens:
        doc = self.nlp.tokenizer(text)
        table = doc.to_array([IDX, LENGTH, IS_SPACE]).reshape(-1, 3)
        return Tokens(table[:, 0], table[:, 1], table[:, 2].astype(bool), len(text))
