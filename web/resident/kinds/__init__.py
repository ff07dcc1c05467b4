"""Each kind of change a resident can tell us about: one module per kind (its addresses, its questions in order,
its rows on the check-answers page, its request to the intake), found through :mod:`web.resident.kinds.table`.
The question pages only some kinds ask are beside the shared ones, in ``web/resident/*_pages.py``."""
