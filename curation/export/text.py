"""Tokens and sentences of a document text, as the pre-annotator's spaCy tokenizer cuts them.

Only the pipeline's tokenizer is used (fast, deterministic), plus spaCy's rule-based Sentencizer
and a line break rule: news texts put headlines and paragraphs on their own lines without a full
stop, so a line break always ends a sentence. The statistical parser is not run: on 100,000
documents it would dominate the export time.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from curation.errors import InputError


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
    import spacy
    from spacy.util import get_model_meta, get_package_path, is_package

    try:
        meta = get_model_meta(get_package_path(model)) if is_package(model) else {}
        return spacy.load(model, exclude=list(meta.get("pipeline", [])))
    except OSError as exc:
        raise InputError(
            f"spaCy pipeline {model!r} is not installed ({exc}); set CURATION_MODEL to an installed one"
        ) from None


def pipeline_label(nlp: Language) -> str:
    """name-version of a pipeline, as written in provenance model_version ("en_core_web_sm-3.8.0")."""
    return f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}-{nlp.meta.get('version', '')}"


class TextAnalyzer:
    """Tokenizes texts and finds their sentences; one instance per export."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.sentencizer = Sentencizer()

    def tokenize(self, text: str) -> Doc:
        return self.sentencizer(self.nlp.tokenizer(text))

    def sentences(self, doc: Doc) -> Sentences:
        starts: list[int] = []
        ends: list[int] = []
        for start, end in _line_sentences(doc):
            starts.append(start)
            ends.append(end)
        return Sentences(starts, ends)


def _line_sentences(doc: Doc) -> Iterator[tuple[int, int]]:
    """Sentencizer sentences, cut again at line breaks, without surrounding whitespace."""
    text = doc.text
    for sent in doc.sents:
        start = sent.start_char
        for piece in text[sent.start_char : sent.end_char].split("\n"):
            stripped = piece.strip()
            if stripped:
                offset = start + piece.index(stripped)
                yield offset, offset + len(stripped)
            start += len(piece) + 1
