"""An exported dataset version as spaCy training data: one DocBin per split, gold cues as tags and spans.

The texts are tokenized by the base pipeline's tokenizer (the tokens the trained component will see).
The splits the training loop reads (train and validation) are also parsed once by the base pipeline
(less what no feature reads) into a second DocBin (`<split>.parsed.spacy`): the learned component's
features include the parse, and curation.train.corpus pairs those parsed docs with the gold ones.
Each token of a gold cue (the schema's cue label) is tagged with that label, every other token "O";
the cues are also written as spans under the learned key, so spaCy's span scorer measures the cue
spans the component predicts against them (the epoch is chosen on that F1).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span, Token

from curation.atomic import atomic_write
from curation.errors import InputError
from curation.evaluate.matching import length, merge_segments, shared
from curation.evaluate.metrics import DEFAULT_THRESHOLD, Links
from curation.export.reader import read_version
from curation.export.splits import SPLITS
from curation.extract.learned import OUTSIDE, QUOTES_KEY, candidates
from curation.extract.speaker_ranker import Range, gold_spans
from curation.records import Document
from curation.schema import get_schema


@dataclass
class SplitData:
    """One split written as a DocBin: how many documents, words and gold quotes it holds."""

    name: str
    path: Path
    parsed: Path | None = None  # the same documents parsed by the base pipeline (train and validation)
    documents: int = 0
    words: int = 0
    quotes: int = 0
    cues: int = 0
    candidates: int = 0  # candidate attributions labelled true, for the judge (parsed splits only)


def read_split(dataset: Path, split: str) -> Iterator[Document]:
    """The documents of one split of an exported version (none when the split is empty)."""
    try:
        yield from read_version(dataset, split=split)  # with the schema the version ships
    except InputError:
        if not any(dataset.glob("data/documents/*.parquet")):
            raise
        return


PARSED_SPLITS = ("train", "validation")  # the splits the training loop reads (test: scored afterwards)
# Base components whose output no learned feature reads (curation.extract.learned.CUE_FEATURES): left out
# of the one-off parse, the costliest step of a run after the training loop itself.
UNREAD = ("ner",)


def write_docbins(
    dataset: Path,
    nlp: Language,
    folder: Path,
    spans_key: str,
    on_doc: Callable[[], None] | None = None,
    cache: Path | None = None,
) -> dict[str, SplitData]:
    """train/validation/test DocBins under `folder`: gold cue tags, and cue spans under `spans_key`;
    train and validation also parsed by `nlp` (`on_doc` is called after each parsed document; a
    parse kept in `cache` is reused, parse_to_docbin)."""
    schema = get_schema()
    quote, cue = schema.role_label("quote"), schema.role_label("cue")
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, SplitData] = {}
    for split in SPLITS:
        data = SplitData(split, folder / f"{split}.spacy")
        golds: list[Doc] = []
        truths: list[GoldQuotes] = []
        for record in read_split(dataset, split):
            doc = nlp.make_doc(record.text)
            tags = [OUTSIDE] * len(doc)
            spans = []
            truth = GoldQuotes()
            for span in record.spans:
                if span.label == quote:
                    data.quotes += 1
                    truth.add_quote(span.group or f"#{len(truth.quotes)}", span.start, span.end)
                if span.label != cue:
                    continue
                truth.cues.append((span.start, span.end))
                token_span = doc.char_span(span.start, span.end, alignment_mode="expand")
                if token_span is None or not len(token_span):
                    continue
                spans.append(token_span)
                for token in token_span:
                    tags[token.i] = cue
            for token, tag in zip(doc, tags, strict=True):
                token.tag_ = tag
            doc.spans[spans_key] = spans
            gold_spans(doc, speaker_gold(record, quote, cue))
            golds.append(doc)
            truths.append(truth)
            data.documents += 1
            data.words += len(doc)
            data.cues += len(spans)
        if split in PARSED_SPLITS:
            data.parsed = folder / f"{split}.parsed.spacy"
            parsed = parse_to_docbin(nlp, (doc.text for doc in golds), data.parsed, on_doc, cache=cache)
            for gold, doc, truth in zip(golds, parsed.get_docs(nlp.vocab), truths, strict=True):
                gold.spans[QUOTES_KEY] = [
                    Span(gold, c.start, c.end, label=quote)
                    for c in candidates(doc)
                    if truth.accepts(c.cue, c.content)
                ]
                data.candidates += len(gold.spans[QUOTES_KEY])
        docbin = DocBin(attrs=["TAG"], store_user_data=False, docs=golds)
        docbin.to_disk(data.path)
        out[split] = data
    return out


def speaker_gold(record: Document, quote: str, cue: str) -> list[tuple[Range, Range, list[Range]]]:
    """Per gold quote (its segments' group) with a cue: the segment nearest the cue, the cue, and the
    speaker spans of every segment (curation evaluate reads a group's relations together), for the
    speaker ranker (curation.extract.speaker_ranker.gold_spans). Quotes without a cue are left out:
    the ranker's candidates are found from the cue."""
    schema = get_schema()
    to_speaker = schema.relation_between(quote, schema.role_label("speaker"))
    to_cue = schema.relation_between(quote, cue)
    if to_cue is None:
        return []  # no quote can have a cue
    links = Links(record)
    groups: dict[str, list[tuple[str, int, int]]] = {}
    for span in record.spans:
        if span.label == quote:
            groups.setdefault(span.group or span.id, []).append((span.id, span.start, span.end))
    out = []
    for segments in groups.values():
        ids = [sid for sid, _, _ in segments]
        cues = sorted((t.start, t.end) for t in links.of_spans(ids, to_cue))
        if not cues:
            continue
        said_by = links.of_spans(ids, to_speaker) if to_speaker else []
        speakers = sorted({(t.start, t.end) for t in said_by})
        at = cues[0][0]
        _, start, end = min(
            segments, key=lambda seg: 0 if seg[1] <= at < seg[2] else min(abs(seg[1] - at), abs(seg[2] - at))
        )
        out.append(((start, end), cues[0], speakers))
    return out


@dataclass
class GoldQuotes:
    """One document's gold cues (character ranges) and quotes (merged segments per group), to label the
    candidate attributions the judge learns from."""

    cues: list[tuple[int, int]] = field(default_factory=list)
    quotes: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def add_quote(self, group: str, start: int, end: int) -> None:
        self.quotes.setdefault(group, []).append((start, end))

    def accepts(self, cue: Token, content: Span) -> bool:
        """A true candidate: its cue word is in a gold cue, its content matches a gold quote as
        `curation evaluate` matches them (overlap >= 0.3 of the gold quote)."""
        at = cue.idx
        if not any(s <= at < e for s, e in self.cues):
            return False
        seg = ((content.start_char, content.end_char),)
        for parts in self.quotes.values():
            unit = merge_segments(parts)
            if length(unit) and shared(seg, unit) / length(unit) >= DEFAULT_THRESHOLD:
                return True
        return False


# Worker processes of the one-off parse: it is the costliest step before the loop, and spaCy's pipe
# spreads it over both cores of the 2-core machine the project is measured on (1: in this process).
PARSE_PROCESSES = 2


def parse_to_docbin(
    nlp: Language,
    texts: Iterable[str],
    path: Path,
    on_doc: Callable[[], None] | None = None,
    n_process: int = PARSE_PROCESSES,
    cache: Path | None = None,
) -> DocBin:
    """The texts through the base pipeline (its parse, tags, lemmas; UNREAD left out) into one DocBin.

    With `cache` (a folder), the DocBin is also kept there under a key of the base pipeline (name,
    version, components run, spaCy's version) and the texts, and a later run on the same texts with
    the same pipeline reads it instead of parsing again: under load the parse took 24 of the 30
    minutes `curation train` is given on PolNeAR, leaving the loop 105 steps. A parse is a pure
    function of that key, so a reused one is the one the run would have computed."""
    texts = list(texts)
    cached = cache / f"{parse_key(nlp, texts)}.spacy" if cache is not None else None
    if cached is not None and cached.is_file():
        shutil.copyfile(cached, path)
        return DocBin().from_disk(path)
    parsed = DocBin(store_user_data=False)
    doc: Doc
    with nlp.select_pipes(disable=[name for name in UNREAD if name in nlp.pipe_names]):
        for doc in nlp.pipe(texts, batch_size=16, n_process=n_process):
            parsed.add(doc)
            if on_doc is not None:
                on_doc()
    parsed.to_disk(path)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(cached, "wb") as out:
            out.write(path.read_bytes())
    return parsed


def parse_key(nlp: Language, texts: list[str]) -> str:
    """What a parse depends on: the base pipeline (name, version, the components run), spaCy, the texts."""
    digest = hashlib.sha256()
    run = [name for name in nlp.pipe_names if name not in UNREAD]
    header = [nlp.meta.get("lang"), nlp.meta.get("name"), nlp.meta.get("version"), spacy.__version__, run]
    digest.update(json.dumps(header).encode())
    for text in texts:
        digest.update(len(text).to_bytes(8, "little"))
        digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]
