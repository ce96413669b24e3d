"""the record's chain: each turn and answer linked to the one before by a keyed hash

Sessions recorded before this have no links and are reported as unchained by `bot verify`.

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chain_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.String(36), sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
        sa.UniqueConstraint("session_id", "position"),
    )
    op.create_index("ix_chain_links_session_id", "chain_links", ["session_id"])
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("chain_head", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("chain_head")
    op.drop_index("ix_chain_links_session_id", table_name="chain_links")
    op.drop_table("chain_links")
