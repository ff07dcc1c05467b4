"""The one logic path: batch-shaped plain functions that the Faust agents call.

``decode`` -> ``validate`` -> ``assess`` -> ``apply`` -> ``report``, each taking and returning lists, so that
the fused shape (``fused.process_batch``: a whole batch through every step) and the staged shape
(``staged``: one step per agent, one event at a time) run exactly the same code. None of it knows Kafka or
Faust: ``context`` holds what a step needs, and the steps return the records to publish.
"""
