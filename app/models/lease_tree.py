from sqlalchemy import BigInteger, ForeignKey, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from app.kit.db import Base, check_one_of
from app.models.enums import LandUse


class LeaseTree(Base):
    """Whether a zone's lease trees (app.land.held_tree) still hold what its leases hold.

    Database triggers raise `changes` whenever a lease of the zone is inserted, deleted or
    has its land changed, by this service or by anyone else; a zone's row is made with the
    zone, by trigger too. The trees are true when `built` equals `changes`: the service sets
    it after updating them in the same transaction, and otherwise rebuilds them from the
    leases before trusting them."""

    __tablename__ = "lease_trees"

    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zones.id", ondelete="CASCADE"), primary_key=True
    )
    changes: Mapped[int] = mapped_column(BigInteger)
    built: Mapped[int] = mapped_column(BigInteger)


class LeaseTreeNode(Base):
    """One stored node of a zone's tree of one land use: what was added to every day of its
    range (`added_m2`) and the most held on one day of it from there down (`top_m2`), in
    square metres. A node not stored holds (0, 0)."""

    __tablename__ = "lease_tree_nodes"
    __table_args__ = (
        check_one_of("land_use", LandUse),
        # The node leads the key, and no other index is offered: a write reads its few dozen
        # nodes by `node IN (...)`, which a planner can then only take from the key, whatever
        # it believes of the zone's size (with an index on zone_id, PostgreSQL scanned every
        # node of a large zone before its first ANALYZE). A rebuild scans the table instead.
        PrimaryKeyConstraint("node", "zone_id", "land_use"),
    )

    node: Mapped[int] = mapped_column(Integer)
    zone_id: Mapped[int] = mapped_column(ForeignKey("lease_trees.zone_id", ondelete="CASCADE"))
    land_use: Mapped[str] = mapped_column(String(20))
    added_m2: Mapped[int] = mapped_column(BigInteger)
    top_m2: Mapped[int] = mapped_column(BigInteger)
