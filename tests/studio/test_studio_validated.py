"""Push validates each record once: what it validated is kept in the state dir, by line and config."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def _variants(good: dict[str, Any]) -> list[dict[str, Any]]:
    """`good` and faulty or unusual copies of it, one change each, for the compiled check."""

    def changed(edit: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
        pred = json.loads(json.dumps(good))
        edit(pred)
        return pred

    def first(kind: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        return lambda pred: next(r for r in pred["result"] if r.get("type") == kind)

    label, choice, text, relation = first("labels"), first("choices"), first("textarea"), first("relation")
    return [
        good,
        changed(lambda p: label(p)["value"].update(labels=["NOT_A_LABEL"])),
        changed(lambda p: label(p)["value"].update(labels="SPEAKER")),
        changed(lambda p: label(p)["value"].update(labels=[])),
        changed(lambda p: label(p)["value"].pop("labels")),
        changed(lambda p: label(p)["value"].update(start=1.0)),
        changed(lambda p: label(p)["value"].update(start="1")),
        changed(lambda p: label(p)["value"].update(start={"at": 1})),
        changed(lambda p: label(p)["value"].pop("end")),
        changed(lambda p: label(p)["value"].update(label={"start": 0})),
        changed(lambda p: label(p).update(type="Labels")),
        changed(lambda p: label(p).update(type="choices")),
        changed(lambda p: label(p).update(type="rectangle")),
        changed(lambda p: label(p).update(to_name="nowhere")),
        changed(lambda p: label(p).update(from_name="nowhere")),
        changed(lambda p: label(p).update(id=7)),
        changed(lambda p: label(p).pop("id")),
        changed(lambda p: label(p).pop("value")),
        changed(lambda p: label(p).update(value=None)),
        changed(lambda p: choice(p)["value"].update(choices=["nope"])),
        changed(lambda p: choice(p)["value"].update(choices="direct")),
        changed(lambda p: choice(p)["value"].update(choices=[])),
        changed(lambda p: text(p)["value"].update(text="a name")),
        changed(lambda p: text(p)["value"].update(text=[1])),
        changed(lambda p: relation(p).update(direction="up")),
        changed(lambda p: relation(p).pop("direction")),
        changed(lambda p: relation(p).update(to_id="nowhere")),
        changed(lambda p: relation(p).update(from_id=["x"])),
        changed(lambda p: p.update(score=1.5)),
        changed(lambda p: p.update(score=True)),
        changed(lambda p: p.update(score=None)),
        changed(lambda p: p.update(score="0.5")),
        changed(lambda p: p.update(score=float("nan"))),
        changed(lambda p: p["result"].append("not a region")),
        changed(lambda p: p.update(result={})),
        changed(lambda p: p.pop("result")),
    ]


@pytest.mark.parametrize("layer", [ALL_LAYER, *get_schema().layer_names])
def test_compiled_check_accepts_only_what_the_sdk_accepts(
    layer: str, make_record: Callable[..., Document]
) -> None:
    """The check compiled from the config reads it as the SDK does (controls, their objects and labels)
    and says "valid" only where the SDK finds no fault; push then gives the SDK's own words."""
    from label_studio_sdk.label_interface import LabelInterface

    from curation.studio.config import labeling_config
    from curation.studio.convert import prediction
    from curation.studio.prediction_check import compile_check
    from curation.studio.push import PredictionCheck, _flatten

    schema = get_schema()
    config = labeling_config(schema, layer)
    compiled, sdk = compile_check(config), LabelInterface(config)
    assert compiled is not None  # push's own configs are compiled: the fast path is the one used
    assert {c.name: (c.kind, list(c.to_names), sorted(c.labels)) for c in compiled.controls.values()} == {
        c.name: (c.tag.lower(), list(c.to_name), sorted(c.labels or [])) for c in sdk.controls
    }
    assert compiled.objects == {o.name for o in sdk.objects}
    doc = make_record(
        "Zoe said “we will win” on Monday, and the bridge opens in May.",
        SPEAKER="Zoe",
        CUE="said",
        QUOTE="we will win",
        CLAIM="the bridge opens in May",
    )
    good = prediction(doc, schema, "m1", layer)
    kinds = {r.get("type") for r in good["result"]}
    variants = _variants(good) if kinds >= {"labels", "choices", "textarea", "relation"} else [good]
    check = PredictionCheck(config)
    accepted = []
    for pred in variants:
        words = sdk.validate_prediction(pred, return_errors=True)
        if compiled.accepts(pred):
            assert words == [], pred
            accepted.append(pred)
        assert check.errors(pred) == _flatten(words)
    assert good in accepted and len(accepted) < len(variants) or variants == [good]


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


def test_push_sends_the_tasks_it_checked_byte_for_byte(
    tmp_path: Path, make_record: Callable[..., Document]
) -> None:
    """scan spools each task it checked, encoded; those are the very bytes a rebuild from the records
    read back gives (the same tasks and predictions on the server), in the same order."""
    from curation.studio.push import task_bodies
    from curation.studio.spool import spool

    path, schema = tmp_path / "pre.jsonl", get_schema()
    docs = [
        make_record(f"Zoe {i} said “we will win” 😀 on Monday.", SPEAKER=f"Zoe {i}", QUOTE="we will win")
        for i in range(4)
    ]
    write_documents(path, docs)
    for layer in (ALL_LAYER, *schema.layer_names):
        with spool() as kept:
            entries = scan(path, schema, layer, spool=kept)
            assert all(e.body is not None for e in entries)
            spooled = list(task_bodies(path, entries, schema, layer, kept))
        rebuilt = list(task_bodies(path, scan(path, schema, layer), schema, layer, None))
        assert spooled == rebuilt and len(spooled) == 4
