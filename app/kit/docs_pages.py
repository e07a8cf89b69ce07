"""The documentation pages, `/docs` (Swagger UI) and `/redoc` (ReDoc), working without internet.

FastAPI's own pages load their scripts, styles, icon and (ReDoc) fonts from CDNs, so offline
they are blank. Here every asset is served by the service, under `/docs/assets/`, from the
fastapi-offline package (pinned in requirements.txt), and nothing else is fetched: no fonts,
and Swagger UI's online spec validator is off.
"""

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"
# The package and the folder inside it that hold swagger-ui-bundle.js, swagger-ui.css,
# redoc.standalone.js and favicon.png.
ASSET_PACKAGE = ("fastapi_offline", "static")


def install_docs(app: FastAPI) -> None:
    """Serve /docs, /redoc and their assets; the app must be made with docs_url=None and
    redoc_url=None, so that FastAPI does not add its CDN pages."""
    app.mount(ASSETS, StaticFiles(packages=[ASSET_PACKAGE]), name="docs-assets")
    title = app.title

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
            oauth2_redirect_url=None,
            # Off: it would send the OpenAPI document's address to an online validator.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS}/favicon.png",
            with_google_fonts=False,
        )
