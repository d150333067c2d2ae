"""The label schema (schemas/labels.yaml), loaded once and typed.

Everything that names a label reads it from here: record validation, the Label Studio config,
the dataset features, the docs. Nothing else in the code base spells a label list out.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_PATH = Path(__file__).parent / "data" / "labels.yaml"


class AttrSpec(BaseModel):
    """One per-span attribute: free text, or a choice among fixed values."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["text", "choice"]
    description: str = ""
    values: list[str] = Field(default_factory=list)
    default: str | None = None

    @model_validator(mode="after")
    def _choices_have_values(self) -> AttrSpec:
        if self.type == "choice" and not self.values:
            raise ValueError("a choice attribute needs values")
        if self.default is not None and self.type == "choice" and self.default not in self.values:
            raise ValueError(f"default {self.default!r} is not one of {self.values}")
        return self


class SpanLabelSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str
    color: str
    hotkey: str
    attrs: dict[str, AttrSpec] = Field(default_factory=dict)


class RelationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    description: str
    from_: list[str] = Field(alias="from")
    to: list[str]


class LabelSchema(BaseModel):
    """The whole label schema. Order of `spans` and of choice values is the export order."""

    model_config = ConfigDict(extra="forbid")

    name: str
    version: str
    spans: dict[str, SpanLabelSpec]
    relations: dict[str, RelationSpec]

    @model_validator(mode="after")
    def _relations_name_known_labels(self) -> LabelSchema:
        for name, rel in self.relations.items():
            unknown = set(rel.from_ + rel.to) - set(self.spans)
            if unknown:
                raise ValueError(f"relation {name!r} names unknown span labels {sorted(unknown)}")
        return self

    @property
    def span_labels(self) -> list[str]:
        return list(self.spans)

    @property
    def relation_labels(self) -> list[str]:
        return list(self.relations)

    def choice_values(self, label: str, attr: str) -> list[str]:
        return self.spans[label].attrs[attr].values

    def fingerprint(self) -> str:
        """A hash of the schema's content: exports and projects record it to detect drift."""
        canonical = self.model_dump_json(by_alias=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def load_schema(path: Path | str) -> LabelSchema:
    with open(path, encoding="utf-8") as fh:
        return LabelSchema.model_validate(yaml.safe_load(fh))


@cache
def get_schema() -> LabelSchema:
    """The project's label schema (cached: it does not change while a process runs)."""
    return load_schema(SCHEMA_PATH)
