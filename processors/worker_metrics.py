"""Prometheus metrics of the worker process itself (the per-notification figures come from the metrics topic)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS = Counter("ctax_worker_events_total", "Events a stage finished with, by result", ["stage", "result"])
RETRIES = Counter("ctax_worker_retries_total", "Calls to the revenues system that failed and were retried", ["stage"])
PARKED = Counter("ctax_worker_parked_total", "Notifications parked on the retry topic", ["stage"])
PARKED_GIVEN_UP = Counter(
    "ctax_worker_parked_given_up_total",
    "Parked notifications sent to the dead-letter topic after CTAX_PARKED_GIVE_UP_HOURS (alert on any increase)",
    ["stage"])
OLDEST_PARKED_SECONDS = Gauge(
    "ctax_worker_oldest_parked_seconds", "How long the parked notification retried last had been parked", ["stage"])
DEAD_LETTERS = Counter("ctax_worker_dead_letters_total", "Events sent to the dead-letter topic", ["stage"])
BREAKER_OPEN = Gauge("ctax_worker_breaker_open", "1 while the circuit breaker to the revenues system is open")
HANDLER_SECONDS = Histogram(
    "ctax_worker_handler_seconds", "Time a stage spent on one event (including revenues-system calls)", ["stage"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
