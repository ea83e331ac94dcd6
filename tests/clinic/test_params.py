"""The one way of reading what a person typed (clinic/params.py): what each reader takes and what
it refuses, in words that name the field."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.http import QueryDict

from clinic.params import MAX_ID, BadValue, Query, to_date, to_id, to_instant, to_slug, to_text, to_token


@pytest.mark.parametrize(
    "raw", ["²", "٣", "1²", "0", "-1", "1.0", "1e3", str(MAX_ID + 1), "9" * 30, "", "a\x00b", True]
)
def test_an_id_is_ascii_digits_within_the_databases_integer(raw):
    with pytest.raises(BadValue) as refused:
        to_id(raw, "practitioner")
    assert refused.value.field == "practitioner" and "is not an id" in refused.value.message


@pytest.mark.parametrize(("raw", "value"), [("7", 7), (" 12 ", 12), (str(MAX_ID), MAX_ID), (42, 42)])
def test_an_id_is_read(raw, value):
    assert to_id(raw, "id") == value


@pytest.mark.parametrize("raw", ["a\x00b", "face neck", "é", "x" * 51, "", 5])
def test_a_slug_is_its_characters_and_length(raw):
    with pytest.raises(BadValue):
        to_slug(raw, "area")


@pytest.mark.parametrize("raw", ["a\x00b.ics", "a/b", "", "x" * 65])
def test_a_token_is_url_safe_characters(raw):
    with pytest.raises(BadValue):
        to_token(raw, "token")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("2026-02-30", "is not a date"),
        ("2026-2-3", "is not a date"),
        ("²⁰²⁶-01-01", "is not a date"),
        ("0001-01-01", "Choose a date from 1 January 2000 to 31 December 2100."),
        ("9999-12-31", "Choose a date from 1 January 2000"),
    ],
)
def test_a_date_exists_and_lies_within_the_diarys_years(raw, words):
    with pytest.raises(BadValue, match=words):
        to_date(raw, "date")


def test_a_date_is_read():
    assert to_date(" 2026-12-01 ", "date") == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("2026-12-01T10:00:00", "with its UTC offset"),
        ("2026-02-30T10:00:00+00:00", "is not a time"),
        ("9999-12-31T23:00:00-05:00", "between 2000 and 2100"),
        ("2026-12-01T10:00:00\x00+00:00", "is not a time"),
        (1764583200, "is not a time"),
    ],
)
def test_an_instant_has_its_offset_and_exists(raw, words):
    with pytest.raises(BadValue, match=words):
        to_instant(raw, "start")


def test_an_instant_is_read_in_utc():
    assert to_instant("2026-07-01T11:00:00+01:00", "start") == datetime(2026, 7, 1, 10, tzinfo=UTC)
    assert to_instant("2026-07-01T10:00:00Z", "start").tzinfo is UTC


def test_text_refuses_what_cannot_be_stored_and_what_is_too_long():
    with pytest.raises(BadValue, match="cannot be stored"):
        to_text("a\x00b", "reason", max_length=300)
    with pytest.raises(BadValue, match="Keep this to 3 characters"):
        to_text("four", "reason", max_length=3)
    with pytest.raises(BadValue, match="as text"):
        to_text(-517, "reason", max_length=300)
    assert to_text("  line one\nline two\t ", "note", max_length=300) == "line one\nline two"


def test_a_query_leaves_a_bad_value_out_and_says_why():
    query = Query(QueryDict("practitioner=%C2%B2&date=2026-02-30&area=face&room=&time=25:61"))
    assert (query.id("practitioner"), query.date("date"), query.slug("area"), query.id("room")) == (
        None,
        None,
        "face",
        None,
    )
    assert query.time("time") is None
    assert set(query.errors) == {"practitioner", "date", "time"}  # an empty value is not a mistake here
    assert "“²” is not an id" in query.errors["practitioner"]
