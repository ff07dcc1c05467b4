"""Property-based tests: random and malformed input to the decoder and the validators gets a clear error
of the expected type, never a crash or a half-read event."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from schemas.codec import MAGIC, DecodeError, shared_codec
from schemas.formats import clean_email, clean_name, clean_phone, normalise_postcode, normalise_uprn
from schemas.notification import ChangeNotification, NotificationRequest
from tests.builders import move_in, move_out, move_within, notification

codec = shared_codec()
VALID = [codec.encode(notification(change)) for change in (move_in(), move_out(), move_within())]


@given(st.binary(max_size=400))
def test_random_bytes_are_refused_with_a_decode_error(data: bytes) -> None:
    with contextlib.suppress(DecodeError):
        codec.decode(data, ChangeNotification)


@given(st.sampled_from(VALID), st.data())
@settings(max_examples=150)
def test_corrupted_events_are_refused_or_read_as_a_valid_notification(original: bytes, data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=0, max_value=len(original) - 1))
    replacement = data.draw(st.integers(min_value=0, max_value=255))
    cut = data.draw(st.integers(min_value=position, max_value=len(original)))
    corrupted = original[:position] + bytes([replacement]) + original[position + 1:cut]
    try:
        decoded = codec.decode(corrupted, ChangeNotification)
    except DecodeError:
        return
    assert isinstance(decoded, ChangeNotification)  # whatever was read passed every business rule


@given(st.binary(min_size=0, max_size=200))
def test_anything_after_a_known_header_is_refused_or_read(body: bytes) -> None:
    with contextlib.suppress(DecodeError):
        codec.decode(VALID[0][:10] + body, ChangeNotification)


def test_the_marker_alone_is_not_an_event() -> None:
    with pytest.raises(DecodeError, match="single-object"):
        codec.decode(MAGIC, ChangeNotification)


@given(st.text(max_size=40))
def test_postcodes_are_normalised_or_refused(raw: str) -> None:
    try:
        clean = normalise_postcode(raw)
    except ValueError:
        return
    assert clean == clean.strip().upper()
    assert clean.count(" ") == 1
    assert len(clean) <= 8


@given(st.text(max_size=30))
def test_uprns_are_normalised_or_refused(raw: str) -> None:
    try:
        clean = normalise_uprn(raw)
    except ValueError:
        return
    assert clean.isdigit()
    assert 1 <= len(clean) <= 12


@given(st.text(max_size=150))
def test_names_emails_and_phones_never_keep_control_characters(raw: str) -> None:
    for clean in (clean_name, clean_email, clean_phone):
        try:
            value = clean(raw)
        except ValueError:
            continue
        assert value.isprintable()
        assert len(value) <= 254


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.sampled_from(["contact", "change", "council_code", "x"]), json_values, max_size=4))
def test_arbitrary_json_is_a_validation_error_not_a_crash(body: dict[str, Any]) -> None:
    with contextlib.suppress(ValidationError):
        NotificationRequest.model_validate(body)
