"""Staff, ops and landlord users as records: roles, usernames, password hashes.

The floor the user store and sign-in share; it imports nothing of the web side.
"""
