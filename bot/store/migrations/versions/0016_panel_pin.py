"""child mode: the practitioner's panel opens with a code chosen for the session, not their password

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("logins") as batch:
        batch.add_column(sa.Column("pin_hash", sa.Text(), nullable=True))
        batch.add_column(sa.Column("pin_failures", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("logins") as batch:
        batch.drop_column("pin_failures")
        batch.drop_column("pin_hash")
