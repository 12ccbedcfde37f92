"""posts point at the WARC record of the response they came from (item B5)

Revision ID: b5c0a7f1e2d3
Revises: e14ac0b7e5d1
Create Date: 2026-12-05 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b5c0a7f1e2d3"
down_revision: str | None = "e14ac0b7e5d1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("post", "postversion")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("warc_file", sa.String(length=255), nullable=True))
            batch_op.add_column(sa.Column("warc_record_id", sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column("warc_offset", sa.BigInteger(), nullable=True))
            batch_op.add_column(sa.Column("warc_length", sa.BigInteger(), nullable=True))
            batch_op.add_column(sa.Column("warc_locator", sa.Text(), nullable=True))
            batch_op.add_column(sa.Column("body_sha256", sa.String(length=64), nullable=True))
            # Retention looks up the posts of one WARC file at a time.
            batch_op.create_index(f"ix_{table}_warc_file", ["warc_file"], unique=False)


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_warc_file")
            for column in ("body_sha256", "warc_locator", "warc_length", "warc_offset", "warc_record_id", "warc_file"):
                batch_op.drop_column(column)
