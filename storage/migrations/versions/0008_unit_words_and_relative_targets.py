"""a key result's unit word ("prospects") and its target as typed when relative ("+20%")

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("key_results") as batch:
        batch.add_column(sa.Column("unit_word", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("target_text", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("key_results") as batch:
        batch.drop_column("target_text")
        batch.drop_column("unit_word")
