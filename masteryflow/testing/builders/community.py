"""Comments "as they already are"."""

from __future__ import annotations

from datetime import datetime


def create_comment(db, workflow_id: int, author_id: int, body: str, *, at: datetime,
                   parent_id: int | None = None) -> dict:
    return db.execute(
        """INSERT INTO comments (workflow_id, author_id, parent_id, body, created_at, updated_at)
           VALUES (%s, %s, %s, %s, %s, %s) RETURNING *""",
        (workflow_id, author_id, parent_id, body, at, at),
    ).fetchone()
