"""The managed server's data stays private and bounded: modes of its state, no export copies left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from typer.testing import CliRunner

from curation.cli import app
from curation.jsonl import write_documents
from curation.studio.connection import client
from curation.studio.server import (
    DATA_DIR,
    EXPORT_SUBDIR,
    ServerState,
    copy_data_dir,
    read_state,
    stop_pid,
    write_state,
)

runner = CliRunner()


def _modes(root: Path) -> dict[str, int]:
    """Mode of every file and directory under root (root included), by path relative to root."""
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(dirpath) / name
            if not path.is_symlink():
                found[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return found


def test_managed_server_is_private_and_leaves_no_export_copies(
    studio_template, make_record, tmp_path
) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    template, login = studio_template
    data = copy_data_dir(template, home / DATA_DIR)
    for path in [data, *data.rglob("*")]:  # what an older release left: world-readable everything
        path.chmod(0o755 if path.is_dir() else 0o644)
    write_state(home, ServerState("", 0, None, login.username, login.password, login.token, str(data)))
    env = {"LABEL_STUDIO_URL": None, "LABEL_STUDIO_API_KEY": None, "CURATION_HOME": str(home)}
    source, out = tmp_path / "pre.jsonl", tmp_path / "gold.jsonl"
    docs = [make_record(f"Eve said no {i}.", SPEAKER="Eve", CUE="said") for i in range(3)]
    write_documents(source, docs)
    try:
        started = runner.invoke(app, ["studio", "start"], env=env)
        assert started.exit_code == 0, started.output
        pushed = runner.invoke(app, ["push", str(source), "-p", "private", "--layer", "all", "-q"], env=env)
        assert pushed.exit_code == 0, pushed.output
        state = read_state(home)
        assert state is not None
        ls = client(_conn(state))
        [project] = [p for p in ls.projects.list() if p.title == "private"]
        for task in ls.tasks.list(project=project.id, fields="all"):
            ls.annotations.create(task.id, result=task.predictions[0].result)  # type: ignore[index]
        again = runner.invoke(app, ["push", str(source), "-p", "private", "--layer", "all", "-q"], env=env)
        assert "3 already there" in again.stdout
        pulled = runner.invoke(app, ["pull", "-p", "private", "-o", str(out), "-q"], env=env)
        assert pulled.exit_code == 0, pulled.output
        assert "3 records" in _flat(pulled.stdout)

        assert list((data / EXPORT_SUBDIR).iterdir()) == []  # push and pull left no copies
        status = runner.invoke(app, ["studio", "status"], env=env)
        assert status.exit_code == 0, status.output
        assert f"in {data.resolve()}" in _flat(status.stdout)
        assert "exports kept by the server: 0 B" in _flat(status.stdout)

        modes = _modes(data)
        assert "label_studio.sqlite3" in modes  # the database holding the token
        wrong = {p: oct(m) for p, m in modes.items() if m != (0o700 if (data / p).is_dir() else 0o600)}
        assert wrong == {}
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        assert stat.S_IMODE((home / "studio.json").stat().st_mode) == 0o600
    finally:
        state = read_state(home)
        if state is not None and state.pid:
            stop_pid(state.pid)


def _flat(text: str) -> str:
    return " ".join(text.split())  # the console wraps long lines


def _conn(state: ServerState):
    from curation.studio.connection import Connection

    return Connection(state.url, state.token)


def test_a_dropped_connection_is_told_apart_from_a_server_that_is_down(studio, tmp_path) -> None:
    """A proxy in front of the real server that answers /health but drops every other connection."""
    import http.server
    import threading
    import urllib.request

    import pytest

    from curation.errors import ServerError
    from curation.studio.connection import Connection, check

    class Dropping(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path == "/health":
                with urllib.request.urlopen(f"{studio.url}/health", timeout=10) as upstream:
                    body = upstream.read()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.close_connection = True  # no answer at all: the connection drops
                self.connection.close()

        def log_message(self, *args: object) -> None:
            pass

    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Dropping)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{proxy.server_address[1]}"
        with pytest.raises(ServerError, match="is up, but the connection dropped while checking the API key"):
            check(Connection(url, studio.token))
    finally:
        proxy.shutdown()
    with pytest.raises(
        ServerError, match="cannot reach Label Studio at http://127.0.0.1:9 .*nothing answers"
    ):
        check(Connection("http://127.0.0.1:9", studio.token))
