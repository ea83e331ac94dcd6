"""A report's tables as one CSV file: the same numbers as the page, unrounded where it matters."""

from __future__ import annotations

import csv

from django.http import HttpResponse

from reports.domain.figures import Report, cell_text, column_heading
from reports.selectors.scope import Scope

# A cell a spreadsheet would run as a formula (a practitioner or room named "=..." by someone).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def report_csv(report: Report, scope: Scope) -> HttpResponse:
    period = scope.period
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report.slug}-{period.first}-{period.last}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Report", report.title])
    writer.writerow(["Locations", _safe(scope.where)])
    writer.writerow(["From", period.first.isoformat()])
    writer.writerow(["To", period.last.isoformat()])
    for figure in report.figures:
        writer.writerow([])
        writer.writerow([figure.title])
        columns = figure.table.columns
        writer.writerow([column_heading(column, for_csv=True) for column in columns])
        for row in figure.table.rows:
            writer.writerow(
                [_safe(cell_text(value, column.kind, for_csv=True)) for value, column in zip(row, columns, strict=True)]
            )
    return response
