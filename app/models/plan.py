from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.kit.db import Base, FixedPoint, UTCDateTime


class Indicator(FixedPoint):
    """Target and actual values: exact decimals with up to six places (rates are fractions)."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(6)


class Plan(Base):
    """A provincial plan (đề án) with targets, e.g. 07-ĐA/TU."""

    __tablename__ = "plans"
    __table_args__ = (CheckConstraint("ends_on > starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PlanTarget(Base):
    """One indicator's target in a plan."""

    __tablename__ = "plan_targets"
    __table_args__ = (UniqueConstraint("plan_id", "indicator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    indicator: Mapped[str] = mapped_column(String(64))
    target: Mapped[Decimal] = mapped_column(Indicator())
    label: Mapped[str | None] = mapped_column(String(300))


class PlanActual(Base):
    """A reported value of an indicator the service cannot compute (e.g. production index)."""

    __tablename__ = "plan_actuals"
    __table_args__ = (UniqueConstraint("plan_id", "indicator", "as_of"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    indicator: Mapped[str] = mapped_column(String(64))
    value: Mapped[Decimal] = mapped_column(Indicator())
    as_of: Mapped[date] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
