"""Tokens and sentences of document texts, as the pre-annotator's spaCy tokenizer cuts them.

Only the pipeline's tokenizer is used (fast, deterministic). Sentences come from a simple rule on
the text: a line break always ends one (news texts put headlines and paragraphs on their own lines
without a full stop), and so does . ! or ? (with any closing quotes or brackets) followed by space and
an upper-case letter, a digit or an opening quote. The statistical parser is not run: on 100,000
documents it would dominate the export time (spaCy's Sentencizer alone took 2 ms a document).

Export works on a partition of texts at once (`Texts`: joined by line breaks, which end sentences and
are never inside a token): tokens, sentences and token strings are numpy arrays over all of them, so
the work per document besides spaCy's tokenizer is a few array operations, not a Python loop per token
or per sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from spacy.attrs import IDX, SPACY
from spacy.tokenizer import Tokenizer
from spacy.vocab import Vocab

from curation import marks

# Code points that str.strip() removes (str.isspace): none is above U+3000 (checked in the tests).
SPACE_TABLE = np.array([chr(c).isspace() for c in range(0x3001)])
_SPACE_OR_PAST = np.append(SPACE_TABLE, False)  # one more entry: where every code point past it looks


def is_space(codes: np.ndarray) -> np.ndarray:
    """Whether each code point is whitespace (str.isspace): one lookup in SPACE_TABLE, past its end
    clipped to a False (a compare, a clip and a lookup took half again as long)."""
    return _SPACE_OR_PAST.take(codes, mode="clip")


@dataclass(frozen=True)
class Texts:
    """Several texts, seen as one: joined by line breaks (`joined`), with where each starts in it."""

    items: list[str]

    @cached_property
    def joined(self) -> str:
        return "\n".join(self.items)

    @cached_property
    def bases(self) -> np.ndarray:
        """Where each text starts in the joined text (one more than texts: the last is its length + 1)."""
        bases = np.zeros(len(self.items) + 1, dtype=np.int64)
        np.cumsum([len(text) + 1 for text in self.items], out=bases[1:])
        return bases

    @cached_property
    def codes(self) -> np.ndarray:
        """The joined text's code points."""
        return np.frombuffer(self.joined.encode("utf-32-le"), dtype=np.uint32)

    @cached_property
    def utf8(self) -> bytes:
        return self.joined.encode("utf-8")

    def byte_at(self, offsets: np.ndarray) -> np.ndarray:
        """The UTF-8 byte position of each code point offset (ascending, at most the joined text's
        length).

        A code point's byte position is its offset plus the UTF-8 continuation bytes (10xxxxxx) before
        it, and a continuation byte at byte b, the k-th, belongs to code point b - k - 1: so only the
        continuation bytes are found (one pass over the bytes; a PolNeAR article has a few dozen), each
        is placed among the offsets, and a running count over the offsets gives how many come before
        each. The width of every code point and a running sum over them took 0.026 against ~0.006 ms a
        PolNeAR article; looking each of the 68,000 token edges of a partition up among the
        continuation bytes instead, 225,000 against ~10,000 instructions a PolNeAR article."""
        if len(self.utf8) == len(self.joined):  # ASCII: the same numbers
            return offsets
        after = np.searchsorted(offsets, self._continued, side="right")  # the first offset past each
        return offsets + np.cumsum(np.bincount(after, minlength=len(offsets) + 1)[: len(offsets)])

    @cached_property
    def _continued(self) -> np.ndarray:
        """The code point each continuation byte of the joined text belongs to, in order."""
        continuations = np.flatnonzero(np.frombuffer(self.utf8, dtype=np.int8) < -64)  # 0x80-0xBF
        return continuations - np.arange(1, len(continuations) + 1)


