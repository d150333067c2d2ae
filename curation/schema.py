"""The label schema (schemas/labels.yaml by default), typed: one value that travels with the data.

Everything that names a label reads it from a LabelSchema: record validation, the Label Studio config,
the dataset features, the docs. Commands take it explicitly (`--schema FILE`, else CURATION_SCHEMA, else
the packaged file; see `resolve_schema`) and pass it down; an exported version ships its copy beside the
manifest and is read back with it (as Argilla's Settings travel with a dataset).

Code that needs "the quote label" asks for a role (`schema.role_label("quote")`), never for a name:
renaming QUOTE in the YAML is a one-file change, and a schema without a role the code needs is an error
that names the role.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticValidationError

from curation.errors import InputError, SchemaError

SCHEMA_PATH = Path(__file__).parent / "data" / "labels.yaml"
SCHEMA_FILE = "labels.yaml"  # the schema's file name inside an exported version


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
    example: str = ""  # a sentence with the span in [brackets], shown in the annotator instructions
    role: str | None = Field(
        default=None, description="What the code reads this label as (quote, speaker, cue, claim); optional."
    )
    attrs: dict[str, AttrSpec] = Field(default_factory=dict)


class RelationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    description: str
    from_: list[str] = Field(alias="from")
    to: list[str]
    # A group relation links the segments of one span split by other text (a quote interrupted by its
    # attribution). Records keep such segments as spans sharing a `group` field, not as relations; the
    # relation is how the group is shown and kept in Label Studio's editor.
    group: bool = False


class LayerSpec(BaseModel):
    """One annotation layer: the labels an annotator draws in it, and labels of other layers it links to."""

    model_config = ConfigDict(extra="forbid")

    description: str = ""
    labels: list[str]
    links_to: list[str] = Field(default_factory=list)


ALL_LAYER = "all"  # the one implicit layer of a schema that declares none


class LabelSchema(BaseModel):
    """The whole label schema. Order of `spans` and of choice values is the export order."""

    model_config = ConfigDict(extra="forbid")

    name: str
    version: str
    spans: dict[str, SpanLabelSpec]
    relations: dict[str, RelationSpec]
    layers: dict[str, LayerSpec] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _relations_name_known_labels(self) -> LabelSchema:
        for name, rel in self.relations.items():
            unknown = set(rel.from_ + rel.to) - set(self.spans)
            if unknown:
                raise ValueError(f"relation {name!r} names unknown span labels {sorted(unknown)}")
        return self

    @model_validator(mode="after")
    def _layers_cover_every_label_once(self) -> LabelSchema:
        if not self.layers:
            return self
        owner: dict[str, str] = {}
        for name, layer in self.layers.items():
            unknown = set(layer.labels + layer.links_to) - set(self.spans)
            if unknown:
                raise ValueError(f"layer {name!r} names unknown span labels {sorted(unknown)}")
            for label in layer.labels:
                if label in owner:
                    raise ValueError(f"span label {label!r} is in layers {owner[label]!r} and {name!r}")
                owner[label] = name
            if set(layer.links_to) & set(layer.labels):
                raise ValueError(f"layer {name!r} links to its own labels {sorted(set(layer.links_to))}")
        homeless = [label for label in self.spans if label not in owner]
        if homeless:
            raise ValueError(f"span labels {homeless} belong to no layer: add them to one under 'layers'")
        for rel_name, rel in self.relations.items():
            for head in rel.from_:
                layer = self.layers[owner[head]]
                seen = layer.labels + layer.links_to
                if not set(rel.to) & set(seen):
                    raise ValueError(
                        f"relation {rel_name!r} from {head} (layer {owner[head]!r}) goes to {rel.to}, "
                        f"none of which that layer shows: add one to its labels or links_to"
                    )
        return self

    @model_validator(mode="after")
    def _roles_are_unique(self) -> LabelSchema:
        roles = [spec.role for spec in self.spans.values() if spec.role]
        doubled = sorted({r for r in roles if roles.count(r) > 1})
        if doubled:
            raise ValueError(f"roles {doubled} are given to more than one label")
        return self

    def role_label(self, role: str) -> str:
        """The span label playing `role` ("quote" -> "QUOTE"); a SchemaError when no label has it."""
        for label, spec in self.spans.items():
            if spec.role == role:
                return label
        raise SchemaError(
            f"label schema {self.name} {self.version}: no span label has role {role!r} "
            f"(add `role: {role}` to the label that plays it)"
        )

    def has_role(self, role: str) -> bool:
        return any(spec.role == role for spec in self.spans.values())

    def relation_between(self, head: str, tail: str) -> str | None:
        """The relation the schema allows from a `head` span to a `tail` span (the first, if several)."""
        for name, rel in self.relations.items():
            if head in rel.from_ and tail in rel.to:
                return name
        return None

    @property
    def span_labels(self) -> list[str]:
        return list(self.spans)

    @property
    def relation_labels(self) -> list[str]:
        return list(self.relations)

    @property
    def layer_names(self) -> list[str]:
        """The annotation layers, in schema order; a schema without layers has one, "all"."""
        return list(self.layers) or [ALL_LAYER]

    def layer(self, name: str) -> LayerSpec:
        """The layer called `name` ("all" is every label, whether or not the schema declares layers)."""
        if name in self.layers:
            return self.layers[name]
        if name == ALL_LAYER:
            return LayerSpec(description="every label", labels=self.span_labels)
        raise KeyError(f"no layer {name!r} in the label schema (layers: {', '.join(self.layer_names)})")

    def layer_of(self, label: str) -> str:
        """The layer that owns a span label (where it is drawn and pulled from)."""
        for name, layer in self.layers.items():
            if label in layer.labels:
                return name
        return ALL_LAYER

    def layer_relations(self, name: str) -> list[tuple[str, str, str]]:
        """(relation, head label, tail label) pairs drawn in a layer: heads it owns, tails it shows."""
        layer = self.layer(name)
        shown = set(layer.labels) | set(layer.links_to)
        return [
            (rel_name, head, tail)
            for rel_name, rel in self.relations.items()
            for head in rel.from_
            if head in layer.labels
            for tail in rel.to
            if tail in shown
        ]

    def group_relation_for(self, label: str) -> str | None:
        """The group relation that links segments of `label` spans, if the schema declares one."""
        for name, rel in self.relations.items():
            if rel.group and label in rel.from_ and label in rel.to:
                return name
        return None

    def choice_values(self, label: str, attr: str) -> list[str]:
        return self.spans[label].attrs[attr].values

    def fingerprint(self) -> str:
        """A hash of the schema's content: exports and projects record it to detect drift."""
        canonical = self.model_dump_json(by_alias=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def load_schema(path: Path | str) -> LabelSchema:
    """A label schema from a YAML file; an unreadable or invalid file is an InputError naming it."""
    try:
        with open(path, encoding="utf-8") as fh:
            return LabelSchema.model_validate(yaml.safe_load(fh))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the label schema ({exc.strerror})") from None
    except (yaml.YAMLError, PydanticValidationError) as exc:
        first = str(exc).splitlines()
        raise InputError(f"{path}: not a valid label schema ({' '.join(first[:3])})") from None


def schema_yaml(schema: LabelSchema) -> str:
    """The schema as YAML, in its own order: what an exported version ships beside its manifest."""
    data = schema.model_dump(by_alias=True, exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


@cache
def get_schema() -> LabelSchema:
    """The packaged label schema (schemas/labels.yaml): the default when no schema is passed."""
    return load_schema(SCHEMA_PATH)


def resolve_schema(path: Path | str | None = None) -> LabelSchema:
    """The schema a command works with: `path` (--schema), else CURATION_SCHEMA, else the packaged one."""
    if path is None:
        from curation.settings import get_settings

        path = get_settings().schema_path
    return get_schema() if path is None else load_schema(path)
