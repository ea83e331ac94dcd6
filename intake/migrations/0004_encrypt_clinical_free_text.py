"""Encrypt intake answers, findings, snapshots and review notes at rest (clinic/fields.py).

Each field gets an encrypted twin, existing rows are copied into it (encrypted with the first
key in FIELD_ENCRYPTION_KEYS), the plain column is dropped and the twin takes its name.
Reversible: going back copies the decrypted values into re-created plain columns.
"""

import clinic.fields
from django.db import migrations, models

BATCH = 500
# (model, field, default, help_text)
FIELDS = [
    ("intake", "answers", dict, ""),
    ("intake", "findings", list, ""),
    ("intake", "snapshot", dict, "Questions, answers and findings as submitted."),
    ("review", "finding_decisions", dict, '{code: {"decision": ..., "notes": ...}}'),
    ("review", "notes", None, ""),
]


def _twin(name):
    return f"{name}_encrypted"


def _copy(apps, model_name, pairs):
    """Copy each (source, target) field pair on every row, in batches."""
    Model = apps.get_model("intake", model_name)
    targets = [target for _, target in pairs]
    batch = []
    for row in Model.objects.order_by("pk").only("pk", *(source for source, _ in pairs)).iterator(chunk_size=BATCH):
        for source, target in pairs:
            setattr(row, target, getattr(row, source))
        batch.append(row)
        if len(batch) >= BATCH:
            Model.objects.bulk_update(batch, targets)
            batch = []
    if batch:
        Model.objects.bulk_update(batch, targets)


def _pairs(model_name, forwards):
    names = [name for model, name, _, _ in FIELDS if model == model_name]
    return [(name, _twin(name)) if forwards else (_twin(name), name) for name in names]


def encrypt(apps, schema_editor):
    for model_name in ("intake", "review"):
        _copy(apps, model_name, _pairs(model_name, forwards=True))


def decrypt(apps, schema_editor):
    for model_name in ("intake", "review"):
        _copy(apps, model_name, _pairs(model_name, forwards=False))


def _encrypted(default, help_text, **extra):
    if default is None:
        return clinic.fields.EncryptedTextField(blank=True, **extra)
    return clinic.fields.EncryptedJSONField(blank=True, default=default, help_text=help_text, **extra)


def _plain(default, help_text):
    if default is None:
        return models.TextField(blank=True)
    return models.JSONField(blank=True, default=default, help_text=help_text)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_patient_wording"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=model, name=_twin(name), field=_encrypted(default, help_text, null=True))
            for model, name, default, help_text in FIELDS
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
        *(migrations.RemoveField(model_name=model, name=name) for model, name, _, _ in FIELDS),
        *(migrations.RenameField(model_name=model, old_name=_twin(name), new_name=name) for model, name, _, _ in FIELDS),
        *(
            migrations.AlterField(model_name=model, name=name, field=_encrypted(default, help_text))
            for model, name, default, help_text in FIELDS
        ),
    ]
