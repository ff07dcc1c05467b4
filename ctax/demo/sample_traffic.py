"""Realistic sample notifications from the property register, and a client that submits them over HTTP."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from adapters.revenues_port import RegisterProperty
from ctax.seeding.synthetic_register import FIRST_NAMES, SURNAMES

# The share of each kind of notification in the sample; the last three are meant to fail or need a person. A
# house sale is two notifications for one property, the leaver's move-out and the buyer's move-in (on the
# completion day, or the day after), sent in either order, as residents do.
MIX = {
    "move_in": 30, "move_out": 20, "move_within": 12, "house_sale": 12,
    "single_person_discount": 5, "household_change": 4, "student_exemption": 2, "change_of_name": 3,
    "payment_arrangement": 3,
    "postcode_mismatch": 4, "unlisted_address": 3, "far_future_move": 2,
}
ACCOUNT_CHANGES = ("single_person_discount", "household_change", "student_exemption", "change_of_name",
                   "payment_arrangement")


@dataclass(frozen=True)
class SampleNotification:
    scenario: str
    body: dict[str, Any]


def _address(prop: RegisterProperty, postcode: str | None = None) -> dict[str, Any]:
    return {"line_1": prop.address_line_1, "line_2": prop.address_line_2, "town": prop.town,
            "postcode": postcode or prop.postcode}


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _contact(rng: random.Random, name: str) -> dict[str, Any]:
    handle = name.lower().replace(" ", ".").replace("'", "")
    return {"full_name": name, "email": f"{handle}@example.com", "phone": f"01632 960 {rng.randint(0, 999):03d}"}


def _residents(rng: random.Random, lead: str) -> list[dict[str, Any]]:
    born = f"{rng.randint(1950, 2003)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    people = [{"full_name": lead, "date_of_birth": born}]
    if rng.random() < 0.5:
        extra: dict[str, Any] = {"full_name": _person(rng)}
        if rng.random() < 0.2:
            extra["disregard"] = "full_time_student"
        people.append(extra)
    return people


def _account_change(
    rng: random.Random, scenario: str, prop: RegisterProperty, liable: tuple[str, ...], when: str
) -> dict[str, Any]:
    """A valid change to the open account at ``prop``, whose liable people are ``liable``."""
    common = {"kind": scenario, "uprn": prop.uprn, "address": _address(prop)}
    if scenario == "single_person_discount":
        # The seeded register gives one-person accounts the discount already, two-person accounts none.
        action, reason = ("end", "someone_moved_in") if len(liable) == 1 else ("claim", "others_disregarded")
        return {**common, "action": action, "reason": reason, "effective_date": when}
    if scenario == "household_change":
        joining = _person(rng)
        return {**common, "effective_date": when, "event": "adult_joined",
                "residents": [{"full_name": name} for name in (*liable, joining)], "liable_persons": list(liable)}
    if scenario == "student_exemption":
        return {**common, "effective_date": when, "students": [
            {"full_name": name, "institution": "University of Exampleton",
             "certificate_reference": f"UOE/{rng.randint(20250000, 20259999)}"} for name in liable]}
    if scenario == "change_of_name":
        first = liable[0].split(" ")[0]
        return {**common, "previous_name": liable[0], "new_name": f"{first} {rng.choice(SURNAMES)}-Hart",
                "reason": "marriage", "effective_date": when}
    return {**common, "twelve_instalments": True, "payment_day": rng.choice([1, 15, 28]), "requested_on": when}


def build_sample(
    register: Sequence[tuple[RegisterProperty, tuple[str, ...]]], count: int, *, today: date, seed: int = 7
) -> list[SampleNotification]:
    """Return ``count`` notifications; each real property appears at most once so the changes do not collide.

    ``register`` pairs each property with the liable people of its open account (none when vacant).
    """
    rng = random.Random(seed)  # noqa: S311 - sample data
    liable_at = {p.uprn: people for p, people in register}
    vacant = [p for p, people in register if not people]
    occupied = [p for p, people in register if people]
    rng.shuffle(vacant)
    rng.shuffle(occupied)
    scenarios = rng.choices(tuple(MIX), weights=tuple(MIX.values()), k=count)
    samples = []
    for scenario in scenarios:
        move_date = (today - timedelta(days=rng.randint(0, 10))).isoformat()
        lead = _person(rng)
        body: dict[str, Any]
        if scenario in {"move_in", "postcode_mismatch", "far_future_move"} and vacant:
            prop = vacant.pop()
            postcode = "ZY9 9ZZ" if scenario == "postcode_mismatch" else None
            if scenario == "far_future_move":
                move_date = (today + timedelta(days=rng.randint(30, 60))).isoformat()
            body = {"kind": "move_in", "uprn": prop.uprn, "address": _address(prop, postcode),
                    "move_in_date": move_date, "residents": _residents(rng, lead),
                    "tenure": rng.choice(["owner_occupier", "private_tenant", "social_tenant"])}
        elif scenario == "house_sale" and occupied:
            prop = occupied.pop()
            buyer = _person(rng)
            arrives = date.fromisoformat(move_date) + timedelta(days=rng.choice([0, 1]))
            leaving = {"kind": "move_out", "uprn": prop.uprn, "address": _address(prop), "move_out_date": move_date,
                       "forwarding_address": {"line_1": f"{rng.randint(1, 200)} Harbour Street", "town": "Elsewhere",
                                              "postcode": "ZY8 1AA"}}
            arriving = {"kind": "move_in", "uprn": prop.uprn, "address": _address(prop),
                        "move_in_date": arrives.isoformat(), "residents": _residents(rng, buyer),
                        "tenure": "owner_occupier"}
            pair = [SampleNotification("house_sale", {"contact": _contact(rng, lead), "change": leaving}),
                    SampleNotification("house_sale", {"contact": _contact(rng, buyer), "change": arriving})]
            rng.shuffle(pair)
            samples.extend(pair)
            continue
        elif scenario in ACCOUNT_CHANGES and occupied:
            prop = occupied.pop()
            liable = liable_at[prop.uprn]
            body = _account_change(rng, scenario, prop, liable, move_date)
            lead = liable[0]
        elif scenario == "move_out" and occupied:
            prop = occupied.pop()
            forwarding = {"line_1": f"{rng.randint(1, 200)} Harbour Street", "town": "Elsewhere", "postcode": "ZY8 1AA"}
            body = {"kind": "move_out", "uprn": prop.uprn, "address": _address(prop),
                    "move_out_date": move_date, "forwarding_address": forwarding}
        elif scenario == "move_within" and occupied and vacant:
            old, new = occupied.pop(), vacant.pop()
            body = {"kind": "move_within", "from_uprn": old.uprn, "from_address": _address(old),
                    "to_uprn": new.uprn, "to_address": _address(new), "move_date": move_date,
                    "residents": _residents(rng, lead), "tenure": "owner_occupier"}
        else:
            scenario = "unlisted_address"
            body = {"kind": "move_in", "uprn": str(900_000_000_000 + rng.randint(1, 99_999)),
                    "address": {"line_1": "1 New Build Lane", "town": "Exampleton", "postcode": "ZY1 1AB"},
                    "move_in_date": move_date, "residents": _residents(rng, lead), "tenure": "owner_occupier"}
        samples.append(SampleNotification(scenario, {"contact": _contact(rng, lead), "change": body}))
    return samples[:count]  # a house sale near the end may leave its second notice out


@dataclass
class SubmitReport:
    accepted: list[tuple[str, str]]  # (notification id, scenario)
    refused: Counter[int]


async def submit_samples(
    base_url: str, samples: Sequence[SampleNotification], *, concurrency: int = 8,
    on_progress: Callable[[int], None] | None = None,
) -> SubmitReport:
    """POST every sample to the intake API with an Idempotency-Key; retry 409s, 429s and 503s after Retry-After."""
    report = SubmitReport([], Counter())
    queue: asyncio.Queue[SampleNotification] = asyncio.Queue()
    for sample in samples:
        queue.put_nowait(sample)

    async def post_all(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            sample = queue.get_nowait()
            key = str(uuid.uuid4())
            for _ in range(20):
                response = await client.post("/api/v1/notifications", json=sample.body,
                                             headers={"Idempotency-Key": key})
                if response.status_code not in {409, 429, 503}:  # in flight, over the client's rate, busy
                    break
                await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
            if response.status_code == 202:
                report.accepted.append((response.json()["notification_id"], sample.scenario))
            else:
                report.refused[response.status_code] += 1
            if on_progress:
                on_progress(1)

    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        await asyncio.gather(*(post_all(client) for _ in range(concurrency)))
    return report
