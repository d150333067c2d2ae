"""Fixtures shared by all tests: paths to the project's real files, the real spaCy model, and a real
Label Studio server.

The server (`studio`) is started once per session from a template data dir (migrated database, admin
user, legacy token; curation.studio.server.cached_template), made once per machine and Label Studio release
(40 s to 2 min) in the system temp dir, then copied for every session (start: seconds). It binds 127.0.0.1
on a free port and is stopped by its process id. A missing server environment FAILS the tests: `make test`
installs it, so these tests never skip silently. The studio tests (tests/studio/) and the browser tests
(tests/browser/) share it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

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

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def nlp_base():
    """The real English pipeline named by the settings (loaded once per test session)."""
    import spacy

    from curation.settings import get_settings

    return spacy.load(get_settings().model)


@dataclass(frozen=True)
class StudioServer:
    url: str
    token: str
    data_dir: Path
    pid: int
    username: str  # the admin login, for the browser tests
    password: str

    @property
    def conn(self) -> Connection:
        return Connection(self.url, self.token, data_dir=self.data_dir)


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
        yield StudioServer(url, login.token, data, proc.pid, login.username, login.password)
    finally:
        stop_pid(proc.pid)


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own CURATION_HOME: state (server login, annotator pseudonyms) never lands in
    the checkout, and no test sees another's."""
    home = tmp_path_factory.mktemp("curation-home")
    monkeypatch.setenv("CURATION_HOME", str(home))
    return home
