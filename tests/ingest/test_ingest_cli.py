"""`curation ingest` through Typer's CliRunner on real files: the good path and every kind of bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.jsonl import read_documents

runner = CliRunner()
GOOD = "Peskov said “we will wait” on Friday.\n"


def _ingest(*args: str | Path):
    return runner.invoke(app, ["ingest", *[str(a) for a in args]])


def test_ingest_cli_seeds_written_with_summary(tmp_path, seeds_dir):
    out = tmp_path / "docs.jsonl"
    result = _ingest(seeds_dir, "-o", out)
    assert result.exit_code == 0, result.output
    docs = list(read_documents(out))
    assert len(docs) == 5
    assert "Wrote 5 documents" in result.stdout
    assert (
        "Boilerplate pieces removed: 4 (advertising 1, newsletter 1, repeated-headline 1, tags 1)."
        in result.stdout
    )


# (file name, content, what its one message says, reason counted in the summary), each beside a good file.
BAD_INPUTS = [
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary.txt: binary file", "binary"),
    ("latin1.txt", "Good line.\nCafé au lait.\n".encode("latin-1"), "latin1.txt:2: not UTF-8", "not-utf8"),
    ("utf16.txt", "Café au lait.\n".encode("utf-16"), "utf16.txt: UTF-16 text", "not-utf8"),
    ("empty.txt", b"", "empty.txt: empty", "empty"),
    ("blank.txt", b"  \n\n\t\n", "blank.txt: empty", "empty"),
    (
        "ads.txt",
        b"Advertisement\nShare this article\n",
        "ads.txt: nothing left after removing",
        "only-boilerplate",
    ),
    ("feed.jsonl", b'{"text": "Fine."}\n{"text": "broken\n', "feed.jsonl:2: not valid JSON", "bad-json"),
    ("empty.jsonl", b"\n\n", "empty.jsonl: empty", "empty"),
    (
        "feed.jsonl",
        b'{"text": "Fine."}\n{"body": "x"}\n',
        "feed.jsonl:2: field 'text' is missing",
        "no-text-field",
    ),
    ("feed.jsonl", b'{"text": "Fine."}\n["a list"]\n', "feed.jsonl:2: expected a JSON object", "bad-json"),
    (
        "feed.jsonl",
        b'{"text": "Fine."}\n{"id": "x", "text": "ab", "spans": [{"id": "s"}]}\n',
        "feed.jsonl:2: invalid record",
        "invalid-record",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "message", "reason"), BAD_INPUTS, ids=[m for _, _, m, _ in BAD_INPUTS]
)
def test_ingest_cli_bad_input_skipped_with_one_line(tmp_path, name, content, message, reason):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "in" / name).write_bytes(content)
    out = tmp_path / "docs.jsonl"
    result = _ingest(tmp_path / "in", "-o", out)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("skipped:")]
    assert len(lines) == 1 and message in lines[0]
    assert f"Skipped: 1 ({reason} 1)." in result.stdout
    assert "Traceback" not in result.output
    texts = [d.text for d in read_documents(out)]
    assert GOOD in texts and len(texts) == (2 if name == "feed.jsonl" else 1)


def test_ingest_cli_folder_without_articles_is_reported(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "a.png").write_bytes(b"\x89PNG")
    result = _ingest(tmp_path / "good.txt", tmp_path / "pictures", "-o", tmp_path / "docs.jsonl")
    assert result.exit_code == 0
    assert "pictures: no text, Markdown or JSONL files in this folder" in result.stderr
    assert "Files with other extensions ignored: 1." in result.stdout


def test_ingest_cli_broken_link_is_unreadable(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "in" / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    result = _ingest(tmp_path / "in", "-o", tmp_path / "docs.jsonl")
    assert result.exit_code == 0
    assert "gone.txt: cannot read" in result.stderr and "Skipped: 1 (unreadable 1)." in result.stdout


def test_ingest_cli_named_pipe_is_not_opened(tmp_path):
    """A FIFO in a folder would block a reader forever: it is reported, never opened."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(GOOD, encoding="utf-8")
    os.mkfifo(tmp_path / "in" / "pipe.txt")
    result = _ingest(tmp_path / "in", "-o", tmp_path / "docs.jsonl")
    assert result.exit_code == 0
    assert "pipe.txt: cannot read: not a regular file" in result.stderr


