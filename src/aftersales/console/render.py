"""Pages from Jinja2 templates, with the frame every page shares and the headers it needs."""

from __future__ import annotations

import hashlib
from functools import cache, partial
from importlib.resources import files
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from aftersales.console.nav import NAV
from aftersales.console.province_map import region_name
from aftersales.console.texts import TEXTS
from aftersales.console.viewer import Viewer

__all__ = ["HEADERS", "page", "static_file"]

# The pages load only our own style sheet and script; nothing may frame them or be sent off.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages carry personal data
}

_env = Environment(
    loader=PackageLoader("aftersales.console", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals["svg"] = Markup  # charts are built from escaped parts by console.charts


def page(
    request: Request, viewer: Viewer, template: str, *, status: int = 200, **context: Any
) -> HTMLResponse:
    """The template rendered in the viewer's language, inside the shared frame."""
    html = _env.get_template(template).render({**_frame(request, viewer), **context})
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _frame(request: Request, viewer: Viewer) -> dict[str, Any]:
    tr = viewer.tr
    path = request.url.path
    here = path + (f"?{request.url.query}" if request.url.query else "")
    done = request.query_params.get("done", "")
    return {
        "tr": tr,
        "t": tr.t,
        "label": tr.label,
        "category_name": tr.category,
        "region_name": partial(region_name, tr),
        "viewer": viewer.session,
        "nav": [(item, path.startswith(item.path)) for item in NAV.get(viewer.role, ())]
        if viewer.role
        else [],
        "here": here,
        "csrf": viewer.session.csrf_token if viewer.session else "",
        "static": _static_url,
        "notice": tr.t(f"done.{done}") if f"done.{done}" in TEXTS else "",
        "now_ms": int(request.app.state.ctx.clock.now().timestamp() * 1000),
        "error": None,
    }


def _static_url(name: str) -> str:
    return f"/console/static/{name}?v={static_file(name)[1][:12]}"


@cache
def static_file(name: str) -> tuple[bytes, str]:
    """A file of ``console/static`` and its SHA-256 (its version in URLs and its ETag)."""
    data = files("aftersales.console").joinpath("static", name).read_bytes()
    return data, hashlib.sha256(data).hexdigest()
