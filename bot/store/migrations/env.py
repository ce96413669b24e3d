"""Alembic environment: migrations run through bot.store.db.migrate (python -m bot migrate)."""
from alembic import context

from bot.store.db import make_engine
from bot.store.models import Base

url = context.config.get_main_option("sqlalchemy.url")
engine = make_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
