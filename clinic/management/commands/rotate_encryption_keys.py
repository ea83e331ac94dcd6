"""Re-encrypt every encrypted field with the first key in FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first (FIELD_ENCRYPTION_KEYS=new,old), restart, run this, then drop
the old key. Each batch is read under a row lock and written back in one transaction, so a
concurrent edit is neither lost nor overwritten; an interrupted run is finished by running it
again (every run re-encrypts everything, whichever key a row had). Data encrypted outside the
fields (the photos' files) is re-encrypted by what its app registered in clinic/rotation.py.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction

from clinic.fields import EncryptedMixin
from clinic.rotation import rotations


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every concrete model with encrypted fields (found, so new ones are rotated too)."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
        if names and not model._meta.proxy:
            found.append((model, names))
    return found


def rotate_model(model: type[models.Model], names: list[str], *, batch_size: int) -> int:
    manager = model._base_manager
    done, last_pk = 0, None
    while True:
        with transaction.atomic():
            rows = manager.select_for_update().order_by("pk").only("pk", *names)
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows[:batch_size])
            if not batch:
                return done
            # Read with any key (decrypted on load), written with the first: bulk_update, so no
            # save() side effects (auto_now timestamps, signals) for what is not a change.
            manager.bulk_update(batch, names)
        done += len(batch)
        last_pk = batch[-1].pk


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value with the first (newest) key in FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args, batch_size: int = 500, **options) -> None:
        for model, names in encrypted_fields():
            count = rotate_model(model, names, batch_size=max(1, batch_size))
            self.stdout.write(f"{model._meta.label}: {count} row(s) re-encrypted ({', '.join(names)})")
        for label, rotate in rotations():
            self.stdout.write(f"{label}: {rotate(batch_size=max(1, batch_size))} re-encrypted")
        self.stdout.write(
            self.style.SUCCESS(
                "Every encrypted value now uses the first key; the keys after it can be removed from "
                "FIELD_ENCRYPTION_KEYS."
            )
        )
