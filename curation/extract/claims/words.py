"""How the claim rules look a word up in a word list of the lexicon (`curation.extract.lexicon`), whatever
inflection the small model's lemmatizer left on it."""

from __future__ import annotations

from spacy.tokens import Token


def forms(token: Token) -> set[str]:
    """The lemma and crude de-inflections of the word: the small model's lemmatizer slips on verbs
    ("hopes" -> "hop"), and a lexicon lookup must not depend on it."""
    lower = token.lower_
    out = {token.lemma_.lower(), lower}
    for suffix, replacement in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", "")):
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            out.add(lower[: -len(suffix)] + replacement)
    return out


def is_a(token: Token, lexicon: frozenset[str]) -> bool:
    """Whether the word (in any of its forms) is in the lexicon."""
    return not forms(token).isdisjoint(lexicon)
