"""Consent wording names only the area(s) the patient chose.

The seeded wording listed every area of the treatment ("the area(s) I have chosen: face, face,
neck and décolletage, ..."). Wording is versioned (a new version is a new row, never an edit), so
each treatment whose latest text lists its areas gets a new version with a placeholder that the
consent step fills with the questionnaire's area (intake.selectors.consent_wording). Consents
already signed keep the version they signed.
"""

import re

from django.db import migrations

PLACEHOLDER = "{areas}"
LISTED = re.compile(r"(the area\(s\) I have chosen: )[^\n]*?(\.)(?=\n|$)")


def new_versions(apps, schema_editor):
    ConsentText = apps.get_model("intake", "ConsentText")
    Treatment = apps.get_model("treatments", "Treatment")
    for treatment in Treatment.objects.all():
        latest = ConsentText.objects.filter(treatment=treatment).order_by("-version").first()
        if latest is None or PLACEHOLDER in latest.body or not LISTED.search(latest.body):
            continue
        body = LISTED.sub(lambda m: f"{m.group(1)}{PLACEHOLDER}{m.group(2)}", latest.body, count=1)
        ConsentText.objects.create(treatment=treatment, version=latest.version + 1, body=body)


def old_versions(apps, schema_editor):
    ConsentText = apps.get_model("intake", "ConsentText")
    ConsentText.objects.filter(body__contains=PLACEHOLDER, consents__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("intake", "0007_consent_areas")]

    operations = [migrations.RunPython(new_versions, old_versions)]
