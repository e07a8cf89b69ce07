"""Which reports the service serves, where, and with which parameters: pure data, no I/O."""

from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

ReportName = Literal["occupancy", "occupancy/history", "clearance", "investment", "summary", "plan"]
Format = Literal["json", "csv", "xlsx", "geojson"]
Scope = Literal["established", "operating", "all"]
Kind = Literal["park", "cluster"]
Boundaries = Literal["as_of", "current"]
Interval = Literal["month", "quarter", "year"]

REPORTS: tuple[ReportName, ...] = get_args(ReportName)
FORMATS: tuple[Format, ...] = get_args(Format)
SCOPES: tuple[Scope, ...] = get_args(Scope)
KINDS: tuple[Kind, ...] = get_args(Kind)
BOUNDARIES: tuple[Boundaries, ...] = get_args(Boundaries)
INTERVALS: tuple[Interval, ...] = get_args(Interval)

_DATED = frozenset({"as_of", "period"})
_SELECTING = frozenset({"scope", "kind", "province", "boundaries"})
# The parameters each report takes (the service refuses others when filing, and a report's
# endpoint would ignore them: asking for them is a mistake either way).
TAKES: dict[ReportName, frozenset[str]] = {
    "occupancy": _DATED | _SELECTING,
    "clearance": _DATED | _SELECTING,
    "investment": _DATED | _SELECTING,
    "summary": _DATED | _SELECTING,
    "occupancy/history": frozenset({"from", "to", "interval"}) | _SELECTING,
    "plan": _DATED | {"plan_id"},
}


@dataclass(frozen=True, slots=True)
class ReportParams:
    """A report's own parameters, as its endpoint takes them (docs/api.md, Reports). The
    service judges them; a parameter a report does not take is its 422, not the client's."""

    as_of: date | None = None
    period: str | None = None  # YYYY-H1 (14 June) or YYYY (14 December), instead of as_of
    scope: Scope | None = None
    kind: Kind | None = None
    province: str | None = None
    boundaries: Boundaries | None = None
    from_: date | None = None  # the history's first day
    to: date | None = None  # the history's last day
    interval: Interval | None = None
    plan_id: int | None = None  # the plan report's plan

    def fields(self) -> dict[str, str | int]:
        """The parameters given, by the name the service knows them by."""
        named: dict[str, date | str | int | None] = {
            "as_of": self.as_of,
            "period": self.period,
            "scope": self.scope,
            "kind": self.kind,
            "province": self.province,
            "boundaries": self.boundaries,
            "from": self.from_,
            "to": self.to,
            "interval": self.interval,
            "plan_id": self.plan_id,
        }
        return {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in named.items()
            if value is not None
        }


def check(name: ReportName, params: ReportParams) -> None:
    """Refuse (ValueError) an unknown report or a parameter the report does not take."""
    if name not in TAKES:
        raise ValueError(f"unknown report {name!r}: one of {', '.join(REPORTS)}")
    extra = sorted(params.fields().keys() - TAKES[name])
    if extra:
        raise ValueError(f"the {name} report does not take {', '.join(extra)}")
    if name == "plan" and params.plan_id is None:
        raise ValueError("the plan report needs a plan id")


def report_path(name: ReportName, params: ReportParams) -> str:
    """Where the report is served. The plan report lives under its plan."""
    check(name, params)
    if name == "plan":
        return f"/api/v1/plans/{params.plan_id}/report"
    return f"/api/v1/reports/{name}"


def report_query(params: ReportParams, format: Format) -> dict[str, str]:
    """The query string of a report request: its parameters (the plan id is in the path)
    and the format, left out when it is the default."""
    query = {name: str(value) for name, value in params.fields().items() if name != "plan_id"}
    if format != "json":
        query["format"] = format
    return query


def filing_body(name: ReportName, params: ReportParams, note: str | None) -> dict[str, object]:
    """The body of POST /api/v1/filings."""
    check(name, params)
    body: dict[str, object] = {"report": name, "params": params.fields()}
    if note is not None:
        body["note"] = note
    return body
