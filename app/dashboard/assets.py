"""The files the dashboard page loads, all served by the service itself (never a CDN): its own
script and style, and the front-end libraries, read from the Python packages that ship them
at the versions pinned in pyproject.toml.

- Leaflet (the map) from XStatic-Leaflet: `xstatic/pkg/leaflet/data/`.
- Chart.js (the charts) from chartkick, which bundles it with its date adapter:
  `chartkick/django/static/chartkick/Chart.bundle.js`.

Only the files found in those folders when the application starts are served (a fixed table:
no path from a request ever reaches the file system). Each is read and gzip-compressed once,
on its first request, and kept: compressing Chart.js on every request would cost more CPU
than the rest of the page. Answers carry an ETag and `Cache-Control: no-cache` (browsers keep
the file and revalidate it, so a new release shows at once; a match is 304).
"""

import gzip
import hashlib
import importlib.util
import mimetypes
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from app.kit.errors import problem

OWN = Path(__file__).parent / "static"
# URL prefix → (package, folder inside it) of each library's files.
LIBRARIES: dict[str, tuple[str, str]] = {
    "/dashboard/vendor/leaflet": ("xstatic.pkg.leaflet", "data"),
    "/dashboard/vendor/chartjs": ("chartkick", "django/static/chartkick"),
}
SERVED_SUFFIXES = frozenset({".js", ".css", ".png", ".svg"})
COMPRESSED_SUFFIXES = frozenset({".js", ".css", ".svg"})  # PNG is compressed already
METHODS = ("GET", "HEAD")


def package_folder(package: str, folder: str) -> Path:
    """A folder inside an installed package (found without importing the package)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"the dashboard needs the package {package!r}; reinstall")
    return Path(spec.origin).parent / folder


@dataclass(frozen=True)
class Asset:
    path: Path

    @cached_property
    def body(self) -> bytes:
        return self.path.read_bytes()

    @cached_property
    def gzipped(self) -> bytes:
        return gzip.compress(self.body, compresslevel=6, mtime=0)

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(self.body).hexdigest()[:20]

    @property
    def media_type(self) -> str:
        guessed, _ = mimetypes.guess_type(self.path.name)
        kind = guessed or "application/octet-stream"
        return f"{kind}; charset=utf-8" if kind.startswith("text/") else kind


class Files:
    """The files of one folder, by their path under the mount, for GET and HEAD."""

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise RuntimeError(f"the dashboard's files are missing: {folder}")
        self.assets = {
            "/" + path.relative_to(folder).as_posix(): Asset(path)
            for path in sorted(folder.rglob("*"))
            if path.is_file() and path.suffix in SERVED_SUFFIXES
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in METHODS:
            refusal = problem(
                405, "Method not allowed", f"{scope['method']} is not allowed on this path"
            )
            refusal.headers["Allow"] = ", ".join(METHODS)
            await refusal(scope, receive, send)
            return
        asset = self.assets.get(_under_mount(scope))
        if asset is None:
            raise HTTPException(404)
        await self._answer(asset, Headers(scope=scope))(scope, receive, send)

    @staticmethod
    def _answer(asset: Asset, request: Headers) -> Response:
        accepted = request.get("accept-encoding", "")
        compressed = asset.path.suffix in COMPRESSED_SUFFIXES and "gzip" in accepted
        etag = f'"{asset.digest}{"-gz" if compressed else ""}"'
        headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
        if etag in request.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        if compressed:
            headers["Content-Encoding"] = "gzip"
        body = asset.gzipped if compressed else asset.body
        return Response(body, media_type=asset.media_type, headers=headers)


def _under_mount(scope: Scope) -> str:
    """The request path below the mount point (a Mount keeps the whole path and sets
    root_path to the prefix)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def mount_assets(app: FastAPI) -> None:
    """Mount the libraries, then the dashboard's own files (the longer prefixes first, so
    they are matched first)."""
    for prefix, (package, folder) in LIBRARIES.items():
        app.mount(prefix, Files(package_folder(package, folder)))
    app.mount("/dashboard", Files(OWN))
