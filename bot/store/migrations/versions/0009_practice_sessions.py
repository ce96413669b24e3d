"""practice sessions: no case, and who started a session

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.alter_column("case_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("started_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM sessions WHERE case_id IS NULL")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("started_by")
        batch_op.alter_column("case_id", existing_type=sa.Integer(), nullable=False)
