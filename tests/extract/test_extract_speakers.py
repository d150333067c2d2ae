"""How a quote gets its speaker (rules and learned cues): small handwritten sentences, the real model."""

from __future__ import annotations

import pytest
from spacy.language import Language

from curation.extract.learned import content_of
from curation.extract.pipeline import add_components
from curation.extract.speakers import one_quote_per_cue
from curation.extract.types import Attribution, Mention


@pytest.fixture(scope="module")
def nlp() -> Language:
    """The real model with our components (a copy: the session's base model stays bare)."""
    import spacy

    from curation.settings import get_settings

    return add_components(spacy.load(get_settings().model))


def found(nlp: Language, text: str) -> list[Attribution]:
    return list(nlp(text)._.attributions or [])


def learned_source(nlp_base: Language, text: str, cue: str) -> str | None:
    """The source content_of gives the learned cue word `cue` (which must yield a content)."""
    doc = nlp_base(text)
    got = content_of(next(t for t in doc if t.text == cue))
    assert got is not None
    return got[1].text if got[1] is not None else None


def speaker_of(nlp: Language, text: str, kind: str) -> tuple[str | None, str | None]:
    [a] = [x for x in found(nlp, text) if x.kind == kind]
    return (a.speaker.text if a.speaker else None, a.cue.text if a.cue else None)


@pytest.mark.parametrize(
    ("text", "speaker", "cue"),
    [
        # the quote runs on into a clause with its own verb; the verb of saying later is the cue
        (
            "Analysts doubt it. “It seems extremely unlikely” that the bill can clear the Senate, said "
            "Nora Ortega, a Green party strategist.",
            "Nora Ortega",
            "said",
        ),
        ("“It would seal the deal” because she would expand her lead, he said.", "he", "said"),
        # without a verb of saying after the quote, the verb whose subject follows it still is the cue
        ("“Promise you will stay,” Blige sings to the crowd.", "Blige", "sings"),
        # the parse takes a noun inside the quote for the subject: the one named after the verb speaks
        (
            "The market fell.\n\n“The slide is due to the rates, the strikes, all the old supply "
            "worries,” said a trader close to the Hendersons.",
            "a trader",
            "said",
        ),
        # "according to X" before the quote names its speaker
        (
            "Mook spoke.\n\nAccording to Limbaugh, “If it was left up to Hillary, she would not have "
            "time to say anything positive.”",
            "Limbaugh",
            "According to",
        ),
        # a name the tagger took for an adverb
        (
            "She spoke.\n\n“Having a key to the city vault and three clerks who know it is useful,” "
            "said Beasly, noting she worked with Dombrowski.",
            "Beasly",
            "said",
        ),
    ],
)
def test_speakers_the_cue_and_speaker_after_a_direct_quote(
    nlp: Language, text: str, speaker: str, cue: str
) -> None:
    # the direct rules' quote (a clause the quote runs on into, "... that Sanders can catch Clinton",
    # shares its cue: one quote in two segments, whose kind is the longer one's)
    [a] = [x for x in found(nlp, text) if x.rule.startswith("direct")]
    assert (a.speaker.text if a.speaker else None, a.cue.text if a.cue else None) == (speaker, cue)


def test_speakers_a_verb_of_saying_inside_the_cue_clause_introduces_the_next_quote(nlp: Language) -> None:
    """ "“A,” Ortega sings before asking her, “B?”": asking is B's cue; A keeps "sings" and stays apart."""
    text = "“Say you will come back,” Ortega sings to Maria before asking her, “Where will we go tonight?”"
    got = [
        (a.text, a.speaker.text if a.speaker else None, a.cue.text if a.cue else None)
        for a in found(nlp, text)
    ]
    assert got == [
        ("Say you will come back,", "Ortega", "sings"),
        ("Where will we go tonight?", "Ortega", "asking"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Asked ..., X said": X was asked; who asked is not said
        (
            "Asked about the attack, the mayor said he would wait for the facts.",
            [("Asked", None), ("said", "the mayor")],
        ),
        # a passive with a "by" agent: the agent is who asks
        (
            "Rubio was asked by moderator Gerard Baker whether his plan would cost too much.",
            [("was asked", "moderator Gerard Baker")],
        ),
        # the active clause keeps its subject
        ("The mayor asked whether the plan would cost too much.", [("asked", "The mayor")]),
    ],
)
def test_speakers_a_passive_cue_names_its_agent_or_no_one(
    nlp: Language, text: str, expected: list[tuple[str, str | None]]
) -> None:
    got = [(a.cue.text if a.cue else None, a.speaker.text if a.speaker else None) for a in found(nlp, text)]
    assert got == expected


