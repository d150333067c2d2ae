"""`curation quotes` on a records file built from the seed articles (spans placed by string search)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from curation.cli import app
from curation.jsonl import write_documents
from curation.records import Document, Relation, Span, content_id, span_id

runner = CliRunner()

# (seed file prefix, quote, speaker mention, canonical, cue): what an annotator would mark.
SEED_QUOTES = [
    (
        "000",
        "But a positive message means nothing. This is a very serious situation.",
        "he",
        "Donald Trump",
        "saying",
    ),
    (
        "000",
        "I can do things financially that would be very bad for Russia. "
        "I don’t want to do that because I want to get peace.",
        "Trump",
        "Donald Trump",
        "warning",
    ),
    ("000", "fully liberate", "Putin", "Vladimir Putin", "ordered"),
    ("004", "a positive message means nothing", "President Trump", "Trump", "cautioned"),
    (
        "004",
        "That would be very bad for Russia. I don’t want to do that because I want to get peace.",
        "Trump",
        "Trump",
        "stating",
    ),
    ("004", "fully liberate", "Putin", "Vladimir Putin", "instructed"),  # two words: too short to track
    # A wrong attribution, as a careless extractor might make: the view must flag it.
    (
        "004",
        "In the most difficult situation, my priority has been and remains saving the lives",
        "Kursk",
        "Kursk",
        "stating",
    ),
    (
        "000",
        "In the most difficult situation, my priority has been and remains saving the lives of Ukrainian",
        "he",
        "Oleksandr Syrsky",
        "stated",
    ),
]


def near(text: str, piece: str, position: int) -> int:
    """Where `piece` first occurs after `position` (else the last time before it)."""
    after = text.find(piece, position)
    return after if after >= 0 else text.rindex(piece, 0, position)


def seed_records(seeds_dir: Path) -> list[Document]:
    docs = []
    for prefix in ("000", "004"):
        path = next(seeds_dir.glob(f"{prefix}_*.txt"))
        text = path.read_text(encoding="utf-8")
        spans: dict[str, Span] = {}
        relations = []
        for _, quote, mention, canonical, cue in (row for row in SEED_QUOTES if row[0] == prefix):
            q_start = text.index(quote)

            placed = []
            for label, piece, start, attrs in (
                ("QUOTE", quote, q_start, {"kind": "direct"}),
                ("SPEAKER", mention, near(text, mention, q_start), {"canonical": canonical}),
                ("CUE", cue, near(text, cue, q_start), {}),
            ):
                sid = span_id(label, start, start + len(piece))
                spans[sid] = Span(
                    id=sid, start=start, end=start + len(piece), label=label, text=piece, attrs=attrs
                )
                placed.append(sid)
            relations += [
                Relation(head=placed[0], tail=placed[1], label="speaker"),
                Relation(head=placed[0], tail=placed[2], label="cue"),
            ]
        docs.append(
            Document(
                id=content_id(text),
                source=path.name,
                text=text,
                spans=list(spans.values()),
                relations=relations,
            )
        )
    return docs


def test_quotes_cli_json_groups_seed_quotes_and_flags_the_wrong_speaker(tmp_path, seeds_dir):
    records = tmp_path / "preannotations.jsonl"
    write_documents(records, seed_records(seeds_dir))
    result = runner.invoke(app, ["quotes", str(records), "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)
    by_text = {g["text"]: g for g in groups}
    assert len(groups) == 3
    positive = by_text["But a positive message means nothing. This is a very serious situation."]
    assert positive["documents"] == 2
    assert {o["source"][:3] for o in positive["occurrences"]} == {"000", "004"}
    assert positive["speakers"] == ["Donald Trump", "Trump"] and positive["conflict"] is False
    peace = by_text[SEED_QUOTES[1][1]]
    assert peace["documents"] == 2 and peace["conflict"] is False
    assert "fully liberate" not in by_text
    syrsky = next(g for g in groups if g["text"].startswith("In the most difficult"))
    assert syrsky["conflict"] is True and set(syrsky["speakers"]) == {"Oleksandr Syrsky", "Kursk"}


def test_quotes_cli_table_shows_outlets_and_the_conflict(tmp_path, seeds_dir):
    records = tmp_path / "preannotations.jsonl"
    write_documents(records, seed_records(seeds_dir))
    result = runner.invoke(app, ["quotes", str(records), "--quiet"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "a positive message means nothing" in result.stdout
    assert "000_e7e6a741c4ec42fd.txt" in result.stdout and "004_da12a80d9d587f0f.txt" in result.stdout
    assert "different speakers" in result.stdout
    assert "1 group(s) attribute the same words to different speakers" in result.stdout


def test_quotes_cli_min_docs_above_the_corpus_lists_nothing(tmp_path, seeds_dir):
    records = tmp_path / "preannotations.jsonl"
    write_documents(records, seed_records(seeds_dir))
    result = runner.invoke(app, ["quotes", str(records), "--json", "--quiet", "--min-docs", "3"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_quotes_cli_bad_input_is_one_error_line_naming_the_file(tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "text": "x"}\nnot json\n', encoding="utf-8")
    result = runner.invoke(app, ["quotes", str(broken), "--quiet"])
    assert result.exit_code == 1
    assert f"{broken}:2: not valid JSON" in result.stderr
    assert "Traceback" not in result.output
    missing = runner.invoke(app, ["quotes", str(tmp_path / "missing.jsonl"), "--quiet"])
    assert missing.exit_code == 1 and "cannot read" in missing.stderr
