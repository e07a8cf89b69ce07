"""The dashboard as files over HTTP (no browser): the page at `GET /`, its settings and its
Content-Security-Policy, and the scripts and styles under /dashboard/, served by the service
itself from the packages that ship them. tests/test_dashboard.py drives it in Chromium."""

import gzip
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine

from app.dashboard.assets import LIBRARIES, OWN, package_folder
from app.kit.settings import Settings
from app.main import create_app
from tests.factories import assert_problem

PAGE = Path(__file__).resolve().parents[1] / "app" / "dashboard" / "page.html"


class Loads(HTMLParser):
    """What a page makes the browser load: script sources and linked style sheets and icons."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.config: str | None = None
        self._in_config = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and named.get("src"):
            self.urls.append(named["src"] or "")
        if tag == "link" and named.get("href"):
            self.urls.append(named["href"] or "")
        self._in_config = tag == "script" and named.get("id") == "config"

    def handle_data(self, data: str) -> None:
        if self._in_config:
            self.config = data

    def handle_endtag(self, tag: str) -> None:
        self._in_config = False


def loads_of(html: str) -> Loads:
    parser = Loads()
    parser.feed(html)
    return parser


def client_for(engine: Engine, database_url: str, **settings: object) -> TestClient:
    app = create_app(Settings(database_url=database_url, **settings), engine)  # type: ignore[arg-type]
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def web(engine: Engine, database_url: str) -> Iterator[TestClient]:
    with client_for(engine, database_url) as client:
        yield client


def library_file(prefix: str, name: str) -> Path:
    return package_folder(*LIBRARIES[prefix]) / name


# ----------------------------------------------------------------------------- the page


def test_the_page_is_served_at_the_root(web):
    response = web.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    page = loads_of(response.text)
    assert page.config is not None
    config = json.loads(page.config)
    assert config["public_read"] is True
    assert config["tiles"] is None
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", config["today"])


def test_head_answers_like_get_without_a_body(web):
    got = web.get("/")
    head = web.head("/")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == got.headers["content-length"]


def test_the_page_loads_only_what_the_service_serves(web):
    page = loads_of(web.get("/").text)
    assert page.urls, "the page names its scripts and styles"
    for url in page.urls:
        if url.startswith("data:"):  # the empty icon: nothing is fetched
            continue
        assert url.startswith("/dashboard/"), url
        response = web.get(url)
        assert response.status_code == 200, url
        kind = "text/css" if url.endswith(".css") else "text/javascript"
        assert response.headers["content-type"].startswith(kind), url


def test_the_content_security_policy_allows_only_the_service(web):
    policy = web.get("/").headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    for name in ("script-src", "style-src", "font-src", "connect-src"):
        assert directives[name] == "'self'", name
    assert directives["img-src"] == "'self' data:"


def test_the_page_and_its_own_files_name_no_other_site():
    """Links to other sites would be loads from elsewhere: the page's own files have none
    (the browser tests check every request the running page makes)."""
    for path in (PAGE, *sorted(OWN.iterdir())):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", text), path.name


def test_tile_settings_reach_the_page_and_its_policy(engine, database_url):
    tiles = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    attribution = "© các cộng tác viên </script><script>alert(1)</script>"
    with client_for(engine, database_url, map_tiles=tiles, map_attribution=attribution) as client:
        response = client.get("/")
    assert "</script><script>alert(1)" not in response.text
    config = json.loads(loads_of(response.text).config or "")
    assert config["tiles"] == tiles
    assert config["attribution"] == attribution
    policy = response.headers["content-security-policy"]
    assert "img-src 'self' data: https://*.tiles.example.org;" in policy


def test_tiles_on_the_service_itself_need_no_other_origin(engine, database_url):
    with client_for(engine, database_url, map_tiles="/tiles/{z}/{x}/{y}.png") as client:
        policy = client.get("/").headers["content-security-policy"]
    assert "img-src 'self' data:;" in policy


def test_reads_that_need_a_key_are_told_to_the_page(engine, database_url):
    with client_for(engine, database_url, public_read=False) as client:
        response = client.get("/")
    assert response.status_code == 200  # the page itself is open; its API reads are not
    assert json.loads(loads_of(response.text).config or "")["public_read"] is False


@pytest.mark.parametrize(
    "tiles",
    [
        "https://tiles.example.org/{z}/{x}.png",  # no {y}
        "ftp://tiles.example.org/{z}/{x}/{y}.png",
        "tiles.example.org/{z}/{x}/{y}.png",
        'https://tiles.example.org/{z}/{x}/{y}.png"><script>',
    ],
)
def test_a_tile_setting_that_is_not_a_tile_url_is_refused(tiles):
    with pytest.raises(ValidationError) as refused:
        Settings(map_tiles=tiles)
    assert "map_tiles" in str(refused.value)


def test_an_empty_tile_setting_means_no_tiles():
    assert Settings(map_tiles="").map_tiles is None


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_the_page_is_read_only(web, method):
    response = web.request(method, "/")
    body = assert_problem(response, 405)
    assert method in body["detail"]
    assert response.headers["allow"] == "GET, HEAD"


# ---------------------------------------------------------------------------- the files


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("/dashboard/dashboard.js", OWN / "dashboard.js"),
        ("/dashboard/dashboard.css", OWN / "dashboard.css"),
        ("/dashboard/vendor/leaflet/leaflet.js", None),
        ("/dashboard/vendor/leaflet/leaflet.css", None),
        ("/dashboard/vendor/chartjs/Chart.bundle.js", None),
    ],
)
def test_files_are_served_compressed_or_not_as_asked(web, url, source):
    if source is None:
        prefix, name = url.rsplit("/", 1)
        source = library_file(prefix, name)
    expected = source.read_bytes()
    packed = web.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200
    assert packed.headers["content-encoding"] == "gzip"
    assert int(packed.headers["content-length"]) < len(expected)
    assert packed.content == expected  # the client decompressed it
    plain = web.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == expected
    assert plain.headers["etag"] != packed.headers["etag"]
    assert "accept-encoding" in plain.headers["vary"].lower()


def test_the_leaflet_and_chart_js_files_are_the_pinned_releases(web):
    leaflet = web.get("/dashboard/vendor/leaflet/leaflet.js").text
    chart = web.get("/dashboard/vendor/chartjs/Chart.bundle.js").text
    assert leaflet.lstrip().startswith("/* @preserve\n * Leaflet 1.9.3,")
    assert "Chart.js v4.2.0" in chart[:200]


def test_images_are_served_as_they_are(web):
    prefix = "/dashboard/vendor/leaflet"
    response = web.get(f"{prefix}/images/layers.png", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert "content-encoding" not in response.headers
    assert response.content == library_file(prefix, "images/layers.png").read_bytes()


def test_a_file_the_browser_holds_is_not_sent_again(web):
    first = web.get("/dashboard/dashboard.js")
    again = web.get("/dashboard/dashboard.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["cache-control"] == "no-cache"
    stale = web.get("/dashboard/dashboard.js", headers={"If-None-Match": '"0000"'})
    assert stale.status_code == 200


def test_head_of_a_file_has_no_body(web):
    response = web.head("/dashboard/dashboard.css", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["content-length"]) == len((OWN / "dashboard.css").read_bytes())


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/missing.js",
        "/dashboard/",
        "/dashboard",
        "/dashboard/vendor/leaflet/leaflet.js.map",  # only the files the page needs
        "/dashboard/vendor/leaflet/../../../pyproject.toml",
        "/dashboard/vendor/leaflet/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
        "/dashboard/vendor/chartjs/../../../../app/main.py",
        "/dashboard/vendor/nothing/x.js",
    ],
)
def test_paths_that_name_no_file_are_404_problems(web, url):
    assert_problem(web.get(url), 404)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_files_are_read_only(web, method):
    response = web.request(method, "/dashboard/dashboard.js")
    body = assert_problem(response, 405)
    assert method in body["detail"]
    assert response.headers["allow"] == "GET, HEAD"


def test_the_compressed_body_is_gzip(web):
    """The bytes on the wire (not decompressed by the client) are a gzip stream."""
    with web.stream(
        "GET", "/dashboard/dashboard.js", headers={"Accept-Encoding": "gzip"}
    ) as response:
        raw = b"".join(response.iter_raw())
    assert gzip.decompress(raw) == (OWN / "dashboard.js").read_bytes()
