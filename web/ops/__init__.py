"""The ops dashboard: figures from the metrics topic, charts, the Prometheus listener and consumer lag."""
