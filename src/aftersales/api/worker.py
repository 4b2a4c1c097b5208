"""The app of one worker process of ``aftersales serve --workers N``.

Each worker is a fresh process (``api/workers.py`` starts them) that builds its app by calling
``worker_app``, so the settings travel in the environment (``AFTERSALES_*``), which ``serve``
sets before it spawns them. The parent process has already migrated the database and runs the
periodic jobs (SLA sweep and the rest) once for all workers; a worker only answers requests.
"""

from __future__ import annotations

from fastapi import FastAPI

from aftersales.api.app import create_app
from aftersales.bootstrap import bootstrap
from aftersales.config import Settings
from aftersales.services.exposure_jobs import serving_scheduler

__all__ = ["worker_app"]


def worker_app() -> FastAPI:
    settings = Settings()
    ctx = bootstrap(settings, schema="as_is")
    ctx.triager()  # loaded before the first request, not during it
    ctx.knowledge()
    # Each worker ranks with its own plan: it refreshes it and shares its counts itself.
    return create_app(ctx, serving_scheduler(ctx, settings))
