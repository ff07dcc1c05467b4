"""Notification ids are version-4 UUIDs; references are CTX- and eight characters no one mishears."""

from __future__ import annotations

import os
import re
import uuid
from collections import Counter

from web.intake.references import _reference_from, new_identity, new_notification_id, new_reference

REFERENCE = re.compile(r"CTX-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


def test_an_identity_is_a_version_4_uuid_and_a_reference() -> None:
    notification_id, reference = new_identity()
    parsed = uuid.UUID(notification_id)
    assert str(parsed) == notification_id
    assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
    assert REFERENCE.fullmatch(reference)
    assert REFERENCE.fullmatch(new_reference())
    assert uuid.UUID(new_notification_id()).version == 4


def test_identities_do_not_repeat_and_every_character_of_the_alphabet_turns_up() -> None:
    identities = [new_identity() for _ in range(4000)]
    assert len({i for i, _ in identities}) == len({r for _, r in identities}) == 4000
    characters = Counter(c for _, reference in identities for c in reference[4:].replace("-", ""))
    assert sorted(characters) == sorted("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert min(characters.values()) > 32_000 / 32 * 0.8  # about uniform: 1,000 each expected


def test_a_forked_process_never_hands_out_the_identities_its_parent_will() -> None:
    new_identity()  # the pool now holds bytes the parent has not handed out yet
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe and leaves at once
        os.write(writing, "|".join(new_identity()).encode())
        os._exit(0)
    os.close(writing)
    os.waitpid(child, 0)
    with os.fdopen(reading) as pipe:
        childs = tuple(pipe.read().split("|"))
    parents = new_identity()
    assert childs[0] != parents[0]
    assert childs[1] != parents[1]


def test_a_reference_reads_its_forty_bits_five_at_a_time_from_the_top() -> None:
    assert _reference_from(bytes(5)) == "CTX-0000-0000"
    assert _reference_from(b"\xff" * 5) == "CTX-ZZZZ-ZZZZ"
    # 00001 00010 00011 00100 00101 00110 00111 01000: the characters 1 to 8
    assert _reference_from((0b0000100010000110010000101001100011101000).to_bytes(5, "big")) == "CTX-1234-5678"
