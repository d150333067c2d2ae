"""Which Label Studio to talk to, with which token, and how its failures read to a user.

Order: --url/--api-key flags, then LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY, then the managed server's
state file. The client never retries a request by itself: a retried import could duplicate tasks, so
push checks what landed instead. The SDK is imported lazily (it takes over a second to import).
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import orjson

from curation.errors import ServerError
from curation.settings import Settings
from curation.studio.server import is_healthy, read_state

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio

DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class Connection:
    """A server and its token; `data_dir` is the server's data directory when it runs on this machine
    (the managed server), so the copies Label Studio keeps of every export can be removed after reading."""

    url: str
    token: str
    timeout: float = DEFAULT_TIMEOUT
    data_dir: Path | None = None

    def with_timeout(self, timeout: float) -> Connection:
        return replace(self, timeout=timeout)

    def __repr__(self) -> str:  # the token stays out of reprs and tracebacks
        return f"Connection(url={self.url!r})"


def resolve(
    settings: Settings, url: str | None = None, api_key: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Connection:
    """Flags first, then environment, then the managed server's state file."""
    url = url or settings.label_studio_url
    key = api_key or (
        settings.label_studio_api_key.get_secret_value() if settings.label_studio_api_key else None
    )
    state = read_state(Path(settings.home))
    if not (url and key) and state is not None:
        url, key = url or state.url, key or state.token
    if not url:
        raise ServerError(
            "no Label Studio to talk to: run 'curation studio start', or pass --url/--api-key "
            "(or set LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY)"
        )
    if not key:
        raise ServerError(f"no API key for {url}: pass --api-key or set LABEL_STUDIO_API_KEY")
    url = url.rstrip("/")
    managed = state is not None and bool(state.data_dir) and state.url.rstrip("/") == url
    return Connection(url, key, timeout, Path(state.data_dir) if managed and state is not None else None)


@functools.lru_cache(maxsize=16)
def client(conn: Connection) -> LabelStudio:
    """The SDK client of this connection, made once: each new one builds an HTTP client and its TLS
    context (0.2 s under load; a push asks for a client a dozen times) and opens new connections."""
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=conn.url, api_key=conn.token, max_retries=0, timeout=conn.timeout)


def get_json(conn: Connection, path: str, params: dict[str, Any]) -> Any:
    """GET `path` (e.g. "api/tasks/") through the SDK's own HTTP client (its authentication, either kind
    of token) and return the body as plain JSON.

    For big listings the SDK's typed models cost far more than the request: listing the predictions of
    95 real tasks took 6.2 s through them and 0.6 s as JSON. A failure raises the SDK's ApiError, so
    `server_errors` words it as for any other call.
    """
    return _json_request(conn, "GET", path, params)


def post_json(conn: Connection, path: str, params: dict[str, Any], body: Any) -> Any:
    """POST `body` (plain JSON values: dicts, lists, strings, numbers) to `path` and return the answer
    as plain JSON, through the SDK's HTTP client as get_json does.

    The SDK's own calls pass a body through its jsonable_encoder, which visits every value in Python:
    50 s for the 45 MB of 1,000 real tasks on a loaded machine, where json.dumps takes 6 s.
    """
    return post_body(conn, path, params, json_body(body))


def json_body(value: Any) -> bytes:
    """`value` (plain JSON values) as a request body: orjson's compact UTF-8, a tenth of json.dumps'
    time (1.4 of a real record's 7 ms of checks before a push sends anything); json.dumps for what
    orjson refuses (an integer beyond 64 bits), which gives the server the same values."""
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value, ensure_ascii=False).encode("utf-8")


def post_body(conn: Connection, path: str, params: dict[str, Any], content: bytes) -> Any:
    """POST a JSON body already encoded (json_body) to `path`; the answer as plain JSON."""
    return _json_request(conn, "POST", path, params, content)


def _json_request(
    conn: Connection, method: str, path: str, params: dict[str, Any], content: bytes | None = None
) -> Any:
    from label_studio_sdk.core.api_error import ApiError

    http = client(conn)._client_wrapper.httpx_client
    response = http.request(
        path,
        method=method,
        params={k: v for k, v in params.items() if v is not None},
        content=content,
        headers={"content-type": "application/json"} if content is not None else None,
    )
    if not 200 <= response.status_code < 300:
        raise ApiError(status_code=response.status_code, headers=dict(response.headers), body=response.text)
    return response.json()


@contextlib.contextmanager
def server_errors(conn: Connection, doing: str) -> Iterator[None]:
    """Turn transport and API failures into one ServerError naming the URL and what to do."""
    from label_studio_sdk.core.api_error import ApiError

    try:
        yield
    except httpx.TimeoutException:
        raise ServerError(
            f"Label Studio at {conn.url} did not answer within {conn.timeout:g} s while {doing}; "
            "rerun the same command: work that landed is detected and not repeated"
        ) from None
    except httpx.TransportError as exc:
        raise ServerError(transport_message(conn, doing, exc)) from None
    except ApiError as exc:
        if exc.status_code in (401, 403):
            raise ServerError(
                f"Label Studio at {conn.url} refused the API key while {doing}: "
                "check --api-key / LABEL_STUDIO_API_KEY (Account & Settings shows your token)"
            ) from None
        raise ServerError(
            f"Label Studio at {conn.url} answered {exc.status_code} while {doing}: {_short(exc.body)}"
        ) from None


def transport_message(conn: Connection, doing: str, exc: httpx.TransportError) -> str:
    """Say what failed: a server that is down, or one that is up but dropped this connection.

    The two need different actions (start it, or just rerun), so the server's /health is asked.
    """
    if is_healthy(conn.url):
        return (
            f"Label Studio at {conn.url} is up, but the connection dropped while {doing} "
            f"({type(exc).__name__}); rerun the same command: work that landed is detected and not repeated"
        )
    return (
        f"cannot reach Label Studio at {conn.url} while {doing} ({type(exc).__name__}): nothing answers "
        "there; start it with 'curation studio start' or check --url"
    )


def check(conn: Connection) -> dict[str, Any]:
    """Fail early and clearly when the server is down or the token is wrong; returns the user."""
    with server_errors(conn, "checking the API key"):
        user = client(conn).users.whoami()
    return {"id": user.id, "email": user.email}


def _short(body: object, limit: int = 300) -> str:
    text = str(body)
    return text if len(text) <= limit else text[:limit] + " ..."
