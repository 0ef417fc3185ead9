"""A large SQLite page cache while demo batches are written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

# SQLite's page cache per connection while a batch is written, in KiB (negative: a size, not a
# page count). Its default, 2 MiB, is far smaller than the pages one batch touches across the
# tables and their indexes (new index entries land all over each index): each page was read back
# and decrypted again and again, and the cost of a batch grew with the store.
DEMO_PAGE_CACHE_KIB = 128 * 1024


@contextmanager
def large_page_cache(connection: Connection) -> Iterator[None]:
    # On the driver's connection: a PRAGMA through SQLAlchemy would begin a transaction.
    driver = connection.connection.driver_connection
    before = driver.execute("PRAGMA cache_size").fetchone()[0]
    driver.execute(f"PRAGMA cache_size = -{DEMO_PAGE_CACHE_KIB}")
    try:
        yield
    finally:  # the connection goes back to the pool as it came: the app keeps its own setting
        driver.execute(f"PRAGMA cache_size = {int(before)}")
