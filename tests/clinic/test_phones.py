"""Phone numbers are checked, stored as E.164 and read in the location's country."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from clinic.models import Patient
from clinic.phones import phone_parse, phone_text
from tests.factories import LocationFactory, PatientFactory

migration = importlib.import_module("clinic.migrations.0007_patient_phone_e164")


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("07911 123456", "GB", "+447911123456"),
        ("+44 (0)7911 123456", "GB", "+447911123456"),
        ("020 7946 0999", "GB", "+442079460999"),
        ("087 123 4567", "IE", "+353871234567"),  # a Dublin location reads Irish numbers
        ("+33 1 42 68 53 00", "GB", "+33142685300"),  # an international number whatever the region
        ("07700 900123", "GB", "+447700900123"),  # Ofcom's drama range: nobody's number, allowed
        ("call me maybe", "GB", None),
        ("12345", "GB", None),
        ("07911 12345", "GB", None),  # a digit short
        ("", "GB", None),
    ],
)
def test_numbers_are_read_in_the_region_and_kept_as_e164(typed, region, stored):
    assert phone_parse(typed, region=region) == stored


def test_numbers_are_shown_as_people_write_them():
    assert phone_text("+447911123456") == "07911 123456"
    assert phone_text("+353871234567") == "+353 87 123 4567"
    assert phone_text("") == ""


@pytest.mark.django_db
def test_the_model_stores_e164_and_refuses_what_is_not_a_number():
    patient = PatientFactory(phone="07911 123456")
    patient.refresh_from_db()
    assert str(patient.phone) == "+447911123456"
    patient.phone = "call me maybe"
    with pytest.raises(Exception) as refused:
        patient.full_clean()
    assert "phone" in refused.value.message_dict


@pytest.mark.django_db
def test_the_migration_converts_numbers_keeping_what_cannot_be_read_for_reception():
    dublin = LocationFactory(country="IE", subdivision="")
    london, irish, broken, empty = (PatientFactory(phone="") for _ in range(4))
    irish.locations.add(dublin)
    with connection.cursor() as cursor:  # values as the old free-text column held them
        for patient, value in ((london, "020 7946 0999"), (irish, "087 123 4567"), (broken, "call me maybe")):
            cursor.execute("UPDATE clinic_patient SET phone = %s WHERE id = %s", [value, patient.pk])
    migration.to_e164(apps, None)
    rows = {p.pk: (str(p.phone), p.phone_unchecked) for p in Patient.objects.all()}
    assert rows[london.pk] == ("+442079460999", "")
    assert rows[irish.pk] == ("+353871234567", "")
    assert rows[broken.pk] == ("", "call me maybe")  # kept, flagged; never texted or dialled
    assert rows[empty.pk] == ("", "")