@dataclass(frozen=True)
class Sentences:
    """Sentence boundaries of a text, for finding the sentence(s) around spans."""

    starts: np.ndarray
    ends: np.ndarray

    def around(self, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Start and end of the sentences that overlap each span [start, end) (the span itself if none
        do)."""
        first = np.searchsorted(self.ends, starts, side="right")  # sentences before end at or before start
        stop = np.searchsorted(self.starts, ends, side="left")  # sentences from stop on start at or after end
        hit = first < stop
        if not hit.any():
            return starts, ends
        top = len(self.starts) - 1
        begin = np.minimum(self.starts[np.minimum(first, top)], starts)
        finish = np.maximum(self.ends[np.clip(stop - 1, 0, top)], ends)
        return np.where(hit, begin, starts), np.where(hit, finish, ends)


@dataclass(frozen=True, eq=False)
class ExportTokenizer:
    """What export reads of the pre-annotator pipeline: its tokenizer, and its package's meta (the
    tokenizer's name and version go into every version's manifest and content hash)."""

    tokenizer: Tokenizer
    meta: dict[str, Any]


@cache
def load_tokenizer(model: str) -> ExportTokenizer:
    """The pre-annotator pipeline's tokenizer, without its trained components.

    A package whose tokenizer is spaCy's own (and saved with it) is read straight into an empty
    Tokenizer: loading from disk sets every rule, prefix, suffix, infix and exception, so the tokenizer
    is the same (tests/export/test_export_rows.py compares their bytes), without `spacy.load`'s config,
    registry and Language (0.15-0.21 against 0.21-0.23 s of CPU, fresh processes taking turns: serial
    at every export's start, and before its workers fork). Any other pipeline is loaded by spaCy, its
    components left out.

    Its vocabulary computes no lexical attributes (`lex_attr_getters` empty): spaCy fills them (norm,
    shape, prefix, suffix, stop word, like_num and a dozen more, each a Python call) for every word
    the vocabulary meets for the first time, and export reads none of them: a token's offset and
    trailing space come from the tokenizer, its length from the lexeme's orth, which is always set.
    On PolNeAR texts that was 12% of the tokenizer's instructions for each text of new words (11,872
    lexemes over the 2,000 bench records), paid again by every worker for the words the other
    processes had met already. The tokens are the same (tests/export/test_export_rows.py).

    Nor is the vocabulary's word list read (its strings.json, 84,780 strings, and lookup tables): a
    token's offset and space come from the tokenizer's own rules, and a word the tokenizer meets is
    added to the strings as it is met (orth ids are hashes of the text, whatever the list holds)."""
    from spacy.util import get_model_meta, get_package_path, is_package

    from curation.extract.pipeline import load_model

    if is_package(model):
        path = get_package_path(model)
        meta = get_model_meta(path)
        data = path / _data_dir(meta)
        if _saves_own_tokenizer(data):
            return ExportTokenizer(Tokenizer(Vocab()).from_disk(data / "tokenizer"), meta)
        nlp = load_model(model, exclude=[*meta.get("pipeline", []), "vocab"])
    else:
        nlp = load_model(model)
    # spaCy's type stubs leave the attribute out
    nlp.vocab.lex_attr_getters = {}  # type: ignore[attr-defined]
    return ExportTokenizer(nlp.tokenizer, nlp.meta)


def _data_dir(meta: dict[str, Any]) -> str:
    """The folder of a pipeline package that holds its config and components (as spaCy names it)."""
    return f"{meta['lang']}_{meta['name']}-{meta['version']}"


def _saves_own_tokenizer(data: Path) -> bool:
    """Whether a pipeline's folder holds spaCy's own tokenizer, saved (then loading sets all of it)."""
    from spacy.util import load_config

    if not (data / "tokenizer").is_file() or not (data / "config.cfg").is_file():
        return False
    factory = load_config(data / "config.cfg", interpolate=False)["nlp"]["tokenizer"].get("@tokenizers")
    return bool(factory == "spacy.Tokenizer.v1")


_CLOSERS, _OPENERS = marks.char_class(marks.CLOSERS), marks.char_class(marks.OPENERS)
# Where a sentence ends inside a line: after the stop and its closing marks. A pattern per stop, each
# starting with the stop itself (not a look-behind, not a class of the three): the regex engine skips
# to the next such character in a tight loop instead of trying every position (0.18 -> 0.07 ms a
# PolNeAR article), or calling its character-class test on each (0.018 -> 0.010 ms). A match holds one
# stop (closing marks are none), so the three find the ends that one pattern of the three would.
SENTENCE_ENDS = [
    re.compile(rf"{re.escape(stop)}[{_CLOSERS})\]]*(?=[ \t]+[{_OPENERS}(\[]?[^\W_a-z])") for stop in ".!?"
]


def sentences(text: str, codes: np.ndarray | None = None) -> Sentences:
    """Sentence boundaries by the rule in the module docstring, without surrounding whitespace
    (`codes`: the text's code points, if known).

    The text is cut at every sentence end and on both sides of every line break; each piece between
    two cuts, stripped of whitespace (str.strip's), is a sentence unless nothing is left."""
    if codes is None:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    breaks = np.flatnonzero(codes == 10)
    ends = np.fromiter((m.end() for end in SENTENCE_ENDS for m in end.finditer(text)), dtype=np.int64)
    cuts = np.unique(np.concatenate([[0, len(text)], ends, breaks, breaks + 1]))
    solid = np.flatnonzero(~is_space(codes))
    # first and one-past-last non-space position of each piece [cuts[i], cuts[i + 1])
    first = np.searchsorted(solid, cuts[:-1], side="left")
    last = np.searchsorted(solid, cuts[1:], side="left") - 1
    kept = last >= first
    return Sentences(solid[first[kept]], solid[last[kept]] + 1)


@dataclass(frozen=True)
class Tokens:
    """The tokens of several texts as arrays: offsets into the joined text (`Texts`), lengths,
    whitespace flags, and where each text's tokens start (one more than texts). All a tokens row needs,
    so each spaCy Doc is dropped as soon as it is cut."""

    starts: np.ndarray
    lengths: np.ndarray
    is_space: np.ndarray
    bounds: np.ndarray

    def windows(
        self, texts: Texts, which: np.ndarray, starts: np.ndarray, ends: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Token ranges [first, last) of character spans [start, end) of text `which`, aligned like
        spaCy's `Doc.char_span(start, end, alignment_mode="expand")`: every token the span touches,
        except the token whose trailing space the span starts on; a span outside its text gets an
        empty range.

        spaCy finds the token holding a character by bisecting token offsets (a token holds its text
        and its trailing space, so tokens tile a text); `searchsorted` does the same for all spans at
        once, without a Python call per span."""
        base = texts.bases[which]
        length = texts.bases[which + 1] - base - 1
        inside = (
            (starts >= 0) & (ends >= 1) & (ends <= length) & (self.bounds[which + 1] > self.bounds[which])
        )
        if not inside.any():
            return np.zeros(len(starts), dtype=np.int64), np.zeros(len(starts), dtype=np.int64)
        starts, ends = starts + base, ends + base
        first = np.searchsorted(self.starts, starts, side="right") - 1
        last = np.searchsorted(self.starts, ends - 1, side="right")
        first = np.clip(first, 0, len(self.starts) - 1)
        first += starts == self.starts[first] + self.lengths[first]  # on the first token's trailing space
        return np.where(inside, first, 0), np.where(inside, last, 0)


def token_strings(texts: Texts, starts: np.ndarray, lengths: np.ndarray) -> pa.StringArray:
    """The texts of the tokens at these offsets (into the joined text, in order, not overlapping), as
    an Arrow string array, with no Python string per token: the joined text's UTF-8 bytes seen as
    the array of the pieces between consecutive token edges (each token, then the gap to the next),
    and every other piece taken. Arrow copies each token's bytes once; cutting them with numpy
    (a running sum over every byte of the partition, then a mask) took 0.08-0.10 against 0.023-0.03
    ms a PolNeAR article (640 records, 9 rounds taking turns, load ~6)."""
    if not len(starts):
        return pa.array([], pa.string())
    edges = np.empty(2 * len(starts), dtype=np.int64)
    edges[0::2], edges[1::2] = starts, starts + lengths
    edges = texts.byte_at(edges).astype(np.int32)  # the offsets count code points
    pieces = pa.StringArray.from_buffers(len(edges) - 1, pa.py_buffer(edges), pa.py_buffer(texts.utf8))
    return pieces.take(pa.array(np.arange(0, len(edges) - 1, 2)))


CACHE_CHUNKS = 100_000  # chunks spaCy's tokenizer may cache during an export (its default: 10,000)


class ChunkCache:
    """Puts each chunk (a run of non-space characters) of a text into spaCy's tokenizer cache before the
    text is tokenized, so that spaCy cuts each distinct chunk once per process, not once per occurrence.

    spaCy caches how it cut every chunk, but in one call it stops caching at the first chunk that
    involves a special case ("Mr.", "U.S.", "can't"): its `has_special` flag is never reset within a
    call (explosion/spaCy#13950, open for 3.8). News texts have one in their first lines, so 21% of the
    chunks of the 2,000 bench records were cut from scratch (affix regexes, infixes, lexicon lookups)
    every time they came: two thirds of the tokenizer's time. A chunk tokenized in a call of its own is
    cached exactly when spaCy caches it in a text with no special case before it, as what spaCy would
    cut there: the cache holds only what spaCy itself stores, and the tokens are the same
    (tests/export/test_export_text.py). Chunks of letters and digits go in one call per text (one that
    touches a special case only stops the caching of the rest of that call: slower, never different),
    any other in a call of its own. Runs of space (other than one space) are left out: spaCy cuts them
    cheaply, and finding them cost more than it saved.

    Bounded: the tokenizer caches at most `limit` chunks (spaCy's 10,000 fills within a few hundred
    news articles) and chunks are added only until `limit` have been seen, so memory stays flat
    (about 0.3 KB a chunk, cache and set)."""

    def __init__(self, tokenizer: Tokenizer, limit: int = CACHE_CHUNKS) -> None:
        self.tokenizer = tokenizer
        self.limit = limit
        tokenizer.max_cache_size = max(tokenizer.max_cache_size, limit)
        self.specials = frozenset(tokenizer.rules)  # cut by their rule, never cached
        self.seen: set[str] = set()

    def add(self, text: str) -> None:
        """Cache the chunks of `text` not met before."""
        seen = self.seen
        if len(seen) >= self.limit:
            return
        new = {chunk for chunk in text.split() if chunk not in seen}  # a set of them all took longer
        if not new:
            return
        seen |= new
        new -= self.specials
        words = [chunk for chunk in new if chunk.isalnum()]
        if words:
            self.tokenizer(" ".join(words))
        for chunk in new:
            if not chunk.isalnum():
                self.tokenizer(chunk)


@cache
def chunk_cache(tokenizer: Tokenizer) -> ChunkCache:
    """The one ChunkCache of a tokenizer in this process (export builds rows per partition)."""
    return ChunkCache(tokenizer)


VOCAB_STRINGS = 100_000  # strings a tokenizer's vocabulary may hold (~40 MB) before it is loaded afresh


def bounded_tokenizer(model: str) -> ExportTokenizer:
    """`load_tokenizer(model)`, loaded afresh (with a new chunk cache) once its vocabulary holds
    `VOCAB_STRINGS` strings: what the second pass tokenizes with, so that memory stays flat however
    many distinct words a corpus has.

    spaCy's vocabulary keeps every string its tokenizer meets, and a lexeme for each, for the life of
    the tokenizer (explosion/spaCy#3618; its memory zones stop the tokenizer's cache instead, which
    export lives on): 0.39 KB a distinct string, measured past the chunk cache's limit
    (bench/vocabulary_memory.py). PolNeAR's 923 articles hold 31,000 distinct strings, growing as the
    0.53th power of the number of articles: about 380,000 at 100,000 news articles (+150 MB) and 1.3
    million at a million (+0.5 GB); 100,000 strings come after about 8,000 articles. Loading a
    tokenizer takes 0.15-0.2 s and warming its chunk cache again a few tenths (a million made-up
    words, the worst case: 8 loads, CPU 13.9 -> 16.2 s, peak RSS 565 -> 231 MB). Tokens depend on
    the tokenizer's rules, never on what its vocabulary holds, so they are the same after
    (tests/export/test_export_text.py). Every cached tokenizer is let go, so none should be held
    across a call (one model per export)."""
    nlp = load_tokenizer(model)
    if len(nlp.tokenizer.vocab.strings) >= VOCAB_STRINGS:
        load_tokenizer.cache_clear()
        chunk_cache.cache_clear()
        nlp = load_tokenizer(model)
    return nlp


class TextAnalyzer:
    """Tokenizes texts with the pipeline's tokenizer; one instance per partition."""

    def __init__(self, nlp: ExportTokenizer) -> None:
        self.nlp = nlp
        self.chunks = chunk_cache(nlp.tokenizer)

    def tokenize(self, texts: Texts) -> Tokens:
        """The tokens of every text, tokenized one after the other (each text's new chunks cached first:
        `ChunkCache`).

        Of each Doc only its tokens' offsets and trailing-space flags are read (token attributes);
        lengths and whitespace flags follow from them and the text, as spaCy's tokens tile it: a token
        runs to the next one's offset (the text's end for the last) less its trailing space, and the
        tokenizer cuts a text into runs of whitespace and of the rest before anything else, so a token
        is whitespace when its first character is. Reading the lexeme attributes LENGTH and IS_SPACE
        from each Doc instead took 0.05 against 0.03 ms a PolNeAR article, 0.05 s of 2,000
        (tests/export/test_export_rows.py holds them to spaCy's)."""
        tables = []
        tokenizer, chunks = self.nlp.tokenizer, self.chunks
        for text, base in zip(texts.items, texts.bases.tolist(), strict=False):
            chunks.add(text)
            table = tokenizer(text).to_array([IDX, SPACY]).reshape(-1, 2).astype(np.int64)
            table[:, 0] += base
            tables.append(table)
        bounds = np.zeros(len(texts.items) + 1, dtype=np.int64)
        np.cumsum([len(table) for table in tables], out=bounds[1:])
        table = np.concatenate(tables) if tables else np.zeros((0, 2), dtype=np.int64)
        starts = table[:, 0]
        following = np.empty_like(starts)  # where the next token starts, or the token's text ends
        following[:-1] = starts[1:]
        some = bounds[1:] > bounds[:-1]
        following[bounds[1:][some] - 1] = texts.bases[1:][some] - 1
        return Tokens(starts, following - starts - table[:, 1], is_space(texts.codes[starts]), bounds)
