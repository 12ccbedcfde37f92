"""login failures shared by every web process

Revision ID: a84cb37548bc
Revises: b5c0a7f1e2d3
Create Date: 2026-12-05 14:50:34
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import monitor.models._types

revision: str = "a84cb37548bc"
down_revision: str | None = "b5c0a7f1e2d3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "loginfailure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", monitor.models._types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("account", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("ip", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("known_browser", sa.Boolean(), nullable=False),
        sa.Column("cleared", sa.Boolean(), nullable=False),
        sa.Column("summarised", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("loginfailure", schema=None) as batch_op:
        batch_op.create_index("ix_loginfailure_account_at", ["account", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_loginfailure_at"), ["at"], unique=False)
        batch_op.create_index("ix_loginfailure_ip_at", ["ip", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("loginfailure", schema=None) as batch_op:
        batch_op.drop_index("ix_loginfailure_ip_at")
        batch_op.drop_index(batch_op.f("ix_loginfailure_at"))
        batch_op.drop_index("ix_loginfailure_account_at")

    op.drop_table("loginfailure")
