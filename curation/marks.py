"""Quotation marks: the one table every reader of quotes uses (the brat reader and boilerplate detection
in ingest, the extraction components, the quotes view, text export).

Curly marks say whether they open or close; straight ones (" and ') and the doubled marks of some
newspaper archives ('' for ” and `` for “) are read from their neighbours. Single marks (‘ ’ ') are
also apostrophes, so the quote readers pair double marks and look at single ones only where they must.
"""

from __future__ import annotations

import re

DOUBLE_OPEN = "\u201c\u201e\u201f\u00ab"  # “ „ ‟ «
DOUBLE_CLOSE = "\u201d\u00bb"  # ” »
SINGLE_OPEN = "\u2018"  # ‘
SINGLE_CLOSE = "\u2019"  # ’ (also the apostrophe)
STRAIGHT_DOUBLE = '"'
STRAIGHT_SINGLE = "'"
BACKTICK = "`"
DOUBLED_APOSTROPHE = "''"  # some newspaper archives write ” as '' (and “ as ``)
DOUBLED_BACKTICK = "``"

# Every one-character double mark; and every double mark, the two-character ones first (a reader that
# tries them in order finds '' before ').
DOUBLE = DOUBLE_OPEN + DOUBLE_CLOSE + STRAIGHT_DOUBLE
DOUBLE_MARKS: tuple[str, ...] = (DOUBLED_APOSTROPHE, DOUBLED_BACKTICK, *DOUBLE)
# Characters that may open or close a quote at its edge: the double marks of that side and the marks
# that do not say their side.
UNSIDED = STRAIGHT_DOUBLE + STRAIGHT_SINGLE + BACKTICK
OPENING = DOUBLE_OPEN + UNSIDED
CLOSING = DOUBLE_CLOSE + UNSIDED
# The same with single marks, where an apostrophe cannot be mistaken: after a sentence end, before a
# capital (where a text may be cut into sentences or pieces).
OPENERS = DOUBLE_OPEN + SINGLE_OPEN + STRAIGHT_DOUBLE + STRAIGHT_SINGLE
CLOSERS = DOUBLE_CLOSE + SINGLE_CLOSE + STRAIGHT_DOUBLE + STRAIGHT_SINGLE


def char_class(chars: str) -> str:
    """`chars` escaped for use inside a regular expression's [...]."""
    return "".join(re.escape(c) for c in chars)
