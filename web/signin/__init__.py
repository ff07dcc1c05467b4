"""Sign-in for staff and ops: proving who someone is (password or identity provider), throttling, the first admin."""