@pytest.mark.parametrize(
    ("text", "cue", "source"),
    [
        ("Asked about the attack, the mayor said he would wait.", "Asked", None),
        # a passive cue without an agent does not fall back on the sentence's subject
        ("The plan, which was criticized as reckless, passed.", "criticized", None),
        ("The mayor criticized the plan as reckless.", "criticized", "mayor"),
        # a passive form stating a feeling about a content: its subject holds it
        (
            "Protesters were frustrated that the police released only some of the video.",
            "frustrated",
            "Protesters",
        ),
        # a verb of saying in the passive: its subject is the one told, not the source
        ("Protesters were told that the police would release the video.", "told", None),
    ],
)
def test_speakers_a_learned_passive_cue_names_its_agent_or_no_one(
    nlp_base: Language, text: str, cue: str, source: str | None
) -> None:
    assert learned_source(nlp_base, text, cue) == source


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # object control: the object does what the infinitive says
        ("The affair led the young reporter to fear a new purge.", "the young reporter"),
        ("The senator forced Stumpf to admit that no executive was fired.", "Stumpf"),
        # subject control and purpose infinitives keep the subject
        ("The senator promised voters to say that the plan failed.", "The senator"),
        ("Other leaders used blunt language to denounce the plan.", "Other leaders"),
        # no object: the subject of the verb above
        ("The senator wants to say that the plan failed.", "The senator"),
    ],
)
def test_speakers_the_object_of_a_control_verb_speaks_its_infinitive(
    nlp_base: Language, text: str, speaker: str
) -> None:
    from curation.extract import syntax

    doc = nlp_base(text)
    verb = next(t for t in doc if t.dep_ == "xcomp")
    subject = syntax.subject_of(verb)
    assert subject is not None and syntax.mention_span(subject).text == speaker


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # an unowned noun of saying after a verb's preposition: the verb's subject holds the claim
        ("Okafor bristled at claims that she is not a licensed pilot.", "Okafor"),
        ("Farmers persisted in arguments that the ministry is ignoring the drought.", "Farmers"),
        # as the direct object of a verb whose subject is a singular common noun, no holder
        ("The chef floated the notion that the bakery should hire him.", None),
        # an owner of its own wins
        ("Voters heard Trump's claim that the election was rigged.", "Trump"),
    ],
)
def test_speakers_an_unowned_noun_of_saying_takes_the_subject_of_its_verb(
    nlp: Language, text: str, speaker: str | None
) -> None:
    [a] = [x for x in found(nlp, text) if x.rule == "indirect_noun"]
    assert (a.speaker.text if a.speaker else None) == speaker


@pytest.mark.parametrize(
    ("text", "cue", "source"),
    [
        # the subject of "faced" is the target of the questions, not their source
        ("Trump has faced questions about the practices of his foundation.", "questions", None),
        ("Okafor took umbrage at hints that she had bought her degree.", "hints", "Okafor"),
        ("Voters heard Trump's claim that the election was rigged.", "claim", "Trump"),
        # what a copula says its subject is: the subject holds it ("X has been a supporter of Y")
        ("Hillary Clinton has been a consistent supporter of NATO and its allies.", "supporter", "Clinton"),
        ("The governor became a fierce critic of the new tax plan.", "critic", "governor"),
        ("It was a reminder that the talks could fail.", "reminder", None),  # an empty "it" holds nothing
        # the object of a light verb: its subject holds or voices it ("has questions", "made no secret")
        ("She has no illusions about the risks of the merger.", "illusions", "She"),
        ("The ministers made little secret of their doubts about the plan.", "secret", "ministers"),
        ("The agency has questions about his tax returns.", "questions", "agency"),
        # the object of another verb: its subject, when that subject can speak (a name, a pronoun, people)
        ("Gov. Bobby Jindal signed an order banning refugees from the state.", "order", "Jindal"),
        ("Her advisers delivered a sober update about the senator's chances.", "update", "advisers"),
        ("Supporters launched petitions calling on the delegates to back him.", "petitions", "Supporters"),
        # not a thing, an empty "it", the target of the claim, nor one who weighs it
        ("The crisis forced a recognition that the borders were weak.", "recognition", None),
        ("It sends a clear message that the elites are above the law.", "message", None),
        ("The senators received complaints that the plan was unfair.", "complaints", None),
        ("The senators dismissed suggestions that the plan was unfair.", "suggestions", None),
        # a main verb in -s the tagger took for a plural noun: the noun right before it is its subject
        ("The Delgado firm plans to use Mrs. Duarte as often as possible.", "plans", "firm"),
        ("City council votes to fine county water official for delays.", "votes", "council"),
        ("Other than minor floor debates over procedure, the session was quiet.", "debates", None),
    ],
)
def test_speakers_a_learned_noun_cue_names_its_owner_not_the_sentence_subject(
    nlp_base: Language, text: str, cue: str, source: str | None
) -> None:
    assert learned_source(nlp_base, text, cue) == source


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # a thing that relays what is said, as the object of another verb, passes on its subject's word
        (
            "The senator published a note from her physician that says she is in good health.",
            "The senator",
        ),
        # "who" is a person speaking in their own right
        ("The mayor thanked the senator, who said the plan would work.", "who"),
        # a relayed thing that is no verb's object keeps its own relative pronoun
        ("A letter that says he is in excellent health was released on Friday.", "that"),
    ],
)
def test_speakers_a_relative_clause_on_an_object_reports_for_the_verbs_subject(
    nlp: Language, text: str, speaker: str
) -> None:
    [a] = found(nlp, text)
    assert a.speaker is not None and a.speaker.text == speaker


@pytest.mark.parametrize(
    ("text", "cue", "source"),
    [
        # "as X said": X is the source of what the clause states, not the clause's own subject
        ("The memo does not answer whether he had a permit, as officials have said.", "answer", "officials"),
        ("As many economists have pointed out, the governor is free to publish it.", "is", "economists"),
        # the parse that hangs the speaker on "as" (or makes it a second subject of the cue)
        (
            "Arizona, as one of Mr. Park's water engineers pointed out, normally does not get floods.",
            "pointed",
            "one",
        ),
    ],
)
def test_speakers_an_as_clause_names_the_source(
    nlp_base: Language, text: str, cue: str, source: str | None
) -> None:
    assert learned_source(nlp_base, text, cue) == source


