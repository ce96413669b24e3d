"""safeguarding flags

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flags",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.String(36), sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("words_encrypted", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activity", sa.String(64)),
        sa.Column("prompt_encrypted", sa.Text()),
        sa.Column("found_by", sa.JSON(), nullable=False),
        sa.Column("reply_encrypted", sa.Text()),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
        sa.Column("acknowledged_by", sa.String(64)),
        sa.UniqueConstraint("session_id", "message_id"),
    )
    op.create_index("ix_flags_session_id", "flags", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_flags_session_id", table_name="flags")
    op.drop_table("flags")
