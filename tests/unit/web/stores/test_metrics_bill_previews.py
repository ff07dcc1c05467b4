"""The ops store's share of bill previews that matched what was applied, and the column added to an older store."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from tests.unit.web.stores.fixtures import NOW, metric, store
from web.stores.database import create_store_engine
from web.stores.metrics import MetricsStore


def test_the_share_of_todays_previews_that_matched(tmp_path: Path) -> None:
    metrics = store(tmp_path)
    assert metrics.figures(NOW).preview_match_rate is None  # no preview yet: no share to show
    metrics.record([metric(1, preview_matched=True), metric(2, preview_matched=True), metric(3, preview_matched=False),
                    metric(4), metric(5, "review"),  # no preview shown: not counted either way
                    metric(6, preview_matched=False, minutes_ago=60 * 24 * 2)])  # two days ago: not today
    figures = metrics.figures(NOW)
    assert (figures.previewed_today, figures.preview_matched_today) == (3, 2)
    assert figures.preview_match_rate == 2 / 3


def test_a_store_made_before_previews_gains_the_column_and_keeps_its_rows(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path}/web.db")
    with engine.begin() as conn:  # the table as the release before this one created it
        conn.execute(text(
            "CREATE TABLE ops_notification_metric (notification_id VARCHAR(36) PRIMARY KEY, kind VARCHAR(40) NOT NULL,"
            " outcome VARCHAR(20) NOT NULL, submitted_at DATETIME NOT NULL, completed_at DATETIME NOT NULL,"
            " validate_ms FLOAT, assess_ms FLOAT, apply_ms FLOAT, end_to_end_ms FLOAT NOT NULL,"
            " digital_cost_pence BIGINT NOT NULL, baseline_cost_pence BIGINT NOT NULL, saving_pence BIGINT NOT NULL,"
            " cost_model_version VARCHAR(40) NOT NULL)"))
        conn.execute(text(
            "INSERT INTO ops_notification_metric VALUES ('00000000-0000-4000-8000-000000000099', 'move_in', "
            "'applied', '2026-06-15 11:29:00', '2026-06-15 11:29:20', 1, 1, 1, 100, 15, 491, 476, 'v1')"))
    metrics = MetricsStore(engine)
    metrics.create_schema()
    metrics.create_schema()  # twice: the column is added once
    assert "preview_matched" in {c["name"] for c in inspect(engine).get_columns("ops_notification_metric")}
    metrics.record([metric(1, preview_matched=True)])
    figures = metrics.figures(NOW)
    assert figures.today_total == 2
    assert (figures.previewed_today, figures.preview_matched_today) == (1, 1)
