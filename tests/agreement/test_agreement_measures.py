"""Agreement figures on tiny annotator pairs worked out by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from curation.errors import InputError
from curation.evaluate.agreement import measure_agreement
from curation.evaluate.reliability import cohen_kappa, nominal_alpha
from curation.jsonl import write_documents
from curation.records import Document, Span, span_id

TEXT = "Ann said taxes rose ."  # blank English tokens: Ann | said | taxes | rose | .


def span(label: str, needle: str, **attrs: Any) -> Span:
    start = TEXT.index(needle)
    return Span(
        id=span_id(label, start, start + len(needle)),
        start=start,
        end=start + len(needle),
        label=label,
        text=needle,
        attrs=attrs,
    )


def record(annotator: str, spans: list[Span], **extra: Any) -> Document:
    return Document(
        id="doc1", text=TEXT, spans=spans, provenance={"annotator": annotator, "reviewed": True}, **extra
    )


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((2, 1, 1, 6), 0.523810),  # po 0.8, pa = pb = 0.3, pe 0.09 + 0.49 = 0.58: 0.22 / 0.42
        ((1, 1, 0, 3), 0.545455),  # po 0.8, pa 0.4, pb 0.2, pe 0.08 + 0.48 = 0.56: 0.24 / 0.44
        ((3, 0, 0, 7), 1.0),  # perfect agreement
        ((0, 5, 5, 0), -1.0),  # always opposite, balanced
    ],
)
def test_agreement_cohen_kappa_hand_computed(counts, expected):
    assert cohen_kappa(*counts) == pytest.approx(expected, abs=1e-6)


def test_agreement_kappa_undefined_without_variation():
    assert cohen_kappa(0, 0, 0, 10) is None


def test_agreement_alpha_hand_computed():
    # coders A 0 0 1 1 0, B 0 0 0 1 0: o00 6, o01 = o10 1, o11 2; n0 7, n1 3, n 10.
    # Do = 2 / 10; De = 2 * 7 * 3 / (10 * 9) = 0.4667; alpha = 1 - 0.2 / 0.4667 = 0.571429
    columns = [[0.0, 0.0], [0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    assert nominal_alpha(columns) == pytest.approx(0.571429, abs=1e-6)
    assert nominal_alpha([[1.0, 1.0], [1.0, 1.0]]) is None  # one value only: undefined


def test_agreement_on_two_annotators_matches_hand_computation(tmp_path: Path):
    path = tmp_path / "gold.jsonl"
    write_documents(
        path,
        [
            record("alice", [span("SPEAKER", "Ann"), span("QUOTE", "taxes rose", kind="indirect")]),
            record("bob", [span("SPEAKER", "Ann"), span("QUOTE", "rose", kind="indirect")]),
        ],
    )
    report = measure_agreement(path)
    assert (report.documents, report.records, report.annotators) == (1, 2, ["alice", "bob"])
    quote = next(la for la in report.labels if la.label == "QUOTE")
    assert quote.exact_f1 == 0.0  # "taxes rose" vs "rose": never the same characters
    assert quote.overlap_f1 == 1.0  # "rose" covers 0.4 of "taxes rose" (>= 0.3), and the reverse 1.0
    assert quote.kappa == pytest.approx(0.545455, abs=1e-6)  # tokens A 0 0 1 1 0, B 0 0 0 1 0
    assert quote.alpha == pytest.approx(0.571429, abs=1e-6)  # same tokens, see the alpha test
    speaker = next(la for la in report.labels if la.label == "SPEAKER")
    assert (speaker.exact_f1, speaker.kappa) == (1.0, 1.0)
    (pair,) = report.pairs
    assert pair.annotators == ("alice", "bob")


def test_agreement_corrections_from_predictions_field(tmp_path: Path):
    predicted = [span("SPEAKER", "Ann"), span("QUOTE", "taxes"), span("CUE", "said")]
    path = tmp_path / "gold.jsonl"
    final = [
        span("SPEAKER", "Ann"),
        span("QUOTE", "taxes rose", kind="indirect"),
        span("CLAIM", "taxes rose"),
    ]
    write_documents(path, [record("alice", final, predictions=[s.model_dump() for s in predicted])])
    report = measure_agreement(path)
    c = report.corrections
    assert report.corrected_records == 1
    assert (c["SPEAKER"].kept, c["SPEAKER"].predicted) == (1, 1)
    assert (c["QUOTE"].moved, c["QUOTE"].kept) == (1, 0)
    assert (c["CUE"].deleted, c["CUE"].rates()["deleted"]) == (1, 1.0)
    assert (c["CLAIM"].added, c["CLAIM"].predicted) == (1, 0)


def test_agreement_corrections_from_pre_file(tmp_path: Path):
    pre, gold = tmp_path / "pre.jsonl", tmp_path / "gold.jsonl"
    write_documents(
        pre, [Document(id="doc1", text=TEXT, spans=[span("QUOTE", "taxes rose"), span("CUE", "said")])]
    )
    write_documents(gold, [record("alice", [span("QUOTE", "taxes rose")])])
    c = measure_agreement(gold, pre).corrections
    assert (c["QUOTE"].kept, c["CUE"].deleted) == (1, 1)


def test_agreement_needs_two_annotators_or_predictions(tmp_path: Path):
    path = tmp_path / "gold.jsonl"
    write_documents(path, [record("alice", [span("QUOTE", "taxes rose")])])
    with pytest.raises(InputError, match="no document has two annotators"):
        measure_agreement(path)


@pytest.mark.parametrize(("pre_version", "counted"), [("m-1", 1), ("m-2", 0), (None, 1)])
def test_agreement_pre_file_must_be_the_version_the_work_started_from(tmp_path: Path, pre_version, counted):
    """A --pre file from another model version is not what the annotator corrected: not counted."""
    pre, gold = tmp_path / "pre.jsonl", tmp_path / "gold.jsonl"
    provenance = {"model_version": pre_version} if pre_version else {}
    write_documents(pre, [Document(id="doc1", text=TEXT, spans=[span("CUE", "said")], provenance=provenance)])
    finals = [record(who, [span("QUOTE", "taxes rose")]) for who in ("alice", "bob")]
    for final in finals:
        final.provenance.started_from_model_version = "m-1"
    write_documents(gold, finals)
    report = measure_agreement(gold, pre)
    assert report.corrected_records == 2 * counted
    assert report.other_model_version == 2 * (1 - counted)
