"""The database guarantees what the booking service checks (issue 13):

- the practitioner and room exclusion constraints compare [start, blocked_until), the end plus
  the clinic's buffer, so two bookings made at the same moment cannot both eat into the buffer;
- a patient is never in two places: no two of their active appointments overlap (overrides
  included: overbooking adds a patient to a busy practitioner, never a busy patient to two rooms);
- at most one open course per patient and treatment.

Rows that exist keep `blocked_until` empty (the constraints read it as the end): what was booked
before stays valid, and from now on the service writes the buffer. Duplicate open courses and
duplicate draft questionnaires that earlier races left are merged first (intake 0006 adds its
own constraint after this repair).
"""

from django.db import migrations, models

ACTIVE = "status IN ('booked', 'arrived', 'completed')"
# GREATEST: a row whose times were changed without its hold (by hand, in a shell) still has a
# valid range, at least its own length.
HELD = "tstzrange(start, GREATEST(COALESCE(blocked_until, \"end\"), \"end\"), '[)')"
CONSTRAINTS = {
    "bookings_appt_no_practitioner_overlap": f"practitioner_id WITH =, {HELD} WITH &&) WHERE ({ACTIVE} AND NOT is_override",
    "bookings_appt_no_room_overlap": f"room_id WITH =, {HELD} WITH &&) WHERE ({ACTIVE} AND NOT is_override",
    "bookings_appt_no_patient_overlap": f"patient_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) WHERE ({ACTIVE}",
}
OPEN = ("awaiting_intake", "scheduled", "needs_attention", "in_progress")


def merge_duplicates(apps, schema_editor):
    Course = apps.get_model("bookings", "Course")
    Intake = apps.get_model("intake", "Intake")
    Consent = apps.get_model("intake", "Consent")
    seen: dict = {}
    for course in Course.objects.filter(status__in=OPEN).order_by("created_at", "pk"):
        kept = seen.setdefault((course.patient_id, course.treatment_id), course)
        if kept.pk != course.pk:  # a second open course: its sessions join the first, it closes
            course.appointments.update(course_id=kept.pk)
            Course.objects.filter(pk=course.pk).update(status="cancelled")
    drafts: dict = {}
    for intake in Intake.objects.filter(status="draft").order_by("-updated_at", "-pk"):
        kept = drafts.setdefault((intake.patient_id, intake.treatment_id, intake.area_id), intake)
        if kept.pk != intake.pk:  # keep the draft touched last; the others' links move to it
            Course.objects.filter(intake_id=intake.pk).update(intake_id=kept.pk)
            Consent.objects.filter(intake_id=intake.pk).update(intake_id=kept.pk)
            intake.delete()


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE bookings_appointment DROP CONSTRAINT IF EXISTS {name}")
    for name, body in CONSTRAINTS.items():
        schema_editor.execute(f"ALTER TABLE bookings_appointment ADD CONSTRAINT {name} EXCLUDE USING gist ({body})")


def restore_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE bookings_appointment DROP CONSTRAINT IF EXISTS {name}")
    for name, column in (("bookings_appt_no_practitioner_overlap", "practitioner_id"), ("bookings_appt_no_room_overlap", "room_id")):
        schema_editor.execute(
            f"ALTER TABLE bookings_appointment ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({column} WITH =, tstzrange(start, \"end\", '[)') WITH &&) WHERE ({ACTIVE} AND NOT is_override)"
        )


class Migration(migrations.Migration):
    dependencies = [("bookings", "0010_intake_links"), ("intake", "0005_intake_needed_by")]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="blocked_until",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(merge_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="course",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", OPEN)),
                fields=("patient", "treatment"),
                name="bookings_course_one_open_per_treatment",
            ),
        ),
        migrations.RunPython(add_constraints, restore_constraints),
    ]
