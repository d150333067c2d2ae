"""The managed Label Studio: a real server in its own virtual environment, on loopback, offline.

Label Studio pins its own Django, pyarrow and SDK versions, so it lives in settings.studio_venv and is
run as a subprocess. Its data (SQLite database, media, config) stays in one data directory; the state
file next to it (mode 0600) records URL, port, pid and the admin login and token so that push and pull
find the server without flags. The functions below are shared by the CLI, the test fixture and the bench.

Everything the server writes is private to the user: its SQLite database holds the API token and the
annotators' e-mail addresses, so the server runs with umask 077 and every start brings an existing
data dir (made by an older release, or copied) back to 0700 directories and 0600 files.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from curation.atomic import atomic_write
from curation.errors import CurationError, ServerError

STATE_FILE = "studio.json"
DATA_DIR = "studio"
ADMIN_USERNAME = "admin@curation.local"
PRIVATE_UMASK = 0o077  # files 0600, directories 0700
EXPORT_SUBDIR = "export"  # where Label Studio keeps a copy of every export it serves

# Settings Label Studio would read from stray bare names (it tries LABEL_STUDIO_X, HEARTEX_X, then X).
_LEAKY_NAMES = ("HOST", "PORT", "USERNAME", "PASSWORD", "DEBUG", "DJANGO_DB")
# Keep the server offline and silent: no version check, no Sentry, no analytics.
_OFFLINE = {
    "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
    "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
    "SENTRY_DSN": "",
    "FRONTEND_SENTRY_DSN": "",
}
# Nobody who merely reaches the server can make an account: sign-up needs the organisation's
# invitation link, which only the admin (and `curation studio user add`) reads.
_INVITE_ONLY = {"LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true"}


@dataclass
class ServerState:
    """What the state file holds. The password and token never go to logs or output files."""

    url: str
    port: int
    pid: int | None
    username: str
    password: str
    token: str
    data_dir: str


def state_path(home: Path) -> Path:
    return home / STATE_FILE


def read_state(home: Path) -> ServerState | None:
    return read_state_file(state_path(home))


def write_state(home: Path, state: ServerState) -> None:
    write_state_file(state_path(home), state)


def read_state_file(path: Path) -> ServerState | None:
    if not path.exists():
        return None
    try:
        return ServerState(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise CurationError(
            f"{path}: unreadable server state ({exc}); delete it and run 'curation studio start'"
        ) from None


def write_state_file(path: Path, state: ServerState) -> None:
    """Write a state file readable by its owner only (it holds the admin password and token)."""
    with atomic_write(path) as fh:
        os.chmod(fh.fileno(), 0o600)
        json.dump(asdict(state), fh, indent=2)


def label_studio_bin(venv: Path) -> Path:
    exe = Path(venv) / "bin" / "label-studio"
    if not exe.exists():
        raise ServerError(
            f"no Label Studio server in {venv} (expected {exe}); run 'make studio-setup' "
            "or set CURATION_STUDIO_VENV to the environment that has it"
        )
    return exe


def server_env(data_dir: Path) -> dict[str, str]:
    """The server's environment: stray settings removed, offline flags on, every write inside data_dir."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _LEAKY_NAMES and not k.startswith(("LABEL_STUDIO_", "HEARTEX_"))
    }
    env.update(_OFFLINE)
    env.update(_INVITE_ONLY)
    env["LABEL_STUDIO_BASE_DATA_DIR"] = str(data_dir)
    for name in ("CONFIG", "DATA", "CACHE"):
        env[f"XDG_{name}_HOME"] = str(data_dir / "xdg" / name.lower())
    return env


def free_port() -> int:
    """A port free on loopback now (Label Studio silently moves to port+1 when its port is busy)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def new_credentials() -> tuple[str, str]:
    """A random admin password and legacy API token (Label Studio accepts 6-40 characters)."""
    return secrets.token_urlsafe(18), secrets.token_hex(20)


def init_data_dir(venv: Path, data_dir: Path, username: str, password: str, token: str) -> None:
    """Create and migrate a data dir with an admin user and a legacy token (about 40 s, done once).

    Built in a sibling temporary directory and renamed, so an interrupted init leaves nothing behind.
    """
    exe = label_studio_bin(venv)
    data_dir = data_dir.resolve()
    tmp = data_dir.with_name(data_dir.name + ".init-tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True, mode=0o700)
    cmd = [
        str(exe), "init", "--data-dir", str(tmp), "--username", username, "--password", password,
        "--user-token", token, "--enable-legacy-api-token", "--no-browser", "-q",
    ]  # fmt: skip
    proc = subprocess.run(
        cmd, env=server_env(tmp), capture_output=True, text=True, timeout=600, umask=PRIVATE_UMASK
    )
    if proc.returncode != 0 or not (tmp / "label_studio.sqlite3").exists():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        shutil.rmtree(tmp, ignore_errors=True)
        raise ServerError(f"label-studio init failed in {data_dir}: {' / '.join(tail)}")
    # The data dir path is baked into nothing but the environment, so the rename is safe.
    tmp.rename(data_dir)
    make_private(data_dir)


def make_private(path: Path) -> None:
    """Directories 0700 and files 0600 under `path` (itself included); symlinks are left alone.

    The server's umask covers what it writes from now on; this fixes what an earlier run, a copy or
    another release left readable (the database holding the token was 0644).
    """
    if not path.exists() or path.is_symlink():
        return
    if path.is_file():
        path.chmod(0o600)
        return
    path.chmod(0o700)
    for root, dirs, files in os.walk(path):
        for name in dirs:
            child = Path(root) / name
            if not child.is_symlink():
                child.chmod(0o700)
        for name in files:
            child = Path(root) / name
            if not child.is_symlink():
                child.chmod(0o600)


def disk_use(path: Path) -> int:
    """Bytes used by the files under `path` (0 when it does not exist)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / name).lstat().st_size
    return total


