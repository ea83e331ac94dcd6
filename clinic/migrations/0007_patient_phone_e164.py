"""Patients' phone numbers as E.164, read in the country of a location they are known at (the
clinic's default otherwise). A value that cannot be read as a phone number is kept in
`phone_unchecked`, which reception sees flagged, and the number itself is left empty, so that no
text message or tel: link goes to "call me maybe"."""

import phonenumbers
import clinic.phones
from django.conf import settings
from django.db import migrations, models


def to_e164(apps, schema_editor):
    Patient = apps.get_model("clinic", "Patient")
    default = getattr(settings, "PHONENUMBER_DEFAULT_REGION", "GB")
    for patient in Patient.objects.exclude(phone="").prefetch_related("locations"):
        regions = [location.country for location in patient.locations.all() if location.country] or [default]
        raw = str(patient.phone).strip()
        e164 = None
        for region in regions:
            try:
                number = phonenumbers.parse(raw, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                break
        if e164:
            Patient.objects.filter(pk=patient.pk).update(phone=e164, phone_unchecked="")
        else:
            Patient.objects.filter(pk=patient.pk).update(phone="", phone_unchecked=raw[:40])


def back(apps, schema_editor):
    Patient = apps.get_model("clinic", "Patient")
    for patient in Patient.objects.exclude(phone_unchecked=""):
        Patient.objects.filter(pk=patient.pk).update(phone=patient.phone_unchecked)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0006_location_country_subdivision")]

    operations = [
        migrations.AddField(model_name="patient", name="phone_unchecked", field=models.CharField(blank=True, max_length=40)),
        migrations.RunPython(to_e164, back),
        migrations.AlterField(
            model_name="patient",
            name="phone",
            field=clinic.phones.ClinicPhoneNumberField(blank=True, max_length=128, region=None),
        ),
    ]
