"""What every form in the clinic shares: a date picker, and the service's errors shown on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from clinic.errors import Conflict


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
