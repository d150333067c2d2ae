"""The extractor on the seed articles (ingested, cleaned): quotes and speakers checked by reading them."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from curation.annotate import annotate_documents
from curation.extract.pipeline import add_components
from curation.ingest import iter_documents
from curation.records import Document
from curation.settings import get_settings


@pytest.fixture(scope="module")
def records(seeds_dir: Path) -> dict[str, Document]:
    """Each seed as a pre-annotated record, keyed by its file-name prefix ("000" ...)."""
    nlp: Language = add_components(spacy.load(get_settings().model))
    docs = list(iter_documents([seeds_dir]))
    return {Path(r.source).name[:3]: r for r in annotate_documents(docs, nlp)}


def quotes(record: Document) -> list[tuple[str, str, str | None, str | None]]:
    """(kind, text, speaker mention, canonical) for each QUOTE of a record."""
    spans = record.spans_by_id()
    speaker = {r.head: spans[r.tail] for r in record.relations if r.label == "speaker"}
    out = []
    for s in record.spans:
        if s.label == "QUOTE":
            who = speaker.get(s.id)
            out.append(
                (
                    s.attrs["kind"],
                    s.text,
                    who.text if who else None,
                    who.attrs.get("canonical") if who else None,
                )
            )
    return out


def find(record: Document, beginning: str) -> tuple[str, str, str | None, str | None]:
    matches = [q for q in quotes(record) if q[1].lstrip('“"').startswith(beginning)]
    assert matches, f"no quote starting {beginning!r} in {record.source}"
    return matches[0]


@pytest.mark.parametrize(
    ("seed", "beginning", "kind", "speaker", "canonical"),
    [
        ("000", "Our aim is a long-lasting peaceful settlement", "direct", "he", "Yuri Ushakov"),
        ("000", "But a positive message means nothing.", "direct", "he", "Donald Trump"),
        ("000", "Putin believes he is winning", "direct", "a senior Russian government source", None),
        ("000", "Why would he stop now?", "direct", "a senior Russian government source", None),
        (
            "000",
            "the ball is truly in their [Russia’s] court",
            "mixed",
            "U.S. Secretary of State Marco Rubio",
            "Marco Rubio",
        ),
        (
            "000",
            "it would amount to nothing more than a temporary respite",
            "indirect",
            "Kremlin aide Yuri Ushakov",
            "Yuri Ushakov",
        ),
        ("000", "he had received “positive messages”", "mixed", "President Donald Trump", "Donald Trump"),
        ("000", "while talks with the U.S. were “taking place", "mixed", "Ushakov", "Yuri Ushakov"),
        (
            "002",
            "he was focused on addressing what he calls the “root causes”",
            "mixed",
            "Putin",
            "Vladimir Putin",
        ),
        (
            "004",
            "the “ball is truly in their [Russia’s] court,”",
            "mixed",
            "Secretary of State Marco Rubio",
            "Marco Rubio",
        ),
        ("001", "Russia could say ‘yes, but’ to a ceasefire offer", "direct", "Markov", "Sergei Markov"),
        (
            "001",
            "This is the closest we have been to peace in this war",
            "direct",
            "White House Press Secretary Karoline Leavitt",
            "Karoline Leavitt",
        ),
        (
            "001",
            "The ball is in Russia’s court.",
            "direct",
            "White House Press Secretary Karoline Leavitt",
            "Karoline Leavitt",
        ),
        ("002", "We assume that secretary of state [Marco] Rubio", "direct", "Peskov", "Dmitry Peskov"),
        ("002", "If they say no", "direct", "he", "Marco Rubio"),
        ("003", "The negotiators are flying in", "direct", "Dmitry Peskov", "Dmitry Peskov"),
        (
            "004",
            "It’s true that [US] negotiators are en route",
            "direct",
            "Kremlin spokesperson Dmitry Peskov",
            "Dmitry Peskov",
        ),
        (
            "004",
            "We urge the Russians to sign on to this plan.",
            "direct",
            "Press Secretary Karoline Leavitt",
            "Karoline Leavitt",
        ),
        ("004", "a positive message means nothing", "mixed", "President Trump", "Trump"),
    ],
)
def test_seeds_quote_speaker_canonical(
    records: dict[str, Document], seed: str, beginning: str, kind: str, speaker: str, canonical: str | None
) -> None:
    found_kind, _, found_speaker, found_canonical = find(records[seed], beginning)
    assert (found_kind, found_speaker, found_canonical) == (kind, speaker, canonical)


def test_seeds_nested_attribution_gives_way_to_the_outer_one(records: dict[str, Document]) -> None:
    # "Putin ... saying he was focused on addressing what he calls the “root causes”": one mixed quote
    texts = [text for _, text, _, _ in quotes(records["002"])]
    assert not any(t.startswith(("the “root causes”", "addressing what he calls")) for t in texts)


def test_seeds_direct_quotes_exclude_their_marks(records: dict[str, Document]) -> None:
    for record in records.values():
        for kind, text, _, _ in quotes(record):
            if kind == "direct":
                assert text[0] not in '“"' and text[-1] not in '”"', text


def test_seeds_place_tagged_person_never_stands_for_a_speaker(records: dict[str, Document]) -> None:
    """The small model tags Kyiv, Sudzha, Kryvyy Rih, Kharkiv as PERSON: no pronoun or description may
    resolve to them. (A place as the literal subject, "Kyiv declared ...", is the government speaking.)"""
    places = {"Kyiv", "Sudzha", "Kryvyy Rih", "Kharkiv", "Kursk"}
    for record in records.values():
        for _, _, speaker, canonical in quotes(record):
            if canonical in places:
                assert speaker == canonical


def test_seeds_every_prediction_has_a_score_a_rule_and_provenance(records: dict[str, Document]) -> None:
    for record in records.values():
        assert record.provenance.reviewed is False
        assert (record.provenance.model_version or "").startswith("curation-")
        assert record.removed or record.source.endswith(
            ("001_963e21766430ae41.txt", "004_da12a80d9d587f0f.txt")
        )
        for span in record.spans:
            assert span.score is not None and 0.0 <= span.score <= 1.0
            assert span.rule, f"{record.source}: {span.label} {span.text!r} has no rule"
