"""account removed_at: an admin's removal stops collection, keeps the posts

Revision ID: e14ac0b7e5d1
Revises: 8d3f6b2a9e17
Create Date: 2026-12-05 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import monitor.models._types

revision: str = "e14ac0b7e5d1"
down_revision: str | None = "8d3f6b2a9e17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", monitor.models._types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_column("removed_at")
