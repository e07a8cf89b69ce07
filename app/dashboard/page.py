"""The dashboard page as served: its template with the page's settings filled in, and the
Content-Security-Policy that keeps it from loading anything the service does not serve
(pure: no I/O, no framework)."""

import json
import re
from dataclasses import asdict, dataclass
from datetime import date

# Where the template takes the page's settings: a JSON document the script reads.
CONFIG_SLOT = "<!--config-->"
# A {placeholder} in a tile server's host ({s} for subdomains) stands for any label.
_HOST_PLACEHOLDER = re.compile(r"\{[^}]*\}")


@dataclass(frozen=True, slots=True)
class PageConfig:
    """What the page needs to know that the API does not tell it."""

    today: str  # today in the province's time zone, for the default (latest) cut-off
    public_read: bool  # False: the page asks for an API key before it reads anything
    tiles: str | None  # tile URL template, or None: zones on a plain background
    attribution: str  # the tiles' attribution, shown as text


def page_config(
    *, today: date, public_read: bool, tiles: str | None, attribution: str
) -> PageConfig:
    return PageConfig(today.isoformat(), public_read, tiles, attribution)


def render(template: str, config: PageConfig) -> str:
    """The template with the config as an inert JSON script; '<' is escaped so no value can
    close the script element."""
    payload = json.dumps(asdict(config), ensure_ascii=False).replace("<", "\\u003c")
    tag = f'<script type="application/json" id="config">{payload}</script>'
    return template.replace(CONFIG_SLOT, tag, 1)


def tile_origin(tiles: str | None) -> str | None:
    """The origin map tiles come from, as a CSP source ({s}.example → *.example); None for
    no tiles or tiles the service serves itself (a path)."""
    if tiles is None or tiles.startswith("/"):
        return None
    scheme, _, rest = tiles.partition("://")
    host = _HOST_PLACEHOLDER.sub("*", rest.split("/", 1)[0])
    return f"{scheme}://{host}"


def content_security_policy(tiles: str | None) -> str:
    """Scripts, styles, fonts and data from the service only; images also from the tile
    server when one is configured."""
    origin = tile_origin(tiles)
    images = "'self' data:" + (f" {origin}" if origin else "")
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "font-src 'self'",
            "connect-src 'self'",
            f"img-src {images}",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        )
    )
