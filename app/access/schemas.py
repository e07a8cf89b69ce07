from datetime import datetime
from typing import Literal

from pydantic import Field

from app.schema_types import InputModel, OutputModel, Text

Role = Literal["viewer", "editor", "admin"]


class KeyCreate(InputModel):
    name: Text(100)  # type: ignore[valid-type]
    role: Role


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
