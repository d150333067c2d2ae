"""Annotating records: what the pre-annotator keeps of a record and what it replaces."""

from __future__ import annotations

import subprocess
import sys

from curation.annotate import annotate_documents
from curation.extract.pipeline import build_pipeline
from curation.records import Document, content_id

TEXT = "“We will not accept it,” the minister said on Friday."


def test_annotate_gold_record_gets_fresh_model_provenance():
    """Re-annotating a human-reviewed record must not leave the annotator beside machine spans."""
    gold = Document(
        id=content_id(TEXT),
        source="gold.jsonl:1",
        text=TEXT,
        meta={"title": "t"},
        provenance={"reviewed": True, "annotator": "ann@example.org", "annotation_id": 7},
    )
    (record,) = annotate_documents([gold], build_pipeline())
    assert record.provenance.reviewed is False
    assert "annotator" not in record.provenance and "annotation_id" not in record.provenance
    assert record.provenance.model_version.startswith("curation-")
    assert (record.id, record.source, record.meta) == (gold.id, gold.source, gold.meta)
    assert [(s.label, s.text) for s in record.spans if s.label == "QUOTE"] == [
        ("QUOTE", "We will not accept it,")
    ]


def test_annotate_cli_help_does_not_import_spacy_or_datasets():
    """`curation --help` stays fast: heavy libraries load only inside the commands that use them."""
    code = "import sys, curation.cli; print(sorted(m for m in ('spacy', 'datasets') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
