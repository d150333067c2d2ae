"""The claim component on the real model: handwritten sentences (claims and non-claims), conjunction
splitting, speakers carried from quotes, and the numeric claims of the seed articles."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from curation.extract.claims.finder import find_claims
from curation.extract.types import Attribution, Claim, Mention
from curation.settings import get_settings


@pytest.fixture(scope="module")
def nlp() -> Language:
    """A private copy of the model with only the claim component added (the shared fixture stays intact)."""
    pipeline = spacy.load(get_settings().model)
    pipeline.add_pipe("curation_claims")
    return pipeline


def claims_of(nlp: Language, text: str) -> list[Claim]:
    claims = nlp(text)._.claims
    assert claims is not None  # the component always sets a list
    return claims


def parse(nlp: Language, text: str) -> Doc:
    """The parse without the claim component, so a test can set doc._.attributions first."""
    with nlp.select_pipes(disable=["curation_claims"]):
        return nlp(text)


@pytest.mark.parametrize(
    "verb", ["said", "complained", "boasted", "testified", "estimated", "mentioned", "lamented", "proclaimed"]
)
def test_claims_any_verb_of_saying_frames_the_same_claim(nlp, verb):
    """The claim rules know the quote components' verbs of saying: "complained that X" claims X as
    "said that X" does (the reported clause, not the whole sentence)."""
    claims = claims_of(nlp, f"The minister {verb} that taxes rose by 5 percent last year.")
    assert [c.text for c in claims] == ["taxes rose by 5 percent last year"]


@pytest.mark.parametrize(
    ("text", "claim", "checkworthy"),
    [
        (
            "The army captured the town of Sudzha on Wednesday.",
            "The army captured the town of Sudzha on Wednesday",
            "high",
        ),
        ("Unemployment rose to 7.5% in March.", "Unemployment rose to 7.5% in March", "high"),
        ("The company employs 3,000 people in Ohio.", "The company employs 3,000 people in Ohio", "high"),
        (
            "Moscow has reiterated its firm stance on NATO.",
            "Moscow has reiterated its firm stance on NATO",
            "high",
        ),
        ("The old bridge was closed after the storm.", "The old bridge was closed after the storm", "low"),
        (
            "Relations between the neighbours have since thawed.",
            "Relations between the neighbours have since thawed",
            "low",
        ),
        ("However, the museum reopened in May.", "the museum reopened in May", "low"),  # connective dropped
    ],
)
def test_claims_finds_factual_clauses(nlp, text, claim, checkworthy):
    found = claims_of(nlp, text)
    assert [(c.text, c.checkworthy) for c in found] == [(claim, checkworthy)]
    assert found[0].speaker is None and found[0].rule.startswith("author:")
    assert 0.0 <= found[0].score <= 1.0


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("I think the plan is a disaster.", "opinion"),
        ("We hope the talks succeed.", "wish"),
        ("Let's not get ahead of ourselves.", "wish"),
        ("This is a very serious situation.", "evaluation"),
        ("Russia will invade Ukraine next year.", "prediction"),
        ("Putin could take financial measures against Moscow.", "modal"),
        ("The economy is expected to grow next year.", "prediction"),
        ("The plan is probably doomed.", "speculation"),
        ("Did the army capture the town?", "question"),
        ("Why would he stop now?", "question"),
        ("If Russia attacks, NATO responds.", "hypothetical"),
        ("Register for the Mini-MBA today for early bird discounts.", "advertising"),
        ("Join Tekedia Capital Syndicate and co-invest in great global startups.", "advertising"),
        ("Visit example.com for access to the archive.", "advertising"),
        ("Pretty much solved.", "fragment"),
        ("You are not a leader of this country.", "address"),
        ("He is a dictator in a suit.", "evaluation"),
        ("The whole campaign was scary and pathetic.", "evaluation"),
        ("Who Was in a Hospital for Mental Issues", "headline question"),
        ("― Martha Aguilar", "signature"),
        ("", "empty text"),
        ("\n\n", "blank lines"),
    ],
)
def test_claims_ignores_non_claims(nlp, text, why):
    assert [c.text for c in claims_of(nlp, text)] == [], why


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("I think the plan is a disaster.", "author:opinion"),
        ("This is a very serious situation.", "author:evaluation"),
        ("Russia will invade Ukraine next year.", "author:modal"),
        ("The economy is expected to grow next year.", "author:prediction"),
        ("The plan is probably doomed.", "author:speculation"),
        ("Did the army capture the town?", "author:question"),
        ("Register for the Mini-MBA today for early bird discounts.", "author:advertising"),
        ("You are not a leader of this country.", "author:address"),
        ("Pretty much solved.", "author:fragment"),
    ],
)
def test_claims_a_rejected_clause_keeps_the_rule_that_rejected_it(nlp, text, rule):
    doc = nlp(text)
    assert doc._.claims == []
    assert [(r.text, r.rule) for r in doc._.claim_rejections] == [(text.rstrip(".?"), rule)]


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        (
            "The army captured the town and the government raised taxes by 5%.",
            ["The army captured the town", "the government raised taxes by 5%"],
        ),
        (
            "Russian forces had retaken 86% of the occupied area and were in the final stages of expelling"
            " Ukrainian troops.",
            [
                "Russian forces had retaken 86% of the occupied area",
                "were in the final stages of expelling Ukrainian troops",
            ],
        ),
        # one assertion with two verbs: the first conjunct says nothing alone, so no split
        (
            "My priority has been and remains saving the lives of soldiers.",
            ["My priority has been and remains saving the lives of soldiers"],
        ),
        # conjoined nouns are one claim
        ("Drones struck Odesa and Kharkiv overnight.", ["Drones struck Odesa and Kharkiv overnight"]),
    ],
)
def test_claims_splits_conjoined_clauses_checkable_alone(nlp, text, claims):
    assert [c.text for c in claims_of(nlp, text)] == claims


def test_claims_split_conjuncts_can_be_turned_off(nlp):
    doc = parse(nlp, "The army captured the town and the government raised taxes by 5%.")
    [claim] = find_claims(doc, None, split_conjuncts=False)
    assert claim.text == "The army captured the town and the government raised taxes by 5%"
    assert claim.checkworthy == "high"


def test_claims_a_modal_carries_over_to_a_conjunct_without_its_own(nlp):
    assert claims_of(nlp, "He could take financial measures and impose sanctions on Moscow.") == []


def test_claims_inside_an_indirect_quote_carry_its_speaker(nlp):
    text = "Peskov said that Russian troops had captured 12 villages. The talks ended on Friday."
    doc = parse(nlp, text)
    content = "Russian troops had captured 12 villages"
    start = text.index(content)
    doc._.attributions = [
        Attribution(
            start=start,
            end=start + len(content),
            text=content,
            kind="indirect",
            score=0.8,
            speaker=Mention(0, 6, "Peskov"),
            canonical="Dmitry Peskov",
            cue=Mention(7, 11, "said"),
        )
    ]
    claims = nlp.get_pipe("curation_claims")(doc)._.claims
    by_text = {c.text: c for c in claims}
    assert set(by_text) == {content, "The talks ended on Friday"}  # "Peskov said" frames, asserts nothing
    quoted = by_text[content]
    assert quoted.speaker == Mention(0, 6, "Peskov") and quoted.canonical == "Dmitry Peskov"
    assert quoted.checkworthy == "high" and quoted.rule.startswith("quote:")
    assert by_text["The talks ended on Friday"].speaker is None


def test_claims_inside_a_direct_quote_carry_its_speaker(nlp):
    text = "“We destroyed 40 tanks last week,” the general said."
    doc = parse(nlp, text)
    doc._.attributions = [
        Attribution(
            start=1,
            end=32,
            text=text[1:32],
            kind="direct",
            score=0.9,
            speaker=Mention(35, 46, "the general"),
            canonical=None,
            cue=Mention(47, 51, "said"),
        )
    ]
    [claim] = nlp.get_pipe("curation_claims")(doc)._.claims
    assert claim.text == "We destroyed 40 tanks last week"
    assert claim.speaker == Mention(35, 46, "the general") and claim.canonical is None


def test_claims_without_quote_components_are_in_the_authors_voice(nlp):
    doc = nlp("Peskov said that Russian troops had captured 12 villages.")
    assert doc._.attributions is None
    [claim] = doc._.claims
    assert claim.text == "Russian troops had captured 12 villages"
    assert claim.speaker is None and claim.rule.startswith("author:")


def test_claims_an_authors_clause_stops_where_someone_elses_words_begin(nlp):
    text = "Fighting intensified across the region, with officials saying that 20 people died."
    doc = parse(nlp, text)
    content = "20 people died"
    start = text.index(content)
    doc._.attributions = [
        Attribution(start=start, end=start + len(content), text=content, kind="indirect", score=0.7)
    ]
    claims = nlp.get_pipe("curation_claims")(doc)._.claims
    assert [(c.text, c.rule.split(":")[0]) for c in claims] == [
        ("Fighting intensified across the region", "author"),
        ("20 people died", "quote"),
    ]


def test_claims_scores_order_numbers_above_hedged_fragments(nlp):
    [numeric] = claims_of(nlp, "Russian forces had retaken 86% of the occupied area on Wednesday.")
    [hedged] = claims_of(nlp, "Fighting reportedly resumed.")
    assert 0.0 <= hedged.score < numeric.score <= 1.0


def test_claims_never_cross_a_line_break(nlp):
    claims = claims_of(
        nlp, "Kremlin acknowledges US discussions\nPeskov confirmed the visit of the envoys on Monday."
    )
    assert claims and all("\n" not in c.text for c in claims)
    assert "Peskov confirmed the visit of the envoys on Monday" in [c.text for c in claims]


def test_claims_offsets_match_the_text(nlp, seeds_dir):
    text = next(seeds_dir.glob("000_*.txt")).read_text(encoding="utf-8")
    claims = claims_of(nlp, text)
    assert len(claims) > 10
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text
        assert claim.checkworthy in ("high", "low")
    assert [(c.start, c.end) for c in claims] == sorted((c.start, c.end) for c in claims)


@pytest.mark.parametrize(
    ("seed", "phrase"),
    [
        ("000", "86% of the occupied area"),
        ("004", "86% of the area"),
        ("000", "around 100 towns and villages"),
        ("004", "around 100 towns and villages"),
    ],
)
def test_claims_seed_numeric_claims_are_high(nlp, seeds_dir, seed, phrase):
    text = next(seeds_dir.glob(f"{seed}_*.txt")).read_text(encoding="utf-8")
    matching = [c for c in claims_of(nlp, text) if phrase in c.text]
    assert matching, f"no claim contains {phrase!r}"
    assert all(c.checkworthy == "high" for c in matching)
    assert all(len(c.text) < 100 for c in matching)  # a clause, not the whole sentence


def test_claims_seed_advertising_is_not_a_claim(nlp, seeds_dir):
    text = next(seeds_dir.glob("000_*.txt")).read_text(encoding="utf-8")
    assert not [c for c in claims_of(nlp, text) if "Tekedia" in c.text or "Blucera" in c.text]


def with_quote(
    nlp: Language, text: str, content: str, speaker: str | None = None, kind: str = "indirect"
) -> list[Claim]:
    """Claims of `text` when the quote components found `content` (attributed to `speaker`)."""
    doc = parse(nlp, text)
    start = text.index(content)
    who = Mention(text.index(speaker), text.index(speaker) + len(speaker), speaker) if speaker else None
    doc._.attributions = [
        Attribution(start=start, end=start + len(content), text=content, kind=kind, score=0.7, speaker=who)
    ]
    return nlp.get_pipe("curation_claims")(doc)._.claims


@pytest.mark.parametrize(
    ("text", "content", "kind", "claims"),
    [
        # the phrase that introduced the quote goes with it
        (
            "Dalton made the remark Tuesday as he said that farmers were struggling.",
            "farmers were struggling",
            "indirect",
            ["Dalton made the remark Tuesday"],
        ),
        # the quote was the verb's own object: the clause only frames it
        (
            "Republicans are slamming “the remarks he made about soldiers”.",
            "the remarks he made about soldiers",
            "direct",
            [],
        ),
        # a noun phrase is nobody's words: the clause around it stays whole
        (
            "Putin has rejected a ceasefire proposal for Ukraine.",
            "a ceasefire proposal for Ukraine",
            "indirect",
            ["Putin has rejected a ceasefire proposal for Ukraine"],
        ),
    ],
)
def test_claims_around_someone_elses_quote(nlp, text, content, kind, claims):
    found = with_quote(nlp, text, content, kind=kind)
    assert [c.text for c in found if c.rule.startswith("author:")] == claims


def test_claims_an_infinitive_after_a_claim_verb_is_the_speakers_claim(nlp):
    text = "Russia has claimed to have recaptured Sudzha, a key town in the Kursk region."
    [claim] = with_quote(nlp, text, "to have recaptured Sudzha, a key town in the Kursk region", "Russia")
    assert claim.text == "to have recaptured Sudzha, a key town in the Kursk region"
    assert claim.speaker is not None and claim.speaker.text == "Russia" and claim.rule == "quote:infinitive"


@pytest.mark.parametrize(
    ("text", "content", "claim"),
    [
        # an infinitive of request or intent is an aim, not words: the author's clause is the claim
        (
            "Zelensky urged the U.S. to convince Russia to accept the proposal.",
            "to convince Russia to accept the proposal",
            "Zelensky urged the U.S. to convince Russia to accept the proposal",
        ),
        (
            "He steadfastly refuses to release his tax returns.",
            "to release his tax returns",
            "He steadfastly refuses to release his tax returns",
        ),
        # a noun phrase is a topic, not words
        (
            "Trump cited problems in the Middle East that he blamed on Obama.",
            "problems in the Middle East that he blamed on Obama",
            "Trump cited problems in the Middle East that he blamed on Obama",
        ),
    ],
)
def test_claims_a_quote_of_an_aim_or_a_topic_stays_in_the_authors_clause(nlp, text, content, claim):
    speaker = text.split()[0]
    assert [(c.text, c.speaker) for c in with_quote(nlp, text, content, speaker)] == [(claim, None)]


@pytest.mark.parametrize(
    "text",
    [
        "Vance said Ortiz hopes that her deputy will fight for the same reforms.",  # lemma "hop"
        "“What sort of expert loses ten million euros in a single month?” Dalton tweeted.",
        "“When people come back from war and combat,” he said.",
        "The deficits mean Ortiz may not have paid regional property taxes for ten years.",
    ],
)
def test_claims_ignores_non_claims_the_parse_makes_hard(nlp, text):
    assert [c.text for c in claims_of(nlp, text)] == []


def test_claims_config_keeps_only_the_authors_voice_and_a_minimum_length(nlp):
    text = "Peskov said that Russian troops had captured 12 villages. The talks ended."
    doc = parse(nlp, text)
    content = "Russian troops had captured 12 villages"
    start = text.index(content)
    atts = [Attribution(start=start, end=start + len(content), text=content, kind="indirect", score=0.8)]
    assert [c.text for c in find_claims(doc, atts)] == [content, "The talks ended"]
    assert [c.text for c in find_claims(doc, atts, claims_in_quotes=False)] == ["The talks ended"]
    assert [c.text for c in find_claims(doc, atts, min_words=4)] == [content]


def test_claims_component_config_is_validated(nlp):
    fresh = spacy.blank("en")
    with pytest.raises(Exception, match="min_words"):
        fresh.add_pipe("curation_claims", config={"min_words": "many"})


def test_claims_checkworthy_values_are_the_schemas():
    from curation.extract.claims.scores import HIGH, LOW
    from curation.schema import get_schema

    assert {HIGH, LOW} == set(get_schema().choice_values("CLAIM", "checkworthy"))
