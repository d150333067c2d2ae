"""Quoted fragments that are a verb's object: "chanted “What curfew?”" (someone's words, a direct
quote) and "branded him a “liar”" (the writer's sentence with someone's word in a slot, a mixed quote
over the object phrase, marks included)."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from curation import marks
from curation.extract import lexicon, syntax
from curation.extract.ranges import Enclosing, bounds
from curation.extract.types import Attribution, Mention

OBJECT_DEPS = ("dobj", "oprd", "ccomp", "xcomp", "attr")


def complete_utterance(fragment: Mention, root: Token) -> bool:
    """Capitalised, closed by sentence punctuation inside the marks, and the whole object phrase."""
    words = fragment.text.rstrip()
    return (
        words[:1].isupper()
        and words[-1:] in (".", "!", "?", ",")
        and root.left_edge.idx >= fragment.start - 2
        and root.right_edge.idx < fragment.end + 2
    )


def with_marks(text: str, root: Token, fragment: Mention) -> tuple[int, int]:
    """The object phrase around a quoted fragment ("a “Putin pact”"), its quotation marks included."""
    start = min(root.left_edge.idx, fragment.start)
    end = max(root.right_edge.idx + len(root.right_edge.text), fragment.end)
    while start > 0 and text[start - 1] in marks.OPENING + marks.CLOSING:
        start -= 1
    while end < len(text) and text[end] in marks.OPENING + marks.CLOSING:
        end += 1
    return start, end


def quoted_objects(
    doc: Doc, found: list[Attribution], fragments: list[Mention], score: float
) -> list[Attribution]:
    """A quoted fragment that is the object of a verb and not inside any attribution: a complete
    utterance ("chanted “What curfew?”") is a direct quote; words filling a slot of the writer's
    sentence ("branded him a “liar”") make a mixed quote over the object phrase, marks included."""
    out = []
    text = syntax.doc_index(doc).text  # doc.text joins every token on each access
    enclosing = Enclosing(found, bounds)
    for f in fragments:
        if enclosing.any(f.start, f.end):
            continue
        span = doc.char_span(f.start, f.end, alignment_mode="expand")
        if span is None:
            continue
        root, verb = span.root, span.root.head
        if root.dep_ not in OBJECT_DEPS or verb.i in range(span.start, span.end):
            continue
        if not (syntax.is_reporting_verb(verb) or verb.lemma_.lower() in lexicon.active().verbatim_verbs):
            continue  # "bought “War and Peace”": a title, not words someone said
        subject = syntax.subject_of(verb)
        if subject is None or syntax.expletive(subject):
            continue
        if complete_utterance(f, root):  # "chanted “What curfew?”": the object is what was said
            start, end, kind = f.start, f.end, "direct"
        else:
            start, end = with_marks(text, root, f)
            kind = "mixed"
        out.append(
            Attribution(
                start=start,
                end=end,
                text=text[start:end],
                kind=kind,
                score=score,
                speaker=syntax.as_mention(syntax.mention_span(subject)),
                cue=syntax.as_mention(syntax.cue_span(verb, with_object=False)),
                rule="direct_object",
            )
        )
    return out
