"""What a reporting verb reports: the token range of its content (the complement clause, the clause
around a parenthetical cue, the sentence before a post-posed "experts say"), and "according to X".

Pure functions over the parse: the content is trimmed of "that", punctuation (quotation marks kept)
and trailing background clauses (", where Ukraine launched ..."), which are the writer's.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from curation import marks
from curation.extract import lexicon, syntax
from curation.extract.kinds import kind_of
from curation.extract.types import Attribution


def complement_of(verb: Token) -> Token | None:
    """The clausal complement carrying the reported content."""
    for child in verb.children:
        if child.dep_ == "ccomp":
            return child
    return None


def content_bounds(
    verb: Token, comp: Token, span: tuple[int, int] | None = None, shortest: int = 2
) -> tuple[int, int] | None:
    """Token range [start, end) of the reported clause, trimmed of "that", punctuation, background;
    None when fewer than `shortest` tokens are left."""
    doc = verb.doc
    start, end = span or (comp.left_edge.i, comp.right_edge.i + 1)
    # A trailing background clause after a comma: ", where Ukraine launched ..." is the writer's.
    for tok in doc[start:end]:
        if (
            tok.i > comp.i
            and tok.dep_ in ("relcl", "advcl", "acl", "appos")
            and tok.right_edge.i + 1 >= end
            and tok.left_edge.i > start
            and after_comma(doc, tok.left_edge.i)
            and (
                doc[tok.left_edge.i].lower_ in lexicon.active().background_words
                or reporting_participle(tok)
                or _another_clause(tok)
            )
        ):
            end = tok.left_edge.i - 1
            break
    if verb.i < start:
        end = _before_semicolon(doc, start, end)
    while start < end and (doc[start].dep_ == "mark" and doc[start].lower_ in ("that", "if", "whether")):
        start += 1
    start, end = _strip(doc, start, end)
    if end - start < shortest:
        return None
    return start, end


# First words of a trailing concessive clause (", although he declined to publish ..."): the writer's
# comment on the speaker, not what was reported. In code, not in the lexicon, so that the models saved
# with an older lexicon read it too.
CONCESSIVE = frozenset({"although", "though"})


def _another_clause(tok: Token) -> bool:
    """A trailing clause that is no part of the content: a concessive one, or a participle clause or an
    apposition with a report of its own, by a source of its own (", contradicting the sheriff's earlier
    CLAIM that ...", ", engaging in what critics DESCRIBED as ...", 'a "joke," a string of posts that
    included one SAYING that ...'); not one whose conjoined participle reports (", shifting his focus
    and ADMITTING that ..."): that is the same speaker going on."""
    if tok.doc[tok.left_edge.i].lower_ in CONCESSIVE:
        return True
    if tok.dep_ != "appos" and (tok.tag_ != "VBG" or tok.dep_ != "advcl"):
        return False
    inside = [t for t in tok.subtree if t is not tok]
    words = lexicon.active().attribution_words
    reports = any(t.lemma_.lower() in words and not (t.dep_ == "conj" and t.head is tok) for t in inside)
    return reports and any(t.dep_ in syntax.SUBJECT_DEPS for t in inside)


def _before_semicolon(doc: Doc, start: int, end: int) -> int:
    """`end`, or the first ";" in doc[start:end] that a clause with its own subject follows ("said the
    delay was not deliberate; they heard of the deal on Monday"): the second clause is the writer's."""
    for tok in doc[start + 1 : end - 1]:
        after = doc[tok.i + 1]
        if tok.text == ";" and after.dep_ in syntax.SUBJECT_DEPS and after.head.i > after.i:
            return tok.i
    return end


def parenthetical_content(verb: Token) -> Span | None:
    """ "The economy, he said, is growing": the clause around a parenthetical cue (the longer side)."""
    if verb.dep_ != "parataxis" or verb.head is verb:
        return None
    doc = verb.doc
    head = verb.head
    lo, hi = head.left_edge.i, head.right_edge.i + 1
    inner_lo, inner_hi = verb.left_edge.i, verb.right_edge.i + 1
    left, right = (lo, inner_lo), (inner_hi, hi)
    start, end = right if right[1] - right[0] >= left[1] - left[0] else left
    start, end = _strip(doc, start, end)
    return doc[start:end] if end - start >= 2 else None


def block_content(verb: Token) -> Span | None:
    """ "The governor added:" ending its paragraph, and the next paragraph in no quotation marks (a
    block quote): that paragraph, at least 3 tokens. One that opens with a mark is a direct quote,
    the direct component's."""
    doc = verb.doc
    i = verb.i + 1
    if i + 1 >= len(doc) or doc[i].text != ":" or "\n" not in doc[i + 1].text:
        return None
    start = i + 1
    while start < len(doc) and doc[start].is_space:
        start += 1
    end = start
    while end < len(doc) and not (doc[end].is_space and "\n" in doc[end].text):
        end += 1
    if start >= len(doc) or doc[start].text[0] in marks.OPENERS:
        return None
    start, end = _strip(doc, start, end)
    return doc[start:end] if end - start >= 3 else None


def postposed_content(verb: Token, subject: Token, sent: Span) -> Span | None:
    """ "Language unclear on X, experts say.": everything before the comma that precedes "experts say"
    when the parser found no clausal complement, and that part is no FRONTED modifier of the verb."""
    doc = verb.doc
    first = min(subject.left_edge.i, verb.i)
    rest = [t for t in doc[verb.i + 1 : sent.end] if not (t.is_punct or t.is_space)]
    if verb.dep_ != "ROOT" or first - 1 <= sent.start or doc[first - 1].text != "," or len(rest) > 4:
        return None
    start, end = sent.start, first - 1
    while start < end and _loose(doc[start]):
        start += 1
    if end - start < 3 or doc[start:end].root.dep_ in FRONTED:
        return None
    return doc[start:end]


# The roots of a part before the comma that modifies the verb after it, not said by its subject: "AT
# Monday's debate, Trump mentioned ...", "IF we don't have it, we're going to ...", "BUT when Congress
# cut funding, ...", "One after another, ... declared bankruptcy" (npadvmod). PolNeAR dev: of the parts
# before a post-posed subject and verb with these roots, 10 of 74 were a gold content (other roots: 36 of 44).
FRONTED = frozenset({"prep", "advcl", "cc", "npadvmod", "intj", "advmod"})


def after_comma(doc: Doc, i: int) -> bool:
    """A comma (or dash) just before token i, also when a closing quotation mark sits between."""
    j = i - 1
    if j > 0 and is_mark(doc[j]):
        j -= 1
    return j >= 0 and (doc[j].text in (",", ";", "—", "–", "--") or doc[j].text.endswith(","))


def reporting_participle(token: Token) -> bool:
    """A trailing ", stating, “...”": a further attribution by the same speaker, not content."""
    return token.tag_ == "VBG" and syntax.is_reporting_verb(token)


def is_mark(token: Token) -> bool:
    return token.text in marks.DOUBLE_MARKS


def according_to(token: Token, sent: Span) -> tuple[Span, Span, Span] | None:
    """(cue, source, content) for "according to X" in the token's sentence, or None."""
    if token.lower_ != "according":
        return None
    to = next((c for c in token.children if c.lower_ == "to"), None)
    if to is None or token.i + 1 >= len(token.doc) or token.doc[token.i + 1].lower_ != "to":
        return None
    # "according to show insiders": the parser took "show" for a verb (pcomp)
    pobj = next((c for c in to.children if c.dep_ in ("pobj", "pcomp")), None)
    if pobj is None:
        return None
    doc = token.doc
    phrase_start, phrase_end = token.i, _source_end(token, pobj)
    before = (sent.start, phrase_start)
    after = (phrase_end, sent.end)
    lo, hi = after if after[1] - after[0] >= before[1] - before[0] else before
    lo = _contrasted_clause(token.head, lo, hi)
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    while hi > lo and _loose(doc[hi - 1]):
        hi -= 1
    if hi - lo < 3:
        return None
    return doc[token.i : to.i + 1], syntax.mention_span(pobj), doc[lo:hi]


def after_reports(content: Span, cue: Span, reports: list[Attribution]) -> Span:
    """The content of a post-posed "according to X" (`cue` after `content`) that holds another report,
    a cue followed by its own content ("The campaign announced that it hired Y, who has long backed
    Z, according to X"): what follows the last such content ("who has long backed Z"), when that is a
    clause (a subject and its verb: not the rest of a noun phrase, ", one filmed by ...") of at least
    3 tokens; else `content` whole. PolNeAR never nests contents, and the cue inside is the
    annotators' attribution of its part: "according to" reports what is left."""
    doc = content.doc
    if cue.start < content.end:
        return content
    start, end = content.start_char, content.end_char
    inner = [
        a.end
        for a in reports
        if a.cue is not None and a.kind != "direct" and start <= a.cue.start < a.start and a.end < end
    ]
    if not inner:
        return content
    lo = next((t.i for t in content if t.idx >= max(inner)), content.end)
    lo, hi = _strip(doc, lo, content.end)
    clause = any(t.dep_ in syntax.SUBJECT_DEPS and lo <= t.head.i < hi for t in doc[lo:hi])
    return doc[lo:hi] if hi - lo >= 3 and clause else content


def _contrasted_clause(clause: Token, lo: int, hi: int) -> int:
    """`lo`, or the start of the clause "according to" hangs on when a ", but" joins it, with its own
    subject, to the clause before ("The mayor is not running again, but his budget will be the main
    issue, according to X"): the clause before "but" is not the source's."""
    if not lo < clause.i < hi or clause.dep_ != "conj" or not _own_subject(clause):
        return lo
    if any(c.dep_ == "cc" and c.lower_ == "but" and c.i < clause.left_edge.i for c in clause.head.children):
        return max(lo, clause.left_edge.i)
    return lo


def _source_end(token: Token, pobj: Token) -> int:
    """Where the source after "according to" ends: its subtree's end, or its first comma when the
    phrase opens the sentence and that subtree runs to its end ("According to the pollster Ann Vega, the
    plan smells of panic": the parser hung the sentence on the name, and nothing was left to report)."""
    doc = pobj.doc
    end = pobj.right_edge.i + 1
    sent = syntax.sentence(pobj)
    around = [*doc[sent.start : token.i], *doc[end : sent.end]]
    comma = next((t.i for t in doc[pobj.i + 1 : end] if t.text == ","), None)
    if comma is not None and all(t.is_punct or t.is_space for t in around):
        return comma
    return end


# The parse's relations of a cue word to the content it sits in when it is a further report of the
# same speaker, not speech reported inside that content: a conjoined verb, a participle clause.
SIBLING_DEPS = frozenset({"conj", "advcl"})


def sibling_report(cue: Token) -> bool:
    """A cue conjoined to the verb above it, or a participle clause ("..., ADDING that"); not a clause
    with its own conjunction or "to" ("WHEN he said", "because they asked", "to assert"), inside."""
    if cue.dep_ == "advcl":
        return cue.tag_ == "VBG" and not any(c.dep_ in ("mark", "aux", "nsubj") for c in cue.children)
    return cue.dep_ in SIBLING_DEPS


def cut_before(outer: Attribution, cue: Token, content: tuple[int, int]) -> Attribution | None:
    """`outer` ending before the clause of `cue`, a sibling report the parser hung inside outer's
    content ("said [it was opposed to the test] AND WARNED North Korea to ...", "told the group,
    ADDING that ..."), whose own content (characters) follows it; None when the cue is no sibling
    (nested speech), its content lies before it or is words in marks (the outer's quoted words),
    `outer` is a direct quote, or too little of it is left."""
    doc = cue.doc
    text = syntax.doc_index(doc).text
    if not sibling_report(cue) or outer.kind == "direct" or content[0] <= cue.idx:
        return None
    if kind_of(text, content[0], content[1]) == "direct":
        return None
    stop = _end_before(doc, min(cue.left_edge.i, cue.i), _trailing)
    kept = doc.char_span(outer.start, stop, alignment_mode="expand") if stop > outer.start else None
    if kept is None or len(kept) < 2:
        return None
    return replace(outer, end=stop, text=text[outer.start : stop], kind=kind_of(text, outer.start, stop))


def _end_before(doc: Doc, end: int, trailing: Callable[[Token], bool]) -> int:
    """The character end of doc[:end] once the tokens `trailing` says a content does not end on are
    dropped from its end; 0 when none is left."""
    while end > 0 and trailing(doc[end - 1]):
        end -= 1
    return doc[end - 1].idx + len(doc[end - 1]) if end > 0 else 0


def _loose(token: Token) -> bool:
    """What no content starts or ends on: punctuation other than quotation marks, whitespace."""
    return (token.is_punct and not is_mark(token)) or token.is_space


def _strip(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """doc[start:end] without the `_loose` tokens at either end."""
    while start < end and _loose(doc[start]):
        start += 1
    while end > start and _loose(doc[end - 1]):
        end -= 1
    return start, end


def _trailing(token: Token) -> bool:
    """What a content does not end on when cut before a further report: ", and", " -- " (marks stay)."""
    return _loose(token) or token.dep_ == "cc"


# The dependents of a cue word, after the content the parse gave it, that the content runs on over: a
# further argument the parser hung on the cue ("linked the breach TO THE SERVER", "praised the mayor
# FOR ...", "complained about his mic THE MORNING AFTER"), a conjoined verb with no subject of its own
# ("has mentioned cutting fees AND FORCING ...") and its "and", a second clausal complement ("said the
# budget was balanced, THE DEFICIT WAS GONE"). PolNeAR dev, s9 model, eval-only: of ~40 predictions
# covering less than 0.3 of a gold quote, 15 then match; exact-boundary F1 rises too.
RUN_ON_DEPS = frozenset({"prep", "npadvmod", "conj", "ccomp"})


def run_on(doc: Doc, found: list[Attribution]) -> list[Attribution]:
    """`found` with each reported content that ends before more of its cue's arguments (`RUN_ON_DEPS`)
    running on to their end, but never over another attribution's cue or content: an annotator marks
    what the cue governs, and the parse often hangs the rest of it on the cue, not on the content."""
    starts = sorted(s for a in found for s in (a.start, *((a.cue.start,) if a.cue is not None else ())))
    return [_run_on(doc, _over_split(doc, a, starts), starts) for a in found]


def _over_split(doc: Doc, a: Attribution, starts: list[int]) -> Attribution:
    """`a` run on over the rest of a sentence the parser split off mid-clause, between two words with
    no punctuation ("X cited the harsh remarks | Lee had made about the team"): its content ends at
    the split, and the words after it are the rest of its object."""
    if a.kind == "direct":
        return a
    span = doc.char_span(a.start, a.end, alignment_mode="expand")
    last = span[-1] if span is not None and len(span) else None
    if last is None or not last.is_alpha or last.i + 1 >= len(doc) or last.idx + len(last) != a.end:
        return a
    following = doc[last.i + 1]
    if not following.is_alpha or syntax.sentence(last).end != following.i:
        return a
    words = [t for t in syntax.sentence(following) if not t.is_punct and not t.is_space]
    end = words[-1].idx + len(words[-1])
    nxt = bisect.bisect_left(starts, a.end)
    if nxt < len(starts) and starts[nxt] < end:  # never over another attribution
        return a
    text = syntax.doc_index(doc).text
    return replace(a, end=end, text=text[a.start : end], kind=kind_of(text, a.start, end))


def _run_on(doc: Doc, a: Attribution, starts: list[int]) -> Attribution:
    """`a` with its content run on over its cue's further arguments, up to the next of `starts`."""
    cue = syntax.mention_root(doc, a.cue) if a.kind != "direct" and a.cue is not None else None
    if cue is None or cue.idx >= a.start:
        return a
    nxt = bisect.bisect_left(starts, a.end)
    limit = starts[nxt] if nxt < len(starts) else len(syntax.doc_index(doc).text)
    sent_end = syntax.sentence(cue).end
    end = None
    for child in cue.rights:
        if child.idx < a.end or child.is_punct or child.i >= sent_end or child.dep_ == "cc":
            continue
        if (
            child.dep_ not in RUN_ON_DEPS
            or _own_subject(child)
            and (child.dep_ == "conj" or _after_semicolon(child))
        ):
            break
        last = child.right_edge
        if last.idx + len(last) > limit:
            break
        end = last.i + 1
    if end is None:
        return a
    stop = _end_before(doc, end, _loose)
    if stop <= a.end:
        return a
    text = syntax.doc_index(doc).text
    return replace(a, end=stop, text=text[a.start : stop], kind=kind_of(text, a.start, stop))


def _after_semicolon(verb: Token) -> bool:
    """A clause after a ";" ("...; they only heard of it on Monday"): the writer's, not a further
    argument of the cue before it."""
    return any(c.text == ";" and c.i < verb.i for c in verb.children)


def _own_subject(verb: Token) -> bool:
    """A conjoined clause with a subject of its own ("..., and the downgrade is casting ...")."""
    return any(c.dep_ in syntax.SUBJECT_DEPS for c in verb.children)
