"""Offsets as the editor counts them, proven in Label Studio's real editor on a text full of characters
that UTF-16 and code points count differently (flag emoji, a ZWJ family, CJK, combining accents).

Predicted regions must highlight exactly their span texts; a region drawn with the mouse after an emoji,
given a quote kind and a speaker relation in the editor and submitted, must come back from `pull` at the
exact offsets; a split quote's group (shown in the editor as `segment` relations) must come back too.
"""

from __future__ import annotations

from curation.jsonl import read_documents
from curation.records import Relation, Span
from curation.schema import get_schema
from curation.studio.config import relation_labels
from curation.studio.pull import pull

TEXT = (
    "Flags 🇺🇦 flew as Olena said: “We stand 👩‍👩‍👧 together.” "
    "東京の知事は「安全です」と述べた. Jose\u0301 Nun\u0303ez told reporters that prices rose. "
    "“We will rebuild,” Olena added, “every bridge 🌉.” "
    "After 👍 the vote, Mayor Li said the bridge reopens in May."
)


def _span(label: str, fragment: str, attrs: dict | None = None, group: str | None = None) -> Span:
    start = TEXT.index(fragment)
    return Span.at(TEXT, label, start, start + len(fragment), attrs=attrs or {}, score=0.9, group=group)


def test_browser_emoji_text_highlights_and_a_drawn_region_come_back_exactly(
    studio, editor, push_predicted, tmp_path
) -> None:
    spans = [
        _span("SPEAKER", "Olena", {"canonical": "Olena"}),
        _span("CUE", "said"),
        _span("QUOTE", "We stand 👩‍👩‍👧 together.", {"kind": "direct"}),
        _span("SPEAKER", "東京の知事", {"canonical": None}),
        _span("QUOTE", "安全です", {"kind": "direct"}),
        _span("SPEAKER", "Jose\u0301 Nun\u0303ez", {"canonical": "Jose\u0301 Nun\u0303ez"}),
        _span("QUOTE", "prices rose", {"kind": "indirect"}),
        _span("QUOTE", "We will rebuild,", {"kind": "direct"}, group="quote-rebuild"),
        _span("QUOTE", "every bridge 🌉.", {"kind": "direct"}, group="quote-rebuild"),
        _span("SPEAKER", "Mayor Li", {"canonical": "Li"}),
    ]
    relations = [
        Relation(head=spans[2].id, tail=spans[0].id, label="speaker"),
        Relation(head=spans[2].id, tail=spans[1].id, label="cue"),
    ]
    _, project_id, task_id = push_predicted(
        "browser-emoji", TEXT, spans, relations, source="browser-emoji", model_version="emoji-1"
    )

    editor.open_task(project_id, task_id)
    assert editor.text() == TEXT
    # Every predicted region is drawn over exactly its span's text (a UTF-16 shift would move them all).
    assert editor.highlights() == {span.id: span.text for span in spans}

    # An annotator marks a quote after the 👍, chooses its kind and links it to its speaker, then submits.
    editor.draw("QUOTE", "the bridge reopens in May")
    editor.choose("the bridge reopens in May", "indirect")
    label = "speaker" if relation_labels(get_schema()) else None  # no labels offered: the ends decide
    editor.relate("the bridge reopens in May", "Mayor Li", label)
    editor.submit()

    out = tmp_path / "gold.jsonl"
    pulled = pull(studio.conn, "browser-emoji", out)
    assert pulled.left_out == []
    [gold] = list(read_documents(out))
    drawn = _span("QUOTE", "the bridge reopens in May", {"kind": "indirect"})
    expected = [*spans, drawn]
    assert sorted((s.id, s.start, s.end, s.text, s.attrs, s.group) for s in gold.spans) == sorted(
        (s.id, s.start, s.end, s.text, s.attrs, s.group) for s in expected
    )
    assert {(r.head, r.tail, r.label) for r in gold.relations} == {
        *((r.head, r.tail, r.label) for r in relations),
        (drawn.id, spans[-1].id, "speaker"),
    }
