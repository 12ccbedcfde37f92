"""no post hides in a decided case: new cases link to the decided case of the same original

Revision ID: 8d3f6b2a9e17
Revises: e11a5e55104a
Create Date: 2026-12-05 16:00:00

A flagged post whose original already has a decided case (confirmed, dismissed, forwarded, closed) opens
a new case instead of joining it, so (ASN, original) is unique only among undecided cases (a partial
unique index, which SQLite and PostgreSQL both have), and the new case names the earlier one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8d3f6b2a9e17"
down_revision: str | None = "e11a5e55104a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNDECIDED = sa.text("status IN ('open', 'awaiting_second', 'clarification')")


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_case_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_case_previous_case_id", ["previous_case_id"], unique=False)
        batch_op.create_foreign_key("fk_case_previous_case_id_case", "case", ["previous_case_id"], ["id"])
        batch_op.drop_constraint("uq_case_asn_original", type_="unique")
        batch_op.create_index(
            "uq_case_asn_original_undecided",
            ["asn_id", "original_key"],
            unique=True,
            sqlite_where=UNDECIDED,
            postgresql_where=UNDECIDED,
        )


def downgrade() -> None:
    # Only possible while no original has two cases (no decided case was followed by a new one).
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_index("uq_case_asn_original_undecided")
        batch_op.create_unique_constraint("uq_case_asn_original", ["asn_id", "original_key"])
        batch_op.drop_constraint("fk_case_previous_case_id_case", type_="foreignkey")
        batch_op.drop_index("ix_case_previous_case_id")
        batch_op.drop_column("previous_case_id")
