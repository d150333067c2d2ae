"""The JSON Schema of the document record, generated from the pydantic models.

The span label, attribute and relation enums are filled in from the label schema, so outside tools
validating against schemas/record.schema.json see the same labels as the code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from curation.atomic import atomic_write
from curation.records import Document
from curation.schema import get_schema

RECORD_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "record.schema.json"


def record_json_schema() -> dict[str, Any]:
    schema = get_schema()
    js = Document.model_json_schema()
    js["title"] = "curation document record"
    js["description"] = (
        "One article with its annotations (one JSON object per line). Offsets are Python string "
        "indices (Unicode code points) into `text`, and text[start:end] == span.text. "
        f"Labels follow label schema {schema.name} {schema.version}."
    )
    defs = js["$defs"]
    defs["Span"]["properties"]["label"]["enum"] = schema.span_labels
    defs["Relation"]["properties"]["label"]["enum"] = schema.relation_labels
    attr_props: dict[str, Any] = {}
    for label, spec in schema.spans.items():
        for name, attr in spec.attrs.items():
            prop: dict[str, Any] = {"description": f"{label}: {attr.description}".strip()}
            if attr.type == "choice":
                prop["enum"] = [*attr.values, None]
            else:
                prop["type"] = ["string", "null"]
            attr_props[name] = prop
    defs["Span"]["properties"]["attrs"]["properties"] = attr_props
    return js


def render_record_schema() -> str:
    return json.dumps(record_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_record_schema(path: Path, check_only: bool = False) -> bool:
    """Write the schema to `path`; returns True when the file was missing or different."""
    rendered = render_record_schema()
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if current == rendered:
        return False
    if not check_only:
        with atomic_write(path) as fh:
            fh.write(rendered)
    return True
