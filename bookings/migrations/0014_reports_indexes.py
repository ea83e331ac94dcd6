from django.db import migrations, models


def from_audit_trail(apps, schema_editor):
    """Cancelled appointments get the time of their (latest) cancel record in the audit trail."""
    Appointment = apps.get_model("bookings", "Appointment")
    AuditEvent = apps.get_model("clinic", "AuditEvent")
    latest = (
        AuditEvent.objects.filter(
            object_type="bookings.appointment",
            object_id=models.functions.Cast(models.OuterRef("pk"), output_field=models.CharField()),
            action="appointment.cancel",
        )
        .order_by("-at")
        .values("at")[:1]
    )
    Appointment.objects.filter(status="cancelled", cancelled_at__isnull=True).update(
        cancelled_at=models.Subquery(latest)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0013_holiday_opening"),
        ("clinic", "0006_location_country_subdivision"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(from_audit_trail, migrations.RunPython.noop, elidable=True),
    ]
