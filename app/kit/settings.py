"""Configuration, read from OCCUPANCY_* environment variables (and a .env file)."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OCCUPANCY_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./occupancy.db"
    stall_days: int = Field(default=180, ge=1)
    # Anonymous callers may read (GET); writes always need an editor or admin key.
    public_read: bool = True
    # How long a SQLite writer waits for another writer's lock before giving up (ms).
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    # Request bodies larger than this are refused with 413 before they are parsed.
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    # "Today" for computed fields is the date in this offset from UTC (Vietnam: +7, no DST).
    utc_offset_hours: float = Field(default=7, ge=-12, le=14)
    log_level: str = "info"


@lru_cache
def get_settings() -> Settings:
    return Settings()
