"""A year (or two) of changes on one account, payments recorded between them, against ``ledger_reading``.

Random sequences of 2 to 8 changes on one account across 2026/27 and 2027/28 (a leap year: 29 Feb 2028), through
the whole pipeline and the in-memory back office. After every change the test checks, for every financial year
the account holds:

- the year's charge is the sum over the periods actually in force (the discount history, up to any last day);
- no money is demanded twice: what is left to pay of the year's instalments is its charge less what was paid
  (nothing when the payments cover it: a credit), so arrears are never both kept and planned again;
- no instalment is nil or negative, and instalment numbers are unique in the account-year;
- a year left in credit is said to be a credit, to refund or transfer, never a negative balance.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from adapters.memory_revenues import InMemoryRevenuesSystem
from adapters.revenues_port import AccountView, ChargeRow, ExistingAccount, InstalmentRow
from processors.cost_model_file import load_cost_model
from processors.pipeline.context import SourceRecord, StageContext
from processors.pipeline.fused import BatchOptions, process_batch
from processors.rules.charges import charge_lines
from processors.rules.discounts import NO_DISCOUNT, SINGLE_PERSON, Discount
from processors.rules.instalments import instalment_plan
from schemas.codec import shared_codec
from schemas.events import NotificationStatus, Status
from schemas.financial_year import FinancialYear, financial_year_of
from schemas.topics import STATUS, SUBMITTED
from tests.builders import RULES, address, notification, register_property
from tests.unit.rules.ledger_reading import InstalmentKey, Liability, left_to_pay, year_charge_pence

UPRN = "100090000002"
REF = "500000001"
HERE = address("2 Acacia Avenue")
FIRST_YEAR = 2025  # the account holds 2025/26 (paid in full) and 2026/27 (paid as its instalments fell due)
KINDS = ("spd_claim", "spd_end", "household", "student_exemption", "rebill", "payment_arrangement", "name_change",
         "move_out", "newcomer")
HOUSEHOLDS: dict[str, tuple[list[dict[str, Any]], int]] = {
    "one adult": ([{"full_name": "Alex Jones"}], 25),
    "two adults": ([{"full_name": "Alex Jones"}, {"full_name": "Kim Jones"}], 0),
    "an adult and a student": ([{"full_name": "Alex Jones"},
                                {"full_name": "Kim Jones", "disregard": "full_time_student"}], 25),
    "no one counts": ([{"full_name": "Alex Jones", "disregard": "severely_mentally_impaired"},
                       {"full_name": "Kim Jones", "disregard": "carer"}], 50),
}


@dataclass
class Council:
    """The pipeline over one in-memory back office, with a clock the test moves and the payments it records."""

    liability: Liability
    revenues: InMemoryRevenuesSystem = field(default_factory=InMemoryRevenuesSystem)
    now: datetime = datetime(2026, 4, 1, tzinfo=UTC)
    paid: dict[int, int] = field(default_factory=dict)
    paid_against: dict[InstalmentKey, int] = field(default_factory=dict)
    name: str = "Alex Jones"

    def __post_init__(self) -> None:
        self.ctx = StageContext(revenues=self.revenues, rules=RULES, cost_model=load_cost_model(),
                                clock=lambda: self.now)

    def submit(self, change: dict[str, Any], on: date, channel: str = "api") -> NotificationStatus:
        self.now = datetime(on.year, on.month, on.day, 11, 0, tzinfo=UTC)
        value = shared_codec().encode(notification(change=change, submitted_at=self.now, channel=channel,
                                                   notification_id=str(uuid.uuid4())))
        outputs = process_batch(self.ctx, [SourceRecord(SUBMITTED.name, b"k", value)],
                                BatchOptions(publish_assessed=False))
        statuses = [shared_codec().decode(o.value, NotificationStatus) for o in outputs if o.topic == STATUS.name]
        return next(s for s in statuses if s.status.is_final)

    def account(self) -> AccountView:
        account = self.revenues.account(REF)
        assert account is not None
        return account

    def pay(self, instalment: InstalmentKey, on: date, pence: int) -> None:
        """Pay ``pence`` against an instalment; the back office records it as a payment towards its year."""
        year = instalment[0]
        self.paid[year] = self.paid.get(year, 0) + pence
        self.paid_against[instalment] = self.paid_against.get(instalment, 0) + pence
        self.revenues.record_payment(REF, year, on, pence)

    def demanded(self, year: int) -> list[InstalmentKey]:
        return sorted(((i.financial_year, i.sequence, i.due_date, i.amount_pence) for i in self.account().instalments
                       if i.financial_year == year), key=lambda key: key[2])


def seeded(band: str, start: date, discount: Discount, paid_before: date) -> Council:
    """An account liable since ``start``: 2025/26 billed and paid, 2026/27 billed in March with 10 instalments,
    those due before ``paid_before`` paid on their due dates."""
    council = Council(Liability(start, None, band, ((start, discount.percent),)))
    charges: list[ChargeRow] = []
    instalments: list[InstalmentRow] = []
    payments: list[InstalmentKey] = []
    for year in (FinancialYear(FIRST_YEAR), FinancialYear(FIRST_YEAR + 1)):
        lines = charge_lines(max(start, year.start), year.end, band, discount, RULES)
        plan = instalment_plan(sum(line.charge_pence for line in lines), year, date(year.start_year, 3, 1),
                               RULES.payment_day)
        charges += [ChargeRow(**line.model_dump()) for line in lines]
        instalments += [InstalmentRow(**i.model_dump()) for i in plan]
        payments += [(year.start_year, i.sequence, i.due_date, i.amount_pence) for i in plan
                     if year.start_year == FIRST_YEAR or i.due_date < paid_before]
    council.revenues.load_register(
        [register_property(UPRN, band=band, line_1="2 Acacia Avenue")],
        [ExistingAccount(account_ref=REF, uprn=UPRN, liability_start=start, liable_persons=("Alex Jones",),
                         discount_code=discount.code, discount_percent=discount.percent,
                         charges=tuple(charges), instalments=tuple(instalments))])
    for instalment in payments:
        council.pay(instalment, instalment[2], instalment[3])
    return council


def _change(kind: str, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "uprn": UPRN, "address": HERE, **fields}


def _step(council: Council, kind: str, notice: date, effective: date, draw: st.DataObject) -> bool:
    """Send one change; return whether the account is still open. The model follows only what was applied."""
    liability = council.liability
    current = liability.percent_on(date.max)
    effective = max(effective, liability.start)
    channel = "api"
    new = liability
    if kind == "spd_claim":
        change = _change("single_person_discount", action="claim", effective_date=effective, reason="others_left")
        new = liability.with_discount_from(effective, 25)
    elif kind == "spd_end":
        change = _change("single_person_discount", action="end", effective_date=effective, reason="someone_moved_in")
        new = liability.with_discount_from(effective, 0)
    elif kind == "household":
        residents, percent = HOUSEHOLDS[draw.draw(st.sampled_from(sorted(HOUSEHOLDS)), label="household")]
        change = _change("household_change", effective_date=effective, event="adult_joined", residents=residents,
                         liable_persons=["Alex Jones"])
        new = liability.with_discount_from(effective, percent)
    elif kind == "student_exemption":
        change = _change("student_exemption", effective_date=effective, students=[
            {"full_name": "Alex Jones", "institution": "University of Exampleton",
             "certificate_reference": "UOE/20261234"}])
        new = liability.with_discount_from(effective, 100)
    elif kind == "rebill":
        change = _change("rebill", from_date=effective, reason="worked out again")
        channel = "officer_correction"
    elif kind == "payment_arrangement":
        change = _change("payment_arrangement", twelve_instalments=draw.draw(st.booleans(), label="twelve"),
                         payment_day=draw.draw(st.sampled_from([1, 15, 20, 28]), label="day"), requested_on=notice)
    elif kind == "name_change":
        new_name = "Alex Jones-Smith" if council.name == "Alex Jones" else "Alex Jones"
        change = _change("change_of_name", previous_name=council.name, new_name=new_name, reason="marriage",
                         effective_date=notice)
    elif kind == "move_out":
        change = {"kind": "move_out", "uprn": UPRN, "address": HERE, "move_out_date": effective + timedelta(days=1),
                  "forwarding_address": address("9 Harbour Street", "ZY8 1AA", "Elsewhere")}
        new = liability.ended(effective)
    else:
        change = {"kind": "move_in", "uprn": UPRN, "address": HERE, "move_in_date": effective + timedelta(days=1),
                  "residents": [{"full_name": "Sam Taylor"}], "tenure": "private_tenant"}
        new = liability.ended(effective)
    status = council.submit(change, notice, channel)
    if status.status is Status.DUPLICATE:  # the very same change told again: nothing new to bill
        return True
    assert status.status is Status.APPLIED, (kind, notice, effective, current, status.reasons)
    if kind in ("name_change", "household"):  # a household change names the liable people again
        council.name = new_name if kind == "name_change" else "Alex Jones"
    council.liability = new
    _check(council, kind, notice)
    return new.end is None


def _check(council: Council, kind: str, notice: date) -> None:
    account = council.account()
    liability = council.liability
    years = sorted({c.financial_year for c in account.charges})
    if kind != "name_change":  # every change that touches money bills the notice's year while liable in it
        reached = financial_year_of(min(notice, liability.end or notice)).start_year
        assert reached in years, f"{kind} on {notice}: {reached} not billed ({years})"
    for year in years:
        charge = sum(c.charge_pence for c in account.charges if c.financial_year == year)
        assert charge == year_charge_pence(liability, year, RULES.band_d_pence[year]), (
            f"{year}/{year + 1 - 2000}: charge {charge} is not the sum over the periods in force")
        paid = council.paid.get(year, 0)
        demanded = [i for i in account.instalments if i.financial_year == year]
        left = left_to_pay(council.demanded(year), council.paid_against)
        assert left == max(0, charge - paid), (
            f"{year}: instalments leave {left} to pay against charge {charge} less paid {paid}")
        assert all(i.amount_pence > 0 for i in demanded), f"{year}: a nil or negative instalment"
        sequences = [i.sequence for i in demanded]
        assert len(sequences) == len(set(sequences)), f"{year}: instalment numbers repeat: {sorted(sequences)}"
    notes = " ".join(n.note for n in account.audit_notes)
    assert "-£" not in notes, "a credit written as a negative balance"
    if kind != "name_change" and any(council.paid.get(y, 0) > sum(
            c.charge_pence for c in account.charges if c.financial_year == y) for y in years):
        assert "to refund or transfer" in notes, "a year in credit never said to be a credit"


def _pay_what_falls_due(council: Council, until: date, draw: st.DataObject) -> None:
    """The resident pays (or misses, or part-pays) each instalment that falls due before ``until``, oldest first."""
    for year in sorted({i.financial_year for i in council.account().instalments}):
        for instalment in council.demanded(year):
            owed = instalment[3] - council.paid_against.get(instalment, 0)
            if owed > 0 and instalment[2] < until:
                how = draw.draw(st.sampled_from(["paid", "paid", "paid", "missed", "part"]), label="payment")
                if how != "missed":
                    council.pay(instalment, instalment[2], owed if how == "paid" else owed // 2 + 1)
                if how != "paid":
                    break  # a back office credits payments oldest first: nothing is paid ahead of what is owed


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], report_multiple_bugs=False,
          phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target])
@given(
    band=st.sampled_from("ABCDEFGH"),
    start_offset=st.integers(min_value=0, max_value=700),
    single=st.booleans(),
    first_notice=st.integers(min_value=0, max_value=330),
    data=st.data(),
)
def test_a_sequence_of_changes_is_billed_over_the_periods_in_force_and_never_asks_twice(
    band: str, start_offset: int, single: bool, first_notice: int, data: st.DataObject,
) -> None:
    start = date(2024, 1, 1) + timedelta(days=start_offset)  # liable since 2024 or during 2025/26
    discount = SINGLE_PERSON if single else NO_DISCOUNT
    notice = date(2026, 4, 1) + timedelta(days=first_notice)
    council = seeded(band, start, discount, paid_before=notice)
    steps = data.draw(st.integers(min_value=2, max_value=8), label="steps")
    for _ in range(steps):
        if notice > date(2028, 3, 20):
            break
        current = council.liability.percent_on(date.max)
        usable = [k for k in KINDS if not (k == "spd_claim" and current in (25, 100))
                  and not (k == "spd_end" and current != 25)]
        kind = data.draw(st.sampled_from(usable), label="kind")
        back = data.draw(st.integers(min_value=-10, max_value=60), label="days back")
        effective = max(notice - timedelta(days=back), council.liability.start + timedelta(days=1))
        if not _step(council, kind, notice, effective, data):
            break
        following = notice + timedelta(days=data.draw(st.integers(min_value=1, max_value=120), label="gap"))
        _pay_what_falls_due(council, following, data)
        notice = following
