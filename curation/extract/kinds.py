"""The kind of a quote (direct, mixed, indirect) read from its quotation marks.

One definition for every component that finds a content span (the learned cues, the rules' reported
speech, "NAME:" lines) and the same one the brat importer applies to gold (`split_content`), so that a
predicted kind and a gold kind mean the same thing.
"""

from __future__ import annotations

from curation import marks

_OPEN_MARKS = (marks.DOUBLED_BACKTICK, *marks.OPENERS)  # curation.marks: the one table
_CLOSE_MARKS = (marks.DOUBLED_APOSTROPHE, *marks.CLOSERS)


def kind_of(text: str, start: int, end: int) -> str:
    """direct / mixed / indirect for a content span, by its marks (those just outside count too)."""
    from curation.ingest.brat import split_content

    before = text[max(0, start - 2) : start].rstrip(" ")
    after = text[end : end + 2].lstrip(" ")
    if before.endswith(_OPEN_MARKS) and after.startswith(_CLOSE_MARKS):
        return "direct"
    shape, _ = split_content(text, start, end)
    return {"quoted": "direct", "partly_quoted": "mixed"}.get(shape, "indirect")
