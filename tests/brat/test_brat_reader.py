"""The brat reader on tiny handwritten corpora written to tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.errors import InputError
from curation.ingest.brat import read_brat_corpus, split_content

TEXT = (
    'Ann Lee said: "We won," adding, "and we will win again."\n'
    "Bob thinks taxes rose, according to the report.\n"
    'The mayor called it "a disaster" for the city.\n'
)


def seg(needle: str, nth: int = 0) -> str:
    """brat offsets "start end" of the nth occurrence of needle in TEXT."""
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(needle, start + 1)
    return f"{start} {start + len(needle)}"


def ann_lines() -> list[str]:
    split = f"{seg(chr(34) + 'We won,' + chr(34))};{seg(chr(34) + 'and we will win again.' + chr(34))}"
    return [
        f"T1\tSource {seg('Ann Lee')}\tAnn Lee",
        f"T2\tCue {seg('said')}\tsaid",
        f'T3\tContent {split}\t"We won," "and we will win again."',
        f"T4\tAttribution {seg('said')}\tsaid",
        "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3",
        f"T5\tSource {seg('the report')}\tthe report",
        f"T6\tCue {seg('according to')}\taccording to",
        f"T7\tContent {seg('Bob thinks taxes rose')}\tBob thinks taxes rose",
        f"T8\tAttribution-no-source {seg('according to')}\taccording to",
        "E2\tAttribution-no-source:T8 Content:T7 Cue:T6 Source:T5",
        f"T9\tContent {seg('it ' + chr(34) + 'a disaster' + chr(34) + ' for the city')}\t"
        'it "a disaster" for the city',
        "#1\tAnnotatorNotes T9\ta note brat allows",
        f"T10\tDiscard {seg('The mayor')}\tThe mayor",
    ]


def write_corpus(root: Path, anns: dict[str, list[str]], name: str = "article") -> Path:
    (root / "text").mkdir(parents=True, exist_ok=True)
    (root / "attributions").mkdir(exist_ok=True)
    (root / "text" / f"{name}.txt").write_text(TEXT, encoding="utf-8")
    for annotator, lines in anns.items():
        (root / "attributions" / f"{name}_{annotator}.ann").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
    return root


def test_brat_reads_spans_kinds_and_relations(tmp_path):
    (doc,) = read_brat_corpus(write_corpus(tmp_path, {"ab12": ann_lines()}))
    quotes = {s.text: s for s in doc.spans if s.label == "QUOTE"}
    # the split direct quote: one span per segment, marks stripped, one group (the event id)
    assert quotes["We won,"].attrs == {"kind": "direct"}
    assert quotes["and we will win again."].attrs == {"kind": "direct"}
    assert quotes["We won,"].group == quotes["and we will win again."].group == "E1"
    assert quotes["Bob thinks taxes rose"].attrs == {"kind": "indirect"}
    assert quotes['it "a disaster" for the city'].attrs == {"kind": "mixed"}
    assert quotes['it "a disaster" for the city'].group == "T9"  # in no event: its own group
    by_id = doc.spans_by_id()
    links = {(by_id[r.head].text, r.label, by_id[r.tail].text) for r in doc.relations}
    assert links == {
        ("We won,", "speaker", "Ann Lee"),
        ("We won,", "cue", "said"),
        ("and we will win again.", "speaker", "Ann Lee"),
        ("and we will win again.", "cue", "said"),
        ("Bob thinks taxes rose", "speaker", "the report"),
        ("Bob thinks taxes rose", "cue", "according to"),
    }
    assert "The mayor" not in {s.text for s in doc.spans}  # Discard is ignored by the mapping
    assert doc.provenance.reviewed is True
    assert doc.provenance.annotator == "ab12"
    assert doc.provenance.source == "brat"


def test_brat_annotator_first_or_all(tmp_path):
    root = write_corpus(tmp_path, {"zz99": ann_lines()[:3], "ab12": ann_lines()})
    (first,) = read_brat_corpus(root)
    assert first.provenance.annotator == "ab12"  # sorted first
    both = list(read_brat_corpus(root, annotator="all"))
    assert [d.provenance.annotator for d in both] == ["ab12", "zz99"]
    assert both[0].id == both[1].id


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("T1\tSource 0 three\tAnn", "malformed T line"),
        ("E1\tAttribution T4 Source:T1", "malformed E line"),
        ("X1\twhat is this", "not a brat standoff line"),
        ("T1\tSource 0 7\tAnn Lex", "T1 offsets 0 7 give 'Ann Lee'"),
        ("T1\tSource 0 9999\tAnn", "outside the text"),
        ("E1\tAttribution:T4 Source:T77", "refers to T77"),
        ("T1\tSpeaker 0 7\tAnn Lee", "brat label 'Speaker' is not in the mapping"),
    ],
)
def test_brat_bad_lines_name_file_and_line(tmp_path, line, message):
    lines = ann_lines()
    lines.insert(4, line)  # becomes line 5 of the file
    root = write_corpus(tmp_path, {"ab12": lines})
    with pytest.raises(InputError) as info:
        list(read_brat_corpus(root))
    assert message in str(info.value)
    assert "article_ab12.ann:5:" in str(info.value)


def test_brat_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="no .txt files"):
        list(read_brat_corpus(tmp_path))


@pytest.mark.parametrize(
    ("content", "kind", "pieces"),
    [
        ('"We won."', "quoted", ["We won."]),
        ("“We won,” “and we will win.”", "quoted", ["We won,", "and we will win."]),
        ("''We must not overreact,''", "quoted", ["We must not overreact,"]),
        ("“Unclosed quote at the end", "quoted", ["Unclosed quote at the end"]),
        ('it was "a mistake" to do so', "partly_quoted", ['it was "a mistake" to do so']),
        ("“You squeezed employees” to drive up the price", "partly_quoted", None),
        ("It’s ‘in Their Heads.’", "partly_quoted", None),
        ("taxes rose and the deficit grew", "unquoted", ["taxes rose and the deficit grew"]),
        ("the party’s candidate won", "unquoted", None),
        ("  padded indirect  ", "unquoted", ["padded indirect"]),
    ],
)
def test_brat_split_content_rows(content, kind, pieces):
    got_kind, spans = split_content(content, 0, len(content))
    assert got_kind == kind
    if pieces is not None:
        assert [content[s:e] for s, e in spans] == pieces


@pytest.mark.parametrize(
    ("text", "start", "end", "pieces"),
    [
        # the span starts between the two apostrophes of the opening mark
        ("He said ''We should throw it out,'' today.", 9, 35, ["We should throw it out,"]),
        # the span ends between the two apostrophes of the closing mark
        ("He said ''We should throw it out,'' today.", 8, 34, ["We should throw it out,"]),
        # a whole mark is left as it is
        ("He said ''We should throw it out,'' today.", 8, 35, ["We should throw it out,"]),
    ],
)
def test_brat_split_content_snaps_a_half_doubled_mark(text, start, end, pieces):
    kind, spans = split_content(text, start, end)
    assert kind == "quoted"
    assert [text[s:e] for s, e in spans] == pieces


def test_brat_split_content_does_not_widen_past_a_lone_apostrophe():
    text = "the voters' choice"
    kind, spans = split_content(text, 11, len(text))
    assert (kind, [text[s:e] for s, e in spans]) == ("unquoted", ["choice"])
