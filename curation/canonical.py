"""A record read from its canonical line without building its models.

Curation writes every record as its models' own JSON dump (`Document.model_dump_json()`): declared fields
in their order, unset optional fields left out, extra fields last, no spaces. Read as JSON (msgspec), such a
line is the record's dump already. Export's first pass reads every record of a corpus, and building the
pydantic models of one (about 200 for a PolNeAR article: spans, relations) cost more than all else it
does with it.

It accepts a line only when it can show that the models would accept it and hold exactly the values
msgspec read, and that the line is their own dump byte for byte:
- every value has the very type its field holds (a float field holds a float, never an int that
  validation would turn into one; a field left out when unset is not null; no field missing or out of
  order; no extra field on a model that ignores them), and the fields' bounds hold (`Shape`, made from
  the models' fields, so a new field is checked with no change here);
- the models' own checks hold: a span ends after it starts, and `curation.records.problems` finds
  nothing (the same function the models call, reading the dicts);
- pydantic's serializer writes these values back to the very bytes of the line.
Anything else (another spelling, a problem, a model feature `Shape` does not know) gets None: the caller
reads that line through the models, which say what is wrong in their own words.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from functools import cache, partial
from itertools import chain, product, repeat
from operator import attrgetter, gt, is_not, itemgetter
from types import NoneType, UnionType
from typing import Annotated, Any, NamedTuple, Union, get_args, get_origin

import msgspec
from annotated_types import Ge, Le
from pydantic import BaseModel
from pydantic_core import to_json

from curation.records import (
    RELATION_FIELDS,
    SPAN_FIELDS,
    Document,
    Span,
    problems,
    unset,
)
from curation.schema import LabelSchema

Column = Callable[[list[Any]], bool]  # checks the values one field has in a list of dumps
_UNKNOWN = object()
MAX_LAYOUTS = 64  # key orders remembered per model (records from outside tools may vary their extras)
_present = partial(is_not, None)


class Unsupported(Exception):
    """A model uses something `Shape` cannot check (then no line is read without the models)."""


def _spans_ordered(spans: list[dict[str, Any]]) -> bool:
    """Span._ordered over a list of span dumps: each ends after it starts."""
    return all(map(gt, map(itemgetter("end"), spans), map(itemgetter("start"), spans)))


# The models' own validators, as checks of lists of their dumps (None: `canonical_record` runs it).
AFTER: dict[tuple[type[BaseModel], str], Column | None] = {
    (Span, "_ordered"): _spans_ordered,
    (Document, "_consistent"): None,  # records.problems, with the schema of the call
}


class Shape:
    """The dump of one pydantic model as its JSON line holds it: which keys in which order, the exact
    type of each value, the fields' bounds; nested models, lists and dicts of them checked in turn.

    Made for checking many dumps at once (the spans of a record): they are grouped by key order (a
    record's hundreds of spans have one to three), and each group is checked column by column with
    builtins that loop in C (types, bounds, nested values), not a Python loop per span."""

    def __init__(self, model: type[BaseModel]) -> None:
        decorators = model.__pydantic_decorators__
        if (
            decorators.field_validators
            or decorators.validators
            or decorators.root_validators
            or decorators.field_serializers
            or decorators.model_serializers
            or model.model_computed_fields
        ):
            raise Unsupported(f"{model.__name__}: validators or serializers on fields")
        unknown = [name for name in decorators.model_validators if (model, name) not in AFTER]
        if unknown:
            raise Unsupported(f"{model.__name__}: model validators {unknown}")
        after = [AFTER[model, name] for name in decorators.model_validators]
        self.after = [check for check in after if check is not None]
        config = dict(model.model_config)
        extra = config.pop("extra", "ignore")
        if config or extra not in ("ignore", "allow"):  # any other setting may change what validation keeps
            raise Unsupported(f"{model.__name__}: model config {model.model_config}")
        self.extra = extra == "allow"
        self.names = tuple(model.model_fields)
        self.omittable: set[str] = set()  # left out of the dump while None
        self.types: dict[str, tuple[type, ...]] = {}  # the exact types a value may have (() = any)
        self.nested: dict[str, Column] = {}
        self.bounds: dict[str, tuple[Any, Any]] = {}
        for name, info in model.model_fields.items():
            where = f"{model.__name__}.{name}"
            if info.alias is not None or info.exclude or info.validation_alias or info.serialization_alias:
                raise Unsupported(f"{where}: aliases or exclusion")
            if info.exclude_if is not None:
                if info.exclude_if is not unset:
                    raise Unsupported(f"{where}: exclude_if other than when unset")
                self.omittable.add(name)
            types, nested = _value_check(info.annotation, where)
            if name in self.omittable:  # present in a dump only when set
                types = tuple(t for t in types if t is not NoneType)
            self.types[name] = types
            if nested is not None:
                self.nested[name] = nested
            low, high = None, None
            for rule in info.metadata:
                if isinstance(rule, Ge):
                    low = rule.ge
                elif isinstance(rule, Le):
                    high = rule.le
                else:
                    raise Unsupported(f"{where}: constraint {rule!r}")
            if low is not None or high is not None:
                self.bounds[name] = (low, high)
        self.layouts: dict[tuple[str, ...], Layout | None] = {}

    def __call__(self, dumps: list[Any]) -> bool:
        """Whether every value is a dump of the model as its own JSON line holds it."""
        if not set(map(type, dumps)) <= {dict}:
            return False
        orders = set(map(tuple, dumps))  # each dump's keys
        for keys in orders:
            layout = self.layout(keys)
            if layout is None:
                return False
            group = dumps if len(orders) == 1 else [d for d in dumps if tuple(d) == keys]
            if not layout.holds(group):
                return False
        return all(check(dumps) for check in self.after)

    def layout(self, keys: tuple[str, ...]) -> Layout | None:
        """How to check dumps with these keys in this order (None: the models never write it)."""
        layout = self.layouts.get(keys, _UNKNOWN)
        if layout is _UNKNOWN:
            layout = self._layout(keys)
            if len(self.layouts) < MAX_LAYOUTS:
                self.layouts[keys] = layout
        return layout  # type: ignore[return-value]

    def _layout(self, keys: tuple[str, ...]) -> Layout | None:
        present = []
        at = 0
        for name in self.names:
            if at < len(keys) and keys[at] == name:
                present.append(name)
                at += 1
            elif name not in self.omittable:
                return None  # a field the dump always writes is missing or out of order
        extras = keys[at:]
        if extras and (not self.extra or any(key in self.types for key in extras)):
            return None
        typed = [name for name in present if self.types[name]]
        allowed = frozenset(product(*(self.types[name] for name in typed)))
        bounds = [(name, *self.bounds[name]) for name in present if name in self.bounds]
        nested = [(name, self.nested[name]) for name in present if name in self.nested]
        return Layout(_values(typed), allowed, bounds, nested)


class Layout:
    """The checks of dumps with one key order, column by column."""

    __slots__ = ("values", "allowed", "bounds", "nested")

    def __init__(
        self,
        values: Callable[[dict[str, Any]], tuple[Any, ...]],
        allowed: frozenset[tuple[type, ...]],
        bounds: list[tuple[str, Any, Any]],
        nested: list[tuple[str, Column]],
    ) -> None:
        self.values, self.allowed, self.bounds, self.nested = values, allowed, bounds, nested

    def holds(self, dumps: list[dict[str, Any]]) -> bool:
        # the tuple of types of each dump's typed values, every one among the allowed
        if not set(map(tuple, map(map, repeat(type), map(self.values, dumps)))) <= self.allowed:
            return False
        for name, low, high in self.bounds:
            numbers = list(filter(_present, map(itemgetter(name), dumps)))
            if numbers and (
                (low is not None and min(numbers) < low) or (high is not None and max(numbers) > high)
            ):
                return False
        return all(check(list(map(itemgetter(name), dumps))) for name, check in self.nested)


def _values(names: list[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """The values of these keys as a tuple (itemgetter gives a lone value for one key)."""
    if len(names) > 1:
        return itemgetter(*names)
    return lambda dump: tuple(dump[name] for name in names)


SCALARS = (str, int, float, bool)


def _value_check(annotation: Any, where: str) -> tuple[tuple[type, ...], Column | None]:
    """The exact types a field's value may have in a dump read from JSON (() types: any value), and the
    check of a column of such values for what they hold (list items, dict values, nested models)."""
    if annotation is Any:
        return (), None
    if annotation in SCALARS:
        return (annotation,), None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return (dict,), Shape(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType):
        members = [arg for arg in args if arg is not NoneType]
        if len(members) != 1 or len(args) != 2:
            raise Unsupported(f"{where}: union {annotation}")
        types, nested = _value_check(members[0], where)
        if not types:
            return (), None
        if nested is not None:
            inner = nested
            nested = lambda column: inner(list(filter(_present, column)))  # noqa: E731
        return (*types, NoneType), nested
    if origin is list:
        (item,) = args
        return (list,), _members(item, where, chain.from_iterable)
    if origin is dict:
        key, item = args
        if key is not str:  # JSON keys are text
            raise Unsupported(f"{where}: dict keys {key}")
        return (dict,), _members(item, where, lambda column: chain.from_iterable(map(dict.values, column)))
    raise Unsupported(f"{where}: {annotation}")


def _members(item: Any, where: str, members: Callable[[list[Any]], Iterable[Any]]) -> Column | None:
    """The check of a column of lists or dicts by their members (None: any member will do)."""
    types, nested = _value_check(item, where)
    if not types:
        return None
    allowed = set(types)
    if nested is None:
        return lambda column: set(map(type, members(column))) <= allowed
    inner = nested
    return lambda column: _typed_and(list(members(column)), allowed, inner)


def _typed_and(values: list[Any], allowed: set[type], nested: Column) -> bool:
    return set(map(type, values)) <= allowed and nested(values)


@cache
def document_shape() -> Shape | None:
    """The shape of a record's dump (None: the models use something it cannot check; every line is then
    read through them)."""
    try:
        return Shape(Document)
    except Unsupported:
        return None


SPAN_VALUES = itemgetter(*SPAN_FIELDS)
RELATION_VALUES = itemgetter(*RELATION_FIELDS)
START = b'{"' + next(iter(Document.model_fields)).encode() + b'":'  # every canonical line starts so


class Canonical(NamedTuple):
    """A canonical line read: the record's top-level fields (nested models as dicts, or as the Structs
    of `LineTypes` when the typed path read it), and whether every float in it is one json.dumps
    spells as msgspec does (`spelled_alike`: the content hash may then be written by msgspec)."""

    dump: dict[str, Any]
    plain: bool


def spelled_alike(value: float) -> bool:
    """Whether json.dumps (Python's repr) and msgspec write this float alike: zero and every finite
    float from 1e-4 up to 1e16 (below, msgspec writes 0.00001 for 1e-05; from 1e16, 1e16 for 1e+16).
    pydantic writes those as Python does too, so a line's own bytes are msgspec's for them."""
    return value == 0 or 1e-4 <= abs(value) < 1e16


class _Reader(threading.local):
    """JSON decoders per thread whose float hook notes a float `spelled_alike` refuses (msgspec reads
    JSON to the same Python values as orjson and json, a fifth faster than orjson on a record, and
    big ints too; the hook sees the floats of untyped values only)."""

    def __init__(self) -> None:
        self.odd = False
        self.decoder = msgspec.json.Decoder(float_hook=self._float)
        types = line_types()
        self.typed = msgspec.json.Decoder(types.document, float_hook=self._float) if types else None

    def _float(self, spelled: str) -> float:
        value = float(spelled)  # correctly rounded: the value every JSON reader gives
        if not spelled_alike(value):
            self.odd = True
        return value

    def read(self, raw: bytes, decoder: msgspec.json.Decoder) -> tuple[Any, bool]:
        self.odd = False
        value = decoder.decode(raw)
        return value, not self.odd


class LineTypes:
    """msgspec Structs made from the record models' fields: a model's declared fields in its order,
    the exact types they hold, their bounds (msgspec.Meta), a field left out while unset optional with
    None (omitted when None), any other field required (its canonical line always writes it), no
    unknown field (extras: the dict path reads those lines). msgspec checks all that in C while it reads
    a line; its encoder then writes the values back in the models' spelling. Anything `Shape` refuses
    is refused here too (the typed path is only on when `document_shape()` is)."""

    def __init__(self) -> None:
        self.structs: dict[type[BaseModel], type[msgspec.Struct]] = {}
        self.floats: dict[type[msgspec.Struct], Column | None] = {}  # of a column of instances (None: none)
        self.document = self.struct(Document)
        self.encoder = msgspec.json.Encoder()

    def struct(self, model: type[BaseModel]) -> type[msgspec.Struct]:
        made = self.structs.get(model)
        if made is not None:
            return made
        fields: list[tuple[Any, ...]] = []
        checks: list[Column] = []
        for name, info in model.model_fields.items():
            where = f"{model.__name__}.{name}"
            annotation, check = self.value_type(info.annotation, where)
            if check is not None:
                checks.append(_column_of(name, check))
            bounds: dict[str, Any] = {}
            for rule in info.metadata:
                if isinstance(rule, Ge):
                    bounds["ge"] = rule.ge
                elif isinstance(rule, Le):
                    bounds["le"] = rule.le
                else:
                    raise Unsupported(f"{where}: constraint {rule!r}")
            if bounds:
                annotation = _bounded(annotation, bounds)
            fields.append((name, annotation, None) if info.exclude_if is not None else (name, annotation))
        made = msgspec.defstruct(
            f"{model.__name__}Line", fields, kw_only=True, omit_defaults=True, forbid_unknown_fields=True
        )
        self.structs[model] = made
        self.floats[made] = _all_of(checks)
        return made

    def value_type(self, annotation: Any, where: str) -> tuple[Any, Column | None]:
        """The msgspec type of a field, and the check of a column of its values' typed floats."""
        if annotation is float:
            return float, _floats_alike
        if annotation is Any or annotation in (str, int, bool):
            return annotation, None
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            made = self.struct(annotation)
            return made, self.floats[made]
        origin, args = get_origin(annotation), get_args(annotation)
        if origin in (Union, UnionType):
            members = [arg for arg in args if arg is not NoneType]
            if len(members) != 1 or len(args) != 2:
                raise Unsupported(f"{where}: union {annotation}")
            inner, check = self.value_type(members[0], where)
            if check is None:
                return inner | None, None
            present = check
            return inner | None, lambda column: present(list(filter(_present, column)))
        if origin is list:
            inner, check = self.value_type(args[0], where)
            return list[inner], _of_members(check, chain.from_iterable)  # type: ignore[valid-type]
        if origin is dict and args[0] is str:
            inner, check = self.value_type(args[1], where)
            values = partial(map, dict.values)
            return dict[str, inner], _of_members(check, lambda c: chain.from_iterable(values(c)))  # type: ignore[valid-type]
        raise Unsupported(f"{where}: {annotation}")


def _of_members(check: Column | None, members: Callable[[list[Any]], Iterable[Any]]) -> Column | None:
    """The check of a column of lists or dicts by a check of their members (None: nothing to check)."""
    if check is None:
        return None
    inner = check
    return lambda column: inner(list(members(column)))


def _all_of(checks: list[Column]) -> Column | None:
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]
    return lambda column: all(check(column) for check in checks)


