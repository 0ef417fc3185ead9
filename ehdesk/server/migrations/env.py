"""Alembic environment for the server's own tables (credentials, devices, change log...).
The domain tables come from the laptop store's migrations, run first by ``ehdesk.server.db``."""

from alembic import context

from ehdesk.server.models import ServerBase

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=ServerBase.metadata,
    version_table="alembic_version_server",
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
