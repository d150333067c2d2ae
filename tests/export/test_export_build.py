"""The export end to end on real files: parquet configs that load with datasets, splits, versions.

Records are the seed articles with spans placed by string search (tests/export/conftest.py); the
tokenizer is the real spaCy pipeline's. load_dataset caches stay inside tmp_path.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.errors import InputError, ValidationError
from curation.export import ExportOptions, Ratios, diff_versions, export_dataset
from curation.export.splits import unit_hash
from curation.export.versions import read_manifest, verify_files
from curation.gold.adjudicate import Policy
from curation.schema import get_schema

CONFIGS = ["documents", "quotes", "claims", "tokens"]


def load(version_dir: Path, config: str, cache: Path) -> datasets.DatasetDict:
    return datasets.load_dataset(str(version_dir), config, cache_dir=str(cache))


@pytest.fixture(scope="module")
def seeds_export(
    make: Any, tmp_path_factory: pytest.TempPathFactory, seed_records: list[dict[str, Any]]
) -> Path:
    root = tmp_path_factory.mktemp("seeds-export")
    records = make.write_jsonl(root / "gold.jsonl", seed_records)
    result = export_dataset(records, ExportOptions(name="seeds", out=root / "exports"))
    assert result.created
    return result.version_dir


@pytest.mark.parametrize("config", CONFIGS)
def test_export_every_config_loads_with_typed_features(
    seeds_export: Path, tmp_path: Path, config: str
) -> None:
    loaded = load(seeds_export, config, tmp_path / "cache")
    split = next(iter(loaded.values()))
    schema = get_schema()
    if config == "documents":
        assert len(split) == 5
        spans = split.features["spans"].feature
        assert spans["label"].names == schema.span_labels
        assert spans["start"].dtype == "int32"
    elif config == "quotes":
        assert len(split) > 0
        assert split.features["kind"].names == schema.choice_values("QUOTE", "kind")
        assert split.features["speaker_start"].dtype == "int32"
    elif config == "claims":
        assert split.features["checkworthy"].names == schema.choice_values("CLAIM", "checkworthy")
    else:
        assert split.features["tags"].feature.names[0] == "O"


def test_export_every_span_matches_its_text(seeds_export: Path, tmp_path: Path) -> None:
    documents = load(seeds_export, "documents", tmp_path / "cache")
    count = 0
    for split in documents.values():
        for row in split:
            for span in row["spans"]:
                assert row["text"][span["start"] : span["end"]] == span["text"]
                count += 1
    quotes = load(seeds_export, "quotes", tmp_path / "cache")
    for split in quotes.values():
        for row in split:
            assert row["sentence"][row["start"] - row["sentence_start"] :].startswith(row["text"])
            assert row["speaker_canonical"] == "Vladimir Putin"
    assert count > 10


def test_export_tokens_tags_cover_the_spans(seeds_export: Path, tmp_path: Path) -> None:
    tokens = next(iter(load(seeds_export, "tokens", tmp_path / "cache").values()))
    names = tokens.features["claim_tags"].feature.names
    for row in tokens:
        tags = [names[t] for t in row["claim_tags"]]
        begin = tags.index("B-CLAIM")
        assert row["tokens"][begin] == "ceasefire"  # the CLAIM placed on the word "ceasefire"
        assert "\n" not in row["tokens"]


def test_export_seeds_never_straddle_splits(seeds_export: Path) -> None:
    splits = read_manifest(seeds_export)["splits"]
    assert [len(ids) for ids in splits.values()] == [5]


def test_export_manifest_and_card_describe_the_version(seeds_export: Path) -> None:
    manifest = read_manifest(seeds_export)
    assert manifest["version"] == "0.1.0" and manifest["parent"] is None
    assert manifest["kind"] == "gold" and manifest["schema_fingerprint"] == get_schema().fingerprint()
    assert verify_files(seeds_export) == []
    card = (seeds_export / "README.md").read_text(encoding="utf-8")
    assert "config_name: quotes" in card and "license: other" in card and "size_categories" in card
    assert get_schema().spans["CUE"].description[:40] in card
    assert "Annotators: 1" in card


def test_export_unchanged_input_makes_no_new_version(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    records = make.write_jsonl(tmp_path / "gold.jsonl", seed_records)
    first = export_dataset(records, ExportOptions(name="d", out=tmp_path / "exports"))
    shuffled = make.write_jsonl(tmp_path / "shuffled.jsonl", list(reversed(seed_records)))
    again = export_dataset(shuffled, ExportOptions(name="d", out=tmp_path / "exports"))
    assert first.created and not again.created
    assert again.version == "0.1.0"
    assert sorted(p.name for p in (tmp_path / "exports" / "d").iterdir()) == ["v0.1.0"]


def test_export_correction_is_a_patch_bump_naming_the_document(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    out = tmp_path / "exports"
    export_dataset(make.write_jsonl(tmp_path / "v1.jsonl", seed_records), ExportOptions(name="d", out=out))
    corrected = copy.deepcopy(seed_records)
    target = corrected[2]
    claim = next(s for s in target["spans"] if s["label"] == "CLAIM")
    claim["attrs"]["checkworthy"] = "low"
    target["spans"].append(make.place(target["text"], "SPEAKER", "Trump"))
    target["provenance"]["updated_at"] = "2026-11-02T09:00:00+00:00"
    result = export_dataset(
        make.write_jsonl(tmp_path / "v2.jsonl", corrected), ExportOptions(name="d", out=out)
    )
    assert result.created and result.version == "0.1.1" and result.parent == "0.1.0"
    changelog = (result.version_dir / "CHANGELOG.md").read_text(encoding="utf-8")
    assert target["id"] in changelog
    assert "added 1 SPEAKER" in changelog and "changed 1 CLAIM" in changelog
    log = diff_versions(out / "d" / "v0.1.0", result.version_dir)
    assert [c.id for c in log.changed] == [target["id"]]
    assert log.markdown() == changelog


def test_export_test_document_stays_in_test_when_documents_are_added(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    out = tmp_path / "exports"
    old = [make.record(f"old{i}", make.invented_text(i), []) for i in range(3)]
    export_dataset(
        make.write_jsonl(tmp_path / "a.jsonl", old), ExportOptions(name="d", out=out, ratios=Ratios(0, 0, 1))
    )
    retold = make.record("retold", old[0]["text"].replace("Officials", "Ministers"), [])
    new = [make.record(f"new{i}", make.invented_text(100 + i), []) for i in range(4)] + [retold]
    result = export_dataset(
        make.write_jsonl(tmp_path / "b.jsonl", old + new),
        ExportOptions(name="d", out=out, ratios=Ratios(1, 0, 0)),
    )
    splits = read_manifest(result.version_dir)["splits"]
    assert set(splits["test"]) == {"old0", "old1", "old2", "retold"}  # the retelling joins its story
    assert set(splits["train"]) == {f"new{i}" for i in range(4)}


def test_export_gold_leaves_out_unreviewed_documents(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    mixed = copy.deepcopy(seed_records)
    mixed[0]["provenance"] = {"reviewed": False, "model_version": "curation-0.1.0+x-1"}
    result = export_dataset(
        make.write_jsonl(tmp_path / "m.jsonl", mixed), ExportOptions(name="d", out=tmp_path / "e")
    )
    assert result.dropped_unreviewed == [mixed[0]["id"]]
    manifest = read_manifest(result.version_dir)
    assert mixed[0]["id"] not in manifest["document_hashes"] and len(manifest["document_hashes"]) == 4


def test_export_refuses_pre_annotations_without_silver(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    silver = copy.deepcopy(seed_records)
    for r in silver:
        r["provenance"] = {"reviewed": False}
    path = make.write_jsonl(tmp_path / "pre.jsonl", silver)
    with pytest.raises(InputError, match="--silver"):
        export_dataset(path, ExportOptions(name="d", out=tmp_path / "e"))
    result = export_dataset(path, ExportOptions(name="d", out=tmp_path / "e", silver=True))
    assert read_manifest(result.version_dir)["kind"] == "silver"
    assert "silver" in (result.version_dir / "README.md").read_text(encoding="utf-8")


def test_export_adjudicates_several_annotators_never_the_latest(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    full = copy.deepcopy(seed_records[0])
    late = copy.deepcopy(seed_records[0])
    late["spans"] = [s for s in late["spans"] if s["label"] == "CLAIM"]
    late["relations"] = []
    late["provenance"] |= {"annotator": "b@example.org", "updated_at": "2026-11-05T00:00:00+00:00"}
    blank = copy.deepcopy(seed_records[0]) | {"spans": [], "relations": []}
    blank["provenance"] |= {"annotator": "c@example.org", "updated_at": "2026-11-06T00:00:00+00:00"}
    agreeing = copy.deepcopy(full)
    agreeing["provenance"] |= {"annotator": "d@example.org"}
    source = make.write_jsonl(tmp_path / "four.jsonl", [late, full, blank, agreeing])
    result = export_dataset(source, ExportOptions(name="d", out=tmp_path, home=tmp_path))
    rows = load(result.version_dir, "documents", tmp_path / "cache")
    (row,) = [r for split in rows.values() for r in split]
    assert len(row["spans"]) == len(full["spans"])  # 2 of 3 voters; the latest and the blank do not win
    provenance = json.loads(row["provenance"])["adjudication"]
    assert provenance["method"] == "majority" and list(provenance["excluded"].values()) == ["blank"]
    assert "@" not in row["provenance"]  # voters, exclusions and votes are pseudonymised too
    assert result.adjudication is not None and result.adjudication.methods == {"majority": 1}
    card = (result.version_dir / "README.md").read_text(encoding="utf-8")
    assert "adjudicated (majority" in card
    assert "1 blank or skipped annotations were not counted as votes" in card
    assert "Agreement between annotators (as `curation agreement` computes it): 1 documents done by 3" in card
    assert "annotator-1 (1 documents)" in (result.version_dir / "CHANGELOG.md").read_text(encoding="utf-8")
    prefer = Policy("prefer", prefer=("b@example.org",))
    two = export_dataset(
        make.write_jsonl(tmp_path / "two.jsonl", [late, full]),
        ExportOptions(name="e", out=tmp_path, adjudication=prefer, keep_annotator_ids=True, home=tmp_path),
    )
    rows = load(two.version_dir, "documents", tmp_path / "cache2")
    (row,) = [r for split in rows.values() for r in split]
    assert (
        len(row["spans"]) == 1 and json.loads(row["provenance"])["adjudication"]["chosen"] == "b@example.org"
    )


def test_export_card_agreement_is_the_agreement_command(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    """The card's agreement figures are `curation agreement --json`'s on the same records."""
    versions = []
    for n, base in enumerate(seed_records[:2]):
        for who in ("a@example.org", "b@example.org", "c@example.org"):
            version = copy.deepcopy(base)
            version["provenance"] |= {"annotator": who}
            if who == "b@example.org":  # b leaves out the claim, c shortens the quote by a word
                version["spans"] = [s for s in version["spans"] if s["label"] != "CLAIM"]
            if who == "c@example.org" and n == 0:
                quote = next(s for s in version["spans"] if s["label"] == "QUOTE")
                quote["end"] = quote["start"] + quote["text"].rindex(" ")
                quote["text"] = base["text"][quote["start"] : quote["end"]]
            versions.append(version)
    skipped = copy.deepcopy(seed_records[0]) | {"spans": [], "relations": []}
    skipped["provenance"] |= {"annotator": "d@example.org", "cancelled": True}
    source = make.write_jsonl(tmp_path / "pulled.jsonl", [*versions, skipped])
    result = export_dataset(source, ExportOptions(name="d", out=tmp_path / "out", home=tmp_path))
    card = (result.version_dir / "README.md").read_text(encoding="utf-8")
    command = CliRunner().invoke(app, ["agreement", str(source), "--json", "-q"])
    assert command.exit_code == 0, command.output
    figures = json.loads(command.stdout)
    assert (figures["documents"], len(figures["annotators"])) == (2, 3)  # the skipped task does not count

    def shown(value: str) -> float | None:
        return None if value == "—" else float(value)

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 3)

    said = re.search(r"(\d+) documents done by (\d+) annotators; .* all labels (\S+)\.", card)
    assert said is not None, card
    assert (int(said[1]), int(said[2])) == (2, 3)
    assert shown(said[3]) == rounded(figures["alpha_all"])
    keys = ("exact_f1", "overlap_f1", "kappa", "alpha")
    for label in figures["labels"]:
        line = re.search(rf"^  - {label['label']}: (.+)$", card, re.MULTILINE)
        assert line is not None, card
        assert [shown(v) for v in line[1].split(" / ")] == [rounded(label[k]) for k in keys]
    quote = next(label for label in figures["labels"] if label["label"] == "QUOTE")
    assert quote["exact_f1"] is not None and quote["exact_f1"] < 1  # the figures are not trivially 1


def test_export_config_without_rows_is_named_and_the_rest_loads(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    no_claims = copy.deepcopy(seed_records)
    for record in no_claims:
        record["spans"] = [s for s in record["spans"] if s["label"] != "CLAIM"]
    result = export_dataset(
        make.write_jsonl(tmp_path / "n.jsonl", no_claims), ExportOptions(name="d", out=tmp_path)
    )
    card = (result.version_dir / "README.md").read_text(encoding="utf-8")
    assert "No rows in this version: `claims`" in card
    assert load(result.version_dir, "quotes", tmp_path / "cache")["train"].num_rows > 0
    with pytest.raises(ValueError, match="'claims' not found"):
        load(result.version_dir, "claims", tmp_path / "cache")
    # The card's way to the typed empty split: the schema's features, no rows.
    (empty_file,) = re.findall(r'read_table\("([^"]+)"\)', card)
    empty = datasets.Dataset(pq.read_table(result.version_dir / empty_file))
    assert empty.num_rows == 0 and empty_file.startswith("data/claims/")
    assert empty.features["checkworthy"].names == get_schema().choice_values("CLAIM", "checkworthy")
    # A config with rows in some splits declares only those, so it loads (datasets cannot read an empty one).
    docs = [make.record(f"d{i}", make.invented_text(i), []) for i in range(6)]
    docs[0]["spans"] = [
        make.place(docs[0]["text"], "CLAIM", "Officials said nothing more", {"checkworthy": "low"})
    ]
    spread = export_dataset(
        make.write_jsonl(tmp_path / "s.jsonl", docs),
        ExportOptions(name="s", out=tmp_path, ratios=Ratios(0.5, 0, 0.5)),
    )
    assert set(spread.splits) == {"train", "test"}
    claims = load(spread.version_dir, "claims", tmp_path / "cache")
    assert sum(split.num_rows for split in claims.values()) == 1 and len(claims) == 1
    assert claims[next(iter(claims))].features["checkworthy"].names == get_schema().choice_values(
        "CLAIM", "checkworthy"
    )


def test_export_changelog_reports_relations_attributes_and_annotators(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    out = tmp_path / "exports"
    keep = ExportOptions(name="d", out=out, keep_annotator_ids=True, home=tmp_path)
    export_dataset(make.write_jsonl(tmp_path / "v1.jsonl", seed_records), keep)
    changed = copy.deepcopy(seed_records)
    target = next(r for r in changed if r["relations"])
    quote = next(s for s in target["spans"] if s["label"] == "QUOTE")
    quote["attrs"]["kind"] = "mixed"
    target["relations"] = target["relations"][1:]
    target["provenance"]["annotator"] = "new@example.org"
    result = export_dataset(make.write_jsonl(tmp_path / "v2.jsonl", changed), keep)
    log = (result.version_dir / "CHANGELOG.md").read_text(encoding="utf-8")
    removed = seed_records[[r["id"] for r in seed_records].index(target["id"])]["relations"][0]["label"]
    assert f"| {removed} | 0 | 1 |" in log
    assert "| QUOTE.kind | 1 |" in log
    assert "Annotators added: new@example.org." in log and "new@example.org (1 documents)" in log
    assert f"attributes changed 1 QUOTE.kind; relations removed 1 {removed}" in log
    assert diff_versions(out / "d" / "v0.1.0", result.version_dir).markdown() == log


def corrupt_bad_json(lines: list[str]) -> list[str]:
    return [*lines[:2], '{"id": "x", "text": ', *lines[2:]]


def corrupt_offsets(lines: list[str]) -> list[str]:
    obj = json.loads(lines[1])
    obj["spans"][0]["start"] += 1
    return [lines[0], json.dumps(obj), *lines[2:]]


def corrupt_truncated(lines: list[str]) -> list[str]:
    return [*lines[:-1], lines[-1][: len(lines[-1]) // 2]]


@pytest.mark.parametrize(
    ("corrupt", "error", "message"),
    [
        (corrupt_bad_json, InputError, r":3: not valid JSON"),
        (corrupt_offsets, ValidationError, r":2: invalid record"),
        (corrupt_truncated, InputError, r":5: not valid JSON"),
    ],
)
def test_export_refuses_corrupt_input_and_leaves_no_version(
    tmp_path: Path, seed_records: list[dict[str, Any]], corrupt: Any, error: type[Exception], message: str
) -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in seed_records]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(corrupt(lines)) + "\n", encoding="utf-8")
    with pytest.raises(error, match=message):
        export_dataset(path, ExportOptions(name="d", out=tmp_path / "exports"))
    dataset_dir = tmp_path / "exports" / "d"
    assert not dataset_dir.exists() or list(dataset_dir.iterdir()) == []


def test_export_refuses_an_existing_or_older_version(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    out = tmp_path / "exports"
    export_dataset(make.write_jsonl(tmp_path / "a.jsonl", seed_records[:3]), ExportOptions(name="d", out=out))
    more = make.write_jsonl(tmp_path / "b.jsonl", seed_records)
    with pytest.raises(InputError, match="not newer"):
        export_dataset(more, ExportOptions(name="d", out=out, version="0.1.0"))
    result = export_dataset(more, ExportOptions(name="d", out=out, bump="minor"))
    assert result.version == "0.2.0"
    assert "documents added: 2" in (result.version_dir / "CHANGELOG.md").read_text(encoding="utf-8")


def test_export_seeds_stay_together_where_single_documents_would_scatter(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    ratios = Ratios(0.34, 0.33, 0.33)
    alone = {ratios.pick(unit_hash(r["id"])) for r in seed_records}
    assert len(alone) > 1  # hashed one by one, the five seeds would land in several splits
    path = make.write_jsonl(tmp_path / "a.jsonl", seed_records)
    result = export_dataset(path, ExportOptions(name="d", out=tmp_path / "e", ratios=ratios))
    assert len(result.splits) == 1 and sum(result.splits.values()) == 5


def test_export_parquet_bytes_are_deterministic(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    path = make.write_jsonl(tmp_path / "a.jsonl", seed_records)
    first = export_dataset(path, ExportOptions(name="one", out=tmp_path / "e"))
    second = export_dataset(path, ExportOptions(name="two", out=tmp_path / "e"))
    hashes = [read_manifest(r.version_dir)["files"] for r in (first, second)]
    data = [{k: v for k, v in h.items() if k.startswith("data/")} for h in hashes]
    assert data[0] == data[1] and len(data[0]) == 4


def test_export_rerun_of_the_same_model_is_no_change(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    def preannotated(stamp: str) -> list[dict[str, Any]]:
        records = copy.deepcopy(seed_records)
        for r in records:
            r["provenance"] = {
                "reviewed": False,
                "model_version": "curation-0.1.0+m-1",
                "annotated_at": stamp,
            }
        return records

    out = tmp_path / "exports"
    first = make.write_jsonl(tmp_path / "a.jsonl", preannotated("2026-11-01T10:00:00+00:00"))
    again = make.write_jsonl(tmp_path / "b.jsonl", preannotated("2026-11-03T10:00:00+00:00"))
    assert export_dataset(first, ExportOptions(name="s", out=out, silver=True)).created
    assert not export_dataset(again, ExportOptions(name="s", out=out, silver=True)).created


def test_export_test_document_that_leaves_and_returns_is_still_test(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    out = tmp_path / "exports"
    docs = [make.record(f"d{i}", make.invented_text(200 + i), []) for i in range(3)]
    export_dataset(
        make.write_jsonl(tmp_path / "a.jsonl", docs), ExportOptions(name="d", out=out, ratios=Ratios(0, 0, 1))
    )
    train_only = ExportOptions(name="d", out=out, ratios=Ratios(1, 0, 0))
    export_dataset(make.write_jsonl(tmp_path / "b.jsonl", docs[1:]), train_only)
    result = export_dataset(make.write_jsonl(tmp_path / "c.jsonl", docs), train_only)
    assert result.version == "0.1.2"
    assert read_manifest(result.version_dir)["splits"] == {"test": ["d0", "d1", "d2"]}
