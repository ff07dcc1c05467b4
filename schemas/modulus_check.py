"""UK bank account modulus checking: the published algorithm of Vocalink's (Pay.UK's) "Validating account
numbers" specification, with its exceptions 1 to 14.

The weight table (``valacdos.txt``) and sort code substitution table (``scsubtab.txt``) are Vocalink's; they
change several times a year, so a council downloads the current ones and names their folder in its settings
(``CTAX_MODULUS_TABLES_DIR``): this module only reads them. A sort code the table does not cover cannot be
checked and is taken as valid, as the specification says.

Positions follow the specification: the sort code is ``u v w x y z`` and the eight-digit account number
``a b c d e f g h``; each rule of the table weights those fourteen digits (``U`` to ``H`` index them, so the
account number's own digits are at ``C - A`` and so on).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

U, V, W, X, Y, Z, A, B, C, D, E, F, G, H = range(14)
# Exception 2: the weights that replace the row's when a != 0 (g != 9, or g == 9).
EXCEPTION_2_WEIGHTS = (0, 0, 1, 2, 5, 3, 6, 4, 8, 7, 10, 9, 3, 1)
EXCEPTION_2_G9_WEIGHTS = (0, 0, 0, 0, 0, 0, 0, 0, 8, 7, 10, 9, 3, 1)
EXCEPTION_8_SORT_CODE = "090126"
EXCEPTION_9_SORT_CODE = "309634"
EXCEPTION_1_ADDED = 27


class Method(StrEnum):
    MOD10 = "MOD10"
    MOD11 = "MOD11"
    DBLAL = "DBLAL"


class ModulusTableError(ValueError):
    """A line of a modulus table is not in Vocalink's layout."""


@dataclass(frozen=True)
class WeightRule:
    """One line of ``valacdos.txt``: a sort code range, the method, fourteen weights and any exception."""

    start: str
    end: str
    method: Method
    weights: tuple[int, ...]
    exception: int | None = None

    def covers(self, sort_code: str) -> bool:
        return self.start <= sort_code <= self.end


@dataclass(frozen=True)
class ModulusTables:
    rules: tuple[WeightRule, ...]
    substitutions: dict[str, str]

    def rules_for(self, sort_code: str) -> list[WeightRule]:
        return [rule for rule in self.rules if rule.covers(sort_code)]

    def is_valid(self, sort_code: str, account_number: str) -> bool:
        """Whether an eight-digit account number passes the modulus checks of its six-digit sort code."""
        return is_valid(self, sort_code, account_number)


def parse_weight_table(lines: Iterable[str]) -> tuple[WeightRule, ...]:
    rules = []
    for number, line in enumerate(lines, start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) not in (17, 18):
            raise ModulusTableError(f"weight table line {number}: expected 17 or 18 fields, found {len(parts)}")
        try:
            rules.append(WeightRule(parts[0], parts[1], Method(parts[2]), tuple(int(p) for p in parts[3:17]),
                                    int(parts[17]) if len(parts) == 18 else None))
        except ValueError as error:
            raise ModulusTableError(f"weight table line {number}: {error}") from None
    return tuple(rules)


def parse_substitutions(lines: Iterable[str]) -> dict[str, str]:
    pairs = [line.split() for line in lines if line.strip()]
    if any(len(pair) != 2 for pair in pairs):
        raise ModulusTableError("each sort code substitution line holds two sort codes")
    return {pair[0]: pair[1] for pair in pairs}


def load_tables(folder: Path) -> ModulusTables:
    """Read ``valacdos.txt`` and ``scsubtab.txt`` from the folder a council configured."""
    with (folder / "valacdos.txt").open(encoding="ascii") as weights, \
            (folder / "scsubtab.txt").open(encoding="ascii") as substitutions:
        return ModulusTables(parse_weight_table(weights), parse_substitutions(substitutions))