def cached_template(venv: Path, cache_root: Path | None = None) -> tuple[Path, ServerState]:
    """A migrated data dir with an admin user, made once per Label Studio release, for copying.

    Tests and benchmarks copy it instead of paying the first-start migrations for every server.
    Returns the directory and its login (url/port/pid empty). Built under a file lock so parallel
    sessions wait for one build instead of racing.
    """
    release = sorted(p.name for p in Path(venv).glob("lib/python*/site-packages/label_studio-*.dist-info"))
    tag = release[-1].removesuffix(".dist-info") if release else "label_studio-unknown"
    root = cache_root or Path(tempfile.gettempdir()) / "curation-studio-template"
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    root.chmod(0o700)  # it holds the template's login and token
    template = root / tag
    with open(root / f"{tag}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        login = read_state_file(root / f"{tag}.login")
        if login is None or not (template / "label_studio.sqlite3").exists():
            shutil.rmtree(template, ignore_errors=True)
            password, token = new_credentials()
            init_data_dir(venv, template, ADMIN_USERNAME, password, token)
            login = ServerState("", 0, None, ADMIN_USERNAME, password, token, str(template))
            write_state_file(root / f"{tag}.login", login)
        make_private(template)
    return template, login


def copy_data_dir(template: Path, target: Path) -> Path:
    """A private copy of a data dir (without the template's log), ready for launch()."""
    shutil.copytree(template, target, ignore=shutil.ignore_patterns("server.log", "*.init-tmp"))
    make_private(target)
    return target


def launch(venv: Path, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """Start the server on 127.0.0.1:port in its own session; its log goes to data_dir/server.log."""
    exe = label_studio_bin(venv)
    data_dir = data_dir.resolve()
    make_private(data_dir)
    cmd = [
        str(exe), "start", "--data-dir", str(data_dir), "--internal-host", "127.0.0.1",
        "--port", str(port), "--no-browser", "--log-level", "WARNING",
    ]  # fmt: skip
    log_path = data_dir / "server.log"
    log = open(log_path, "ab")  # noqa: SIM115 (handed to the child process)
    log_path.chmod(0o600)
    try:
        return subprocess.Popen(
            cmd,
            env=server_env(data_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            umask=PRIVATE_UMASK,
        )
    finally:
        log.close()


def wait_healthy(url: str, pid: int | None = None, timeout: float = 120.0) -> None:
    """Poll /health until the server answers UP; fail early if its process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pid is not None and not pid_alive(pid):
            raise ServerError(f"Label Studio exited while starting at {url}; see its server.log")
        if is_healthy(url):
            return
        time.sleep(0.5)
    raise ServerError(f"Label Studio at {url} did not answer /health within {timeout:.0f} s")


def is_healthy(url: str) -> bool:
    try:
        response = httpx.get(f"{url}/health", timeout=2.0)
        return response.status_code == 200 and response.json().get("status") == "UP"
    except (httpx.HTTPError, ValueError):
        return False


def pid_alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True


def stop_pid(pid: int, timeout: float = 20.0) -> None:
    """SIGTERM the server's process group (the server and its workers), SIGKILL if it lingers."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    except PermissionError:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        if not pid_alive(pid):
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


@contextlib.contextmanager
def throwaway_server(venv: Path, work: Path, timeout: float = 180.0) -> Iterator[ServerState]:
    """A private server on a copy of the cached template data dir (under `work`), stopped when the
    block ends: what tests and benchmarks run against, never the managed one."""
    template, login = cached_template(venv)
    data = copy_data_dir(template, work / "data")
    port = free_port()
    proc = launch(venv, data, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc.pid, timeout)
        yield ServerState(url, port, proc.pid, login.username, login.password, login.token, str(data))
    finally:
        stop_pid(proc.pid)


def start(home: Path, venv: Path, timeout: float = 180.0) -> tuple[ServerState, bool]:
    """Start the managed server (or find it running). Returns (state, started_now).

    First start creates the data dir, the admin user and the token (about 40 s); later starts take
    seconds. The port is chosen free each time; the state file records it.
    """
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    home.chmod(0o700)
    state = read_state(home)
    if state and state.pid and pid_alive(state.pid) and is_healthy(state.url):
        return state, False
    data_dir = (home / DATA_DIR).resolve()
    if state is None or not (data_dir / "label_studio.sqlite3").exists():
        password, token = new_credentials()
        shutil.rmtree(data_dir, ignore_errors=True)
        init_data_dir(venv, data_dir, ADMIN_USERNAME, password, token)
        state = ServerState("", 0, None, ADMIN_USERNAME, password, token, str(data_dir))
    port = free_port()
    proc = launch(venv, data_dir, port)
    state.url, state.port, state.pid = f"http://127.0.0.1:{port}", port, proc.pid
    write_state(home, state)
    try:
        wait_healthy(state.url, proc.pid, timeout)
    except ServerError:
        stop_pid(proc.pid)
        state.pid = None
        write_state(home, state)
        raise
    return state, True


def stop(home: Path) -> bool:
    """Stop the managed server by its recorded pid. Returns False when it was not running."""
    state = read_state(home)
    if state is None or state.pid is None:
        return False
    was_running = pid_alive(state.pid)
    if was_running:
        stop_pid(state.pid)
    state.pid = None
    write_state(home, state)
    return was_running
