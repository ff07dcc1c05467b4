"""The simulated legacy revenues back office: a separate process with its own database, numbering and rules.

It stands in for a vendor system (NEC, Capita/Civica) so that the SOAP and import-file adapters are tested
against something that answers like the real thing: it refuses what such a system refuses, can be slow, can
fail, has maintenance windows, can time out after committing, and never de-duplicates for its callers.
Nothing here imports the rest of ctax: it is the other side of the wire.
"""
