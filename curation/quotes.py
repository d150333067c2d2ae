"""The cross-document quotes view: the same words reported by several outlets, side by side.

Outlets shorten, extend and re-punctuate the quotes they copy ("But a positive message means
nothing. This is a very serious situation." in one article, “a positive message means nothing” in
another). Two quotes are the same when, after normalising case, punctuation, quote marks and
apostrophes, they are identical, or the word 3-grams of the shorter one are mostly contained in the
longer one (containment, not Jaccard: Jaccard punishes the outlet that quotes less) and there are at
least three of them in common (a short stock phrase must not chain unrelated quotes together).
Quotes with fewer than three content words ("positive", "the deal", "Donald Trump") are left out.
Candidates come from an inverted index over the 3-grams, so only quotes that share words verbatim
are compared, and the containment is computed exactly (MinHash estimates are too noisy for sets of
3-10 shingles). Groups are the connected components of the "same quote" relation.

Only the quotes and their attributions are kept in memory, never the articles, so a large
preannotations file streams through."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from curation import marks
from curation.jsonl import read_documents
from curation.progress import NO_PROGRESS, Progress
from curation.records import Document
from curation.schema import LabelSchema, get_schema
from curation.unionfind import UnionFind


@cache
def _stop_words() -> frozenset[str]:
    """spaCy's English stop words, imported on first use (importing spaCy costs seconds at start-up)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


SHINGLE_SIZE = 3  # words per shingle: long enough to be specific, short enough for shortened quotes
# "positive", "the deal", "the United States", "Donald Trump": scare quotes and names recur by chance
MIN_CONTENT_WORDS = 3
MIN_SHARED_SHINGLES = 3  # below this, only identical quotes group: short phrases recur by chance
DEFAULT_CONTAINMENT = 0.6

# The span label and relations this view reads, by their role in the label schema
# (schemas/labels.yaml; a test checks that the schema still has them).

_WORD = re.compile(r"\w+")
_OPEN, _CLOSE = marks.char_class(marks.DOUBLE_OPEN), marks.char_class(marks.DOUBLE_CLOSE)
_QUOTED = re.compile(f'[{_OPEN}]([^{_CLOSE}]+)[{_CLOSE}]|"([^"]+)"')
_APOSTROPHES = str.maketrans(
    dict.fromkeys(marks.SINGLE_OPEN + marks.SINGLE_CLOSE + marks.STRAIGHT_SINGLE + marks.BACKTICK)
)


@dataclass(frozen=True)
class QuoteOccurrence:
    """One outlet's report of a quote: where it is and whom that outlet attributes it to."""

    doc_id: str
    source: str
    start: int
    end: int
    text: str
    kind: str | None = None
    speaker: str | None = None  # the speaker mention as written ("he", "Trump")
    canonical: str | None = None  # the speaker's fullest name in that document
    cue: str | None = None
    annotator: str | None = None  # set for human gold with several annotators per document

    @property
    def verbatim(self) -> str:
        """The words the speaker said verbatim: a mixed quote's paraphrase is the outlet's own
        wording, so only its quoted fragments are compared across outlets."""
        if self.kind == "mixed":
            fragments = quoted_fragments(self.text)
            if fragments:
                return " ".join(fragments)
        return self.text


@dataclass
class QuoteGroup:
    """Quotes from several documents that report the same words."""

    occurrences: list[QuoteOccurrence]
    documents: int  # distinct documents in the group
    speakers: list[str] = field(default_factory=list)  # distinct attributed names, first-seen order
    conflict: bool = False  # the same words are attributed to incompatible speakers

    @property
    def text(self) -> str:
        """The longest reported form, as the group's headline."""
        return max(self.occurrences, key=lambda o: len(o.text)).text


def quoted_fragments(text: str) -> list[str]:
    """The pieces of `text` inside double quotation marks (curly or straight)."""
    return [a or b for a, b in _QUOTED.findall(text)]


def normalise_words(text: str) -> list[str]:
    """Lower-cased words without punctuation, quote marks or apostrophes, so outlets' styles agree."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return _WORD.findall(folded)


def shingles(words: list[str], size: int = SHINGLE_SIZE) -> set[tuple[str, ...]]:
    """Word n-grams; a quote shorter than `size` is one shingle of all its words."""
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def containment(shorter: list[str], longer: list[str], size: int = SHINGLE_SIZE) -> float:
    """Share of the shorter quote's shingles found in the longer one (1.0 = fully contained)."""
    if len(shorter) > len(longer):
        shorter, longer = longer, shorter
    n = min(size, len(shorter))
    if n == 0:
        return 0.0
    small = shingles(shorter, n)
    return len(small & shingles(longer, n)) / len(small)


def content_words(words: list[str]) -> int:
    """How many words are not stop words: "the deal" has one, "a positive message means nothing" three."""
    stop_words = _stop_words()
    return sum(1 for w in words if w not in stop_words)


def same_quote(a: list[str], b: list[str], min_containment: float = DEFAULT_CONTAINMENT) -> bool:
    """Whether two normalised quotes report the same words.

    Identical quotes always do. Otherwise the shorter must share at least MIN_SHARED_SHINGLES word
    3-grams with the longer and have `min_containment` of its 3-grams in it: a short common phrase ("the
    United States") inside two long quotes must not chain unrelated quotes into one group.
    """
    if a == b:
        return True
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    shared = len(shingles(shorter) & shingles(longer))
    return shared >= MIN_SHARED_SHINGLES and containment(shorter, longer) >= min_containment


