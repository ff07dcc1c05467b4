"""The web process's Prometheus metrics: the per-notification figures of the metrics topic, and lag.

They are served on their own listener (``CTAX_WEB_METRICS_HOST``/``_PORT``, loopback and 9101 by
default), not on the public web port: a scraper cannot sign in, and operational figures should not be
reachable from wherever the resident pages are. Counters count the metric events this process stored, so
with several web replicas Prometheus sums them (each replica reads its share of the topic's partitions).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from schemas.events import NotificationMetric
from web.stores.metrics import MetricsStore

log = logging.getLogger(__name__)

STAGE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)


class _StoreFigures(Collector):
    """Gauges worked out from the store at scrape time: today's saving and straight-through rate."""

    def __init__(self, store: MetricsStore, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    def collect(self) -> Iterator[Metric]:
        try:
            figures = self._store.figures(self._clock(), window_minutes=1)
        except Exception as error:  # noqa: BLE001 - a scrape must answer even when the store is down
            log.warning("could not read figures for /metrics", extra={"error": type(error).__name__})
            return
        yield GaugeMetricFamily("ctax_saving_today_pence", "Money saved today (UK day) against the phone route",
                                value=figures.saving_today_pence)
        yield GaugeMetricFamily("ctax_saving_to_date_pence", "Money saved by every notification recorded so far",
                                value=figures.saving_to_date_pence)
        rate = figures.straight_through_rate
        yield GaugeMetricFamily("ctax_straight_through_ratio",
                                "Share of today's finished notifications applied with no person involved",
                                value=rate if rate is not None else float("nan"))
        yield GaugeMetricFamily("ctax_notifications_today", "Notifications finished today",
                                value=figures.today_total)
        matched = figures.preview_match_rate
        yield GaugeMetricFamily("ctax_bill_preview_matched_ratio",
                                "Share of today's applied notifications sent after a bill preview whose applied "
                                "amounts equal the preview", value=matched if matched is not None else float("nan"))


class WebPrometheus:
    def __init__(self, store: MetricsStore, clock: Callable[[], datetime]) -> None:
        self.registry = CollectorRegistry()
        self.notifications = Counter(
            "ctax_notifications", "Notifications finished, by kind and outcome", ["kind", "outcome"],
            registry=self.registry)
        self.stage_seconds = Histogram(
            "ctax_notification_stage_seconds", "Time per stage and end to end (stage=end_to_end)", ["stage"],
            buckets=STAGE_BUCKETS, registry=self.registry)
        self.saving = Counter("ctax_saving_pence", "Money saved against the phone and re-keying route",
                              registry=self.registry)
        self.digital_cost = Counter("ctax_digital_cost_pence", "Cost of the digital route", registry=self.registry)
        self.baseline_cost = Counter("ctax_baseline_cost_pence", "Cost the same notifications would have had by phone",
                                     registry=self.registry)
        self.straight_through = Counter(
            "ctax_straight_through", "Notifications applied with no person involved", registry=self.registry)
        self.lag = Gauge("ctax_processor_consumer_lag", "Events waiting for the stream processors, by topic",
                         ["topic"], registry=self.registry)
        self.lag_age = Gauge("ctax_processor_consumer_lag_checked_timestamp_seconds",
                             "When the consumer lag was last measured", registry=self.registry)
        self.registry.register(_StoreFigures(store, clock))
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    def observe(self, metrics: Iterable[NotificationMetric]) -> None:
        for metric in metrics:
            self.notifications.labels(metric.kind.value, metric.outcome.value).inc()
            for stage, ms in (("validate", metric.validate_ms), ("assess", metric.assess_ms),
                              ("apply", metric.apply_ms), ("end_to_end", metric.end_to_end_ms)):
                if ms is not None:
                    self.stage_seconds.labels(stage).observe(ms / 1000)
            self.saving.inc(max(metric.saving_pence, 0))
            self.digital_cost.inc(metric.digital_cost_pence)
            self.baseline_cost.inc(metric.baseline_cost_pence)
            if metric.outcome.value == "applied":
                self.straight_through.inc()

    def record_lag(self, by_topic: dict[str, int], checked_at: float) -> None:
        for topic, lag in by_topic.items():
            self.lag.labels(topic).set(lag)
        self.lag_age.set(checked_at)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

    def serve(self, host: str, port: int) -> None:
        """Serve /metrics on its own listener; a port that is taken is logged, not fatal."""
        if port == 0:
            return
        try:
            self._server, self._thread = start_http_server(port, addr=host, registry=self.registry)
        except OSError as error:
            log.warning("could not serve Prometheus metrics", extra={"port": port, "error": type(error).__name__})

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
