"""drawings: a picture drawn as an answer, stored encrypted; answers point to the drawing they are or
describe; a bot message says whether its question may be answered with a drawing

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drawings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("session_id", sa.String(36), sa.ForeignKey("sessions.id"), nullable=False, index=True),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("image_encrypted", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("session_id", "message_id"),
    )
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("drawing_id", sa.String(36), nullable=True))
        batch.create_index("ix_answers_drawing_id", ["drawing_id"])
    with op.batch_alter_table("turns") as batch:
        batch.add_column(sa.Column("offers_drawing", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("turns") as batch:
        batch.drop_column("offers_drawing")
    with op.batch_alter_table("answers") as batch:
        batch.drop_index("ix_answers_drawing_id")
        batch.drop_column("drawing_id")
    op.drop_table("drawings")
