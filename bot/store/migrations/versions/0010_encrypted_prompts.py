"""the prompt an answer replied to, encrypted: a follow-up quotes the child's words

Revision ID: 0010
Revises: 0009
"""
from alembic import context, op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _cipher():
    from bot.store.crypto import Cipher

    key = context.config.attributes.get("data_key")
    if not key:
        raise RuntimeError("this migration encrypts stored prompts: run it with the data key (python -m bot migrate)")
    return Cipher(key)


def upgrade() -> None:
    answers = sa.table("answers", sa.column("id", sa.Integer()), sa.column("prompt_text", sa.Text()),
                       sa.column("prompt_text_encrypted", sa.Text()))
    connection = op.get_bind()
    rows = connection.execute(sa.select(answers.c.id, answers.c.prompt_text)).all()
    cipher = _cipher() if rows else None  # before any change: without the key, nothing is touched
    op.add_column("answers", sa.Column("prompt_text_encrypted", sa.Text(), nullable=True))
    for row_id, text in rows:
        connection.execute(answers.update().where(answers.c.id == row_id).values(prompt_text_encrypted=cipher.encrypt(text)))
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("prompt_text")
        batch_op.alter_column("prompt_text_encrypted", existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    answers = sa.table("answers", sa.column("id", sa.Integer()), sa.column("prompt_text", sa.Text()),
                       sa.column("prompt_text_encrypted", sa.Text()))
    connection = op.get_bind()
    rows = connection.execute(sa.select(answers.c.id, answers.c.prompt_text_encrypted)).all()
    cipher = _cipher() if rows else None
    op.add_column("answers", sa.Column("prompt_text", sa.Text(), nullable=True))
    for row_id, token in rows:
        connection.execute(answers.update().where(answers.c.id == row_id).values(prompt_text=cipher.decrypt(token)))
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("prompt_text_encrypted")
        batch_op.alter_column("prompt_text", existing_type=sa.Text(), nullable=False)
