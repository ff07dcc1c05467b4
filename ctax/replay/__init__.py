"""Replay applied notifications through the current rules, list what would change, and correct it."""
