"""The ACLs `ctax kafka acls` prints: what each service needs, with the deployment's prefix, and no more."""

from __future__ import annotations

from click.testing import CliRunner

from ctax.cli import main
from ctax.kafka_admin.acls import service_acls
from ctax.local_kafka.acls import Operation, PatternType, ResourceType
from schemas.topics import METRICS, PROCESSOR_APP_ID, STATUS, SUBMITTED, all_topic_names


def _allowed(user: str, operation: Operation, kind: ResourceType, name: str, prefix: str = "") -> bool:
    for acl in service_acls("worker", "web", prefix):
        if acl.principal != f"User:{user}" or acl.operation != operation or acl.resource_type != kind:
            continue
        if acl.resource_name == name or (acl.pattern is PatternType.PREFIXED and name.startswith(acl.resource_name)):
            return True
    return False


def test_the_worker_may_use_every_product_topic_and_its_group_under_a_prefix() -> None:
    for topic in all_topic_names("council-a."):
        for operation in (Operation.READ, Operation.WRITE, Operation.CREATE, Operation.ALTER_CONFIGS):
            assert _allowed("worker", operation, ResourceType.TOPIC, topic, "council-a."), (topic, operation)
    assert _allowed("worker", Operation.READ, ResourceType.GROUP, f"council-a.{PROCESSOR_APP_ID}", "council-a.")
    assert not _allowed("worker", Operation.READ, ResourceType.TOPIC, SUBMITTED.name, "council-a.")  # another council's


def test_the_web_app_may_publish_only_what_it_accepts_and_read_what_its_pages_show() -> None:
    assert _allowed("web", Operation.WRITE, ResourceType.TOPIC, SUBMITTED.name)
    for topic in (STATUS.name, METRICS.name):
        assert not _allowed("web", Operation.WRITE, ResourceType.TOPIC, topic)
    for topic in (SUBMITTED.name, STATUS.name, METRICS.name):
        assert _allowed("web", Operation.READ, ResourceType.TOPIC, topic)
    for group in ("ctax-web-progress", "ctax-web-review", "ctax-web-ops"):
        assert _allowed("web", Operation.READ, ResourceType.GROUP, group)
    assert _allowed("web", Operation.DESCRIBE, ResourceType.GROUP, PROCESSOR_APP_ID)  # the ops page's lag
    assert not _allowed("web", Operation.READ, ResourceType.GROUP, PROCESSOR_APP_ID)
    internal = set(all_topic_names()) - {SUBMITTED.name, STATUS.name, METRICS.name}
    assert not any(_allowed("web", Operation.READ, ResourceType.TOPIC, topic) for topic in internal)


def test_the_command_prints_one_line_a_rule_with_the_prefix() -> None:
    result = CliRunner().invoke(main, ["kafka", "acls", "--worker-user", "w", "--web-user", "x"],
                                env={"CTAX_TOPIC_PREFIX": "council-a."})
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == len(service_acls("w", "x"))
    assert "User:x                 ALLOW WRITE            topic   literal  council-a.ctax.notifications.submitted.v1" \
        in lines
