"""`curation quotes` on what `annotate` wrote for the seeds: the shared Trump quote groups across outlets."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from curation.annotate import annotate_file
from curation.cli import app
from curation.extract.pipeline import build_pipeline

pytestmark = pytest.mark.integration


def test_quotes_pipeline_groups_the_seed_quote_reported_by_two_outlets(tmp_path, seeds_dir):
    records = tmp_path / "preannotations.jsonl"
    annotate_file([seeds_dir], records, build_pipeline())
    result = CliRunner().invoke(app, ["quotes", str(records), "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)
    [positive] = [
        g for g in groups if any("a positive message means nothing" in o["text"] for o in g["occurrences"])
    ]
    assert {o["source"].rsplit("/", 1)[-1][:3] for o in positive["occurrences"]} == {"000", "004"}
    assert positive["conflict"] is False
    assert {s.split()[-1] for s in positive["speakers"]} == {"Trump"}
