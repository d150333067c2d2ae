"""Personal data in an exported version: pseudonymised annotators, local paths stripped, and a report.

Records pulled from Label Studio name their annotators by e-mail address, and ingested files carry
the path they were read from (home directories, user names). A dataset meant for publication should
hold neither, so an export replaces each annotator by a stable pseudonym (`annotator-1`, ...) and keeps
only the file name of a local `source`. The pseudonyms are kept in the state dir (CURATION_HOME,
mode 0600), so one annotator keeps one id across versions and the team can still map ids back; the
mapping never goes into an export. `--keep-annotator-ids` and `--keep-paths` opt out.

What a version still holds (annotator names, directories, e-mail addresses found in meta or
provenance) is counted while it is written and stored in its manifest, so `--push-to-hub` and
`--dry-run` can say it before anything leaves the machine.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.atomic import atomic_write
from curation.errors import InputError
from curation.records import Document, Provenance

PSEUDONYMS_FILE = "annotators.json"
# Provenance keys naming a person (Label Studio users, adjudicators, reviewers).
PERSON_KEYS = ("annotator", "annotators", "reviewer", "reviewers", "adjudicator", "completed_by")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


@dataclass
class PersonalData:
    """What personal data one version holds (counts, and a few examples that are safe to show)."""

    annotators: int = 0
    annotators_pseudonymised: bool = True
    sources_with_directories: int = 0
    paths_stripped: bool = True
    emails: int = 0  # e-mail addresses left in meta or provenance (outside the pseudonymised keys)
    email_fields: list[str] = field(default_factory=list)  # where they were found: "meta.author", ...

    def as_manifest(self) -> dict[str, Any]:
        return {
            "annotators": self.annotators,
            "annotators_pseudonymised": self.annotators_pseudonymised,
            "sources_with_directories": self.sources_with_directories,
            "paths_stripped": self.paths_stripped,
            "emails": self.emails,
            "email_fields": sorted(set(self.email_fields)),
        }

    @classmethod
    def from_manifest(cls, entry: dict[str, Any]) -> PersonalData:
        return cls(
            annotators=int(entry.get("annotators", 0)),
            annotators_pseudonymised=bool(entry.get("annotators_pseudonymised", True)),
            sources_with_directories=int(entry.get("sources_with_directories", 0)),
            paths_stripped=bool(entry.get("paths_stripped", True)),
            emails=int(entry.get("emails", 0)),
            email_fields=[str(x) for x in entry.get("email_fields", [])],
        )

    def lines(self) -> list[str]:
        """One line per kind of personal data, saying what it is and how to change it."""
        if self.annotators_pseudonymised:
            who = f"{self.annotators} annotators, as pseudonyms (annotator-N; --keep-annotator-ids for names)"
        else:
            who = f"{self.annotators} annotators BY NAME or e-mail (--keep-annotator-ids was given)"
        if self.paths_stripped:
            where = f"{self.sources_with_directories} sources had local directories, stripped to file names"
        else:
            where = f"{self.sources_with_directories} sources WITH local directories (--keep-paths was given)"
        found = [who, where]
        if self.emails:
            fields = ", ".join(sorted(set(self.email_fields))[:5])
            found.append(f"{self.emails} e-mail addresses in {fields}: remove them from the records first")
        return found

    @property
    def exposed(self) -> bool:
        """True when names, directories or e-mail addresses would leave the machine as they are."""
        return (
            (self.annotators > 0 and not self.annotators_pseudonymised)
            or (self.sources_with_directories > 0 and not self.paths_stripped)
            or self.emails > 0
        )


class Pseudonyms:
    """annotator name -> stable pseudonym (`annotator-N`), from the mapping kept in the state dir."""

    def __init__(self, known: dict[str, str]) -> None:
        self.known = dict(known)
        self.added = False

    def __call__(self, name: str) -> str:
        if name not in self.known:
            self.known[name] = f"annotator-{len(self.known) + 1}"
            self.added = True
        return self.known[name]


@contextlib.contextmanager
def pseudonyms(home: Path) -> Iterator[Pseudonyms]:
    """The mapping in HOME/annotators.json (mode 0600), locked while in use, saved if it grew.

    The lock keeps two exports at once from handing the same pseudonym to two people.
    """
    path = Path(home) / PSEUDONYMS_FILE
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        mapping = Pseudonyms(_read_pseudonyms(path))
        yield mapping
        if mapping.added:
            with atomic_write(path) as fh:
                os.chmod(fh.fileno(), 0o600)
                json.dump({"annotators": mapping.known}, fh, indent=1, ensure_ascii=False, sort_keys=True)


def _read_pseudonyms(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        found = json.loads(path.read_text(encoding="utf-8"))["annotators"]
        return {str(k): str(v) for k, v in found.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(
            f"{path}: unreadable annotator pseudonyms ({type(exc).__name__}); restore it from a "
            "backup (deleting it would give annotators new ids)"
        ) from None


@dataclass
class Redactor:
    """Applies the export's privacy options to each record and counts what personal data remains."""

    pseudonyms: Pseudonyms | None  # None: --keep-annotator-ids
    strip_paths: bool
    report: PersonalData = field(default_factory=PersonalData)
    _annotators: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.report.annotators_pseudonymised = self.pseudonyms is not None
        self.report.paths_stripped = self.strip_paths

    def __call__(self, doc: Document) -> Document:
        provenance, source = self.fields(doc.provenance.model_dump(), doc.source, doc.meta)
        return doc.model_copy(update={"provenance": provenance, "source": source})

    def fields(
        self, provenance: dict[str, Any], source: str | None, meta: dict[str, Any]
    ) -> tuple[Provenance, str | None]:
        """The redacted provenance and source of a record (given as `provenance.model_dump()`, source and
        meta): what an export's workers send back, so that pseudonyms are handed out here, in order."""
        provenance = dict(provenance)
        for key in PERSON_KEYS:
            if provenance.get(key) not in (None, ""):
                provenance[key] = self._person(provenance[key])
        if isinstance(provenance.get("adjudication"), dict):
            provenance["adjudication"] = self._adjudication(provenance["adjudication"])
        if source and is_local_path(source):
            self.report.sources_with_directories += 1
            if self.strip_paths:
                source = strip_directories(source)
        self._count_emails(meta, "meta")
        self._count_emails({k: v for k, v in provenance.items() if k not in PERSON_KEYS}, "provenance")
        self.report.annotators = len(self._annotators)
        return Provenance.model_validate(provenance), source

    def _adjudication(self, value: dict[str, Any]) -> dict[str, Any]:
        """The people named inside provenance.adjudication: voters, the preferred one, the excluded
        ones and every conflict's votes."""
        out = dict(value)
        for key in ("annotators", "chosen"):
            if out.get(key) not in (None, ""):
                out[key] = self._person(out[key])
        if isinstance(out.get("excluded"), dict):
            out["excluded"] = {self._person(who): why for who, why in out["excluded"].items()}
        out["conflicts"] = [
            {**c, "votes": {self._person(who): said for who, said in c.get("votes", {}).items()}}
            for c in out.get("conflicts") or []
        ]
        return out

    def _person(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._person(v) for v in value]
        name = str(value)
        self._annotators.add(name)
        return self.pseudonyms(name) if self.pseudonyms is not None else value

    def _count_emails(self, value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                self._count_emails(item, f"{where}.{key}")
        elif isinstance(value, list):
            for item in value:
                self._count_emails(item, where)
        elif isinstance(value, str) and EMAIL.search(value):
            self.report.emails += len(EMAIL.findall(value))
            self.report.email_fields.append(where)


def is_local_path(source: str) -> bool:
    """A file path with at least one directory (not a URL, not a bare file name)."""
    return not URL.match(source) and ("/" in source or "\\" in source)


def strip_directories(source: str) -> str:
    """Keep the file name only: 'home/ana/news/a.txt' -> 'a.txt' (a brat 'dir/doc' -> 'doc')."""
    return re.split(r"[\\/]", source.rstrip("/\\"))[-1] or source
