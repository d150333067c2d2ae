"""Export on several processes or a Dask cluster writes the same bytes as in one process.

The bench corpus (PolNeAR-length silver records, all canonical lines, plain values) reaches only the
common paths of the second pass. `unusual_records` reach the others: documents long enough that a
column chunk passes parquet's 1 MB data page, floats JSON spells in exponent form, integers beyond 64
bits (the line is then read through the models), empty lists, None attributes, text past the Basic
Multilingual Plane, nested meta and extra provenance, lines in curation's own spelling and in another.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from curation.cluster import DaskOptions
from curation.export import ExportOptions, export_dataset
from curation.export.scan import PARTITION
from curation.export.versions import read_manifest
from curation.records import Document


def corpus(make: Any, seed_records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The seeds and enough invented documents for several partitions, with annotators to pseudonymise
    (handed out in file order) and local paths to strip."""
    records = list(seed_records)
    for i in range(2 * PARTITION + 7):
        extra = make.record(
            f"invented-{i:03d}", make.invented_text(i), [], annotator=f"person{i % 4}@example.org"
        )
        extra["source"] = f"/home/ana/news/{i}.txt"
        records.append(extra)
    return records


def version_facts(version_dir: Path) -> dict[str, Any]:
    manifest = read_manifest(version_dir)
    data = {k: v for k, v in manifest["files"].items() if k.startswith("data/")}
    same = ("splits", "document_hashes", "annotators", "personal_data", "content_hash")
    return {"data": data, **{key: manifest[key] for key in same}}


@pytest.mark.parametrize(
    "engine", [{"n_process": 2}, {"dask": DaskOptions(workers=2)}], ids=["n-process-2", "dask-2-workers"]
)
def test_export_in_parallel_gives_byte_identical_parquet(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]], engine: dict[str, Any]
) -> None:
    path = make.write_jsonl(tmp_path / "gold.jsonl", corpus(make, seed_records))
    home = tmp_path / "home"
    one = export_dataset(path, ExportOptions(name="one", out=tmp_path / "e", home=home))
    many = export_dataset(path, ExportOptions(name="many", out=tmp_path / "e", home=home, **engine))
    assert one.documents == many.documents == len(seed_records) + 2 * PARTITION + 7
    facts = version_facts(one.version_dir)
    assert facts == version_facts(many.version_dir)
    assert {name.split("/")[1] for name in facts["data"]} == {"documents", "quotes", "claims", "tokens"}
    assert facts["personal_data"]["sources_with_directories"] == 2 * PARTITION + 7


WORDS = ["Mira", "said", "the", "port", "reopened", "on", "Tuesday", "😀", "naïve", "𝔘𝔫𝔦", "café", "—", "“x”"]


def long_text(rng: random.Random, sentences: int) -> str:
    """Invented sentences of made-up news, with characters from every plane."""
    out = []
    for _ in range(sentences):
        words = [rng.choice(WORDS) for _ in range(rng.randint(4, 14))]
        out.append(" ".join(words).capitalize() + rng.choice([".", "!", "?", "\n", ".\n\n"]))
    return " ".join(out)


def spans_of(rng: random.Random, text: str, count: int) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """`count` spans of every label at random places (attributes odd or missing), and relations from
    quotes and claims to speakers and cues, several tails per head."""
    spans: list[dict[str, Any]] = []
    odd_scores = [None, 0.0, 1.0, 1e-7, 0.1 + 0.2, 5e-05, 0.999999999, 2.5e-10]
    for i in range(count):
        start = rng.randrange(0, len(text) - 1)
        end = min(len(text), start + rng.randint(1, 60))
        label = rng.choice(["SPEAKER", "QUOTE", "CUE", "CLAIM"])
        attrs: dict[str, Any] = {
            "SPEAKER": rng.choice([{"canonical": "𝔘𝔫𝔦 Mira 😀"}, {"canonical": None}, {}, {"canonical": ""}]),
            "QUOTE": rng.choice([{"kind": "direct"}, {"kind": None}, {}, {"kind": "mixed"}]),
            "CUE": {},
            "CLAIM": rng.choice([{"checkworthy": "high"}, {"checkworthy": None}, {}]),
        }[label]
        span: dict[str, Any] = {
            "id": f"{label.lower()}-{start}-{end}-{i}",
            "start": start,
            "end": end,
            "label": label,
            "text": text[start:end],
            "attrs": attrs,
            "score": rng.choice(odd_scores),
        }
        if label == "QUOTE" and i % 3 == 0:
            span["group"] = f"g{i % 5}"
        if i % 7 == 0:
            span["rule"] = "invented"
        if i % 11 == 0:
            span["defaults"] = sorted(attrs) or []
        spans.append(span)
    heads = [s for s in spans if s["label"] in ("QUOTE", "CLAIM")]
    tails = [s for s in spans if s["label"] in ("SPEAKER", "CUE")]
    relations = []
    for head in heads:
        for tail in rng.sample(tails, min(len(tails), rng.randint(0, 3))):
            kind = "speaker" if tail["label"] == "SPEAKER" else "cue"
            if head["label"] == "CLAIM" and kind == "cue":
                continue
            relations.append({"head": head["id"], "tail": tail["id"], "label": kind})
    return spans, relations