def names_compatible(a: str, b: str) -> bool:
    """Whether two canonical names can be the same person ("Trump" and "Donald Trump" can).

    Each document's canonical name is the fullest name *that document* uses, so one outlet's
    "Trump" is another's "Donald Trump": a name whose words are all in the other is compatible.
    A description ("a senior Russian government source", "the Democratic nominee") can be anyone.
    """
    if is_description(a) or is_description(b):
        return True
    wa, wb = set(normalise_words(a)), set(normalise_words(b))
    return wa <= wb or wb <= wa


def is_description(name: str) -> bool:
    """A speaker described rather than named: it starts with a lower-case word ("the", "a", "media")."""
    first = name.strip()[:1]
    return first.isalpha() and first.islower()


def speaker_name(canonical: object, mention: str) -> str | None:
    """The name to compare speakers by: the canonical name, else the mention unless it is only a
    pronoun or a relative ("she", "who"), which names nobody."""
    if isinstance(canonical, str) and canonical.strip():
        return canonical.strip()
    return mention if content_words(normalise_words(mention)) else None


def quotes_of(doc: Document, schema: LabelSchema | None = None) -> list[QuoteOccurrence]:
    """The quote spans of one record with their speaker and cue (the schema's quote, speaker and cue
    roles; the packaged schema when None), each linked to the quote by a relation."""
    schema = schema or get_schema()
    quote, speaker_label, cue_label = (schema.role_label(r) for r in ("quote", "speaker", "cue"))
    by_id = doc.spans_by_id()
    speaker_of: dict[str, str] = {}
    cue_of: dict[str, str] = {}
    for rel in doc.relations:
        tail = by_id.get(rel.tail)
        if tail is not None and tail.label == speaker_label:
            speaker_of.setdefault(rel.head, rel.tail)
        elif tail is not None and tail.label == cue_label:
            cue_of.setdefault(rel.head, rel.tail)
    annotator = doc.provenance.annotator
    out: list[QuoteOccurrence] = []
    for span in doc.spans:
        if span.label != quote:
            continue
        speaker = by_id.get(speaker_of.get(span.id, ""))
        cue = by_id.get(cue_of.get(span.id, ""))
        canonical = speaker_name(speaker.attrs.get("canonical"), speaker.text) if speaker else None
        out.append(
            QuoteOccurrence(
                doc_id=doc.id,
                source=doc.source,
                start=span.start,
                end=span.end,
                text=span.text,
                kind=span.attrs.get("kind"),
                speaker=speaker.text if speaker else None,
                canonical=canonical or None,
                cue=cue.text if cue else None,
                annotator=str(annotator) if annotator is not None else None,
            )
        )
    return out


def _speakers_and_conflict(occurrences: list[QuoteOccurrence]) -> tuple[list[str], bool]:
    names: list[str] = []
    for occ in occurrences:
        name = (occ.canonical or "").strip()
        if name and name not in names:
            names.append(name)
    conflict = any(not names_compatible(a, b) for i, a in enumerate(names) for b in names[i + 1 :])
    return names, conflict


def group_quotes(
    documents: Iterable[Document],
    *,
    min_docs: int = 2,
    min_containment: float = DEFAULT_CONTAINMENT,
    progress: Progress = NO_PROGRESS,
    schema: LabelSchema | None = None,
) -> list[QuoteGroup]:
    """Group the quotes of `documents` that report the same words in at least `min_docs` documents.

    Returns groups ordered by how many documents report them, then by their text.
    `progress` counts the documents read.
    """
    quotes: list[QuoteOccurrence] = []
    words: list[list[str]] = []
    by_text: dict[tuple[str, ...], int] = {}  # normalised quote -> first quote with those words
    by_trigram: dict[tuple[str, ...], list[int]] = defaultdict(list)
    forest: UnionFind[int] = UnionFind()
    for doc in documents:
        for occ in quotes_of(doc, schema):
            w = normalise_words(occ.verbatim)
            if content_words(w) < MIN_CONTENT_WORDS:
                continue
            qid = len(quotes)
            forest.add(qid)
            quotes.append(occ)
            words.append(w)
            key = tuple(w)
            if key in by_text:
                forest.union(qid, by_text[key])
                continue  # its trigrams are indexed already, under the first one
            by_text[key] = qid
            trigrams = shingles(w) if len(w) >= SHINGLE_SIZE else set()
            candidates = {o for k in trigrams for o in by_trigram.get(k, ())}
            for other in candidates:
                if forest.find(other) != forest.find(qid) and same_quote(w, words[other], min_containment):
                    forest.union(qid, other)
            for k in trigrams:
                by_trigram[k].append(qid)
        progress.advance()
    groups: list[QuoteGroup] = []
    for ids in forest.sets():
        occurrences = [quotes[i] for i in ids]
        documents_count = len({o.doc_id for o in occurrences})
        if documents_count < min_docs:
            continue
        speakers, conflict = _speakers_and_conflict(occurrences)
        groups.append(QuoteGroup(occurrences, documents_count, speakers, conflict))
    groups.sort(key=lambda g: (-g.documents, g.text.casefold()))
    return groups


def group_quotes_in_file(
    path: Path | str,
    *,
    min_docs: int = 2,
    min_containment: float = DEFAULT_CONTAINMENT,
    progress: Progress = NO_PROGRESS,
    schema: LabelSchema | None = None,
) -> list[QuoteGroup]:
    """`group_quotes` over a JSONL records file, streamed (a bad line is an InputError naming it)."""
    return group_quotes(
        read_documents(path, schema),
        min_docs=min_docs,
        min_containment=min_containment,
        progress=progress,
        schema=schema,
    )
