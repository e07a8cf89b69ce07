from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.kit.db import Base, Hectares, UTCDateTime, check_one_of
from app.models.enums import ZoneKind, ZoneStatus


class Zone(Base):
    """An industrial park (KCN) or industrial cluster (CCN)."""

    __tablename__ = "zones"
    __table_args__ = (
        check_one_of("kind", ZoneKind),
        check_one_of("status", ZoneStatus),
        CheckConstraint("total_area_ha > 0", name="total_area_positive"),
        CheckConstraint("industrial_land_ha >= 0", name="industrial_land_not_negative"),
        CheckConstraint("service_land_ha >= 0", name="service_land_not_negative"),
        CheckConstraint(
            "industrial_land_ha + service_land_ha <= total_area_ha", name="leasable_within_total"
        ),
        CheckConstraint(
            "clearance_required_ha >= 0 AND clearance_required_ha <= total_area_ha",
            name="clearance_within_total",
        ),
        CheckConstraint(
            "(latitude IS NULL) = (longitude IS NULL)", name="coordinates_both_or_neither"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    province: Mapped[str] = mapped_column(String(100), index=True)
    locality: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), index=True)
    established_on: Mapped[date | None] = mapped_column(Date)
    decision_no: Mapped[str | None] = mapped_column(String(100))
    developer: Mapped[str | None] = mapped_column(String(200))
    total_area_ha: Mapped[Decimal] = mapped_column(Hectares())
    industrial_land_ha: Mapped[Decimal] = mapped_column(Hectares())
    service_land_ha: Mapped[Decimal] = mapped_column(Hectares())
    clearance_required_ha: Mapped[Decimal] = mapped_column(Hectares())
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # Case-folded name and code, so `q` matches case-insensitively on both databases
    # (SQLite's lower() only folds ASCII, and Vietnamese names are mostly not ASCII).
    search_text: Mapped[str] = mapped_column(String(250))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
