"""The SQL adapter: the revenues port over a legacy-style relational database (SQLite or PostgreSQL).

- ``engines``: the one place database URLs become SQLAlchemy engines (read-write or read-only)
- ``tables``: the legacy-style schema
- ``statements``: the multi-row statements, with their PostgreSQL-specific forms
- ``batch_writes``: checking a batch of account changes and gathering the rows it writes
- ``rows``: database rows back into the port's records
- ``revenues``: the adapter itself; ``reader``: the staff workspace's read-only view
"""
