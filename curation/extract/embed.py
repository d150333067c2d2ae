"""The learned components' token embedding, computed once per distinct token of a batch (issue 11).

spaCy's MultiHashEmbed (`spacy.MultiHashEmbed.v2`) turns each token's features (NORM, PREFIX, ..., TAG,
DEP: `curation.extract.learned.CUE_FEATURES`) into a vector one row at a time: a token's vector depends
on its own feature values alone, its context comes later, from the window encoder. News text repeats
itself ("the" as DT/det, "said" as VBD/ROOT): a batch of 32 PolNeAR dev articles has 3.4 tokens for
each distinct row of features, and the embedding was a third of the learned tok2vec's time, the largest
cost annotate adds to the base pipeline. `curation.UniqueRowsEmbed.v1` embeds each distinct row once
and copies its vector to the tokens that share it.

The vectors are the same floats, bit for bit: every layer of the embedding works row by row (hash
lookups, concatenation, the maxout's matrix product, the layer norm), so a row's vector does not depend
on which other rows are in the batch. The layers and weights are MultiHashEmbed's (a pipeline saved
with one loads with the other), and training (`is_train`) runs spaCy's chain unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy
from spacy.ml.models.tok2vec import MultiHashEmbed
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model, NumpyOps
from thinc.layers.chain import forward as chain_forward
from thinc.types import Floats2d


@registry.architectures("curation.UniqueRowsEmbed.v1")
def unique_rows_embed(
    width: int, attrs: list[str | int], rows: list[int], include_static_vectors: bool
) -> Model[list[Doc], list[Floats2d]]:
    """`spacy.MultiHashEmbed.v2` (same arguments, layers and weights) that embeds each distinct row of
    features in a batch once when predicting (module docstring)."""
    embed = MultiHashEmbed(width, attrs, rows, include_static_vectors)
    if include_static_vectors:  # a static vector is no function of the hashed features: keep spaCy's
        return embed
    return Model(
        embed.name,
        _forward,
        init=embed.init,
        dims={name: embed.maybe_get_dim(name) for name in embed.dim_names},
        layers=embed.layers,
    )


def _forward(
    model: Model[list[Doc], list[Floats2d]], docs: list[Doc], is_train: bool
) -> tuple[list[Floats2d], Callable[[Any], Any]]:
    """MultiHashEmbed's chain (features -> list2ragged -> hash embeddings -> maxout -> ragged2list)
    applied to the distinct feature rows only, when predicting on CPU."""
    if is_train or not isinstance(model.ops, NumpyOps):
        return chain_forward(model, docs, is_train)
    features, _, hashed, mix, _ = model.layers
    table = features.predict(docs)
    lengths = [len(rows) for rows in table]
    if not sum(lengths):
        return chain_forward(model, docs, is_train)
    distinct, where = numpy.unique(numpy.concatenate(table), axis=0, return_inverse=True)
    vectors = mix.predict(hashed.predict(distinct))[where.reshape(-1)]
    return model.ops.unflatten(vectors, lengths), _no_backprop


def _no_backprop(d_vectors: Any) -> Any:
    raise NotImplementedError("UniqueRowsEmbed computes no gradient outside training (is_train)")
