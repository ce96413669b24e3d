"""log-ins kept on the server (logging out ends them; child mode), failed log-ins by address,
API tokens that expire and can be revoked

Revision ID: 0013
Revises: 0012
"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# tokens made before tokens expired get this long from the upgrade, so no script breaks at once
EXISTING_TOKEN_DAYS = 30


def upgrade() -> None:
    op.create_table(
        "logins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unlocked_until", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_logins_user_id", "logins", ["user_id"])
    with op.batch_alter_table("login_failures") as batch:
        batch.add_column(sa.Column("client", sa.String(64), nullable=False, server_default=""))
        batch.create_index("ix_login_failures_client", ["client"])
    expires = datetime.now(timezone.utc) + timedelta(days=EXISTING_TOKEN_DAYS)
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    tokens = sa.table("api_tokens", sa.column("expires_at", sa.DateTime(timezone=True)))
    op.get_bind().execute(tokens.update().values(expires_at=expires))
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("expires_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("expires_at")
    with op.batch_alter_table("login_failures") as batch:
        batch.drop_index("ix_login_failures_client")
        batch.drop_column("client")
    op.drop_index("ix_logins_user_id", table_name="logins")
    op.drop_table("logins")
