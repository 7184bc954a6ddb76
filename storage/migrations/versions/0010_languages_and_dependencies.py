"""languages (a person's `/okr lang`, a team's channel language) and dependencies between
teams' key results

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("lang", sa.String(length=8), nullable=True))
    with op.batch_alter_table("teams") as batch:
        batch.add_column(
            sa.Column("lang", sa.String(length=8), nullable=False, server_default="en")
        )
    op.create_table(
        "kr_dependencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("downstream_kr_id", sa.Integer(), nullable=True),
        sa.Column("downstream_objective_id", sa.Integer(), nullable=True),
        sa.Column("upstream_kr_id", sa.Integer(), nullable=False),
        sa.Column("need", sa.String(length=150), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("acknowledged_by", sa.String(length=32), nullable=True),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
        sa.Column("upstream_status", sa.String(length=16), nullable=True),
        sa.Column("status_changes", sa.Integer(), nullable=False, server_default="0"),
        sa.CheckConstraint(
            "(downstream_kr_id IS NULL) <> (downstream_objective_id IS NULL)",
            name=op.f("ck_kr_dependencies_one_downstream"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_kr_dependencies_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["downstream_kr_id"],
            ["key_results.id"],
            name=op.f("fk_kr_dependencies_downstream_kr_id_key_results"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["downstream_objective_id"],
            ["objectives.id"],
            name=op.f("fk_kr_dependencies_downstream_objective_id_objectives"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["upstream_kr_id"],
            ["key_results.id"],
            name=op.f("fk_kr_dependencies_upstream_kr_id_key_results"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kr_dependencies")),
        sa.UniqueConstraint(
            "downstream_kr_id",
            "upstream_kr_id",
            name=op.f("uq_kr_dependencies_downstream_kr_id_upstream_kr_id"),
        ),
        sa.UniqueConstraint(
            "downstream_objective_id",
            "upstream_kr_id",
            name=op.f("uq_kr_dependencies_downstream_objective_id_upstream_kr_id"),
        ),
    )
    for column in ("workspace_id", "downstream_kr_id", "downstream_objective_id", "upstream_kr_id"):
        op.create_index(f"ix_kr_dependencies_{column}", "kr_dependencies", [column])


def downgrade() -> None:
    op.drop_table("kr_dependencies")
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("lang")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("lang")
