"""Annotator accounts on a Label Studio whose sign-up is by invitation only.

The managed server starts with LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=true (curation.studio.server), so
nobody who merely reaches the server can make an account. `add_user` signs an annotator up through the
organisation's invitation link, as an invited person would, with a random password that is returned
once and stored nowhere: the caller prints it for the annotator, who can change it in Label Studio.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import httpx

from curation.errors import CurationError
from curation.studio.connection import Connection, check, client, server_errors

EMAIL_DOMAIN = "curation.local"


@dataclass(frozen=True)
class NewUser:
    email: str
    password: str  # shown once; never written anywhere
    url: str

    def __repr__(self) -> str:  # the password stays out of reprs and tracebacks
        return f"NewUser(email={self.email!r}, url={self.url!r})"


def user_email(name: str) -> str:
    """An annotator's login: the name itself when it is an e-mail address, else name@curation.local."""
    name = name.strip()
    if "@" in name:
        return name.lower()
    if not re.fullmatch(r"[A-Za-z0-9._-]+", name):
        raise CurationError(
            f"user name {name!r}: use letters, digits, '.', '_' or '-' (or an e-mail address)"
        )
    return f"{name.lower()}@{EMAIL_DOMAIN}"


def add_user(conn: Connection, name: str) -> NewUser:
    """Create an annotator account through the invitation link; fails if the login already exists."""
    email = user_email(name)
    check(conn)
    with server_errors(conn, "listing users"):
        taken = {(u.email or "").lower() for u in client(conn).users.list()}
    if email in taken:
        raise CurationError(f"{conn.url}: a user {email} already exists; pick another name")
    with server_errors(conn, "reading the invitation link"):
        invite = client(conn).organizations.invites.get_invite_link()
    link = str(invite.invite_url or "")
    password = secrets.token_urlsafe(12)
    try:
        with httpx.Client(base_url=conn.url, timeout=conn.timeout, follow_redirects=False) as web:
            page = web.get(link)
            csrf = web.cookies.get("csrftoken") or ""
            answer = web.post(
                link,
                data={"email": email, "password": password, "csrfmiddlewaretoken": csrf},
                headers={"Referer": f"{conn.url}{link}"},
            )
    except httpx.HTTPError as exc:
        raise CurationError(f"cannot reach Label Studio at {conn.url} to sign {email} up ({exc})") from None
    if page.status_code != 200 or answer.status_code not in (302, 303):
        reason = _form_error(answer.text) or f"answered {answer.status_code}"
        raise CurationError(f"{conn.url}: signing {email} up failed: {reason}")
    return NewUser(email, password, conn.url)


def _form_error(page: str) -> str:
    """The first error message of Label Studio's sign-up form, if the page shows one."""
    found = re.search(r'class="[^"]*error[^"]*"[^>]*>\s*([^<]{3,200})<', page)
    return " ".join(found.group(1).split()) if found else ""
