from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.kit.db import Base, Hectares, Money, UTCDateTime, check_one_of
from app.models.enums import Currency, LandUse, ProjectStatus


class Project(Base):
    """An investor project; it holds one land lease in one zone."""

    __tablename__ = "projects"
    __table_args__ = (
        check_one_of("land_use", LandUse),
        check_one_of("status", ProjectStatus),
        check_one_of("capital_currency", Currency),
        CheckConstraint("leased_ha > 0", name="leased_positive"),
        CheckConstraint(
            "lease_end IS NULL OR lease_end > lease_start", name="lease_end_after_start"
        ),
        CheckConstraint(
            "terminated_on IS NULL OR terminated_on >= lease_start", name="terminated_after_start"
        ),
        CheckConstraint(
            "registered_capital IS NULL OR (registered_capital >= 0 AND capital_currency IS NOT NULL)",
            name="capital_with_currency",
        ),
        CheckConstraint(
            "employees IS NULL OR (employees >= 0 AND employees <= 1000000)", name="employees_range"
        ),
        # Capacity checks read a zone's leases of one land use.
        Index("ix_projects_zone_id_land_use", "zone_id", "land_use"),
        # Everything "in effect on a date" needs, per zone: reports read this index alone,
        # never the wider table.
        Index(
            "ix_projects_leases",
            "zone_id",
            "lease_start",
            "lease_end",
            "terminated_on",
            "land_use",
            "leased_ha",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    investor: Mapped[str] = mapped_column(String(200))
    investor_country: Mapped[str] = mapped_column(String(2), index=True)
    project_code: Mapped[str | None] = mapped_column(String(50), unique=True)
    sector: Mapped[str | None] = mapped_column(String(5))
    registered_capital: Mapped[Decimal | None] = mapped_column(Money())
    capital_currency: Mapped[str | None] = mapped_column(String(3))
    land_use: Mapped[str] = mapped_column(String(20))
    leased_ha: Mapped[Decimal] = mapped_column(Hectares())
    lease_start: Mapped[date] = mapped_column(Date, index=True)
    lease_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), index=True)
    employees: Mapped[int | None] = mapped_column(Integer)
    terminated_on: Mapped[date | None] = mapped_column(Date)
    termination_reason: Mapped[str | None] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(String(410))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
