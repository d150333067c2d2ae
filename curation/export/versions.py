"""Version numbers, version directories and their manifest.json.

A dataset NAME lives in OUT/NAME/vX.Y.Z/; a version directory is written once and never changed.
The manifest records what the version is made of and the sha256 of every other file in it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from curation.errors import InputError
from curation.jsonl import parse_json

MANIFEST = "manifest.json"
FIRST_VERSION = "0.1.0"
Bump = Literal["major", "minor", "patch"]
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        match = _SEMVER.match(text.removeprefix("v"))
        if not match:
            raise InputError(f"version {text!r} is not of the form X.Y.Z (for example 1.2.0)")
        return cls(*(int(g) for g in match.groups()))

    def bump(self, part: Bump) -> Version:
        if part == "major":
            return Version(self.major + 1, 0, 0)
        if part == "minor":
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + 1)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    @property
    def dirname(self) -> str:
        return f"v{self}"


def existing_versions(dataset_dir: Path) -> list[Version]:
    """Complete versions of a dataset (directories with a manifest), oldest first."""
    if not dataset_dir.is_dir():
        return []
    found = []
    for child in dataset_dir.iterdir():
        if child.is_dir() and _SEMVER.match(child.name.removeprefix("v")) and (child / MANIFEST).is_file():
            found.append(Version.parse(child.name))
    return sorted(found)


def next_version(parent: Version | None, bump: Bump, explicit: str | None, dataset_dir: Path) -> Version:
    """The version to write: explicit if given (must be newer than the parent), else parent bumped."""
    if explicit is not None:
        version = Version.parse(explicit)
        if parent is not None and version <= parent:
            raise InputError(
                f"version {version} is not newer than the latest version {parent} in {dataset_dir}"
            )
    else:
        version = parent.bump(bump) if parent else Version.parse(FIRST_VERSION)
    if (dataset_dir / version.dirname).exists():
        raise InputError(f"{dataset_dir / version.dirname} already exists; versions are never overwritten")
    return version


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_hashes(version_dir: Path) -> dict[str, str]:
    """sha256 of every file under a version directory but the manifest, by relative POSIX path."""
    return {
        path.relative_to(version_dir).as_posix(): sha256_file(path)
        for path in sorted(version_dir.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


# The manifest keys readers rely on, with the type each must have.
_MANIFEST_SHAPE: dict[str, type] = {
    "version": str,
    "document_hashes": dict,
    "splits": dict,
    "files": dict,
}


def read_manifest(version_dir: Path) -> dict[str, Any]:
    """The version's manifest.json, checked for the shape its readers rely on (one clear error if not)."""
    path = version_dir / MANIFEST
    if not version_dir.is_dir():
        raise InputError(
            f"{version_dir}: not an export version directory (give exports/NAME/vX.Y.Z, not a file)"
        )
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{version_dir} is not an export version (no {MANIFEST})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    manifest = parse_json(raw, str(path))
    if not isinstance(manifest, dict):
        kind_found = type(manifest).__name__
        raise InputError(
            f"{path}: expected a JSON object, got {kind_found}; the version directory is damaged"
        )
    for key, kind in _MANIFEST_SHAPE.items():
        if key in manifest and not isinstance(manifest[key], kind):
            raise InputError(
                f"{path}: '{key}' should be a {kind.__name__}, not {type(manifest[key]).__name__}; "
                "the version directory is damaged"
            )
    if "version" not in manifest:
        raise InputError(f"{path}: no 'version'; the version directory is damaged")
    return manifest


def verify_files(version_dir: Path) -> list[str]:
    """Files whose content no longer matches the manifest (missing, changed or unlisted)."""
    expected = read_manifest(version_dir).get("files", {})
    actual = file_hashes(version_dir)
    return sorted(name for name in set(expected) | set(actual) if expected.get(name) != actual.get(name))
