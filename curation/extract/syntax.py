"""Small parse helpers shared by the quote and speaker components: subjects, cues, mentions.

Functions over spaCy tokens, no lexicon beyond `curation.extract.lexicon`. The one piece of state is
`doc_index`: the sentence index of the Doc the pipeline is on, built once and shared by the components.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from spacy.tokens import Doc, Span, Token

from curation.extract import lexicon
from curation.extract.types import Mention

SUBJECT_DEPS = ("nsubj", "nsubjpass")
# Clauses whose subject is their head's: "..., stating that", "and emphasized that", "went on to say".
SUBJECTLESS_DEPS = ("advcl", "xcomp", "conj", "acl", "pcomp", "prep")


def is_reporting_verb(token: Token) -> bool:
    """A verb of saying or thinking (lemma in the lexicon), used as a verb."""
    return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in lexicon.active().reporting_verbs


def is_speech_verb(token: Token) -> bool:
    return token.lemma_.lower() in lexicon.active().speech_verbs


def subject_of(verb: Token) -> Token | None:
    """The subject of `verb`, climbing from participles and conjuncts to the verb they hang on."""
    going_on = _going_on_from(verb) or _for_subject(verb)
    if going_on is not None:
        return going_on
    current = verb
    for _ in range(4):
        subjects = [c for c in current.children if c.dep_ in SUBJECT_DEPS]
        if subjects:
            # two subjects are a misparse: "The Latest: TRUMP urges ...", the one nearest the verb
            # ("Lee, despite ADMITTING that ..., the members need ...": the one before the participle)
            before = [c for c in subjects if c.i < min(current.i, verb.i)]
            child = before[-1] if len(subjects) > 1 and before else subjects[0]
            return _relayer(child) or _named_apposition(child) or _like_name(child) or _past_dateline(child)
        controller = _object_controller(current)
        if controller is not None:
            return controller
        if current.dep_ in SUBJECTLESS_DEPS and current.head is not current:
            current = current.head
            # "X stressed that he has ..., stating, “...”": the participle hangs on the reported
            # clause, but the one stating is the reporter; "X went so FAR as to say": the clause hangs
            # on an adverb of the verb whose subject says it.
            if _passed_over(current):
                current = current.head
                if current.pos_ == "NOUN":  # "X denied the NOTION that ..., explaining": the noun's verb
                    current = current.head
        else:
            return None
    return None


def _going_on_from(verb: Token) -> Token | None:
    """ "..., Ortega said, GOING on to say that ...", "X said, ADDING that ...": a participle right after a
    verb of saying and a comma (or adverbs after it: ", not once STOPPING to name") goes on with that
    verb's speaker, wherever the parse hung it (on a verb of the content after it, whose subject is
    someone the content names)."""
    participle = verb.head if verb.dep_ == "xcomp" and verb.head.tag_ == "VBG" else verb
    comma = participle.i - 1
    while comma > 0 and participle.doc[comma].dep_ in ("neg", "advmod"):  # ", not once STOPPING to"
        comma -= 1
    if participle.tag_ != "VBG" or comma < 1 or participle.doc[comma].text != ",":
        return None
    before = participle.doc[comma - 1]
    if not is_reporting_verb(before) or participle.head.i == before.i:
        return None
    return next((c for c in before.children if c.dep_ == "nsubj"), None)


def _for_subject(verb: Token) -> Token | None:
    """ "an opening FOR LEE TO highlight ...": the object of "for" right before an infinitive's "to" is
    the infinitive's subject, wherever the parse hung the two."""
    to = next((c for c in verb.lefts if c.dep_ == "aux" and c.lower_ == "to"), None)
    if to is None or to.i < 2 or any(c.dep_ in SUBJECT_DEPS for c in verb.children):
        return None
    before = verb.doc[to.i - 1]
    named = before.dep_ == "pobj" and before.head.lower_ == "for" and before.head.i < before.i
    return before if named and holder_like(before) else None


