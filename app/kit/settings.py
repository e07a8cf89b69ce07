"""Configuration, read from OCCUPANCY_* environment variables (and a .env file)."""

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# A browser's Origin header: scheme, host and port, nothing after (no path, no trailing slash).
ORIGIN = re.compile(r"https?://([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:[0-9]{1,5})?")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OCCUPANCY_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./occupancy.db"
    stall_days: int = Field(default=180, ge=1)
    # Anonymous callers may read (GET); writes always need an editor or admin key.
    public_read: bool = True
    # How long a SQLite writer waits for another process's writer lock before giving up (ms);
    # within one worker, writers queue in order (see db_slots) instead of polling the lock.
    sqlite_busy_timeout_ms: int = Field(default=10_000, ge=0)
    # Requests a worker lets at the database at once (its connection pool holds as many);
    # the rest wait in line, at most queue_timeout_s and at most max_queue of them, then 503.
    # How long a PostgreSQL writer waits for another's row lock (a zone) before it gives up
    # and the request is answered 503 with Retry-After (ms).
    pg_lock_timeout_ms: int = Field(default=10_000, ge=1)
    # FULL: a commit is on disk before it is acknowledged, power loss included. NORMAL is
    # faster and may lose the last commits on power loss (bench/load.py measures both).
    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL"
    db_slots: int = Field(default=8, ge=1, le=200)
    # Of those, how many may write at once; default: 1 on SQLite (one writer at a time there
    # anyway, so a worker's writers queue in order instead of polling the lock), db_slots on
    # PostgreSQL.
    write_slots: int | None = Field(default=None, ge=1, le=200)
    queue_timeout_s: float = Field(default=10, gt=0, le=120)
    max_queue: int = Field(default=500, ge=0)
    # Request bodies larger than this are refused with 413 before they are parsed.
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    # Spreadsheet imports (POST /api/v1/imports) take bodies up to this size instead.
    max_import_bytes: int = Field(default=10 * 1_048_576, ge=1024)
    # Each worker keeps computed reports and lists up to this many MiB (app.kit.answers).
    answer_cache_mb: int = Field(default=32, ge=0, le=4096)
    # And the occupancy and clearance reports' zones as written, up to this many MiB between
    # them (app.kit.written_rows).
    row_cache_mb: int = Field(default=8, ge=0, le=1024)
    # "Today" for computed fields is the date in this offset from UTC (Vietnam: +7, no DST).
    utc_offset_hours: float = Field(default=7, ge=-12, le=14)
    log_level: str = "info"
    # The dashboard's map tiles: a URL template with {z}, {x} and {y} (and {s} for
    # subdomains), e.g. a tile server inside the network. Unset: the zones are drawn on a
    # plain background with a scale, and the page loads nothing from anywhere else.
    map_tiles: str | None = Field(
        default=None, pattern=r"^(https?://[^\s\"'<>]+|/[^\s\"'<>]*)$", max_length=500
    )
    # The tiles' attribution (their licence usually requires one), shown on the map as text.
    map_attribution: str = Field(default="", max_length=300)

    @field_validator("map_tiles", mode="before")
    @classmethod
    def _tile_template(cls, value: object) -> object:
        if value == "":  # OCCUPANCY_MAP_TILES= set but empty: no tiles
            return None
        if isinstance(value, str) and not all(p in value for p in ("{z}", "{x}", "{y}")):
            raise ValueError("must name the tile's {z}, {x} and {y}")
        return value

    # Web origins whose pages may call the API from a browser (CORS), e.g.
    # https://kcn.example.gov.vn; none by default. In the environment: comma-separated, or a
    # JSON list. "*" lets every origin in (the API uses no cookies, so that exposes nothing
    # a script could not already fetch without a browser).
    cors_origins: Annotated[list[str], NoDecode] = []

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"a JSON list of origins cannot be read: {exc}") from exc
        return [part.strip() for part in text.split(",") if part.strip()]

    @field_validator("cors_origins")
    @classmethod
    def _check_origins(cls, origins: list[str]) -> list[str]:
        checked = []
        for origin in origins:
            origin = origin.strip().lower()
            if origin != "*" and not ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"{origin!r} is not a web origin: write scheme://host[:port], e.g. "
                    "https://kcn.example.gov.vn, with no path and no trailing slash"
                )
            checked.append(origin)
        return checked

    # text: one human-readable line per request; json: one JSON object per line.
    log_format: Literal["text", "json"] = "text"
    # GET /metrics is open to anyone, like /healthz; false: it needs an API key (any role).
    public_metrics: bool = True


def local_today(settings: Settings) -> date:
    """Today in the province's time zone (Vietnam keeps UTC+7 all year)."""
    offset = timezone(timedelta(hours=settings.utc_offset_hours))
    return datetime.now(UTC).astimezone(offset).date()


@lru_cache
def get_settings() -> Settings:
    return Settings()
