"""Each extraction rule on small handwritten sentences, through `nlp.add_pipe` on the real model."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from curation.extract.pipeline import COMPONENTS, add_components
from curation.extract.types import Attribution
from curation.settings import get_settings


@pytest.fixture(scope="module")
def nlp() -> Language:
    """The real model with our components, built once for this module (the session model stays bare)."""
    return add_components(spacy.load(get_settings().model))


def found(nlp: Language, text: str) -> list[Attribution]:
    return list(nlp(text)._.attributions or [])


def summary(a: Attribution) -> tuple[str, str, str | None, str | None]:
    return (a.kind, a.text, a.speaker.text if a.speaker else None, a.cue.text if a.cue else None)


def test_rules_components_are_registered_factories(nlp: Language) -> None:
    for name in COMPONENTS:
        assert name in Language.factories
        assert name in nlp.pipe_names
    assert nlp.pipe_names.index("curation_paragraphs") < nlp.pipe_names.index("parser")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # curly quotes, post-posed "said X"
        (
            "“We will not give up,” said Karoline Leavitt.",
            [("direct", "We will not give up,", "Karoline Leavitt", "said")],
        ),
        # straight quotes, multi-sentence, cue before with a colon
        (
            'Peskov said: "Contacts are planned. We will tell you later."',
            [("direct", "Contacts are planned. We will tell you later.", "Peskov", "said")],
        ),
        # nested single quotes stay inside the quote
        (
            "Markov said: “Russia could say ‘yes, but’ to a ceasefire offer.”",
            [("direct", "Russia could say ‘yes, but’ to a ceasefire offer.", "Markov", "said")],
        ),
        # an apostrophe is not a quotation mark
        (
            "The negotiators’ trip was confirmed. “It is true that they are en route,” Dmitry Peskov said.",
            [("direct", "It is true that they are en route,", "Dmitry Peskov", "said")],
        ),
        # a cue with an object
        (
            "“We assume that talks will go well,” Peskov told reporters.",
            [("direct", "We assume that talks will go well,", "Peskov", "told reporters")],
        ),
    ],
)
def test_rules_direct_quotes(nlp: Language, text: str, expected: list[tuple[str, str, str, str]]) -> None:
    assert [summary(a) for a in found(nlp, text)] == expected


def test_rules_split_quote_shares_speaker_and_group(nlp: Language) -> None:
    text = "“This is the closest we have been to peace,” Leavitt said. “The ball is in Russia’s court.”"
    first, second = found(nlp, text)
    assert second.text == "The ball is in Russia’s court."
    assert first.speaker == second.speaker and first.speaker is not None
    assert first.speaker.text == "Leavitt"
    assert first.extra["group"] == second.extra["group"]


def test_rules_quote_interrupted_by_its_cue(nlp: Language) -> None:
    text = "“We assume that talks will go well,” Peskov told reporters, “and that contacts are planned.”"
    first, second = found(nlp, text)
    assert second.text == "and that contacts are planned."
    assert first.cue == second.cue and second.speaker is not None and second.speaker.text == "Peskov"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the parser hung a second verb of saying on the content: a further report, not nested speech
        (
            "She said the deal was dead and urged lawmakers to start over.",
            [
                ("indirect", "the deal was dead", "She", "said"),
                ("indirect", "lawmakers to start over", "She", "urged"),
            ],
        ),
        # a conjoined verb that is no verb of saying stays inside the content
        (
            "Police said he posed a threat and refused to drop the gun.",
            [("indirect", "he posed a threat and refused to drop the gun", "Police", "said")],
        ),
    ],
)
def test_rules_a_conjoined_verb_of_saying_inside_a_content_is_its_own_report(
    nlp: Language, text: str, expected: list[tuple[str, str, str, str]]
) -> None:
    assert [summary(a) for a in found(nlp, text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the parser hung the rest of the object on the cue (a time phrase, a preposition): it runs on
        (
            "The coach complained about the referees the night after the final.",
            [("indirect", "the referees the night after the final", "The coach", "complained")],
        ),
        # a conjoined verb of the cue with no subject of its own runs on with it
        (
            "The council criticized the budget and voted against it.",
            [("indirect", "the budget and voted against it", "The council", "criticized")],
        ),
        # a second clausal complement of the cue
        (
            "The mayor said the budget was balanced, the deficit was gone.",
            [("indirect", "the budget was balanced, the deficit was gone", "The mayor", "said")],
        ),
        # ... a conjoined verb with its own subject is another clause
        (
            "She criticized the plan, and the mayor defended it.",
            [("indirect", "the plan", "She", "criticized")],
        ),
        # ... and a content never runs over another attribution's cue or content
        (
            "The senator praised the program and called for more funding.",
            [
                ("indirect", "the program", "The senator", "praised"),
                ("indirect", "more funding", "The senator", "called"),
            ],
        ),
        (
            "The union complained about the heat during a strike that the mayor said was illegal.",
            [
                ("indirect", "the heat", "The union", "complained"),
                ("indirect", "that the mayor said was illegal", "the mayor", "said"),
            ],
        ),
    ],
)
def test_rules_a_content_runs_on_over_its_cues_further_arguments(
    nlp: Language, text: str, expected: list[tuple[str, str, str, str]]
) -> None:
    assert [summary(a) for a in found(nlp, text)] == expected


def test_rules_quotes_sharing_a_cue_are_one_quote(nlp: Language) -> None:
    # the reported clause and the direct quote its verb introduced: one quote in two segments, one kind
    a, b = found(nlp, "The mayor said the budget was balanced: “We have done our job.”")
    assert (a.text, b.text) == ("the budget was balanced", "We have done our job.")
    assert a.cue == b.cue and a.extra["group"] == b.extra["group"] and a.kind == b.kind


def test_rules_quotes_with_their_own_cues_stay_apart(nlp: Language) -> None:
    a, b = found(nlp, "“We have done our job,” the mayor said, adding that the budget was balanced.")
    assert (a.cue.text if a.cue else None, b.cue.text if b.cue else None) == ("said", "adding")
    assert "group" not in a.extra and "group" not in b.extra
    assert (a.kind, b.kind) == ("direct", "indirect")


def test_rules_a_participle_after_a_quote_is_not_its_cue_when_a_verb_before_it_is(nlp: Language) -> None:
    # "said:" introduced the quote; "adding" goes on to a further report, not the same quote
    a, b = found(
        nlp, "In a statement, the mayor said: “We have done our job,” adding that the budget was balanced."
    )
    assert (a.cue.text if a.cue else None, b.cue.text if b.cue else None) == ("said", "adding")
    assert "group" not in a.extra and "group" not in b.extra
    assert (a.kind, b.kind) == ("direct", "indirect")


def test_rules_quote_across_paragraphs_is_one_quote(nlp: Language) -> None:
    text = "Peskov said: “The first paragraph ends open.\n“The second one closes.”"
    [quote] = found(nlp, text)
    assert quote.text == "The first paragraph ends open.\n“The second one closes."
    assert quote.speaker is not None and quote.speaker.text == "Peskov"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Peskov said Moscow was awaiting detailed information from Washington.",
            ("indirect", "Moscow was awaiting detailed information from Washington", "Peskov", "said"),
        ),
        (
            "Ushakov claimed on Thursday that both Russia and the U.S. agreed on the terms.",
            ("indirect", "both Russia and the U.S. agreed on the terms", "Ushakov", "claimed"),
        ),
        (
            "According to a senior Russian government source, the talks failed after two hours.",
            (
                "indirect",
                "the talks failed after two hours",
                "a senior Russian government source",
                "According to",
            ),
        ),
        # the parser hung the sentence on the name after "according to": the source ends at its comma
        (
            "According to podcast host Dana Whitfield, the merger reeks of panic and greed.",
            (
                "indirect",
                "the merger reeks of panic and greed",
                "podcast host Dana Whitfield",
                "According to",
            ),
        ),
        (
            "The bill will pass, according to John Smith, a senator from Ohio.",
            ("indirect", "The bill will pass", "John Smith", "according to"),
        ),
        (
            "The economy is growing fast, the senator wrote.",
            ("indirect", "The economy is growing fast", "the senator", "wrote"),
        ),
        (
            "Peskov told reporters Moscow was awaiting details, where Ukraine launched an attack last year.",
            ("indirect", "Moscow was awaiting details", "Peskov", "told reporters"),
        ),
        # a relative clause's content reaches back over its subject: still the speaker, as PolNeAR marks it
        (
            "She rented the harbour warehouse, which Mr. Okafor says he is keeping empty.",
            ("indirect", "which Mr. Okafor says he is keeping empty", "Mr. Okafor", "says"),
        ),
        (
            "Secretary of State Marco Rubio stated that “the ball is truly in their court” after the talks.",
            (
                "mixed",
                "“the ball is truly in their court” after the talks",
                "Secretary of State Marco Rubio",
                "stated",
            ),
        ),
        # single marks quote too where no double marks are (the brat importer's definition of gold)
        (
            "The senator said the plan was a ‘giveaway to the rich’ in his speech.",
            ("mixed", "the plan was a ‘giveaway to the rich’ in his speech", "The senator", "said"),
        ),
        (
            "Poll: Voters Say Trump Was ‘Mocking’ Clinton Camp",
            ("mixed", "Voters Say Trump Was ‘Mocking’ Clinton Camp", "Poll", ":"),
        ),
    ],
)
def test_rules_indirect_and_mixed(nlp: Language, text: str, expected: tuple[str, str, str, str]) -> None:
    assert [summary(a) for a in found(nlp, text)] == [expected]


def test_rules_according_to_a_source_parsed_as_a_verb(nlp: Language) -> None:
    # "show" taken for a verb (pcomp of "to"): the content is still the rest of the sentence
    (a,) = found(nlp, "Ortega taunted rival chefs with crude jokes, according to show insiders.")
    assert a.text == "Ortega taunted rival chefs with crude jokes"
    assert a.cue is not None and a.cue.text == "according to"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a noun phrase in marks filling the object slot: mixed, over the object phrase with its marks
        (
            "The mayor branded the new stadium a “colossal waste of money.”",
            [("mixed", "a “colossal waste of money.”", "The mayor", "branded")],
        ),
        (
            "Critics described the plan as “a giveaway to the rich.”",
            [("mixed", "the plan as “a giveaway to the rich.”", "Critics", "described")],
        ),
        # a complete utterance as the object of a verb of saying: direct
        (
            "The coach chanted “We are the champions!” on the bus.",
            [("direct", "We are the champions!", "The coach", "chanted")],
        ),
        ("Residents typed “Help us now.” into the chat.", [("direct", "Help us now.", "Residents", "typed")]),
        # a title bought, not words said: nothing
        ("The mayor bought “War and Peace” at the fair.", []),
    ],
)
def test_rules_quoted_objects(nlp: Language, text: str, expected: list[tuple[str, str, str, str]]) -> None:
    assert [summary(a) for a in found(nlp, text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Trump has repeatedly called for an investigation into the leak.",
            ("indirect", "an investigation into the leak", "Trump", "has repeatedly called"),
        ),
        (
            "Okafor pledged to fight for a national water charter.",
            ("indirect", "to fight for a national water charter", "Okafor", "pledged"),
        ),
        (
            "WASHINGTON -- President Obama, opening the museum, said it would tell an American story.",
            ("indirect", "it would tell an American story", "President Obama", "said"),
        ),
        (
            "Few voters believed Trump's claim that he had paid his taxes.",
            ("indirect", "he had paid his taxes", "Trump", "claim"),
        ),
        # the owner of a noun of saying: a name before it, or "from X"
        (
            "Markets rose after the Reuters report that the plant had closed.",
            ("indirect", "the plant had closed", "Reuters", "report"),
        ),
        (
            "Markets rose despite warnings from the engineers that the bridge was unsafe.",
            ("indirect", "the bridge was unsafe", "the engineers", "warnings"),
        ),
        (
            "Reporters checked the claim that he had paid no taxes.",
            ("indirect", "he had paid no taxes", None, "claim"),  # nobody named: no speaker
        ),
        (
            "Poll: Okafor and Lindqvist in close contest heading into final vote",
            ("indirect", "Okafor and Lindqvist in close contest heading into final vote", "Poll", ":"),
        ),
        # a newsroom label before the colon is no speaker: the line's own attribution is the one
        (
            "The Latest: Mendez urges volunteers to guard ballot boxes",
            ("indirect", "volunteers to guard ballot boxes", "Mendez", "urges"),
        ),
        (
            "CLARIFICATION: The report was altered to reflect that Okonjo is calling for an inquiry.",
            ("indirect", "an inquiry", "Okonjo", "is calling"),
        ),
        # an interview's "A:" (answer) names no one; what the answer reports keeps its own speaker
        (
            "A: Yes, I think the troops should stay there for now.",
            ("indirect", "the troops should stay there for now", "I", "think"),
        ),
    ],
)
def test_rules_objects_datelines_and_speaker_lines(
    nlp: Language, text: str, expected: tuple[str, str, str, str]
) -> None:
    assert [summary(a) for a in found(nlp, text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "The weather was cold and the roads were empty.",
        "It is believed that the talks failed.",
        "The “positive” mood did not last.",  # scare quotes are not a quotation
        "She bought “War and Peace” yesterday.",  # nor is a title
    ],
)
def test_rules_no_attribution(nlp: Language, text: str) -> None:
    assert found(nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the phrase before the comma says when or where, not what: the object is what was said
        (
            "At Monday's debate, the senator mentioned the bill.",
            [("indirect", "the bill", "the senator", "mentioned")],
        ),
        ("In her 2003 book, Clinton noted the risk.", [("indirect", "the risk", "Clinton", "noted")]),
        (
            "One after another, the companies declared bankruptcy.",
            [("indirect", "bankruptcy", "the companies", "declared")],
        ),
        ("Before the vote, the senator mentioned it.", []),
    ],
)
def test_rules_fronted_phrase_is_no_postposed_content(
    nlp: Language, text: str, expected: list[tuple[str, str, str, str]]
) -> None:
    assert [summary(a) for a in found(nlp, text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a relative clause after the content of a report of its own
        (
            "Earlier Monday, her campaign chief, Dana Ruiz, says the result is proof the mayor can "
            "still win the runoff, which starts in June, according to the wire service.",
            [
                (
                    "indirect",
                    "the result is proof the mayor can still win the runoff",
                    "her campaign chief",
                    "says",
                ),
                ("indirect", "which starts in June", "the wire service", "according to"),
            ],
        ),
        # a parenthetical clause after the content of a report of its own
        (
            "The mayor cites his aides as the source of his figures, such as his boast that crime "
            "fell by half (the real drop is nearer 10 percent, according to the police).",
            [
                (
                    "indirect",
                    "his aides as the source of his figures, such as his boast that crime fell by half",
                    "The mayor",
                    "cites",
                ),
                ("indirect", "the real drop is nearer 10 percent", "the police", "according to"),
            ],
        ),
        # what follows the report is no clause: "according to" reports the whole
        (
            "Officials have said they will not release the report, one drafted by the auditors, "
            "according to the statement.",
            [
                (
                    "indirect",
                    "Officials have said they will not release the report, one drafted by the auditors",
                    "the statement",
                    "according to",
                )
            ],
        ),
    ],
)
def test_rules_according_to_after_a_report_reports_what_follows_it(
    nlp: Language, text: str, expected: list[tuple[str, str, str, str]]
) -> None:
    assert [summary(a) for a in found(nlp, text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a one-word noun object of a verb that takes its content as object is the content
        ("The newspaper endorsed Ramirez.", [("indirect", "Ramirez", "The newspaper", "endorsed")]),
        ("The union cited fatigue.", [("indirect", "fatigue", "The union", "cited")]),
        # a pronoun says nothing
        ("She was asking him.", []),
    ],
)
def test_rules_one_word_noun_object_is_a_content(
    nlp: Language, text: str, expected: list[tuple[str, str, str, str]]
) -> None:
    assert [summary(a) for a in found(nlp, text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Minister Says \u2018Grim\u2019 Outlook Ahead For Farm Exports.",
            ("mixed", "\u2018Grim\u2019 Outlook Ahead For Farm Exports", "Minister", "Says"),
        ),
        (
            "The mayor says \u2018tough\u2019 choices lie ahead for the city.",
            ("mixed", "\u2018tough\u2019 choices lie ahead for the city", "The mayor", "says"),
        ),
    ],
)
def test_rules_a_content_opening_with_a_quoted_word_keeps_its_mark(
    nlp: Language, text: str, expected: tuple[str, str, str, str]
) -> None:
    # the parse's bounds drop a single opening mark as punctuation: the content is mixed, marks and all
    assert [summary(a) for a in found(nlp, text)] == [expected]


def test_rules_a_paragraph_after_said_and_a_colon_is_a_block_quote(nlp: Language) -> None:
    text = (
        "The senator spoke for an hour.\n\nThe governor added:\n\n"
        "This plan costs too much and helps too few.\n\nOthers disagreed."
    )
    expected = [("indirect", "This plan costs too much and helps too few", "The governor", "added")]
    assert [summary(a) for a in found(nlp, text)] == expected
    # a paragraph that opens with a quotation mark is a direct quote (the direct component's)
    text = "The governor added:\n\n\u201cThis plan costs too much,\u201d she said."
    assert [a.rule for a in found(nlp, text)] == ["direct_cue"]


def test_rules_no_object_content_under_according_to(nlp: Language) -> None:
    # the parser takes "show" for a verb with the object "insiders": the phrase names the source
    text = "The host will leave the network next year, according to show insiders."
    assert [a.rule for a in found(nlp, text)] == ["according_to"]


@pytest.mark.parametrize(
    ("text", "speaker", "canonical"),
    [
        # pronoun across a paragraph break and a non-article line
        (
            "Yuri Ushakov spoke on Thursday.\nRegister for our newsletter.\n“Our aim is peace,” he said.",
            "he",
            "Yuri Ushakov",
        ),
        # title dropped, fullest name used
        (
            "President Donald Trump arrived. Later, President Trump said the deal was close.",
            "President Trump",
            "Donald Trump",
        ),
        # editor's bracket and possessive never reach the canonical name
        (
            "[Marco] Rubio's aide arrived. “We are ready,” Rubio said.",
            "Rubio",
            "Marco Rubio",
        ),
        # a description names nobody
        (
            "“Why would he stop now?” a senior Russian government source said.",
            "a senior Russian government source",
            None,
        ),
    ],
)
def test_rules_speaker_canonical(nlp: Language, text: str, speaker: str, canonical: str | None) -> None:
    [a] = found(nlp, text)
    assert a.speaker is not None and a.speaker.text == speaker
    assert a.canonical == canonical


def test_rules_place_tagged_person_is_never_the_speaker(nlp: Language) -> None:
    text = "Russian troops advanced near Sudzha overnight. “We will hold the line,” he said."
    [a] = found(nlp, text)
    assert a.speaker is not None and a.speaker.text == "he"
    assert a.canonical is None  # no named person to resolve to: say so rather than guess


def test_rules_scores_order_cue_over_guess(nlp: Language) -> None:
    with_cue = found(nlp, "“We will win,” said Karoline Leavitt.")[0]
    no_cue = found(nlp, "The talks ended.\n“We will win.”")[0]
    assert no_cue.speaker is None
    assert 0.0 <= no_cue.score < with_cue.score <= 1.0


@pytest.mark.parametrize(
    ("text", "speaker", "cue"),
    [
        # a verb of saying before the quote beats a plain verb after it
        (
            "The advert ends with a clip of Smith saying during the forum on Tuesday, "
            "“That makes me right,” when Jones spoke.",
            "Smith",
            "saying",
        ),
        # the inverted "Said X:" the parser reads as one noun phrase
        ("Prices fell. Said Ellis: “I do not think she cares about tax reform.”", "Ellis", "Said"),
        # the parser hangs the post-posed verb inside the quote: the words between mark and verb
        (
            "The review drags on.\n“I offer this promise to you: We will rebuild every house on this "
            "street,” Reading police Chief Chuck Varga said Monday.",
            "Reading police Chief Chuck Varga",
            "said",
        ),
        # a participle hanging on the person
        ("The film shows Mary Jones asking, “Why are we not ahead?”", "Mary Jones", "asking"),
        # negative: a plain post-posed verb with its own subject still gives the speaker
        ("“Promise you will stay,” Blige sings to the crowd.", "Blige", "sings"),
    ],
)
def test_rules_direct_quote_cue_choice(nlp: Language, text: str, speaker: str, cue: str) -> None:
    [a] = [x for x in found(nlp, text) if x.kind == "direct"]
    assert (a.speaker.text if a.speaker else None, a.cue.text if a.cue else None) == (speaker, cue)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a passive cue's subject is the topic, not the source: the source is unstated
        (
            "The governor is expected to sign the bill next week.",
            ("indirect", "to sign the bill next week", None, "is expected"),
        ),
        # the active counterpart keeps its subject as the speaker
        (
            "The senator said the plan was a failure.",
            ("indirect", "the plan was a failure", "The senator", "said"),
        ),
    ],
)
def test_rules_passive_cue_without_agent_has_no_speaker(nlp: Language, text: str, expected: tuple) -> None:
    assert [summary(a) for a in found(nlp, text)] == [expected]


def test_rules_scores_and_thresholds_are_component_config() -> None:
    """A rule's score and a fragment limit are config keys, changed without code; a misspelt score key
    is an error (it would otherwise score nothing)."""
    text = "“We will not give up,” said Karoline Leavitt. She called it a “Very Bad Deal For Everyone”."
    default = add_components(spacy.load(get_settings().model))
    custom = spacy.load(get_settings().model)
    custom.add_pipe("curation_paragraphs", before="parser")
    custom.add_pipe("curation_direct_quotes", config={"fragment_max_words": 1})
    custom.add_pipe("curation_indirect_quotes")
    custom.add_pipe("curation_speakers", config={"scores": {"direct_cue": 0.55}})
    [cue] = [a for a in found(default, text) if a.rule == "direct_cue"]
    assert cue.score == 0.9
    assert "Very Bad Deal For Everyone" in [f.text for f in default(text)._.quoted_fragments]
    custom_found = found(custom, text)
    assert [a.score for a in custom_found if a.rule == "direct_cue"] == [0.55]
    # five words are no fragment once fragments are at most one word: a direct quote of its own
    assert "Very Bad Deal For Everyone" in [a.text for a in custom_found if a.kind == "direct"]
    with pytest.raises(ValueError, match="unknown scores keys \\['direct_cu'\\]"):
        spacy.load(get_settings().model).add_pipe("curation_speakers", config={"scores": {"direct_cu": 0.5}})


def test_rules_a_quoted_transcript_is_one_quote_per_turn(nlp: Language) -> None:
    """A transcript quoted paragraph by paragraph (each reopens the quote, as a multi-paragraph quote
    does) is one quote per turn: a paragraph opening with an upper-case "NAME:" starts a new quote,
    said by that name; a paragraph reopened without one continues the turn."""
    text = (
        'The debate went on.\n\n"HOST: Senator, do you back the plan or not?\n\n"LEE: I back it fully, '
        'and I have said so for a year now.\n\n"But the details still matter to the voters here.\n\n'
        '"HOST: Thank you, Senator, for your time tonight."'
    )
    got = [(a.speaker.text if a.speaker else None, a.text.split("\n")[0]) for a in found(nlp, text)]
    assert got == [
        ("HOST", "Senator, do you back the plan or not?"),
        ("LEE", "I back it fully, and I have said so for a year now."),
        ("HOST", "Thank you, Senator, for your time tonight."),
    ]
    assert all(a.rule == "speaker_line" and a.cue and a.cue.text == ":" for a in found(nlp, text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a trailing concessive clause is the writer's comment, with its own subject and cue
        (
            "Officials claimed that cutting the grant was prudent, although he again declined to publish"
            " the audit before the vote.",
            ("indirect", "cutting the grant was prudent", "Officials", "claimed"),
        ),
        # a participle clause holding a report by a source of its own
        (
            "Footage shows that Mendez had his arms raised, contradicting the sheriff's earlier claim that"
            " Mendez had refused to stop.",
            ("indirect", "Mendez had his arms raised", "Footage", "shows"),
        ),
        (
            "The governor has often asked whether the judges would treat him fairly, engaging in what"
            " critics described as old courtroom tactics.",
            ("indirect", "the judges would treat him fairly", "The governor", "has often asked"),
        ),
        # an apposition holding a report by a source of its own
        (
            "He was fined after what he called a “joke,” a string of posts that included one saying that the"
            " mayor should be jailed.",
            ("mixed", "a “joke,”", "he", "called"),
        ),
        # ... also after " -- "
        (
            "Senator Ruiz called on the mayor to act against the cartel for its role in the vote -- meddling"
            " the Ohio senator said is meant to divide voters.",
            ("indirect", "to act against the cartel for its role in the vote", "Senator Ruiz", "called"),
        ),
        # "according to" on the clause after ", but": not the clause before it
        (
            "The mayor is not seeking another term, but his speech Monday about bus fares will shape the"
            " contest to replace him, according to local officials.",
            (
                "indirect",
                "his speech Monday about bus fares will shape the contest to replace him",
                "local officials",
                "according to",
            ),
        ),
        # a clause with its own subject after ";"
        (
            "Democrats said the delay of the hearing was not deliberate; they only heard on Monday of the"
            " deal with Ortiz and Baker.",
            ("indirect", "the delay of the hearing was not deliberate", "Democrats", "said"),
        ),
    ],
)
def test_rules_a_content_stops_before_another_clause(
    nlp: Language, text: str, expected: tuple[str, str, str, str]
) -> None:
    assert expected in [summary(a) for a in found(nlp, text)]
