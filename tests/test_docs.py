"""The documentation keeps step with the service: docs/api.md names every endpoint of the OpenAPI
document and no other (except under "Not yet implemented", which names only endpoints that do
not exist yet), and the documentation points nowhere outside the repository."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
API_DOC = DOCS / "api.md"
NOT_YET = "## Not yet implemented"
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# An endpoint as docs/api.md writes it: `GET /api/v1/zones/{zone_id}` (a query string may follow).
ENDPOINT = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`?\s]*)[^`]*`")
# Places outside the repository that its documentation must never send a reader to.
OUTSIDE = ("../shared", "shared/api-contract", "shared/domain", "/work/", "/home/", "/Users/")


def _sections() -> tuple[str, str]:
    """docs/api.md split into what the service does and what it does not do yet."""
    text = API_DOC.read_text(encoding="utf-8")
    assert text.count(NOT_YET) == 1, f"docs/api.md needs exactly one {NOT_YET!r} section"
    done, not_yet = text.split(NOT_YET)
    return done, not_yet


def _named(text: str) -> set[tuple[str, str]]:
    return {(method, path) for method, path in ENDPOINT.findall(text)}


@pytest.fixture
def served(client) -> set[tuple[str, str]]:
    """Every (method, path) of the OpenAPI document the service serves."""
    response = client.get("/openapi.json")
    assert response.status_code == 200, response.text
    return {
        (method.upper(), path)
        for path, operations in response.json()["paths"].items()
        for method in operations
        if method.upper() in HTTP_METHODS
    }


def test_api_doc_names_every_served_endpoint(served):
    done, _ = _sections()
    missing = sorted(f"{m} {p}" for m, p in served if f"`{m} {p}`" not in done)
    assert not missing, f"docs/api.md does not document: {missing}"


def test_every_endpoint_the_api_doc_names_is_served(served):
    done, _ = _sections()
    unknown = sorted(f"{m} {p}" for m, p in _named(done) - served)
    assert not unknown, f"docs/api.md documents endpoints the service lacks: {unknown}"


def test_not_yet_implemented_names_only_missing_endpoints(served):
    _, not_yet = _sections()
    named = _named(not_yet)
    assert named or "Nothing the contract names is missing" in not_yet, (
        "the Not yet implemented section names its endpoints as `METHOD /path`, or says that "
        "nothing is missing"
    )
    built = sorted(f"{m} {p}" for m, p in named & served)
    assert not built, f"now served, so document them above Not yet implemented: {built}"


def _documentation() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def test_the_documentation_files_exist():
    names = {path.name for path in _documentation() if path.is_file()}
    assert {"README.md", "api.md", "domain.md", "architecture.md"} <= names


def test_the_readme_links_the_documentation():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in ("docs/api.md", "docs/domain.md", "docs/architecture.md"):
        assert f"]({page})" in readme, f"README.md does not link {page}"


@pytest.mark.parametrize("path", _documentation(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_documentation_points_nowhere_outside_the_repository(path):
    text = path.read_text(encoding="utf-8")
    found = [marker for marker in OUTSIDE if marker in text]
    assert not found, f"{path.relative_to(ROOT)} points outside the repository: {found}"


def test_relative_links_between_documentation_pages_resolve():
    for path in _documentation():
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (path.parent / target).resolve().is_file(), f"{path.name}: broken link {target}"
