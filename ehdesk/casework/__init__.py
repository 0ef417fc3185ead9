"""UI-free domain operations and rules. Each operation takes a SQLAlchemy session and plain data,
and returns plain data (dataclasses), so widgets, the CLI and tests share one code path."""
