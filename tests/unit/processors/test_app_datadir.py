"""Where the Faust app keeps its data directory (it makes one even though our tables live in memory)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.memory_revenues import InMemoryRevenuesSystem
from ctax.running.components import council_rules
from ctax.settings import Settings
from processors.app import ProcessorConfig, build_app
from processors.cost_model_file import load_cost_model
from processors.pipeline.context import StageContext


def test_faust_data_dir_is_outside_the_working_directory_and_can_be_made(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No *ctax-processor-data/ folder in the working directory, and Faust's mkdir (no parents) succeeds."""
    monkeypatch.chdir(tmp_path)
    ctx = StageContext(revenues=InMemoryRevenuesSystem(), rules=council_rules(Settings(_env_file=None)),
                       cost_model=load_cost_model())

    config = ProcessorConfig(bootstrap="127.0.0.1:1", topic_prefix="t-", batch_size=10, publish_assessed=False)
    app = build_app(config, ctx)

    datadir = Path(app.conf.datadir)
    assert datadir.is_absolute()
    assert datadir.name == "t-ctax-processor-data"
    assert not datadir.is_relative_to(tmp_path)
    assert datadir.parent.is_dir()  # Faust creates the folder with mkdir(exist_ok=True), without parents
