"""Test helpers for the console: a user for every party of the small market, and signing in."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

from aftersales.api.app import create_app
from aftersales.domain.actors import Actor, Role
from aftersales.services.context import Context
from aftersales.services.users import create_user

PASSWORD = "correct horse battery"
USERS = {
    "li": Actor(Role.CONSUMER, "c1"),
    "wang": Actor(Role.CONSUMER, "c2"),
    "acme": Actor(Role.MERCHANT_AGENT, "m1"),
    "knit": Actor(Role.MERCHANT_AGENT, "m2"),
    "op": Actor(Role.OPERATOR),
    "audit": Actor(Role.AUDITOR),
}
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_users(ctx: Context) -> None:
    for name, actor in USERS.items():
        create_user(ctx, name, actor, PASSWORD)


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> Response:
    form = client.get("/console/signin")
    body = {"csrf": csrf_of(form.text), "name": name, "password": password, "next": ""}
    return client.post("/console/signin", data=body, follow_redirects=False)


def client_for(ctx: Context, name: str | None = None, **headers: str) -> TestClient:
    """A browser of its own (its own cookie jar), signed in as ``name`` when one is given."""
    client = TestClient(create_app(ctx), raise_server_exceptions=False, headers=headers)
    if name is not None:
        assert sign_in(client, name).status_code == 303
    return client


def post_form(client: TestClient, path: str, data: dict[str, str], page: str) -> Response:
    """Send a form with the CSRF token of the page it is on, as a browser would."""
    token = csrf_of(client.get(page).text)
    return client.post(path, data={"csrf": token, **data}, follow_redirects=False)


def browser(ctx: Context, name: str | None = None, lang: str = "en") -> TestClient:
    """Like ``client_for``, the language chosen by the console's cookie instead of a header."""
    client = TestClient(create_app(ctx), raise_server_exceptions=False)
    client.cookies.set("aftersales_lang", lang, path="/console")
    if name is not None:
        assert sign_in(client, name).status_code == 303
    return client
