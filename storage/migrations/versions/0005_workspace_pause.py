"""a workspace whose token Slack refuses is paused, with the reason and since when

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.add_column(sa.Column("paused_reason", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("paused_since", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("resumed_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("resumed_at")
        batch.drop_column("paused_since")
        batch.drop_column("paused_reason")
