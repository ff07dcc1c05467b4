from processors.rules.discounts import discount_for
from schemas.notification import DisregardReason, Resident


def people(*disregards: DisregardReason | None) -> list[Resident]:
    return [Resident(full_name=f"Person {chr(65 + i)}", disregard=d) for i, d in enumerate(disregards)]


def test_one_adult_who_counts_gets_single_person_discount() -> None:
    assert discount_for(people(None)).percent == 25
    assert discount_for(people(None, DisregardReason.FULL_TIME_STUDENT)).code == "SPD"


def test_two_adults_who_count_get_no_discount() -> None:
    assert discount_for(people(None, None)).percent == 0


def test_only_students_make_the_dwelling_exempt_class_n() -> None:
    exempt = discount_for(people(DisregardReason.FULL_TIME_STUDENT, DisregardReason.STUDENT_NURSE))
    assert (exempt.code, exempt.percent) == ("EXN", 100)


def test_nobody_counting_but_not_all_students_is_half() -> None:
    assert discount_for(people(DisregardReason.CARER)).percent == 50
    assert discount_for(people(DisregardReason.FULL_TIME_STUDENT, DisregardReason.CARER)).percent == 50
