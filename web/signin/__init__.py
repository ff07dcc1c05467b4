"""Sign-in for staff and ops: accounts and roles, passwords, sessions by cookie, throttling, route guards."""