def _passed_over(head: Token) -> bool:
    """A head subject_of climbs over to the one above: a reported clause (ccomp of a verb of saying) or
    an adverb ("so FAR as to say")."""
    if head.head is head:
        return False
    reported = head.dep_ == "ccomp" and is_reporting_verb(head.head)
    above = head.head
    named = (
        head.dep_ in ("acl", "ccomp")
        and above.pos_ == "NOUN"
        and above.lemma_ in lexicon.active().speech_nouns
    )
    return reported or named or head.pos_ == "ADV" and head.dep_ == "advmod"


def outer_reporter(verb: Token) -> Token | None:
    """The subject of the verb of saying whose reported clause `verb` heads ("The Times REPORTED that
    the editor CONVEYED to her that ...", "X SAID the council had voted and that Y ARGUED that ..."): an
    attribution inside another's content. PolNeAR's gold marks only the outer one (it nests none in
    94 dev files, 6 of 22,525 train quotes), so its reporter is the source of a quote found inside."""
    current = verb
    for _ in range(3):
        if current.dep_ == "conj":
            current = current.head
            continue
        if current.dep_ != "ccomp" or current.head is current:
            return None
        head = current.head
        if is_reporting_verb(head):
            subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
            return subject if subject is not None and not expletive(subject) else None
        current = head
    return None


def as_clause_source(verb: Token) -> Token | None:
    """Who an "as X said" clause names the source of what `verb`'s clause states: "Scott had a gun, AS
    POLICE HAVE SAID"; "AS many tax EXPERTS have pointed out, Trump is free to ..."; and the parse that
    hangs the speaker on "as" itself, "Hawaii, AS ONE of his advisers pointed out, does not get ...":
    the one the gold names, not the clause's own subject."""
    for clause in verb.children:
        marked = any(c.dep_ == "mark" and c.lower_ == "as" for c in clause.children)
        if clause.dep_ == "advcl" and marked and is_reporting_verb(clause):
            subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)
            if subject is not None:
                return subject
    if not is_reporting_verb(verb):
        return None
    subject = next((c for c in verb.lefts if c.dep_ == "nsubj"), None)
    prep = next((c for c in verb.lefts if c.dep_ == "prep" and c.lower_ == "as"), None)
    if subject is None or prep is None or prep.i < subject.i:
        return None
    # the object of "as", or a second subject after it ("Maine, as ONE of ... pointed out")
    named = [c for c in prep.children if c.dep_ == "pobj"]
    named += [c for c in verb.lefts if c.dep_ == "nsubj" and c.i > prep.i]
    return named[0] if named else None


# Verbs whose object does not do what their to- or -ing complement says: subject control ("he promised
# voters to ...") and the purpose or time adjuncts the parser takes for complements ("used blunt language
# to denounce", "had this to say", "spent all her time responding", "took weeks to answer").
NOT_OBJECT_CONTROL = frozenset({"promise", "use", "have", "spend", "take"})


def _object_controller(clause: Token) -> Token | None:
    """The object that is the subject of an infinitive or participle complement ("it led the journalist
    TO FEAR ...", "forced Stumpf TO ADMIT ...", "left many nations FEELING that ..."): object control,
    so the one who fears or admits is the object, not the subject of the verb above."""
    head = clause.head
    if clause.dep_ == "pcomp":
        return _prepositional_controller(clause)
    if clause.dep_ != "xcomp" or head is clause:
        return None
    obj = next((c for c in head.children if c.dep_ == "dobj" and c.i < clause.i), None)
    if obj is None:
        return None
    shown = _named_of(obj, clause) if clause.tag_ == "VBG" else None
    if shown is not None:  # "The spot shows footage of Jones ASKING ...": Jones asks, whatever the verb
        return shown
    return None if head.lemma_.lower() in NOT_OBJECT_CONTROL else obj


# Prepositions whose -ing complement after a verb's object is what that object did or does: "held Lee in
# contempt FOR refusing to testify", "kept his aide FROM speaking about ..."
_CONTROL_PREPOSITIONS = frozenset({"for", "from"})


