"""The refund approval queue: refunds above the council's threshold wait here for an officer's decision."""
