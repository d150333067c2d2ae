"""`curation_speakers`: who said each quote, through which cue, and their canonical name.

For a direct quote without a speaker yet: a dash byline after it (“...” ― Jorge Falcon) names the
speaker; otherwise a cue is looked for both right after the quote ("...,” he said", "...,” said
Karoline Leavitt", “...” that the bill can pass, said Ortega) and right before it ("Peskov confirmed
..., stating, “...”"), a verb of saying beating any other verb and, between equals, the one after the
quote winning (a cue whose speaker cannot be found gives way to the next); the speaker is the cue's
subject. A quote with no cue of its own that continues a quoted speaker's turn (“A,” he said.
“B.”) inherits that speaker. Otherwise: no speaker, not a guess.

Pronoun speakers ("he", "she", "I") resolve within `lookback_sentences` sentences: to the speaker
just reported (for he and she) when that one names a person and is nearer than any name, else to the nearest
preceding named person (sentence subjects first); "we" and "they" never resolve to a person.
Canonical names come from `curation.extract.names`; PERSON entities that are places (the small
model's known mistake) are never used.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from curation import marks
from curation.extract import lexicon, syntax
from curation.extract.lexicon import WithLexicon
from curation.extract.names import NameIndex, clean_name
from curation.extract.ranges import Ranges
from curation.extract.reported_content import reporting_participle
from curation.extract.types import Attribution, Mention
from curation.unionfind import UnionFind

_CLOSERS = marks.char_class(marks.CLOSERS)
BYLINE = re.compile(rf"^[{_CLOSERS}]*[ \t\xa0]*[―—–-]{{1,2}}[ \t\xa0]*((?:[A-Z][\w.’'-]*[ \t\xa0]?){{1,5}})")
GROUP_LABELS = ("ORG", "GPE", "NORP")

# How likely a direct quote's speaker and cue are right, by the rule that found them: the share of each
# rule's quotes that match gold on the development corpus (checked per score bucket by
# bench/attribution.py). The component's `scores` config; these are its defaults.
RULE_SCORES: dict[str, float] = {
    "byline": 0.95,
    "direct_continued": 0.93,
    "direct_cue": 0.9,
    "direct_nearby": 0.85,
    "direct_frame": 0.75,
}
# How likely a speaker's canonical name is right, by how it was named (the `speaker_scores` config).
SPEAKER_SCORES: dict[str, float] = {
    "person": 0.9,  # a PERSON entity in the mention
    "known_name": 0.8,  # a name the document spells out in full elsewhere
    "group": 0.8,  # an organisation, state or group
    "pronoun": 0.75,  # a pronoun resolved to a named person or to the speaker just reported
    "proper_noun": 0.75,  # a proper noun the NER did not tag
    "other": 0.7,  # a description ("a senior official"): no canonical name
    "unresolved_pronoun": 0.4,
}


class Speakers(WithLexicon):
    def __init__(
        self,
        nlp: Language,
        name: str,
        window: int,
        lookback_sentences: int,
        scores: dict[str, float],
        speaker_scores: dict[str, float],
    ) -> None:
        super().__init__()
        self.name = name
        self.scores = scores
        self.speaker_scores = speaker_scores
        self.window = window
        self.lookback = lookback_sentences
        self.index: syntax.DocIndex | None = None  # set per document in __call__
        self.groups: list[Span] = []  # the document's ORG/GPE/NORP entities, set in __call__

    def annotate(self, doc: Doc) -> Doc:
        self.index = syntax.doc_index(doc)
        persons = syntax.person_entities(doc)  # in text order, like doc.ents
        self.person_starts = [p.start for p in persons]
        self.groups = [e for e in doc.ents if e.label_ in GROUP_LABELS]
        self.group_starts = [e.start for e in self.groups]
        names = NameIndex(syntax.name_part(e) for e in persons)
        direct = [(a.start, a.end) for a in doc._.attributions or [] if a.kind == "direct"]
        quotes = QuoteMarks(Ranges(direct), Ranges((s - 2, s) for s, _ in direct))
        resolved: list[Attribution] = []
        for a in sorted(doc._.attributions or [], key=lambda x: x.start):
            if a.speaker is None and a.kind == "direct":
                a = self._find_cue(doc, a, quotes, resolved)
            if a.speaker is not None:
                a = self._name(doc, a, persons, names, resolved)
            resolved.append(a)
        doc._.attributions = one_quote_per_cue(resolved, doc)
        self.index = None
        self.groups = []
        return doc

    # -- cues and speakers of direct quotes ---------------------------------------------------

    def _find_cue(
        self, doc: Doc, a: Attribution, quotes: QuoteMarks, previous: list[Attribution]
    ) -> Attribution:
        text = self._text()
        byline = _dash_byline(doc, text, a)
        if byline is not None:  # “...” ― Jorge Falcon
            return replace(a, speaker=syntax.as_mention(byline), score=self.scores["byline"], rule="byline")
        found_cues = [*self._cues_after(doc, a, quotes), self._cue_before(doc, a, quotes)]
        # A verb of saying on either side beats any other verb ("footage of X saying, “...,” when Y
        # spoke"); between equals, the post-posed cue wins, unless it is a participle going on to a
        # further report ("X said: “...,” ADDING that ..."). A cue whose speaker cannot be found gives
        # way to the next.
        found_cues.sort(key=lambda cue: (not cue[1], _goes_on(cue[0], a)))
        for verb, reporting in found_cues:
            if verb is None:
                continue
            subject = (
                _according_source(verb)  # According to Limbaugh, “...”
                or _as_source(verb)  # As Amar put it, “...”
                or syntax.subject_of(verb)
                or _postposed_subject(verb)
                or syntax.participle_owner(verb)
            )
            if subject is not None and a.start <= subject.idx < a.end:
                # “..., the foundation, all the old stuff,” said a person close to X: the parse took a
                # noun inside the quote for the subject; the one named after the verb says it, or the
                # one the parse hung on that noun after the quote (“...,” Trump, the frontrunner, said)
                subject = _postposed_subject(verb) or _appended_after(subject, a.end)
            if subject is not None and a.end <= subject.idx and verb.i < subject.i:
                # “...,” Ruiz, a top aide, said on the “Morning Show.”: a subject after the verb, when a
                # name stands between the quote and the verb, is a misparse (here, a quoted title)
                subject = None if _words_between(doc, a.end, verb) is not None else subject
            if subject is None or a.start <= subject.idx < a.end:
                between = _words_between(doc, a.end, verb)
                if between is None:
                    continue
                speaker = between
            else:
                speaker = syntax.mention_span(subject)
            cue_words = verb.doc[verb.i : verb.i + 2] if verb.lower_ == "according" else syntax.cue_span(verb)
            cue = syntax.as_mention(cue_words)
            rule = "direct_cue" if reporting else "direct_frame"
            found = replace(
                a, speaker=syntax.as_mention(speaker), cue=cue, score=self.scores[rule], rule=rule
            )
            shared = [p for p in previous if p.kind == "direct" and p.cue is not None and p.cue == cue]
            if not shared:
                return found
            # “A,” X said on a show. “B.”: one cue, one quote in two segments, one speaker (the first's)
            return _grouped(replace(found, speaker=shared[-1].speaker), shared[-1])
        last = _last_speaker_before(text, previous, a)
        if last is not None and _same_turn(text, last, a):
            rule = "direct_continued" if last.kind == "direct" else "direct_nearby"
            if last.kind == "direct" and "\n" not in text[last.end : a.start]:
                a = _grouped(a, last)  # “A,” he said. “B.”: one quote in two segments
            return replace(
                a,
                speaker=last.speaker,
                canonical=last.canonical,
                cue=last.cue,
                score=self.scores[rule],
                rule=rule,
            )
        return a

    def _cues_after(self, doc: Doc, a: Attribution, quotes: QuoteMarks) -> list[tuple[Token | None, bool]]:
        """The verbs after the closing mark, in the same sentence, that may be the quote's cue: the first
        reporting verb ("...,” said X, a ... of Y"), and the first verb whose subject follows the quote
        (“...,” Ortega sings)."""
        after = doc.char_span(a.end, min(len(self._text()), a.end + 2), alignment_mode="expand")
        if after is None:
            return []
        i = after.start
        while i < len(doc) and (doc[i].idx < a.end or doc[i].is_punct and doc[i].text not in ".!?"):
            i += 1
        new_sentence = i < len(doc) and a.text.rstrip()[-1:] == "." and doc[i].text[:1].isupper()
        if new_sentence and not syntax.is_reporting_verb(doc[i]):
            return []  # “... done.” His remarks ...: a new sentence, not a post-posed cue
        framing: Token | None = None
        for tok in doc[i : min(len(doc), i + self.window)]:
            if tok.text in (".", "!", "?", ";") or "\n" in tok.text or _starts_quote(tok, quotes):
                break
            if syntax.is_reporting_verb(tok):
                # “It seems unlikely” that the bill can pass, SAID Ortega: the verb of
                # saying later in the sentence is the cue, not the verb the quote runs on into; but
                # not one inside the earlier verb's clause (“...,” Ortega sings before ASKING her, “...”)
                if framing is not None and not any(t.i == tok.i for t in framing.ancestors):
                    return [(framing, False)]
                return [(tok, True), (framing, False)]
            if (
                framing is None
                and tok.pos_ == "VERB"
                and any(c.dep_ == "nsubj" and a.end <= c.idx < tok.idx for c in tok.children)
            ):
                framing = tok  # “...,” Ortega sings: the subject right after the quote does it
        return [(framing, False)]

    def _cue_before(self, doc: Doc, a: Attribution, quotes: QuoteMarks) -> tuple[Token | None, bool]:
        """The verb introducing the quote from before it, in the same sentence.

        A reporting verb anywhere in the sentence before the quote; any verb when a colon or comma
        introduces the quote ("Ortega sings: “...”", "chanting, “...”"); after a colon that ends the
        previous paragraph ("The New York Times reports:"), that sentence's main verb.
        """
        opening = doc.char_span(max(0, a.start - 1), a.start, alignment_mode="expand")
        if opening is None:
            return None, False
        first = opening.start
        j = first - 1
        while j >= 0 and doc[j].is_space:
            j -= 1
        if j < 0 or doc[j].text in (".", "!", "?"):
            return None, False  # the quote starts its sentence: the cue, if any, is after it
        introduced = doc[j].text in (":", ",", "\u2014", "--")
        sentence = self._sent(doc[j])
        if "\n" in self._text()[doc[j].idx + len(doc[j].text) : a.start]:
            return (_main_verb(sentence), False) if doc[j].text == ":" else (None, False)
        sent_start = sentence.start
        lowest = max(sent_start, first - 4 * self.window)
        nearest_verb: Token | None = None
        for k in range(j, lowest - 1, -1):
            tok = doc[k]
            if tok.idx in quotes.inside:
                break
            if syntax.is_reporting_verb(tok) or _according_source(tok) is not None:
                return tok, True
            if nearest_verb is None and tok.pos_ == "VERB":
                nearest_verb = tok
        if introduced and nearest_verb is not None:
            return nearest_verb, False
        if doc[j].text == ":":
            return _main_verb(sentence), False
        return None, False

    def _text(self) -> str:
        assert self.index is not None
        return self.index.text

    def _sent(self, token: Token) -> Span:
        assert self.index is not None
        return self.index.sent(token)

    # -- names -----------------------------------------------------------------------------

    def _name(
        self,
        doc: Doc,
        a: Attribution,
        persons: list[Span],
        names: NameIndex,
        previous: Sequence[Attribution] = (),
    ) -> Attribution:
        """Set canonical (and resolve a pronoun speaker) for an attribution that has a speaker."""
        assert a.speaker is not None
        mention = doc.char_span(a.speaker.start, a.speaker.end, alignment_mode="expand")
        if mention is None:
            return a
        relative = syntax.antecedent_of_relative(mention.root) if len(mention) == 1 else None
        if relative is not None:  # "who said": the mention stays "who", the name comes from its noun
            mention = syntax.mention_span(relative)
        first = bisect.bisect_left(self.person_starts, mention.start)
        last = bisect.bisect_left(self.person_starts, mention.end)
        named = [p for p in persons[first:last] if p.end <= mention.end]
        if named:
            return replace(
                a,
                canonical=names.canonical(syntax.name_part(named[-1])),
                speaker_score=self.speaker_scores["person"],
            )
        if len(mention) == 1 and mention[0].lower_ in lexicon.active().person_pronouns:
            person = self._antecedent(doc, mention[0], persons)
            speaker = self._previous_speaker(doc, mention[0], previous, persons)
            if speaker is not None and (person is None or speaker.start > person.start_char):
                # "Syrsky acknowledged ... In a Telegram post, he stated": the one who was just reported
                # speaking beats a name further back (the NER may have missed this one)
                return replace(a, canonical=speaker.canonical, speaker_score=self.speaker_scores["pronoun"])
            if person is None:
                return replace(a, canonical=None, speaker_score=self.speaker_scores["unresolved_pronoun"])
            return replace(
                a,
                canonical=names.canonical(syntax.name_part(person)),
                speaker_score=self.speaker_scores["pronoun"],
            )
        name = syntax.name_part(mention)
        if mention[-1].text[:1].isupper() and names.knows(name):
            # A name the NER missed or mislabelled ("Ushakov further added"): the document's fullest form.
            return replace(
                a, canonical=names.canonical(name), speaker_score=self.speaker_scores["known_name"]
            )
        if mention.root.pos_ == "PROPN" and mention.root.ent_type_ not in GROUP_LABELS:
            return replace(a, canonical=clean_name(name), speaker_score=self.speaker_scores["proper_noun"])
        lo = bisect.bisect_left(self.group_starts, mention.start)
        groups = self.groups[lo : bisect.bisect_left(self.group_starts, mention.end)]
        if groups and mention.root.ent_type_ in GROUP_LABELS:
            return replace(
                a, canonical=clean_name(groups[-1].text), speaker_score=self.speaker_scores["group"]
            )
        return replace(a, canonical=None, speaker_score=self.speaker_scores["other"])

    def _previous_speaker(
        self, doc: Doc, pronoun: Token, previous: Sequence[Attribution], persons: list[Span]
    ) -> _Named | None:
        """The speaker of the latest attribution before `pronoun` within the look-back, when it names one
        person (a PERSON mention, or a he/she already resolved to one)."""
        if lexicon.active().person_pronouns.get(pronoun.lower_) not in ("male", "female"):
            return None
        assert self.index is not None
        first_sent = self.index.sents[max(0, self.index.sent_number(pronoun) - self.lookback)]
        for p in reversed(previous):
            if p.speaker is None or p.canonical is None or p.speaker.end > pronoun.idx:
                continue
            if p.speaker.start < first_sent.start_char:
                return None
            words = p.speaker.text.lower()
            named = any(p.speaker.start <= e.start_char and e.end_char <= p.speaker.end for e in persons)
            if named or words in ("he", "she") or _person_like(doc, p.speaker.start, p.speaker.end):
                return _Named(p.speaker.start, p.canonical)
            return None
        return None

    def _antecedent(self, doc: Doc, pronoun: Token, persons: list[Span]) -> Span | None:
        """The nearest named person before the pronoun, preferring sentence subjects."""
        if pronoun.lower_ in ("we", "they"):
            return None
        assert self.index is not None
        sents = self.index.sents
        here = self.index.sent_number(pronoun)
        for k in range(here, max(-1, here - self.lookback - 1), -1):
            sent = sents[k]
            first = bisect.bisect_left(self.person_starts, sent.start)
            last = bisect.bisect_left(self.person_starts, sent.end)
            candidates = [p for p in persons[first:last] if p.end <= sent.end and p.end <= pronoun.i]
            if not candidates:
                continue
            subjects = [p for p in candidates if p.root.dep_ in syntax.SUBJECT_DEPS]
            return (subjects or candidates)[-1]
        return None


@dataclass(frozen=True)
class _Named:
    start: int
    canonical: str


def _person_like(doc: Doc, start: int, end: int) -> bool:
    """A mention ending in a capitalised name the NER did not tag ("military chief Oleksandr Syrsky")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return (
        span is not None
        and len(span) >= 2
        and span[-1].pos_ == "PROPN"
        and span[-2].pos_ == "PROPN"
        and span.root.ent_type_ not in GROUP_LABELS + ("GPE", "LOC", "FAC")
    )