def _floats_alike(column: list[Any]) -> bool:
    """`spelled_alike` over a column of floats (None among them): by the smallest and largest magnitude
    other than zero, with loops in C (a call per score of a record cost a tenth of its read)."""
    magnitudes = list(map(abs, filter(None, column)))  # None and zeros left out: zero is spelled alike
    return not magnitudes or (min(magnitudes) >= 1e-4 and max(magnitudes) < 1e16)


def _column_of(name: str, check: Column) -> Column:
    """The check of a field's values over a column of Struct instances."""
    get = attrgetter(name)
    return lambda column: check(list(map(get, column)))


def _bounded(annotation: Any, bounds: dict[str, Any]) -> Any:
    """The type with msgspec bounds (on the value, not on None of an optional)."""
    if get_origin(annotation) in (Union, UnionType):
        (member,) = [arg for arg in get_args(annotation) if arg is not NoneType]
        return Annotated[member, msgspec.Meta(**bounds)] | None
    return Annotated[annotation, msgspec.Meta(**bounds)]


@cache
def line_types() -> LineTypes | None:
    """The Structs of a record's line (None: a model uses something they cannot say)."""
    if document_shape() is None:
        return None
    try:
        return LineTypes()
    except Unsupported:
        return None


_reader = _Reader()
SPAN_ATTRS = attrgetter(*SPAN_FIELDS)
RELATION_ATTRS = attrgetter(*RELATION_FIELDS)


