"""What a report is made of: figures, each a chart spec and the table under it (pure data).

The selectors fill these; reports/charts.py draws the chart, the template the table, and
reports/csv.py writes the same tables as CSV, so the three never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["text", "int", "percent", "hours", "days", "money"]
ChartKind = Literal["bar", "stacked", "line", "hbar", "heatmap", "none"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "int"


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class Figure:
    slug: str
    title: str
    # The text alternative: what the chart shows, in a sentence with its main numbers.
    summary: str
    table: Table
    chart: ChartKind = "bar"
    labels: list[str] = field(default_factory=list)
    series: list[tuple[str, list[float | None]]] = field(default_factory=list)
    unit: Kind = "int"
    note: str = ""


@dataclass
class Report:
    slug: str
    title: str
    intro: str
    figures: list[Figure]


def cell_text(value: Any, kind: Kind, *, for_csv: bool = False) -> str:
    """A table cell in words: percentages and hours rounded, a missing ratio as "no data"."""
    if value is None:
        return "" if for_csv else "no data"
    if kind == "percent":
        return f"{100 * value:.1f}" if for_csv else f"{100 * value:.1f} %"
    if kind == "hours":
        return f"{value:.1f}" if for_csv else f"{value:.1f} h"
    if kind == "money":
        return f"{value:.2f}"
    if kind == "days":
        return f"{value:.1f}" if for_csv else f"{value:.1f} days"
    return str(value)


def column_heading(column: Column, *, for_csv: bool = False) -> str:
    if for_csv and column.kind in ("percent", "hours", "days"):
        return f"{column.name} ({ {'percent': '%', 'hours': 'hours', 'days': 'days'}[column.kind] })"
    return column.name
