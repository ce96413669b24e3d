"""what found a safeguarding concern, encrypted: it says what kind of harm the child spoke of

Revision ID: 0014
Revises: 0013
"""
import json

from alembic import context, op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _cipher():
    from bot.store.crypto import Cipher

    key = context.config.attributes.get("data_key")
    if not key:
        raise RuntimeError("this migration encrypts stored flags: run it with the data key (python -m bot migrate)")
    return Cipher(key)


def _flags():
    return sa.table("flags", sa.column("id", sa.Integer()), sa.column("found_by", sa.JSON()),
                    sa.column("found_by_encrypted", sa.Text()))


def upgrade() -> None:
    flags = _flags()
    connection = op.get_bind()
    rows = connection.execute(sa.select(flags.c.id, flags.c.found_by)).all()
    cipher = _cipher() if rows else None  # before any change: without the key, nothing is touched
    op.add_column("flags", sa.Column("found_by_encrypted", sa.Text(), nullable=True))
    for row_id, found_by in rows:
        connection.execute(flags.update().where(flags.c.id == row_id)
                           .values(found_by_encrypted=cipher.encrypt(json.dumps(found_by))))
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.drop_column("found_by")
        batch_op.alter_column("found_by_encrypted", existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    flags = _flags()
    connection = op.get_bind()
    rows = connection.execute(sa.select(flags.c.id, flags.c.found_by_encrypted)).all()
    cipher = _cipher() if rows else None
    op.add_column("flags", sa.Column("found_by", sa.JSON(), nullable=True))
    for row_id, token in rows:
        connection.execute(flags.update().where(flags.c.id == row_id)
                           .values(found_by=json.loads(cipher.decrypt(token))))
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.drop_column("found_by_encrypted")
        batch_op.alter_column("found_by", existing_type=sa.JSON(), nullable=False)
