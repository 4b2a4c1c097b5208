"""What the merchant's own pages share: who may open them, the merchant they speak for, the
words of the scoring and exposure packages in the reader's language, and a form's refusal.

Every merchant page reads through the use cases with the signed-in agent's ``Actor``; the
merchant it shows is always the agent's own (``Actor.subject``), so no address names another.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, TypeVar

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from aftersales.console.forms import problem
from aftersales.console.i18n import Translator
from aftersales.console.routing import status_of
from aftersales.console.texts import TEXTS
from aftersales.console.viewer import Viewer, roles
from aftersales.domain.actors import Role
from aftersales.domain.categories import CATEGORIES, ancestors
from aftersales.errors import AftersalesError
from aftersales.scoring.texts import Text

__all__ = [
    "Merchant",
    "Shown",
    "category_choices",
    "category_name",
    "category_path",
    "chosen_products",
    "event_name",
    "merchant_of",
    "named",
    "said",
    "span",
    "submit",
    "typed_list",
]

Merchant = Annotated[Viewer, roles(Role.MERCHANT_AGENT)]
E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")
_SEPARATORS = re.compile(r"[\s,，;；]+")  # noqa: RUF001 - people paste ids with Chinese commas
# A page drawn again after a refused form: the refusal's words and the status the API gives.
Shown = Callable[[dict[str, str], int], Response]


def merchant_of(viewer: Viewer) -> str:
    """The merchant the signed-in agent works for."""
    subject = viewer.actor.subject
    assert subject, "a merchant agent's session always names its merchant"
    return subject


def said(tr: Translator, text: Text | None) -> str:
    """A message of the platform in the reader's language."""
    if text is None:
        return ""
    return text.zh if tr.lang == "zh" else text.en


def named(tr: Translator, names: Mapping[E, Text], kind: type[E], value: str) -> str:
    """The name of a stored value (a tier, a metric, a stage); the value itself when it is one
    this version does not know, so an old row never breaks a page."""
    try:
        return said(tr, names[kind(value)])
    except (ValueError, KeyError):
        return value


def category_name(tr: Translator, path: str) -> str:
    """A category's name; ``*`` is the peer group of the whole marketplace."""
    return tr.category(path)


def category_choices(tr: Translator) -> list[tuple[str, str]]:
    """Every category as a select offers it: its path and its name, a subcategory after its
    parent's name."""
    return [
        (c.path, " · ".join(category_name(tr, p) for p in reversed(ancestors(c.path))))
        for c in CATEGORIES.values()
    ]


def category_path(typed: str) -> str | None:
    """The category a person means by what they typed: its path or the last part of it, or its
    name in either language (Phone, phones, 手机); None when nothing fits."""
    wanted = _plain(typed)
    for c in CATEGORIES.values():
        if wanted in {_plain(c.path), _plain(c.path.rpartition("/")[2]), _plain(c.en), c.zh}:
            return c.path
    return None


def _plain(text: str) -> str:
    return text.strip().lower().removesuffix("s")


def peer_group_name(tr: Translator, category: str, band: str) -> str:
    """A scorecard's peer group: the category compared within, and the volume band."""
    name = category_name(tr, category)
    return name if band == "*" else tr.t("merchant.peer_band", category=name, band=band)


def span(tr: Translator, start: datetime, end: datetime) -> str:
    """The days from ``start`` up to ``end``, which is the first moment after the span."""
    return tr.t("merchant.span", first=tr.day(start), last=tr.day(end - timedelta(microseconds=1)))


def event_name(tr: Translator, kind: str) -> str:
    """The short name of an exposure decision (enrolled, boost started …)."""
    key = f"merchant.event.{kind}"
    return tr.t(key) if key in TEXTS else kind


async def submit(
    request: Request,
    viewer: Viewer,
    use: Callable[[], T],
    done: str | Callable[[T], str],
    shown: Shown,
) -> Response:
    """Run a form's use case; on success go to ``done`` (or to where ``done`` sends what the
    use case made; a reload sends nothing twice), on a refusal show the page again with the
    reason in the reader's language, under the status the API gives the same refusal."""
    try:
        made = await run_in_threadpool(use)
    except AftersalesError as exc:
        error, status = problem(viewer.tr, exc), status_of(exc)
        return await run_in_threadpool(shown, error, status)
    return RedirectResponse(done if isinstance(done, str) else done(made), status_code=303)


def chosen_products(form: FormData) -> list[str]:
    """The product ids ticked and typed (``more``: spaces or commas, Chinese ones too), each
    once and in order."""
    ticked = [v for v in form.getlist("product_ids") if isinstance(v, str)]
    return list(dict.fromkeys(v for v in ticked + typed_list(form.get("more")) if v))


def typed_list(typed: object) -> list[str]:
    """The values typed in one field, separated by spaces or commas (Chinese ones too)."""
    return [v for v in _SEPARATORS.split(typed) if v] if isinstance(typed, str) else []
