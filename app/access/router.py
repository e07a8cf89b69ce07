from fastapi import APIRouter, Request, Response, status

from app.access import keys
from app.access.schemas import KeyCreate, KeyCreated, KeyRead
from app.deps import IdPath, SessionDep, commit_post
from app.pagination import Page, PageDep

router = APIRouter(prefix="/api/v1/keys", tags=["access"])


@router.get("", response_model=Page[KeyRead])
def list_keys(session: SessionDep, page: PageDep) -> Page[KeyRead]:
    """API keys, without their secrets."""
    rows, total = keys.list_keys(session, limit=page.limit, offset=page.offset)
    items = [KeyRead.model_validate(k) for k in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{key_id}", response_model=KeyRead)
def get_key(key_id: IdPath, session: SessionDep) -> KeyRead:
    """One API key, without its secret."""
    return KeyRead.model_validate(keys.get_key(session, key_id))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=KeyCreated)
def create_key(
    body: KeyCreate, session: SessionDep, request: Request, response: Response
) -> KeyCreated:
    """Create a key; the response is the only place its secret is ever shown (a replay of
    this request under its Idempotency-Key returns the key without the secret)."""
    key, secret = keys.create_key(session, name=body.name, role=body.role)
    listed = KeyRead.model_validate(key)
    response.headers["Location"] = f"/api/v1/keys/{key.id}"
    # The idempotency record keeps what may be replayed: never the secret.
    commit_post(session, request, response, KeyCreated(**listed.model_dump(), key=None), 201)
    return KeyCreated(**listed.model_dump(), key=secret)


@router.post("/{key_id}/revoke", response_model=KeyRead)
def revoke_key(
    key_id: IdPath, session: SessionDep, request: Request, response: Response
) -> KeyRead:
    """Revoke a key; it stops working at once."""
    key = keys.revoke_key(session, key_id)
    read = KeyRead.model_validate(key)
    commit_post(session, request, response, read, 200)
    return read
