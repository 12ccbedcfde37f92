"""login sessions kept on the server

Revision ID: e11a5e55104a
Revises: 5c1e7a9d2b40
Create Date: 2026-12-05 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import monitor.models._types

revision: str = "e11a5e55104a"
down_revision: str | None = "5c1e7a9d2b40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "loginsession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", monitor.models._types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", monitor.models._types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", monitor.models._types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("loginsession", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loginsession_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_loginsession_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("loginsession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loginsession_user_id"))
        batch_op.drop_index(batch_op.f("ix_loginsession_expires_at"))
    op.drop_table("loginsession")
