"""The waiting list: offers sent and how they ended; freed slots refilled, and how fast.

Offers are those made in the period (at the freed slot's location, in its zone); freed slots are
those freed in the period (a cancellation or a move, new working hours, or reception offering a
time by hand).
Refilled: a waiting patient took the slot through an offer. The time to rebooking runs from the
cancellation that freed the slot to the accepted offer's booking.

Queries: offers 1, freed slots 1, median 1.
"""

from __future__ import annotations

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q

from reports.domain.figures import Column, Figure, Report, Table
from reports.domain.periods import ratio
from reports.selectors.scope import Scope, middle
from waitlist.models import FreedSlot, Offer

OUTCOMES = (
    (Offer.Status.ACCEPTED, "Accepted"),
    (Offer.Status.DECLINED, "Declined"),
    (Offer.Status.EXPIRED, "Expired (no answer)"),
    (Offer.Status.WITHDRAWN, "Withdrawn (left the list)"),
    (Offer.Status.OFFERED, "Still open"),
)


def waitlist_report(*, scope: Scope) -> Report:
    return Report(
        slug="waitlist",
        title="Waiting list",
        intro="Offers of freed times to waiting patients, and how many freed times the waiting list refilled.",
        figures=[_offers(scope), _refills(scope)],
    )


def _offers(scope: Scope) -> Figure:
    counts = dict(
        Offer.objects.filter(scope.window("offered_at", location="slot__location"))
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sent = sum(counts.values())
    rows = [[label, counts.get(status, 0), ratio(counts.get(status, 0), sent)] for status, label in OUTCOMES]
    accepted, expired = counts.get(Offer.Status.ACCEPTED, 0), counts.get(Offer.Status.EXPIRED, 0)
    return Figure(
        slug="offers",
        title="Offers sent, and how they ended",
        summary=f"{sent} offers sent: {accepted} accepted, {expired} expired without an answer.",
        chart="bar",
        labels=[row[0] for row in rows],
        series=[("Offers", [row[1] for row in rows])],
        table=Table([Column("Outcome", "text"), Column("Offers"), Column("Share of offers", "percent")], rows),
    )


def _refills(scope: Scope) -> Figure:
    freed = FreedSlot.objects.filter(scope.window("freed_at"))
    totals = freed.aggregate(freed=Count("pk"), refilled=Count("pk", filter=Q(refilled_at__isnull=False)))
    refilled = freed.filter(refilled_at__isnull=False)
    wait = middle(
        refilled,
        ExpressionWrapper(F("refilled_at") - F("freed_at"), output_field=DurationField()),
        totals["refilled"],
    )
    hours = wait.total_seconds() / 3600 if wait is not None else None
    share = ratio(totals["refilled"], totals["freed"])
    said = f"{100 * share:.1f} % refilled" if share is not None else "none freed"
    if hours is not None:
        said += f", a median of {hours * 60:.0f} minutes from the cancellation to the new booking"
    return Figure(
        slug="refilled",
        title="Freed times refilled from the waiting list",
        summary=f"{totals['freed']} times freed, {totals['refilled']} refilled: {said}.",
        chart="bar",
        labels=["Freed", "Refilled"],
        series=[("Times", [totals["freed"], totals["refilled"]])],
        table=Table(
            [
                Column("Times freed"),
                Column("Refilled from the waiting list"),
                Column("Share refilled", "percent"),
                Column("Median time to rebooking", "hours"),
            ],
            [[totals["freed"], totals["refilled"], share, hours]],
        ),
    )
