"""The Grafana dashboard only queries metrics the web app and the worker really expose."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from prometheus_client import REGISTRY

import processors.worker_metrics  # noqa: F401 - registers the worker's metrics in the default registry
from web.staff_shell.prometheus import WebPrometheus
from web.stores.database import create_store_engine
from web.stores.metrics import MetricsStore

DASHBOARD = Path(__file__).resolve().parents[4] / "deploy" / "grafana" / "dashboards" / "ctax-overview.json"


def exposed_names(tmp_path: Path) -> set[str]:
    store = MetricsStore(create_store_engine(f"sqlite:///{tmp_path}/web.db"))
    store.create_schema()
    names: set[str] = set()
    for registry in (WebPrometheus(store, lambda: datetime.now(UTC)).registry, REGISTRY):
        for family in registry.collect():
            # Labelled metrics with no children yet have no samples: count the names their samples will have.
            names.update(family.name + suffix for suffix in ("", "_total", "_bucket", "_count", "_sum"))
    return names


def test_every_dashboard_query_names_an_exposed_metric(tmp_path: Path) -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exposed = exposed_names(tmp_path)
    queried = {name for panel in dashboard["panels"] for target in panel["targets"]
               for name in re.findall(r"\bctax_[a-z_]+", target["expr"])}
    assert queried
    assert queried <= exposed, sorted(queried - exposed)
