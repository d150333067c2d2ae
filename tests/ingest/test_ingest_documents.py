"""`iter_documents` on real files in tmp_path and on the seeds: ids, sources, duplicates, JSONL, streaming."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curation.errors import InputError
from curation.ingest import IngestReport, iter_documents
from curation.jsonl import write_documents
from curation.records import Provenance, content_id

ARTICLE = "Peskov said “we will wait” on Friday.\nThe talks went on.\n"


def _docs(paths, **kw):
    report = IngestReport()
    return list(iter_documents([Path(p) for p in paths], report=report, **kw)), report


def test_ingest_seeds_rebuild_their_files_exactly(seeds_dir):
    docs, report = _docs([seeds_dir])
    assert report.written == 5 and report.skipped == 0
    for doc in docs:
        assert doc.original_text() == Path(doc.source).read_text(encoding="utf-8")
        assert doc.id == content_id(doc.text)
        assert doc.meta["original_length"] == len(doc.original_text())


def test_ingest_content_id_is_stable_and_known(tmp_path):
    """Same text, same id, on any machine: the id is a pure function of the cleaned text."""
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (docs, _) = _docs([tmp_path / "a.txt"])
    assert docs[0].id == content_id(ARTICLE) == "08c9483a5f0329dc"


def test_ingest_source_is_the_path_as_given_with_folder_order_sorted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("b.txt", "sub/a.md", "a.txt", ".hidden.txt", ".git/x.txt", "photo.png"):
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Article {name} text.\n", encoding="utf-8")
    docs, report = _docs(["in/"])
    assert [d.source for d in docs] == ["in/a.txt", "in/b.txt", "in/sub/a.md"]
    assert report.ignored == 1  # photo.png


def test_ingest_duplicates_kept_once_even_across_line_endings(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(ARTICLE.replace("\n", "\r\n").encode("utf-8"))
    (tmp_path / "c.txt").write_text("Another article.\n", encoding="utf-8")
    docs, report = _docs([tmp_path])
    assert [Path(d.source).name for d in docs] == ["a.txt", "c.txt"]
    assert report.duplicates == 1
    assert "b.txt: same text as" in report.duplicate_messages[0]


def test_ingest_jsonl_keeps_id_meta_source_and_uses_text_field(tmp_path):
    feed = tmp_path / "feed.jsonl"
    rows = [
        {"id": "art-1", "body": ARTICLE, "meta": {"outlet": "Daily"}, "source": "https://example.org/1"},
        {"body": "Second article.\nAdvertisement\n"},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    docs, report = _docs([feed], text_field="body")
    assert [d.id for d in docs] == ["art-1", content_id("Second article.\n")]
    assert docs[0].source == "https://example.org/1" and docs[0].meta["outlet"] == "Daily"
    assert docs[1].source == f"{feed.as_posix()}:2"
    assert docs[1].removed[0].reason == "advertisement-marker"
    assert docs[1].original_text() == rows[1]["body"]
    assert report.removed["advertisement-marker"] == 1


def test_ingest_full_records_pass_through_so_reingest_is_idempotent(tmp_path, seeds_dir):
    first, _ = _docs([seeds_dir])
    out = tmp_path / "docs.jsonl"
    write_documents(out, first)
    again, report = _docs([out])
    assert again == first
    assert report.skipped == 0


def test_ingest_given_id_naming_two_texts_is_skipped(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "x", "text": "One."}\n{"id": "x", "text": "Two."}\n', encoding="utf-8")
    docs, report = _docs([feed])
    assert [d.text for d in docs] == ["One."]
    assert report.skipped == 1 and f"{feed.as_posix()}:2" in report.messages[0]


def test_ingest_streams_one_file_at_a_time(tmp_path):
    """The second file is opened only when the second document is asked for."""
    (tmp_path / "a.txt").write_text("First.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Second.\n", encoding="utf-8")
    report = IngestReport()
    docs = iter_documents([tmp_path], report=report)
    assert next(docs).text == "First.\n"
    (tmp_path / "b.txt").unlink()
    assert list(docs) == []
    assert report.skipped == 1 and "b.txt" in report.messages[0]


def test_ingest_missing_path_raises_before_reading(tmp_path):
    (tmp_path / "a.txt").write_text("First.\n", encoding="utf-8")
    with pytest.raises(InputError, match="nope.txt: no such file"):
        _docs([tmp_path / "a.txt", tmp_path / "nope.txt"])


def test_ingest_stray_ann_file_deep_in_a_folder_does_not_make_it_brat(tmp_path):
    (tmp_path / "a.txt").write_text("First article.\n", encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "x.ann").write_text("T1\tSource 0 5\tFirst\n", encoding="utf-8")
    docs, report = _docs([tmp_path])
    assert [d.text for d in docs] == ["First article.\n"]
    assert docs[0].provenance == Provenance() and report.ignored == 1
