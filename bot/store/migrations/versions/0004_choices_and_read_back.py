"""the child choosing what to do next; answers about another activity (read-back, sharing)

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("child_chooses", sa.Boolean(), nullable=False, server_default="1"))
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("about_activity", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("about_activity")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("child_chooses")
