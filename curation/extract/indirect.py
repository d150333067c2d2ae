"""`curation_indirect_quotes`: reported speech found in the dependency parse, and mixed quotes.

- A reporting verb (lexicon) with a clausal complement: "Peskov said Moscow was awaiting ...",
  "Ushakov claimed on Thursday that ...", "Peskov told reporters ...", and the post-posed
  "..., the senator wrote" (the complement sits left of the verb). Content = the complement clause,
  without its "that" and without trailing background clauses (", where Ukraine launched ...").
- "According to X, ...": content = the rest of the sentence, speaker = X.
- Mixed (the convention in schemas/labels.yaml): when the content contains a quoted fragment
  (`doc._.quoted_fragments`), one QUOTE of kind "mixed" covers the whole clause, marks included.
Verbs inside a direct quote are skipped: the direct quote is the attribution there.
The verb's subject and the cue are set here; `curation_speakers` resolves pronouns and names.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from curation.extract import lexicon, syntax
from curation.extract.ranges import Enclosing, Ranges
from curation.extract.types import Attribution, Mention

BACKGROUND_WORDS = lexicon.words("where which while as when whereas who after before since")


def complement_of(verb: Token) -> Token | None:
    """The clausal complement carrying the reported content."""
    for child in verb.children:
        if child.dep_ == "ccomp":
            return child
    return None


def content_bounds(verb: Token, comp: Token, span: tuple[int, int] | None = None) -> tuple[int, int] | None:
    """Token range [start, end) of the reported clause, trimmed of "that", punctuation, background."""
    doc = verb.doc
    start, end = span or (comp.left_edge.i, comp.right_edge.i + 1)
    # A trailing background clause after a comma: ", where Ukraine launched ..." is the writer's.
    for tok in doc[start:end]:
        if (
            tok.i > comp.i
            and tok.dep_ in ("relcl", "advcl", "acl")
            and tok.right_edge.i + 1 >= end
            and tok.left_edge.i > start
            and _after_comma(doc, tok.left_edge.i)
            and (doc[tok.left_edge.i].lower_ in BACKGROUND_WORDS or _reporting_participle(tok))
        ):
            end = tok.left_edge.i - 1
            break
    while start < end and (doc[start].dep_ == "mark" and doc[start].lower_ in ("that", "if", "whether")):
        start += 1
    while start < end and (doc[start].is_punct and not _is_mark(doc[start]) or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct and not _is_mark(doc[end - 1]) or doc[end - 1].is_space):
        end -= 1
    if end - start < 2:
        return None
    return start, end


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
    while start < end and (doc[start].is_punct and not _is_mark(doc[start]) or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct and not _is_mark(doc[end - 1]) or doc[end - 1].is_space):
        end -= 1
    return doc[start:end] if end - start >= 2 else None


def postposed_content(verb: Token, subject: Token, sent: Span) -> Span | None:
    """ "Language unclear on X, experts say.": everything before the comma that precedes "experts say"
    when the parser found no clausal complement."""
    doc = verb.doc
    first = min(subject.left_edge.i, verb.i)
    rest = [t for t in doc[verb.i + 1 : sent.end] if not (t.is_punct or t.is_space)]
    if verb.dep_ != "ROOT" or first - 1 <= sent.start or doc[first - 1].text != "," or len(rest) > 4:
        return None
    start, end = sent.start, first - 1
    while start < end and (doc[start].is_punct and not _is_mark(doc[start]) or doc[start].is_space):
        start += 1
    return doc[start:end] if end - start >= 3 else None


def _after_comma(doc: Doc, i: int) -> bool:
    """A comma (or dash) just before token i, also when a closing quotation mark sits between."""
    j = i - 1
    if j > 0 and _is_mark(doc[j]):
        j -= 1
    return j >= 0 and (doc[j].text in (",", ";", "—", "–") or doc[j].text.endswith(","))


def _reporting_participle(token: Token) -> bool:
    """A trailing ", stating, “...”": a further attribution by the same speaker, not content."""
    return token.tag_ == "VBG" and syntax.is_reporting_verb(token)


def _is_mark(token: Token) -> bool:
    return token.text in (lexicon.DOUBLED_APOSTROPHE, lexicon.DOUBLED_BACKTICK) or (
        len(token.text) == 1
        and token.text in lexicon.DOUBLE_OPEN + lexicon.DOUBLE_CLOSE + lexicon.STRAIGHT_DOUBLE
    )


def according_to(token: Token, sent: Span) -> tuple[Span, Span, Span] | None:
    """(cue, source, content) for "according to X" in the token's sentence, or None."""
    if token.lower_ != "according":
        return None
    to = next((c for c in token.children if c.lower_ == "to"), None)
    if to is None or token.i + 1 >= len(token.doc) or token.doc[token.i + 1].lower_ != "to":
        return None
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    doc = token.doc
    phrase_start, phrase_end = token.i, pobj.right_edge.i + 1
    before = (sent.start, phrase_start)
    after = (phrase_end, sent.end)
    lo, hi = after if after[1] - after[0] >= before[1] - before[0] else before
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    while hi > lo and (doc[hi - 1].is_punct and not _is_mark(doc[hi - 1]) or doc[hi - 1].is_space):
        hi -= 1
    if hi - lo < 3:
        return None
    return doc[token.i : to.i + 1], syntax.mention_span(pobj), doc[lo:hi]


