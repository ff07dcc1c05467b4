"""The conformance kit: the revenues contract against the adapter the settings select, reported by capability.

``ctax conformance`` runs this folder (it sets ``CTAX_CONFORMANCE_RUN``); a plain ``pytest tests`` leaves it
out, since the per-adapter contract modules already run every built-in adapter.
"""

from __future__ import annotations

import os
from collections import defaultdict

import pytest

from tests.unit.adapters.revenues_contract import CAPABILITIES

collect_ignore = [] if os.environ.get("CTAX_CONFORMANCE_RUN") else ["test_selected_adapter.py"]

_outcomes: dict[str, str] = {}
_skip_reasons: dict[str, str] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    name = report.nodeid.rsplit("::", 1)[-1]
    if report.skipped:
        _outcomes[name] = "skipped"
        longrepr = report.longrepr
        _skip_reasons[name] = str(longrepr[2]) if isinstance(longrepr, tuple) else "skipped"
    elif report.failed:
        _outcomes[name] = "failed"
    elif report.when == "call" and name not in _outcomes:
        _outcomes[name] = "passed"


def capability_report(adapter: str) -> list[str]:
    lines = [f"Conformance of the '{adapter}' revenues adapter, by capability:"]
    width = max(len(capability) for capability in CAPABILITIES)
    for capability, tests in CAPABILITIES.items():
        counts: dict[str, int] = defaultdict(int)
        for test in tests:
            counts[_outcomes.get(test, "not run")] += 1
        if counts["failed"] or counts["not run"]:
            verdict = "FAIL"
        elif counts["skipped"] == len(tests):
            verdict = "NOT CHECKED"
        else:
            verdict = "PASS"
        detail = f"{counts['passed']}/{len(tests)} passed"
        if counts["skipped"]:
            reasons = sorted({_skip_reasons[t].removeprefix("Skipped: ") for t in tests if t in _skip_reasons})
            detail += f", {counts['skipped']} skipped ({'; '.join(reasons)})"
        if counts["failed"]:
            detail += f", {counts['failed']} failed"
        lines.append(f"  {capability:<{width}} {verdict:<11} {detail}")
    return lines


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _outcomes:
        return
    from ctax.settings import load_settings

    terminalreporter.write_line("")
    for line in capability_report(load_settings().revenues_adapter):
        terminalreporter.write_line(line)
