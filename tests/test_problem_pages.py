"""Each problem `type` URI resolves to a page that explains it, from one catalogue; every type
the code or the OpenAPI document can emit is in the catalogue."""

import ast
import re
from html import escape
from pathlib import Path

import pytest

from app.kit import errors
from app.kit.errors import DomainError, problem
from app.kit.problems import CATALOGUE, PROBLEM_BASE
from tests.factories import assert_problem, create_zone, zone_body

APP = Path(__file__).resolve().parents[1] / "app"


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found)) if found else found


def slugs_the_code_emits() -> set[str]:
    """Every slug a DomainError class carries, and every literal slug passed to problem()."""
    import app.main  # noqa: F401 - every module that defines an error is imported by the app

    slugs = {cls.slug for cls in {DomainError, *_subclasses(DomainError)}}
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "problem"):
                continue
            given = node.args[3:4] + [k.value for k in node.keywords if k.arg == "slug"]
            for arg in given:
                if isinstance(arg, ast.Attribute) and arg.attr == "slug":
                    continue  # an error class's slug: collected above
                assert isinstance(arg, ast.Constant), f"{path}: a slug must be written out"
                slugs.add(arg.value)
    return slugs


def test_every_type_the_code_emits_is_in_the_catalogue():
    emitted = slugs_the_code_emits()
    assert emitted, "the scan found the service's problem types"
    assert emitted <= set(CATALOGUE), emitted - set(CATALOGUE)


def test_every_catalogued_type_is_emitted_somewhere():
    assert set(CATALOGUE) <= slugs_the_code_emits(), "no page without a use"


def test_the_openapi_document_names_exactly_the_catalogued_types(client):
    problem_schema = client.get("/openapi.json").json()["components"]["schemas"]["Problem"]
    named = set(problem_schema["properties"]["type"]["enum"])
    assert named == {"about:blank"} | {p.uri for p in CATALOGUE.values()}


@pytest.mark.parametrize("slug", sorted(CATALOGUE))
def test_each_type_resolves_to_a_page_that_explains_it(anonymous, slug):
    entry = CATALOGUE[slug]
    response = anonymous.get(PROBLEM_BASE + slug)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert f"<h1>{escape(entry.title)}</h1>" in page
    assert entry.uri in page
    assert all(str(status) in page for status in entry.statuses)
    assert "What it means" in page and "What to do" in page
    for name, _ in entry.members + entry.headers:
        assert name in page
    for url in re.findall(r'(?:src|href)="([^"]*)"', page):
        assert url.startswith("/") and not url.startswith("//"), url


def test_the_index_links_every_type_and_each_link_answers(anonymous):
    index = anonymous.get("/problems")
    assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
    for entry in CATALOGUE.values():
        assert f'href="{entry.uri}"' in index.text
        assert anonymous.head(entry.uri).status_code == 200


@pytest.mark.parametrize("slug", ["no-such-problem", "BUSY", "busy.html", "%20"])
def test_an_unknown_type_is_a_404_problem_whose_own_type_resolves(anonymous, slug):
    body = assert_problem(anonymous.get(PROBLEM_BASE + slug), 404)
    assert anonymous.get(body["type"]).status_code == 200


def test_real_refusals_name_pages_that_resolve(client, anonymous):
    zone = create_zone(client)
    refusals = [
        anonymous.post("/api/v1/zones", json=zone_body()),  # 401
        client.post("/api/v1/zones", json={"code": "x"}),  # 422
        client.get("/api/v1/zones/2147483646"),  # 404
        client.post("/api/v1/zones", json=zone_body(code=zone["code"])),  # 409 duplicate
        client.patch(
            f"/api/v1/zones/{zone['id']}", json={"name": "Y"}, headers={"If-Match": '"0"'}
        ),
        client.post("/api/v1/zones", content=b"{", headers={"Content-Type": "application/json"}),
        client.post(
            "/api/v1/projects",
            json={
                "zone_id": zone["id"],
                "name": "N",
                "investor": "I",
                "investor_country": "VN",
                "leased_ha": 1000,
                "lease_start": "2024-01-01",
            },
        ),  # 409 capacity
    ]
    statuses = [r.status_code for r in refusals]
    assert statuses == [401, 422, 404, 409, 412, 400, 409], statuses
    for refusal in refusals:
        kind = refusal.json()["type"]
        assert kind.startswith(PROBLEM_BASE)
        assert anonymous.get(kind).status_code == 200, kind


def test_problem_refuses_a_type_that_is_not_catalogued():
    with pytest.raises(ValueError, match="not in"):
        problem(400, "Bad", "no page for this", "made-up-slug")
    assert problem(404, "Not found", "plain").body.startswith(b'{"type":"about:blank"')


def test_the_pages_need_no_key_even_when_reads_are_private(database_url, engine):
    from fastapi.testclient import TestClient

    from app.kit.settings import Settings
    from app.main import create_app

    application = create_app(Settings(database_url=database_url, public_read=False), engine)
    with TestClient(application) as anonymous:
        assert anonymous.get("/problems").status_code == 200
        assert anonymous.get("/problems/unauthorized").status_code == 200


def test_errors_module_names_the_problem_schema_once():
    assert errors.PROBLEM_SCHEMA["properties"]["type"]["enum"][0] == "about:blank"