@pytest.mark.parametrize(
    ("text", "cue", "source"),
    [
        # a cue inside what another verb of saying reports: the outer reporter is the source
        ("The newspaper reported that the editor told her that the story was wrong.", "told", "newspaper"),
        (
            "The mayor said the council had voted and that the treasurer argued that the budget was too big.",
            "argued",
            "mayor",
        ),
        # not inside reported speech: the cue's own subject
        ("The editor told her that the story was wrong.", "told", "editor"),
    ],
)
def test_speakers_a_learned_cue_inside_reported_speech_names_the_outer_reporter(
    nlp_base: Language, text: str, cue: str, source: str | None
) -> None:
    assert learned_source(nlp_base, text, cue) == source


@pytest.mark.parametrize(
    ("text", "cue", "source"),
    [
        # "look" is evidential only as "looks like", "looks unlikely": "looking for" names its subject
        ("Several city planners are looking for a shortcut.", "looking", "planners"),
        ("The senator looks unlikely to back the bill.", "looks", None),
        # a copula's subject that cannot speak names the content: its owner is the source, or no one
        ("The hope has been that employers would respond.", "been", None),
        ("Okafor's point was that the team would need more funding.", "was", "Okafor"),
        ("The senators' view was that the deal would fail.", "was", "senators"),
        # the sentence's subject, the last resort, only when it can speak: not "talks" (tagged a verb)
        ("Of course, talks over the huge trade deal could still fall apart.", "talks", None),
    ],
)
def test_speakers_a_learned_cue_names_no_thing(
    nlp_base: Language, text: str, cue: str, source: str | None
) -> None:
    assert learned_source(nlp_base, text, cue) == source


@pytest.mark.parametrize(
    ("text", "cue", "source"),
    [
        # an adjective cue with a subject of its own: that subject, not the sentence's
        (
            "With shop owners increasingly worried about a shortage of buyers, "
            "the council is drafting a rescue.",
            "worried",
            "owners",
        ),
        # a conjunct verb whose head's subject the parse missed: the noun right before that head
        (
            "When the storms hit the coast, Smith and Jones call them disasters "
            "and describe the damage as a crisis.",
            "describe",
            "Jones",
        ),
        # a dateline in mixed case, parsed as the subject: the name after its dash
        (
            "Los Angeles (AFP) – Film Director Ana Ruiz on Tuesday visited the studio lot with Paul "
            "Grant for the first time, praising the crew as ready for the next shoot.",
            "praising",
            "Ruiz",
        ),
        # a reported clause's verb without a subject, a name right before it: that name, not the reporter
        (
            "Growers said they're increasingly sure the water board misjudged the drought and tenants "
            "accused the landlords of exploiting the shortage for maximum profit.",
            "accused",
            "tenants",
        ),
        # the subject climbed to is empty ("That"): the noun right before the cue
        (
            "That's only a part of the minimum $9 million lawyers say it takes to win the case.",
            "say",
            "lawyers",
        ),
    ],
)
def test_speakers_a_learned_cue_falls_back_to_its_own_or_its_heads_subject(
    nlp_base: Language, text: str, cue: str, source: str | None
) -> None:
    assert learned_source(nlp_base, text, cue) == source


def test_speakers_of_two_subjects_the_one_nearest_the_verb(nlp_base: Language) -> None:
    """Two subjects of one verb are a misparse of a label before a colon ("The Latest: Trump urges
    ..."): the subject nearest the verb is the speaker (a parse built by hand, as the small model
    gives it only in some contexts)."""
    from spacy.tokens import Doc

    from curation.extract import syntax

    words = ["The", "Latest", ":", "Trump", "urges", "supporters", "to", "vote", "."]
    doc = Doc(
        nlp_base.vocab,
        words=words,
        spaces=[True, False, True, True, True, True, True, False, False],
        heads=[1, 4, 4, 4, 4, 4, 7, 4, 4],
        deps=["det", "nsubj", "punct", "nsubj", "ROOT", "dobj", "aux", "xcomp", "punct"],
        pos=["DET", "ADJ", "PUNCT", "PROPN", "VERB", "NOUN", "PART", "VERB", "PUNCT"],
    )
    subject = syntax.subject_of(doc[4])
    assert subject is not None and subject.text == "Trump"


Row = tuple[str, int, str, str, str, bool]  # word, head, dependency, part of speech, lemma, space after


def hand_parsed(nlp: Language, rows: list[Row]) -> list[tuple[str | None, str]]:
    """(speaker, rule) of the attributions the rule components find on a parse built by hand: the
    misparses below are the small model's on PolNeAR sentences, which it gives only in some contexts."""
    from spacy.tokens import Doc

    doc = Doc(
        nlp.vocab,
        words=[r[0] for r in rows],
        heads=[r[1] for r in rows],
        deps=[r[2] for r in rows],
        pos=[r[3] for r in rows],
        lemmas=[r[4] for r in rows],
        spaces=[r[5] for r in rows],
    )
    for name in ("curation_direct_quotes", "curation_indirect_quotes", "curation_speakers"):
        doc = nlp.get_pipe(name)(doc)
    return [(a.speaker.text if a.speaker else None, a.rule) for a in doc._.attributions or []]


