"""The review queue: a case's page, an officer's decision, and a correction sent back through the intake."""
