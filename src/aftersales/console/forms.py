"""Form fields into the API's own input models, so the console checks input exactly as the API
does (lengths, amounts, enumerations) and refuses it the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from starlette.datastructures import FormData, UploadFile

from aftersales.api.validation_texts import SEPARATOR, in_chinese
from aftersales.console.i18n import Translator
from aftersales.console.routing import explained
from aftersales.errors import AftersalesError, Text, ValidationFailed

__all__ = ["field_problems", "fields", "files", "parse", "problem"]

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
        raise ValidationFailed(field_problems(exc.errors())) from None


def field_problems(errors: list[ErrorDetails]) -> Text:
    """Each wrong field and its problem, in both languages as the API says them (a kind of
    problem the API has no Chinese for keeps pydantic's English)."""
    en = "; ".join(f"{_where(e)}: {e['msg']}" for e in errors)
    zh = SEPARATOR.join(f"{_where(e, '表单')}: {in_chinese(e) or e['msg']}" for e in errors)
    return Text(en, zh)


def _where(error: ErrorDetails, whole: str = "form") -> str:
    return ".".join(map(str, error["loc"])) or whole


def files(form: FormData, name: str) -> list[UploadFile]:
    """The files sent in the field, without the empty entry a form sends when none was chosen."""
    return [f for f in form.getlist(name) if isinstance(f, UploadFile) and f.filename]


def problem(tr: Translator, exc: AftersalesError) -> dict[str, str]:
    """A refusal in the words the page shows above the form (see ``routing.refusal``)."""
    return explained(tr, exc)
