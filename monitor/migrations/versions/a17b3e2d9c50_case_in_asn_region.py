"""case.in_asn_region: whether the case's election is held where the ASN serves (the queue's region tab)

Revision ID: a17b3e2d9c50
Revises: f16a2c9d7e41
Create Date: 2026-12-05 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a17b3e2d9c50"
down_revision: str | None = "f16a2c9d7e41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("in_asn_region", sa.Boolean(), nullable=True))
    # Cases opened before this revision: the same rule the flagging applies to new ones. Region names are
    # parsed in Python (kinds of region, provinces), so the rule is not repeated here in SQL.
    from monitor.flagging.rules import AsnPlace, ElectionPlace, election_concerns

    case = sa.table(
        "case",
        sa.column("id", sa.Integer),
        sa.column("asn_id", sa.Integer),
        sa.column("election_id", sa.String),
        sa.column("in_asn_region", sa.Boolean),
    )
    asn = sa.table("asn", sa.column("id", sa.Integer), sa.column("region", sa.String), sa.column("province", sa.String))
    election = sa.table(
        "election",
        sa.column("id", sa.String),
        sa.column("level", sa.String),
        sa.column("region", sa.String),
        sa.column("province", sa.String),
    )
    connection = op.get_bind()
    places = {
        e.id: ElectionPlace(id=e.id, level=e.level, region=e.region or "", province=e.province or "")
        for e in connection.execute(sa.select(election))
    }
    rows = connection.execute(
        sa.select(case.c.id, case.c.election_id, asn.c.region, asn.c.province)
        .join(asn, asn.c.id == case.c.asn_id)
        .where(case.c.election_id.is_not(None))
    ).all()
    for case_id, election_id, region, province in rows:
        place = places.get(election_id)
        if place is None:
            continue
        concerns = election_concerns(place, AsnPlace(region or "", province or ""))
        connection.execute(sa.update(case).where(case.c.id == case_id).values(in_asn_region=concerns))


def downgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("in_asn_region")
