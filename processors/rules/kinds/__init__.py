"""One module per kind of change: what is particular to it (register checks, assessment, what it asks of the
back office), found through the table in :mod:`processors.rules.kinds.table`."""
