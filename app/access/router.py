from fastapi import APIRouter, Response, status

from app.access import keys
from app.access.schemas import KeyCreate, KeyCreated, KeyRead
from app.kit.conditional import DataTag
from app.kit.deps import IdPath, SessionDep
from app.kit.etags import tag
from app.kit.json_body import ExactJsonRoute
from app.kit.pagination import Page, PageDep, page_answer
from app.kit.uow import WorkDep

router = APIRouter(prefix="/api/v1/keys", tags=["access"], route_class=ExactJsonRoute)


@router.get("", response_model=Page[KeyRead])
def list_keys(session: SessionDep, etag: DataTag, page: PageDep) -> Response:
    """API keys, without their secrets."""
    rows, total = keys.list_keys(session, limit=page.limit, offset=page.offset)
    items = [KeyRead.model_validate(k) for k in rows]
    return page_answer(items, total, page, etag)


@router.get("/{key_id}", response_model=KeyRead)
def get_key(key_id: IdPath, session: SessionDep, response: Response) -> KeyRead:
    """One API key, without its secret."""
    key = keys.get_key(session, key_id)
    tag(response, key)
    return KeyRead.model_validate(key)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=KeyCreated)
def create_key(body: KeyCreate, work: WorkDep) -> KeyCreated:
    """Create a key; the response is the only place its secret is ever shown (a replay of
    this request under its Idempotency-Key returns the key without the secret)."""
    key, secret = keys.create_key(work.session, name=body.name, role=body.role)
    listed = KeyRead.model_validate(key)
    return work.created(
        KeyCreated(**listed.model_dump(), key=secret),
        entity=key,
        location=f"/api/v1/keys/{key.id}",
        # The idempotency record keeps what may be replayed: never the secret.
        replay=KeyCreated(**listed.model_dump(), key=None),
    )


@router.post("/{key_id}/revoke", response_model=KeyRead)
def revoke_key(key_id: IdPath, work: WorkDep) -> KeyRead:
    """Revoke a key; it stops working at once."""
    key = keys.revoke_key(work.session, key_id)
    return work.changed(KeyRead.model_validate(key), entity=key)
