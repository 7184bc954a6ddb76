"""objectives carry a version (stale edit modals are refused), who saved them last, and
the view a `/okr set` came from (a repeated submission creates nothing)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("objectives") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("updated_by", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("submission_key", sa.String(length=128), nullable=True))
        batch.create_unique_constraint(
            batch.f("uq_objectives_workspace_id_submission_key"),
            ["workspace_id", "submission_key"],
        )


def downgrade() -> None:
    with op.batch_alter_table("objectives") as batch:
        batch.drop_constraint(batch.f("uq_objectives_workspace_id_submission_key"), type_="unique")
        batch.drop_column("submission_key")
        batch.drop_column("updated_by")
        batch.drop_column("version")