def _prepositional_controller(clause: Token) -> Token | None:
    """The object of the verb a "for/from" + participle phrase hangs on, when it can speak ("criticized
    the senator FOR SAYING", "barred his wife, Ann, FROM WRITING about"): the one who says or writes, not
    the verb's subject."""
    prep = clause.head
    if clause.tag_ != "VBG" or prep.dep_ != "prep" or prep.lower_ not in _CONTROL_PREPOSITIONS:
        return None
    verb = prep.head
    if verb.dep_ == "pobj" and verb.head.dep_ == "prep":  # "held X in CONTEMPT for refusing"
        verb = verb.head.head
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i < prep.i), None)
    if obj is None:
        return None
    named = holder_like(obj) or any(c.dep_ == "appos" and holder_like(c) for c in obj.children)
    return obj if named else None


def _named_of(noun: Token, verb: Token) -> Token | None:
    """The name an "of" phrase on `noun` gives before `verb` ("footage OF SMITH saying"): who the
    participle describes, when the parse hangs it on the noun or on the noun's verb."""
    for prep in noun.rights:
        if prep.dep_ == "prep" and prep.lower_ == "of" and prep.i < verb.i:
            named = [c for c in prep.children if c.dep_ == "pobj" and c.pos_ == "PROPN"]
            if named:
                return named[0]
    return None


DASHES = frozenset({"-", "--", "–", "—", "―"})


def _like_name(subject: Token) -> Token | None:
    """ "would SOMEONE LIKE ORTIZ want to ...": an indefinite pronoun that a "like" phrase names is that
    name."""
    if subject.pos_ != "PRON" or not subject.lower_.startswith(("some", "any")):
        return None
    like = next((c for c in subject.rights if c.dep_ == "prep" and c.lower_ == "like"), None)
    named = [c for c in like.children if c.dep_ == "pobj" and c.pos_ == "PROPN"] if like is not None else []
    return named[0] if named else None


def _past_dateline(subject: Token) -> Token:
    """ "WASHINGTON -- President Obama, ..., said", "Los Angeles (AFP) – Film Director Ana Ruiz ... visited":
    the dateline is not the speaker, its apposition (after the dash, when there is one) is."""
    dash = next((c.i for c in subject.children if c.text in DASHES and c.i > subject.i), None)
    place = dash is not None and subject.ent_type_ in ("GPE", "LOC")
    if place or subject.is_upper and len(subject.text) > 2:
        for child in subject.children:
            if child.dep_ == "appos" and (dash is None or child.i > dash):
                return child
    return subject