def _typed_read(raw: bytes, schema: LabelSchema) -> Canonical | None | bool:
    """The typed path: a Canonical, None (the line is faulty: the models say how), or False (it cannot
    tell: the dict path reads the line)."""
    types = line_types()
    if types is None or _reader.typed is None:
        return False
    try:
        doc, plain = _reader.read(raw, _reader.typed)
    except (msgspec.DecodeError, RecursionError):  # another type, an extra field, not JSON: the dict path
        return False
    floats = types.floats[types.document]
    if not plain or (floats is not None and not floats([doc])):
        return False  # a float json.dumps spells otherwise: the dict path (rare)
    if types.encoder.encode(doc) != raw.rstrip(b"\r\n"):
        return False
    spans = doc.spans
    if not _spans_ordered_attrs(spans) or problems(
        doc.text, spans, doc.relations, schema, SPAN_ATTRS, RELATION_ATTRS
    ):
        return None
    dump = dict(zip(doc.__struct_fields__, msgspec.structs.astuple(doc), strict=True))
    dump["provenance"] = msgspec.to_builtins(doc.provenance)  # its dump: unset fields left out
    return Canonical(dump, True)


def _spans_ordered_attrs(spans: list[Any]) -> bool:
    return all(map(gt, map(attrgetter("end"), spans), map(attrgetter("start"), spans)))


def canonical_read(raw: bytes, schema: LabelSchema) -> Canonical | None:
    """The record a line holds (see `Canonical`), when the line is a valid record's own canonical dump;
    None for any other line (read it through the models). The typed path first (msgspec Structs,
    `LineTypes`), then, for a line with extra fields or odd floats, the dict path (`Shape`)."""
    shape = document_shape()
    if shape is None or not raw.startswith(START):
        return None
    typed = _typed_read(raw, schema)
    if typed is not False:
        return typed  # type: ignore[return-value]
    try:
        record, plain = _reader.read(raw, _reader.decoder)
    except (msgspec.DecodeError, RecursionError):  # not JSON (or not UTF-8), or nested too deeply
        return None
    if not shape([record]) or to_json(record) != raw.rstrip(b"\r\n"):
        return None
    if problems(record["text"], record["spans"], record["relations"], schema, SPAN_VALUES, RELATION_VALUES):
        return None
    return Canonical(record, plain)


def canonical_record(raw: bytes, schema: LabelSchema) -> dict[str, Any] | None:
    """`canonical_read`'s dump alone."""
    read = canonical_read(raw, schema)
    return msgspec.to_builtins(read.dump) if read is not None else None
