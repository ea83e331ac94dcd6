"""What every form in the clinic shares: bounded dates, capped emails, local wall-clock
times turned into instants (DST-safe), a date picker, and the service's errors shown on the form.

The rules are clinic/params.py's, so a page refuses exactly what the API refuses."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError

from clinic.errors import Conflict
from clinic.params import (
    EARLIEST_DAY,
    EMAIL_MAX_LENGTH,
    LATEST_DAY,
    BadValue,
    NonexistentLocalTime,
    check_day,
    local_instant,
)


class EmailField(forms.EmailField):
    """An email address no longer than the database keeps (User.email and django-axes' username
    columns): a longer one is a form error, not a DataError."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", EMAIL_MAX_LENGTH)
        super().__init__(**kwargs)


class BoundedDateField(forms.DateField):
    """A date within the days the clinic's diary can hold (EARLIEST_DAY..LATEST_DAY by default):
    year 1 or 9999 would overflow the date arithmetic of the pages that show it."""

    def __init__(self, *, earliest: date = EARLIEST_DAY, latest: date = LATEST_DAY, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.earliest, self.latest = earliest, latest

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is not None:
            try:
                check_day(value, self.label or "date", earliest=self.earliest, latest=self.latest)
            except BadValue as exc:
                raise ValidationError(exc.message, code="out_of_range") from None


def local_start(
    form: forms.Form, *, day: date, at: time, zone: ZoneInfo, later: bool = False, field: str = "time"
) -> datetime | None:
    """The UTC instant of a date and time a person typed in a location's wall-clock time, or None
    with an error on `field` when the clocks skip that time. In UTC, so adding the visit's length
    adds real minutes (never wall-clock ones) on the night the clocks go back."""
    try:
        return local_instant(day, at, zone, later=later)
    except NonexistentLocalTime as exc:
        form.add_error(field, f"{exc} Choose another time.")
        return None


class DateInput(forms.DateInput):
    """A native date picker. Its value must be ISO (YYYY-MM-DD) whatever the site's locale, or
    the browser shows it empty and a returning patient's date of birth is lost."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 - Django's own argument name
        super().__init__(attrs, format=format or "%Y-%m-%d")


class ServiceErrorsMixin:
    """Forms validate what a person typed; services validate the rest (and refuse races). A
    service's ValidationError goes beside the fields it names, anything else (a Conflict, an error
    naming no field of this form, or one of `top_level_fields`) at the top of the form."""

    top_level_fields: tuple[str, ...] = ()

    def add_service_errors(self, exc: ValidationError | Conflict) -> None:
        if isinstance(exc, Conflict):
            self.add_error(None, exc.message)  # type: ignore[attr-defined]
            return
        errors: dict[Any, list[str]] = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        fields = self.fields  # type: ignore[attr-defined]
        for field, messages in errors.items():
            target = field if field in fields and field not in self.top_level_fields else None
            for message in messages:
                self.add_error(target, message)  # type: ignore[attr-defined]
