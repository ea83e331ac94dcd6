from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from clinic.accounts.services import date_of_birth_errors
from clinic.forms import DateInput, EmailField, ServiceErrorsMixin
from clinic.models import Patient
from clinic.params import EMAIL_MAX_LENGTH
from clinic.phones import PhoneFormField, phone_text


class _AdultDateOfBirth:
    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        errors = date_of_birth_errors(value, today=timezone.localdate())
        if errors:
            raise forms.ValidationError(errors)
        return value


class RegistrationForm(ServiceErrorsMixin, _AdultDateOfBirth, forms.Form):
    email = EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label="Choose a password",
        help_text="At least 10 characters, not a common password, and not only numbers.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    first_name = forms.CharField(
        label="First name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    date_of_birth = forms.DateField(label="Date of birth", widget=DateInput(attrs={"autocomplete": "bday"}))
    phone = PhoneFormField(label="Mobile phone")


class PatientDetailsForm(_AdultDateOfBirth, forms.Form):
    """The details a returning patient confirms (a plain form: the service does the saving)."""

    first_name = forms.CharField(
        label="First name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    date_of_birth = forms.DateField(label="Date of birth", widget=DateInput(attrs={"autocomplete": "bday"}))
    phone = PhoneFormField(label="Mobile phone")

    @classmethod
    def for_patient(cls, patient: Patient | None, data: Any = None) -> PatientDetailsForm:
        initial = {}
        if patient is not None:
            initial = {
                field: getattr(patient, field) for field in ("first_name", "last_name", "date_of_birth", "phone")
            }
            initial["phone"] = phone_text(patient.phone) or patient.phone_unchecked
        return cls(data, initial=initial)


class SignInForm(forms.Form):
    email = EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class ClinicAuthenticationForm(AuthenticationForm):
    """The sign-in page's form. Django sets the username's max_length only after the field is
    built, so no validator enforces it: a 300-character address reached django-axes, whose
    username column is varchar(255) (a DataError). Too long is a form error here instead."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))
