"""The claim component: check-worthy factual assertions, in the author's voice or inside a quote.

A claim is a clause of the dependency parse: a verb (or copula) with its subject, minus the
clauses split off from it (a second finite conjunct that asserts alone, the reported clause of a
reporting verb, a trailing non-restrictive relative clause or participle, a trailing finite
adverbial clause), minus leading background ("While talks continue, ...") and connectives, and
never across a line break. Clauses start at each sentence root, at each verb the parser hung
under another line, and at each verb whose quote differs from its head's.

Each clause is then kept or rejected by the rules in NOT_CLAIMS, which read the parse and the word
lists below: a modal or future marker makes a prediction, a verb of belief an opinion, a question,
a wish or an imperative asks rather than asserts, an evaluative copula ("this is very serious")
judges, an advertisement sells. What is left is an event, a quantity, a stated position or a
state of affairs; `checkworthy` is high for numbers, contested events and official positions, and
the score grows with evidence (numbers, named entities, past tense) and shrinks with hedges,
fragments and first-person testimony.

Clauses inside a quote found by the quote components (`doc._.attributions`) carry that quote's
speaker; an author's clause stops where someone else's words begin, and the phrase that introduced
them goes too ("..., with officials saying that [quote]"). A quote whose content is only a noun
phrase or an aim ("rejected [the proposal]", "refuses [to release]") holds nobody's assertion: the
author's clause around it is the claim. When the quote components have not run
(`doc._.attributions` is None) every claim is in the author's voice.

The word lists are data, at the top of this module: a new hedge or opinion verb is one word here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from curation.extract import syntax
from curation.extract.ranges import Enclosing
from curation.extract.types import Attribution, Claim, Rejection, register_extensions

# --- Lexicons (lemmas, lower case) -----------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    """A word list written as whitespace-separated text: easy to read and to extend."""
    return frozenset(text.split())


# Auxiliaries that make a clause a prediction, a possibility or an obligation, not a fact.
MODAL_LEMMAS: frozenset[str] = _words("will would may might could should shall can must ought")

# Verbs whose clause is the writer's or speaker's mind, not the world: opinions and beliefs.
OPINION_VERBS: frozenset[str] = _words(
    """
    believe think feel seem appear consider suppose suspect guess reckon imagine doubt fear worry
    like love hate prefer regret wonder speculate assume hope wish want
    """
)

# Verbs that announce what is to come: "is expected to", "plans to", "is going to", "aims to".
PREDICTION_VERBS: frozenset[str] = _words(
    "expect anticipate forecast predict project plan intend aim seek go set poise schedule"
)

# Verbs of necessity that, with an infinitive, say what ought to happen: "it needs to study".
OBLIGATION_VERBS: frozenset[str] = frozenset({"need"})

# Words that turn an assertion into speculation or hedged evaluation.
SPECULATION_WORDS: frozenset[str] = _words(
    """
    perhaps maybe probably possibly likely unlikely arguably presumably supposedly potentially
    conceivably possible probable hopefully
    """
)

# Words that hedge a reported fact without making it an opinion: still a claim, less sure.
REPORTED_HEDGES: frozenset[str] = _words(
    "reportedly allegedly apparently seemingly purportedly rumoured rumored unconfirmed"
)

# Adjectives that make a copular clause a judgement ("this is very serious", "it is unacceptable").
EVALUATIVE_WORDS: frozenset[str] = _words(
    """
    good bad great terrible awful horrible wonderful excellent fine nice poor serious unacceptable
    acceptable important crucial vital essential unfair fair wrong right ridiculous shameful
    disgraceful outrageous absurd dangerous beautiful ugly amazing incredible disappointing
    worrying encouraging positive negative hopeful pivotal notable remarkable sad happy complex
    difficult easy clear obvious necessary scary frightening clueless ignorant immature stupid
    dumb smart brilliant tough nasty unfit fit worthy unworthy disgusting pathetic infuriating
    crazy insane sick weak strong shameless dishonest honest corrupt incompetent unbelievable
    """
)

# Nouns that make a copular clause a judgement ("he is a dictator", "it was a disaster").
EVALUATIVE_NOUNS: frozenset[str] = _words(
    """
    disaster dictator mockery hypocrisy joke shame disgrace hero liar fraud genius idiot clown
    bully racist failure embarrassment travesty catastrophe tragedy nightmare
    """
)

# Words of promotion: an advertisement is not a claim to check.
ADVERTISING_WORDS: frozenset[str] = _words(
    """
    register registration subscribe subscription discount masterclass newsletter promo coupon
    webinar enrol enroll sponsor sponsored bestseller giveaway
    """
)

# Verbs that frame reported speech: "X said [that ...]" is the frame, the clause is the content.
REPORTING_FRAME_VERBS: frozenset[str] = _words(
    """
    say tell state claim add note argue explain announce confirm deny insist warn suggest report
    write tweet post reply respond answer ask acknowledge admit assert declare emphasize emphasise
    stress remark comment observe point predict promise pledge vow threaten caution concede contend
    maintain reiterate repeat recall reveal disclose indicate allege inform assure signal hint imply
    underline highlight specify brief agree
    """
)

# Cues whose infinitive content is an assertion ("claimed to have recaptured"), unlike requests
# and intentions ("urged X to", "pledged to").
ASSERTION_CUES: frozenset[str] = _words("claim deny admit confirm acknowledge report allege say state")

# Events whose truth is typically contested (attacks, captures, denials): check-worthy high.
DISPUTED_EVENT_VERBS: frozenset[str] = _words(
    """
    kill attack strike invade capture recapture seize retake reclaim regain withdraw bomb shell
    destroy occupy annex liberate deny accuse sanction ban arrest violate launch shoot target
    reject refuse agree sign veto condemn approve block cut raise fall rise increase decrease
    double halve lose win advance retreat expel deport
    """
)

# Words naming an official position: "its firm stance", "the policy", "opposes".
POSITION_WORDS: frozenset[str] = _words(
    """
    stance position policy aim goal priority oppose support demand insist reiterate recognise
    recognize
    """
)

# Sentence openers of calls to action ("Join ...", "Subscribe ..."); the small model often tags
# them as proper nouns, so they are matched as words.
CALL_TO_ACTION_WORDS: frozenset[str] = _words(
    "join register subscribe sign click download buy order shop book apply enrol enroll"
)

# Words that make a clause a wish or an exhortation ("let's", "hopefully", "please").
WISH_WORDS: frozenset[str] = _words("let please hopefully")

# Subordinators of hypotheticals: "if Russia attacks, ..." asserts nothing happened.
CONDITIONAL_MARKS: frozenset[str] = _words("if unless whether")

# Subordinators of background clauses: "When people come back from war, ..." sets a scene.
BACKGROUND_SUBORDINATORS: frozenset[str] = _words("when whenever while until before once if unless whether")

# Named-entity types that make a clause a quantity or statistic.
NUMERIC_ENTITIES: frozenset[str] = frozenset({"CARDINAL", "PERCENT", "MONEY", "QUANTITY"})
# Entity types that make a clause checkable against the world (who, where, when).
ANCHOR_ENTITIES: frozenset[str] = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "EVENT", "LAW", "DATE"}
)
# Subjects that speak for a state or an organisation: their assertions are official positions.
OFFICIAL_SUBJECT_ENTITIES: frozenset[str] = frozenset({"GPE", "ORG", "NORP"})
# Numerals inside these entities are not quantities ("on Wednesday", "at 5 pm", "the 3rd").
NON_QUANTITY_ENTITIES: frozenset[str] = frozenset({"DATE", "TIME", "ORDINAL"})

# Leading words that connect a clause to the text before it and are not part of the assertion.
CONNECTIVES: frozenset[str] = _words(
    """
    however also further furthermore meanwhile additionally moreover but and or so then still yet
    thus
    """
)

# CLAIM.checkworthy values of the label schema (a test checks that the schema still has them).
HIGH, LOW = "high", "low"

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
CLAUSE_POS = frozenset({"VERB", "AUX"})
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
CORE_COMPLEMENTS = frozenset({"dobj", "ccomp", "xcomp", "attr", "acomp", "oprd", "dative", "pcomp"})
LEADING_DEPS = frozenset({"cc", "mark", "punct", "preconj"})
TRAILING_DEPS = frozenset({"cc", "mark", "punct", "preconj", "prep"})


@dataclass(frozen=True)
class ClauseCheck:
    """Why a clause is or is not a claim: the rule name goes into Claim.rule for the bench."""

    is_claim: bool
    rule: str


# --- Clause structure (pure functions over the parse) ---------------------------------------------


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
            or (child.dep_ in ("ccomp", "parataxis") and is_a(head, REPORTING_FRAME_VERBS))
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
    if not is_a(head, REPORTING_FRAME_VERBS):
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
        or tokens[start].lower_ in CONNECTIVES
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
        if child.dep_ == "aux" and (child.tag_ == "MD" or child.lemma_.lower() in MODAL_LEMMAS):
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


# --- What is not a claim: one predicate per rule, tried in order ---------------------------------


def is_question(head: Token, tokens: list[Token]) -> bool:
    sent_tail = [t for t in syntax.sentence(head) if not (t.is_space or t.is_quote)]
    subjects = [c for c in head.children if c.dep_ in SUBJECT_DEPS]
    return (
        any(t.text == "?" for t in tokens)
        or next_word(tokens[-1]) == "?"
        or (head == syntax.sentence(head).root and bool(sent_tail) and sent_tail[-1].text == "?")
        # a headline question without its mark: "Who Was in a Hospital ..."
        or (head == syntax.sentence(head).root and any(c.tag_ in ("WP", "WRB") for c in subjects))
    )


def is_background(head: Token, tokens: list[Token]) -> bool:
    """ "When people come back from war, ...": a clause that sets a scene."""
    return tokens[0].lower_ in BACKGROUND_SUBORDINATORS and tokens[0].head == head


def is_advertising(head: Token, tokens: list[Token]) -> bool:
    words = {t.lower_ for t in tokens} | {t.lemma_.lower() for t in tokens}
    sent_words = [t for t in syntax.sentence(head) if not (t.is_space or t.is_quote or t.is_punct)]
    return (
        bool(words & ADVERTISING_WORDS)
        or any(t.like_url for t in tokens)
        or (bool(sent_words) and sent_words[0].lower_ in CALL_TO_ACTION_WORDS)
    )


def is_address(head: Token, tokens: list[Token]) -> bool:
    """ "You are not a leader": said to someone, not of the world."""
    return any(c.dep_ in SUBJECT_DEPS and c.lower_ == "you" for c in head.children)


def is_wish(head: Token, tokens: list[Token]) -> bool:
    return is_a(head, WISH_WORDS) or any(c.lower_ in WISH_WORDS for c in head.children)


def is_imperative(head: Token, tokens: list[Token]) -> bool:
    return head.tag_ == "VB" and head.dep_ == "ROOT" and not has_subject(head) and modal_of(head) is None


def is_modal(head: Token, tokens: list[Token]) -> bool:
    """A modal on the clause, or on its content ("the losses mean Trump may not have paid")."""
    return modal_of(head) is not None or any(
        c.dep_ == "ccomp" and c in tokens and modal_of(c) is not None for c in head.children
    )


def is_opinion(head: Token, tokens: list[Token]) -> bool:
    return is_a(head, OPINION_VERBS)


def is_prediction(head: Token, tokens: list[Token]) -> bool:
    """ "is expected to", "plans to", "needs to": what is to come or ought to be."""
    return is_a(head, PREDICTION_VERBS | OBLIGATION_VERBS) and any(
        c.dep_ in ("xcomp", "ccomp") for c in head.children
    )


def is_speculation(head: Token, tokens: list[Token]) -> bool:
    return any(t.lemma_.lower() in SPECULATION_WORDS and t.head == head for t in tokens) or any(
        c.lemma_.lower() in SPECULATION_WORDS for c in head.children
    )


def is_hypothetical(head: Token, tokens: list[Token]) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in head.children) or any(
        c.dep_ == "advcl" and any(m.lower_ in CONDITIONAL_MARKS for m in c.children) for c in head.children
    )


def is_evaluation(head: Token, tokens: list[Token]) -> bool:
    """A copula whose predicate judges: an evaluative or superlative adjective, or a noun that
    judges ("a dictator")."""
    if head.lemma_.lower() != "be":
        return False
    for child in head.children:
        if child.dep_ in ("acomp", "attr", "oprd"):
            for tok in child.subtree:
                if tok.pos_ == "ADJ" and (tok.lemma_.lower() in EVALUATIVE_WORDS or tok.tag_ == "JJS"):
                    return True
                if tok.pos_ == "NOUN" and tok.lemma_.lower() in EVALUATIVE_NOUNS:
                    return True
    return False


NOT_CLAIMS: tuple[tuple[str, Callable[[Token, list[Token]], bool]], ...] = (
    ("question", is_question),
    ("background", is_background),
    ("advertising", is_advertising),
    ("address", is_address),
    ("wish", is_wish),
    ("imperative", is_imperative),
    ("modal", is_modal),
    ("opinion", is_opinion),
    ("prediction", is_prediction),
    ("speculation", is_speculation),
    ("hypothetical", is_hypothetical),
    ("evaluation", is_evaluation),
)


def check_clause(head: Token, tokens: list[Token], quoted: bool = False) -> ClauseCheck:
    """Decide whether the clause headed by `head` asserts a checkable fact (and which rule said so).

    `quoted`: the clause is the content of a quote, so an infinitive after a cue of assertion
    ("Russia has claimed [to have recaptured Sudzha]") asserts, its subject being the speaker.
    """
    for rule, applies in NOT_CLAIMS:
        if applies(head, tokens):
            return ClauseCheck(False, rule)
    if is_participle_adjunct(head, head.head):
        return ClauseCheck(True, "participle")
    if quoted and head.dep_ == "xcomp" and not has_subject(head):
        if is_a(head.head, ASSERTION_CUES):
            return ClauseCheck(True, "infinitive")
        return ClauseCheck(False, "request")  # "urged X [to convince Russia]", "pledged [to ...]"
    if not has_subject(head) and head.dep_ != "conj":
        return ClauseCheck(False, "fragment")
    if head.tag_ == "VB" and not any(c.dep_ in ("aux", "auxpass") for c in head.children):
        return ClauseCheck(False, "fragment")  # subjunctive or a mis-parse: "whether it be ..."
    return ClauseCheck(True, "past-event" if head.tag_ in ("VBD", "VBN") else "state")


def is_numeric(tokens: list[Token]) -> bool:
    """A quantity or statistic: a numeric entity, or a numeral that is not a date or "one"."""
    return any(
        (t.ent_type_ in NUMERIC_ENTITIES and t.lower_ != "one")
        or (t.pos_ == "NUM" and t.like_num and t.ent_type_ not in NON_QUANTITY_ENTITIES and t.lower_ != "one")
        for t in tokens
    )


def checkworthiness(head: Token, tokens: list[Token], speaker: bool) -> str:
    """high for numbers, disputed events and official positions; low otherwise."""
    lemmas = {t.lemma_.lower() for t in tokens}
    if is_numeric(tokens):
        return HIGH
    if is_a(head, DISPUTED_EVENT_VERBS) or lemmas & POSITION_WORDS:
        return HIGH
    subjects = [c for c in head.children if c.dep_ in SUBJECT_DEPS]
    if any(t.ent_type_ in OFFICIAL_SUBJECT_ENTITIES for s in subjects for t in s.subtree):
        return HIGH
    if speaker and head.tag_ in ("VBD", "VBN"):
        return HIGH  # a past event stated by a named source: what fact-checkers check first
    return LOW


def score_claim(head: Token, tokens: list[Token], checkworthy: str) -> float:
    """How likely the span is a claim an annotator keeps: evidence up, hedges and fragments down."""
    score = 0.5
    if is_numeric(tokens):
        score += 0.2
    if any(t.ent_type_ in ANCHOR_ENTITIES for t in tokens):
        score += 0.1
    if head.tag_ in ("VBD", "VBN"):
        score += 0.1
    if checkworthy == HIGH:
        score += 0.05
    if any(t.lemma_.lower() in REPORTED_HEDGES for t in tokens):
        score -= 0.15
    words = sum(1 for t in tokens if not is_punctuation(t))
    if words < 6:
        score -= 0.15
    if words > 40:
        score -= 0.1  # a very long clause usually swallowed background the annotator will cut
    if not has_subject(head):
        score -= 0.1
    if head.lemma_.lower() == "be":
        score -= 0.05
    if any(c.dep_ in SUBJECT_DEPS and c.lower_ in ("i", "we") for c in head.children):
        score -= 0.1  # first person: a testimony more often than a checkable fact
    return round(min(0.95, max(0.05, score)), 3)


# --- Spans and quotes --------------------------------------------------------------------------------


def reports_words(doc: Doc, attribution: Attribution) -> bool:
    """Whether the quote holds someone's assertion, or only the topic or aim of a verb.

    Direct and mixed quotes are someone's words. Indirect content is an assertion when it is a
    clause ("said [Moscow was awaiting ...]") or an infinitive after a cue of assertion ("claimed
    [to have recaptured Sudzha]"); a noun phrase ("rejected [the proposal]") or an infinitive of
    intent ("refuses [to release his taxes]") belongs to the author's clause around it, which is
    the claim ("Putin has rejected the proposal").
    """
    if attribution.kind != "indirect":
        return True
    span = doc.char_span(attribution.start, attribution.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    top = span.root
    if top.pos_ not in CLAUSE_POS:
        return False
    if top.dep_ == "xcomp" and not has_subject(top):
        return is_a(top.head, ASSERTION_CUES)
    return True


def quote_index(attributions: list[Attribution]) -> Enclosing[Attribution]:
    """The quotes indexed by their content's range (looked up per token and per clause)."""
    return Enclosing(attributions, lambda a: (a.start, a.end))


def enclosing_attribution(start: int, end: int, attributions: Enclosing[Attribution]) -> Attribution | None:
    """The quote whose content contains the character range (the smallest, if quotes nest)."""
    inside = attributions.all(start, end)
    return min(inside, key=lambda a: a.end - a.start) if inside else None


def char_range(
    text: str, tokens: list[Token], head: Token, attributions: Enclosing[Attribution]
) -> tuple[int, int, bool]:
    """Character range of the clause, cut to the head's line and kept out of quotes it does not own;
    and whether someone else's quote cut its end off."""
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    line_start = text.rfind("\n", start, head.idx) + 1
    line_end = text.find("\n", head.idx, end)
    start = max(start, line_start) if line_start > 0 else start
    end = line_end if line_end >= 0 else end
    owner = enclosing_attribution(head.idx, head.idx + len(head.text), attributions)
    if owner is not None:
        return max(start, owner.start), min(end, owner.end), False
    quote_cut = False
    for att in attributions.overlapping(start, end):  # the clause must not swallow someone else's words
        if att.start < end and start < att.end:
            if att.start >= head.idx:
                end, quote_cut = min(end, att.start), True
            elif att.end <= head.idx:
                start = max(start, att.end)
    return start, end, quote_cut


def tokens_in(head: Token, start: int, end: int, tokens: list[Token], quote_cut: bool) -> list[Token] | None:
    """The clause's tokens inside [start, end).

    When someone else's quote cut the end off the clause (`quote_cut`), the phrase that introduced
    the quote goes too: ", with officials saying that [quote]" or "as he discussed [quote]" is the
    attribution, not part of the fact. When the quote was the head's own complement ("Trump has
    often cited [quote]"), the clause only frames the quote: None.
    """
    kept = [t for t in tokens if t.idx >= start and t.idx + len(t.text) <= end]
    cut = [t for t in tokens if t.idx >= end]
    if not (quote_cut and kept and cut):
        return trim(kept)
    branch = cut[0]
    while branch.head != head and branch != head and branch.head != branch:
        branch = branch.head
    if branch == head or branch.head != head or branch.dep_ in CORE_COMPLEMENTS:
        return None
    dangling = {t.i for t in branch.subtree}
    return trim([t for t in kept if t.i not in dangling])


def segment_roots(sent: Span, text: str, attributions: Enclosing[Attribution]) -> list[Token]:
    """Where clauses start: the sentence root, plus any verb whose head lies on another line (the
    parser merges a headline into the next sentence) or outside the quote it is in (the content of
    "with officials saying that ..." is a clause even when the parse hangs it deep in a phrase)."""
    roots = [sent.root]
    for tok in sent:
        if tok.pos_ not in CLAUSE_POS or tok == sent.root:
            continue
        lo, hi = sorted((tok.idx, tok.head.idx))
        if "\n" in text[lo:hi]:
            roots.append(tok)
            continue
        owner = enclosing_attribution(tok.idx, tok.idx + len(tok.text), attributions)
        if owner is not None and not owner.start <= tok.head.idx < owner.end:
            roots.append(tok)
    return roots


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


def find_claims(
    doc: Doc,
    attributions: list[Attribution] | None,
    *,
    min_words: int = 3,
    split_conjuncts: bool = True,
    claims_in_quotes: bool = True,
    rejections: list[Rejection] | None = None,
) -> list[Claim]:
    """All claims of `doc`, in text order; each clause turned down is appended to `rejections` (if
    given) with the rule that turned it down."""
    # Only quotes that hold someone's assertion cut the author's clauses and lend their speaker.
    atts = quote_index([a for a in attributions or [] if reports_words(doc, a)])
    text = doc.text  # built by joining every token: once per document, not per clause
    cues = {a.cue.start for a in atts.items if a.cue is not None}
    claims: dict[tuple[int, int], Claim] = {}
    for sent in doc.sents:
        for head, split in clause_heads(segment_roots(sent, text, atts), split_conjuncts):
            if head.pos_ not in CLAUSE_POS or not head.is_alpha or is_frame(head, split, cues):
                continue
            tokens = trim(clause_tokens(head, split))
            if not tokens:
                continue
            start, end, quote_cut = char_range(text, tokens, head, atts)
            inside = tokens_in(head, start, end, tokens, quote_cut)
            if inside is None:
                continue
            tokens = inside
            if sum(1 for t in tokens if not is_punctuation(t)) < min_words or head not in tokens:
                continue
            quoted = enclosing_attribution(head.idx, head.idx + len(head.text), atts) is not None
            verdict = check_clause(head, tokens, quoted)
            if not verdict.is_claim:
                if rejections is not None:
                    lo, hi = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
                    voice = "quote:" if quoted else "author:"
                    rejections.append(Rejection(lo, hi, text[lo:hi], voice + verdict.rule))
                continue
            start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
            owner = enclosing_attribution(start, end, atts)
            if owner is not None and not claims_in_quotes:
                continue
            checkworthy = checkworthiness(
                head, tokens, speaker=owner is not None and owner.speaker is not None
            )
            claims[(start, end)] = Claim(
                start=start,
                end=end,
                text=text[start:end],
                checkworthy=checkworthy,
                score=score_claim(head, tokens, checkworthy),
                speaker=owner.speaker if owner else None,
                canonical=owner.canonical if owner else None,
                rule=("quote:" if owner else "author:") + verdict.rule,
            )
    return [claims[key] for key in sorted(claims)]


class ClaimFinder:
    """The pipeline component: sets `doc._.claims` (a new list) from the parse and the quotes."""

    def __init__(
        self, nlp: Language, name: str, min_words: int, split_conjuncts: bool, claims_in_quotes: bool
    ):
        register_extensions()
        self.name = name
        self.min_words = min_words
        self.split_conjuncts = split_conjuncts
        self.claims_in_quotes = claims_in_quotes

    def __call__(self, doc: Doc) -> Doc:
        rejections: list[Rejection] = []
        doc._.claims = find_claims(
            doc,
            doc._.attributions,
            min_words=self.min_words,
            split_conjuncts=self.split_conjuncts,
            claims_in_quotes=self.claims_in_quotes,
            rejections=rejections,
        )
        doc._.claim_rejections = rejections
        return doc
