"""quota key results (their period, each reading's period), milestone due dates, and the
days people were away

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("key_results") as batch:
        batch.add_column(sa.Column("period", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("due_date", sa.Date(), nullable=True))
    with op.batch_alter_table("check_ins") as batch:
        batch.add_column(sa.Column("period_key", sa.String(length=10), nullable=True))
    op.create_table(
        "away_spells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_away_spells_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_away_spells")),
    )
    op.create_index("ix_away_spells_ws_user", "away_spells", ["workspace_id", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_away_spells_ws_user", table_name="away_spells")
    op.drop_table("away_spells")
    with op.batch_alter_table("check_ins") as batch:
        batch.drop_column("period_key")
    with op.batch_alter_table("key_results") as batch:
        batch.drop_column("due_date")
        batch.drop_column("period")
