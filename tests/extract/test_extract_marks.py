"""Quote-mark pairing and name cleaning: pure functions on small handwritten strings."""

from __future__ import annotations

import pytest

from curation.extract.direct import find_quoted_stretches
from curation.extract.names import NameIndex, clean_name


def quoted(text: str) -> list[tuple[str, bool]]:
    return [(text[s.start : s.end], s.fragment) for s in find_quoted_stretches(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said: “We will win.”", [("We will win.", False)]),
        ('He said: "We will win."', [("We will win.", False)]),
        ("“A is true,” he said. “B is too.”", [("A is true,", False), ("B is too.", False)]),
        ("“First. Second sentence.” she said.", [("First. Second sentence.", False)]),
        ("“Russia could say ‘yes, but’ to it,” he said.", [("Russia could say ‘yes, but’ to it,", False)]),
        ("The negotiators’ journey is planned, officials’ notes say.", []),
        ("''Tell that to the janitor,'' Mr. Biden said.", [("Tell that to the janitor,", False)]),
        (
            "He said “the ball is truly in their court” and left.",
            [("the ball is truly in their court", True)],
        ),
        ("a “positive” proposal", [("positive", True)]),
        ("a new “Contract with America.” was signed", [("Contract with America.", True)]),
        ("No quotation here at all.", []),
        # a lowercase quote after a comma continues the writer's clause: a fragment
        (
            "The mayor said on Monday that, after the vote, “the bridge will open in spring.”",
            [("the bridge will open in spring.", True)],
        ),
        # ... unless it resumes a quote split by a short reporting clause
        (
            "“The bridge,” the mayor told reporters, “will open in spring.”",
            [("The bridge,", False), ("will open in spring.", False)],
        ),
        # the reporting clause may hold an abbreviation ("Mr.")
        (
            '"By noon," Mr. Lee told the crowd, "we will be done."',
            [("By noon,", False), ("we will be done.", False)],
        ),
        # a list of quoted words: nothing said between the marks, so fragments
        (
            "He called the rival a “liar,” a “cheat,” “lazy” and “weak.”",
            [("liar,", True), ("cheat,", True), ("lazy", True), ("weak.", True)],
        ),
        # a title-cased quotation after "book," "documentary," is a title; a sentence there is a quote
        ("In her 2019 book, “Grow Your Own Garden,” she explains.", [("Grow Your Own Garden,", True)]),
        ("In her book, “We must plant more trees,” she wrote.", [("We must plant more trees,", False)]),
        # a nickname between the parts of a name; a quote after a sentence is not one
        ("Sen. Robert J. “Bob” Casey spoke first.", [("Bob", True)]),
        ('Casey spoke first. "We Won" read the banner.', [("We Won", False)]),
        # a capitalised quote after a comma is set off: direct
        ("The mayor said, “The bridge will open in spring.”", [("The bridge will open in spring.", False)]),
    ],
)
def test_marks_pairing(text: str, expected: list[tuple[str, bool]]) -> None:
    assert quoted(text) == expected


def test_marks_quote_resumes_in_next_paragraph() -> None:
    text = "He said: “The first paragraph ends open.\n“The second one closes.” Then more."
    stretches = find_quoted_stretches(text)
    assert len(stretches) == 1
    only = stretches[0]
    assert only.paragraphs == 2 and only.closed
    assert text[only.start : only.end] == "The first paragraph ends open.\n“The second one closes."


def test_marks_unclosed_quote_not_resumed_stops_at_paragraph_end() -> None:
    text = "He said: “This never closes\nA new paragraph without marks."
    [only] = find_quoted_stretches(text)
    assert not only.closed
    assert text[only.start : only.end] == "This never closes"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Donald Trump's", "Donald Trump"),
        ("Donald Trump’s", "Donald Trump"),
        ("[Marco] Rubio", "Marco Rubio"),
        ("President Vladimir Putin", "Vladimir Putin"),
        ("the Kremlin", "Kremlin"),
        ("Rubio", "Rubio"),
    ],
)
def test_names_clean_name(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


@pytest.mark.parametrize(
    ("mention", "canonical"),
    [
        ("Ushakov", "Yuri Ushakov"),
        ("President Trump", "Donald Trump"),
        ("Trump's", "Donald Trump"),
        ("Rubio", "Marco Rubio"),
        ("Clinton", "Hillary Clinton"),  # the most used full name wins
        ("Zelensky", "Zelensky"),  # nobody fuller in the document: kept as is
    ],
)
def test_names_canonical_is_fullest_name_in_document(mention: str, canonical: str) -> None:
    index = NameIndex(
        [
            "Yuri Ushakov",
            "Ushakov",
            "Donald Trump's",
            "Trump",
            "[Marco] Rubio",
            "Hillary Clinton",
            "Hillary Clinton",
            "Chelsea Clinton",
        ]
    )
    assert index.canonical(mention) == canonical


@pytest.mark.parametrize("opening", ["“", "„", "‟", "«", "``"])
def test_marks_one_table_for_the_extractor_and_the_brat_reader(opening):
    """Every opening mark of `curation.marks` opens a quote for the direct-quote component and for the
    brat reader alike (they read the same table)."""
    from curation.ingest.brat.marks import quoted_regions

    closing = {"``": "''", "«": "»"}.get(opening, "”")
    text = f"He said: {opening}We will win the vote.{closing}"
    assert quoted(text) == [("We will win the vote.", False)]
    [region] = quoted_regions(text, 0, len(text))
    assert text[region.inner_start : region.inner_end] == "We will win the vote."
