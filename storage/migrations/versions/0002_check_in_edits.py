"""check-in edits keep the replaced row

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replaced_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_check_ins_replaced_by_id_check_ins"),
            "check_ins",
            ["replaced_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_check_ins_replaced_by_id_check_ins"), type_="foreignkey"
        )
        batch_op.drop_column("replaced_by_id")
