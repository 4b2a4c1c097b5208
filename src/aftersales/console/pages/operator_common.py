"""What the platform's pages share: who may open them (operators; auditors read without a form)
and how a form is read."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request
from starlette.datastructures import FormData

from aftersales.console.viewer import Viewer, checked_form, roles
from aftersales.domain.actors import Role

__all__ = ["Operator", "Reader", "form_of"]

Reader = Annotated[Viewer, roles(Role.OPERATOR, Role.AUDITOR)]
Operator = Annotated[Viewer, roles(Role.OPERATOR)]


async def form_of(request: Request, viewer: Viewer) -> FormData:
    """The form, if it carries the CSRF token of the viewer's session."""
    assert viewer.session is not None  # roles() admits only signed-in viewers
    return await checked_form(request, viewer.session.csrf_token)
