"""Form fields into the API's own input models, so the console checks input exactly as the API
does (lengths, amounts, enumerations) and refuses it the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile

from aftersales.console.i18n import Translator
from aftersales.console.routing import explained
from aftersales.errors import AftersalesError, ValidationFailed

__all__ = ["fields", "files", "parse", "problem"]

M = TypeVar("M", bound=BaseModel)


def fields(form: FormData, *names: str) -> dict[str, str]:
    """The named text fields of the form, present ones only (a file field is never text)."""
    found = {}
    for name in names:
        value = form.get(name)
        if isinstance(value, str):
            found[name] = value
    return found


def parse(model: type[M], values: Mapping[str, object]) -> M:
    """The model, or a ``ValidationFailed`` that names each wrong field."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        detail = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'form'}: {e['msg']}" for e in exc.errors()
        )
        raise ValidationFailed(detail) from None


def files(form: FormData, name: str) -> list[UploadFile]:
    """The files sent in the field, without the empty entry a form sends when none was chosen."""
    return [f for f in form.getlist(name) if isinstance(f, UploadFile) and f.filename]


def problem(tr: Translator, exc: AftersalesError) -> dict[str, str]:
    """A refusal in the words the page shows above the form (see ``routing.refusal``)."""
    return explained(tr, exc)
