"""What needs attention on a date (GET /api/v1/alerts): leases about to expire, zones nearly
full, clearance that has stalled, plan indicators off track. Each alert carries its figures
and a message in Vietnamese and in English, made from those figures."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.land.forecast import days_after
from app.reports import queries, service
from app.reports.forecast import active_plan
from app.reports.params import ZoneSelection
from app.reports.plan import plan_report

NEARLY_FULL = Decimal("0.9")
KINDS = ("lease_expiring", "zone_nearly_full", "clearance_stalled", "indicator_off_track")


def vi_number(value: float | Decimal, places: int = 2) -> str:
    """1234.5 -> '1.234,50' (Vietnamese: dot for thousands, comma for decimals)."""
    text = f"{value:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def en_number(value: float | Decimal, places: int = 2) -> str:
    return f"{value:,.{places}f}"


def vi_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass
class Alert:
    kind: str
    message_vi: str
    message_en: str
    zone: dict[str, Any] | None = None
    project: dict[str, Any] | None = None
    figures: dict[str, Any] = field(default_factory=dict)

    def json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "zone": self.zone,
            "project": self.project,
            "figures": self.figures,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
        }


def _expiring(session: Session, selection: ZoneSelection, day: date, days: int) -> list[Alert]:
    alerts = []
    for row in queries.expiring_leases(session, selection, day, days_after(day, days)):
        project_id, name, investor, land_use, area, ends, zone_id, code, zone_name = row
        left = (ends - day).days
        alerts.append(
            Alert(
                "lease_expiring",
                f"Hợp đồng thuê {vi_number(area)} ha đất của dự án {name} ({investor}) tại "
                f"{zone_name} hết hạn ngày {vi_date(ends)}, còn {left} ngày.",
                f"The lease of {en_number(area)} ha held by project {name} ({investor}) in "
                f"{zone_name} expires on {ends.isoformat()}, in {left} days.",
                zone={"id": zone_id, "code": code, "name": zone_name},
                project={"id": project_id, "name": name, "investor": investor},
                figures={
                    "lease_end": ends.isoformat(),
                    "days_left": left,
                    "leased_ha": float(area),
                    "land_use": land_use,
                },
            )
        )
    return alerts


def _nearly_full(session: Session, selection: ZoneSelection, day: date) -> list[Alert]:
    alerts = []
    for row in service.occupancy_document(session, selection, day)["zones"]:
        rate = row["occupancy_rate"]
        if rate is None or Decimal(str(rate)) < NEARLY_FULL:
            continue
        free = row["industrial_land_ha"] - row["leased_industrial_ha"]
        alerts.append(
            Alert(
                "zone_nearly_full",
                f"{row['name']} đã lấp đầy {vi_number(rate * 100)} % đất công nghiệp; còn "
                f"{vi_number(free)} ha chưa cho thuê.",
                f"{row['name']} is {en_number(rate * 100)} % occupied; {en_number(free)} ha of "
                "industrial land is still free.",
                zone={"id": row["id"], "code": row["code"], "name": row["name"]},
                figures={
                    "occupancy_rate": rate,
                    "industrial_land_ha": row["industrial_land_ha"],
                    "leased_industrial_ha": row["leased_industrial_ha"],
                },
            )
        )
    return alerts


def _stalled(session: Session, selection: ZoneSelection, day: date, stall_days: int) -> list[Alert]:
    alerts = []
    for row in service.clearance_document(session, selection, day, stall_days)["zones"]:
        if not row["stalled"]:
            continue
        since = date.fromisoformat(row["last_progress_on"])
        idle = (day - since).days
        rate = row["clearance_rate"] or 0
        alerts.append(
            Alert(
                "clearance_stalled",
                f"Giải phóng mặt bằng tại {row['name']} không tiến triển từ ngày {vi_date(since)} "
                f"({idle} ngày); đã giải phóng {vi_number(rate * 100)} % "
                f"({vi_number(row['cleared_ha'])}/{vi_number(row['required_ha'])} ha).",
                f"Land clearance in {row['name']} has not progressed since {since.isoformat()} "
                f"({idle} days); {en_number(rate * 100)} % cleared "
                f"({en_number(row['cleared_ha'])} of {en_number(row['required_ha'])} ha).",
                zone={"id": row["id"], "code": row["code"], "name": row["name"]},
                figures={
                    "last_progress_on": since.isoformat(),
                    "days_without_progress": idle,
                    "cleared_ha": row["cleared_ha"],
                    "required_ha": row["required_ha"],
                    "clearance_rate": row["clearance_rate"],
                },
            )
        )
    return alerts


def _off_track(session: Session, day: date, stall_days: int) -> list[Alert]:
    plan = active_plan(session, day)
    if plan is None:
        return []
    alerts = []
    for row in plan_report(session, plan.id, day, stall_days).rows:
        if row.on_track is not False or row.projected is None or row.target is None:
            continue
        label, target = row.label or row.indicator, row.target
        alerts.append(
            Alert(
                "indicator_off_track",
                f"Chỉ tiêu “{label}” của {plan.code}: theo tốc độ hiện nay đạt "
                f"{vi_number(row.projected * 100)} % vào ngày {vi_date(plan.ends_on)}, dưới mục "
                f"tiêu {vi_number(target * 100)} %.",
                f"Target “{label}” of {plan.code}: at the current pace it reaches "
                f"{en_number(row.projected * 100)} % by {plan.ends_on.isoformat()}, below the "
                f"{en_number(target * 100)} % target.",
                figures={
                    "plan_id": plan.id,
                    "plan_code": plan.code,
                    "indicator": row.indicator,
                    "target": float(target),
                    "actual": None if row.actual is None else float(row.actual),
                    "projected": float(row.projected),
                    "ends_on": plan.ends_on.isoformat(),
                },
            )
        )
    return alerts


def alerts_document(
    session: Session, selection: ZoneSelection, day: date, days: int, stall_days: int
) -> dict[str, Any]:
    found = [
        *_expiring(session, selection, day, days),
        *_nearly_full(session, selection, day),
        *_stalled(session, selection, day, stall_days),
        *_off_track(session, day, stall_days),
    ]
    return {
        "as_of": day.isoformat(),
        "days": days,
        "scope": selection.scope,
        "kind": selection.kind,
        "province": selection.province,
        "counts": {kind: sum(1 for a in found if a.kind == kind) for kind in KINDS},
        "alerts": [alert.json() for alert in found],
    }
