"""A day's takings as CSV, with the cells a spreadsheet would run as formulas quoted."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal, InvalidOperation

from django.http import HttpResponse

from billing.models import Payment
from clinic.models import Location

# A cell a spreadsheet would run as a formula (a patient named "=HYPERLINK(...)"); a refund's
# "-45.00" is a number and stays one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    if value.startswith(FORMULA_STARTS) and not _is_number(value):
        return f"'{value}"
    return value


def _is_number(value: str) -> bool:
    try:
        Decimal(value)
    except InvalidOperation:
        return False
    # Decimal reads "-1e3" and "-inf" too: only plain digits count as a number here.
    return value.strip() == value and value.lstrip("+-").replace(".", "", 1).isdigit()


HEADERS = ["Time", "Patient", "Kind", "Method", "Amount", "Currency", "Invoice", "Reference"]


def takings_csv(*, place: Location, day: date, rows: list[Payment]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="takings-{place.slug}-{day.isoformat()}.csv"'
    response["Cache-Control"] = "no-store"  # patient names: keep them out of caches
    writer = csv.writer(response)
    writer.writerow(HEADERS)
    for p in rows:
        writer.writerow(
            [
                csv_safe(value)
                for value in (
                    p.taken_at.astimezone(place.zone).strftime("%H:%M"),
                    p.patient.full_name,
                    p.get_kind_display(),
                    p.get_method_display(),
                    f"{p.signed}",
                    p.currency,
                    p.invoice.display_number if p.invoice else "",
                    p.reference,
                )
            ]
        )
    return response