def test_speakers_as_x_put_it_names_x_when_parsed_as_the_object_of_as(nlp: Language) -> None:
    """ "As Amar put it, “...”" with Amar parsed as the object of "as" and "put" hung on the quote's verb
    (whose subject is inside the quote): Amar, not the quote's "Republicans" nor no one."""
    rows: list[Row] = [
        ("As", 2, "mark", "SCONJ", "as", True),
        ("Amar", 0, "pobj", "PROPN", "Amar", True),
        ("put", 8, "advcl", "VERB", "put", True),
        ("it", 2, "dobj", "PRON", "it", False),
        (",", 8, "punct", "PUNCT", ",", True),
        ("“", 8, "punct", "PUNCT", "“", False),
        ("Republicans", 8, "nsubj", "PROPN", "Republicans", True),
        ("should", 8, "aux", "AUX", "should", True),
        ("wait", 8, "ROOT", "VERB", "wait", False),
        (".", 8, "punct", "PUNCT", ".", False),
        ("”", 8, "punct", "PUNCT", "”", False),
    ]
    assert hand_parsed(nlp, rows) == [("Amar", "direct_frame")]


def test_speakers_a_name_hung_on_a_noun_inside_the_quote_speaks_it(nlp: Language) -> None:
    """“Good reporter,” Trump, the leader in Iowa, said: the parse took "reporter" (inside the quote)
    for the subject and hung Trump on it; the apposition after the closing mark is the speaker."""
    rows: list[Row] = [
        ("“", 12, "punct", "PUNCT", "“", False),
        ("Good", 2, "amod", "ADJ", "good", True),
        ("reporter", 12, "nsubj", "NOUN", "reporter", False),
        (",", 2, "punct", "PUNCT", ",", False),
        ("”", 2, "punct", "PUNCT", "”", True),
        ("Trump", 2, "appos", "PROPN", "Trump", False),
        (",", 5, "punct", "PUNCT", ",", True),
        ("the", 8, "det", "DET", "the", True),
        ("leader", 5, "appos", "NOUN", "leader", True),
        ("in", 8, "prep", "ADP", "in", True),
        ("Iowa", 9, "pobj", "PROPN", "Iowa", False),
        (",", 5, "punct", "PUNCT", ",", True),
        ("said", 12, "ROOT", "VERB", "say", False),
        (".", 12, "punct", "PUNCT", ".", False),
    ]
    [(speaker, rule)] = hand_parsed(nlp, rows)
    assert rule == "direct_cue" and speaker is not None and speaker.startswith("Trump")


def test_speakers_a_clause_on_an_adverb_takes_the_verbs_subject(nlp: Language) -> None:
    """ "X went so far as to say: “...”": "say" hangs on the adverb "far"; its subject is the verb's."""
    text = "The columnist went so far as to say: “Twitter is over.”"
    assert speaker_of(nlp, text, "direct") == ("The columnist", "to say")


def _quote(start: int, end: int, kind: str, cue: int | None, group: str | None = None) -> Attribution:
    """A quote of a handwritten attribution list: its cue a one-word Mention at `cue`, if any."""
    mention = Mention(start=cue, end=cue + 4, text="said") if cue is not None else None
    extra: dict[str, object] = {"group": group} if group else {}
    return Attribution(start, end, "x" * (end - start), kind, 0.9, cue=mention, extra=extra)


def test_one_quote_per_cue_joins_quotes_through_shared_cues_and_groups() -> None:
    """Quotes 0 and 1 share a cue, 1 and 2 a group, 3 has its own cue: 0-2 are one quote, of the kind of
    its longest segment, under the group name it already had; 3 is left as it was."""
    found = [
        _quote(0, 10, "indirect", cue=50),
        _quote(20, 60, "direct", cue=50, group="g1"),
        _quote(70, 80, "indirect", cue=None, group="g1"),
        _quote(90, 99, "indirect", cue=120),
    ]
    out = one_quote_per_cue(found)
    assert [a.extra.get("group") for a in out] == ["g1", "g1", "g1", None]
    assert [a.kind for a in out] == ["direct", "direct", "direct", "indirect"]
    assert out[3] is found[3]


def test_one_quote_per_cue_names_a_new_group_by_its_first_quote() -> None:
    out = one_quote_per_cue([_quote(5, 9, "indirect", cue=30), _quote(12, 40, "mixed", cue=30)])
    assert [a.extra["group"] for a in out] == ["quote-5", "quote-5"]
    assert {a.kind for a in out} == {"mixed"}


