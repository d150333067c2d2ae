"""A prediction check compiled once from the labeling config: the SDK's verdict "valid", without the SDK.

Push checks every prediction before the first import. Label Studio's LabelInterface does it region by
region through pydantic models (and takes over a second to import): about half of push's client time
before anything is sent, on real articles with ~150 regions each. The config push generates (from
schemas/labels.yaml) has one Text object and Labels, Choices and TextArea controls only, so what the
SDK accepts there is a short list of shapes, compiled here into lookup tables.

This check only ever says "accepted" for a prediction the SDK accepts too: it accepts nothing but the
narrow shapes below (exact types, every key the SDK asks for, labels among the control's own), and
anything else (an unknown label, a float offset, an odd key, a config with any other tag) is handed to
the SDK, whose verdict and words are the ones the user sees. So the verdicts are the SDK's, and the
messages too. tests/studio/test_studio_validated.py holds both to it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

# What the check knows how to read: anything else in the config and it is not compiled (SDK only).
LAYOUT_TAGS = {"View", "Header", "Style"}
OBJECT_TAGS = {"Text"}
CONTROL_TAGS = {"Labels": "labels", "Choices": "choices", "TextArea": "textarea"}
OPTION_TAGS = {"Labels": "Label", "Choices": "Choice"}
DIRECTIONS = ("left", "right", "bi")


@dataclass(frozen=True)
class Control:
    """One control of the config as the SDK reads it: its region type, objects and labels."""

    name: str
    kind: str  # the region type it makes: the tag, lower case ("labels", "choices", "textarea")
    to_names: tuple[str, ...]
    labels: frozenset[str]  # its Label / Choice values (none for a TextArea)


@dataclass(frozen=True)
class CompiledCheck:
    """The controls and objects of one labeling config; `accepts` is the fast verdict."""

    controls: dict[str, Control]
    objects: frozenset[str]

    def accepts(self, prediction: dict[str, Any]) -> bool:
        """True only for a prediction the SDK's validate_prediction finds no fault with; False means
        "ask the SDK" (it may still accept it)."""
        result = prediction.get("result")
        if type(result) is not list:
            return False
        if "score" in prediction:
            score = prediction["score"]
            if score is not None and not (type(score) in (int, float) and 0.0 <= score <= 1.0):
                return False
        ids: set[str] = set()
        relations = []
        for region in result:
            if type(region) is not dict:
                return False
            if region.get("type") == "relation":
                relations.append(region)
            elif not self._region(region, ids):
                return False
        return all(_relation(relation, ids) for relation in relations)

    def _region(self, region: dict[str, Any], ids: set[str]) -> bool:
        name, kind, to_name = region.get("from_name"), region.get("type"), region.get("to_name")
        if type(name) is not str or type(kind) is not str or type(to_name) is not str:
            return False
        control = self.controls.get(name)
        if control is None or kind.lower() != control.kind or to_name not in control.to_names:
            return False
        value = region.get("value")
        if type(value) is not dict or name in value:
            return False
        for key in value:
            if type(key) is not str:
                return False
        if "id" in region:
            if type(region["id"]) is not str:
                return False
            ids.add(region["id"])
        if control.kind == "labels":
            return (
                type(value.get("start")) is int
                and type(value.get("end")) is int
                and _strings(value.get("labels"), control.labels)
            )
        if control.kind == "choices":
            return _strings(value.get("choices"), control.labels)
        return _strings(value.get("text"), None)  # a TextArea: any texts


def _strings(values: Any, allowed: frozenset[str] | None) -> bool:
    """A list of strings, each among `allowed` (any, for None)."""
    if type(values) is not list:
        return False
    for v in values:  # noqa: SIM110 - a plain loop: no generator per region, ~150 regions a record
        if type(v) is not str or (allowed is not None and v not in allowed):
            return False
    return True


def _relation(relation: dict[str, Any], ids: set[str]) -> bool:
    ends = relation.get("from_id"), relation.get("to_id")
    return relation.get("direction") in DIRECTIONS and all(type(end) is str and end in ids for end in ends)


def compile_check(config: str) -> CompiledCheck | None:
    """The check for `config`, or None when it holds a tag this check does not know (then every
    prediction goes to the SDK)."""
    try:
        root = ET.fromstring(config)
    except ET.ParseError:
        return None
    controls: dict[str, Control] = {}
    objects: set[str] = set()
    for element in root.iter():
        tag = element.tag
        if tag in OBJECT_TAGS and element.get("name"):
            objects.add(element.get("name", ""))
        elif tag in CONTROL_TAGS and element.get("name") and element.get("toName"):
            option = OPTION_TAGS.get(tag)
            children = list(element)
            if any(child.tag != option or child.get("value") is None for child in children):
                return None
            if (option is None) != (not children):  # a TextArea has no options, the others have some
                return None
            name = element.get("name", "")
            if name in controls:
                return None
            to_names = tuple(element.get("toName", "").split(","))
            labels = frozenset(child.get("value", "") for child in children)
            controls[name] = Control(name, CONTROL_TAGS[tag], to_names, labels)
        elif tag not in LAYOUT_TAGS and tag not in OPTION_TAGS.values():
            return None
    if not controls or any(set(c.to_names) - objects for c in controls.values()):
        return None
    return CompiledCheck(controls, frozenset(objects))
