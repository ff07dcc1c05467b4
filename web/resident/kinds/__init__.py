"""Each kind of change a resident can tell us about: one module per kind (its questions in order, its rows on
the check-answers page, its request to the intake), found through :mod:`web.resident.kinds.table`; and the
question pages particular to some kinds (``*_pages.py``)."""
