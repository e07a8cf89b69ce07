"""The pages behind the problem types: `GET /problems/{slug}` explains one, `GET /problems`
lists them all, from the one catalogue (app.kit.problems). Plain HTML, nothing loaded from
elsewhere; open to everyone, like the documentation."""

from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.kit.errors import NotFound, problem_response
from app.kit.problems import CATALOGUE, PROBLEM_BASE, ProblemType

router = APIRouter(prefix=PROBLEM_BASE.rstrip("/"), tags=["documentation"])

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5}code{background:#f2f2f2;padding:0 .2em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
)


def _inline(text: str) -> str:
    """Escape text, then show `quoted` parts as code."""
    parts = escape(text).split("`")
    return "".join(f"<code>{part}</code>" if i % 2 else part for i, part in enumerate(parts))


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}"
        '<p><a href="/problems">All problem types</a> · <a href="/docs">API documentation</a>'
        "</p>\n</body>\n</html>\n"
    )


def _table(caption: str, rows: tuple[tuple[str, str], ...]) -> str:
    if not rows:
        return ""
    cells = "".join(
        f"<tr><td><code>{escape(n)}</code></td><td>{_inline(m)}</td></tr>" for n, m in rows
    )
    return f"<h2>{escape(caption)}</h2>\n<table>{cells}</table>\n"


def type_page(problem: ProblemType) -> str:
    """The page that explains one problem type."""
    statuses = ", ".join(str(status) for status in problem.statuses)
    body = (
        f"<h1>{escape(problem.title)}</h1>\n"
        f"<p>Problem type <code>{escape(problem.uri)}</code>, HTTP status {statuses}. "
        "Answers carry it as an RFC 9457 problem document (<code>application/problem+json</code>"
        ") with <code>type</code>, <code>title</code>, <code>status</code> and "
        "<code>detail</code>, which says what happened to this request.</p>\n"
        f"<h2>What it means</h2>\n<p>{_inline(problem.meaning)}</p>\n"
        f"<h2>What to do</h2>\n<p>{_inline(problem.remedy)}</p>\n"
        + _table("Other members", problem.members)
        + _table("Headers", problem.headers)
    )
    return _page(f"{problem.title} ({problem.uri})", body)


def index_page() -> str:
    """The list of every problem type, each linked to its page."""
    rows = "".join(
        f'<tr><td><a href="{escape(p.uri)}"><code>{escape(p.uri)}</code></a></td>'
        f"<td>{', '.join(map(str, p.statuses))}</td><td>{escape(p.title)}</td></tr>"
        for p in CATALOGUE.values()
    )
    body = (
        "<h1>Problem types</h1>\n<p>Every error answer is an RFC 9457 problem document. Its "
        "<code>type</code> is one of these, or <code>about:blank</code> for a plain HTTP "
        "failure (unknown path, method not allowed, body too large, server error, not ready) "
        "that its status says all about.</p>\n"
        f"<table><tr><th>type</th><th>status</th><th>title</th></tr>{rows}</table>\n"
    )
    return _page("Problem types", body)


@router.get("", response_class=HTMLResponse)
async def list_problem_types() -> HTMLResponse:
    """Every problem type the service's errors carry, each linked to its page."""
    return HTMLResponse(index_page())


@router.get(
    "/{slug}",
    response_class=HTMLResponse,
    responses={404: problem_response("No such problem type")},
)
async def get_problem_type(slug: str) -> HTMLResponse:
    """The page a problem's `type` URI names: what the problem means and what to do."""
    found = CATALOGUE.get(slug)
    if found is None:
        raise NotFound("problem type", slug)
    return HTMLResponse(type_page(found))
