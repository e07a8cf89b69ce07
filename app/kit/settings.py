"""Configuration, read from OCCUPANCY_* environment variables (and a .env file)."""

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    # "Today" for computed fields is the date in this offset from UTC (Vietnam: +7, no DST).
    utc_offset_hours: float = Field(default=7, ge=-12, le=14)
    log_level: str = "info"
    # text: one human-readable line per request; json: one JSON object per line.
    log_format: Literal["text", "json"] = "text"
    # GET /metrics is open to anyone, like /healthz; false: it needs an API key (any role).
    public_metrics: bool = True


@lru_cache
def get_settings() -> Settings:
    return Settings()
