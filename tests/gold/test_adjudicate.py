"""Adjudication of several annotators' versions: each unit decided, ties and blanks reported, files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.errors import InputError
from curation.gold.adjudicate import Policy, adjudicate, adjudicate_file
from curation.jsonl import read_documents, write_documents
from curation.records import Document, Relation, Span, content_id

TEXT = "Ana said the bridge will close in May, and Ben said it will not."


def version(who: str, *spans: tuple[str, str, dict[str, Any]], **provenance: Any) -> Document:
    """One annotator's record: spans placed by the fragment they cover; QUOTE -> SPEAKER related."""
    made = [
        Span.at(TEXT, label, TEXT.index(part), TEXT.index(part) + len(part), attrs)
        for label, part, attrs in spans
    ]
    quotes = [s for s in made if s.label == "QUOTE"]
    speakers = [s for s in made if s.label == "SPEAKER"]
    relations = [Relation(head=q.id, tail=speakers[0].id, label="speaker") for q in quotes[:1] if speakers]
    prov = {
        "reviewed": True,
        "annotator": who,
        "project": "p",
        "updated_at": f"2026-11-0{len(who)}T10:00:00+00:00",
    }
    return Document(
        id=content_id(TEXT), text=TEXT, spans=made, relations=relations, provenance=prov | provenance
    )


QUOTE = ("QUOTE", "the bridge will close in May", {"kind": "indirect"})
SHORT = ("QUOTE", "the bridge will close", {"kind": "indirect"})
ANA = ("SPEAKER", "Ana", {"canonical": "Ana"})
BEN = ("SPEAKER", "Ben", {"canonical": "Ben"})


def keys(doc: Document | None) -> set[tuple[str, str]]:
    assert doc is not None
    return {(s.label, s.text) for s in doc.spans}


def test_adjudicate_majority_keeps_what_two_of_three_have_and_lists_each_disagreement() -> None:
    exact = version("exact", QUOTE, ANA)
    noisy1 = version("n1", SHORT, ANA)  # moved the quote's end
    noisy2 = version("n2", QUOTE, ANA, BEN)  # added a speaker
    decision = adjudicate([exact, noisy1, noisy2], Policy("majority"))
    assert keys(decision.record) == {("QUOTE", QUOTE[1]), ("SPEAKER", "Ana")}
    assert decision.record is not None
    assert decision.record.relations[0].label == "speaker"
    adjudication = decision.record.provenance.adjudication
    assert adjudication["method"] == "majority" and adjudication["annotators"] == ["exact", "n1", "n2"]
    units = {(c.kind, c.unit.split(" '")[0], c.decision, c.resolved) for c in decision.conflicts}
    assert ("span", "QUOTE 9-37", "kept: 2 of 3", True) in units
    assert ("span", "QUOTE 9-30", "left out: 1 of 3", True) in units
    assert ("span", "SPEAKER 43-46", "left out: 1 of 3", True) in units
    said = next(c for c in decision.conflicts if c.unit.startswith("SPEAKER 43-46")).votes
    assert said == {"exact": False, "n1": False, "n2": True}


def test_adjudicate_a_tie_is_an_unresolved_conflict_and_the_unit_is_left_out() -> None:
    decision = adjudicate([version("a", QUOTE, ANA), version("b", SHORT, ANA)], Policy("majority"))
    assert keys(decision.record) == {("SPEAKER", "Ana")}
    assert {c.decision for c in decision.conflicts if c.kind == "span"} == {"left out: a tie"}
    assert not any(c.resolved for c in decision.conflicts if c.kind == "span")
    assert decision.record is not None and decision.record.relations == []


def test_adjudicate_attributes_are_voted_and_a_split_leaves_them_unset() -> None:
    direct = ("QUOTE", QUOTE[1], {"kind": "direct"})
    decision = adjudicate(
        [version("a", QUOTE), version("b", direct), version("c", direct)], Policy("majority")
    )
    assert decision.record is not None and decision.record.spans[0].attrs == {"kind": "direct"}
    assert [c.decision for c in decision.conflicts] == ["'direct': 2 of 3"]
    mixed = ("QUOTE", QUOTE[1], {"kind": "mixed"})
    split = adjudicate([version("a", QUOTE), version("b", direct), version("c", mixed)], Policy("majority"))
    assert split.record is not None and split.record.spans[0].attrs == {"kind": None}
    (conflict,) = split.conflicts
    assert not conflict.resolved and conflict.votes == {"a": "indirect", "b": "direct", "c": "mixed"}


def test_adjudicate_unanimous_keeps_only_what_everyone_has() -> None:
    decision = adjudicate(
        [version("a", QUOTE, ANA), version("b", QUOTE, ANA), version("c", QUOTE)], Policy("unanimous")
    )
    assert keys(decision.record) == {("QUOTE", QUOTE[1])}
    assert [c.resolved for c in decision.conflicts if c.kind == "span"] == [False]


