"""curation.UniqueRowsEmbed.v1: spaCy's MultiHashEmbed computed once per distinct token, same floats."""

from __future__ import annotations

import numpy
import pytest
import spacy
from spacy.ml.models.tok2vec import MultiHashEmbed
from spacy.tokens import Doc
from thinc.api import Model

from curation.extract.embed import unique_rows_embed

ATTRS = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
ROWS = [500, 100, 250, 250]
TEXTS = [
    "The minister said the plan would work, and the mayor said it would not.",
    "The plan, the minister said, was ready.",
    "",
    "Said the mayor: the plan the plan the plan.",
]


@pytest.fixture(scope="module")
def docs() -> list[Doc]:
    nlp = spacy.blank("en")
    return [nlp(text) for text in TEXTS]


def _initialized(model: Model, docs: list[Doc]) -> Model:
    model.initialize(X=docs)
    return model


def test_the_same_vectors_as_multihashembed_with_its_weights(docs: list[Doc]) -> None:
    unique = _initialized(unique_rows_embed(32, ATTRS, ROWS, False), docs)
    spacys = MultiHashEmbed(32, ATTRS, ROWS, False)
    spacys.from_bytes(unique.to_bytes())  # same layers: the weights load either way

    ours, theirs = unique.predict(docs), spacys.predict(docs)

    assert [len(v) for v in ours] == [len(d) for d in docs]
    assert all(numpy.array_equal(a, b) for a, b in zip(ours, theirs, strict=True))
    # the repeated words ("the", "plan", "said") share one row, and still every token has its vector
    plan = [i for i, t in enumerate(docs[3]) if t.lower_ == "plan"]
    assert len(plan) == 3 and all(numpy.array_equal(ours[3][plan[0]], ours[3][i]) for i in plan)


def test_training_runs_spacys_chain_with_gradients(docs: list[Doc]) -> None:
    unique = _initialized(unique_rows_embed(32, ATTRS, ROWS, False), docs)
    vectors, backprop = unique.begin_update(docs)
    backprop([unique.ops.alloc2f(*v.shape) for v in vectors])  # no error: spaCy's own backprop
    with pytest.raises(NotImplementedError):
        unique(docs, is_train=False)[1](vectors)
