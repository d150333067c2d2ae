"""Clause structure, pure functions over the parse: where a clause starts, what splits off it, what
is trimmed from its edges."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from curation.extract import lexicon
from curation.extract.claims.words import is_a

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})


CLAUSE_POS = frozenset({"VERB", "AUX"})


FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


CORE_COMPLEMENTS = frozenset({"dobj", "ccomp", "xcomp", "attr", "acomp", "oprd", "dative", "pcomp"})


LEADING_DEPS = frozenset({"cc", "mark", "punct", "preconj"})


TRAILING_DEPS = frozenset({"cc", "mark", "punct", "preconj", "prep"})


def has_subject(token: Token) -> bool:
    return any(child.dep_ in SUBJECT_DEPS for child in token.children)


def after_comma(token: Token) -> bool:
    """Whether the subtree of `token` directly follows a comma (a non-restrictive, tacked-on clause)."""
    first = token.left_edge.i
    return first > 0 and token.doc[first - 1].text == ","


def is_finite_conjunct(token: Token) -> bool:
    """A conjoined verb that asserts on its own: it has a subject, a finite form or its own auxiliary,
    and the first conjunct is complete without it ("has been and remains X" is one assertion)."""
    head = token.head
    if token.dep_ != "conj" or token.pos_ not in CLAUSE_POS or head.pos_ not in CLAUSE_POS:
        return False
    own_aux = any(child.dep_ in ("aux", "auxpass") for child in token.children)
    if not (has_subject(token) or token.tag_ in FINITE_TAGS or own_aux):
        return False
    first_complete = any(
        head.i < child.i < token.i and child.dep_ not in ("cc", "punct", "conj", "neg", "advmod")
        for child in head.children
    )
    return first_complete or has_subject(token)


def is_finite_adjunct(token: Token, head: Token) -> bool:
    """A finite clause tacked on after a comma (", as Russia has claimed to have recaptured ...")."""
    return token.dep_ == "advcl" and has_subject(token) and token.i > head.i and after_comma(token)


def is_participle_adjunct(token: Token, head: Token) -> bool:
    """A participle tacked on after the clause, asserting more (", making gains by capturing ...")."""
    return (
        token.dep_ == "advcl"
        and token.tag_ in ("VBG", "VBN")
        and not has_subject(token)
        and token.i > head.i
        and after_comma(token)
    )


def split_children(head: Token, split_conjuncts: bool) -> list[Token]:
    """Children of `head` that start clauses of their own (and so leave `head`'s span)."""
    out: list[Token] = []
    for child in head.children:
        if (
            (split_conjuncts and is_finite_conjunct(child))
            or (child.dep_ in ("ccomp", "parataxis") and is_a(head, lexicon.active().speech_verbs))
            or is_participle_adjunct(child, head)
            or is_finite_adjunct(child, head)
        ):
            out.append(child)
    # A trailing non-restrictive relative clause ("..., who informed him that ...") hangs off a noun
    # of this clause and asserts something of its own. One in the middle stays: it is background.
    out.extend(
        tok
        for tok in head.subtree
        if tok.dep_ == "relcl" and tok.i > head.i and after_comma(tok) and _clause_owner(tok) == head
    )
    return out


def background_children(head: Token) -> list[Token]:
    """Adverbial clauses before the subject ("While talks continue, ...", "As X said, ..."): context
    the writer sets up, not part of the assertion."""
    return [
        child
        for child in head.children
        if child.dep_ == "advcl"
        and child.i < head.i
        and child.right_edge.i + 1 < len(child.doc)
        and child.doc[child.right_edge.i + 1].text == ","
    ]


def _clause_owner(token: Token) -> Token:
    """The nearest ancestor that heads a clause (verb or copula)."""
    for ancestor in token.ancestors:
        if ancestor.pos_ in CLAUSE_POS:
            return ancestor
    return token


def is_frame(head: Token, split: list[Token], cues: set[int]) -> bool:
    """`head` only frames reported speech ("he said", "who informed him"): the content is elsewhere.

    `cues` holds the character offsets of the cues the quote components found.
    """
    if head.idx in cues:
        return True
    if not is_a(head, lexicon.active().speech_verbs):
        return False
    return any(child.dep_ in ("ccomp", "parataxis") for child in split) or any(
        tok.is_quote for tok in head.subtree
    )


def clause_tokens(head: Token, split: list[Token]) -> list[Token]:
    """`head`'s subtree without the split-off clauses and leading background, in text order."""
    removed: set[int] = set()
    for child in split + background_children(head):
        removed.update(t.i for t in child.subtree)
        # the "and"/"," that joined a split conjunct belongs to neither side
        if child.dep_ == "conj":
            removed.update(t.i for t in child.head.children if t.dep_ == "cc" and t.i < child.i)
    # The clause is the unbroken run of kept tokens around the head: what lies beyond a split-off
    # clause is that clause's business, or background.
    doc = head.doc
    first, last = head.i, head.i
    lo, hi = head.left_edge.i, head.right_edge.i
    while first - 1 >= lo and first - 1 not in removed:
        first -= 1
    while last + 1 <= hi and last + 1 not in removed:
        last += 1
    return [doc[i] for i in range(first, last + 1)]


def is_punctuation(token: Token) -> bool:
    """Punctuation by the tagger, not by the lexeme: "%" in "5%" is a word (spaCy flags it is_punct)."""
    return token.pos_ == "PUNCT" or token.dep_ == "punct"


def trim(tokens: list[Token]) -> list[Token]:
    """Drop leading connectives/marks/punctuation and trailing punctuation/conjunctions."""
    start, end = 0, len(tokens)
    while start < end and (
        tokens[start].dep_ in LEADING_DEPS
        or tokens[start].lower_ in lexicon.active().connectives
        or is_punctuation(tokens[start])
        or tokens[start].is_space
    ):
        start += 1
    while end > start and (
        tokens[end - 1].dep_ in TRAILING_DEPS or is_punctuation(tokens[end - 1]) or tokens[end - 1].is_space
    ):
        end -= 1
    return tokens[start:end]


def modal_of(head: Token) -> Token | None:
    """A modal auxiliary on the clause (or inherited by a conjunct or participle without its own)."""
    for child in head.children:
        if child.dep_ == "aux" and (
            child.tag_ == "MD" or child.lemma_.lower() in lexicon.active().modal_lemmas
        ):
            return child
    own_aux = any(child.dep_ in ("aux", "auxpass") for child in head.children)
    inherits = head.dep_ == "conj" or (head.dep_ == "advcl" and head.tag_ in ("VBG", "VBN"))
    if inherits and not own_aux and not has_subject(head) and head.head.pos_ in CLAUSE_POS:
        return modal_of(head.head)  # "may push forward, further prolonging the war": still may
    return None


def next_word(token: Token) -> str:
    """The text of the first token after `token` that is not a quotation mark or a space."""
    doc = token.doc
    for i in range(token.i + 1, len(doc)):
        if not (doc[i].is_quote or doc[i].is_space):
            return doc[i].text
    return ""


def clause_heads(roots: list[Token], split_conjuncts: bool) -> Iterator[tuple[Token, list[Token]]]:
    """Every clause head under `roots` with the children split off from it, roots first."""
    stack = list(reversed(roots))
    seen: set[int] = set()
    while stack:
        head = stack.pop()
        if head.i in seen:
            continue
        seen.add(head.i)
        split = split_children(head, split_conjuncts)
        yield head, split
        stack.extend(reversed(split))
