"""The training reader: the parsed doc is what the learned component sees, the gold doc what it learns."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc, DocBin

from curation.errors import InputError
from curation.train.corpus import pair_examples, parsed_corpus


def _write(path: Path, docs: list[Doc]) -> Path:
    DocBin(docs=docs, store_user_data=False).to_disk(path)
    return path


def _docs(nlp: spacy.language.Language, tmp_path: Path, parsed_words: list[str]) -> tuple[Path, Path]:
    gold = Doc(nlp.vocab, words=["Republicans", "backed", "it", "."], tags=["O", "CUE", "O", "O"])
    parsed = Doc(
        nlp.vocab,
        words=parsed_words,
        tags=["NNPS", "VBD", "PRP", "."][: len(parsed_words)],
        deps=["nsubj", "ROOT", "dobj", "punct"][: len(parsed_words)],
        heads=[1, 1, 1, 1][: len(parsed_words)],
    )
    return _write(tmp_path / "gold.spacy", [gold]), _write(tmp_path / "parsed.spacy", [parsed])


def test_train_reader_pairs_the_parse_predicted_with_the_gold_reference(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    gold, parsed = _docs(nlp, tmp_path, ["Republicans", "backed", "it", "."])
    read = parsed_corpus(gold, parsed)
    examples = list(read(nlp))
    assert len(examples) == 1
    eg = examples[0]
    assert [t.dep_ for t in eg.predicted] == ["nsubj", "ROOT", "dobj", "punct"]
    assert [t.tag_ for t in eg.predicted] == ["NNPS", "VBD", "PRP", "."]  # the base tagger's, not the gold's
    assert eg.get_aligned("TAG", as_string=True) == ["O", "CUE", "O", "O"]
    assert list(read(nlp))[0] is eg  # read once, the same Examples every epoch


def test_train_reader_refuses_parses_of_other_tokens(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    gold, parsed = _docs(nlp, tmp_path, ["Republicans", "backed", "it"])
    with pytest.raises(InputError, match="not tokenized as in"):
        pair_examples(nlp, gold, parsed)


def test_train_a_parse_is_kept_and_reused_for_the_same_texts_and_pipeline(tmp_path: Path) -> None:
    from curation.extract.pipeline import load_model
    from curation.train.data import parse_to_docbin

    nlp = load_model()
    cache = tmp_path / "cache"
    texts = ["Officials warned that the talks could collapse.", "She said the plan failed."]
    parsed: list[int] = []

    def parse(texts: list[str], name: str) -> list[Doc]:
        docbin = parse_to_docbin(nlp, texts, tmp_path / name, lambda: parsed.append(1), 1, cache)
        return list(docbin.get_docs(nlp.vocab))

    first = parse(texts, "a.spacy")
    assert len(parsed) == 2 and len(list(cache.glob("*.spacy"))) == 1
    again = parse(texts, "b.spacy")
    assert len(parsed) == 2  # read from the cache: nothing parsed
    assert [(t.text, t.tag_, t.dep_, t.head.i, t.lemma_) for d in again for t in d] == [
        (t.text, t.tag_, t.dep_, t.head.i, t.lemma_) for d in first for t in d
    ]
    parse([*texts[:1], "He denied it."], "c.spacy")  # other texts: parsed and kept apart
    assert len(parsed) == 4 and len(list(cache.glob("*.spacy"))) == 2
