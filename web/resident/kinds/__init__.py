"""The question pages of each kind of change beyond the moves' own: one module per kind."""
