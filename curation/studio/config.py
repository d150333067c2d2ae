"""The Label Studio labeling config and annotator instructions, generated from the label schema.

Nothing here names a label: span labels, colours, hotkeys, relations and per-region attributes all
come from curation.schema. The control names below are the contract between push (predictions),
the editor, and pull (annotations); `ControlNames` is the one place that spells them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from curation.schema import LabelSchema

TEXT_NAME = "text"
LABELS_NAME = "label"


@dataclass(frozen=True)
class AttrControl:
    """One per-region control: which span label and attribute it edits, and its result type."""

    name: str
    label: str
    attr: str
    kind: str  # "choices" or "textarea" (the result `type` Label Studio gives back)


def attr_controls(schema: LabelSchema) -> list[AttrControl]:
    """The per-region attribute controls, in schema order."""
    controls = []
    for label, spec in schema.spans.items():
        for attr, attr_spec in spec.attrs.items():
            kind = "choices" if attr_spec.type == "choice" else "textarea"
            controls.append(AttrControl(f"{label.lower()}_{attr}", label, attr, kind))
    return controls


def labeling_config(schema: LabelSchema) -> str:
    """The XML labeling config: span labels, relations, per-region attributes shown by label."""
    view = ET.Element("View")
    ET.SubElement(view, "Header", value=f"{schema.name} {schema.version}: mark spans, then link them")
    labels = ET.SubElement(view, "Labels", name=LABELS_NAME, toName=TEXT_NAME)
    for label, spec in schema.spans.items():
        ET.SubElement(
            labels,
            "Label",
            value=label,
            background=spec.color,
            hotkey=spec.hotkey,
            hint=_one_line(spec.description),
        )
    relations = ET.SubElement(view, "Relations")
    for name in schema.relations:
        ET.SubElement(relations, "Relation", value=name)
    ET.SubElement(view, "Text", name=TEXT_NAME, value=f"${TEXT_NAME}", granularity="symbol")
    for control in attr_controls(schema):
        attr_spec = schema.spans[control.label].attrs[control.attr]
        box = ET.SubElement(view, "View", visibleWhen="region-selected", whenLabelValue=control.label)
        ET.SubElement(
            box, "Header", value=f"{control.label} {control.attr}: {_one_line(attr_spec.description)}"
        )
        if control.kind == "choices":
            choices = ET.SubElement(
                box, "Choices", name=control.name, toName=TEXT_NAME, perRegion="true", choice="single-radio"
            )
            for value in attr_spec.values:
                ET.SubElement(choices, "Choice", value=value)
        else:
            ET.SubElement(
                box,
                "TextArea",
                name=control.name,
                toName=TEXT_NAME,
                perRegion="true",
                editable="true",
                maxSubmissions="1",
                placeholder=control.attr,
            )
    ET.indent(view)
    return ET.tostring(view, encoding="unicode")


def instructions_html(schema: LabelSchema) -> str:
    """Instructions shown to annotators (the project's expert_instruction), from the descriptions."""
    parts = [f"<h3>{html.escape(schema.name)} {html.escape(schema.version)}</h3><ul>"]
    for label, spec in schema.spans.items():
        parts.append(f"<li><b>{html.escape(label)}</b> (key {html.escape(spec.hotkey)}): ")
        parts.append(html.escape(_one_line(spec.description)))
        for attr, attr_spec in spec.attrs.items():
            values = f" [{', '.join(attr_spec.values)}]" if attr_spec.values else ""
            described = html.escape(_one_line(attr_spec.description))
            parts.append(f"<br><i>{html.escape(attr)}</i>{html.escape(values)}: {described}")
        parts.append("</li>")
    parts.append("</ul><p>Relations (select a region, then the relation button):</p><ul>")
    for name, rel in schema.relations.items():
        ends = f"{'|'.join(rel.from_)} -> {'|'.join(rel.to)}"
        parts.append(
            f"<li><b>{html.escape(name)}</b> ({html.escape(ends)}): {html.escape(rel.description)}</li>"
        )
    parts.append("</ul>")
    return "".join(parts)


def config_vocabulary(config_xml: str) -> set[str]:
    """Every name an annotation can refer to: control names and `control:value` pairs.

    Comparing the vocabulary of the project's current config with the new one tells which
    existing annotations a change would orphan.
    """
    root = ET.fromstring(config_xml)
    names: set[str] = set()
    for control in root.iter():
        name = control.get("name")
        if control.tag in ("Labels", "Choices", "TextArea") and name:
            names.add(name)
            for child in control:
                if child.tag in ("Label", "Choice") and child.get("value"):
                    names.add(f"{name}:{child.get('value')}")
        if control.tag == "Relation" and control.get("value"):
            names.add(f"relation:{control.get('value')}")
    return names


def _one_line(text: str) -> str:
    return " ".join(text.split())