def test_speakers_quotes_whose_cues_share_a_head_word_are_one_quote(nlp: Language) -> None:
    """The rules' "has said" and a learned "said" are one cue: its two contents are one quote, of the
    longer part's kind."""

    text = "The mayor has said the budget was balanced: “We have done our job.”"
    doc = nlp(text)
    said, has = text.index("said"), text.index("has")

    def quote(part: str, kind: str, cue: Mention) -> Attribution:
        start = text.index(part)
        return Attribution(start, start + len(part), part, kind, 0.9, cue=cue, rule="test")

    first = quote("the budget was balanced", "indirect", Mention(has, said + 4, "has said"))
    second = quote("We have done our job.", "direct", Mention(said, said + 4, "said"))
    found = one_quote_per_cue([first, second], doc)
    assert found[0].extra.get("group") is not None
    assert found[0].extra.get("group") == found[1].extra.get("group")
    assert [a.kind for a in found] == ["indirect", "indirect"]
    other = quote("We have done our job.", "direct", Mention(has, has + 3, "has"))  # another head word
    assert [a.extra.get("group") for a in one_quote_per_cue([first, other], doc)] == [None, None]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # a participle under a preposition, or a conjunct, of a passive clause: its subject speaks
        (
            "After saying that his left knee was so sore he could barely walk, the senator was taken to "
            "a clinic.",
            "the senator",
        ),
        (
            "Young voters such as Ramos, who are drawn to his plan and feel that the old policies failed "
            "them, turned out.",
            "who",
        ),
        # the passive's own complement: its subject is what is reported on, not a source
        ("The mayor was never sworn in to tell the truth.", None),
    ],
)
def test_speakers_a_clause_hung_on_a_passive_keeps_its_speaker(
    nlp: Language, text: str, speaker: str | None
) -> None:
    [a] = found(nlp, text)
    assert (a.speaker.text if a.speaker else None) == speaker


def test_speakers_of_two_subjects_the_one_before_a_participle_under_a_preposition(nlp: Language) -> None:
    """ "X, despite admitting that ..., the members need ...": a sentence with two subjects (a missing
    verb of saying); the participle between them reports for the one before it, not the nearer one."""
    [a] = found(
        nlp,
        "Governor Ann Lee, despite admitting that she had doubts about the bill, the members need to "
        "vote on it.",
    )
    assert (a.speaker.text if a.speaker else None, a.cue.text if a.cue else None) == (
        "Governor Ann Lee",
        "admitting",
    )


def test_speakers_known_as_names_a_thing_and_no_source(nlp_base: Language) -> None:
    """ "X, also known as Y": the writer names X; nobody is reported (the gold names no source)."""
    assert (
        learned_source(nlp_base, "The treaty, also known as the Lisbon pact, changed the union.", "known")
        is None
    )
    assert (
        learned_source(
            nlp_base, "The treaty, which critics described as a trap, changed the union.", "described"
        )
        == "critics"
    )


def test_speakers_a_noun_of_saying_after_an_adjunct_preposition_has_no_holder(nlp: Language) -> None:
    """ "amid concerns that", "following reports of": the noun sets the scene; the subject of the verb
    the phrase hangs on does not hold it (the gold names no source), unlike "took offense at claims"."""
    got = [
        (a.cue.text if a.cue else None, a.speaker.text if a.speaker else None)
        for a in found(
            nlp,
            "Officials offered new aid amid growing concerns that the region is too dependent on imports.",
        )
    ]
    assert ("concerns", None) in got


@pytest.mark.parametrize(
    ("text", "cue", "source"),
    [
        # a preposition on a verb that makes its subject a target: no source, and no fallback either
        ("The council came under sharp criticism for its failure to act on the floods.", "under", None),
        ("Following early reports of the fire, the mayor said the station was closed.", "reports", None),
        # "looks like" + a clause: evidential, what seems
        ("Despite the denials, it sure looks like the two firms are working together.", "looks", None),
    ],
)
def test_speakers_a_learned_cue_of_a_scene_target_or_seeming_names_no_one(
    nlp_base: Language, text: str, cue: str, source: str | None
) -> None:
    assert learned_source(nlp_base, text, cue) == source


@pytest.mark.integration
def test_speakers_a_judged_scene_noun_of_a_lexicon_word_is_kept_without_a_speaker() -> None:
    """A candidate only the judge proposes needs `lexicon_min` when its cue is a lexicon word whose
    parse settles the source: a named one, or none for a scene noun ("following REPORTS of")."""
    from curation.extract.learned import QUOTES_KEY, SPANS_KEY, LearnedQuotes, candidates
    from curation.extract.pipeline import load_model

    doc = load_model()("Following early reports of the fire, the mayor closed the station.")
    [judged] = [c for c in candidates(doc) if c.cue.text == "reports"]
    doc._.attributions = []
    doc.spans[QUOTES_KEY] = [doc[judged.start : judged.end]]
    doc.spans[QUOTES_KEY].attrs["scores"] = [0.2]
    LearnedQuotes("learned", SPANS_KEY, 0.5, lexicon_min=0.1).annotate(doc)
    assert [(a.text, a.speaker) for a in doc._.attributions] == [("of the fire", None)]


def _subject(
    nlp_base: Language, words: list[str], heads: list[int], deps: list[str], pos: list[str], verb: int
) -> str:
    """The text of syntax.subject_of(words[verb]) on a parse built by hand."""
    from spacy.tokens import Doc

    from curation.extract import syntax

    tags = ["VBG" if w.endswith("ing") else "XX" for w in words]
    lemmas = ["use" if w == "uses" else w.lower() for w in words]
    doc = Doc(nlp_base.vocab, words=words, heads=heads, deps=deps, pos=pos, tags=tags, lemmas=lemmas)
    subject = syntax.subject_of(doc[verb])
    return subject.text if subject is not None else ""


