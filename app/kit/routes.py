"""Which route template a request path belongs to (`/api/v1/zones/{zone_id}` for
`/api/v1/zones/12`), so that metrics are labelled by a bounded set of templates, never by raw
paths.

`create_app` makes the table once, from the paths of the routers it includes and of its own
routes (the same paths the OpenAPI document lists, plus `/docs`, `/redoc`, …), and keeps it
in the application's state. A path matched by several templates takes the most specific: a
literal path first, then the fewest parameters. A path no template matches is `UNMATCHED`,
one label for every unknown path.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.routing import compile_path
from starlette.types import Scope

UNMATCHED = "unmatched"


@dataclass(frozen=True, slots=True)
class Template:
    path: str
    pattern: re.Pattern[str]


class RouteTemplates:
    def __init__(self, paths: Iterable[str] = ()) -> None:
        unique = set(paths)
        self.literal = {path for path in unique if "{" not in path}
        by_specificity = sorted(unique - self.literal, key=lambda p: (p.count("{"), -len(p), p))
        self.templates = [Template(path, compile_path(path)[0]) for path in by_specificity]

    def of(self, path: str) -> str:
        """The template `path` belongs to, or UNMATCHED."""
        if path in self.literal:
            return path
        for template in self.templates:
            if template.pattern.match(path):
                return template.path
        return UNMATCHED


def route_paths(routes: Iterable[object]) -> list[str]:
    """The path templates of these routes (those that have one)."""
    return [
        path for route in routes if isinstance(path := getattr(route, "path_format", None), str)
    ]


def route_of(scope: Scope) -> str:
    """The route template of a request, from the table its application keeps."""
    app = scope.get("app")
    table = getattr(getattr(app, "state", None), "route_templates", None)
    return table.of(scope["path"]) if isinstance(table, RouteTemplates) else UNMATCHED
