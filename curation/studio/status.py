"""What `curation studio status` reports: which server, which release, which projects with how much work."""

from __future__ import annotations

from dataclasses import dataclass

from curation.settings import Settings
from curation.studio.connection import check, client, resolve, server_errors
from curation.studio.project import ProjectInfo, list_projects


@dataclass
class ServerStatus:
    url: str
    version: str
    projects: list[ProjectInfo]


def server_status(settings: Settings, url: str | None = None, api_key: str | None = None) -> ServerStatus:
    """Ask the server (managed or given) for its release and projects; a down server is a ServerError."""
    conn = resolve(settings, url, api_key, timeout=15.0)
    check(conn)
    with server_errors(conn, "reading the version"):
        version = client(conn).versions.get().release or "?"
    return ServerStatus(conn.url, version, list_projects(conn))
