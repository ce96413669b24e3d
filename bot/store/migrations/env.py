"""Alembic environment: migrations run through bot.store.db.migrate (python -m bot migrate)."""
from alembic import context
from sqlalchemy import text

from bot.store.db import make_engine
from bot.store.models import Base

url = context.config.get_main_option("sqlalchemy.url")
engine = make_engine(url)
with engine.connect() as connection:
    if engine.dialect.name == "sqlite":
        # SQLite changes a column by copying its table, which foreign keys would refuse while other
        # tables point at it; the copy keeps every key as it was. (A no-op inside a transaction,
        # so it comes first.)
        connection.execute(text("PRAGMA foreign_keys=OFF"))
        connection.commit()
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
