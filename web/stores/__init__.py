"""The web side's own SQL store (``CTAX_WEB_DATABASE_URL``): one schema, one engine factory, one module a store."""
