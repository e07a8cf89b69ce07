from sqlalchemy import BigInteger, CheckConstraint, Integer
from sqlalchemy.orm import Mapped, mapped_column

from app.kit.db import Base


class DataVersion(Base):
    """One row whose number every committed write raises (app.kit.db.bump_data_version):
    a report computed at version N stays true until the number moves, so a client holding
    its ETag is answered 304 without recomputing it."""

    __tablename__ = "data_version"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
