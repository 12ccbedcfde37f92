"""retention purges every copy: post.context_purged_version; scores of purged posts lose the words they quote (F16)

Revision ID: f16a2c9d7e41
Revises: d10b9e3c4a71
Create Date: 2026-12-05 17:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "f16a2c9d7e41"
down_revision: str | None = "d10b9e3c4a71"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000


def _scrub(items: Any) -> Any:
    # As monitor.retention_scrub.scrub_spans did when this was written (a migration must not change later).
    return [{**item, "text": ""} if isinstance(item, dict) and item.get("text") else item for item in items or []]


def upgrade() -> None:
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.add_column(sa.Column("context_purged_version", sa.Integer(), nullable=True))
    # Posts purged before this revision still had their words in their scores' spans and mentions.
    post = sa.table("post", sa.column("id", sa.Integer), sa.column("text_purged_at", sa.DateTime))
    score = sa.table(
        "score",
        sa.column("id", sa.Integer),
        sa.column("post_id", sa.Integer),
        sa.column("spans", sa.JSON),
        sa.column("mentions", sa.JSON),
    )
    connection = op.get_bind()
    purged = sa.select(post.c.id).where(post.c.text_purged_at.is_not(None))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(score.c.id, score.c.spans, score.c.mentions)
            .where(score.c.post_id.in_(purged), score.c.id > last)
            .order_by(score.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        for score_id, spans, mentions in rows:
            if _scrub(spans) != (spans or []) or _scrub(mentions) != (mentions or []):
                connection.execute(
                    score.update().where(score.c.id == score_id).values(spans=_scrub(spans), mentions=_scrub(mentions))
                )
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_column("context_purged_version")
