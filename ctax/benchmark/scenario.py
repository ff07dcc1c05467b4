"""The benchmark's workload: a seeded register and realistic notifications, each property used once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from adapters.sql.revenues import SqlRevenuesSystem
from ctax.demo.sample_traffic import build_sample
from ctax.seeding.synthetic_register import generate_register
from processors.rules.council import CouncilRules
from schemas.notification import ChangeNotification, Channel, NotificationRequest

# What each sample scenario should end as (the mix is ctax.demo.sample_traffic.MIX).
EXPECTED_OUTCOME = {"move_in": "applied", "move_out": "applied", "move_within": "applied", "house_sale": "applied",
                    "single_person_discount": "applied", "household_change": "applied",
                    "student_exemption": "applied", "change_of_name": "applied", "payment_arrangement": "applied",
                    "postcode_mismatch": "rejected", "unlisted_address": "review", "far_future_move": "review"}


@dataclass(frozen=True)
class Workload:
    notifications: list[ChangeNotification]
    expected: dict[str, str]  # notification id -> final status


def seed_workload(revenues: SqlRevenuesSystem, rules: CouncilRules, count: int, *, seed: int = 11) -> Workload:
    """Load a register three times the size of the workload (half occupied) and build the notifications."""
    today = datetime.now(ZoneInfo("Europe/London")).date()
    register = generate_register(rules, properties=max(count * 3, 30), occupied_share=0.5, as_of=today, seed=seed)
    revenues.load_register(register.properties, register.accounts)
    liable: dict[str, tuple[str, ...]] = {a.uprn: a.liable_persons for a in register.accounts}
    samples = build_sample([(p, liable.get(p.uprn, ())) for p in register.properties], count, today=today, seed=seed)
    notifications, expected = [], {}
    for sample in samples:
        request = NotificationRequest.model_validate(sample.body)
        notification = ChangeNotification(
            notification_id=str(uuid.uuid4()), reference=_reference(), submitted_at=datetime.now(UTC),
            channel=Channel.API, council_code=rules.council_code, contact=request.contact, change=request.change,
        )
        notifications.append(notification)
        expected[notification.notification_id] = EXPECTED_OUTCOME[sample.scenario]
    return Workload(notifications, expected)


def _reference() -> str:
    code = uuid.uuid4().hex.upper()
    return f"CTX-{code[:4]}-{code[4:8]}"
