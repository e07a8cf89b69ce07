from fastapi import APIRouter, Response, status

from app.access import keys
from app.access.schemas import KeyCreate, KeyCreated, KeyRead
from app.deps import IdPath, SessionDep
from app.pagination import Page, PageDep

router = APIRouter(prefix="/api/v1/keys", tags=["access"])


@router.get("", response_model=Page[KeyRead])
def list_keys(session: SessionDep, page: PageDep) -> Page[KeyRead]:
    """API keys, without their secrets."""
    rows, total = keys.list_keys(session, limit=page.limit, offset=page.offset)
    items = [KeyRead.model_validate(k) for k in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=KeyCreated)
def create_key(body: KeyCreate, session: SessionDep, response: Response) -> KeyCreated:
    """Create a key; the response is the only place its secret is ever shown."""
    key, secret = keys.create_key(session, name=body.name, role=body.role)
    created = KeyCreated(**KeyRead.model_validate(key).model_dump(), key=secret)
    session.commit()
    response.headers["Location"] = f"/api/v1/keys/{key.id}"
    return created


@router.post("/{key_id}/revoke", response_model=KeyRead)
def revoke_key(key_id: IdPath, session: SessionDep) -> KeyRead:
    """Revoke a key; it stops working at once."""
    key = keys.revoke_key(session, key_id)
    read = KeyRead.model_validate(key)
    session.commit()
    return read
