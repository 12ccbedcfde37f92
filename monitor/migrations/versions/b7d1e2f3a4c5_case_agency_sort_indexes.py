"""case indexes for one agency's queue in deadline and score order

Revision ID: b7d1e2f3a4c5
Revises: a09f29f7083d
Create Date: 2026-11-23 22:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b7d1e2f3a4c5"
down_revision: str | None = "a09f29f7083d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.create_index("ix_case_agency_deadline", ["agency_id", "deadline", "id"], unique=False)
        batch_op.create_index("ix_case_agency_score", ["agency_id", "score", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_index("ix_case_agency_score")
        batch_op.drop_index("ix_case_agency_deadline")
