"""No double booking, enforced by PostgreSQL itself.

Two exclusion constraints: no two active, non-override appointments of one practitioner (or of
one room) overlap in time. Half-open ranges '[)' let one appointment end exactly when the next
begins. They are plain SQL applied only on PostgreSQL: SQLite has no exclusion constraints,
and there the booking service serialises writers with IMMEDIATE transactions instead.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINTS = {
    "bookings_appt_no_practitioner_overlap": "practitioner_id",
    "bookings_appt_no_room_overlap": "room_id",
}
ACTIVE = "status IN ('booked', 'arrived', 'completed') AND NOT is_override"


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE bookings_appointment ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({column} WITH =, tstzrange(start, \"end\", '[)') WITH &&) WHERE ({ACTIVE})"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE bookings_appointment DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("bookings", "0002_diary")]

    operations = [BtreeGistExtension(), migrations.RunPython(add, remove)]
