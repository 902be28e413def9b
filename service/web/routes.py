"""`GET /`: the web app, one Chinese page that talks to the JSON API with the user's token."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(tags=["web"])


@router.get("/", response_class=HTMLResponse, include_in_schema=False, summary="The web app")
def index() -> HTMLResponse:
    page = resources.files("service.web").joinpath("index.html").read_text(encoding="utf-8")
    return HTMLResponse(page, headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
