"""The word lists the extraction rules read: one lexicon, as data (curation/data/lexicon.json).

Rules stay syntactic (dependency parse, quote-mark pairing); the lexicon only says which lemmas count
as reporting verbs, which words are titles to strip from canonical names, which words hedge a claim,
and so on. Each list is one entry of the JSON file, with a sentence saying what it is for: a new cue
is one word there.

Like spaCy's SpanRuler with its patterns, every curation component that reads words keeps its own
`Lexicon` and saves it with the pipeline (`<component>/lexicon.json` of `nlp.to_disk`), so a saved
pipeline carries its word lists and `spacy.load(dir)` reads them back, edits included. While a
component runs, its lexicon is the active one (`using`), which the rules' helper functions read with
`active()`; outside a component (a rule called directly) the packaged lexicon is active.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from curation.errors import InputError

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon.json"
LEXICON_FILE = "lexicon.json"  # its name inside a saved component's folder


@dataclass(frozen=True)
class Lexicon:
    """Every word list, typed; built from the JSON file (`from_json`), never edited in place."""

    # -- quotes, speakers, cues
    speech_verbs: frozenset[str]
    cognition_verbs: frozenset[str]
    not_speaker_words: frozenset[str]
    object_content_verbs: frozenset[str]
    intention_verbs: frozenset[str]
    prepositional_cues: frozenset[tuple[str, str]]
    work_nouns: frozenset[str]
    verbatim_verbs: frozenset[str]
    speech_nouns: frozenset[str]
    person_pronouns: dict[str, str]
    titles: frozenset[str]
    background_words: frozenset[str]
    place_prepositions: frozenset[str]
    content_prepositions: frozenset[str]
    # -- claims
    modal_lemmas: frozenset[str]
    opinion_verbs: frozenset[str]
    prediction_verbs: frozenset[str]
    obligation_verbs: frozenset[str]
    speculation_words: frozenset[str]
    reported_hedges: frozenset[str]
    evaluative_words: frozenset[str]
    evaluative_nouns: frozenset[str]
    advertising_words: frozenset[str]
    assertion_cues: frozenset[str]
    disputed_event_verbs: frozenset[str]
    position_words: frozenset[str]
    call_to_action_words: frozenset[str]
    wish_words: frozenset[str]
    conditional_marks: frozenset[str]
    background_subordinators: frozenset[str]
    numeric_entities: frozenset[str]
    anchor_entities: frozenset[str]
    official_subject_entities: frozenset[str]
    non_quantity_entities: frozenset[str]
    connectives: frozenset[str]
    # what each list is for, as the file says (kept so a saved lexicon reads like the packaged one)
    about: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def reporting_verbs(self) -> frozenset[str]:
        """Verbs that may introduce a direct quote without a clausal complement ("X told CNN: ...")."""
        return self.speech_verbs | self.cognition_verbs

    @cached_property
    def attribution_words(self) -> frozenset[str]:
        """Every word the rules take for a cue of attribution: verbs of saying and thinking, verbs whose
        object or infinitive is what was said or meant, nouns of saying."""
        return self.reporting_verbs | self.object_content_verbs | self.intention_verbs | self.speech_nouns

    @classmethod
    def from_json(cls, data: dict[str, Any], where: str = "lexicon") -> Lexicon:
        """The lexicon in `data` (the file's shape); an InputError naming `where` and each list that
        is missing, unknown or of the wrong shape."""
        names = [f.name for f in fields(cls) if f.name != "about"]
        lists = {k: v for k, v in data.items() if k != "about"}
        problems = [f"missing list {n!r}" for n in names if n not in lists]
        problems += [f"unknown list {k!r}" for k in lists if k not in names]
        values: dict[str, Any] = {}
        for name in names:
            entry = lists.get(name)
            if not isinstance(entry, dict):
                continue
            try:
                values[name] = _read_entry(name, entry)
            except (TypeError, ValueError) as exc:
                problems.append(f"list {name!r}: {exc}")
        if problems:
            raise InputError(f"{where}: " + "; ".join(problems) + " (compare with the packaged lexicon.json)")
        about = {"about": str(data.get("about", ""))} | {n: str(lists[n].get("about", "")) for n in names}
        return cls(**values, about=about)

    def to_json(self) -> dict[str, Any]:
        """The file's shape: each list with what it is for, words sorted."""
        out: dict[str, Any] = {"about": self.about.get("about", "")}
        for f in fields(self):
            if f.name == "about":
                continue
            value = getattr(self, f.name)
            entry: dict[str, Any] = {"about": self.about.get(f.name, "")}
            if isinstance(value, dict):
                entry["genders"] = dict(sorted(value.items()))
            else:
                entry["words"] = sorted(" ".join(w) if isinstance(w, tuple) else w for w in value)
            out[f.name] = entry
        return out

    def to_text(self) -> str:
        """JSON with one line per list: easy to read, edit and diff."""
        data = self.to_json()
        lines = [f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in data.items()]
        return "{\n" + ",\n".join(lines) + "\n}\n"

    @classmethod
    def from_text(cls, text: str, where: str = "lexicon") -> Lexicon:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise InputError(f"{where}: a JSON object of word lists was expected")
        return cls.from_json(data, where)

    def to_disk(self, path: Path) -> None:
        path.write_text(self.to_text(), encoding="utf-8")

    @classmethod
    def from_disk(cls, path: Path) -> Lexicon:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{path}: cannot read the lexicon ({exc.strerror})") from exc
        return cls.from_text(text, str(path))


def _read_entry(name: str, entry: dict[str, Any]) -> Any:
    if name == "person_pronouns":
        genders = entry.get("genders")
        if not isinstance(genders, dict):
            raise ValueError("expected 'genders': {pronoun: gender}")
        return {str(k).lower(): str(v) for k, v in genders.items()}
    words = entry.get("words")
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise ValueError("expected 'words': a list of strings")
    if name == "prepositional_cues":
        pairs = [tuple(w.split()) for w in words]
        if any(len(p) != 2 for p in pairs):
            raise ValueError("each entry is 'verb preposition'")
        return frozenset((p[0], p[1]) for p in pairs)
    return frozenset(words)


@cache
def packaged() -> Lexicon:
    """The lexicon shipped with curation (curation/data/lexicon.json), read once."""
    return Lexicon.from_disk(LEXICON_PATH)


_ACTIVE: ContextVar[Lexicon | None] = ContextVar("curation_lexicon", default=None)


def active() -> Lexicon:
    """The lexicon of the component running now (the packaged one outside any component)."""
    return _ACTIVE.get() or packaged()


@contextmanager
def using(lexicon: Lexicon) -> Iterator[Lexicon]:
    """Make `lexicon` the active one for the rules called inside the block."""
    token = _ACTIVE.set(lexicon)
    try:
        yield lexicon
    finally:
        _ACTIVE.reset(token)


class WithLexicon:
    """What a component that reads words inherits: its own lexicon (the packaged one when built), active
    while it annotates a Doc (`annotate`, which the component implements), saved and loaded with the
    pipeline as `lexicon.json` in the component's folder (and in its bytes)."""

    lexicon: Lexicon

    def __init__(self) -> None:
        self.lexicon = packaged()

    def __call__(self, doc: Doc) -> Doc:
        with using(self.lexicon):
            return self.annotate(doc)

    def annotate(self, doc: Doc) -> Doc:
        raise NotImplementedError

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.lexicon.to_disk(path / LEXICON_FILE)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> WithLexicon:
        file = Path(path) / LEXICON_FILE
        if file.exists():  # a pipeline saved before components kept their lexicon: the packaged one
            self.lexicon = Lexicon.from_disk(file)
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return self.lexicon.to_text().encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> WithLexicon:
        self.lexicon = Lexicon.from_text(data.decode("utf-8"))
        return self