def one_quote_per_cue(found: list[Attribution], doc: Doc | None = None) -> list[Attribution]:
    """Attributions (in text order) that share a cue (its head word when `doc` is given: the rules'
    "has said" and a learned "said" are one cue), as segments of one quote (extra["group"]): a cue
    reports one quote, in PolNeAR's gold every one of dev's 2,192 cues, and "X said A, “B.”" found by
    two rules (the reported clause, the direct quote its verb introduced; a quote that continues
    another's turn takes its cue) is that one quote in two parts, of one kind: the longest part's (the
    brat importer's "mixed" for mixed parts scored lower on held-out data: a wrong cue joins a direct
    quote to a clause that is no part of it). Groups already made stay whole."""
    sets = UnionFind(range(len(found)))
    first: dict[object, int] = {}
    for i, a in enumerate(found):
        keys: list[object] = [("cue", _cue_head(doc, a.cue))] if a.cue is not None else []
        keys += [("group", a.extra["group"])] if a.extra.get("group") else []
        for key in keys:
            sets.union(i, first.setdefault(key, i))
    out = list(found)
    for group in sets.sets():
        if len(group) < 2:
            continue
        head = found[group[0]]
        name = next((found[i].extra["group"] for i in group if found[i].extra.get("group")), None)
        name = name or f"quote-{head.start}"
        kind = max((found[i] for i in group), key=lambda a: a.end - a.start).kind
        for i in group:
            out[i] = replace(found[i], kind=kind, extra={**found[i].extra, "group": name})
    return out


