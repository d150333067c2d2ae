"""A real Label Studio for the studio tests: started once per session from a template data dir.

The template (migrated database, admin user, legacy token) is made once per machine and Label Studio
release (about 40 s to 2 min) in the system temp dir, then copied for every session (start: seconds).
The server binds 127.0.0.1 on a free port and is stopped by its process id. A missing server
environment FAILS the tests: `make test` installs it, so these tests never skip silently.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from curation.records import Document, content_id, span_id
from curation.studio.connection import Connection
from curation.studio.server import free_port, init_data_dir, launch, stop_pid, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
TEST_USER = "admin@curation.local"
TEST_PASSWORD = "curation-test-password"
TEST_TOKEN = "curationtesttoken0123456789abcdef"  # a throwaway token for a loopback test server


@dataclass(frozen=True)
class StudioServer:
    url: str
    token: str
    data_dir: Path
    pid: int

    @property
    def conn(self) -> Connection:
        return Connection(self.url, self.token)


def studio_venv() -> Path:
    venv = Path(os.environ.get("CURATION_STUDIO_VENV") or ROOT / ".studio-venv")
    if not (venv / "bin" / "label-studio").exists():
        pytest.fail(
            f"no Label Studio server in {venv}: run 'make studio-setup' (make test does) "
            "or set CURATION_STUDIO_VENV; these tests need the real server and do not skip"
        )
    return venv


def template_dir(venv: Path) -> Path:
    """The migrated data dir for this Label Studio release, built once (under a lock) and reused."""
    release = sorted(p.name for p in venv.glob("lib/python*/site-packages/label_studio-*.dist-info"))
    tag = release[-1].removesuffix(".dist-info") if release else "unknown"
    base = Path(tempfile.gettempdir()) / "curation-studio-template"
    base.mkdir(exist_ok=True)
    template = base / tag
    with open(base / f"{tag}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (template / "label_studio.sqlite3").exists():
            init_data_dir(venv, template, TEST_USER, TEST_PASSWORD, TEST_TOKEN)
    return template


def copy_template(venv: Path, target: Path) -> Path:
    shutil.copytree(template_dir(venv), target, ignore=shutil.ignore_patterns("server.log"))
    return target


@pytest.fixture(scope="session")
def studio_template() -> Path:
    return template_dir(studio_venv())


@pytest.fixture(scope="session")
def studio_login() -> tuple[str, str, str]:
    """(username, password, token) of the template's admin."""
    return TEST_USER, TEST_PASSWORD, TEST_TOKEN


@pytest.fixture(scope="session")
def studio(tmp_path_factory: pytest.TempPathFactory, studio_template: Path) -> Iterator[StudioServer]:
    venv = studio_venv()
    data = copy_template(venv, tmp_path_factory.mktemp("studio") / "data")
    port = free_port()
    proc = launch(venv, data, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc.pid, timeout=180)
        yield StudioServer(url, TEST_TOKEN, data, proc.pid)
    finally:
        stop_pid(proc.pid)


@pytest.fixture(scope="session")
def make_record() -> Callable[..., Document]:
    """Build hand-made pre-annotation records (see build_record)."""
    return build_record


def build_record(
    text: str, model_version: str = "test-model-1", score: float = 0.8, **found: str
) -> Document:
    """A hand-built pre-annotation: spans placed by string search, with the usual relations.

    `found` maps a span label to the fragment to mark (first occurrence), e.g. SPEAKER="Putin".
    """
    spans = []
    for label, fragment in found.items():
        start = text.index(fragment)
        end = start + len(fragment)
        attrs = {
            "SPEAKER": {"canonical": fragment},
            "QUOTE": {"kind": "direct"},
            "CLAIM": {"checkworthy": "high"},
        }
        spans.append(
            {
                "id": span_id(label, start, end),
                "start": start,
                "end": end,
                "label": label,
                "text": fragment,
                "attrs": attrs.get(label, {}),
                "score": score,
            }
        )
    ids = {s["label"]: s["id"] for s in spans}
    relations = []
    if "QUOTE" in ids and "SPEAKER" in ids:
        relations.append({"head": ids["QUOTE"], "tail": ids["SPEAKER"], "label": "speaker"})
    if "QUOTE" in ids and "CUE" in ids:
        relations.append({"head": ids["QUOTE"], "tail": ids["CUE"], "label": "cue"})
    return Document(
        id=content_id(text),
        source="test",
        text=text,
        spans=spans,
        relations=relations,
        provenance={"model": "test", "model_version": model_version, "reviewed": False},
    )