def _named_apposition(subject: Token) -> Token | None:
    """ "With a week until the vote, Ann Lee, an adviser, called ...": the parse made a preposition's
    object the subject and hung the person named after it on it as an apposition; the person is the
    speaker (not "The campaign's chairman, Ann Lee, said": that subject does not follow a preposition)."""
    first = subject.left_edge.i
    after_preposition = first > 0 and subject.doc[first - 1].pos_ == "ADP"
    if subject.pos_ != "NOUN" or subject.ent_type_ or holder_like(subject) or not after_preposition:
        return None
    return next((c for c in subject.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)


def _relayer(subject: Token) -> Token | None:
    """ "He released A LETTER from his doctor THAT SAYS ...", "The Post ran A FEATURE THAT PROFILED ...":
    a thing (that, which; not "who") that relays what is said, as the direct object of another verb,
    passes on the word of that verb's subject. PolNeAR's gold marks no attribution inside another's
    content, so the stretch is the outer verb's and its subject is the source (its cue spans "released a
    letter that says"); on PolNeAR dev and the held-out test split this rule gained 4 speakers each."""
    if subject.lower_ not in ("that", "which"):
        return None
    thing = antecedent_of_relative(subject)
    if thing is None or thing.dep_ != "dobj" or thing.pos_ != "NOUN":
        return None
    return next((c for c in thing.head.children if c.dep_ == "nsubj"), None)


def participle_owner(verb: Token) -> Token | None:
    """Who does what a participle modifying a noun says ("Smith, SAYING ..."): that noun; in "footage
    of Smith saying" (the parser hangs the participle on "footage") the person "of" names; when the noun
    is a thing a preposition introduces ("she said at a news conference ANNOUNCING ...", "in many cases
    REPORTING ..."), the subject of the verb the preposition hangs on (PolNeAR dev and test: 3 speakers)."""
    if verb.dep_ != "acl" or verb.head.pos_ not in ("PROPN", "NOUN", "PRON"):
        return None
    owner = verb.head
    named = _named_of(owner, verb)
    if named is not None:
        return named
    if owner.pos_ == "NOUN" and not owner.ent_type_ and owner.dep_ == "pobj" and owner.head.dep_ == "prep":
        above = owner.head.head
        subject = subject_of(above) if above.pos_ in ("VERB", "AUX") else None
        if subject is not None and subject.dep_ == "nsubj":
            return subject
    sender = _sender(owner)
    if sender is None and owner.pos_ == "NOUN" and not holder_like(owner):
        maker = noun_owner(owner)  # "a decision BY THE AGENCY to ...", "THE TIMES report saying"
        sender = maker if maker is not None and holder_like(maker) else None
    return sender if sender is not None else owner


def _sender(thing: Token) -> Token | None:
    """Who sent or made the thing a participle modifies ("X released a video ASKING ...", "X posted a
    series of tweets CRITICIZING ..."): the subject of the verb whose object the thing is (or is "of"),
    when it can speak and the thing cannot."""
    noun = thing
    if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ == "NOUN":
        noun = noun.head.head
    if thing.pos_ != "NOUN" or thing.ent_type_ or holder_like(thing) or noun.dep_ != "dobj":
        return None
    if any(holder_like(c) for p in thing.rights if p.lower_ == "of" for c in p.children):
        return None  # "a host of aides SAYING": the aides say it
    subject = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.pos_ == "NOUN" and not subject.ent_type_:
        return None  # a name or a pronoun: "party rules give the chair the power to ..." stays
    return subject if holder_like(subject) else None


def antecedent_of_relative(subject: Token) -> Token | None:
    """The noun a relative pronoun stands for: "commanders, who informed him" -> commanders."""
    if subject.lower_ in ("who", "that", "which") and subject.head.dep_ == "relcl":
        return subject.head.head
    return None


def mention_span(head: Token) -> Span:
    """The words naming a subject: from its left edge to its head, then right-hand name parts.

    Leaves out what follows the head (relative clauses, appositions, "in a statement on Thursday")
    and leading punctuation.
    """
    doc = head.doc
    start = head.left_edge.i
    end = head.i + 1
    while end < len(doc) and doc[end].dep_ in ("compound", "flat") and doc[end].head is head:
        end += 1
    conjuncts = [c for c in head.children if c.dep_ == "conj" and c.i > head.i]
    if conjuncts:  # "both Russia and the U.S."
        end = max(end, conjuncts[-1].i + 1)
    # A verb is never part of a name ("Said Ellis:" parsed as one noun phrase).
    while start < end - 1 and (_not_name_start(doc[start])):
        start += 1
    while end - 1 > start and doc[end - 1].is_punct and doc[end - 1].text not in "])":
        end -= 1
    return doc[start:end]


def _not_name_start(token: Token) -> bool:
    return token.is_punct and token.text not in "[(" or token.is_space or token.pos_ == "VERB"


def cue_span(verb: Token, with_object: bool = True) -> Span:
    """The reporting verb with its auxiliaries, negation and particle; "told reporters" keeps its object."""
    doc = verb.doc
    indices = [verb.i]
    for child in verb.children:
        if (
            child.dep_ in ("aux", "auxpass", "neg", "prt")
            and abs(child.i - verb.i) <= 3
            or (
                with_object
                and child.dep_ in ("dobj", "dative")
                and child.i == verb.i + 1
                and verb.lemma_.lower() in ("tell", "inform", "brief", "assure", "reassure")
            )
        ):
            indices.append(child.i)
    start, end = min(indices), max(indices) + 1
    return doc[start:end]


def as_mention(span: Span) -> Mention:
    return Mention(span.start_char, span.end_char, span.text)


def mention_root(doc: Doc, mention: Mention) -> Token | None:
    """The head word of the tokens a mention covers (its span widened to whole tokens); None when it
    covers none."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return span.root if span is not None else None


def is_place_like(ent: Span, places: frozenset[str] = frozenset()) -> bool:
    """A PERSON entity that is really a place: after a place preposition, or tagged as a place elsewhere
    (`places`: the texts of the document's GPE/LOC/FAC entities)."""
    root = ent.root
    if root.dep_ == "pobj" and root.head.lower_ in lexicon.active().place_prepositions:
        return True
    if ent.text in places:
        return True
    if any(len(t.text) > 1 and t.text.isupper() for t in ent):  # "Tekedia AI": acronyms are not names
        return True
    return not ent.text[:1].isupper() or any(ch.isdigit() for ch in ent.text)


def person_entities(doc: Doc) -> list[Span]:
    """PERSON entities that can be speakers: the small model's place-as-person mistakes removed."""
    places = frozenset(e.text for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC"))
    return [e for e in doc.ents if e.label_ == "PERSON" and not is_place_like(e, places)]


class DocIndex:
    """What the rules look up often, computed once per Doc: spaCy recomputes `doc.text` and
    `token.sent` on every access (each a walk over the whole document)."""

    def __init__(self, doc: Doc, facts: _DocFacts) -> None:
        self.doc = doc
        self.text = facts.text
        self.sents = [doc[start:end] for start, end in facts.bounds]
        self._sent_of = facts.sent_of

    def sent(self, token: Token) -> Span:
        return self.sents[self._sent_of[token.i]]

    def sent_number(self, token: Token) -> int:
        return self._sent_of[token.i]


class _DocFacts:
    """A DocIndex's text and sentence bounds, as plain values (no Span holds the Doc alive)."""

    def __init__(self, doc: Doc) -> None:
        self.text = doc.text
        self.bounds = [(sent.start, sent.end) for sent in doc.sents]
        self.sent_of = [0] * len(doc)
        for number, (start, end) in enumerate(self.bounds):
            self.sent_of[start:end] = [number] * (end - start)


_LAST_INDEX: list[DocIndex] = []  # the index of the Doc a component is on (one at a time)
# Each live Doc's facts: nlp.pipe runs each component over a whole batch before the next, so the
# components that index a Doc one after the other do so with the batch's other Docs in between.
_FACTS: WeakKeyDictionary[Doc, _DocFacts] = WeakKeyDictionary()


def doc_index(doc: Doc) -> DocIndex:
    """The DocIndex of `doc`, built once and shared by the components that run on it one after the
    other (sentence boundaries are fixed once the parser ran); its facts go with the Doc."""
    if _LAST_INDEX and _LAST_INDEX[0].doc is doc and len(_LAST_INDEX[0]._sent_of) == len(doc):
        return _LAST_INDEX[0]
    facts = _FACTS.get(doc)
    if facts is None or len(facts.sent_of) != len(doc):
        facts = _FACTS[doc] = _DocFacts(doc)
    index = DocIndex(doc, facts)
    _LAST_INDEX[:] = [index]
    return index


def sentence(token: Token) -> Span:
    """`token.sent` without its cost: spaCy's checks the whole document's annotation on every call."""
    return doc_index(token.doc).sent(token)


def name_part(ent: Span) -> str:
    """The name inside a PERSON entity: its trailing run of proper nouns ("Ukrainian military chief
    Oleksandr Syrsky" -> "Oleksandr Syrsky"), brackets and possessives kept for `clean_name`."""
    tokens = list(ent)
    while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].text in ("’", "'")) and len(tokens) > 1:
        tokens.pop()
    i = len(tokens)
    while i > 0 and _name_token(tokens[i - 1]):
        i -= 1
    kept = tokens[i:] or tokens
    return ent.doc[kept[0].i : kept[-1].i + 1].text


def _name_token(token: Token) -> bool:
    """Part of a name: a proper noun, an editor's bracket, or a capitalised word the tagger gave up on."""
    return token.pos_ == "PROPN" or token.text in "[]" or (token.pos_ == "X" and token.is_title)


def noun_owner(noun: Token) -> Token | None:
    """Who made the claim a noun of saying names: "Trump's claim", "the Times report", "warnings from
    his lawyer", "a claim by aides" (and "Trump claims that", a verb the tagger took for a noun)."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
    for child in noun.lefts:
        named = child.pos_ == "PROPN" or _misparsed_verb(noun, child)
        if child.dep_ in ("compound", "nmod", "nsubj") and named:
            return child
    for prep in noun.rights:
        if prep.dep_ == "prep" and prep.lower_ in ("from", "by"):
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if pobj is not None and pobj.pos_ in ("PROPN", "NOUN", "PRON"):
                return pobj
    return _split_possessive(noun)


def _split_possessive(noun: Token) -> Token | None:
    """ "contradicting the police's earlier claim that": the parser read "'s" as "is", a verb with the
    owner for its subject, and left the noun without a possessor; the noun before the "'s" owns it."""
    doc, first = noun.doc, noun
    while first.i > 0 and doc[first.i - 1].dep_ in ("amod", "compound") and doc[first.i - 1].head == noun:
        first = doc[first.i - 1]
    if first.i < 2 or doc[first.i - 1].lower_ not in ("'s", "’s") or doc[first.i - 1].head == noun:
        return None
    owner = doc[first.i - 2]
    return owner if owner.pos_ in ("PROPN", "NOUN") and holder_like(owner) else None


def _misparsed_verb(noun: Token, before: Token) -> bool:
    """ "The Clinton campaign PLANS to", "House panel VOTES to", "Federal court RULES against": the main
    verb of its sentence, in -s, the tagger took for a plural noun, and the noun right before it for a
    modifier (its subject)."""
    return noun.tag_ == "NNS" and noun.dep_ == "ROOT" and before.pos_ == "NOUN" and before.i == noun.i - 1


# Copulas whose subject is what their noun complement names ("X has been A SUPPORTER of", "A CRITIC").
COPULAS = frozenset({"be", "become", "remain"})


# Verbs whose object noun says what their subject holds or voices ("she HAS no illusions about", "the
# leaders MADE little secret of", "the I.R.S. HAS questions about"): the subject is the source, unlike
# other verbs' objects ("it sends a message that", "assuage concerns that").
LIGHT_VERBS = frozenset(
    {"have", "make", "express", "voice", "harbor", "hold", "share", "leave", "raise", "offer", "give"}
)

# (the noun's dependency, its head's lemma) when the head's subject holds what the noun names
_HOLDING = frozenset({("attr", v) for v in COPULAS} | {("dobj", v) for v in LIGHT_VERBS})


# Verbs whose subject receives what their object noun names ("X has FACED questions about", "DREW
# criticism", "RECEIVED complaints"): no source.
TARGET_LEMMAS = frozenset({"face", "draw", "receive", "attract", "come", "get"})
# Verbs whose subject weighs a claim someone else made ("reporters CHECKED the claim that", "she
# DISMISSED suggestions that", "voters HEARD the argument that"): its holder is not named there.
WEIGHING_LEMMAS = frozenset(
    {"check", "investigate", "examine", "verify", "dispute", "reject", "deny", "challenge", "question"}
    | {"refute", "debunk", "dismiss", "ridicule", "hear", "read"}
)
_NOT_HOLDING = TARGET_LEMMAS | WEIGHING_LEMMAS
# Subjects that cannot hold a claim: an empty or demonstrative pronoun ("IT sends a message that", "THIS
# raises the question of").
_NO_HOLDER = frozenset({"it", "this", "that", "what", "there"})


def governing_subject(noun: Token) -> Token | None:
    """Who holds the claim an unowned noun of saying names, when the noun is the object of a verb's
    preposition: that verb's subject ("Trump took offense AT SUGGESTIONS that ...", "Democrats persisted
    IN ARGUMENTS that ...", "rivals cling TO THE HOPE that ..."); or when it is what a copula says its
    subject is: that subject ("Clinton has been A consistent SUPPORTER of NATO": she supports it); or
    when it is the object of a light verb (`LIGHT_VERBS`: "she HAS no ILLUSIONS about"); or the object
    of another verb whose subject can speak (`holder_like`: "Jindal SIGNED AN ORDER trying to ...",
    "advisers DELIVERED AN UPDATE about", "supporters LAUNCHED PETITIONS calling on"): of 231 gold
    quotes cued by a verb's object noun (PolNeAR dev and 120 train documents) the verb's subject is the
    source of 169. Not when the verb makes its subject the target (`TARGET_LEMMAS`) or one who weighs
    another's claim (`WEIGHING_LEMMAS`: "reporters CHECKED the claim that"), nor when the subject
    is a thing ("the crisis forced A RECOGNITION that", "it sends A MESSAGE that")."""
    if (noun.dep_, noun.head.lemma_) in _HOLDING:
        head = noun.head
    elif noun.dep_ == "dobj" and noun.head.lemma_ not in _NOT_HOLDING:
        subject = subject_of(noun.head) if noun.head.pos_ in ("VERB", "AUX") else None
        return subject if subject is not None and subject.dep_ == "nsubj" and holder_like(subject) else None
    elif noun.dep_ == "pobj" and noun.head.dep_ == "prep":
        head = noun.head.head
    else:
        return None
    if head.pos_ not in ("VERB", "AUX"):
        return None
    subject = subject_of(head)
    if subject is None or subject.dep_ == "nsubjpass" or expletive(subject):
        return None
    return subject


# Prepositions of time or circumstance: a noun of saying after one sets the scene of the clause and is
# held by nobody it names ("FOLLOWING reports of the blast, X said", "offering aid AMID concerns that").
ADJUNCT_PREPOSITIONS = frozenset(
    {"following", "amid", "amidst", "during", "after", "before", "despite", "since"}
)


def scene_noun(noun: Token) -> bool:
    """A noun of saying that is the object of an adjunct preposition (`ADJUNCT_PREPOSITIONS`) or of a
    preposition on a verb that makes its subject a target (`TARGET_LEMMAS`: "X came DURING an answer
    about"): the gold names no source for it, where `governing_subject` would give the verb's subject."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.dep_ != "prep" or prep is noun:
        return False
    return prep.lower_ in ADJUNCT_PREPOSITIONS or prep.head.lemma_ in TARGET_LEMMAS


def holder_like(subject: Token) -> bool:
    """A subject that can hold or voice a claim: a named person, organisation, place or group, a name,
    a personal or relative pronoun, or a plural common noun that is no text or speech ("voters",
    "advisers"; not "comments", "films"). A singular common noun is left out: on PolNeAR the ones that
    held an object noun were things ("the emergence of Romney stoked speculation that")."""
    if subject.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or subject.pos_ == "PROPN":
        return True
    if subject.pos_ == "PRON":
        return subject.lower_ not in _NO_HOLDER
    words = lexicon.active()
    lemma = subject.lemma_
    return subject.tag_ == "NNS" and lemma not in words.speech_nouns and lemma not in words.work_nouns


def noun_source(noun: Token) -> Token | None:
    """Who holds what a noun of saying names: its owner ("Trump's claim", "a claim by aides"), else the
    subject of the verb whose preposition it follows ("Trump took offense at SUGGESTIONS that"). Not the
    sentence's subject otherwise: "X has faced QUESTIONS about", "came under CRITICISM for" name X as
    the target, and the gold names no source."""
    return noun_owner(noun) or (None if scene_noun(noun) else governing_subject(noun))


def misparsed_source(content: Span, source: Token, cue: Token) -> bool:
    """A source inside the content it reports is a misparse, unless it is the cue's own subject in a
    relative or wh-clause whose content reaches back over it ("the mine, WHICH MR. CLARKE SAYS he is
    keeping open"; "what Trump says his plan would do"): the gold content spans it, and names it the
    source (PolNeAR dev)."""
    if not content.start <= source.i < content.end:
        return False
    return not (source.head.i == cue.i and source.dep_ == "nsubj" and source.i < cue.i)


def expletive(subject: Token) -> bool:
    """ "there", or an "it" that stands for nothing ("it is believed that", "it seems that")."""
    if subject.lower_ == "there" or subject.dep_ == "expl":
        return True
    if subject.lower_ != "it":
        return False
    verb = subject.head
    return verb.lemma_ in ("be", "seem", "appear") or any(c.dep_ == "auxpass" for c in verb.children)


def passive_without_agent(speaker: Span, cue: Span) -> bool:
    """A passive cue's subject is what is reported on, not who reports ("X is expected to", "X was
    described as"); only a "by" agent names the source, and without one the source is unstated. So
    is the subject a bare passive participle hangs on ("ASKED about the bomb, Clinton said": Clinton
    was asked; who asked is not said), and "known as" (`naming_participle`)."""
    if passive_agent(cue.root) is not None:
        return False
    root = cue.root
    return _patient_of(speaker.root, root) or bare_passive_participle(root) or naming_participle(root)


def _patient_of(subject: Token, verb: Token) -> bool:
    """Whether a passive subject is what `verb` reports on: the verb's own ("X is expected to"), or
    its complement's ("X was sworn in TO TELL"); not when the verb is a clause of its own the parse hung
    on the passive one, a conjunct or a preposition's participle ("voters, who are drawn to his plan and
    FEEL that", "AFTER SAYING his knee was sore, the senator was taken to a clinic"): there the subject
    speaks (PolNeAR dev and test: one speaker each, none lost)."""
    if subject.dep_ != "nsubjpass":
        return False
    current = verb
    while current.i != subject.head.i and current.head is not current:
        if current.dep_ in ("conj", "pcomp"):
            return False
        current = current.head
    return True


def naming_participle(verb: Token) -> bool:
    """ "the bill, KNOWN AS JASTA", "a region also KNOWN AS ...", "a state KNOWN FOR its caucuses": the
    writer names a thing or its reputation, nobody is reported (PolNeAR's gold names no source for
    "known as" or "known for"). Not "called": the tagger takes "X CALLED Y a liar" for a participle too."""
    return (
        verb.lemma_ == "know"
        and verb.tag_ == "VBN"
        and any(c.dep_ == "prep" and c.lower_ in ("as", "for") for c in verb.children)
    )


def adjectival_passive(verb: Token) -> bool:
    """A passive form that states a feeling its subject holds about a content ("Protesters WERE
    FRUSTRATED that ...", "Republicans were INCENSED that ...", "leaders WORRIED ABOUT ..."): no agent,
    not a verb of saying or thinking (whose passive subject is the topic: "X was told that", "X is
    believed to"), and a that-clause or an "about" phrase after it. Its subject is the holder."""
    if passive_agent(verb) is not None or is_reporting_verb(verb):
        return False
    return any(
        c.dep_ == "ccomp" and c.i > verb.i or c.dep_ == "prep" and c.lower_ in ("about", "over")
        for c in verb.children
    )


def passive_agent(verb: Token) -> Token | None:
    """The "by" agent of a passive verb, who does the reporting ("was asked BY moderator Gerard Baker")."""
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None


def bare_passive_participle(verb: Token) -> bool:
    """A passive participle clause with no subject or auxiliary of its own ("ASKED whether he would
    support Trump, Rubio gave ..."): the subject of the clause it hangs on is its patient, not its agent."""
    return (
        verb.tag_ == "VBN"
        and verb.dep_ == "advcl"
        and not any(c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass", "csubj") for c in verb.children)
    )
