"""edits are judged: scores and case memberships name the version of the post's text

Revision ID: 5c1e7a9d2b40
Revises: 4ea296dcea25
Create Date: 2026-12-05 15:00:00

An edited post gets a new `Post.version`; it must be scored again under the same model version, so a
score is unique per (post, model version, post version). Cases and their joined posts record which
version was flagged. Rows already stored describe version 1 (the server default), which is what every
score and case so far was made on unless the post was edited since, and that is not recorded anywhere.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c1e7a9d2b40"
down_revision: str | None = "4ea296dcea25"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _version_column() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("post_version", sa.Integer(), server_default="1", nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.add_column(_version_column())
        batch_op.drop_constraint("uq_score_post_model", type_="unique")
        batch_op.create_unique_constraint("uq_score_post_model_version", ["post_id", "model_version", "post_version"])
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(_version_column())
    with op.batch_alter_table("casepost", schema=None) as batch_op:
        batch_op.add_column(_version_column())
        batch_op.drop_constraint("uq_casepost", type_="unique")
        batch_op.create_unique_constraint("uq_casepost_version", ["case_id", "post_id", "post_version"])


def downgrade() -> None:
    # Only possible while no post has a second score or membership under one model / case.
    with op.batch_alter_table("casepost", schema=None) as batch_op:
        batch_op.drop_constraint("uq_casepost_version", type_="unique")
        batch_op.create_unique_constraint("uq_casepost", ["case_id", "post_id"])
        batch_op.drop_column("post_version")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("post_version")
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.drop_constraint("uq_score_post_model_version", type_="unique")
        batch_op.create_unique_constraint("uq_score_post_model", ["post_id", "model_version"])
        batch_op.drop_column("post_version")
