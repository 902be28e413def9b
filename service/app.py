"""The FastAPI application: lifespan (engine, tagger), middleware, error handlers and routers."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from sqlalchemy import Engine

from service.config import Settings, get_settings
from service.db import make_engine
from service.errors import register_error_handlers
from service.logs import configure_logging, log_event, redact_server_logs
from service.middleware import BodyGuardMiddleware

log = logging.getLogger("xinsheng.app")


def load_tagger(settings: Settings) -> Any:
    """Load the tagger from the model directory (raises nlp.ModelError)."""
    from nlp import load_tagger as nlp_load_tagger

    return nlp_load_tagger(settings.model_dir)


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    tagger: Any = None,
) -> FastAPI:
    """Build the application; tests pass their settings, engine and session-wide tagger."""

    def current_settings() -> Settings:
        override = app.dependency_overrides.get(get_settings)
        return override() if override else get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        cfg = current_settings()
        configure_logging(cfg.log_level)
        redact_server_logs()
        owns_engine = engine is None
        app.state.engine = engine if engine is not None else make_engine(cfg.database_url)
        app.state.tagger = tagger if tagger is not None else load_tagger(cfg)
        log_event(log, "app.started", env=cfg.env, model_version=app.state.tagger.version)
        try:
            yield
        finally:
            if owns_engine:
                app.state.engine.dispose()

    app = FastAPI(
        title="Xinsheng 心声",
        version="0.1.0",
        summary="Heart-to-heart talk notes and survey answers into follow-up work and insight",
        lifespan=lifespan,
    )
    if settings is not None:
        app.dependency_overrides[get_settings] = lambda: settings
    register_error_handlers(app)

    @app.middleware("http")
    async def access_log(request: Request, call_next: Any) -> Any:
        started = time.perf_counter()
        response = await call_next(request)
        log_event(
            log,
            "http.request",
            method=request.method,
            path=request.url.path,
            status=response.status_code,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return response

    app.add_middleware(BodyGuardMiddleware, max_bytes_getter=lambda: current_settings().max_body_bytes)

    from service.health import router as health_router
    from service.notes.routes import router as notes_router
    from service.tickets.routes import router as tickets_router

    app.include_router(health_router)
    app.include_router(notes_router, prefix="/api/v1")
    from service.trends.routes import router as trends_router

    app.include_router(trends_router, prefix="/api/v1")
    from service.digests.routes import router as digests_router

    app.include_router(digests_router, prefix="/api/v1")
    app.include_router(tickets_router, prefix="/api/v1")
    from service.web.routes import router as web_router

    app.include_router(web_router)

    return app
