"""The Label Studio labeling config and annotator instructions, generated from the label schema.

Nothing here names a label: span labels, colours, hotkeys, relations and per-region attributes all
come from curation.schema. The control names below are the contract between push (predictions),
the editor, and pull (annotations); `ControlNames` is the one place that spells them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from curation.schema import ALL_LAYER, LabelSchema

TEXT_NAME = "text"
LABELS_NAME = "label"


@dataclass(frozen=True)
class AttrControl:
    """One per-region control: which span label and attribute it edits, and its result type."""

    name: str
    label: str
    attr: str
    kind: str  # "choices" or "textarea" (the result `type` Label Studio gives back)


def attr_controls(schema: LabelSchema, layer: str = ALL_LAYER) -> list[AttrControl]:
    """The per-region attribute controls of a layer's own labels (default: every label), in schema order."""
    owned = set(schema.layer(layer).labels)
    controls = []
    for label, spec in schema.spans.items():
        if label not in owned:
            continue
        for attr, attr_spec in spec.attrs.items():
            kind = "choices" if attr_spec.type == "choice" else "textarea"
            controls.append(AttrControl(f"{label.lower()}_{attr}", label, attr, kind))
    return controls


# Label Studio gives every label and choice without a hotkey a free key of its own, and in 1.23 a label
# key relabels the selected region while a choice key sets a choice on whatever region is selected, even
# one whose control is hidden. The editor has no option against either, so labels and choices are bound
# to a chord no keyboard sends (F19 with three modifiers): they are chosen by click, in the side column.
NO_KEY = "ctrl+alt+shift+f19"

# The text on the left, scrolling; the controls in a column on the right that stays in view (sticky).
_PAGE_STYLE = "display: flex; align-items: flex-start; gap: 16px"
_TEXT_STYLE = "flex: 1 1 auto; min-width: 0"
_SIDE_STYLE = (
    "flex: 0 0 360px; position: sticky; top: 0; max-height: 100vh; overflow-y: auto; "
    "padding: 8px 12px; border-left: 1px solid #ddd; background: #fafafa"
)
# The unreachable chord is not worth showing next to labels and choices.
_CSS = ".lsf-label__hotkey, .lsf-choice .lsf-hint { display: none; }"


def labeling_config(schema: LabelSchema, layer: str = ALL_LAYER) -> str:
    """The XML labeling config of one layer (default: every label): the text, and beside it a column
    with the layer's labels and the selected region's attributes (a QUOTE's kind must be chosen)."""
    spec = schema.layer(layer)
    shown = spec.labels + [label for label in spec.links_to if label not in spec.labels]
    view = ET.Element("View")
    ET.SubElement(view, "Style").text = _CSS
    page = ET.SubElement(view, "View", style=_PAGE_STYLE)
    ET.SubElement(
        ET.SubElement(page, "View", style=_TEXT_STYLE),
        "Text",
        name=TEXT_NAME,
        value=f"${TEXT_NAME}",
        granularity="symbol",
    )
    side = ET.SubElement(page, "View", style=_SIDE_STYLE)
    title = f"{schema.name} {schema.version}" + ("" if layer == ALL_LAYER else f" · {layer}")
    ET.SubElement(side, "Header", value=title, size="5")
    labels = ET.SubElement(side, "Labels", name=LABELS_NAME, toName=TEXT_NAME, showInline="false")
    for label in shown:
        label_spec = schema.spans[label]
        ET.SubElement(
            labels,
            "Label",
            value=label,
            background=label_spec.color,
            hotkey=NO_KEY,
            hint=_one_line(label_spec.description),
        )
    names = relation_labels(schema, layer)
    if names:
        relations = ET.SubElement(side, "Relations")
        for name in names:
            ET.SubElement(relations, "Relation", value=name)
    for control in attr_controls(schema, layer):
        attr_spec = schema.spans[control.label].attrs[control.attr]
        box = ET.SubElement(side, "View", visibleWhen="region-selected", whenLabelValue=control.label)
        ET.SubElement(
            box,
            "Header",
            value=f"{control.label} {control.attr}: {_one_line(attr_spec.description)}",
            size="6",
        )
        if control.kind == "choices":
            choices = ET.SubElement(
                box,
                "Choices",
                name=control.name,
                toName=TEXT_NAME,
                perRegion="true",
                choice="single-radio",
                whenLabelValue=control.label,
                required="true",
                requiredMessage=f"Every {control.label} needs a {control.attr}: the selected one has none.",
            )
            for value in attr_spec.values:
                ET.SubElement(choices, "Choice", value=value, hotkey=NO_KEY)
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


