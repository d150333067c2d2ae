"""`curation_paragraphs`: a line break ends a sentence, before the parser runs.

News text puts headlines, captions and ads on their own lines without a full stop; the small
model's parser otherwise merges them into the next sentence, and a headline's noun becomes the
subject of the first paragraph's verb. Pre-set boundaries are respected by spaCy's parser.
"""

from __future__ import annotations

from typing import cast

import numpy
from spacy.tokens import Doc
from thinc.types import Ints2d


def mark_line_starts(doc: Doc) -> Doc:
    """Mark the first token after each line break as a sentence start.

    Works on arrays: the line breaks (found in the text) are mapped to their tokens by binary search
    and the sentence starts written back in one `Doc.from_array`. Setting `token.is_sent_start` one
    by one made a long document cost the square of its length (spaCy checks the whole document for
    a parse on every assignment).
    """
    text = doc.text
    breaks = []
    pos = text.find("\n")
    while pos >= 0:
        breaks.append(pos)
        pos = text.find("\n", pos + 1)
    if not breaks or len(doc) < 2:
        return doc
    # The token holding each break (in its text or its trailing space), then the token after it.
    following = numpy.searchsorted(doc.to_array("IDX"), breaks, side="right")
    following = following[(following >= 1) & (following < len(doc))]
    following = following[doc.to_array("IS_SPACE")[following] == 0]
    sent_starts = doc.to_array("SENT_START")
    sent_starts[following] = 1
    # spaCy's stubs type to_array's result as floats and from_array's argument as Ints2d: both are
    # the same uint64 array here.
    doc.from_array(["SENT_START"], cast(Ints2d, sent_starts.reshape(-1, 1)))
    return doc
