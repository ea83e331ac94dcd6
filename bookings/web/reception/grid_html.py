"""The diary grid's table body, written in Python (day and week views).

The day view of 300 appointments spent three quarters of its time in the template engine: an
`{% include %}` per appointment and a `{% url %}` per free cell, some 9,000 nodes a request. The
same markup built here with string joins (every value through `escape`) renders in a few ms; the
templates keep everything around it. The booking links carry only `hx-get`: `hx-target` and
`hx-swap` are on the tbody and inherited (htmx), which also took a third off the page's size.
"""

from __future__ import annotations

import html
from datetime import date

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from bookings.domain.grid import DiaryEntry, GridCell

PANEL = ' hx-target="#diary-panel" hx-swap="innerHTML show:#diary-panel:top"'


def escape(value: object) -> str:
    # The standard library's (quotes included), a plain str: Django's escape() wraps each of the
    # 3,000 values of a full day in a SafeString, and the whole body is marked safe once below.
    return html.escape(str(value), quote=True)


def grid_body(
    rows: list[dict],
    *,
    panel: bool,
    view: str = "",
    book_url: str = "",
    book_column: str = "",
    day: date | None = None,
    badges: dict[tuple[int, str], int] | None = None,
) -> SafeString:
    """<tbody> for `rows` (bookings.domain.grid.grid_rows). With `panel` (the day view), free
    cells link to the booking form and appointments open in the panel (htmx)."""
    marker = 987654321  # reversed once, then filled in per appointment
    appointment_url = reverse("diary-appointment", args=[marker]).replace(str(marker), "{}")
    if view:
        appointment_url += "?" + urlencode({"view": view})
    book_prefix = ""
    if panel and day is not None:
        book_prefix = escape(f"{book_url}?") + escape(book_column) + "="
        book_day = "&amp;" + escape(urlencode({"date": day.isoformat()}))
    out = [f"<tbody{PANEL if panel else ''}>"]
    for row in rows:
        out.append('<tr class="diary-hour">' if row["hour"] else "<tr>")
        out.append(f'<th scope="row">{row["label"]}</th>')
        for cell in row["cells"]:
            if cell.kind == "appointment":
                out.append(f'<td class="diary-appointment"{_rowspan(cell)}>')
                out.extend(_entry(entry, appointment_url, panel) for entry in cell.entries)
                out.append("</td>")
            elif cell.kind == "free":
                waiting = badges.get((cell.column, cell.time), 0) if badges and not cell.past else 0
                out.append(_free(cell, panel, book_prefix, book_day if book_prefix else "", waiting))
            else:
                out.append(f'<td class="diary-{escape(cell.kind)}"{_rowspan(cell)}>{escape(cell.label)}</td>')
        out.append("</tr>")
    out.append("</tbody>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def _rowspan(cell: GridCell) -> str:
    return f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""


def _free(cell: GridCell, panel: bool, book_prefix: str, book_day: str, waiting: int = 0) -> str:
    if cell.past:
        return '<td class="diary-free"><span class="visually-hidden">Past</span></td>'
    if not (panel and book_prefix):
        return '<td class="diary-free"><span class="visually-hidden">Free</span></td>'
    href = f"{book_prefix}{cell.column}{book_day}&amp;time={escape(cell.time)}"
    # A freed time with patients on the waiting list for it: the count, beside the booking link
    # (whose panel offers the time to the waiting list).
    badge = f' <span class="badge text-bg-info">{waiting} waiting</span>' if waiting else ""
    return (
        f'<td class="diary-free"><a class="diary-book" href="{href}" hx-get="{href}">'
        f'<span aria-hidden="true">+</span><span class="visually-hidden">Free: book {escape(cell.time)}, '
        f"{escape(cell.column_name)}</span></a>{badge}</td>"
    )


def _entry(entry: DiaryEntry, url: str, panel: bool) -> str:
    href = escape(url.format(entry.pk))
    session = f", {escape(entry.session)}" if entry.session else ""
    hx = f' hx-get="{href}"' if panel else ""
    actions = (
        ""  # a waitlist hold is nobody's appointment yet: nothing to act on until the offer is answered
        if entry.status_code == "held"
        else f'<div><a href="{href}"{hx}>Actions<span class="visually-hidden"> for {escape(entry.start_label)} '
        f"{escape(entry.patient)}</span></a></div>"
    )
    return (
        f'<div class="diary-appt diary-appt--{escape(entry.status_code)}" tabindex="0" role="group" '
        f'aria-label="{escape(entry.text)}" data-appointment="{entry.pk}">'
        f"<div><strong>{escape(entry.start_label)}–{escape(entry.end_label)}</strong> {escape(entry.patient)}</div>"
        f"<div>{escape(entry.treatment)}: {escape(entry.area)}{session}</div>"
        f'<div>Status: {escape(entry.status)} · <span class="diary-badge">Intake: {escape(entry.intake)}</span></div>'
        + actions
        + "</div>"
    )
