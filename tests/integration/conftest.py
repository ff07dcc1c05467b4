"""Integration tests run against the real Kafka broker (fixtures in ``tests/conftest.py``).

Every test under ``tests/integration`` is marked ``integration`` automatically, so
``pytest -m "not integration"`` runs the suite without Java or a broker.
"""

from __future__ import annotations

from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test collected from this directory with ``integration``."""
    for item in items:
        if _HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.integration)
