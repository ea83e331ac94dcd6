"""Bookings now tells intake what it needs instead of intake reading bookings' tables.

Fills, for the rows that exist, what bookings records from now on as it books:
- `Patient.locations`: every location the patient has an appointment or a course at;
- `Course.intake` for open courses: the questionnaire in hand for the treatment and area (or a
  clearance still valid), else a new draft, so the patient finds it on their questionnaire page;
- `Intake.needed_by`: the first held session of the course it is for.
"""

from django.db import migrations

OPEN = ("awaiting_intake", "scheduled", "needs_attention", "in_progress")
IN_HAND = ("draft", "submitted", "needs_review", "not_suitable", "declined")
ACTIVE = ("booked", "arrived", "completed")


def forwards(apps, schema_editor):
    Appointment = apps.get_model("bookings", "Appointment")
    Course = apps.get_model("bookings", "Course")
    Intake = apps.get_model("intake", "Intake")
    Patient = apps.get_model("clinic", "Patient")
    through = Patient.locations.through
    pairs = set(Appointment.objects.values_list("patient_id", "location_id"))
    pairs |= set(Course.objects.values_list("patient_id", "location_id"))
    through.objects.bulk_create(
        [through(patient_id=p, location_id=loc) for p, loc in sorted(pairs)], ignore_conflicts=True
    )
    for course in Course.objects.filter(status__in=OPEN).order_by("pk"):
        first = (
            Appointment.objects.filter(course_id=course.pk, status__in=ACTIVE)
            .order_by("start")
            .values_list("start", flat=True)
            .first()
        )
        if course.intake_id is None:
            same = Intake.objects.filter(
                patient_id=course.patient_id, treatment_id=course.treatment_id, area_id=course.area_id
            )
            intake = same.filter(status__in=IN_HAND).order_by("-created_at", "-pk").first()
            if intake is None and first is not None:
                intake = same.filter(status="cleared", valid_until__gte=first.date()).order_by("-valid_until").first()
            if intake is None:
                intake = Intake.objects.create(
                    patient_id=course.patient_id, treatment_id=course.treatment_id, area_id=course.area_id
                )
            course.intake_id = intake.pk
            course.save(update_fields=["intake"])
        if first is not None:
            Intake.objects.filter(pk=course.intake_id).update(needed_by=first)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0009_confirmations_in_the_outbox"),
        ("clinic", "0004_notification_about_patient_locations"),
        ("intake", "0005_intake_needed_by"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
