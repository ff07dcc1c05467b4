"""``ctax conformance``: run the revenues contract suite against the adapter the settings select."""

from __future__ import annotations

import os
from pathlib import Path

KIT = Path(__file__).resolve().parents[1] / "tests" / "conformance"


class ConformanceKitMissingError(Exception):
    """The contract suite ships with the source, not with an installed wheel."""


def run_conformance(verbose: bool) -> int:
    """Run the kit with pytest; returns pytest's exit code (0 when every capability passed or was skipped)."""
    import pytest

    if not KIT.is_dir():
        raise ConformanceKitMissingError(f"the conformance kit is not at {KIT}: run from a source checkout")
    os.environ["CTAX_CONFORMANCE_RUN"] = "1"
    arguments = [str(KIT), "-p", "no:cacheprovider", "--rootdir", str(KIT.parents[1]),
                 "-v" if verbose else "-q"]
    return int(pytest.main(arguments))