def test_adjudicate_min_agree_two_of_four() -> None:
    docs = [
        version("a", QUOTE, ANA, BEN),
        version("b", QUOTE, ANA),
        version("c", QUOTE, ANA),
        version("d", QUOTE, BEN),
    ]
    decision = adjudicate(docs, Policy("majority", min_agree=3))
    assert keys(decision.record) == {("QUOTE", QUOTE[1]), ("SPEAKER", "Ana")}
    ben = next(c for c in decision.conflicts if c.unit.startswith("SPEAKER 43"))
    assert ben.decision == "left out: a tie" and not ben.resolved


def test_adjudicate_prefer_takes_the_preferred_version_and_falls_back_to_the_others() -> None:
    docs = [version("a", QUOTE, ANA), version("b", SHORT, ANA), version("c", SHORT, ANA)]
    decision = adjudicate(docs, Policy("prefer", prefer=("a",)))
    assert keys(decision.record) == {("QUOTE", QUOTE[1]), ("SPEAKER", "Ana")}
    assert decision.record is not None and decision.record.provenance.adjudication["chosen"] == "a"
    assert {c.decision for c in decision.conflicts} == {"as a"}
    fallback = adjudicate(docs, Policy("prefer", prefer=("zed",)))
    assert keys(fallback.record) == {("QUOTE", SHORT[1]), ("SPEAKER", "Ana")}


def test_adjudicate_blank_and_skipped_never_vote_and_are_reported() -> None:
    blank = version("blank")
    skipped = version("skip", reviewed=False, cancelled=True)
    decision = adjudicate([version("a", QUOTE, ANA), blank, skipped], Policy("majority"))
    assert keys(decision.record) == {("QUOTE", QUOTE[1]), ("SPEAKER", "Ana")}
    assert decision.conflicts == []
    assert decision.excluded == {"blank": "blank", "skip": "cancelled"}
    assert decision.record is not None
    assert decision.record.provenance.adjudication["excluded"] == {"blank": "blank", "skip": "cancelled"}
    nothing = adjudicate([blank, skipped], Policy("majority"))
    assert nothing.record is None and "blank or skipped" in nothing.why_none


def test_adjudicate_a_reviewers_record_beats_every_method() -> None:
    review = version("rev", SHORT, BEN, project="p-review", review_of="p")
    docs = [version("a", QUOTE, ANA), version("b", QUOTE, ANA), review]
    for method in ("majority", "unanimous", "reviewed"):
        decision = adjudicate(docs, Policy(method))  # type: ignore[arg-type]
        assert decision.method == "reviewed" and keys(decision.record) == {
            ("QUOTE", SHORT[1]),
            ("SPEAKER", "Ben"),
        }
    unreviewed = adjudicate(docs[:2], Policy("reviewed"))
    assert unreviewed.record is None and unreviewed.why_none == "not reviewed yet"


def test_adjudicate_policy_refuses_prefer_without_an_annotator() -> None:
    with pytest.raises(InputError, match="--prefer"):
        Policy("prefer")


def test_adjudicate_file_one_record_per_document_single_annotator_untouched(tmp_path: Path) -> None:
    other = "Cleo said nothing at all."
    single = Document(
        id=content_id(other), text=other, spans=[Span.at(other, "SPEAKER", 0, 4)],
        provenance={"reviewed": True, "annotator": "a", "project": "p"},
    )  # fmt: skip
    source = tmp_path / "gold.jsonl"
    write_documents(source, [version("a", QUOTE, ANA), single, version("b", SHORT, ANA), version("c", QUOTE)])
    out = tmp_path / "one.jsonl"
    report = adjudicate_file(source, out, Policy("majority"))
    docs = list(read_documents(out))
    assert [d.id for d in docs] == [content_id(TEXT), single.id]
    assert docs[1] == single
    assert report.methods == {"majority": 1} and report.passed == 1
    assert report.conflicts["majority"] == len(report.conflict_list) > 0


def test_adjudicate_cli_prints_per_method_and_writes_every_conflict(tmp_path: Path) -> None:
    source = tmp_path / "gold.jsonl"
    write_documents(
        source, [version("a", QUOTE, ANA), version("b", SHORT, ANA), version("c", QUOTE, ANA, BEN)]
    )
    result = CliRunner().invoke(
        app,
        ["adjudicate", str(source), "-o", str(tmp_path / "out.jsonl"), "--report", str(tmp_path / "c.jsonl")],
    )
    assert result.exit_code == 0, result.output
    # two spans, one relation kept by 2 of 3, one left out with its span, one speaker by 1 of 3
    assert "majority: 1 documents, 5 conflicts (0 unresolved)" in result.output
    lines = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert len(lines) == 5 and {line["document"] for line in lines} == {content_id(TEXT)}
    assert all(set(line["votes"]) == {"a", "b", "c"} for line in lines)
    bad = CliRunner().invoke(
        app, ["adjudicate", str(tmp_path / "none.jsonl"), "-o", str(tmp_path / "x.jsonl")]
    )
    assert bad.exit_code == 1 and "no such file" in bad.output and "Traceback" not in bad.output