def _digits(sort_code: str, account_number: str) -> list[int]:
    return [int(c) for c in sort_code + account_number]


def _total(method: Method, digits: Sequence[int], weights: Sequence[int]) -> int:
    products = [d * w for d, w in zip(digits, weights, strict=True)]
    if method is Method.DBLAL:  # the digits of each product are added, not the products
        return sum(sum(int(c) for c in str(p)) for p in products)
    return sum(products)


def _modulus(method: Method) -> int:
    return 11 if method is Method.MOD11 else 10


def _standard(rule: WeightRule, sort_code: str, account: str) -> bool:
    """One check of a rule, with the exceptions that change how that one check is made."""
    digits = _digits(sort_code, account)
    weights = list(rule.weights)
    if rule.exception == 7 and digits[G] == 9:  # zeroise u to b
        weights[:B + 1] = [0] * (B + 1)
    if rule.exception == 10 and digits[A] * 10 + digits[B] in (9, 99) and digits[G] == 9:
        weights[:B + 1] = [0] * (B + 1)
    if rule.exception == 2 and digits[A] != 0:
        weights = list(EXCEPTION_2_G9_WEIGHTS if digits[G] == 9 else EXCEPTION_2_WEIGHTS)
    total = _total(rule.method, digits, weights)
    if rule.exception == 1:
        total += EXCEPTION_1_ADDED
    remainder = total % _modulus(rule.method)
    if rule.exception == 4:  # the remainder must equal the two-digit check number gh
        return remainder == digits[G] * 10 + digits[H]
    if rule.exception == 5:
        return _exception_5(rule.method, remainder, digits)
    return remainder == 0


def _exception_5(method: Method, remainder: int, digits: Sequence[int]) -> bool:
    """Exception 5: the first (modulus 11) check's digit is g, the second (double alternate) check's is h."""
    if method is Method.MOD11:
        if remainder == 1:
            return False
        return digits[G] == (0 if remainder == 0 else 11 - remainder)
    return digits[H] == (0 if remainder == 0 else 10 - remainder)


def _exception_14(rule: WeightRule, sort_code: str, account: str) -> bool:
    """Exception 14: a failing account ending 0, 1 or 9 is checked again without that digit, shifted right."""
    if _standard(rule, sort_code, account):
        return True
    if account[H - A] not in "019":
        return False
    return _standard(rule, sort_code, "0" + account[:H - A])


def is_valid(tables: ModulusTables, sort_code: str, account_number: str) -> bool:
    """Whether an eight-digit account number passes the modulus checks of its six-digit sort code."""
    rules = tables.rules_for(sort_code)
    if not rules:
        return True  # the specification: a sort code the table does not cover cannot be checked
    first, second = rules[0], rules[1] if len(rules) > 1 else None
    digits = _digits(sort_code, account_number)
    if first.exception == 6 and digits[A] in (4, 5, 6, 7, 8) and digits[G] == digits[H]:
        return True  # a foreign currency account: it cannot be checked
    checked_code = sort_code
    if first.exception == 5:
        checked_code = tables.substitutions.get(sort_code, sort_code)
    if first.exception == 8:
        checked_code = EXCEPTION_8_SORT_CODE
    passed = (_exception_14(first, checked_code, account_number) if first.exception == 14
              else _standard(first, checked_code, account_number))
    if second is None:
        return passed
    return _with_second(first, second, passed, checked_code, account_number)


def _with_second(first: WeightRule, second: WeightRule, passed: bool, sort_code: str, account: str) -> bool:
    if first.exception == 2 and second.exception == 9:
        return passed or _standard(second, EXCEPTION_9_SORT_CODE, account)
    if first.exception in (10, 12):  # 10 & 11, 12 & 13: one passing check is enough
        return passed or _standard(second, sort_code, account)
    if second.exception == 3 and account[C - A] in "69":
        return passed  # exception 3: the double alternate check is not made
    return passed and _standard(second, sort_code, account)

