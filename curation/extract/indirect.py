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

The content spans come from `curation.extract.reported_content`, quoted objects ("branded him a
“liar”") from `curation.extract.quoted_objects`, "NAME: words" lines from
`curation.extract.speaker_lines`; this module finds the cues and merges what they report.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from curation import marks
from curation.extract import lexicon, syntax
from curation.extract.kinds import kind_of
from curation.extract.lexicon import WithLexicon
from curation.extract.quoted_objects import quoted_objects
from curation.extract.ranges import Enclosing, Ranges, bounds
from curation.extract.reported_content import (
    according_to,
    after_reports,
    block_content,
    complement_of,
    content_bounds,
    cut_before,
    parenthetical_content,
    postposed_content,
    run_on,
)
from curation.extract.speaker_lines import speaker_lines
from curation.extract.types import Attribution, Mention

# How likely each rule's quote is right: the share of its quotes that match gold on the development
# corpus (checked per score bucket by bench/attribution.py). The component's `scores` config; these are
# its defaults. A quote with a quoted fragment inside is "mixed" (one-to-one matching often pairs the
# gold clause with an overlapping prediction, hence its lower score).
RULE_SCORES: dict[str, float] = {
    "indirect_speech": 0.9,
    "according_to": 0.9,
    "indirect_object": 0.72,
    "indirect_cognition": 0.7,
    "indirect_noun": 0.7,
    "speaker_line": 0.7,
    "direct_object": 0.65,
    "mixed": 0.6,
}


class IndirectQuotes(WithLexicon):
    """Appends indirect and mixed quotes to `doc._.attributions`."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        cognition: bool,
        nominal: bool,
        min_tokens: int,
        scores: dict[str, float],
        covered_share: float,
    ) -> None:
        super().__init__()
        self.name = name
        self.scores = scores
        self.covered_share = covered_share
        self.cognition = cognition
        self.nominal = nominal
        self.index: syntax.DocIndex | None = None  # set per document in __call__
        self.fragments: Enclosing[Mention] = Enclosing([], bounds)  # the document's, set in __call__
        self.min_tokens = min_tokens

    def annotate(self, doc: Doc) -> Doc:
        found: list[Attribution] = list(doc._.attributions or [])
        direct = [(a.start, a.end) for a in found if a.kind == "direct"]
        fragments: list[Mention] = list(doc._.quoted_fragments or [])
        self.index = index = syntax.doc_index(doc)
        self.fragments = Enclosing(fragments, bounds)
        quoted = Ranges(direct + [(f.start, f.end) for f in fragments])  # verbs inside quotes are not cues
        direct_ranges = Ranges(direct)
        for token in doc:
            if token.idx in quoted:
                continue
            attribution = (
                self._from_verb(token, fragments)
                or self._from_noun(token, fragments)
                or self._from_according(token, fragments, found)
            )
            if attribution is None or _mostly_covered(attribution, direct_ranges, self.covered_share):
                continue
            found.append(attribution)
        found += quoted_objects(doc, found, fragments, self.scores["direct_object"])
        # a transcript's turn is a quote the direct component found and named (curation.extract.direct)
        taken = [a for a in found if a.kind == "direct" or a.rule == "speaker_line"]
        found += speaker_lines(index.text, taken, self.fragments, self.scores["speaker_line"])
        found = run_on(doc, _without_nested_weak(doc, found))
        doc._.attributions = sorted(found, key=lambda a: (a.start, a.end))
        self.index = None
        return doc

    def _from_verb(self, verb: Token, fragments: list[Mention]) -> Attribution | None:
        if verb.pos_ not in ("VERB", "AUX"):
            return None
        found = self._clausal(verb) or (self._nominal(verb) if self.nominal else None)
        if found is None:
            return None
        span, subject, rule = found
        subject = syntax.as_clause_source(verb) or subject  # "..., as police have said"
        if not self._long_enough(span, rule, verb) or syntax.misparsed_source(span, subject, verb):
            return None  # a subject inside the content is a misparse, not the speaker
        return self._attribution(span, rule, syntax.mention_span(subject), syntax.cue_span(verb), fragments)

    def _long_enough(self, span: Span, rule: str, verb: Token) -> bool:
        """At least min_tokens, or a one-word noun object of a verb that takes its content as object:
        "the paper endorsed Clinton", "the chain declared bankruptcy" (PolNeAR marks the noun). Not a
        pronoun ("asking HER", "mentioned IT" say nothing), and not under "according to", where a noun
        the parser took for a verb ("according to SHOW insiders") has its object."""
        if span.end - span.start >= self.min_tokens:
            return True
        return (
            rule == "indirect_object"
            and len(span) == 1
            and span.root.pos_ in ("NOUN", "PROPN")
            and not any(t.lower_ == "according" for t in verb.ancestors)
        )

    def _from_noun(self, noun: Token, fragments: list[Mention]) -> Attribution | None:
        """ "Trump's claim that Obama founded ISIS": a noun of saying with a that-clause; the owner
        (possessive or "by X") is the speaker, if any."""
        if noun.pos_ != "NOUN" or noun.lemma_.lower() not in lexicon.active().speech_nouns:
            return None
        comp = next((c for c in noun.rights if c.dep_ in ("acl", "ccomp", "relcl") and _has_that(c)), None)
        if comp is None:
            return None
        bounds = content_bounds(noun, comp)
        if bounds is None or bounds[1] - bounds[0] < self.min_tokens:
            return None
        owner = syntax.noun_source(noun)
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
        if subject is None or syntax.expletive(subject):
            return None
        if comp is None:
            assert self.index is not None
            around = (
                parenthetical_content(verb)
                or postposed_content(verb, subject, self.index.sent(verb))
                or (block_content(verb) if speech else None)
            )
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
        if lemma in lexicon.active().object_content_verbs or lemma in lexicon.active().speech_verbs:
            parts += [c for c in verb.rights if c.dep_ in ("dobj", "oprd", "xcomp", "ccomp")]
            if parts:  # "likened RT TO THE BBC", "saw the comment AS A DIG"
                last = max(p.right_edge.i for p in parts)
                parts += [c for c in verb.rights if c.dep_ == "prep" and c.i == last + 1]
        if lemma in lexicon.active().intention_verbs:
            parts += [c for c in verb.rights if c.dep_ in ("xcomp", "dobj", "ccomp")]
        for prep in verb.rights:
            if (lemma, prep.lower_) in lexicon.active().prepositional_cues:
                parts += [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
        subject = syntax.subject_of(verb)
        if (
            not parts
            or subject is None
            or syntax.expletive(subject)
            or subject.lower_ in ("that", "which", "this")
        ):
            return None
        doc = verb.doc
        start = min(p.left_edge.i for p in parts)
        end = max(p.right_edge.i for p in parts) + 1
        bounds = content_bounds(verb, doc[start:end].root, (start, end), shortest=1)
        if bounds is None:
            return None
        return doc[bounds[0] : bounds[1]], subject, "indirect_object"

    def _from_according(
        self, token: Token, fragments: list[Mention], before: list[Attribution]
    ) -> Attribution | None:
        """ "according to X": the rest of its sentence, or of it what follows the reports found
        `before` in it (reported_content.after_reports)."""
        if token.lower_ != "according" or self.index is None:
            return None
        found = according_to(token, self.index.sent(token))
        if found is None:
            return None
        cue, source, content = found
        content = after_reports(content, cue, before)
        return self._attribution(content, "according_to", source, cue, fragments)

    def _attribution(
        self, span: Span, rule: str, speaker: Span | None, cue: Span, fragments: list[Mention]
    ) -> Attribution:
        start, end = span.start_char, span.end_char
        inner = self.fragments.overlapping(start, end)
        kind = "indirect"
        score = self.scores[rule]
        text = self.index.text if self.index is not None else span.doc.text
        if inner:
            kind, score = "mixed", max(score, self.scores["mixed"])
            start = min(start, min(f.start - 1 for f in inner))
            end = max(end, max(f.end + 1 for f in inner))
        elif kind_of(text, start, end) == "mixed":  # marks no fragment holds: ‘...’ in a headline, ''...''
            kind, score = "mixed", max(score, self.scores["mixed"])
        elif start > 0 and text[start - 1] in marks.OPENERS and kind_of(text, start - 1, end) == "mixed":
            # "‘Grim’ news, he says": the parse's bounds left out the opening single mark
            kind, score, start = "mixed", max(score, self.scores["mixed"]), start - 1
        agent = syntax.passive_agent(cue.root)
        if agent is not None:  # "Rubio was asked BY moderator Gerard Baker whether ...": the asker
            speaker = syntax.mention_span(agent)
        elif speaker is not None and syntax.passive_without_agent(speaker, cue):
            speaker = None  # "the losing side could be expected to ...": the topic, not a source
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


WEAK_RULES = ("indirect_object", "indirect_cognition", "indirect_speech", "indirect_noun", "mixed")


def _without_nested_weak(doc: Doc, found: list[Attribution]) -> list[Attribution]:
    """Drop parse-found attributions whose cue sits inside another's content ("X said she PLANS to
    ..."): the outer one is what the annotator marks. Direct quotes, "according to" and "NAME:" lines
    are never dropped. A verb of saying the parser hung inside the content as a further report of the
    same speaker ("said [the deal was dead AND URGED lawmakers to ...]") is kept, and the content it
    sits in ends before it (reported_content.cut_before)."""
    contents = Enclosing(found, bounds)
    index = {id(a): i for i, a in enumerate(found)}
    cut: dict[int, Attribution] = {}  # index in found -> that attribution ending before a further report
    kept: list[int] = []
    for i, a in enumerate(found):
        outers = _outer_contents(contents, a)
        cue = _speech_cue(doc, a) if len(outers) == 1 else None
        shorter = None
        if cue is not None:
            j = index[id(outers[0])]
            shorter = cut_before(cut.get(j, outers[0]), cue, (a.start, a.end))
            if shorter is not None:
                cut[j] = shorter
        if not outers or shorter is not None:
            kept.append(i)
    return [cut.get(i, found[i]) for i in kept]


def _outer_contents(contents: Enclosing[Attribution], a: Attribution) -> list[Attribution]:
    """The other contents a weak attribution's cue sits in (none for the rules that are never dropped)."""
    if a.rule not in WEAK_RULES or a.cue is None:
        return []
    return [b for b in contents.all(a.cue.start, a.cue.start + 1) if (b.start, b.end) != (a.start, a.end)]


def _speech_cue(doc: Doc, a: Attribution) -> Token | None:
    """The verb of saying that heads a's cue, or None: the rules take no other verb inside a content
    for a further report (the learned judge may, with its score)."""
    root = syntax.mention_root(doc, a.cue) if a.cue is not None else None
    return root if root is not None and syntax.is_speech_verb(root) else None


def _has_that(clause: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children)


def _mostly_covered(a: Attribution, ranges: Ranges, share: float) -> bool:
    """True when direct quotes already cover `share` of this content (the verb introduced them)."""
    return ranges.covered(a.start, a.end) >= share * (a.end - a.start)
