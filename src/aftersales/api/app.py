"""The FastAPI application, built around a ready ``Context`` (see ``aftersales.bootstrap``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from aftersales import __version__
from aftersales.api.problems import RefuseNul, install_problem_handlers
from aftersales.api.routes import cases, catalog, ledger
from aftersales.api.routes.agents import cases_router as assign_router
from aftersales.api.routes.agents import router as agents_router
from aftersales.api.routes.alerts import router as alerts_router
from aftersales.api.routes.exposure import add_serving_routes
from aftersales.api.routes.exposure import router as exposure_router
from aftersales.api.routes.knowledge import router as knowledge_router
from aftersales.api.routes.recalls import router as recalls_router
from aftersales.api.routes.scoring import router as scoring_router
from aftersales.api.routes.triage import router as triage_router
from aftersales.console import router as console_router
from aftersales.console.render import static_file
from aftersales.scheduler import Scheduler
from aftersales.services.context import Context

__all__ = ["create_app"]

_DESCRIPTION = """After-sales cases for a multi-merchant marketplace: orders pushed by the
marketplace, cases opened by consumers, SLA clocks, proposals, arbitration and ratings.
Authenticate with `Authorization: Bearer <token>` (see `aftersales token create`). Errors are
RFC 9457 `application/problem+json`. Creating POSTs accept an `Idempotency-Key` header."""


def create_app(ctx: Context, scheduler: Scheduler | None = None) -> FastAPI:
    """The API app; with a scheduler, its periodic jobs run while the app is up."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if scheduler:
            scheduler.start()
        try:
            yield
        finally:
            if scheduler:
                scheduler.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="aftersales",
        version=__version__,
        description=_DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.ctx = ctx
    install_problem_handlers(app)
    app.add_middleware(RefuseNul)
    # First: POST /exposure/rank is on the marketplace's serving path, and routes are tried in
    # order (about 250 µs a request when it came last). Its paths overlap no other router's.
    add_serving_routes(app, prefix="/api/v1")  # rank, impressions
    app.include_router(exposure_router, prefix="/api/v1")  # exposure events, programme, content
    app.include_router(catalog.router, prefix="/api/v1")
    app.include_router(cases.router, prefix="/api/v1")
    app.include_router(ledger.router, prefix="/api/v1")
    app.include_router(ledger.receipts_router, prefix="/api/v1")
    app.include_router(recalls_router, prefix="/api/v1")
    app.include_router(console_router)  # the web console, /console (docs/console.md)
    app.include_router(agents_router, prefix="/api/v1")
    app.include_router(assign_router, prefix="/api/v1")
    app.include_router(triage_router, prefix="/api/v1")
    app.include_router(knowledge_router, prefix="/api/v1")  # the first replies' knowledge base
    app.include_router(alerts_router, prefix="/api/v1")
    app.include_router(scoring_router, prefix="/api/v1")  # scorecards, attribution appeals

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/console", status_code=303)  # people land on the console

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon(request: Request) -> Response:
        return _favicon(request.headers.get("if-none-match", ""))

    return app


def _favicon(if_none_match: str) -> Response:
    """The console's icon where browsers look for one on every page, ``/docs`` and the JSON
    answers too. SVG, which browsers take whatever the name says; the address carries no
    version (unlike the console's ``static`` ones), so it is kept a day and revalidated."""
    data, digest = static_file("favicon.svg")
    headers = {"ETag": f'"{digest}"', "Cache-Control": "public, max-age=86400"}
    if headers["ETag"] in if_none_match:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type="image/svg+xml", headers=headers)
