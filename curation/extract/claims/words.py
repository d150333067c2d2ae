"""The word lists the claim rules read (lemmas, lower case): a new hedge or opinion verb is one word here."""

from __future__ import annotations

from spacy.tokens import Token

from curation.extract import lexicon


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
# The quote components' verbs of saying, so a cue they know is a frame here too.
REPORTING_FRAME_VERBS: frozenset[str] = lexicon.SPEECH_VERBS

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
