"""`GET /`: the dashboard page. Its script reads everything else from the public API."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.dashboard.page import content_security_policy, page_config, render
from app.kit.deps import SettingsDep, TodayDep

TEMPLATE = (Path(__file__).parent / "page.html").read_text(encoding="utf-8")

router = APIRouter(tags=["dashboard"])


@router.get(
    "/",
    response_class=HTMLResponse,
    responses={200: {"description": "The dashboard page (HTML)", "content": {"text/html": {}}}},
)
async def dashboard(settings: SettingsDep, today: TodayDep) -> HTMLResponse:
    """The dashboard, a web page for people: the zones at a glance (headline figures, a map,
    charts, each zone's card), in Vietnamese or English. It uses only the public API, and
    every script, style and font it loads is served by this service."""
    config = page_config(
        today=today,
        public_read=settings.public_read,
        tiles=settings.map_tiles,
        attribution=settings.map_attribution,
    )
    return HTMLResponse(
        render(TEMPLATE, config),
        headers={
            "Content-Security-Policy": content_security_policy(settings.map_tiles),
            "Cache-Control": "no-cache",
            "Referrer-Policy": "same-origin",
            "X-Content-Type-Options": "nosniff",
        },
    )