def unusual_records() -> list[tuple[dict[str, Any], bool]]:
    """Records with their spelling: True for curation's own line (`model_dump_json`), else json.dumps'."""
    rng = random.Random(14)
    metas: list[dict[str, Any]] = [
        {},
        {"big": 2**70, "small": -(2**65), "tiny": 1e-9, "huge": 1e20, "zero": -0.0},
        {"nested": {"list": [], "none": None, "deep": [{"a": [1, 2.5, "𝔘"]}]}, "empty": {}},
        {"😀 key": "value past the BMP 𝔘𝔫𝔦", "n": 12345678901234567890},
        {"float": 0.1 + 0.2, "ints": [0, -1, 2**63 - 1]},
    ]
    records: list[tuple[dict[str, Any], bool]] = []
    for i in range(80):
        long = i % 20 == 0
        text = long_text(rng, 6000 if long else rng.randint(3, 40))
        spans, relations = spans_of(rng, text, 1500 if long else rng.randint(0, 25)) if i % 9 else ([], [])
        provenance: dict[str, Any] = {"reviewed": i % 4 != 0}
        if i % 4:
            provenance |= {
                "annotator": f"person{i % 3}@example.org",
                "updated_at": "2026-11-01T10:00:00+00:00",
            }
        if i % 5 == 0:
            provenance |= {"tool": {"name": "outside", "version": [1, 2]}, "ratio": 1e-6, "count": 2**66}
        record = {
            "id": f"unusual-{i:03d}",
            "source": f"/home/ana/news/{i}.txt" if i % 2 else "",
            "text": text,
            "meta": metas[i % len(metas)],
            "spans": spans,
            "relations": relations,
            "provenance": provenance,
        }
        records.append((record, i % 3 != 0))
    # the same document twice: the later review wins, whatever the line's spelling
    again = json.loads(json.dumps(records[1][0]))
    again["provenance"]["updated_at"] = "2026-11-02T10:00:00+00:00"
    records.append((again, False))
    return records


def write_unusual(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for record, own in unusual_records():
            if own:
                fh.write(Document.model_validate(record).model_dump_json() + "\n")
            else:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


@pytest.mark.parametrize(
    "engine", [{"n_process": 2}, {"dask": DaskOptions(workers=2)}], ids=["n-process-2", "dask-2-workers"]
)
def test_unusual_records_give_the_same_parquet_on_every_engine(
    tmp_path: Path, engine: dict[str, Any]
) -> None:
    path = write_unusual(tmp_path / "unusual.jsonl")
    home = tmp_path / "home"
    one = export_dataset(path, ExportOptions(name="one", out=tmp_path / "e", home=home, silver=True))
    many = export_dataset(
        path, ExportOptions(name="many", out=tmp_path / "e", home=home, silver=True, **engine)
    )
    assert one.documents == many.documents == 80
    facts = version_facts(one.version_dir)
    assert facts == version_facts(many.version_dir)
    rows = pq.read_table(next(one.version_dir.glob("data/documents/train-*.parquet"))).to_pylist()
    metas = {row["id"]: json.loads(row["meta"]) for row in rows}
    assert any(meta.get("big") == 2**70 for meta in metas.values())  # read through the models, kept
    assert max(len(row["text"]) for row in rows) > 100_000
