from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.kit.conditional import Conditional, DataTag
from app.kit.deps import IdPath, IfMatch, SessionDep
from app.kit.errors import STALE_RESPONSES
from app.kit.etags import tag
from app.kit.json_body import ExactJsonRoute
from app.kit.pagination import Page, PageDep, page_answer
from app.kit.uow import WorkDep
from app.land.indicators import CATALOGUE
from app.models import Plan, PlanTarget
from app.plans import service
from app.plans.schemas import (
    ActualCreate,
    ActualRead,
    IndicatorKey,
    IndicatorRead,
    PlanCreate,
    PlanRead,
    PlanUpdate,
    TargetCreate,
    TargetRead,
)

router = APIRouter(prefix="/api/v1", tags=["plans"], route_class=ExactJsonRoute)


def plan_read(plan: Plan, targets: list[PlanTarget]) -> PlanRead:
    return PlanRead(
        id=plan.id,
        code=plan.code,
        title=plan.title,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        targets=[TargetRead.model_validate(t) for t in targets],
        created_at=plan.created_at,
        updated_at=plan.updated_at,
    )


def _read_one(session: SessionDep, plan: Plan) -> PlanRead:
    return plan_read(plan, service.targets_of(session, [plan.id])[plan.id])


@router.get("/plans", response_model=Page[PlanRead])
def list_plans(session: SessionDep, etag: DataTag, page: PageDep) -> Response:
    """Plans, earliest first, with their targets."""
    plans, total = service.list_plans(session, limit=page.limit, offset=page.offset)
    targets = service.targets_of(session, [p.id for p in plans])
    items = [plan_read(p, targets[p.id]) for p in plans]
    return page_answer(items, total, page, etag)


@router.post("/plans", status_code=status.HTTP_201_CREATED, response_model=PlanRead)
def create_plan(body: PlanCreate, work: WorkDep) -> PlanRead:
    """Register a plan (đề án)."""
    plan = service.create_plan(work.session, body)
    return work.created(plan_read(plan, []), entity=plan, location=f"/api/v1/plans/{plan.id}")


@router.get("/plans/{plan_id}", response_model=PlanRead)
def get_plan(plan_id: IdPath, session: SessionDep, response: Response) -> PlanRead:
    """One plan with its targets."""
    plan = service.get_plan(session, plan_id)
    tag(response, plan)
    return _read_one(session, plan)


@router.patch("/plans/{plan_id}", response_model=PlanRead, responses=STALE_RESPONSES)
def update_plan(
    plan_id: IdPath,
    body: PlanUpdate,
    work: WorkDep,
    if_match: IfMatch = None,
) -> PlanRead:
    """Change a plan's code, title or dates."""
    changes = body.model_dump(exclude_unset=True)
    plan = service.update_plan(work.session, plan_id, changes, if_match=if_match)
    return work.changed(_read_one(work.session, plan), entity=plan)


@router.delete(
    "/plans/{plan_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=STALE_RESPONSES,
)
def delete_plan(plan_id: IdPath, work: WorkDep, if_match: IfMatch = None) -> Response:
    """Delete a plan with its targets and reported values."""
    service.delete_plan(work.session, plan_id, if_match=if_match)
    return work.deleted()


@router.post(
    "/plans/{plan_id}/targets", status_code=status.HTTP_201_CREATED, response_model=TargetRead
)
def add_target(plan_id: IdPath, body: TargetCreate, work: WorkDep) -> TargetRead:
    """Set the plan's target for one indicator (one target per indicator)."""
    target = service.add_target(work.session, plan_id, body)
    read = TargetRead.model_validate(target)
    return work.created(read, entity=target, location=f"/api/v1/plans/{plan_id}")


@router.delete(
    "/plans/{plan_id}/targets/{target_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
def delete_target(plan_id: IdPath, target_id: IdPath, work: WorkDep) -> Response:
    """Remove one target from a plan."""
    service.delete_target(work.session, plan_id, target_id)
    return work.deleted()


@router.post(
    "/plans/{plan_id}/actuals", status_code=status.HTTP_201_CREATED, response_model=ActualRead
)
def add_actual(plan_id: IdPath, body: ActualCreate, work: WorkDep) -> ActualRead:
    """Enter a reported value of an indicator the service does not compute."""
    actual = service.add_actual(work.session, plan_id, body)
    read = ActualRead.model_validate(actual)
    location = f"/api/v1/plans/{plan_id}/actuals?indicator={actual.indicator}"
    return work.created(read, entity=actual, location=location)


@router.get("/plans/{plan_id}/actuals", response_model=Page[ActualRead])
def list_actuals(
    plan_id: IdPath,
    session: SessionDep,
    etag: DataTag,
    page: PageDep,
    indicator: Annotated[IndicatorKey | None, Query()] = None,
) -> Response:
    """Reported values of a plan, by indicator and date."""
    rows, total = service.list_actuals(
        session, plan_id, indicator=indicator, limit=page.limit, offset=page.offset
    )
    items = [ActualRead.model_validate(r) for r in rows]
    return page_answer(items, total, page, etag)


@router.get("/indicators", response_model=list[IndicatorRead], dependencies=[Conditional])
def list_indicators() -> list[IndicatorRead]:
    """The indicators the service computes; any other indicator is reported."""
    return [IndicatorRead.model_validate(info) for info in CATALOGUE]