def _cue_head(doc: Doc | None, cue: Mention) -> tuple[int, ...]:
    """What identifies a cue: its head word's offset, or its span without a doc (or a token span)."""
    root = syntax.mention_root(doc, cue) if doc is not None else None
    return (root.idx,) if root is not None else (cue.start, cue.end)


def _grouped(a: Attribution, first: Attribution) -> Attribution:
    """Mark `a` as a further segment of the quote `first` belongs to (extra["group"])."""
    group = first.extra.get("group") or f"quote-{first.start}"
    first.extra["group"] = group
    return replace(a, extra={**a.extra, "group": group})


def _goes_on(verb: Token | None, a: Attribution) -> bool:
    """A participle of saying after the quote ("..., ADDING that", "..., SAYING"): the speaker going on
    to a further report, not the verb that introduced the quote when one before it did."""
    return verb is not None and verb.idx >= a.end and reporting_participle(verb)


def _main_verb(sent: Span) -> Token | None:
    root = sent.root
    return root if root.pos_ in ("VERB", "AUX") else None


def _dash_byline(doc: Doc, text: str, a: Attribution) -> Span | None:
    """A name after a dash right after the closing mark: “...” ― Jorge Falcon."""
    rest = text[a.end : a.end + 80]
    m = BYLINE.match(rest)
    if m is None:
        return None
    start = a.end + m.start(1)
    return doc.char_span(start, a.end + m.end(1), alignment_mode="contract")