def test_speakers_footage_of_a_name_says_the_participle(nlp_base: Language) -> None:
    """ "The ad uses footage of Jones asking": the parse hangs the participle on "uses" (no object
    control for "use"); the name "footage of" gives asks (the small model's parse in some contexts)."""
    words = ["The", "ad", "uses", "footage", "of", "Jones", "asking", "why", "."]
    heads = [1, 2, 2, 2, 3, 4, 2, 6, 2]
    deps = ["det", "nsubj", "ROOT", "dobj", "prep", "pobj", "xcomp", "advmod", "punct"]
    pos = ["DET", "NOUN", "VERB", "NOUN", "ADP", "PROPN", "VERB", "ADV", "PUNCT"]
    assert _subject(nlp_base, words, heads, deps, pos, 6) == "Jones"
    deps[5], pos[5] = "pobj", "NOUN"  # "footage of crowds asking": no name, the subject as before
    words[5] = "crowds"
    assert _subject(nlp_base, words, heads, deps, pos, 6) == "ad"


def test_speakers_a_preposition_object_parsed_as_subject_gives_way_to_its_named_apposition(
    nlp_base: Language,
) -> None:
    """ "With days until the vote, Lee, an aide, called ...": the parse made "vote" the subject and Lee its
    apposition; Lee speaks. "The chairman, Lee, said" keeps the chairman (no preposition before it)."""
    from spacy.tokens import Doc

    from curation.extract import syntax

    words = ["With", "days", "until", "the", "vote", ",", "Ann", "Lee", ",", "called", "it", "."]
    heads = [9, 0, 1, 4, 9, 4, 7, 4, 9, 9, 9, 9]
    deps = [
        "prep",
        "pobj",
        "prep",
        "det",
        "nsubj",
        "punct",
        "compound",
        "appos",
        "punct",
        "ROOT",
        "dobj",
        "punct",
    ]
    pos = ["ADP", "NOUN", "ADP", "DET", "NOUN", "PUNCT", "PROPN", "PROPN", "PUNCT", "VERB", "PRON", "PUNCT"]
    ents = ["O", "O", "O", "O", "O", "O", "B-PERSON", "I-PERSON", "O", "O", "O", "O"]
    doc = Doc(nlp_base.vocab, words=words, heads=heads, deps=deps, pos=pos, ents=ents)
    assert syntax.subject_of(doc[9]).text == "Lee"
    words = ["The", "chairman", ",", "Ann", "Lee", ",", "called", "it", "."]
    heads = [1, 6, 1, 4, 1, 6, 6, 6, 6]
    deps = ["det", "nsubj", "punct", "compound", "appos", "punct", "ROOT", "dobj", "punct"]
    pos = ["DET", "NOUN", "PUNCT", "PROPN", "PROPN", "PUNCT", "VERB", "PRON", "PUNCT"]
    ents = ["O", "O", "O", "B-PERSON", "I-PERSON", "O", "O", "O", "O"]
    doc = Doc(nlp_base.vocab, words=words, heads=heads, deps=deps, pos=pos, ents=ents)
    assert syntax.subject_of(doc[6]).text == "chairman"


def test_speakers_known_for_names_no_source(nlp_base: Language) -> None:
    assert (
        learned_source(nlp_base, "Voters in a state known for its caucuses turned out early.", "known")
        is None
    )


def test_speakers_a_quoted_title_after_the_verb_is_not_its_subject(nlp: Language) -> None:
    """“A,” Ruiz, an aide, said on the “Morning Show.” “B.”: the parse took the quoted show, after the
    verb, for its subject; the name between quote and verb speaks, for both segments of the quote."""
    rows: list[Row] = [
        ("“", 1, "punct", "PUNCT", "“", False),
        ("Yes", 9, "ccomp", "INTJ", "yes", False),
        (",", 1, "punct", "PUNCT", ",", False),
        ("”", 1, "punct", "PUNCT", "”", True),
        ("Ruiz", 1, "appos", "PROPN", "Ruiz", False),  # hung on a word inside the quote
        (",", 4, "punct", "PUNCT", ",", True),
        ("an", 7, "det", "DET", "an", True),
        ("aide", 4, "appos", "NOUN", "aide", False),
        (",", 4, "punct", "PUNCT", ",", True),
        ("said", 9, "ROOT", "VERB", "say", True),
        ("on", 9, "prep", "ADP", "on", True),
        ("the", 14, "det", "DET", "the", True),
        ("“", 13, "punct", "PUNCT", "“", False),
        ("Morning", 14, "compound", "PROPN", "Morning", True),
        ("Show", 9, "nsubj", "PROPN", "Show", False),
        (".", 9, "punct", "PUNCT", ".", False),
        ("”", 9, "punct", "PUNCT", "”", True),
        ("“", 19, "punct", "PUNCT", "“", False),
        ("We", 19, "nsubj", "PRON", "we", True),
        ("win", 19, "ROOT", "VERB", "win", False),
        (".", 19, "punct", "PUNCT", ".", False),
        ("”", 19, "punct", "PUNCT", "”", False),
    ]
    direct = [found for found in hand_parsed(nlp, rows) if found[1] == "direct_cue"]
    assert direct == [("Ruiz, an aide", "direct_cue"), ("Ruiz, an aide", "direct_cue")]


