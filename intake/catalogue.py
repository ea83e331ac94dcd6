"""The contraindication catalogue as the screening engine sees it, and its versioning."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from clinic.audit import audit_record
from intake.domain import screening
from intake.models import CatalogueVersion, ContraindicationItem, MedicationClass


def catalogue_bump(*, by: Any, note: str) -> CatalogueVersion:
    """Record that the catalogue changed: submitted intakes keep pointing at the version they used."""
    with transaction.atomic():
        version = CatalogueVersion.objects.create(
            number=CatalogueVersion.next_number(),
            created_by=by if getattr(by, "is_authenticated", False) else None,
            note=note[:200],
        )
        audit_record(actor=by, action="catalogue.version", obj=version, details={"note": note[:200]})
    return version


def catalogue_load() -> tuple[list[screening.Item], dict[str, list[str]]]:
    """The active items (in order) and the medication classes, in two queries."""
    items = [screening.Item.from_dict(item.as_rule()) for item in ContraindicationItem.objects.filter(is_active=True)]
    classes = {c.name: list(c.names) for c in MedicationClass.objects.all()}
    return items, classes
