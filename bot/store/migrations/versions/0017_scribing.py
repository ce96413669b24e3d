"""scribing: who entered each child's message and answer (the child, or the practitioner writing it down)

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("scribing", sa.Boolean(), nullable=False, server_default=sa.false()))
    for table in ("turns", "answers"):
        with op.batch_alter_table(table) as batch:
            # everything recorded before scribing existed was entered on the child's chat
            batch.add_column(sa.Column("entered_by", sa.String(16), nullable=False, server_default="child"))
            batch.add_column(sa.Column("scribe", sa.String(200), nullable=True))
    op.execute("UPDATE turns SET entered_by = 'bot' WHERE speaker = 'bot'")


def downgrade() -> None:
    for table in ("answers", "turns"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("scribe")
            batch.drop_column("entered_by")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("scribing")
