"""A deterministic synthetic property register for a council: addresses, bands and open accounts.

The same seed and date always give the same register, so tests, the demo and the benchmark agree on it.
Postcodes use the fictional ``ZY`` area, which has the right shape but belongs to nowhere.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from adapters.revenues_port import ChargeRow, ExistingAccount, InstalmentRow, PaymentRow, RegisterProperty
from processors.rules.charges import charge_lines
from processors.rules.council import CouncilRules
from processors.rules.discounts import NO_DISCOUNT, SINGLE_PERSON
from processors.rules.instalments import instalment_plan
from schemas.events import Instalment
from schemas.financial_year import financial_year_of

FIRST_UPRN = 100_090_000_001
STREETS = (
    "Acacia Avenue", "Albion Street", "Beech Grove", "Bramble Close", "Castle Road", "Chapel Lane",
    "Church Street", "Clarence Road", "Elm Park", "Fairfield Way", "Station Road", "Hawthorn Drive",
    "High Street", "Kings Road", "Larch Court", "Linden Walk", "Manor Way", "Mill Lane", "Newlands Rise",
    "Oak Terrace", "Orchard Close", "Park View", "Queens Crescent", "Riverside", "Rowan Gardens",
    "School Lane", "Spring Gardens", "The Green", "Victoria Road", "Willow Bank",
)
TOWNS = ("Exampleton", "Sampleford", "Testbury")
FIRST_NAMES = (
    "Amira", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Harry", "Isla", "Jack", "Kiran", "Leah",
    "Mohammed", "Nia", "Oliver", "Priya", "Quinn", "Rosa", "Sam", "Tomasz", "Uma", "Victor", "Wren", "Yusuf",
)
SURNAMES = (
    "Ahmed", "Baker", "Campbell", "Davies", "Evans", "Fisher", "Green", "Hughes", "Iqbal", "Jones", "Kowalski",
    "Lewis", "Morgan", "Nowak", "O'Brien", "Patel", "Quinn", "Roberts", "Singh", "Taylor", "Walker", "Wright",
)
# Landlords owning the rented homes (about a third of the register; the rest are owned by someone named).
LANDLORDS = ("Harbour Lettings Ltd", "Northgate Homes Ltd", "Riverside Property Co", "Oakfield Estates LLP")
RENTED_SHARE = 0.35
# Share of England's dwellings in each band (rounded, VOA 2024).
BAND_WEIGHTS = {"A": 24, "B": 20, "C": 22, "D": 15, "E": 9, "F": 5, "G": 3, "H": 2}
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# One seeded account in this many missed its latest instalment due, so arrears exist in tests and the demo.
ARREARS_EVERY = 10


@dataclass(frozen=True)
class SyntheticRegister:
    properties: tuple[RegisterProperty, ...]
    accounts: tuple[ExistingAccount, ...]

    def vacant(self) -> list[RegisterProperty]:
        occupied = {a.uprn for a in self.accounts}
        return [p for p in self.properties if p.uprn not in occupied]

    def occupied(self) -> list[tuple[RegisterProperty, ExistingAccount]]:
        by_uprn = {p.uprn: p for p in self.properties}
        return [(by_uprn[a.uprn], a) for a in self.accounts]


def generate_register(
    rules: CouncilRules, *, properties: int = 2000, occupied_share: float = 0.8, seed: int = 2026,
    as_of: date, account_ref_prefix: str = "",
) -> SyntheticRegister:
    """Generate ``properties`` dwellings, about ``occupied_share`` of them with an open account."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    owners = random.Random(seed + 1)  # noqa: S311 - its own draws, so the rest of the register stays as it was
    props: list[RegisterProperty] = []
    accounts: list[ExistingAccount] = []
    street_no = 0
    while len(props) < properties:
        street = STREETS[street_no % len(STREETS)]
        town = TOWNS[(street_no // len(STREETS)) % len(TOWNS)]
        district = 1 + street_no % 9
        for number in range(1, rng.randint(8, 40) + 1):
            if len(props) >= properties:
                break
            if number % 12 == 1:
                postcode = (f"ZY{district} {rng.randint(1, 9)}"
                            f"{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}")
            index = len(props)
            flat = rng.random() < 0.15
            props.append(RegisterProperty(
                uprn=str(FIRST_UPRN + index),
                property_ref=f"P{index + 1:07d}",
                address_line_1=f"Flat {rng.randint(1, 6)}, {number} {street}" if flat else f"{number} {street}",
                address_line_2=None,
                town=town,
                postcode=postcode,
                band=rng.choices(tuple(BAND_WEIGHTS), weights=tuple(BAND_WEIGHTS.values()))[0],
                owner_name=_owner(owners),
            ))
        street_no += 1
    for index, prop in enumerate(props):
        if rng.random() >= occupied_share:
            continue
        accounts.append(_existing_account(rng, rules, prop, index, as_of, account_ref_prefix))
    return SyntheticRegister(tuple(props), tuple(accounts))


def _owner(rng: random.Random) -> str:
    if rng.random() < RENTED_SHARE:
        return rng.choice(LANDLORDS)
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _payments(plan: tuple[Instalment, ...], as_of: date, *, in_arrears: bool) -> tuple[PaymentRow, ...]:
    """One payment on each instalment's due day up to ``as_of``; an account ``in_arrears`` missed the latest."""
    due = [i for i in plan if i.due_date <= as_of]
    if in_arrears and due:
        due = due[:-1]
    return tuple(PaymentRow(i.financial_year, i.due_date, i.amount_pence) for i in due)


def seeded_account_ref(prefix: str, index: int) -> str:
    # Seeded accounts number from 500,000,000 so they never meet the ones the processor opens.
    return f"{prefix}{500_000_000 + index:09d}"


def _existing_account(
    rng: random.Random, rules: CouncilRules, prop: RegisterProperty, index: int, as_of: date, prefix: str
) -> ExistingAccount:
    year = financial_year_of(as_of)
    start = as_of - timedelta(days=rng.randint(120, 15 * 365))
    single = rng.random() < 0.35
    surname = rng.choice(SURNAMES)
    people = [f"{rng.choice(FIRST_NAMES)} {surname}"]
    if not single:
        people.append(f"{rng.choice(FIRST_NAMES)} {rng.choice((surname, rng.choice(SURNAMES)))}")
    discount = SINGLE_PERSON if single else NO_DISCOUNT
    lines = charge_lines(max(start, year.start), year.end, prop.band, discount, rules)
    total = sum(line.charge_pence for line in lines)
    plan = instalment_plan(total, year, year.start - timedelta(days=30), rules.payment_day)
    return ExistingAccount(
        account_ref=seeded_account_ref(prefix, index),
        uprn=prop.uprn,
        liability_start=start,
        liable_persons=tuple(people),
        discount_code=discount.code,
        discount_percent=discount.percent,
        payments=_payments(plan, as_of, in_arrears=index % ARREARS_EVERY == ARREARS_EVERY - 1),
        charges=tuple(ChargeRow(**line.model_dump()) for line in lines),
        instalments=tuple(InstalmentRow(**i.model_dump()) for i in plan),
    )
