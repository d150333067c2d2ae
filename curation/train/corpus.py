"""The training corpus reader: Examples whose predicted side carries the base pipeline's parse.

spaCy's own `spacy.Corpus.v1` makes each Example's predicted doc from the text alone, so a component
trained with it sees tokens only. The cue finder reads the parse (TAG, DEP and LEMMA among its features),
and in the assembled pipeline it runs after the base components, which have parsed the doc by then. To
train on what it will see, without running the base pipeline in every epoch, the train and validation
texts are parsed once (curation.train.data) and this reader pairs each parsed doc (predicted) with its
gold doc (reference: the CUE / O tags and cue spans). The pairs are read once and kept for all epochs
(nothing in the training loop writes to them: spaCy's evaluation copies them first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from spacy import registry
from spacy.language import Language
from spacy.tokens import DocBin
from spacy.training import Example

from curation.errors import InputError


@registry.readers("curation.ParsedCorpus.v1")
def parsed_corpus(path: Path, parsed: Path) -> Callable[[Language], Iterator[Example]]:
    """Examples of the gold DocBin `path` (reference) and the parsed DocBin `parsed` (predicted)."""
    kept: list[Example] = []

    def read(nlp: Language) -> Iterator[Example]:
        if not kept:
            kept.extend(pair_examples(nlp, Path(path), Path(parsed)))
        yield from kept

    return read


def pair_examples(nlp: Language, path: Path, parsed: Path) -> list[Example]:
    """One Example per document: the parsed doc predicted, the gold doc the reference (same tokens)."""
    golds = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    preds = list(DocBin().from_disk(parsed).get_docs(nlp.vocab))
    if len(golds) != len(preds):
        raise InputError(f"{parsed}: {len(preds)} parsed documents, {len(golds)} in {path}; train again")
    examples = []
    for i, (gold, pred) in enumerate(zip(golds, preds, strict=True)):
        if [t.text for t in gold] != [t.text for t in pred]:
            raise InputError(f"{parsed}: document {i} is not tokenized as in {path}; train again")
        examples.append(Example(pred, gold))
    return examples
