"""The dashboard in a real browser: headless Chromium (Debian's package, /usr/bin/chromium)
driven by Playwright against a real server holding the demo data set.

Every figure checked on screen is compared with what the API answers for the same question,
formatted the way the contract says each language writes numbers (46,77 % in Vietnamese,
46.77 % in English). Every test also checks that the page logged no error and asked nothing of
any other origin. Screenshots of the main views are saved under build/screenshots/.
"""

import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.dashboard.assets import LIBRARIES, package_folder
from tests.databases import scratch_database
from tests.live_server import VENV_BIN, make_key, running_server

pytestmark = [pytest.mark.server, pytest.mark.browser]

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"
SEED_DATE = "2024-06-24"  # the provincial review the demo reproduces
SEED_PERIOD = "2024-H1"
API = "/api/v1"

if not CHROMIUM.exists():
    pytest.skip(
        f"Chromium is not installed at {CHROMIUM}, and these tests need a real browser: "
        "`make test` and .ci/run install it (apt-get install -y chromium)",
        allow_module_level=True,
    )


# -------------------------------------------------------------------- numbers as shown


def number(value: float, lang: str, digits: int = 2) -> str:
    text = f"{value:,.{digits}f}"
    if lang == "vi":  # 1.491,14
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def percent(rate: float | None, lang: str) -> str:
    return "—" if rate is None else f"{number(rate * 100, lang)} %"


def day(iso: str, lang: str) -> str:
    if lang == "en":
        return iso
    year, month, dd = iso.split("-")
    return f"{dd}/{month}/{year}"


def latest_cutoff(today: str) -> str:
    """The latest TT14 cut-off on or before a day, as a period (14 June or 14 December)."""
    year = int(today[:4])
    if today >= f"{year}-12-14":
        return str(year)
    if today >= f"{year}-06-14":
        return f"{year}-H1"
    return str(year - 1)


# ------------------------------------------------------------------------------ servers