@pytest.mark.parametrize(
    ("text", "cue", "source"),
    [
        # a relative "that" on a noun that can speak: the noun is the source, as the gold names it
        (
            "The agency issued a set of new safety rules that promise to transform the industry.",
            "promise",
            "rules",
        ),
        ("Rebels still attack towns in nations that oppose the new regime.", "oppose", "nations"),
    ],
)
def test_speakers_a_learned_cue_of_a_relative_that_names_its_noun(
    nlp_base: Language, text: str, cue: str, source: str
) -> None:
    assert learned_source(nlp_base, text, cue) == source


def test_speakers_a_learned_cue_takes_a_name_the_parse_left_unattached(nlp_base: Language) -> None:
    """ "With her film, Ramos both documents the rise ...": the parse hung "Ramos" on the verb as an
    unlabelled dependent (dep) and found no subject; the name is the source."""
    from spacy.tokens import Doc

    words = ["With", "her", "film", ",", "Ramos", "both", "documents", "the", "rise", "."]
    heads = [6, 2, 0, 6, 6, 6, 6, 8, 6, 6]
    deps = ["prep", "poss", "pobj", "punct", "dep", "det", "ROOT", "det", "dobj", "punct"]
    pos = ["ADP", "PRON", "NOUN", "PUNCT", "PROPN", "DET", "VERB", "DET", "NOUN", "PUNCT"]
    tags = ["IN", "PRP$", "NN", ",", "NNP", "DT", "VBZ", "DT", "NN", "."]
    lemmas = ["with", "her", "film", ",", "Ramos", "both", "document", "the", "rise", "."]
    doc = Doc(nlp_base.vocab, words=words, heads=heads, deps=deps, pos=pos, tags=tags, lemmas=lemmas)
    got = content_of(doc[6])
    assert got is not None and got[1] is not None and got[1].text == "Ramos"


def test_speakers_a_participle_hung_in_a_nouns_clause_reports_for_the_nouns_verb(nlp: Language) -> None:
    """ "X denied the notion that Y is coming, explaining that ...": the parse hangs the participle on
    the verb of the noun's clause; X explains, not Y (as over a verb of saying's reported clause)."""
    text = (
        "Reached by phone, Lee denied the notion that a shakeup is coming, explaining that he had been "
        "away all week."
    )
    got = [(a.cue.text if a.cue else None, a.speaker.text if a.speaker else None) for a in found(nlp, text)]
    assert ("explaining", "Lee") in got


def test_speakers_a_participle_right_after_a_verb_of_saying_goes_on_with_its_speaker(nlp: Language) -> None:
    """ "..., Ortega said, going on to say that ...": the parse hangs "going" on a verb of the content
    after it, whose subject is someone the content names; the one going on is the one who said."""
    text = (
        '"The whole row about that again, dredging it up, is absurd," Ortega said, going on to say that '
        'the party has spent "years fighting over all that stuff, to have that fight again, young voters '
        'do not wish to see it."'
    )
    got = [(a.cue.text if a.cue else None, a.speaker.text if a.speaker else None) for a in found(nlp, text)]
    assert ("to say", "Ortega") in got


@pytest.mark.parametrize(
    ("text", "cue", "source"),
    [
        # "X seemed to think ...": X thinks; the verb after "seem" is a verb of the lexicon
        (
            "Martinez mostly agreed with the mayor and seemed to think the new tax was a mistake.",
            "seemed",
            "Martinez",
        ),
        ("The governor seemed to believe the budget would pass by spring.", "seemed", "governor"),
        # ... and "seem" before any other verb stays evidential: what seems, no source
        ("The old bridge seems to have survived the storm.", "seems", None),
    ],
)
def test_speakers_a_learned_seem_before_a_verb_of_saying_names_its_subject(
    nlp_base: Language, text: str, cue: str, source: str | None
) -> None:
    assert learned_source(nlp_base, text, cue) == source


@pytest.mark.parametrize(
    ("text", "cue", "source"),
    [
        # a "for/from" + participle phrase after a verb's object that can speak: the object does it
        (
            "On Monday the committee held Ruiz in contempt for refusing to appear at a hearing.",
            "refusing",
            "Ruiz",
        ),
        ("The mayor kept his deputy, Ann Ortiz, from speaking about the contract.", "speaking", "deputy"),
        ("The board criticized the senators for saying that the budget was fine.", "saying", "senators"),
        # ... not when the object is a thing: the subject does it
        ("The company won praise for saying that it would cut prices.", "saying", "company"),
    ],
)
def test_speakers_a_participle_after_a_verbs_object_and_for_or_from_is_the_objects(
    nlp_base: Language, text: str, cue: str, source: str
) -> None:
    assert learned_source(nlp_base, text, cue) == source


