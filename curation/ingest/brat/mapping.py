"""The mapping file: which brat labels and event roles become which schema labels and relations.

schemas/mappings/polnear.yaml (shipped under curation/data/mappings) is the default; every label, kind
and relation a mapping names is checked against the label schema when it is loaded.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from curation.errors import InputError
from curation.ingest.brat.marks import QuoteClass
from curation.schema import LabelSchema, get_schema

DEFAULT_MAPPING = Path(__file__).resolve().parents[2] / "data" / "mappings" / "polnear.yaml"


class QuoteRule(BaseModel):
    """Which schema label gets a kind from its quotation marks, and the kind values to use."""

    model_config = ConfigDict(extra="forbid")

    label: str
    kind_attr: str
    kinds: dict[QuoteClass, str]


class EventRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    heads: list[str]
    relations: dict[str, str] = Field(default_factory=dict)


class BratMapping(BaseModel):
    """A brat corpus's labels and events expressed in the label schema (validated against it)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    spans: dict[str, str]
    ignore: list[str] = Field(default_factory=list)
    quote: QuoteRule | None = None
    events: dict[str, EventRule] = Field(default_factory=dict)

    def check(self, schema: LabelSchema, where: str) -> None:
        """Raise an InputError when the mapping names a label, value or relation the schema lacks."""
        problems = [f"label {lab!r}" for lab in self.spans.values() if lab not in schema.spans]
        if self.quote is not None:
            spec = schema.spans.get(self.quote.label)
            attr = spec.attrs.get(self.quote.kind_attr) if spec else None
            if attr is None:
                problems.append(f"attribute {self.quote.label}.{self.quote.kind_attr}")
            else:
                problems += [f"kind {v!r}" for v in self.quote.kinds.values() if v not in attr.values]
        for rule in self.events.values():
            problems += [f"relation {r!r}" for r in rule.relations.values() if r not in schema.relations]
        if problems:
            raise InputError(f"{where}: names what the label schema does not have: {', '.join(problems)}")


@cache
def _load_mapping_cached(path: Path) -> BratMapping:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the brat mapping ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc})") from None
    try:
        mapping = BratMapping.model_validate(raw)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"]) or "mapping"
        raise InputError(f"{path}: invalid brat mapping ({loc}: {first['msg']})") from None
    return mapping


def load_mapping(path: Path | str | None = None, schema: LabelSchema | None = None) -> BratMapping:
    """The mapping at `path` (default: the PolNeAR mapping shipped with the project), checked against
    `schema` (the packaged one when None): every label, kind and relation it names must exist there."""
    where = Path(path) if path is not None else DEFAULT_MAPPING
    mapping = _load_mapping_cached(where)
    mapping.check(schema or get_schema(), str(where))
    return mapping
