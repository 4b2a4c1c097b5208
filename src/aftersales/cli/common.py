"""What every command module shares: consoles, the --db option, one-line errors."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from aftersales.config import Settings
from aftersales.errors import AftersalesError, Text
from aftersales.languages import of_locale

if TYPE_CHECKING:
    from aftersales.services.context import Context

# soft_wrap: a line is never broken at the console width (80 columns when piped), so an error
# stays on one line and logs of `sla sweep` stay greppable.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: AFTERSALES_DATABASE_URL or a SQLite file)."),
]


def settings_for(db: str | None) -> Settings:
    settings = Settings()
    return settings.model_copy(update={"database_url": db}) if db else settings


def open_context(settings: Settings) -> Context:
    """A context on a database that exists at this version's schema: every command but
    ``serve``, ``db upgrade`` and the simulator, which may make or upgrade one (decision 0040)."""
    from aftersales.bootstrap import bootstrap  # not at import: `--help` stays fast

    return bootstrap(settings, schema="check")


def with_context(db: str | None, work: Callable[[Context], T]) -> T:
    """Run ``work`` on a context of the database, closed afterwards."""
    ctx = open_context(settings_for(db))
    try:
        return work(ctx)
    finally:
        ctx.close()


def errors_on_one_line(fn: F) -> F:
    """Print a user's mistake as one line, exit 1; no traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AftersalesError as exc:
            # Escaped: Rich would otherwise read "[not_found]" (and any brackets in the detail)
            # as markup and silently drop it.
            line = escape(f"[{exc.code.value}] {in_locale(exc)}")
            err.print(f"[red]error[/red] {line}", highlight=False)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def in_locale(exc: AftersalesError) -> str:
    """A refusal's detail in the terminal's language, where it was given in both."""
    text = exc.extra.get("text")
    if isinstance(text, Text) and of_locale(os.environ) == "zh":
        return text.zh
    return exc.detail


def shown(settings: Settings) -> str:
    url = settings.db_url
    return url.split("@")[-1] if "@" in url else url
