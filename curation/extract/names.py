"""Canonical speaker names: the fullest name a document uses for a person, cleaned.

"President Trump" -> "Donald Trump" when "Donald Trump" appears; "Donald Trump's" -> "Donald Trump";
"[Marco] Rubio" -> "Marco Rubio". Pure functions over strings, so they are tested without a model.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from curation.extract import lexicon

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_BRACKETS = re.compile(r"[\[\]]")


def clean_name(name: str) -> str:
    """Drop editor's brackets, a trailing possessive, leading articles and titles."""
    words = _BRACKETS.sub("", name).split()
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1])
    words = [w for w in words if w]
    while len(words) > 1 and (
        words[0].lower() in lexicon.active().titles or words[0].lower() in ("the", "a", "an")
    ):
        words = words[1:]
    return " ".join(words)


class NameIndex:
    """All person names of one document, grouped by surname, to answer "fullest name for X"."""

    def __init__(self, names: Iterable[str]) -> None:
        self._counts: Counter[str] = Counter(n for n in (clean_name(x) for x in names) if n)

    def knows(self, name: str) -> bool:
        """Whether a person with this surname is named in the document."""
        words = clean_name(name).split()
        return bool(words) and any(full.split()[-1] == words[-1] for full in self._counts)

    def canonical(self, name: str) -> str:
        """The most used, then longest, name in the document that ends like `name` and contains it."""
        cleaned = clean_name(name)
        words = cleaned.split()
        if not words:
            return cleaned
        candidates = [
            full
            for full in self._counts
            if full.split()[-1] == words[-1] and _contains_words(full.split(), words)
        ]
        if not candidates:
            return cleaned
        longest = max(len(c.split()) for c in candidates)
        full_names = [c for c in candidates if len(c.split()) == longest]
        return max(full_names, key=lambda c: (self._counts[c], len(c)))


def _contains_words(full: list[str], part: list[str]) -> bool:
    """Every word of `part` appears in `full`, in order ("Trump" in "Donald Trump")."""
    it = iter(full)
    return all(any(w == f for f in it) for w in part)
