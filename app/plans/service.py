"""Plans, their targets and reported actuals, and the plan report (achievement of targets)."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.kit import audit
from app.kit.db import flush_or_raise, utcnow
from app.kit.errors import DuplicateValue, InvalidValues, NotFound
from app.kit.etags import ensure_match
from app.kit.repo import ensure_unique, get_or_404, paginate
from app.land.indicators import COMPUTED
from app.models import Plan, PlanActual, PlanTarget
from app.plans.schemas import (
    ActualCreate,
    PlanCreate,
    TargetCreate,
)


def get_plan(session: Session, plan_id: int) -> Plan:
    return get_or_404(session, Plan, plan_id, name="plan")


def targets_of(session: Session, plan_ids: list[int]) -> dict[int, list[PlanTarget]]:
    by_plan: dict[int, list[PlanTarget]] = {plan_id: [] for plan_id in plan_ids}
    if plan_ids:
        query = select(PlanTarget).where(PlanTarget.plan_id.in_(plan_ids)).order_by(PlanTarget.id)
        for target in session.scalars(query):
            by_plan[target.plan_id].append(target)
    return by_plan


def list_plans(session: Session, *, limit: int, offset: int) -> tuple[list[Plan], int]:
    return paginate(
        session, select(Plan), order_by=(Plan.starts_on, Plan.id), limit=limit, offset=offset
    )


def create_plan(session: Session, data: PlanCreate) -> Plan:
    values = data.model_dump()
    _check_dates(values["starts_on"], values["ends_on"])
    _ensure_code_free(session, values["code"], None)
    now = utcnow()
    plan = Plan(**values, created_at=now, updated_at=now)
    session.add(plan)
    flush_or_raise(session, _code_taken(plan.code))
    audit.record(session, "create", "plan", plan.id, after=audit.snapshot(plan))
    return plan


def update_plan(
    session: Session, plan_id: int, changes: Mapping[str, Any], *, if_match: str | None = None
) -> Plan:
    for name, value in changes.items():
        if value is None:
            raise InvalidValues(name, "may not be null")
    plan = _lock_plan(session, plan_id)
    ensure_match(plan, if_match)
    starts_on = changes.get("starts_on", plan.starts_on)
    ends_on = changes.get("ends_on", plan.ends_on)
    _check_dates(starts_on, ends_on)
    if "code" in changes:
        _ensure_code_free(session, changes["code"], plan.id)
    before = audit.snapshot(plan)
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.updated_at = utcnow()
    flush_or_raise(session, _code_taken(plan.code))
    audit.record(session, "update", "plan", plan.id, before=before, after=audit.snapshot(plan))
    return plan


def delete_plan(session: Session, plan_id: int, *, if_match: str | None = None) -> None:
    plan = _lock_plan(session, plan_id)
    ensure_match(plan, if_match)
    # The event keeps what goes with the plan: its targets and reported values.
    before = audit.snapshot(plan) | {
        "targets": [audit.snapshot(t) for t in targets_of(session, [plan_id])[plan_id]],
        "actuals": [
            audit.snapshot(a)
            for a in session.scalars(select(PlanActual).where(PlanActual.plan_id == plan_id))
        ],
    }
    audit.record(session, "delete", "plan", plan.id, before=before)
    # Targets and actuals belong to the plan (the foreign keys cascade as well).
    for model in (PlanTarget, PlanActual):
        session.execute(delete(model).where(model.plan_id == plan_id))
    session.delete(plan)
    session.flush()


def add_target(session: Session, plan_id: int, data: TargetCreate) -> PlanTarget:
    get_plan(session, plan_id)
    taken = session.scalar(
        select(PlanTarget.id).where(
            PlanTarget.plan_id == plan_id, PlanTarget.indicator == data.indicator
        )
    )
    error = DuplicateValue(
        f"plan {plan_id} already has a target for {data.indicator}", field="indicator"
    )
    if taken is not None:
        raise error
    target = PlanTarget(plan_id=plan_id, **data.model_dump())
    session.add(target)
    flush_or_raise(session, error)
    audit.record(session, "create", "plan_target", target.id, after=audit.snapshot(target))
    return target


def delete_target(session: Session, plan_id: int, target_id: int) -> None:
    get_plan(session, plan_id)
    target = session.get(PlanTarget, target_id)
    if target is None or target.plan_id != plan_id:
        raise NotFound("target", target_id)
    audit.record(session, "delete", "plan_target", target.id, before=audit.snapshot(target))
    session.delete(target)
    session.flush()


def add_actual(session: Session, plan_id: int, data: ActualCreate) -> PlanActual:
    get_plan(session, plan_id)
    if data.indicator in COMPUTED:
        raise InvalidValues(
            "indicator", f"{data.indicator} is computed by the service; it takes no reported value"
        )
    error = DuplicateValue(
        f"plan {plan_id} already has a value of {data.indicator} as of {data.as_of}",
        field="as_of",
    )
    taken = session.scalar(
        select(PlanActual.id).where(
            PlanActual.plan_id == plan_id,
            PlanActual.indicator == data.indicator,
            PlanActual.as_of == data.as_of,
        )
    )
    if taken is not None:
        raise error
    actual = PlanActual(plan_id=plan_id, **data.model_dump(), created_at=utcnow())
    session.add(actual)
    flush_or_raise(session, error)
    audit.record(session, "create", "plan_actual", actual.id, after=audit.snapshot(actual))
    return actual


def list_actuals(
    session: Session, plan_id: int, *, indicator: str | None, limit: int, offset: int
) -> tuple[list[PlanActual], int]:
    get_plan(session, plan_id)
    query = select(PlanActual).where(PlanActual.plan_id == plan_id)
    if indicator:
        query = query.where(PlanActual.indicator == indicator)
    order = (PlanActual.indicator, PlanActual.as_of)
    return paginate(session, query, order_by=order, limit=limit, offset=offset)


def _lock_plan(session: Session, plan_id: int) -> Plan:
    """The plan, its row locked until the transaction ends (SQLite: writers are serial)."""
    plan = session.scalars(
        select(Plan)
        .where(Plan.id == plan_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if plan is None:
        raise NotFound("plan", plan_id)
    return plan


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on <= starts_on:
        raise InvalidValues("ends_on", "must be after starts_on")


def _ensure_code_free(session: Session, code: str, own_id: int | None) -> None:
    ensure_unique(
        session,
        Plan.code,
        code,
        own_id=own_id,
        id_column=Plan.id,
        error=lambda _: _code_taken(code),
    )


def _code_taken(code: str) -> DuplicateValue:
    return DuplicateValue(f"plan code {code} is taken", field="code")
