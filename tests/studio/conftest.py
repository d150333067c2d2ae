"""A real Label Studio for the studio tests: started once per session from a template data dir.

The template (migrated database, admin user, legacy token; curation.studio.server.cached_template) is
made once per machine and Label Studio release (40 s to 2 min) in the system temp dir, then copied for
every session (start: seconds).
The server binds 127.0.0.1 on a free port and is stopped by its process id. A missing server
environment FAILS the tests: `make test` installs it, so these tests never skip silently.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from curation.records import Document, content_id, span_id
from curation.studio.connection import Connection
from curation.studio.server import (
    ServerState,
    cached_template,
    copy_data_dir,
    free_port,
    launch,
    stop_pid,
    wait_healthy,
)

ROOT = Path(__file__).resolve().parents[2]


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


@pytest.fixture(scope="session")
def studio_template() -> tuple[Path, ServerState]:
    """The migrated template data dir and its admin login (built once per machine and release)."""
    return cached_template(studio_venv())


@pytest.fixture(scope="session")
def studio(
    tmp_path_factory: pytest.TempPathFactory, studio_template: tuple[Path, ServerState]
) -> Iterator[StudioServer]:
    venv = studio_venv()
    template, login = studio_template
    data = copy_data_dir(template, tmp_path_factory.mktemp("studio") / "data")
    port = free_port()
    proc = launch(venv, data, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc.pid, timeout=180)
        yield StudioServer(url, login.token, data, proc.pid)
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
