"""What each service may do on Kafka: the ACLs for the worker's principal and the web app's.

One list, printed (or created, as an administrator) by ``ctax kafka acls`` and enforced by the test that runs
the real worker and the web app's readers on a broker with an authorizer. Everything is named with the
deployment's topic prefix.

- The worker reads and writes every product topic (``ctax.`` after the prefix), creates the missing ones
  and sets their retention at start-up, and reads as its consumer group (the processor's app id). Faust's
  leader-election topic is turned off (the worker elects no leader), so it needs nothing else.
- The web app publishes accepted notifications to the submitted topic; follows the status topic (resident
  progress), the submitted topic (the review queue's content) and the metrics topic (the ops dashboard),
  each as a group starting ``ctax-web-``; and reads the processor group's committed offsets and the end
  offsets of its source topics for the ops page's lag.
- Both producers are idempotent, which needs IdempotentWrite on the cluster.
"""

from __future__ import annotations

from ctax.local_kafka.acls import CLUSTER_RESOURCE_NAME, Acl, Operation, PatternType, ResourceType
from schemas.topics import ASSESSED, METRICS, PROCESSOR_APP_ID, STATUS, SUBMITTED, VALIDATED

PRODUCT_TOPICS = "ctax."  # every topic of schemas.topics starts so
WEB_GROUPS = "ctax-web-"  # the web app's consumer groups: progress, review, ops
WORKER_TOPIC_OPERATIONS = (Operation.READ, Operation.WRITE, Operation.CREATE, Operation.DESCRIBE,
                           Operation.DESCRIBE_CONFIGS, Operation.ALTER_CONFIGS)


def principal(username: str) -> str:
    """The Kafka principal of a SASL login."""
    return f"User:{username}"


def service_acls(worker_user: str, web_user: str, prefix: str = "") -> list[Acl]:
    """The ALLOW rules the two services need, and nothing more."""
    worker, web = principal(worker_user), principal(web_user)
    topic, group = ResourceType.TOPIC, ResourceType.GROUP
    return [
        *(Acl(worker, operation, topic, f"{prefix}{PRODUCT_TOPICS}", PatternType.PREFIXED)
          for operation in WORKER_TOPIC_OPERATIONS),
        Acl(worker, Operation.READ, group, f"{prefix}{PROCESSOR_APP_ID}"),
        Acl(web, Operation.WRITE, topic, f"{prefix}{SUBMITTED.name}"),
        *(Acl(web, Operation.READ, topic, f"{prefix}{spec.name}") for spec in (SUBMITTED, STATUS, METRICS)),
        Acl(web, Operation.READ, group, f"{prefix}{WEB_GROUPS}", PatternType.PREFIXED),
        Acl(web, Operation.DESCRIBE, group, f"{prefix}{PROCESSOR_APP_ID}"),
        *(Acl(web, Operation.DESCRIBE, topic, f"{prefix}{spec.name}") for spec in (VALIDATED, ASSESSED)),
        *(Acl(user, Operation.IDEMPOTENT_WRITE, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME)
          for user in (worker, web)),
    ]


def describe(acl: Acl) -> str:
    """One rule as a line an administrator can read (and type into their own tooling)."""
    match = "prefixed" if acl.pattern is PatternType.PREFIXED else "literal"
    return (f"{acl.principal:<22} ALLOW {acl.operation.name:<16} {acl.resource_type.name.lower():<7} "
            f"{match:<8} {acl.resource_name}")
