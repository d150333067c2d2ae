"""Boilerplate rules on handwritten lines (positives and negatives), and on the seed articles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from curation.ingest.boilerplate import RULES, clean_text, match_rule
from curation.records import content_id, restore_removed

# (line, rule that removes it): one row per kind of page furniture.
REMOVED_LINES = [
    (
        "Register for Acme Mini-MBA edition 3 (June 9 – Sept 6, 2025) today for early bird discounts.",
        "advertising",
    ),
    ("Acme AI in Business Masterclass opens registrations.", "advertising"),
    ("Join Acme Capital Syndicate and co-invest in great global startups.", "advertising"),
    ("Register to become a better CEO or Director with the Acme Director Program.", "advertising"),
    ("Subscribe today and get 50% off your first year.", "advertising"),
    ("Enrollment is now open for applications to the spring cohort.", "advertising"),
    ("after newsletter promotion", "newsletter"),
    ("Skip past newsletter promotion", "newsletter"),
    ("Sign up to our free morning newsletter", "newsletter"),
    ("Advertisement", "advertisement-marker"),
    ("Story continues below advertisement", "advertisement-marker"),
    ("Share this article", "share"),
    ("Share on Facebook", "share"),
    ("Read more: Why the ceasefire talks stalled", "share"),
    ("Read the rest here.", "share"),
    ("Continue reading the main story", "share"),
    ("Follow Jane Doe on Twitter @janedoe.", "share"),
    ("Related coverage: Kremlin rejects the truce", "share"),
    ("Photo: Reuters/Jane Doe", "credits"),
    ("(Reporting by Jane Doe; Editing by John Roe)", "credits"),
    ("Getty Images", "credits"),
    ("ABSTRACT.", "section-marker"),
    ("Correction Appended", "section-marker"),
    (
        "Correction: A previous version of this story gave the wrong year for the “Clean Air Act”.",
        "correction-notice",
    ),
    ("Big night.@someone talks to @other.https://t.co/abc pic.twitter.com/P2qpm3h3Pm", "embedded-post"),
    ("We will win. — Jane Doe (@janedoe) September 27, 2016", "embedded-post"),
]

# Article sentences that use the same words: never removed.
KEPT_LINES = [
    "Voters must register by Friday, election officials said.",
    "Register of Deeds Mary Smith told reporters the office would stay open.",
    "Joined by his wife, the senator opened the session.",
    "Join us, he told the crowd, and we will win.",
    "“Join the talks now or be left behind,” the envoy warned.",
    "Shares in the company fell 4% after the announcement.",
    "The university opens registrations for spring classes, a spokesman said.",
    "Tags attached to the birds allowed researchers to follow them on migration routes.",
    "Readers of the report were surprised by its conclusions.",
    "Related talks in Geneva ended without agreement.",
    "Kremlin acknowledges US discussions",
    "Abstract art sold well at the auction, the gallery said.",
    "The correction came after a week of losses in the markets.",
    "Summary judgment was granted on Monday.",
    "CLARIFICATION: The first paragraph now says the chair is calling for a successor.",
    "The newsletter, published weekly by the ministry, said troops were advancing.",
    "",
]


@pytest.mark.parametrize(("line", "reason"), REMOVED_LINES)
def test_boilerplate_rule_removes_line(line, reason):
    rule = match_rule(line)
    assert rule is not None and rule.name == reason


@pytest.mark.parametrize("line", KEPT_LINES)
def test_boilerplate_rule_keeps_article_sentence(line):
    assert match_rule(line) is None
    assert match_rule(line, "tail") is None


@pytest.mark.parametrize(
    ("line", "at_end"),
    [("Tags", True), ("Tags: Russia, Ukraine, Ceasefire", True), ("Topics | Europe", True), ("Tags", False)],
)
def test_boilerplate_tag_list_removed_only_at_the_end(line, at_end):
    body = "Peskov said the talks would go on.\n"
    text = body + line if at_end else line + "\n" + body
    cleaned = clean_text(text)
    assert (cleaned.text == body) is at_end
    assert [r.reason for r in cleaned.removed] == (["tags"] if at_end else [])


@pytest.mark.parametrize(
    ("tail", "removed"),
    [
        ("Tags\nRussia\nUkraine war\n", True),
        ("Topics:\n\nKremlin\n", True),
        ("Russia\nUkraine war\n", False),
        ("Tags\nHe left.\n", False),
    ],
    ids=["header-and-items", "header-blank-item", "items-without-header", "sentence-after-header"],
)
def test_boilerplate_tag_list_one_per_line(tail, removed):
    body = "Peskov said the talks would go on.\n\n"
    cleaned = clean_text(body + tail)
    assert (cleaned.text == body.rstrip("\n") + "\n") is removed
    assert restore_removed(cleaned.text, cleaned.removed) == body + tail


def test_boilerplate_rules_have_names_and_reasons():
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    assert all(rule.why for rule in RULES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talks Resume\n\nTalks Resume\n\nThe envoy arrived.\n", "Talks Resume\n\nThe envoy arrived.\n"),
        ("Talks Resume\nTALKS  resume\nThe envoy arrived.\n", "Talks Resume\nThe envoy arrived.\n"),
        ("Talks Resume\n\nTalks resumed on Monday.\n", "Talks Resume\n\nTalks resumed on Monday.\n"),
        (
            "Talks Resume\n\nThe envoy arrived.\n\nTalks Resume\n",
            "Talks Resume\n\nThe envoy arrived.\n\nTalks Resume\n",
        ),
    ],
    ids=["repeated", "repeated-case-and-spaces", "different-second-line", "repeated-later-is-kept"],
)
def test_boilerplate_repeated_headline(text, expected):
    cleaned = clean_text(text)
    assert cleaned.text == expected
    assert restore_removed(cleaned.text, cleaned.removed) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One.\n\nAdvertisement\n\nTwo.\n", "One.\n\nTwo.\n"),
        ("One.\nAdvertisement\nTwo.\n", "One.\nTwo.\n"),
        ("Advertisement\n\nOne.\n", "One.\n"),
        ("One.\n\nShare this\n\n", "One.\n"),
    ],
    ids=["between-paragraphs", "between-lines", "at-start", "at-end"],
)
def test_boilerplate_leaves_one_paragraph_separator(text, expected):
    cleaned = clean_text(text)
    assert cleaned.text == expected
    assert restore_removed(cleaned.text, cleaned.removed) == text


def test_boilerplate_crlf_normalised_with_exact_offsets():
    lf = "Title\n\nPeskov said “no deal”.\nAdvertisement\nThe end.\n"
    crlf = lf.replace("\n", "\r\n")
    cleaned = clean_text(crlf)
    assert cleaned.text == clean_text(lf).text == "Title\n\nPeskov said “no deal”.\nThe end.\n"
    assert content_id(cleaned.text) == content_id(clean_text(lf).text)
    for piece in cleaned.removed:
        assert crlf[piece.start : piece.end] == piece.text
    assert {r.reason for r in cleaned.removed} == {"crlf", "advertisement-marker"}
    assert restore_removed(cleaned.text, cleaned.removed) == crlf


def test_boilerplate_byte_order_mark_is_recorded():
    cleaned = clean_text("\ufeffPeskov spoke.\n")
    assert cleaned.text == "Peskov spoke.\n"
    assert [(r.start, r.end, r.reason) for r in cleaned.removed] == [(0, 1, "bom")]
    assert cleaned.boilerplate() == []


# --- the seed articles -----------------------------------------------------------------------------

# (seed prefix, reason, exact text that must be removed)
SEED_BOILERPLATE = [
    ("000", "advertising", "Register for Tekedia Mini-MBA edition 17"),
    ("000", "advertising", "Tekedia AI in Business Masterclass opens registrations.\n"),
    ("000", "advertising", "Join Tekedia Capital Syndicate and co-invest in great global startups.\n"),
    (
        "000",
        "advertising",
        "Register to become a better CEO or Director with Tekedia CEO & Director Program.\n",
    ),
    ("002", "newsletter", "after newsletter promotion\n"),
    (
        "003",
        "repeated-headline",
        "U.S. Delegation in Moscow for Crucial Ceasefire Talks Amid Russian Resistance\n",
    ),
    ("003", "tags", "Tags"),
]


def _seed(seeds_dir: Path, prefix: str) -> str:
    (path,) = seeds_dir.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("prefix", "reason", "piece"), SEED_BOILERPLATE)
def test_boilerplate_seed_piece_removed_and_recorded(seeds_dir, prefix, reason, piece):
    original = _seed(seeds_dir, prefix)
    cleaned = clean_text(original)
    recorded = [r for r in cleaned.removed if piece in r.text]
    assert [r.reason for r in recorded] == [reason]
    assert original[recorded[0].start : recorded[0].end] == recorded[0].text
    if reason != "repeated-headline":
        assert piece.strip() not in cleaned.text
    else:
        assert cleaned.text.count(piece.strip()) == 1


@pytest.mark.parametrize("prefix", ["001", "004"])
def test_boilerplate_seed_without_boilerplate_is_untouched(seeds_dir, prefix):
    original = _seed(seeds_dir, prefix)
    assert clean_text(original).text == original


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_boilerplate_seed_quote_sentences_survive(seeds_dir, prefix):
    """Every line that quotes someone (a double quotation mark) is still in the cleaned text."""
    original = _seed(seeds_dir, prefix)
    cleaned = clean_text(original).text
    quoted = [line for line in original.splitlines() if re.search(r"[\"“”]", line)]
    assert quoted
    for line in quoted:
        assert line in cleaned


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "No newline at the end",
        "\ufeffBOM then CRLF\r\n\r\nAdvertisement\r\nBody.\r\n",
        "Mixed endings\r\nhere\nand a lone \r carriage return\r\n",
        "Share this\r\n",
        "Title\r\n\r\nTitle\r\n\r\nBody.\r\n\r\nTags: a, b",
        "Advertisement\n\n\nAdvertisement\n\n\nBody.\n\n\nShare this\n\n\n",
    ],
    ids=[
        "empty",
        "only-newlines",
        "no-final-newline",
        "bom-crlf",
        "mixed-endings",
        "only-boilerplate",
        "crlf-headline-tags",
        "blank-runs",
    ],
)
def test_boilerplate_removed_pieces_rebuild_the_original(text):
    cleaned = clean_text(text)
    assert "\r\n" not in cleaned.text
    for piece in cleaned.removed:
        assert text[piece.start : piece.end] == piece.text
    assert restore_removed(cleaned.text, cleaned.removed) == text
