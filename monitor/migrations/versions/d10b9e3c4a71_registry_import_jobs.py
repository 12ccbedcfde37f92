"""registry imports run in the background, with their progress and result

Revision ID: d10b9e3c4a71
Revises: a84cb37548bc
Create Date: 2026-12-05 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import monitor.models._types

revision: str = "d10b9e3c4a71"
down_revision: str | None = "a84cb37548bc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "importjob",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", monitor.models._types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", monitor.models._types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", monitor.models._types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("importjob", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_importjob_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("importjob", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_importjob_status"))
    op.drop_table("importjob")