def test_rules_a_content_runs_over_a_sentence_split_off_mid_clause(nlp: Language) -> None:
    """ "Ortiz cited harsh remarks | Lee had made about the union.": the parser ended the sentence after
    the object, with no punctuation, and made the reduced relative clause a sentence of its own; the
    content runs on over it, and no attribution inside it ("Lee ... made") takes the quote."""
    rows: list[Row] = [
        ("Ortiz", 1, "nsubj", "PROPN", "Ortiz", True),
        ("cited", 1, "ROOT", "VERB", "cite", True),
        ("harsh", 3, "amod", "ADJ", "harsh", True),
        ("remarks", 1, "dobj", "NOUN", "remark", True),
        ("Lee", 6, "nsubj", "PROPN", "Lee", True),
        ("had", 6, "aux", "AUX", "have", True),
        ("made", 6, "ROOT", "VERB", "make", True),
        ("about", 6, "prep", "ADP", "about", True),
        ("the", 9, "det", "DET", "the", True),
        ("union", 7, "pobj", "NOUN", "union", False),
        (".", 6, "punct", "PUNCT", ".", False),
    ]
    from spacy.tokens import Doc

    doc = Doc(
        nlp.vocab,
        words=[r[0] for r in rows],
        heads=[r[1] for r in rows],
        deps=[r[2] for r in rows],
        pos=[r[3] for r in rows],
        lemmas=[r[4] for r in rows],
        spaces=[r[5] for r in rows],
    )
    for name in ("curation_direct_quotes", "curation_indirect_quotes", "curation_speakers"):
        doc = nlp.get_pipe(name)(doc)
    got = [(a.text, a.speaker.text if a.speaker else None) for a in doc._.attributions or []]
    assert got == [("harsh remarks Lee had made about the union", "Ortiz")]


@pytest.mark.parametrize(
    ("text", "cue", "source"),
    [
        # a participle on a thing someone named sent (a verb's object, or "of" one): the sender
        (
            "Senator Ortiz posted a series of messages criticizing the new budget plan.",
            "criticizing",
            "Ortiz",
        ),
        # ... not when the thing is "of" people who can speak themselves
        ("The mayor had a wide array of local artists writing songs about the city.", "writing", "array"),
    ],
)
def test_speakers_a_participle_on_a_sent_thing_names_its_sender(
    nlp_base: Language, text: str, cue: str, source: str
) -> None:
    assert learned_source(nlp_base, text, cue) == source


@pytest.mark.parametrize(
    ("text", "cue", "source"),
    [
        # a participle or infinitive on a thing made "by" someone who can speak: that maker
        ("This decision by the FBI to drop the case angered both parties.", "drop", "FBI"),
        (
            "The latest report by the Harbor Alliance, criticizing the port, was read out.",
            "criticizing",
            "Alliance",
        ),
        # ... a maker that is no name, person or group stays unnamed: the thing is the source
        (
            "This hasty decision by the agency to not pursue any charges, without a hearing, angered both.",
            "pursue",
            "decision",
        ),
    ],
)
def test_speakers_a_participle_on_a_thing_made_by_someone_names_the_maker(
    nlp_base: Language, text: str, cue: str, source: str
) -> None:
    assert learned_source(nlp_base, text, cue) == source


def test_speakers_for_x_to_say_names_x(nlp_base: Language) -> None:
    """ "an opening for Ortiz to highlight ...": the parse hangs the infinitive on the verb above and
    "Ortiz" on "for"; the object of "for" right before "to" is the infinitive's subject."""
    text = "The storm has created a rare opening for Ortiz to highlight her record on flood defenses."
    assert learned_source(nlp_base, text, "highlight") == "Ortiz"


def test_speakers_a_participle_after_said_and_adverbs_goes_on_with_the_speaker(nlp_base: Language) -> None:
    """ "..., Ortega said, not once stopping to name ...": adverbs between the comma and the participle
    do not stop it going on with the one who said."""
    text = '"We can still win this race," Ortega said, not once stopping to name the rival he beat in spring.'
    assert learned_source(nlp_base, text, "name") == "Ortega"


def test_speakers_someone_like_a_name_is_the_name(nlp_base: Language) -> None:
    """ "would someone like Ortiz want to ...": the pronoun stands for the name its "like" phrase gives."""
    text = "So why would someone like Ortiz want to buy a failing port and all of its debts?"
    assert learned_source(nlp_base, text, "want") == "Ortiz"


def test_speakers_a_possessive_misread_as_is_still_owns_the_noun(nlp_base: Language) -> None:
    """ "contradicting Dallas police's earlier claim that ...": the parse read "'s" as "is" (a clause
    whose subject is "police") and left "claim" without a possessor; the noun before "'s" owns it."""
    from spacy.tokens import Doc

    from curation.extract.syntax import noun_owner

    words = ["contradicting", "Dallas", "police", "’s", "earlier", "claim", "that", "Lee", "had", "lied", "."]
    heads = [0, 2, 3, 0, 5, 3, 9, 9, 9, 5, 0]
    deps = ["ROOT", "compound", "nsubj", "ccomp", "amod", "dobj", "mark", "nsubj", "aux", "acl", "punct"]
    pos = ["VERB", "PROPN", "NOUN", "PART", "ADJ", "NOUN", "SCONJ", "PROPN", "AUX", "VERB", "PUNCT"]
    tags = ["VBG", "NNP", "NNS", "VBZ", "JJR", "NN", "IN", "NNP", "VBD", "VBN", "."]
    doc = Doc(nlp_base.vocab, words=words, heads=heads, deps=deps, pos=pos, tags=tags)
    owner = noun_owner(doc[5])
    assert owner is not None and owner.text == "police"


def test_speakers_a_participle_after_a_closed_relative_clause_goes_with_its_noun(nlp_base: Language) -> None:
    """ "with Ortiz — who has long called for ... — lambasting ...": the parse hangs the participle on
    the relative clause's verb, whose subject is "who"; after the dash closes the clause it is Ortiz's."""
    text = (
        "The fight grew, with Ortiz — who has long called for higher fees on ports — "
        "lambasting the mayor's plan."
    )
    assert learned_source(nlp_base, text, "lambasting") == "Ortiz"
