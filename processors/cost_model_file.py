"""Reading the council's cost model from its JSON file (the rules themselves never touch a file)."""

from __future__ import annotations

import json
from pathlib import Path

from processors.rules.costs import CostModel

DEFAULT_COST_MODEL = Path(__file__).with_name("cost_model.json")


def load_cost_model(path: Path = DEFAULT_COST_MODEL) -> CostModel:
    """The cost model in ``path`` (the shipped default, with every figure's source, unless configured)."""
    return CostModel.model_validate(json.loads(path.read_text(encoding="utf-8")))