def _postposed_subject(verb: Token) -> Token | None:
    """ "said Press Secretary Karoline Leavitt" when the parser did not call it nsubj; "Said Ellis: “...”"
    when it took the inverted verb for part of the name."""
    if verb.dep_ == "compound" and verb.head.i > verb.i and verb.head.pos_ == "PROPN":
        return verb.head
    for child in verb.rights:
        if child.ent_type_ in ("DATE", "TIME"):  # "said Monday" names a day, not a speaker
            continue
        if child.dep_ in ("nsubj", "dobj", "attr", "npadvmod", "appos") and child.pos_ in ("PROPN", "NOUN"):
            return child
        if child.i == verb.i + 1 and child.is_title and child.dep_ == "advmod" and verb.i > 0:
            return child  # “...,” said Skelly: a name the tagger did not know, taken for an adverb
    return None


def _as_source(verb: Token) -> Token | None:
    """X in "As X put it, “...”" when the parser took X for the object of "as", not the verb's subject."""
    mark = next((c for c in verb.children if c.dep_ == "mark" and c.lower_ == "as"), None)
    return next((c for c in mark.children if c.dep_ == "pobj"), None) if mark is not None else None


def _appended_after(subject: Token, quote_end: int) -> Token | None:
    """The apposition the parse hung on a noun inside the quote, after the closing mark (“Very good
    reporter, this guy,” TRUMP, the frontrunner, said): the speaker named between quote and verb."""
    return next((c for c in subject.children if c.dep_ == "appos" and c.idx >= quote_end), None)


