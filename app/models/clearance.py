from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.kit.db import Base, Hectares, UTCDateTime


class ClearanceRecord(Base):
    """Cumulative land-clearance figures of one zone as of one date."""

    __tablename__ = "clearance_records"
    __table_args__ = (
        UniqueConstraint("zone_id", "recorded_on"),
        CheckConstraint("cleared_ha >= 0", name="cleared_not_negative"),
        CheckConstraint(
            "households_relocated IS NULL OR households_total IS NULL "
            "OR households_relocated <= households_total",
            name="relocated_within_total",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="RESTRICT"))
    recorded_on: Mapped[date] = mapped_column(Date)
    cleared_ha: Mapped[Decimal] = mapped_column(Hectares())
    households_total: Mapped[int | None] = mapped_column(Integer)
    households_relocated: Mapped[int | None] = mapped_column(Integer)
    # Whole đồng: VND has no minor unit in use.
    compensation_paid_vnd: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set on creation and on every correction, so the record's ETag changes with it.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
