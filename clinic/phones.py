"""Phone numbers: read as people type them, kept as E.164 (+447700900123), shown as people write
them. The region a number is read in is the location's country (a receptionist in Dublin types
Irish numbers); online, without a location, the clinic's (PHONENUMBER_DEFAULT_REGION).

`tel:` links and text messages use the E.164 form, which works from any phone.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from phonenumber_field.modelfields import PhoneNumberField

INVALID = "Enter a phone number we can call, such as 07700 900123 or +44 7700 900123."


def default_region() -> str:
    return getattr(settings, "PHONENUMBER_DEFAULT_REGION", "GB")


def region_of(location: Any) -> str:
    """The region numbers typed for a location are read in: its country."""
    return getattr(location, "country", "") or default_region()


def phone_parse(text: str, *, region: str | None = None) -> str | None:
    """The E.164 form of `text`, or None when it is not a possible, valid number."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, region or default_region())
    except phonenumbers.NumberParseException:
        return None
    if not (phonenumbers.is_valid_number(number) or _drama(number)):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _drama(number: phonenumbers.PhoneNumber) -> bool:
    """Ofcom keeps 07700 900000-900999 for drama and tests (no one can own one): the phonenumbers
    data calls them invalid, but demo and test patients use them so that no message could ever
    reach a real person."""
    national = str(number.national_number)
    return number.country_code == 44 and len(national) == 10 and national.startswith("7700900")


def phone_normalise(text: str, *, region: str | None = None, field: str = "phone") -> str:
    """E.164, "" for no number, or a ValidationError naming the field."""
    if not (text or "").strip():
        return ""
    e164 = phone_parse(text, region=region)
    if e164 is None:
        raise ValidationError({field: INVALID})
    return e164


def phone_text(value: Any) -> str:
    """How people write it: nationally for the clinic's own country, internationally otherwise."""
    e164 = phone_parse(str(value or ""), region=default_region())
    if e164 is None:
        return str(value or "")
    number = phonenumbers.parse(e164)
    same = number.country_code == phonenumbers.country_code_for_region(default_region())
    style = phonenumbers.PhoneNumberFormat.NATIONAL if same else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def phone_e164(value: Any) -> str:
    return phone_parse(str(value or "")) or ""


class PhoneFormField(forms.CharField):
    """A phone number as typed, cleaned to E.164 in `region` (set per form: the location's)."""

    widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})

    def __init__(self, *, region: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.region = region

    def prepare_value(self, value: Any) -> Any:
        return phone_text(value) if value else value

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        e164 = phone_parse(text, region=self.region)
        if e164 is None:
            raise ValidationError(INVALID, code="invalid_phone")
        return e164


def validate_phone(value: Any) -> None:
    if str(value or "") and phone_parse(str(value)) is None:
        raise ValidationError(INVALID, code="invalid_phone")


class ClinicPhoneNumberField(PhoneNumberField):
    """django-phonenumber-field's model field (E.164 in a varchar), checked by the clinic's own
    rule (phone_parse: Ofcom's drama numbers allowed) and edited, in the admin too, with
    PhoneFormField."""

    default_validators = [validate_phone]

    def get_prep_value(self, value: Any) -> Any:
        """E.164 whenever the clinic's rule reads it (the library stores its own "invalid" drama
        numbers as typed); anything else as it is, which validation refuses on the way in."""
        text = str(value or "")
        return (phone_parse(text, region=self.region) or text) if text else text

    def formfield(self, **kwargs: Any) -> forms.Field:
        return PhoneFormField(
            label=kwargs.get("label") or capfirst(self.verbose_name),
            required=not self.blank,
            help_text=self.help_text,
        )
