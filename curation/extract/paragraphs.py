"""`curation_paragraphs`: a line break ends a sentence, before the parser runs.

News text puts headlines, captions and ads on their own lines without a full stop; the small
model's parser otherwise merges them into the next sentence, and a headline's noun becomes the
subject of the first paragraph's verb. Pre-set boundaries are respected by spaCy's parser.
"""

from __future__ import annotations

from spacy.tokens import Doc


def mark_line_starts(doc: Doc) -> Doc:
    """Set `is_sent_start` on the first token after each line break."""
    for token in doc[:-1]:
        if "\n" in token.text or "\n" in token.whitespace_:
            nxt = doc[token.i + 1]
            if not nxt.is_space:
                nxt.is_sent_start = True
    return doc
