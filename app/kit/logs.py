"""The service's log lines: one access line per request, plain text or JSON.

`occupancy serve` hands uvicorn `server_log_config`: every line the server writes (uvicorn's
own, the service's, a library's warning) goes to standard error through one formatter —
`TextFormatter` by default, `JsonFormatter` (one JSON object per line) with
OCCUPANCY_LOG_FORMAT=json — and uvicorn's access log is off, since `access` writes a better
one (route template, duration, key name, request id).
"""

import json
import logging
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["text", "json"]

ACCESS_LOGGER = "app.access"
access_log = logging.getLogger(ACCESS_LOGGER)


def access(
    *,
    request_id: str | None,
    method: str,
    route: str,
    path: str,
    status: int,
    duration_s: float,
    key: str | None,
    failed: bool = False,
) -> None:
    """Write one request's access line. `key` is the API key's name (never its secret), None
    for an anonymous or refused caller; `failed`: the request ended in an exception."""
    level = line_level(status, failed)
    if not access_log.isEnabledFor(level):
        return
    fields: dict[str, Any] = {
        "request_id": request_id,
        "method": method,
        "route": route,
        "path": path,
        "status": status,
        "duration_ms": round(duration_s * 1000, 2),
        "key": key,
    }
    access_log.log(level, "%s", logfmt(fields), extra={"access": fields})


def line_level(status: int, failed: bool = False) -> int:
    """error for a failure or a 5xx, except 503 (the service shedding load on purpose), which
    is a warning; info for everything else."""
    if failed or (status >= 500 and status != 503):
        return logging.ERROR
    return logging.WARNING if status == 503 else logging.INFO


def logfmt(fields: dict[str, Any]) -> str:
    """`name=value` pairs; a value with a space, a quote, an equals sign or a control character
    is quoted and escaped, so one request stays one line whatever its path holds."""
    return " ".join(f"{name}={_logfmt_value(value)}" for name, value in fields.items())


def _logfmt_value(value: Any) -> str:
    if value is None:
        return "-"
    text = str(value)
    if text and text.isprintable() and not any(c in text for c in ' "=\\'):
        return text
    return json.dumps(text, ensure_ascii=False)


def utc_time(created: float) -> str:
    """A record's time as ISO 8601 in UTC, to the millisecond: 2026-11-29T13:32:36.058Z."""
    moment = datetime.fromtimestamp(created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    """`<time> <LEVEL> <logger>: <message>`; an access line's message is its logfmt fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{utc_time(record.created)} {record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: `time`, `level`, `logger`, then an access line's fields or the
    `message` (with `request_id` when the record carries one, and the `exception`)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": utc_time(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "access", None)
        if isinstance(fields, dict):
            entry.update(fields)
        else:
            entry["message"] = record.getMessage()
            request_id = getattr(record, "request_id", None)
            if request_id is not None:
                entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def server_log_config(log_format: LogFormat, level: str) -> dict[str, Any]:
    """uvicorn's `log_config` (logging.config.dictConfig, applied in every worker)."""
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": {"()": f"{__name__}.{formatter.__name__}"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "line",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            # Off: the service writes its own access line (ACCESS_LOGGER).
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "app": {"handlers": ["stderr"], "level": level, "propagate": False},
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }
