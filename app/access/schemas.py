from datetime import datetime
from typing import Annotated

from pydantic import Field

from app.kit.schema_types import AnyCase, InputModel, OutputModel, Text
from app.models.enums import Role


class KeyCreate(InputModel):
    name: Annotated[str, Text(100)]
    role: Annotated[Role, AnyCase(Role)]


class KeyRead(OutputModel):
    """A key as listed: never its secret."""

    id: int
    name: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class KeyCreated(KeyRead):
    key: str | None = Field(
        description="The secret, shown in this response only (null in an idempotent replay)."
    )
