"""the manager's week: team holidays and paused weeks, kudos, a company channel, and
workspaces whose Slack refused chart blocks

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.add_column(sa.Column("charts_refused_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("company_channel_id", sa.String(length=32), nullable=True))
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("holiday_country", sa.String(length=8), nullable=True))
    op.create_table(
        "team_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("paused_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_team_pauses_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_team_pauses_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_pauses")),
        sa.UniqueConstraint(
            "team_id", "week_start", name=op.f("uq_team_pauses_team_id_week_start")
        ),
    )
    op.create_index("ix_team_pauses_workspace_id", "team_pauses", ["workspace_id"])
    op.create_index("ix_team_pauses_team_id", "team_pauses", ["team_id"])
    op.create_table(
        "kudos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("giver", sa.String(length=32), nullable=False),
        sa.Column("receiver", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=280), nullable=False),
        sa.Column("key_result_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_kudos_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_kudos_team_id_teams"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["key_result_id"],
            ["key_results.id"],
            name=op.f("fk_kudos_key_result_id_key_results"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kudos")),
    )
    op.create_index("ix_kudos_ws_team_created", "kudos", ["workspace_id", "team_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_kudos_ws_team_created", table_name="kudos")
    op.drop_table("kudos")
    op.drop_index("ix_team_pauses_team_id", table_name="team_pauses")
    op.drop_index("ix_team_pauses_workspace_id", table_name="team_pauses")
    op.drop_table("team_pauses")
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("holiday_country")
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("company_channel_id")
        batch.drop_column("charts_refused_at")
