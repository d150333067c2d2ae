"""Word lists the extraction rules read: one place, as data, so a new cue is one line here.

Rules stay syntactic (dependency parse, quote-mark pairing); these lists only say which lemmas
count as reporting verbs, which words are titles to strip from canonical names, and so on.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """A word list written as whitespace-separated text (easier to read and extend than a literal)."""
    return frozenset(text.split())


# Verbs of saying and writing: their subject is the speaker, their clausal complement the content.
SPEECH_VERBS: frozenset[str] = words(
    """
    say tell state claim add note argue explain announce confirm deny insist warn suggest report
    write tweet post reply respond answer ask acknowledge admit assert declare emphasize emphasise
    stress remark comment observe point predict promise pledge vow threaten caution concede contend
    maintain reiterate repeat recall reveal disclose indicate allege charge complain boast testify
    mention agree disagree estimate urge propose recommend advise demand quip joke retort counter
    continue conclude inform assure reassure signal hint imply underline highlight specify
    announce proclaim declare shout yell whisper tell brief opine lament acknowledge show
    """
)

# Verbs of thinking and knowing: PolNeAR-style attributions, but weaker evidence of reported speech.
COGNITION_VERBS: frozenset[str] = words(
    """
    believe think feel know expect hope fear doubt worry suspect consider find learn realize realise
    understand assume guess reckon conclude see wonder
    """
)

# Last words of a "Label: text" line that are not speakers ("Note:", "Partial transcript as follows:").
NOT_SPEAKER_WORDS: frozenset[str] = words(
    """
    note update updated correction editor's editors follows transcript photo photos video source sources
    tags tag related read watch listen advertisement sponsored credit credits image caption disclosure
    """
)

# Verbs whose object is what was said or stood for: "criticized his failure to ...", "cited the poll".
OBJECT_CONTENT_VERBS: frozenset[str] = words(
    """
    announce cite criticize criticise attack praise describe discuss propose promise pledge support
    oppose condemn question mention reject endorse tout blast defend deny dismiss demand reveal
    acknowledge blame accuse slam laud hail welcome decry denounce highlight emphasize emphasise
    stress call express echo urge predict recommend advocate champion dispute challenge
    applaud lament tweet post report confirm disclose allege claim insist vow threaten liken compare
    show
    """
)

# Verbs of intention whose infinitive is the content: "pledged to ...", "plans to ...".
INTENTION_VERBS: frozenset[str] = words(
    """
    plan want pledge vow promise refuse decline threaten seek hope intend aim expect agree urge ask
    encourage offer propose decide wish vote push
    """
)

# Verb + preposition cues whose object is the content: "called for", "pointed to", "spoke of".
PREPOSITIONAL_CUES: frozenset[tuple[str, str]] = frozenset(
    {
        ("call", "for"),
        ("point", "to"),
        ("speak", "of"),
        ("speak", "about"),
        ("talk", "about"),
        ("ask", "about"),
        ("warn", "of"),
        ("warn", "about"),
        ("complain", "about"),
        ("argue", "for"),
        ("argue", "against"),
        ("push", "for"),
        ("rail", "against"),
        ("respond", "to"),
        ("refer", "to"),
        ("warn", "against"),
        ("caution", "against"),
        ("focus", "on"),
        ("disagree", "with"),
        ("agree", "with"),
        ("weigh", "in"),
        ("comment", "on"),
        ("insist", "on"),
    }
)

# Nouns naming a work whose title may follow after a comma: "his 2002 book, “Make Your Kid a Millionaire,”".
WORK_NOUNS: frozenset[str] = words(
    """
    book books film films movie movies documentary show shows series song songs album albums novel memoir
    play musical poem column commentary essay article op-ed editorial podcast program programme episode
    """
)

# Verbs whose quoted object is someone's verbatim words: "chanted “What curfew?”", "typed “...”".
VERBATIM_VERBS: frozenset[str] = words(
    """
    chant sing shout yell scream cry type write call label dub term brand tweet post text email read
    attack blast slam mock deride praise hail describe characterize characterise use
    """
)

# Nouns of saying whose that-clause is reported content: "Trump's claim that ...".
SPEECH_NOUNS: frozenset[str] = words(
    """
    claim statement assertion allegation suggestion warning promise pledge belief view argument
    contention insistence announcement comment remark admission acknowledgment acknowledgement denial
    charge accusation assurance prediction report message notion idea theory fear hope concern
    """
)

# Verbs that may introduce a direct quote without a clausal complement ("X told CNN: ...").
REPORTING_VERBS: frozenset[str] = SPEECH_VERBS | COGNITION_VERBS

# Prepositional cues whose object is the source: "according to X".
SOURCE_PREPOSITIONS: tuple[tuple[str, str], ...] = (("according", "to"),)

# Personal pronouns that can be speakers and get resolved to a named person.
PERSON_PRONOUNS: dict[str, str] = {
    "he": "male",
    "him": "male",
    "she": "female",
    "her": "female",
    "i": "any",
    "we": "plural",
    "they": "plural",
}

# Titles and roles dropped from the front of canonical names ("President Donald Trump" -> "Donald Trump").
TITLES: frozenset[str] = words(
    """
    president vice prime minister secretary senator sen. rep. representative governor gov. mayor
    mr mr. mrs mrs. ms ms. dr dr. prof prof. professor general gen. colonel col. captain capt. sir
    lord lady king queen prince princess chancellor ambassador envoy spokesman spokeswoman spokesperson
    aide adviser advisor chairman chairwoman chair director minister judge justice speaker leader
    special state foreign defense defence deputy chief press national security kremlin white house
    u.s. us former acting senior interior attorney commissioner
    """
)

# Quotation marks: (opening, closing). Straight double quotes are paired by context.
DOUBLE_OPEN = "\u201c\u201e\u00ab"  # “ „ «
DOUBLE_CLOSE = "\u201d\u00bb"  # ” »
STRAIGHT_DOUBLE = '"'
DOUBLED_APOSTROPHE = "''"  # some newspaper archives write “ and ” as '' (and `` for the opening one)
DOUBLED_BACKTICK = "``"

# A quoted stretch shorter than this many words that sits inside a clause is a fragment
# (scare quotes or the verbatim part of a mixed quote), not a direct quotation.
FRAGMENT_MAX_WORDS = 6
# Up to this many words inside a clause are a fragment even with a full stop (titles, names).
TITLE_MAX_WORDS = 4
# A reporting clause between the two halves of a split quote (“A,” he told reporters, “b.”) is short.
SPLIT_CUE_MAX_WORDS = 12

# Scores: how likely each rule's output is right, set from the share of each rule's quotes that match
# gold on the development corpus (checked per score bucket by bench/attribution.py).
SCORES: dict[str, float] = {
    "byline": 0.95,
    "direct_continued": 0.93,
    "direct_cue": 0.9,
    "indirect_speech": 0.9,
    "according_to": 0.9,
    "direct_nearby": 0.85,
    "direct_frame": 0.75,
    "indirect_object": 0.72,
    "indirect_cognition": 0.7,
    "indirect_noun": 0.7,
    "speaker_line": 0.7,
    "direct_no_speaker": 0.65,
    "direct_object": 0.65,
    "mixed": 0.6,  # one-to-one matching often pairs the gold clause with an overlapping prediction
}
