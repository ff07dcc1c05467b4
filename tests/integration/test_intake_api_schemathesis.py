"""Schemathesis generates requests from the intake API's own OpenAPI document: none may crash the server,
and every answer must be one the document declares."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.integration.running_stack import RunningStack


@pytest.fixture(scope="module")
def running(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    workdir = tmp_path_factory.mktemp("schemathesis")
    stack = RunningStack(kafka_bootstrap, f"sqlite:///{workdir}/revenues.db", Path(workdir),
                         extra_env={"CTAX_INTAKE_RATE_PER_MINUTE": "0"})
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


def test_generated_requests_never_get_a_server_error(running: RunningStack) -> None:
    schema = schemathesis.openapi.from_url(f"{running.base_url}/openapi.json").include(path_regex="^/api/")
    operations: list[Any] = []
    for result in schema.get_all_operations():
        if isinstance(result, schemathesis.core.result.Err):
            pytest.fail(f"the OpenAPI document has an invalid operation: {result.err()}")
        operations.append(result.ok())
    assert {op.method.upper() for op in operations} >= {"GET", "POST"}
    seen: list[int] = []
    for operation in operations:

        @given(operation.as_strategy())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        def call(case: Any) -> None:
            response = case.call(base_url=running.base_url, timeout=30)
            seen.append(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])

        call()
    assert seen
    assert max(seen) < 500
