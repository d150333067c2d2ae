"""What the extraction components put on a Doc, and how later components and the converter read it.

Contract between components (each guarded: extensions are global in spaCy):
- `doc._.attributions`: list[Attribution], filled by the quote components (direct first, then
  indirect/mixed), speakers and cues resolved by the speaker component.
- `doc._.claims`: list[Claim], filled by the claim component (which may read `doc._.attributions`
  to relate claims inside quotes to their speaker); `doc._.claim_rejections`: list[Rejection], the
  clauses it turned down and why.
All offsets are character offsets into `doc.text` (Python string indices).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields

import srsly
from spacy.tokens import Doc


@dataclass
class Mention:
    """A stretch of text (speaker mention, cue) with its character offsets."""

    start: int
    end: int
    text: str


@dataclass
class Attribution:
    """One quote: its content, kind, and who said it through which cue."""

    start: int
    end: int
    text: str
    kind: str  # one of the label schema's QUOTE.kind values
    score: float
    speaker: Mention | None = None
    canonical: str | None = None  # fullest name of the speaker in the document
    cue: Mention | None = None
    speaker_score: float | None = None
    rule: str = ""  # which rule found it: for debugging and the calibration bench
    extra: dict[str, object] = field(default_factory=dict)


@dataclass
class Claim:
    """A check-worthy factual assertion, optionally inside a quote (then it has that speaker)."""

    start: int
    end: int
    text: str
    checkworthy: str  # one of the label schema's CLAIM.checkworthy values
    score: float
    speaker: Mention | None = None
    canonical: str | None = None
    rule: str = ""


@dataclass
class Rejection:
    """A clause the claim component read and turned down, with the rule that turned it down ("modal",
    "opinion", ...; prefixed "author:" or "quote:" like Claim.rule), so a test or a person can ask why."""

    start: int
    end: int
    text: str
    rule: str


def register_extensions() -> None:
    """Declare the Doc extensions once per process (spaCy extensions are global)."""
    if not Doc.has_extension("attributions"):
        Doc.set_extension("attributions", default=None)
    if not Doc.has_extension("claims"):
        Doc.set_extension("claims", default=None)
    if not Doc.has_extension("claim_rejections"):
        Doc.set_extension("claim_rejections", default=None)


register_extensions()


def register_fragment_extension() -> None:
    """`doc._.quoted_fragments`: short quoted stretches inside a clause (scare quotes or the verbatim
    part of a mixed quote), set by the direct-quote component for the indirect one to read."""
    if not Doc.has_extension("quoted_fragments"):
        Doc.set_extension("quoted_fragments", default=None)


register_fragment_extension()


# Docs cross process boundaries as msgpack (nlp.pipe with n_process > 1): teach srsly our types.
_TYPES: dict[str, type] = {t.__name__: t for t in (Mention, Attribution, Claim, Rejection)}
_TAG = "__curation_type__"


def _encode(obj: object, chain: Callable[[object], object] | None = None) -> object:
    name = type(obj).__name__
    if _TYPES.get(name) is type(obj):
        return {_TAG: name, **{f.name: getattr(obj, f.name) for f in fields(obj)}}  # type: ignore[arg-type]
    return obj if chain is None else chain(obj)


def _decode(obj: object, chain: Callable[[object], object] | None = None) -> object:
    if isinstance(obj, dict) and _TAG in obj:
        values = dict(obj)
        return _TYPES[values.pop(_TAG)](**values)
    return obj if chain is None else chain(obj)


srsly.msgpack_encoders.register("curation_extract_types", func=_encode)
srsly.msgpack_decoders.register("curation_extract_types", func=_decode)