class IndirectQuotes:
    """Appends indirect and mixed quotes to `doc._.attributions`."""

    def __init__(self, nlp: Language, name: str, cognition: bool, nominal: bool, min_tokens: int) -> None:
        self.name = name
        self.cognition = cognition
        self.nominal = nominal
        self.index: syntax.DocIndex | None = None  # set per document in __call__
        self.fragments: Enclosing[Mention] = Enclosing([], _bounds)  # the document's, set in __call__
        self.min_tokens = min_tokens

    def __call__(self, doc: Doc) -> Doc:
        found: list[Attribution] = list(doc._.attributions or [])
        direct = [(a.start, a.end) for a in found if a.kind == "direct"]
        fragments: list[Mention] = list(doc._.quoted_fragments or [])
        self.index = syntax.doc_index(doc)
        self.fragments = Enclosing(fragments, _bounds)
        quoted = Ranges(direct + [(f.start, f.end) for f in fragments])  # verbs inside quotes are not cues
        direct_ranges = Ranges(direct)
        for token in doc:
            if token.idx in quoted:
                continue
            attribution = (
                self._from_verb(token, fragments)
                or self._from_noun(token, fragments)
                or self._from_according(token, fragments)
            )
            if attribution is None or _mostly_covered(attribution, direct_ranges):
                continue
            found.append(attribution)
        found += self._quoted_objects(doc, found, fragments)
        found += self._speaker_lines(doc, [a for a in found if a.kind == "direct"], fragments)
        found = _without_nested_weak(found)
        doc._.attributions = sorted(found, key=lambda a: (a.start, a.end))
        self.index = None
        return doc

    def _quoted_objects(
        self, doc: Doc, found: list[Attribution], fragments: list[Mention]
    ) -> list[Attribution]:
        """A quoted fragment that is the object of a verb and not inside any attribution: a complete
        utterance ("chanted “What curfew?”") is a direct quote; words filling a slot of the writer's
        sentence ("branded him a “liar”") make a mixed quote over the object phrase, marks included."""
        out = []
        enclosing = Enclosing(found, _bounds)
        for f in fragments:
            if enclosing.any(f.start, f.end):
                continue
            span = doc.char_span(f.start, f.end, alignment_mode="expand")
            if span is None:
                continue
            root, verb = span.root, span.root.head
            if root.dep_ not in OBJECT_DEPS or verb.i in range(span.start, span.end):
                continue
            if not (syntax.is_reporting_verb(verb) or verb.lemma_.lower() in lexicon.VERBATIM_VERBS):
                continue  # "bought “War and Peace”": a title, not words someone said
            subject = syntax.subject_of(verb)
            if subject is None or _expletive(subject):
                continue
            if _complete_utterance(f, root):  # "chanted “What curfew?”": the object is what was said
                start, end, kind = f.start, f.end, "direct"
            else:
                start, end = _with_marks(doc.text, root, f)
                kind = "mixed"
            out.append(
                Attribution(
                    start=start,
                    end=end,
                    text=doc.text[start:end],
                    kind=kind,
                    score=lexicon.SCORES["direct_object"],
                    speaker=syntax.as_mention(syntax.mention_span(subject)),
                    cue=syntax.as_mention(syntax.cue_span(verb, with_object=False)),
                    rule="direct_object",
                )
            )
        return out

    def _speaker_lines(
        self, doc: Doc, found: list[Attribution], fragments: list[Mention]
    ) -> list[Attribution]:
        """ "NAME: words" lines, unless the words are already a direct quote."""
        assert self.index is not None
        text = self.index.text
        taken = Ranges((a.start, a.end) for a in found)
        out = []
        pos = 0
        for line in text.split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            parts = speaker_line(text, start, end)
            if parts is None:
                continue
            s0, s1, c0, c1 = parts
            if taken.overlaps(c0, c1):
                continue
            inner = [f for f in self.fragments.overlapping(c0, c1) if c0 <= f.start and f.end <= c1]
            out.append(
                Attribution(
                    start=c0,
                    end=c1,
                    text=text[c0:c1],
                    kind="mixed" if inner else "indirect",
                    score=lexicon.SCORES["speaker_line"],
                    speaker=Mention(s0, s1, text[s0:s1]),
                    cue=Mention(s1, s1 + 1, ":"),
                    rule="speaker_line",
                )
            )
        return out

    def _from_verb(self, verb: Token, fragments: list[Mention]) -> Attribution | None:
        if verb.pos_ not in ("VERB", "AUX"):
            return None
        found = self._clausal(verb) or (self._nominal(verb) if self.nominal else None)
        if found is None:
            return None
        span, subject, rule = found
        if span.end - span.start < self.min_tokens or span.start <= subject.i < span.end:
            return None  # a subject inside the content is a misparse, not the speaker
        return self._attribution(span, rule, syntax.mention_span(subject), syntax.cue_span(verb), fragments)

    def _from_noun(self, noun: Token, fragments: list[Mention]) -> Attribution | None:
        """ "Trump's claim that Obama founded ISIS": a noun of saying with a that-clause; the owner
        (possessive or "by X") is the speaker, if any."""
        if noun.pos_ != "NOUN" or noun.lemma_.lower() not in lexicon.SPEECH_NOUNS:
            return None
        comp = next((c for c in noun.rights if c.dep_ in ("acl", "ccomp", "relcl") and _has_that(c)), None)
        if comp is None:
            return None
        bounds = content_bounds(noun, comp)
        if bounds is None or bounds[1] - bounds[0] < self.min_tokens:
            return None
        owner = noun_owner(noun)
        doc = noun.doc
        span = doc[bounds[0] : bounds[1]]
        speaker = syntax.mention_span(owner) if owner is not None else None
        return self._attribution(span, "indirect_noun", speaker, doc[noun.i : noun.i + 1], fragments)

    def _clausal(self, verb: Token) -> tuple[Span, Token, str] | None:
        """A reporting verb with a clausal complement: "X said (that) CLAUSE"."""
        if not syntax.is_reporting_verb(verb):
            return None
        speech = syntax.is_speech_verb(verb)
        if not speech and not self.cognition:
            return None
        comp = complement_of(verb)
        subject = syntax.subject_of(verb)
        if subject is None or _expletive(subject):
            return None
        if comp is None:
            assert self.index is not None
            around = parenthetical_content(verb) or postposed_content(verb, subject, self.index.sent(verb))
            if around is None:
                return None
            return around, subject, "indirect_speech" if speech else "indirect_cognition"
        bounds = content_bounds(verb, comp)
        if bounds is None:
            return None
        return verb.doc[bounds[0] : bounds[1]], subject, "indirect_speech" if speech else "indirect_cognition"

    def _nominal(self, verb: Token) -> tuple[Span, Token, str] | None:
        """The object is the content: "X criticized HIS FAILURE ...", "X pledged TO ...", "called for"."""
        lemma = verb.lemma_.lower()
        parts = []
        if lemma in lexicon.OBJECT_CONTENT_VERBS or lemma in lexicon.SPEECH_VERBS:
            parts += [c for c in verb.rights if c.dep_ in ("dobj", "oprd", "xcomp", "ccomp")]
            if parts:  # "likened RT TO THE BBC", "saw the comment AS A DIG"
                last = max(p.right_edge.i for p in parts)
                parts += [c for c in verb.rights if c.dep_ == "prep" and c.i == last + 1]
        if lemma in lexicon.INTENTION_VERBS:
            parts += [c for c in verb.rights if c.dep_ in ("xcomp", "dobj", "ccomp")]
        for prep in verb.rights:
            if (lemma, prep.lower_) in lexicon.PREPOSITIONAL_CUES:
                parts += [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
        subject = syntax.subject_of(verb)
        if not parts or subject is None or _expletive(subject) or subject.lower_ in ("that", "which", "this"):
            return None
        doc = verb.doc
        start = min(p.left_edge.i for p in parts)
        end = max(p.right_edge.i for p in parts) + 1
        bounds = content_bounds(verb, doc[start:end].root, (start, end))
        if bounds is None:
            return None
        return doc[bounds[0] : bounds[1]], subject, "indirect_object"

    def _from_according(self, token: Token, fragments: list[Mention]) -> Attribution | None:
        if token.lower_ != "according" or self.index is None:
            return None
        found = according_to(token, self.index.sent(token))
        if found is None:
            return None
        cue, source, content = found
        return self._attribution(content, "according_to", source, cue, fragments)

    def _attribution(
        self, span: Span, rule: str, speaker: Span | None, cue: Span, fragments: list[Mention]
    ) -> Attribution:
        start, end = span.start_char, span.end_char
        inner = self.fragments.overlapping(start, end)
        kind = "indirect"
        score = lexicon.SCORES[rule]
        if inner:
            kind, score = "mixed", max(score, lexicon.SCORES["mixed"])
            start = min(start, min(f.start - 1 for f in inner))
            end = max(end, max(f.end + 1 for f in inner))
        if speaker is not None and _passive_without_agent(speaker, cue):
            speaker = None  # "the losing side could be expected to ...": the topic, not a source
        text = self.index.text if self.index is not None else span.doc.text
        return Attribution(
            start=start,
            end=end,
            text=text[start:end],
            kind=kind,
            score=score,
            speaker=syntax.as_mention(speaker) if speaker is not None else None,
            cue=syntax.as_mention(cue),
            rule=rule if kind == "indirect" else "mixed",
        )


def _passive_without_agent(speaker: Span, cue: Span) -> bool:
    """A passive cue's subject is what is reported on, not who reports ("X is expected to", "X was
    described as"); only a "by" agent names the source, and without one the source is unstated."""
    return speaker.root.dep_ == "nsubjpass" and not any(c.dep_ == "agent" for c in cue.root.children)


OBJECT_DEPS = ("dobj", "oprd", "ccomp", "xcomp", "attr")
WEAK_RULES = ("indirect_object", "indirect_cognition", "indirect_speech", "indirect_noun", "mixed")


def _without_nested_weak(found: list[Attribution]) -> list[Attribution]:
    """Drop parse-found attributions whose cue sits inside another's content ("X said she PLANS to
    ..."): the outer one is what the annotator marks. Direct quotes, "according to" and "NAME:" lines
    are never dropped."""
    contents = Enclosing(found, _bounds)
    return [
        a
        for a in found
        if a.rule not in WEAK_RULES
        or a.cue is None
        or not any((b.start, b.end) != (a.start, a.end) for b in contents.all(a.cue.start, a.cue.start + 1))
    ]


def _complete_utterance(fragment: Mention, root: Token) -> bool:
    """Capitalised, closed by sentence punctuation inside the marks, and the whole object phrase."""
    words = fragment.text.rstrip()
    return (
        words[:1].isupper()
        and words[-1:] in (".", "!", "?", ",")
        and root.left_edge.idx >= fragment.start - 2
        and root.right_edge.idx < fragment.end + 2
    )


def _with_marks(text: str, root: Token, fragment: Mention) -> tuple[int, int]:
    """The object phrase around a quoted fragment ("a “Putin pact”"), its quotation marks included."""
    start = min(root.left_edge.idx, fragment.start)
    end = max(root.right_edge.idx + len(root.right_edge.text), fragment.end)
    marks = lexicon.DOUBLE_OPEN + lexicon.DOUBLE_CLOSE + lexicon.STRAIGHT_DOUBLE + "'`"
    while start > 0 and text[start - 1] in marks:
        start -= 1
    while end < len(text) and text[end] in marks:
        end += 1
    return start, end


def noun_owner(noun: Token) -> Token | None:
    """Who made the claim a noun of saying names: "Trump's claim", "the Times report", "warnings from
    his lawyer", "a claim by aides" (and "Trump claims that", a verb the tagger took for a noun)."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
    for child in noun.lefts:
        if child.dep_ in ("compound", "nmod", "nsubj") and child.pos_ == "PROPN":
            return child
    for prep in noun.rights:
        if prep.dep_ == "prep" and prep.lower_ in ("from", "by"):
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if pobj is not None and pobj.pos_ in ("PROPN", "NOUN", "PRON"):
                return pobj
    return None


def _has_that(clause: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children)


def _expletive(subject: Token) -> bool:
    """ "there", or an "it" that stands for nothing ("it is believed that", "it seems that")."""
    if subject.lower_ == "there" or subject.dep_ == "expl":
        return True
    if subject.lower_ != "it":
        return False
    verb = subject.head
    return verb.lemma_ in ("be", "seem", "appear") or any(c.dep_ == "auxpass" for c in verb.children)


def speaker_line(text: str, start: int, end: int) -> tuple[int, int, int, int] | None:
    """(speaker start, speaker end, content start, content end) of a "NAME: words" line, or None.

    Transcripts and headlines attribute with a colon ("PENCE: Well, look, ...", "Poll: Clinton and
    Trump in dead heat"); the name is one to four capitalised words at the start of the line.
    """
    m = SPEAKER_LINE.match(text, start, end)
    if m is None or m.group(1).split()[-1].lower() in lexicon.NOT_SPEAKER_WORDS:
        return None
    content_start, content_end = m.start(2), end
    while content_end > content_start and text[content_end - 1] in " \t.":
        content_end -= 1
    if content_end - content_start < 10:
        return None
    return m.start(1), m.end(1), content_start, content_end


SPEAKER_LINE = re.compile(r"[\"“'‘]?([A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}): +(\S.*)")


def _bounds(x: Attribution | Mention) -> tuple[int, int]:
    return x.start, x.end


def _mostly_covered(a: Attribution, ranges: Ranges) -> bool:
    """True when direct quotes already cover half of this content (the verb introduced them)."""
    return ranges.covered(a.start, a.end) >= 0.5 * (a.end - a.start)
