"""The resident journey: the GOV.UK question pages, their answers and session, address search, status page."""
