"""`curation_paragraphs`: a line break ends a sentence, before the parser runs.

News text puts headlines, captions and ads on their own lines without a full stop; the small
model's parser otherwise merges them into the next sentence, and a headline's noun becomes the
subject of the first paragraph's verb. Pre-set boundaries are respected by spaCy's parser.
"""

from __future__ import annotations

import bisect

from spacy.tokens import Doc


def mark_line_starts(doc: Doc) -> Doc:
    """Set `is_sent_start` on the first token after each line break.

    Looks only at the line breaks (found in the text, mapped to their token by binary search), not
    at every token: on a long document the walk over all tokens cost as much as a model component.
    """
    text = doc.text
    starts: list[int] = [int(x) for x in doc.to_array("IDX")]
    pos = text.find("\n")
    while pos >= 0:
        i = bisect.bisect_right(starts, pos) - 1  # the token holding the break, in its text or space
        if 0 <= i < len(doc) - 1:
            nxt = doc[i + 1]
            if not nxt.is_space:
                nxt.is_sent_start = True
        pos = text.find("\n", pos + 1)
    return doc
