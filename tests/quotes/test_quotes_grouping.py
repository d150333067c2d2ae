"""Grouping quotes across documents: pure functions on small handwritten records."""

from __future__ import annotations

import pytest

from curation.quotes import (
    QuoteOccurrence,
    containment,
    group_quotes,
    names_compatible,
    normalise_words,
    quoted_fragments,
    quotes_of,
    same_quote,
    speaker_name,
)
from curation.records import Document, Provenance, Relation, Span, span_id


def make_doc(doc_id: str, text: str, quotes: list[tuple[str, str | None, str | None]]) -> Document:
    """A record whose QUOTE spans (and their SPEAKER / CUE) are placed by string search."""
    spans: list[Span] = []
    relations: list[Relation] = []

    def place(label: str, piece: str, **attrs: str) -> str:
        start = text.index(piece)
        sid = span_id(label, start, start + len(piece))
        if sid not in {s.id for s in spans}:
            spans.append(
                Span(id=sid, start=start, end=start + len(piece), label=label, text=piece, attrs=attrs)
            )
        return sid

    for quote, speaker, cue in quotes:
        qid = place("QUOTE", quote, kind="direct")
        if speaker:
            canonical, _, mention = speaker.partition("|")
            sid = place("SPEAKER", mention or canonical, canonical=canonical)
            relations.append(Relation(head=qid, tail=sid, label="speaker"))
        if cue:
            relations.append(Relation(head=qid, tail=place("CUE", cue), label="cue"))
    return Document(
        id=doc_id, source=f"https://news.example/{doc_id}", text=text, spans=spans, relations=relations
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("“A positive message  means nothing.”", ["a", "positive", "message", "means", "nothing"]),
        ("I don’t want that", ["i", "dont", "want", "that"]),
        ("I don't WANT that", ["i", "dont", "want", "that"]),
        ("their [Russia’s] court", ["their", "russias", "court"]),
        ("", []),
    ],
)
def test_quotes_normalise_words_ignores_case_punctuation_and_quote_marks(text, words):
    assert normalise_words(text) == words


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("a positive message means nothing", "But a positive message means nothing. This is serious.", 1.0),
        ("fully liberate", "Putin ordered the military to fully liberate the region", 1.0),
        ("fully liberate", "liberate fully", 0.0),  # words in another order are other words
        ("the ball is in their court", "the ball is not in their court", 0.5),
        ("we will win", "they lost the war", 0.0),
    ],
)
def test_quotes_containment_of_the_shorter_quote(a, b, expected):
    assert containment(normalise_words(a), normalise_words(b)) == pytest.approx(expected)
    assert containment(normalise_words(b), normalise_words(a)) == pytest.approx(expected)  # symmetric


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        ("Trump", "Donald Trump", True),
        ("Donald Trump", "Donald Trump", True),
        ("Donald J. Trump", "Donald Trump", True),
        ("Dmitry Peskov", "Donald Trump", False),
        ("Trump", "Peskov", False),
        ("a senior Russian government source", "Dmitry Peskov", True),  # a description can be anyone
        ("the Democratic nominee", "Hillary Clinton", True),
    ],
)
def test_quotes_names_compatible_when_one_name_extends_the_other(a, b, compatible):
    assert names_compatible(a, b) is compatible


def test_quotes_quotes_of_reads_speaker_canonical_and_cue():
    doc = make_doc("d1", "“We are ready,” he said.", [("We are ready", "Ann Lee|he", "said")])
    [occ] = quotes_of(doc)
    assert occ == QuoteOccurrence(
        doc_id="d1",
        source="https://news.example/d1",
        start=1,
        end=13,
        text="We are ready",
        kind="direct",
        speaker="he",
        canonical="Ann Lee",
        cue="said",
    )


