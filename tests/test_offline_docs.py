"""/docs and /redoc work without internet: every URL their pages load is the service's own,
and answers; the assets are the pinned package's files."""

import re
from importlib import metadata, resources
from pathlib import Path

import pytest

from app.kit.docs_pages import ASSET_PACKAGE, ASSETS

ROOT = Path(__file__).resolve().parents[1]
# Everything an HTML page loads: src= and href= attributes, ReDoc's spec-url, Swagger UI's url.
LOADED = re.compile(r"""(?:src|href|spec-url)="([^"]*)"|\burl: '([^']*)'""")


def loaded_urls(html: str) -> list[str]:
    return [a or b for a, b in LOADED.findall(html)]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_page_loads_only_the_services_own_urls_and_each_answers(anonymous, page):
    response = anonymous.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    urls = loaded_urls(html)
    assert "/openapi.json" in urls
    assert any(url.startswith(ASSETS + "/") and url.endswith(".js") for url in urls), urls
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        answer = anonymous.get(url)
        assert answer.status_code == 200, url
        assert answer.content, url


def test_swagger_ui_sends_the_document_to_no_online_validator(anonymous):
    assert '"validatorUrl": null' in anonymous.get("/docs").text


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui.css", "text/css"),
        ("redoc.standalone.js", "text/javascript"),
        ("favicon.png", "image/png"),
    ],
)
def test_the_assets_are_the_pinned_packages_files(anonymous, name, media_type):
    response = anonymous.get(f"{ASSETS}/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    package, folder = ASSET_PACKAGE
    assert response.content == resources.files(package).joinpath(folder, name).read_bytes()


def test_the_asset_package_is_pinned_in_the_lock_file():
    installed = metadata.version("fastapi-offline")
    lock = (ROOT / "requirements.txt").read_text()
    assert re.search(rf"^fastapi-offline=={re.escape(installed)}$", lock, re.M), installed


def test_an_unknown_asset_is_404_and_nothing_outside_the_folder_is_served(anonymous):
    assert anonymous.get(f"{ASSETS}/nothing.js").status_code == 404
    assert anonymous.get(f"{ASSETS}/../core.py").status_code == 404
    assert anonymous.get(f"{ASSETS}/%2e%2e/core.py").status_code == 404


@pytest.mark.parametrize("page", ["/docs", "/redoc", f"{ASSETS}/swagger-ui.css"])
def test_head_and_request_id_on_the_documentation(anonymous, page):
    get = anonymous.get(page, headers={"Accept-Encoding": "identity"})
    head = anonymous.head(page, headers={"Accept-Encoding": "identity", "X-Request-ID": "doc-1"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["x-request-id"] == "doc-1"


def test_the_documentation_needs_no_key_even_when_reads_are_private(database_url, engine):
    from fastapi.testclient import TestClient

    from app.kit.settings import Settings
    from app.main import create_app

    application = create_app(Settings(database_url=database_url, public_read=False), engine)
    with TestClient(application) as anonymous:
        for page in ("/docs", "/redoc", f"{ASSETS}/redoc.standalone.js", "/openapi.json"):
            assert anonymous.get(page).status_code == 200, page
