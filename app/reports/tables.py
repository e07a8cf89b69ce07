"""Each report's tables (CSV and XLSX), made from its JSON document: the same function
renders a report served now and a filed one read back."""

from collections.abc import Callable, Mapping
from typing import Any

from app.reports.rendering import flatten, zone_rows
from app.sheets.tables import Table

Document = Mapping[str, Any]


def _totals_table(totals: Mapping[str, Any]) -> Table:
    return Table("totals", [{"kind": kind, **values} for kind, values in totals.items()])


def occupancy(report: Document) -> list[Table]:
    return [Table("zones", zone_rows(report["zones"])), _totals_table(report["totals"])]


def history(report: Document) -> list[Table]:
    rows = []
    for point in report["points"]:
        row: dict[str, Any] = {"as_of": point["as_of"]}
        for kind in ("park", "cluster", "all"):
            totals = {k: v for k, v in point[kind].items() if k != "as_of"}
            row |= flatten(totals, f"{kind}_")
        rows.append(row)
    return [Table("points", rows)]


def clearance(report: Document) -> list[Table]:
    return [Table("zones", zone_rows(report["zones"])), Table("totals", [report["totals"]])]


def investment(report: Document) -> list[Table]:
    breakdown = [
        {"dimension": "country", "key": row["country"]}
        | {k: v for k, v in row.items() if k != "country"}
        for row in report["by_country"]
    ] + [
        {"dimension": "sector", "key": row["sector"]}
        | {k: v for k, v in row.items() if k != "sector"}
        for row in report["by_sector"]
    ]
    totals = flatten({k: v for k, v in report.items() if k not in ("by_country", "by_sector")})
    indicators = [{"indicator": key, "value": value} for key, value in totals.items()]
    return [Table("breakdown", breakdown), Table("totals", indicators)]


def summary(report: Document) -> list[Table]:
    indicators = [{"indicator": key, "value": value} for key, value in flatten(report).items()]
    return [Table("indicators", indicators)]


def plan(report: Document) -> list[Table]:
    return [Table("indicators", list(report["rows"]))]


def forecast(report: Document) -> list[Table]:
    totals = [{"kind": kind, **values} for kind, values in report["totals"].items()]
    return [Table("zones", zone_rows(report["zones"])), Table("totals", totals)]


def alerts(report: Document) -> list[Table]:
    rows = []
    for alert in report["alerts"]:
        zone, project = alert["zone"] or {}, alert["project"] or {}
        rows.append(
            {
                "kind": alert["kind"],
                "zone_code": zone.get("code"),
                "zone_name": zone.get("name"),
                "project_id": project.get("id"),
                "project_name": project.get("name"),
                "message_vi": alert["message_vi"],
                "message_en": alert["message_en"],
            }
            | flatten(alert["figures"])
        )
    return [Table("alerts", rows)]


BY_REPORT: dict[str, Callable[[Document], list[Table]]] = {
    "occupancy": occupancy,
    "occupancy/history": history,
    "clearance": clearance,
    "investment": investment,
    "summary": summary,
    "plan": plan,
}
