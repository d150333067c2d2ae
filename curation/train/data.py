"""An exported dataset version as spaCy training data: one DocBin per split, gold quote contents as spans.

The texts are tokenized by the base pipeline's tokenizer (the tokens the trained components will see);
each gold QUOTE span becomes a span under the learned key, widened to whole tokens (a span that does not
start or end on a token boundary is masked out of the span finder's loss by spaCy itself).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import DocBin

from curation.errors import InputError
from curation.export.reader import read_version
from curation.export.splits import SPLITS
from curation.records import Document

QUOTE = "QUOTE"


@dataclass
class SplitData:
    """One split written as a DocBin: how many documents, words and gold quotes it holds."""

    name: str
    path: Path
    documents: int = 0
    words: int = 0
    quotes: int = 0


def read_split(dataset: Path, split: str) -> Iterator[Document]:
    """The documents of one split of an exported version (none when the split is empty)."""
    try:
        yield from read_version(dataset, split=split)  # with the schema the version ships
    except InputError:
        if not any(dataset.glob("data/documents/*.parquet")):
            raise
        return


def write_docbins(dataset: Path, nlp: Language, folder: Path, spans_key: str) -> dict[str, SplitData]:
    """train/validation/test DocBins under `folder`, with gold QUOTE spans under `spans_key`."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, SplitData] = {}
    for split in SPLITS:
        data = SplitData(split, folder / f"{split}.spacy")
        docbin = DocBin(store_user_data=False)
        for record in read_split(dataset, split):
            doc = nlp.make_doc(record.text)
            spans = []
            for span in record.spans:
                if span.label != QUOTE:
                    continue
                token_span = doc.char_span(span.start, span.end, alignment_mode="expand")
                if token_span is not None and len(token_span):
                    spans.append(token_span)
            doc.spans[spans_key] = spans
            docbin.add(doc)
            data.documents += 1
            data.words += len(doc)
            data.quotes += len(spans)
        docbin.to_disk(data.path)
        out[split] = data
    return out