def relation_labels(schema: LabelSchema, layer: str = ALL_LAYER) -> list[str]:
    """The relation labels an annotator must pick in a layer: none when each pair of labels it links has
    one relation only (then an arrow's label follows from its ends, and drawing it is all there is)."""
    pairs: dict[tuple[str, str], set[str]] = {}
    for name, head, tail in schema.layer_relations(layer):
        pairs.setdefault((head, tail), set()).add(name)
    if all(len(names) == 1 for names in pairs.values()):
        return []
    return list(dict.fromkeys(name for name, _, _ in schema.layer_relations(layer)))


def instructions_html(schema: LabelSchema, layer: str = ALL_LAYER) -> str:
    """Instructions shown to annotators (the project's expert_instruction): how to work the editor, and
    for each label of the layer its description and a worked example, all from the schema."""
    spec = schema.layer(layer)
    title = f"{schema.name} {schema.version}" + ("" if layer == ALL_LAYER else f": {layer}")
    parts = [f"<h3>{html.escape(title)}</h3>"]
    if spec.description:
        parts.append(f"<p>{html.escape(spec.description)}</p>")
    parts.append(
        "<p><b>Working the editor.</b> Click a region to select it: its controls appear in the column on the"
        " right. <b>Esc</b> deselects. To draw a new region, deselect first, click a label in the column,"
        " then select the words: a label clicked while a region is selected changes that region's label."
        " Labels and choices have no keyboard keys on purpose (the editor would apply them to whichever"
        " region is selected). <b>Backspace</b> deletes the selected region."
        " To link: select the first region, press <b>Alt+R</b>, click the second region."
        " Submit refuses while a region lacks a required choice and selects that region.</p><ul>"
    )
    shown = spec.labels + [label for label in spec.links_to if label not in spec.labels]
    for label in shown:
        label_spec = schema.spans[label]
        parts.append(f"<li><b>{html.escape(label)}</b>: {html.escape(_one_line(label_spec.description))}")
        if label in spec.links_to:
            parts.append(" <i>(marked in another layer; here only to link to)</i>")
        if label_spec.example:
            parts.append(f"<br>Example: {_example_html(label_spec.example, label_spec.color)}")
        for attr, attr_spec in label_spec.attrs.items():
            values = f" [{', '.join(attr_spec.values)}]" if attr_spec.values else ""
            required = " (required)" if attr_spec.type == "choice" else ""
            described = html.escape(_one_line(attr_spec.description))
            parts.append(f"<br><i>{html.escape(attr)}</i>{html.escape(values)}{required}: {described}")
        parts.append("</li>")
    parts.append("</ul><p>Links (from the first region to the second):</p><ul>")
    for name, head, tail in schema.layer_relations(layer):
        description = schema.relations[name].description
        parts.append(
            f"<li><b>{html.escape(name)}</b> ({html.escape(head)} -> {html.escape(tail)}): "
            f"{html.escape(description)}</li>"
        )
    parts.append("</ul>")
    if not relation_labels(schema, layer):
        parts.append("<p>An arrow needs no label here: which link it is follows from the two regions.</p>")
    return "".join(parts)


def _example_html(example: str, color: str) -> str:
    """The schema's example with its [bracketed] span highlighted in the label's colour."""
    escaped = html.escape(example)
    return escaped.replace(
        "[", f'<span style="background: {color}33; border-bottom: 2px solid {color}">', 1
    ).replace("]", "</span>", 1)


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
