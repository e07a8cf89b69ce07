"""The application factory: routers, error handlers, middlewares and the engine, wired once."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import Engine, text
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware

from app.access.dependencies import Acting
from app.access.keys import key_authenticator
from app.access.middleware import AccessControl
from app.access.router import router as keys_router
from app.audit.router import router as audit_router
from app.clearance.router import router as clearance_router
from app.dashboard.assets import mount_assets
from app.dashboard.router import router as dashboard_router
from app.imports.router import router as imports_router
from app.kit import schema_state
from app.kit.admission import Admission
from app.kit.answers import AnswerCache
from app.kit.compression import GZIP_LEVEL, GZIP_MINIMUM_BYTES
from app.kit.conditional import NotModified, not_modified
from app.kit.cors import Cors
from app.kit.db import (
    is_sqlite_engine,
    make_engine,
    make_read_sessionmaker,
    make_sessionmaker,
    write_session,
)
from app.kit.docs_pages import install_docs
from app.kit.errors import install_error_handlers, problem, problem_response
from app.kit.idempotency.middleware import Idempotency
from app.kit.kept import KeptRoutes, SendKept
from app.kit.metrics import CONTENT_TYPE, Metrics, watch_pool
from app.kit.middleware import BodyLimit, CatchAll, HeadAsGet, RequestId
from app.kit.observe import Observe
from app.kit.openapi import complete_openapi, operation_id
from app.kit.problem_pages import router as problem_pages_router
from app.kit.routes import RouteTemplates, route_paths
from app.kit.settings import Settings, get_settings, local_today
from app.kit.version_reads import version_reader
from app.plans.router import router as plans_router
from app.projects.router import router as projects_router
from app.reports.router import alerts_router, filings_router
from app.reports.router import plan_router as plan_reports_router
from app.reports.router import router as reports_router
from app.reports.service import remember_rows
from app.sheets.router import router as sheets_router
from app.sheets.writing import XLSX_MEDIA_TYPE
from app.zones.router import province_router
from app.zones.router import router as zones_router

COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: problem_response("Malformed request (e.g. invalid JSON)"),
    401: problem_response("Missing, invalid or revoked API key"),
    403: problem_response("The key's role does not allow this"),
    404: problem_response("Unknown resource"),
    409: problem_response("Conflict with stored state"),
    413: problem_response("Request body too large"),
    422: problem_response("Invalid values"),
    500: problem_response("Unexpected failure"),
}


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = engine or make_engine(
        settings.database_url,
        sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        sqlite_synchronous=settings.sqlite_synchronous,
        pg_lock_timeout_ms=settings.pg_lock_timeout_ms,
        pool_size=settings.db_slots,
    )
    metrics = Metrics.from_environment()

    versions = version_reader(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop_watching = watch_pool(engine, metrics)
        try:
            yield
        finally:
            stop_watching()
            await versions.close()

    app = FastAPI(
        title="Industrial-zone occupancy service",
        version="1.0.0",
        description=(
            "Industrial parks (KCN) and clusters (CCN), the investor projects that lease their "
            "land, occupancy and land clearance. Areas in hectares, rates as fractions."
        ),
        responses=COMMON_RESPONSES,
        generate_unique_id_function=operation_id,
        # Served by install_docs instead, with local assets.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.read_sessionmaker = make_read_sessionmaker(engine)
    app.state.answers = AnswerCache(settings.answer_cache_mb * 1_048_576)
    # One per worker process, as the application is: the last application made sets it.
    remember_rows(settings.row_cache_mb * 1_048_576)
    app.state.read_data_version = versions.read
    # Added innermost first; the order a request meets them is told in app.kit.middleware.
    app.add_middleware(Idempotency)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        larger={"/api/v1/imports": settings.max_import_bytes},
    )
    app.add_middleware(SendKept, today=partial(local_today, settings))
    app.add_middleware(
        AccessControl, public_read=settings.public_read, public_metrics=settings.public_metrics
    )
    app.add_middleware(
        Admission,
        slots=settings.db_slots,
        write_slots=settings.write_slots or (1 if is_sqlite_engine(engine) else settings.db_slots),
        queue_timeout=settings.queue_timeout_s,
        max_queue=settings.max_queue,
        on_waiting=metrics.admission_waiting.set,
    )
    app.add_middleware(
        GZipMiddleware,
        minimum_size=GZIP_MINIMUM_BYTES,
        compresslevel=GZIP_LEVEL,
        exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, XLSX_MEDIA_TYPE),
    )
    app.add_middleware(HeadAsGet)
    app.add_middleware(CatchAll)
    app.add_middleware(Cors, origins=settings.cors_origins)
    app.add_middleware(Observe, metrics=metrics)
    app.add_middleware(RequestId)
    install_error_handlers(app)
    app.add_exception_handler(NotModified, not_modified)
    app.state.authenticate = key_authenticator(app.state.sessionmaker)
    app.state.idempotency_sessions = partial(write_session, app.state.sessionmaker)
    # The import template's path (/api/v1/imports/template) comes before any route with a
    # parameter under /api/v1/imports.
    routers = (
        sheets_router,
        zones_router,
        province_router,
        projects_router,
        clearance_router,
        reports_router,
        plans_router,
        plan_reports_router,
        filings_router,
        alerts_router,
        imports_router,
    )
    for router in (*routers, keys_router, audit_router):
        app.include_router(router, dependencies=[Acting])
    # The dashboard reads through the API like any client: it needs no session of its own.
    app.include_router(dashboard_router)
    mount_assets(app)
    # The routers are included without a prefix, so their routes' paths are the served ones.
    served_paths = [
        path
        for router in (*routers, keys_router, audit_router, dashboard_router, problem_pages_router)
        for path in route_paths(router.routes)
    ]

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["operations"],
        responses={503: problem_response("Database unreachable or schema not at head")},
    )
    def readyz() -> JSONResponse:
        """The database answers and its schema is at the latest migration."""
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
                current = schema_state.current_revision(connection)
        except Exception:  # noqa: BLE001 - any failure to reach the database means not ready
            return problem(503, "Not ready", "the database does not answer")
        head = schema_state.head_revision()
        if current != head:
            return problem(
                503, "Not ready", f"schema is at {current}, the code expects {head}; run migrate"
            )
        return JSONResponse({"status": "ready", "schema": current})

    app.include_router(problem_pages_router)
    install_docs(app)

    @app.get(
        "/metrics",
        tags=["operations"],
        response_class=PlainTextResponse,
        responses={200: {"description": "Prometheus text format (version 0.0.4)"}},
    )
    def metrics_text() -> Response:
        """Prometheus metrics of every worker: requests by route template, method and status,
        their latency, requests in flight, database pool use, the admission line, capacity
        refusals and idempotent replays. Open unless OCCUPANCY_PUBLIC_METRICS is false."""
        return Response(metrics.exposition(), media_type=CONTENT_TYPE)

    app.state.route_templates = RouteTemplates(served_paths + route_paths(app.routes))
    app.state.kept_routes = KeptRoutes.among(
        route for router in (*routers, keys_router, audit_router) for route in router.routes
    )
    complete_openapi(app, public_read=settings.public_read)
    return app
