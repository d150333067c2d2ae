"""The labeling config is generated from the label schema: nothing in it is typed by hand."""

from __future__ import annotations

import html
from xml.etree import ElementTree as ET

from curation.schema import get_schema, load_schema
from curation.studio.config import (
    NO_KEY,
    attr_controls,
    config_vocabulary,
    instructions_html,
    labeling_config,
)


def test_config_has_every_schema_label_with_colour_and_no_reachable_hotkey() -> None:
    """Labels and choices are bound to a chord no keyboard sends: a reachable key would relabel the
    selected region (labels) or set a hidden choice on it (choices)."""
    schema = get_schema()
    root = ET.fromstring(labeling_config(schema))
    labels = {el.get("value"): el for el in root.iter("Label")}
    assert list(labels) == schema.span_labels
    for name, spec in schema.spans.items():
        assert labels[name].get("background") == spec.color
    assert {el.get("hotkey") for el in root.iter() if el.tag in ("Label", "Choice")} == {NO_KEY}
    # every pair of labels has one relation only: arrows need no label, so no Relations control
    assert list(root.iter("Relation")) == []


def test_config_of_each_layer_has_only_its_labels_and_controls() -> None:
    schema = get_schema()
    attribution = ET.fromstring(labeling_config(schema, "attribution"))
    assert [el.get("value") for el in attribution.iter("Label")] == ["SPEAKER", "QUOTE", "CUE"]
    assert {el.get("name") for el in attribution.iter("Choices")} == {"quote_kind"}
    claims = ET.fromstring(labeling_config(schema, "claims"))
    assert [el.get("value") for el in claims.iter("Label")] == ["CLAIM", "SPEAKER"]
    assert {el.get("name") for el in claims.iter("Choices")} == {"claim_checkworthy"}
    assert not [el for el in claims.iter("TextArea")]  # SPEAKER is only linked to there


def test_config_requires_a_quote_kind_and_keeps_controls_in_a_sticky_side_column() -> None:
    root = ET.fromstring(labeling_config(get_schema(), "attribution"))
    kind = next(el for el in root.iter("Choices") if el.get("name") == "quote_kind")
    assert kind.get("required") == "true" and kind.get("whenLabelValue") == "QUOTE"
    side = next(el for el in root.iter("View") if "sticky" in (el.get("style") or ""))
    assert kind in list(side.iter("Choices")) and next(side.iter("Labels")) is not None


def test_config_attributes_are_per_region_controls_shown_by_label() -> None:
    schema = get_schema()
    root = ET.fromstring(labeling_config(schema))
    boxes = {box.get("whenLabelValue"): box for box in root.iter("View") if box.get("visibleWhen")}
    for control in attr_controls(schema):
        box = boxes[control.label]
        element = next(el for el in box if el.get("name") == control.name)
        assert element.get("perRegion") == "true"
        if control.kind == "choices":
            assert [c.get("value") for c in element] == schema.choice_values(control.label, control.attr)
        else:
            assert element.tag == "TextArea"


def test_config_is_accepted_by_label_studio_sdk() -> None:
    from label_studio_sdk.label_interface import LabelInterface

    interface = LabelInterface(labeling_config(get_schema()))
    assert set(interface.get_control("label").labels) == set(get_schema().span_labels)


def test_config_follows_a_schema_change(tmp_path) -> None:
    """A new label in the YAML shows up in the config, and the vocabulary diff sees a removed one."""
    import yaml

    from curation.schema import SCHEMA_PATH

    raw = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
    raw["spans"]["SOURCE_DOC"] = {"description": "a cited document", "color": "#000000", "hotkey": "d"}
    raw["layers"]["attribution"]["labels"] = ["SPEAKER", "QUOTE", "SOURCE_DOC"]
    del raw["spans"]["CUE"]
    raw["relations"].pop("cue")
    path = tmp_path / "labels.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    changed = labeling_config(load_schema(path))
    assert 'value="SOURCE_DOC"' in changed
    removed = config_vocabulary(labeling_config(get_schema())) - config_vocabulary(changed)
    assert removed == {"label:CUE"}


def test_config_instructions_carry_the_descriptions_and_a_worked_example_per_label() -> None:
    schema = get_schema()
    text = instructions_html(schema)
    for name, spec in schema.spans.items():
        assert name in text
        assert " ".join(spec.description.split())[:40].replace('"', "&quot;") in text
        assert spec.example, f"{name} has no example in the schema"
        before, _, rest = spec.example.partition("[")
        assert html.escape(rest.partition("]")[0]) in text
    claims = instructions_html(schema, "claims")
    assert "QUOTE" not in claims.split("<ul>")[1] and "Alt+R" in claims
