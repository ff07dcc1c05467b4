-- The web app keeps its own small store (progress and idempotency keys) apart from the legacy database.
CREATE DATABASE web OWNER ctax;