def test_quotes_groups_a_shortened_quote_across_documents():
    a = make_doc(
        "a",
        "He said: “But a positive message means nothing. This is serious.”",
        [("But a positive message means nothing. This is serious.", "Donald Trump|He", "said")],
    )
    b = make_doc(
        "b",
        "Trump cautioned that “a positive message means nothing” today.",
        [("a positive message means nothing", "Trump", "cautioned")],
    )
    c = make_doc("c", "“We need rain,” the farmer said.", [("We need rain", "farmer", "said")])
    groups = group_quotes([a, b, c])
    assert len(groups) == 1
    [group] = groups
    assert group.documents == 2
    assert {o.doc_id for o in group.occurrences} == {"a", "b"}
    assert group.speakers == ["Donald Trump", "Trump"]
    assert group.conflict is False  # "Trump" is the same person as "Donald Trump"
    assert group.text.startswith("But a positive message")


def test_quotes_flags_the_same_words_attributed_to_different_speakers():
    a = make_doc(
        "a",
        "“Contacts with Washington are planned,” Peskov said.",
        [("Contacts with Washington are planned", "Dmitry Peskov|Peskov", "said")],
    )
    b = make_doc(
        "b",
        "“Contacts with Washington are planned,” Ushakov said.",
        [("Contacts with Washington are planned", "Yuri Ushakov|Ushakov", "said")],
    )
    [group] = group_quotes([a, b])
    assert group.conflict is True
    assert group.speakers == ["Dmitry Peskov", "Yuri Ushakov"]


def test_quotes_a_missing_speaker_is_not_a_conflict():
    a = make_doc(
        "a",
        "“Contacts with Washington are planned,” Peskov said.",
        [("Contacts with Washington are planned", "Dmitry Peskov|Peskov", "said")],
    )
    b = make_doc(
        "b",
        "Someone wrote “contacts with Washington are planned”.",
        [("contacts with Washington are planned", None, None)],
    )
    [group] = group_quotes([a, b])
    assert group.conflict is False
    assert group.speakers == ["Dmitry Peskov"]


def test_quotes_min_docs_filters_and_same_document_repeats_count_once():
    text = "“Stay calm and carry on,” she said. Later: “stay calm and carry on,” she said again."
    doc = Document(
        id="a",
        text=text,
        spans=[
            Span(id=span_id("QUOTE", s, s + 21), start=s, end=s + 21, label="QUOTE", text=text[s : s + 21])
            for s in (1, 44)
        ],
    )
    assert group_quotes([doc]) == []  # repeated in one document only
    [group] = group_quotes([doc], min_docs=1)
    assert group.documents == 1 and len(group.occurrences) == 2


def test_quotes_grouping_does_not_depend_on_document_order():
    short = make_doc(
        "s",
        "He said “troops will fully liberate the region”.",
        [("troops will fully liberate the region", None, None)],
    )
    long = make_doc(
        "l",
        "Putin ordered: “Our troops will fully liberate the region this spring.”",
        [("Our troops will fully liberate the region this spring.", None, None)],
    )
    assert len(group_quotes([short, long])) == 1
    assert len(group_quotes([long, short])) == 1


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("a positive message means nothing", "But a positive message means nothing. This is serious.", True),
        ("fully liberate", "fully liberate", True),  # identical
        ("the United States", "We will defend the United States and its allies", False),  # one shared 3-gram
        ("the ball is in their court", "the ball is not in their court", False),  # 2 of 4 shared
        ("we lost the war", "we won the war", False),
    ],
)
def test_quotes_same_quote_needs_identity_or_enough_shared_words(a, b, same):
    assert same_quote(normalise_words(a), normalise_words(b)) is same


@pytest.mark.parametrize(
    ("canonical", "mention", "name"),
    [
        ("Donald Trump", "he", "Donald Trump"),
        ("", "Peskov", "Peskov"),
        ("", "she", None),
        (None, "who", None),
    ],
)
def test_quotes_speaker_name_is_never_a_bare_pronoun(canonical, mention, name):
    assert speaker_name(canonical, mention) == name


