"""Issued invoices, their lines and payments are never changed: on PostgreSQL a trigger refuses
UPDATE and DELETE (the services never do either; this stops a stray shell or admin action too).
A payment's `reference` (what reception typed) may still be blanked, by erasure. And the two VAT
rates a UK clinic starts with."""

from decimal import Decimal

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION billing_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - TG_ARGV::text[]) = (to_jsonb(OLD) - TG_ARGV::text[]) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% rows are never changed after issue', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
"""
TABLES = {"billing_invoice": "", "billing_invoiceline": "", "billing_payment": "'reference'"}


def triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table, allowed in TABLES.items():
        schema_editor.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION billing_refuse_change({allowed})"
        )


def triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS billing_refuse_change()")


def vat_rates(apps, schema_editor):
    VatRate = apps.get_model("billing", "VatRate")
    VatRate.objects.get_or_create(name="Standard (20 %)", defaults={"rate": Decimal("0.2000")})
    VatRate.objects.get_or_create(name="Exempt (medical care)", defaults={"rate": Decimal("0")})


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [
        migrations.RunPython(triggers, triggers_drop),
        migrations.RunPython(vat_rates, migrations.RunPython.noop),
    ]
