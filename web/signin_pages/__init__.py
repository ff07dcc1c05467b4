"""The sign-in pages: signing in with a password or through the council's identity provider, and signing out."""
