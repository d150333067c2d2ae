"""What `curation studio status` reports: which server, which release, which projects with how much work."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from curation.settings import Settings
from curation.studio.connection import check, client, resolve, server_errors
from curation.studio.project import ProjectInfo, list_projects
from curation.studio.server import EXPORT_SUBDIR, disk_use


@dataclass
class ServerStatus:
    url: str
    version: str
    projects: list[ProjectInfo]
    data_dir: Path | None = None  # known for the managed server only
    disk_bytes: int = 0  # everything under data_dir
    export_bytes: int = 0  # the copies of exports under data_dir/export (0 when push and pull clean up)


def server_status(settings: Settings, url: str | None = None, api_key: str | None = None) -> ServerStatus:
    """Ask the server (managed or given) for its release and projects; a down server is a ServerError."""
    conn = resolve(settings, url, api_key, timeout=15.0)
    check(conn)
    with server_errors(conn, "reading the version"):
        version = client(conn).versions.get().release or "?"
    status = ServerStatus(conn.url, version, list_projects(conn), conn.data_dir)
    if conn.data_dir is not None:
        status.disk_bytes = disk_use(conn.data_dir)
        status.export_bytes = disk_use(conn.data_dir / EXPORT_SUBDIR)
    return status
