"""Serializer fields for the API, built on clinic/params.py's rules so that the API refuses what the
pages refuse, with a 400 naming the field.

DRF's own fields are lenient where the clinic cannot be: a CharField turns -517 into "-517", a
DateField takes year 9999 (whose arithmetic overflows), and an empty query value (`?start=`)
counts as "not given" instead of as a mistake."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rest_framework import serializers

from clinic.params import EARLIEST_DAY, EMAIL_MAX_LENGTH, LATEST_DAY, BadValue, check_day, to_instant


class TextField(serializers.CharField):
    """Text, and only text: a number or a list where words belong is a 400, not silently str()-ed."""

    default_error_messages = {"not_text": "Give this as text (a JSON string)."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class EmailField(serializers.EmailField):
    """An email address no longer than User.email (254) and django-axes' username column (255)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", EMAIL_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class _QueryValueMixin:
    """In a URL's query, `?start=` is a value (an empty one, so a mistake), not a missing parameter."""

    def get_value(self, dictionary: Any) -> Any:
        if hasattr(dictionary, "getlist") and self.field_name in dictionary:  # type: ignore[attr-defined]
            return dictionary.get(self.field_name)  # type: ignore[attr-defined]
        return super().get_value(dictionary)  # type: ignore[misc]


class DateField(_QueryValueMixin, serializers.DateField):
    """A date within EARLIEST_DAY..LATEST_DAY, written YYYY-MM-DD; empty is a mistake, not "none"."""

    default_error_messages = {"blank": "Give a date like 2026-12-01, or leave the parameter out."}

    def __init__(self, *, earliest: date = EARLIEST_DAY, latest: date = LATEST_DAY, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.earliest, self.latest = earliest, latest

    def to_internal_value(self, value: Any) -> date:
        if isinstance(value, str) and not value.strip():
            self.fail("blank")
        day = super().to_internal_value(value)
        try:
            return check_day(day, self.field_name, earliest=self.earliest, latest=self.latest)
        except BadValue as exc:
            raise serializers.ValidationError(exc.message, code="out_of_range") from None


class AwareDateTimeField(_QueryValueMixin, serializers.DateTimeField):
    """An instant: ISO 8601 with its offset (a time without one is refused, not guessed), within
    the diary's years, returned in UTC."""

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, datetime):
            value = value.isoformat()
        try:
            return to_instant(value, self.field_name)
        except BadValue as exc:
            raise serializers.ValidationError(exc.message, code="invalid") from None