@dataclass
class Server:
    base: str
    key: str | None = None

    def get(self, path: str, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        response = httpx.get(f"{self.base}{API}{path}", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A scratch database with the demo data set, loaded by the command line."""
    with scratch_database(tmp_path_factory.mktemp("dashboard")) as url:
        env = os.environ | {"OCCUPANCY_DATABASE_URL": url}
        for command in (["migrate"], ["demo"]):
            subprocess.run(
                [str(VENV_BIN / "occupancy"), *command], env=env, check=True, capture_output=True
            )
        yield url


@pytest.fixture(scope="module")
def server(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("dashboard-server") / "server.log"
    with running_server(demo_url, workers=1, log_path=log) as base:
        yield Server(base)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """A page in a fresh browser context, with what it logged and asked for."""

    page: Any
    origin: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def open(self, path: str, state: str = "ready") -> None:
        self.page.goto(self.origin + path)
        self.wait(state)

    def wait(self, state: str = "ready") -> None:
        self.page.wait_for_selector(f"body[data-state={state}]")

    def text(self, selector: str) -> str:
        return str(self.page.inner_text(selector)).strip()

    def figure(self, name: str) -> str:
        return self.text(f"[data-figure='{name}']")

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def assert_clean(self, allowed_errors: tuple[str, ...] = ()) -> None:
        """No error in the console (scripts, CSP, failed loads) beyond the expected, and no
        request to anywhere but the service."""
        unexpected = [e for e in self.errors if not any(a in e for a in allowed_errors)]
        assert unexpected == []
        elsewhere = [url for url in self.requests if not url.startswith(self.origin + "/")]
        assert elsewhere == []


@pytest.fixture
def visit(browser: Any, server: Server) -> Iterator[Visit]:
    with visiting(browser, server.base) as seen:
        yield seen


@contextmanager
def visiting(browser: Any, origin: str) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    seen = Visit(page, origin)
    page.on(
        "console",
        lambda message: seen.errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: seen.errors.append(f"page error: {error}"))
    page.on("request", lambda request: seen.requests.append(request.url))
    yield seen
    context.close()


def query(visit: Visit) -> dict[str, list[str]]:
    return parse_qs(urlsplit(visit.page.url).query)


# -------------------------------------------------------------------- the figures shown


def check_headline(visit: Visit, server: Server, lang: str, **when: str) -> dict[str, Any]:
    """The headline figures on screen are the API's for the same date and selection."""
    report = server.get("/reports/occupancy", **when)
    assert visit.text("#as-of-label") == day(report["as_of"], lang)
    for kind in ("park", "cluster"):
        totals = report["totals"][kind]
        assert visit.figure(f"{kind}-occupancy") == percent(totals["occupancy_rate"], lang)
        leased = visit.figure(f"{kind}-leased")
        assert number(totals["leased_industrial_ha"], lang) in leased
        assert number(totals["industrial_land_ha"], lang) in leased
    land = server.get("/reports/summary", scope="all", **when)["occupancy"]["all"]
    assert visit.figure("land") == f"{number(land['total_area_ha'], lang)} ha"
    clearance = server.get("/reports/clearance", **when)
    totals = clearance["totals"]
    assert visit.figure("clearance") == percent(totals["clearance_rate"], lang)
    assert number(totals["cleared_ha"], lang) in visit.figure("clearance-area")
    counts = visit.figure("clearance-counts")
    for status in ("completed", "in_progress", "not_started"):
        assert number(totals[status], lang, 0) in counts
    stalled = [zone for zone in clearance["zones"] if zone["stalled"]]
    assert len(stalled) == totals["stalled"]
    stalled_line = visit.figure("clearance-stalled")
    for zone in stalled:
        short = zone["name"].split(" (")[0].replace("Khu công nghiệp ", "KCN ")
        assert short.replace("Cụm công nghiệp ", "CCN ") in stalled_line
    features = server.get("/reports/occupancy", format="geojson", **when)["features"]
    assert visit.page.locator(".zone-dot").count() == len(features)
    return report


def check_plan(visit: Visit, server: Server, lang: str, as_of: str) -> None:
    """The running plan's targets and achievements, and the forecast beside them."""
    plans = server.get("/plans")["items"]
    running = [p for p in plans if p["starts_on"] <= as_of <= p["ends_on"]]
    assert running, "the demo's plan runs on this date"
    plan = running[0]
    report = server.get(f"/plans/{plan['id']}/report", as_of=as_of)
    rows = {row["indicator"]: row for row in report["rows"]}
    for kind in ("park", "cluster"):
        row = rows[f"{kind}_occupancy_rate"]
        line = visit.figure(f"{kind}-target")
        assert percent(row["target"], lang) in line
        assert percent(row["achievement"], lang) in line
        assert plan["code"] in line
        shown = visit.page.locator(f"tr[data-indicator='{kind}_occupancy_rate']")
        assert shown.locator("[data-value=achievement]").inner_text() == percent(
            row["achievement"], lang
        )
        forecast = server.get("/reports/forecast", as_of=as_of, kind=kind, target=row["target"])[
            "totals"
        ][kind]
        sentence = visit.text(f"[data-forecast='{kind}']")
        assert day(forecast["reaches_target_on"], lang) in sentence
        assert day(forecast["reaches_target_on_high"], lang) in sentence
        assert day(forecast["reaches_target_on_low"], lang) in sentence
        assert percent(forecast["projected_occupancy_rate"], lang) in sentence
    land = rows["industrial_area_ha"]
    assert percent(land["achievement"], lang) in visit.figure("land-target")


# ---------------------------------------------------------------------------------- tests


def test_the_seed_date_shows_the_review_figures(visit, server):
    visit.open(f"/?as_of={SEED_DATE}")
    check_headline(visit, server, "vi", as_of=SEED_DATE)
    check_plan(visit, server, "vi", SEED_DATE)
    alerts = server.get("/alerts", as_of=SEED_DATE)["alerts"]
    shown = visit.page.locator("#alerts li")
    assert shown.count() == len(alerts)
    for i, alert in enumerate(alerts):
        assert alert["message_vi"] in shown.nth(i).inner_text()
    visit.shot("seed-date-vi")
    visit.assert_clean()


def test_the_half_year_cutoff_shows_its_own_figures(visit, server):
    visit.open(f"/?period={SEED_PERIOD}")
    report = check_headline(visit, server, "vi", period=SEED_PERIOD)
    check_plan(visit, server, "vi", report["as_of"])
    assert visit.page.input_value("#period") == SEED_PERIOD
    visit.assert_clean()


def test_the_default_is_the_latest_cutoff(visit, server):
    visit.open("/")
    today = json.loads(visit.page.inner_text("#config"))["today"]
    period = latest_cutoff(today)
    assert visit.page.input_value("#period") == period
    check_headline(visit, server, "vi", period=period)
    visit.shot("default-vi")
    visit.assert_clean()


def test_switching_the_language_rewrites_words_and_numbers(visit, server):
    visit.open(f"/?as_of={SEED_DATE}")
    vi_title = visit.text("h1")
    visit.page.click("#lang")
    assert visit.page.evaluate("document.documentElement.lang") == "en"
    assert visit.text("h1") != vi_title
    assert query(visit)["lang"] == ["en"]
    check_headline(visit, server, "en", as_of=SEED_DATE)
    check_plan(visit, server, "en", SEED_DATE)
    alerts = server.get("/alerts", as_of=SEED_DATE)["alerts"]
    shown = visit.page.locator("#alerts li")
    for i, alert in enumerate(alerts):
        assert alert["message_en"] in shown.nth(i).inner_text()
    visit.shot("seed-date-en")
    visit.page.click("#lang")
    assert visit.page.evaluate("document.documentElement.lang") == "vi"
    check_headline(visit, server, "vi", as_of=SEED_DATE)
    visit.assert_clean()


def test_english_is_kept_in_the_address(visit, server):
    visit.open(f"/?period={SEED_PERIOD}&lang=en")
    assert visit.page.evaluate("document.documentElement.lang") == "en"
    check_headline(visit, server, "en", period=SEED_PERIOD)
    visit.shot("half-year-en")
    visit.page.set_viewport_size({"width": 420, "height": 900})
    visit.open(f"/?period={SEED_PERIOD}&lang=en")  # laid out afresh for a phone's width
    assert visit.page.evaluate("document.documentElement.scrollWidth") <= 420
    visit.shot("half-year-en-narrow")
    visit.assert_clean()


def test_choosing_a_period_then_a_date_updates_the_page(visit, server):
    visit.open(f"/?as_of={SEED_DATE}")
    visit.page.select_option("#period", SEED_PERIOD)
    visit.page.wait_for_function(
        "expected => document.getElementById('as-of-label').textContent === expected",
        arg=day(server.get("/reports/occupancy", period=SEED_PERIOD)["as_of"], "vi"),
    )
    visit.wait()
    assert query(visit)["period"] == [SEED_PERIOD]
    check_headline(visit, server, "vi", period=SEED_PERIOD)
    visit.page.fill("#as-of", SEED_DATE)
    visit.page.dispatch_event("#as-of", "change")
    visit.page.wait_for_function(
        "expected => document.getElementById('as-of-label').textContent === expected",
        arg=day(SEED_DATE, "vi"),
    )
    visit.wait()
    assert query(visit)["as_of"] == [SEED_DATE]
    assert "period" not in query(visit)
    assert visit.page.input_value("#period") == ""
    check_headline(visit, server, "vi", as_of=SEED_DATE)
    visit.assert_clean()


def test_filters_narrow_the_figures_the_map_and_the_links(visit, server):
    visit.open(f"/?as_of={SEED_DATE}")
    visit.page.select_option("#kind", "park")
    visit.page.wait_for_function(
        "() => !document.querySelector(\"[data-card='cluster-occupancy']\")"
    )
    visit.wait()
    report = server.get("/reports/occupancy", as_of=SEED_DATE, kind="park", scope="established")
    assert visit.figure("park-occupancy") == percent(
        report["totals"]["park"]["occupancy_rate"], "vi"
    )
    parks = server.get("/reports/occupancy", as_of=SEED_DATE, kind="park", format="geojson")
    assert visit.page.locator(".zone-dot").count() == len(parks["features"])
    visit.page.select_option("#scope", "all")
    visit.page.wait_for_function(
        "() => new URLSearchParams(location.search).get('scope') === 'all'"
    )
    visit.wait()
    everything = server.get("/reports/occupancy", as_of=SEED_DATE, kind="park", scope="all")
    assert visit.page.locator("#zones-table tbody tr").count() == len(everything["zones"])
    links = visit.page.locator("[data-links='occupancy'] a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert {parse_qs(urlsplit(h).query)["format"][0] for h in hrefs} == {"csv", "xlsx"}
    for href in hrefs:
        asked = parse_qs(urlsplit(href).query)
        assert asked["kind"] == ["park"] and asked["scope"] == ["all"]
        assert asked["as_of"] == [SEED_DATE]
        response = httpx.get(server.base + href)
        assert response.status_code == 200
        assert "attachment" in response.headers["content-disposition"]
    visit.assert_clean()


def test_the_province_filter_offers_the_provinces_of_the_date(visit, server):
    visit.open(f"/?as_of={SEED_DATE}")
    options = visit.page.locator("#province option")
    offered = [options.nth(i).get_attribute("value") for i in range(options.count())]
    provinces = [p["name"] for p in server.get("/provinces", as_of=SEED_DATE)["items"]]
    assert offered == ["", *provinces]
    visit.page.select_option("#province", provinces[0])
    visit.page.wait_for_function(
        "name => new URLSearchParams(location.search).get('province') === name", arg=provinces[0]
    )
    visit.wait()
    check_headline(visit, server, "vi", as_of=SEED_DATE, province=provinces[0])
    # After the 2025 merger the same zones stand under another province: a province of the
    # past selects nothing then, and the page says so with dashes, not errors.
    later = "2025-07-01"
    visit.open(f"/?as_of={later}&province={provinces[0]}")
    now = [p["name"] for p in server.get("/provinces", as_of=later)["items"]]
    assert provinces[0] not in now
    assert visit.page.locator(".zone-dot").count() == 0
    empty = server.get("/reports/occupancy", as_of=later, province=provinces[0])
    assert empty["zones"] == []
    assert visit.figure("park-occupancy") == percent(
        empty["totals"]["park"]["occupancy_rate"], "vi"
    )
    visit.assert_clean()


def test_every_view_links_its_csv_and_xlsx(visit, server):
    visit.open(f"/?as_of={SEED_DATE}")
    for view in ("summary", "plan", "map", "occupancy", "history", "clearance", "alerts"):
        links = visit.page.locator(f"[data-links='{view}'] a")
        formats = set()
        for i in range(links.count()):
            href = links.nth(i).get_attribute("href")
            formats.add(parse_qs(urlsplit(href).query)["format"][0])
            assert httpx.head(server.base + href).status_code == 200, href
        assert {"csv", "xlsx"} <= formats, view
    with visit.page.expect_download() as download:
        visit.page.click("[data-links='clearance'] a:text-is('CSV')")
    assert download.value.suggested_filename.endswith(".csv")
    visit.assert_clean()


def _topmost_marker(visit: Visit) -> int:
    """A zone whose marker is the topmost element at its own centre (markers overlap)."""
    visit.page.locator("#map").scroll_into_view_if_needed()
    zone_id = visit.page.evaluate(
        """() => [...document.querySelectorAll('.zone-dot')].map(node => {
             const box = node.getBoundingClientRect();
             const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
             return top === node ? Number(node.dataset.zoneId) : null;
           }).find(id => id !== null)"""
    )
    assert zone_id is not None
    return int(zone_id)


def check_card(visit: Visit, server: Server, zone_id: int, as_of: str) -> None:
    zone = server.get(f"/zones/{zone_id}", as_of=as_of)
    assert visit.text("#card-title") == f"{zone['name']} ({zone['code']})"
    facts = {
        "occupancy": percent(zone["occupancy_rate"], "vi"),
        "industrial-land": number(zone["industrial_land_ha"], "vi"),
        "leased": number(zone["leased_industrial_ha"], "vi"),
        "available": number(zone["available_ha"], "vi"),
        "active-projects": number(zone["active_projects"], "vi", 0),
    }
    for name, shown in facts.items():
        assert visit.text(f"[data-fact='{name}'] dd") == shown, name
    projects = server.get("/projects", zone_id=zone_id, limit=500)
    assert visit.page.locator("#card-projects tbody tr").count() == projects["total"]
    records = server.get(f"/zones/{zone_id}/clearance", limit=500)
    assert visit.page.locator("#card-clearance tbody tr").count() == records["total"]
    points = visit.page.locator("#card-points tbody tr")
    assert points.count() >= 1
    last = points.nth(points.count() - 1)
    assert day(as_of, "vi") in (last.text_content() or "")
    assert percent(zone["occupancy_rate"], "vi") in (last.text_content() or "")


def test_clicking_a_zone_opens_its_card(visit, server):
    visit.open(f"/?as_of={SEED_DATE}")
    zone_id = _topmost_marker(visit)
    visit.page.click(f".zone-dot[data-zone-id='{zone_id}']")
    visit.page.wait_for_selector(f"#card[data-state=ready][data-zone-id='{zone_id}']")
    check_card(visit, server, zone_id, SEED_DATE)
    visit.shot("zone-card-vi")
    # The card links its projects and clearance records as CSV and XLSX (the list exports).
    links = visit.page.locator("#card-body .links a")
    targets = {}
    for i in range(links.count()):
        parts = urlsplit(links.nth(i).get_attribute("href"))
        query = parse_qs(parts.query)
        targets[(parts.path, query["format"][0])] = query
        answer = httpx.get(server.base + links.nth(i).get_attribute("href"))
        assert answer.status_code == 200, links.nth(i).get_attribute("href")
    for fmt in ("csv", "xlsx"):
        assert targets[("/api/v1/projects", fmt)]["zone_id"] == [str(zone_id)]
        assert (f"/api/v1/zones/{zone_id}/clearance", fmt) in targets
    with visit.page.expect_download() as download:
        visit.page.click("#card-body .links a[href*='/projects']:text-is('XLSX')")
    assert download.value.suggested_filename.startswith("projects-")
    visit.page.keyboard.press("Escape")
    visit.page.wait_for_selector("#card", state="hidden")
    visit.assert_clean()


def test_the_map_and_the_tables_work_from_the_keyboard(visit, server):
    visit.open(f"/?as_of={SEED_DATE}")
    markers = visit.page.locator(".zone-dot")
    for i in range(markers.count()):  # each marker is a labelled button in the tab order
        marker = markers.nth(i)
        assert marker.get_attribute("tabindex") == "0"
        assert marker.get_attribute("role") == "button"
        assert marker.get_attribute("aria-label")
    target = markers.nth(0)
    zone_id = int(target.get_attribute("data-zone-id"))
    target.focus()
    visit.page.keyboard.press("Enter")
    visit.page.wait_for_selector(f"#card[data-state=ready][data-zone-id='{zone_id}']")
    check_card(visit, server, zone_id, SEED_DATE)
    visit.page.keyboard.press("Escape")
    visit.page.wait_for_selector("#card", state="hidden")
    # The same zones from the data table (the map's text alternative), by keyboard alone.
    visit.page.click("#by-zone-title ~ details summary")
    button = visit.page.locator("#zones-table [data-open-zone]").nth(0)
    other = int(button.get_attribute("data-open-zone"))
    button.focus()
    visit.page.keyboard.press("Enter")
    visit.page.wait_for_selector(f"#card[data-state=ready][data-zone-id='{other}']")
    check_card(visit, server, other, SEED_DATE)
    visit.assert_clean()


def test_charts_have_text_alternatives(visit, server):
    visit.open(f"/?as_of={SEED_DATE}")
    for canvas in ("by-zone-chart", "history-chart", "clearance-chart"):
        label = visit.page.get_attribute(f"#{canvas}", "aria-label")
        assert label and visit.page.get_attribute(f"#{canvas}", "role") == "img"
    report = server.get("/reports/occupancy", as_of=SEED_DATE)
    assert visit.page.locator("#zones-table tbody tr").count() == len(report["zones"])
    history = server.get(
        "/reports/occupancy/history",
        **{"from": "2019-01-01", "to": SEED_DATE, "interval": "quarter"},
    )
    assert visit.page.locator("#history-table tbody tr").count() == len(history["points"])
    clearance = server.get("/reports/clearance", as_of=SEED_DATE)
    assert visit.page.locator("#clearance-table tbody tr").count() == len(clearance["zones"])
    assert visit.page.locator("#map").get_attribute("aria-describedby") == "map-summary"
    visit.assert_clean()


def test_a_date_the_api_refuses_is_shown_as_its_problem(visit, server):
    bad = "2024-02-30"
    visit.open(f"/?as_of={bad}", state="error")
    refusal = httpx.get(
        f"{server.base}{API}/reports/occupancy", params={"as_of": bad, "scope": "established"}
    )
    assert refusal.status_code == 422
    assert refusal.json()["detail"] in visit.text("#status")
    assert visit.page.locator(".zone-dot").count() == 0
    assert visit.page.locator("[data-figure]").count() == 0
    visit.assert_clean(allowed_errors=("the server responded with a status of 422",))


def test_a_period_the_api_refuses_is_shown_as_its_problem(visit, server):
    visit.open("/?period=2024-H3", state="error")
    refusal = httpx.get(
        f"{server.base}{API}/reports/occupancy",
        params={"period": "2024-H3", "scope": "established"},
    )
    assert refusal.status_code == 422
    assert refusal.json()["detail"] in visit.text("#status")
    assert visit.page.locator("[data-figure]").count() == 0
    visit.assert_clean(allowed_errors=("the server responded with a status of 422",))


# ----------------------------------------------------------- reads that need an API key


@pytest.fixture(scope="module")
def locked(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("dashboard-locked") / "server.log"
    env = {"OCCUPANCY_PUBLIC_READ": "false"}
    key = make_key(demo_url, "viewer", name="dashboard-viewer")
    with running_server(demo_url, workers=1, log_path=log, env=env) as base:
        yield Server(base, key)


def test_without_public_reads_the_page_asks_for_a_key(browser, locked):
    with visiting(browser, locked.base) as visit:
        visit.open(f"/?as_of={SEED_DATE}", state="auth")
        assert visit.page.is_visible("#auth")
        assert not [url for url in visit.requests if f"{API}/" in url]  # asked nothing yet
        visit.page.fill("#key", "occ_000000000000_not-a-key-at-all-not-a-key-at-all")
        visit.page.click("#auth button")
        visit.page.wait_for_function(
            "() => document.getElementById('status').textContent.includes('invalid')"
        )
        visit.wait("auth")
        refusal = httpx.get(
            f"{locked.base}{API}/reports/occupancy",
            headers={"Authorization": "Bearer occ_000000000000_x"},
        )
        assert refusal.status_code == 401
        assert refusal.json()["detail"] in visit.text("#status")
        assert visit.page.evaluate("sessionStorage.length") == 0  # a refused key is forgotten
        visit.page.fill("#key", locked.key or "")
        visit.page.click("#auth button")
        visit.wait()
        assert not visit.page.is_visible("#auth")
        check_headline(visit, locked, "vi", as_of=SEED_DATE)
        with visit.page.expect_download() as download:  # downloads carry the key too
            visit.page.click("[data-links='occupancy'] a:text-is('XLSX')")
        assert download.value.suggested_filename.endswith(".xlsx")
        visit.assert_clean(allowed_errors=("the server responded with a status of 401",))


# -------------------------------------------------------------------------- map tiles


def test_tiles_are_drawn_only_when_configured(browser, server, demo_url, tmp_path_factory):
    with visiting(browser, server.base) as visit:
        visit.open(f"/?as_of={SEED_DATE}")
        assert visit.page.locator("img.leaflet-tile").count() == 0
        assert visit.page.locator(".leaflet-control-scale").count() == 1
        visit.assert_clean()
    log = tmp_path_factory.mktemp("dashboard-tiles") / "server.log"
    env = {
        "OCCUPANCY_MAP_TILES": "https://{s}.tiles.test/{z}/{x}/{y}.png",
        "OCCUPANCY_MAP_ATTRIBUTION": "© test tiles",
    }
    png = _leaflet_png()  # any PNG will do as a tile
    with running_server(demo_url, workers=1, log_path=log, env=env) as base:
        with visiting(browser, base) as visit:
            served: list[str] = []

            def fulfil(route: Any) -> None:
                served.append(route.request.url)
                route.fulfill(status=200, content_type="image/png", body=png)

            visit.page.route("https://*.tiles.test/**", fulfil)
            visit.open(f"/?as_of={SEED_DATE}")
            visit.page.wait_for_selector("img.leaflet-tile-loaded")
            assert served and all(".tiles.test/" in url for url in served)
            assert "© test tiles" in visit.text(".leaflet-control-attribution")
            visit.requests[:] = [url for url in visit.requests if url not in served]
            visit.assert_clean()


def _leaflet_png() -> bytes:
    folder = package_folder(*LIBRARIES["/dashboard/vendor/leaflet"])
    return (folder / "images" / "layers.png").read_bytes()
