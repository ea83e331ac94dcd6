"""The encrypted model fields (clinic/fields.py), without the database: exact round trips, and
loud failures where the library underneath would quietly return the wrong thing."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic.fields import DecryptionError
from intake.models import Intake, Review

KEY_A, KEY_B = Fernet.generate_key().decode(), Fernet.generate_key().decode()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=25,
)


def stored(field, value):
    """What the database column receives, and what the model gets back from it."""
    raw = field.get_db_prep_save(value, connection=None)
    return raw, field.from_db_value(raw, None, None)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_json_comes_back_exactly_as_it_went_in(value):
    raw, back = stored(Intake._meta.get_field("answers"), value)
    assert back == value
    # `==` says 1 == 1.0 == True: the types must survive too (False must not come back as "False").
    assert repr(back) == repr(value)
    # None at the top is SQL NULL (as for Django's JSONField); anything else is a Fernet token.
    assert raw is None if value is None else raw.startswith("gAAAAA")


def test_booleans_stay_booleans_where_the_librarys_json_field_would_stringify_them():
    field = Intake._meta.get_field("answers")
    _, back = stored(field, {"PREG": False, "weight_stable": True, "hsv": None, "height_cm": 170})
    assert back == {"PREG": False, "weight_stable": True, "hsv": None, "height_cm": 170}
    assert back["PREG"] is False


@given(st.text())
def test_text_comes_back_exactly_and_never_in_the_clear(text):
    raw, back = stored(Review._meta.get_field("notes"), text)
    assert back == text
    if text:
        assert raw.startswith("gAAAAA")  # a Fernet token (version byte, timestamp), not the text


def test_an_empty_note_is_stored_empty_not_null_and_none_stays_null():
    field = Review._meta.get_field("notes")
    assert stored(field, "") == ("", "")
    assert stored(field, None) == (None, None)


def test_the_same_text_encrypts_differently_each_time():
    field = Review._meta.get_field("notes")
    assert field.get_db_prep_save("INR stable", None) != field.get_db_prep_save("INR stable", None)


def test_a_value_no_key_opens_fails_loudly_instead_of_showing_ciphertext():
    field = Review._meta.get_field("notes")
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        raw = field.get_db_prep_save("Discussed bruising", None)
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]), pytest.raises(DecryptionError, match="intake_review.notes"):
        field.from_db_value(raw, None, None)
    # Plain text left over from before encryption is refused too (and not echoed in the error).
    with pytest.raises(DecryptionError) as error:
        Intake._meta.get_field("answers").from_db_value('{"medications": ["Eliquis"]}', None, None)
    assert "Eliquis" not in str(error.value)


def test_the_first_key_encrypts_and_every_key_decrypts():
    field = Review._meta.get_field("notes")
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        old = field.get_db_prep_save("Old note", None)
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        new = field.get_db_prep_save("New note", None)
        assert field.from_db_value(old, None, None) == "Old note"
    assert Fernet(KEY_B).decrypt(new.encode()) == b"New note"
