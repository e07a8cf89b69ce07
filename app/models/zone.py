from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.kit.db import Base, Hectares, UTCDateTime, check_one_of
from app.models.enums import ZoneKind, ZoneStatus


class Zone(Base):
    """An industrial park (KCN) or industrial cluster (CCN): what never changes about it.

    What changes with time (name, province, status, land...) lives in its revisions and, for
    reading, in the states they add up to (ZoneState)."""

    __tablename__ = "zones"
    __table_args__ = (
        check_one_of("kind", ZoneKind),
        CheckConstraint(
            "(latitude IS NULL) = (longitude IS NULL)", name="coordinates_both_or_neither"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    established_on: Mapped[date | None] = mapped_column(Date)
    decision_no: Mapped[str | None] = mapped_column(String(100))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ZoneRevision(Base):
    """What one write set of a zone's time-varying fields, and from which date (None: from
    the beginning). Areas are kept as decimal text, so they stay exact."""

    __tablename__ = "zone_revisions"
    __table_args__ = (Index("ix_zone_revisions_zone", "zone_id", "effective_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"))
    effective_from: Mapped[date | None] = mapped_column(Date)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(100))


class ZoneState(Base):
    """A zone's time-varying fields as they stand over [valid_from, valid_to): the fold of
    its revisions (app.land.revisions), rebuilt whenever one is added. Every read of a zone
    on a date joins the one state that covers the date; a zone has no state before its first
    revision, so it does not exist then."""

    __tablename__ = "zone_states"
    __table_args__ = (
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
            "valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to",
            name="valid_period",
        ),
        Index("ix_zone_states_zone", "zone_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(String(100), index=True)
    # The province as `province=` filters match it: search-folded (app.kit.text.search_fold:
    # any case, accents and đ/d alike), so "hoa binh" finds "Hòa Bình" with an index.
    province_key: Mapped[str] = mapped_column(String(100), index=True)
    locality: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    developer: Mapped[str | None] = mapped_column(String(200))
    total_area_ha: Mapped[Decimal] = mapped_column(Hectares())
    industrial_land_ha: Mapped[Decimal] = mapped_column(Hectares())
    service_land_ha: Mapped[Decimal] = mapped_column(Hectares())
    clearance_required_ha: Mapped[Decimal] = mapped_column(Hectares())
    # Search-folded name and code (app.kit.text.search_key), so `q` matches in any case and
    # with or without accents on both databases (SQLite's lower() only folds ASCII, and
    # Vietnamese names are mostly not ASCII).
    search_text: Mapped[str] = mapped_column(String(250))