def test_quotes_names_and_short_phrases_do_not_group():
    a = make_doc(
        "a",
        "“Donald Trump” and “the deal” here",
        [("Donald Trump", None, None), ("the deal", None, None)],
    )
    b = make_doc(
        "b",
        "“Donald Trump” and “the deal” there",
        [("Donald Trump", None, None), ("the deal", None, None)],
    )
    assert group_quotes([a, b]) == []


def test_quotes_single_quoted_words_and_unrelated_quotes_do_not_group():
    a = make_doc(
        "a",
        "a “positive” ceasefire; “we lost the war”",
        [("positive", None, None), ("we lost the war", None, None)],
    )
    b = make_doc(
        "b",
        "the “positive” proposal; “we won the war”",
        [("positive", None, None), ("we won the war", None, None)],
    )
    assert group_quotes([a, b]) == []


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (
            "Trump cautioned that “a positive message means nothing” here",
            ["a positive message means nothing"],
        ),
        ('he said "we won" and "they lost"', ["we won", "they lost"]),
        ("Russia’s troops are advancing", []),  # an apostrophe is not a quotation mark
    ],
)
def test_quotes_quoted_fragments(text, fragments):
    assert quoted_fragments(text) == fragments


def test_quotes_a_mixed_quote_is_matched_by_its_verbatim_fragment():
    direct = make_doc(
        "a",
        "He said: “But a positive message means nothing. This is a very serious situation.”",
        [
            (
                "But a positive message means nothing. This is a very serious situation.",
                "Donald Trump|He",
                "said",
            )
        ],
    )
    mixed_text = "“a positive message means nothing” in the context of the severe situation at hand"
    mixed = make_doc("b", f"Trump cautioned that {mixed_text}.", [(mixed_text, "Trump", "cautioned")])
    mixed = mixed.model_copy(
        update={
            "spans": [
                s.model_copy(update={"attrs": {"kind": "mixed"}}) if s.label == "QUOTE" else s
                for s in mixed.spans
            ]
        }
    )
    [group] = group_quotes([direct, mixed])
    assert {o.kind for o in group.occurrences} == {"direct", "mixed"}
    assert group.conflict is False


def test_quotes_several_annotators_of_one_document_count_as_one_document():
    text = "“Contacts with Washington are planned,” Peskov said."
    quote = [("Contacts with Washington are planned", "Dmitry Peskov|Peskov", "said")]
    ann1, ann2 = (
        make_doc("a", text, quote).model_copy(update={"provenance": Provenance(annotator=who, reviewed=True)})
        for who in ("ann1", "ann2")
    )
    other = make_doc(
        "b",
        "Peskov said “contacts with Washington are planned”.",
        [("contacts with Washington are planned", None, None)],
    )
    [group] = group_quotes([ann1, ann2, other])
    assert group.documents == 2 and len(group.occurrences) == 3
    assert {o.annotator for o in group.occurrences} == {"ann1", "ann2", None}
    assert group_quotes([ann1, ann2]) == []  # one document, however many annotators


def test_quotes_reads_the_labels_by_their_role_in_the_schema(renamed_schema):
    """Renamed labels (QUOTE -> QUOTATION, speaker -> said_by) need no code change: roles name them."""
    from curation.quotes import quotes_of

    renamed = renamed_schema
    doc = make_doc("d1", "“We are ready,” he said.", [("We are ready", "Ann Lee|he", "said")])
    obj = doc.model_dump()
    for span in obj["spans"]:
        if span["label"] == "QUOTE":
            span["label"] = "QUOTATION"
    for rel in obj["relations"]:
        rel["label"] = "said_by" if rel["label"] == "speaker" else rel["label"]
    [occ] = quotes_of(Document.checked(obj, renamed), renamed)
    assert (occ.text, occ.canonical, occ.cue) == ("We are ready", "Ann Lee", "said")
