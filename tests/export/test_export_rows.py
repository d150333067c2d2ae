"""Rows of the quotes, claims and tokens configs from handwritten documents, with the real tokenizer."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from curation.export.features import bio_names, tokens_features
from curation.export.rows import RowBuilder, read_record
from curation.export.scan import is_canonical
from curation.export.text import TextAnalyzer, load_tokenizer, token_strings
from curation.export.writer import ColumnRow, columns_table
from curation.records import Document
from curation.schema import get_schema
from curation.settings import get_settings

TEXT = "Prices fell.\n“Exports rose 5 percent in May,” the minister said on Friday. Markets calmed."


@pytest.fixture(scope="module")
def builder() -> RowBuilder:
    return RowBuilder(get_schema(), TextAnalyzer(load_tokenizer(get_settings().model)))


@pytest.fixture(scope="module")
def document(make: Any) -> Document:
    quote = make.place(TEXT, "QUOTE", "Exports rose 5 percent in May", {"kind": "direct"})
    claim = make.place(TEXT, "CLAIM", "Exports rose 5 percent", {"checkworthy": "high"})
    speaker = make.place(TEXT, "SPEAKER", "the minister", {"canonical": ""})
    cue = make.place(TEXT, "CUE", "said")
    relations = [
        (quote["id"], speaker["id"], "speaker"),
        (quote["id"], cue["id"], "cue"),
        (claim["id"], speaker["id"], "speaker"),
    ]
    return Document.model_validate(make.record("doc", TEXT, [quote, claim, speaker, cue], relations))


def token_row(builder: RowBuilder, doc: Document) -> dict[str, Any]:
    """The tokens row of `doc` as the parquet file holds it (through the writer's Arrow table)."""
    row = builder.rows(doc, reviewed=True)["tokens"]
    assert isinstance(row, ColumnRow)
    (out,) = columns_table([row], tokens_features(get_schema()).arrow_schema).to_pylist()
    return dict(out)


def tags_of(row: dict[str, Any], column: str, labels: list[str]) -> list[tuple[str, str]]:
    names = bio_names(labels)
    return [(token, names[tag]) for token, tag in zip(row["tokens"], row[column], strict=True) if tag]


def test_rows_quote_row_links_speaker_cue_and_sentence(builder: RowBuilder, document: Document) -> None:
    (quote,) = builder.rows(document, reviewed=True)["quotes"]
    assert quote["kind"] == get_schema().choice_values("QUOTE", "kind").index("direct")
    assert (quote["speaker"], quote["cue"]) == ("the minister", "said")
    assert TEXT[quote["speaker_start"] : quote["speaker_end"]] == "the minister"
    assert quote["sentence"] == "“Exports rose 5 percent in May,” the minister said on Friday."


def test_rows_claim_row_has_claimant_and_checkworthy(builder: RowBuilder, document: Document) -> None:
    (claim,) = builder.rows(document, reviewed=True)["claims"]
    assert claim["speaker"] == "the minister"
    assert claim["checkworthy"] == get_schema().choice_values("CLAIM", "checkworthy").index("high")


def test_rows_tokens_overlap_rule(builder: RowBuilder, document: Document) -> None:
    row = token_row(builder, document)
    labels = get_schema().span_labels
    combined = tags_of(row, "tags", labels)
    # QUOTE comes before CLAIM in the schema: it keeps the shared tokens in the combined column ...
    assert combined[:2] == [("Exports", "B-QUOTE"), ("rose", "I-QUOTE")]
    assert not any(tag.endswith("CLAIM") for _, tag in combined)
    # ... and the CLAIM keeps them in its own column.
    assert tags_of(row, "claim_tags", ["CLAIM"]) == [
        ("Exports", "B-CLAIM"),
        ("rose", "I-CLAIM"),
        ("5", "I-CLAIM"),
        ("percent", "I-CLAIM"),
    ]
    assert "\n" not in row["tokens"]
    assert all(TEXT[s : s + len(t)] == t for s, t in zip(row["starts"], row["tokens"], strict=True))


def test_rows_span_inside_a_token_expands_to_the_token(builder: RowBuilder, make: Any) -> None:
    text = "Officials said everything."
    cue = make.place(text, "CUE", "sai")  # ends inside the token "said"
    doc = Document.model_validate(make.record("d", text, [cue]))
    row = token_row(builder, doc)
    assert tags_of(row, "cue_tags", ["CUE"]) == [("said", "B-CUE")]


def test_rows_document_row_keeps_the_group_of_a_split_quote(builder: RowBuilder, make: Any) -> None:
    """Segments of one quote split by its attribution keep their shared group, so evaluate counts it once."""
    text = "“Prices fell,” she said. “Exports rose.”"
    first = make.place(text, "QUOTE", "Prices fell,", {"kind": "direct"}) | {"group": "E1"}
    second = make.place(text, "QUOTE", "Exports rose.", {"kind": "direct"}) | {"group": "E1"}
    alone = make.place(text, "CUE", "said")
    doc = Document.model_validate(make.record("doc", text, [first, second, alone]))
    row = builder.document_row(doc, reviewed=True)
    assert [span["group"] for span in row["spans"]] == ["E1", "E1", None]


@pytest.mark.parametrize(
    "text",
    [
        TEXT,
        "  Two  spaces,\n\n\tand a tab  ",
        "Naïve café — “quoted” 😀 text, über-long words.",
        "x",
    ],
)
def test_rows_token_windows_align_like_spacy_char_span(builder: RowBuilder, text: str) -> None:
    """Token ranges of spans found with numpy are those of Doc.char_span(alignment_mode="expand") for every
    span of up to 8 characters (starting inside a token, on its trailing space, in a run of spaces),
    and the token texts cut from the UTF-8 bytes are the tokens' texts."""
    doc = builder.analyzer.nlp.tokenizer(text)
    tokens = builder.analyzer.tokenize(text)
    data, offsets = token_strings(text, tokens.starts, tokens.lengths)
    bounds = zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)
    cut = [data[a:b].decode("utf-8") for a, b in bounds]
    assert cut == [t.text for t in doc]
    pairs = [(s, e) for s in range(len(text)) for e in range(s + 1, min(s + 9, len(text) + 1))]
    firsts, lasts = tokens.windows(np.array([s for s, _ in pairs]), np.array([e for _, e in pairs]))
    for (start, end), first, last in zip(pairs, firsts.tolist(), lasts.tolist(), strict=True):
        window = doc.char_span(start, end, alignment_mode="expand")
        expected = (window.start, window.end) if window is not None and len(window) else None
        assert ((first, last) if last > first else None) == expected, (start, end)


def test_rows_from_a_canonical_line_are_the_rows_of_its_models(
    builder: RowBuilder, document: Document
) -> None:
    """The second pass reads a line that is the record's own dump with orjson, not pydantic: same rows."""
    line = document.model_dump_json().encode() + b"\n"
    assert is_canonical(line, document)
    record = read_record(line, canonical=True, context=None)
    assert record == document.model_dump()
    from_line, from_models = builder.rows(record, True), builder.rows(document, True)
    for config in ("documents", "quotes", "claims"):
        assert from_line[config] == from_models[config]


def test_a_line_other_than_the_dump_is_not_canonical(document: Document) -> None:
    """Any other spelling of the same record (an int score, keys in another order) is read by pydantic."""
    dump = document.model_dump(mode="json")
    dump["spans"][0]["score"] = 1
    assert not is_canonical(json.dumps(dump).encode(), Document.model_validate(dump))
    reordered = dict(reversed(document.model_dump(mode="json").items()))
    assert not is_canonical(json.dumps(reordered).encode(), document)
