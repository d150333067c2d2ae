"""Push validates each record once: what it validated is kept in the state dir, by line and config."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from curation.errors import InputError, ValidationError
from curation.jsonl import write_documents
from curation.records import Document
from curation.schema import ALL_LAYER, get_schema
from curation.studio.push import read_back, scan
from curation.studio.validated import CACHE_FILE


def known_keys(home: Path) -> int:
    with sqlite3.connect(home / CACHE_FILE) as db:
        return int(db.execute("SELECT count(*) FROM validated").fetchone()[0])


def test_push_scan_validates_a_record_once_and_again_when_its_line_changes(
    make_record: Callable[..., Document], tmp_path: Path
) -> None:
    docs = [
        make_record(f"Zoe {i} said “we will win” on Monday.", SPEAKER=f"Zoe {i}", score=0.5 + i / 10)
        for i in range(3)
    ]
    path, home = tmp_path / "pre.jsonl", tmp_path / "home"
    write_documents(path, docs)
    first = scan(path, get_schema(), home=home)
    assert known_keys(home) == 3 and (home / CACHE_FILE).stat().st_mode & 0o777 == 0o600
    assert scan(path, get_schema(), home=home) == first  # read from the cache: the same entries
    assert known_keys(home) == 3
    assert scan(path, get_schema(), layer="claims", home=home) != []  # another config: validated again
    assert known_keys(home) == 6

    # A changed line is a new record to the cache: validated again, and here refused.
    lines = path.read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[1])
    bad["relations"] = [{"head": bad["spans"][0]["id"], "tail": "quote-99-100", "label": "speaker"}]
    lines[1] = json.dumps(bad)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=rf"pre.jsonl:2 \(document {bad['id']}\)"):
        scan(path, get_schema(), home=home)


def test_linear_label_interface_gives_the_sdks_verdicts(make_record: Callable[..., Document]) -> None:
    """push.label_interface skips the SDK's quadratic split-format search; its verdicts must not move:
    valid, an unknown label, a relation to a missing region, and a geometry partner sharing an id."""
    from label_studio_sdk.label_interface import LabelInterface

    from curation.studio.config import labeling_config
    from curation.studio.convert import prediction
    from curation.studio.push import label_interface

    schema = get_schema()
    config = labeling_config(schema)
    fast, sdk = label_interface(config), LabelInterface(config)
    doc = make_record("Zoe said “we will win” on Monday.", SPEAKER="Zoe", CUE="said", QUOTE="we will win")
    good = prediction(doc, schema, "m1")
    bad_label = json.loads(json.dumps(good))
    bad_label["result"][0]["value"]["labels"] = ["NOT_A_LABEL"]
    dangling = json.loads(json.dumps(good))
    dangling["result"].append({"from_id": "nowhere", "to_id": good["result"][0]["id"], "type": "relation"})
    geometry = json.loads(json.dumps(good))
    first = geometry["result"][0]
    geometry["result"].append(
        {**first, "type": "rectangle", "value": {"x": 1, "y": 1, "width": 2, "height": 2}}
    )
    # push.label_interface also hands the SDK's relation check only the relation's two regions: an id
    # that cannot be looked up (a list) must get the SDK's own words.
    odd = json.loads(json.dumps(good))
    odd["result"].append({"from_id": ["x"], "to_id": "nowhere", "type": "relation", "direction": "right"})
    # It also keeps each control's private attributes (_label_attr_name, _value_class) on the control
    # itself: a wrong choice, a span without labels, a start that is no number, and an unknown control
    # must get the SDK's own verdicts and words.
    assert any(r.get("type") == "choices" for r in good["result"])
    wrong_choice = json.loads(json.dumps(good))
    next(r for r in wrong_choice["result"] if r.get("type") == "choices")["value"]["choices"] = ["nope"]
    no_labels = json.loads(json.dumps(good))
    del no_labels["result"][0]["value"]["labels"]
    odd_start = json.loads(json.dumps(good))
    odd_start["result"][0]["value"]["start"] = {"at": 1}
    unknown = json.loads(json.dumps(good))
    unknown["result"][0]["from_name"] = "nowhere"
    verdicts = []
    for pred in (good, bad_label, dangling, geometry, odd, wrong_choice, no_labels, odd_start, unknown):
        mine = fast.validate_prediction(pred, return_errors=True)
        assert mine == sdk.validate_prediction(pred, return_errors=True)
        verdicts.append(bool(mine))
    assert verdicts[:3] == [False, True, True] and all(verdicts[4:])


def test_push_reads_back_only_the_bytes_it_checked(
    tmp_path: Path, make_record: Callable[..., Document]
) -> None:
    """Records are read back without checking them again, so bytes other than those scan checked (the
    file rewritten during the push) stop it, naming the document."""
    path = tmp_path / "pre.jsonl"
    write_documents(path, [make_record(f"Ana said hi {i}.", SPEAKER="Ana") for i in range(3)])
    schema = get_schema()
    entries = scan(path, schema)
    assert [d.id for d in read_back(path, entries, schema, ALL_LAYER)] == [e.doc_id for e in entries]
    path.write_text(path.read_text(encoding="utf-8").replace("hi 1", "ho 1"), encoding="utf-8")
    with pytest.raises(InputError, match="changed while it was being pushed"):
        list(read_back(path, entries, schema, ALL_LAYER))
