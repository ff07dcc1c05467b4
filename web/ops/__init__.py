"""The ops dashboard: figures from the metrics topic and their charts."""
