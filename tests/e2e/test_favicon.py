"""Browsers ask the server root for ``/favicon.ico`` on every API page (``/docs`` too): it is the
console's icon, served without a token, not a JSON 404."""

from __future__ import annotations

from fastapi.testclient import TestClient

from aftersales.console.render import static_file


def test_the_favicon_at_the_root_is_the_consoles_icon_without_a_token(
    client: TestClient,
) -> None:
    answer = client.get("/favicon.ico")

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "image/svg+xml"
    assert answer.content == static_file("favicon.svg")[0]
    assert answer.headers["etag"] == f'"{static_file("favicon.svg")[1]}"'
    assert "max-age" in answer.headers["cache-control"]
    assert "/favicon.ico" not in client.get("/openapi.json").json()["paths"]


def test_a_browser_that_has_the_favicon_already_is_told_it_has_not_changed(
    client: TestClient,
) -> None:
    etag = client.get("/favicon.ico").headers["etag"]

    again = client.get("/favicon.ico", headers={"If-None-Match": etag})

    assert again.status_code == 304 and again.content == b""
