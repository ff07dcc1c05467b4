"""Operators' one-off commands: staff users, the retention purge, the adapter conformance run."""
