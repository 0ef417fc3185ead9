"""Alembic environment for a worker's store. Migrations run from code at unlock
(``ehdesk.store.migrate``) on a connection that is already keyed, never from a URL."""

from alembic import context

import ehdesk.models  # noqa: F401  (registers every table)
from ehdesk.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite can only change most columns by copying the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
