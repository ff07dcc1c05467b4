"""The demo: broker, worker and web on embedded defaults, and sample traffic submitted to the intake API."""
