"""The revenues officers' pages: today's updates, accounts and search, and the review queue."""
