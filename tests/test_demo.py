"""The demo data set reproduces the seed's figures on the seed's date, through the real code."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import cli, migrate
from app.aggregates import figures_by_zone
from app.countries import DOMESTIC
from app.demo import DemoRefused, database_is_empty, load_demo
from app.models import Project, Zone
from app.models.zone import ESTABLISHED_STATUSES
from app.occupancy import rate, total
from app.settings import get_settings

SEED_DATE = date(2024, 6, 24)


def _area_weighted_occupancy(session: Session, kind: str, day: date) -> Decimal | None:
    zones = list(
        session.scalars(
            select(Zone).where(Zone.kind == kind, Zone.status.in_(ESTABLISHED_STATUSES))
        )
    )
    figures = figures_by_zone(session, zones, day)
    group = total(figures[zone.id].occupancy for zone in zones)
    return rate(group.leased_industrial_ha, group.industrial_land_ha)


def test_demo_reproduces_the_seed_figures(session: Session) -> None:
    summary = load_demo(session)

    assert _area_weighted_occupancy(session, "park", SEED_DATE) == Decimal("0.4677")
    assert _area_weighted_occupancy(session, "cluster", SEED_DATE) == Decimal("0.4130")
    areas = session.scalars(select(Zone.total_area_ha).where(Zone.status != "closed"))
    assert sum(areas, Decimal(0)) == Decimal("6113.48")

    assert "synthetic" in summary.lower()
    # The summary also names the plan and the clearance picture on the seed's date.
    assert "07-ĐA/TU" in summary
    assert "completed" in summary and "stalled" in summary and "KCN-BINH-PHU" in summary


def test_demo_contents(session: Session) -> None:
    load_demo(session)

    zones = list(session.scalars(select(Zone)))
    assert sum(1 for z in zones if z.kind == "park") >= 8
    assert sum(1 for z in zones if z.kind == "cluster") >= 12
    assert {z.province for z in zones} == {"Hòa Bình"}
    assert (
        session.scalar(select(Zone.name).where(Zone.code == "KCN-LUONG-SON"))
        == "Khu công nghiệp Lương Sơn"
    )

    projects = list(session.scalars(select(Project)))
    assert 150 <= len(projects) <= 300
    assert any(p.investor_country == DOMESTIC for p in projects)
    assert any(p.investor_country != DOMESTIC for p in projects)
    assert any(p.terminated_on is not None and p.terminated_on < SEED_DATE for p in projects)
    assert any(p.land_use == "service" for p in projects)
    assert any(p.lease_end is not None and p.lease_end <= SEED_DATE for p in projects)
    assert any(p.lease_start > SEED_DATE for p in projects)

    by_day = [figures_by_zone(session, zones, day) for day in (SEED_DATE, date.today())]
    assert any(by_day[0][z.id].occupancy != by_day[1][z.id].occupancy for z in zones), (
        "some leases start or end after the seed's date"
    )


def test_demo_loads_only_into_an_empty_database(session: Session) -> None:
    assert database_is_empty(session)
    load_demo(session)
    assert not database_is_empty(session)
    with pytest.raises(DemoRefused):
        load_demo(session)


def test_demo_command(
    scratch_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate.upgrade(scratch_url)
    monkeypatch.setenv("OCCUPANCY_DATABASE_URL", scratch_url)
    get_settings.cache_clear()
    try:
        assert cli.main(["demo"]) == 0
        assert "synthetic" in capsys.readouterr().out.lower()

        assert cli.main(["demo"]) == 1
        assert "demo not loaded" in capsys.readouterr().err

        assert cli.main(["demo", "--if-empty"]) == 0
        assert "database already holds data; demo not loaded" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()