def test_ingest_cli_output_inside_input_folder_is_not_read_back(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "docs.jsonl"
    for _ in range(2):
        result = _ingest(tmp_path, "-o", out)
        assert result.exit_code == 0
        assert "Duplicates dropped: 0 " in result.stdout
    assert len(list(read_documents(out))) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_ingest_cli_file_without_read_permission_is_unreadable(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD + "more\n", encoding="utf-8")
    locked.chmod(0)
    result = _ingest(tmp_path / "good.txt", locked, "-o", tmp_path / "docs.jsonl")
    assert result.exit_code == 0
    assert "locked.txt: cannot read (Permission denied)" in result.stderr


def test_ingest_cli_missing_path_fails_and_writes_nothing(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "docs.jsonl"
    result = _ingest(tmp_path / "good.txt", tmp_path / "typo.txt", "-o", out)
    assert result.exit_code == 1
    assert "typo.txt: no such file or folder" in result.stderr
    assert not out.exists()
    assert "Traceback" not in result.output


def test_ingest_cli_nothing_readable_fails_and_keeps_previous_output(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "docs.jsonl"
    out.write_text("previous run\n", encoding="utf-8")
    result = _ingest(tmp_path / "empty.txt", "-o", out)
    assert result.exit_code == 1
    assert "no documents could be read" in result.stderr
    assert out.read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs.jsonl", "empty.txt"]  # no temp file left


def test_ingest_cli_text_field_and_quiet(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"body": "Peskov spoke."}\n', encoding="utf-8")
    out = tmp_path / "docs.jsonl"
    result = _ingest(feed, "--text-field", "body", "--quiet", "-o", out)
    assert result.exit_code == 0, result.output
    assert "Wrote 1 document to" in result.stdout  # --quiet: no progress display, the results still print
    assert result.stderr == ""
    assert [d.text for d in read_documents(out)] == ["Peskov spoke."]


def test_ingest_cli_duplicates_reported_and_kept_once(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "docs.jsonl"
    result = _ingest(tmp_path, "-o", out)
    assert result.exit_code == 0
    assert "Duplicates dropped: 1 " in result.stdout
    assert "b.txt: same text as" in result.stderr
    assert len(list(read_documents(out))) == 1


# --- brat corpora ----------------------------------------------------------------------------------

BRAT_TEXT = 'Peskov said "we will wait" on Friday.\n'


def _brat_corpus(root: Path, extra_line: str = "") -> Path:
    """A one-article brat corpus in PolNeAR's layout, written by hand."""
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "talks.txt").write_text(BRAT_TEXT, encoding="utf-8")

    def t(tid: str, label: str, piece: str) -> str:
        start = BRAT_TEXT.index(piece)
        return f"{tid}\t{label} {start} {start + len(piece)}\t{piece}\n"

    ann = (
        t("T1", "Source", "Peskov")
        + t("T2", "Cue", "said")
        + t("T3", "Content", '"we will wait"')
        + t("T4", "Attribution", 'Peskov said "we will wait"')
        + "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n"
        + extra_line
    )
    (root / "attributions" / "talks_ann1.ann").write_text(ann, encoding="utf-8")
    return root


@pytest.mark.parametrize("fmt", [["--format", "brat"], []], ids=["explicit", "auto"])
def test_ingest_cli_brat_corpus_becomes_gold(tmp_path, fmt):
    corpus = _brat_corpus(tmp_path / "corpus")
    out = tmp_path / "gold.jsonl"
    result = _ingest(corpus, *fmt, "-o", out)
    assert result.exit_code == 0, result.output
    (doc,) = read_documents(out)
    assert doc.provenance.reviewed is True
    quote = next(s for s in doc.spans if s.label == "QUOTE")
    speaker = next(s for s in doc.spans if s.label == "SPEAKER")
    assert (quote.text, quote.attrs["kind"], speaker.text) == ("we will wait", "direct", "Peskov")
    assert {(r.head, r.tail, r.label) for r in doc.relations} >= {(quote.id, speaker.id, "speaker")}


def test_ingest_cli_brat_bad_line_names_file_and_line(tmp_path):
    corpus = _brat_corpus(tmp_path / "corpus", extra_line="T9 broken line\n")
    out = tmp_path / "gold.jsonl"
    result = _ingest(corpus, "--format", "brat", "-o", out)
    assert result.exit_code == 1
    assert "talks_ann1.ann:6" in result.stderr
    assert "Traceback" not in result.output and not out.exists()


def test_ingest_cli_brat_mapping_that_does_not_exist(tmp_path):
    corpus = _brat_corpus(tmp_path / "corpus")
    result = _ingest(
        corpus, "--format", "brat", "--mapping", tmp_path / "none.yaml", "-o", tmp_path / "g.jsonl"
    )
    assert result.exit_code == 1
    assert "none.yaml" in result.stderr and "Traceback" not in result.output


def test_ingest_cli_brat_format_needs_a_folder(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    result = _ingest(tmp_path / "a.txt", "--format", "brat", "-o", tmp_path / "g.jsonl")
    assert result.exit_code == 1
    assert "a.txt: --format brat reads a folder" in result.stderr