def _according_source(token: Token) -> Token | None:
    """X in "according to X" (token: "according"), the source it names."""
    if token.lower_ != "according" or token.i + 1 >= len(token.doc) or token.doc[token.i + 1].lower_ != "to":
        return None
    return next((c for c in token.doc[token.i + 1].children if c.dep_ == "pobj"), None)


def _words_between(doc: Doc, quote_end: int, verb: Token) -> Span | None:
    """ "“...,” Reading police Chief Chuck Varga said": when the parse hangs the verb inside the quote,
    the noun phrase between the closing mark and the post-posed verb is still the speaker."""
    i = verb.i
    while i > 0 and doc[i - 1].idx >= quote_end:  # walk back to the quote, not over the whole document
        i -= 1
    tokens = [t for t in doc[i : verb.i] if not (t.is_punct or t.is_space)]
    if not tokens or len(tokens) > 8 or tokens[-1].pos_ not in ("PROPN", "NOUN", "PRON"):
        return None
    if any(t.pos_ in ("AUX", "ADP", "SCONJ", "CCONJ") for t in tokens):
        return None
    return doc[tokens[0].i : tokens[-1].i + 1]


def _starts_quote(tok: Token, quotes: QuoteMarks) -> bool:
    return tok.idx in quotes.openings


def _last_speaker_before(text: str, previous: list[Attribution], a: Attribution) -> Attribution | None:
    """The last attribution with a speaker that ends before `a`: within `a`'s paragraph, the last
    direct quote if there is one (the paragraph's quoted speaker goes on, whatever was reported in
    between), else the last of any kind."""
    paragraph_start = text.rfind("\n", 0, a.start) + 1
    fallback = None
    for p in reversed(previous):
        if p.speaker is None or p.end > a.start:
            continue
        if p.kind == "direct" and p.end >= paragraph_start:
            return p
        if fallback is None:
            fallback = p
    return fallback


class QuoteMarks(NamedTuple):
    """The document's direct quotes: their contents, and the two characters before each."""

    inside: Ranges
    openings: Ranges


def _same_turn(text: str, last: Attribution, a: Attribution) -> bool:
    """The quote continues the last quoted speaker: same or next paragraph, nothing quoted between."""
    between = text[last.end : a.start]
    whole_lines = between.split("\n")[1:-1]  # lines wholly between the two quotes
    return not any(line.strip() for line in whole_lines) and len(between.split()) <= 40
