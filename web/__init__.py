"""The web app (FastAPI): the intake API, the resident pages, the staff workspace and the ops dashboard."""
