"""The import-file adapter: account changes become import files the back office loads and answers with results."""
