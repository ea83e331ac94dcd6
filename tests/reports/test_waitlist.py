"""The waiting list's figures over hand-built rows: offers by outcome, freed times refilled and the
median time from the cancellation to the new booking, each location in its own zone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from reports.selectors.waitlist import waitlist_report
from tests.factories import PatientFactory
from tests.reports.conftest import AUTUMN, local, rows_of, scope_of, utc
from waitlist.models import Entry, FreedSlot, Offer

pytestmark = pytest.mark.django_db
O = Offer.Status  # noqa: E741


@pytest.fixture
def waitlist(diary):
    d = diary

    def freed(at, *, refilled_after=None, practitioner=None):
        practitioner = practitioner or d.a
        location = d.paris if practitioner == d.b else d.london
        return FreedSlot.objects.create(
            location=location,
            practitioner=practitioner,
            start=at + timedelta(days=3),
            end=at + timedelta(days=3, hours=1),
            cause="cancelled",
            freed_at=at,
            offer_after=at,
            refilled_at=at + refilled_after if refilled_after else None,
            done_at=at + refilled_after if refilled_after else None,
        )

    def offer(slot, status):
        entry = Entry.objects.create(
            patient=PatientFactory(),
            treatment=d.skin,
            area=d.face,
            location=slot.location,
            earliest=date(2027, 10, 1),
            latest=date(2027, 11, 30),
            created_at=slot.freed_at - timedelta(days=5),
        )
        at = slot.freed_at + timedelta(minutes=1)
        return Offer.objects.create(
            entry=entry,
            slot=slot,
            practitioner=slot.practitioner,
            start=slot.start,
            end=slot.end,
            status=status,
            offered_at=at,
            expires_at=at + timedelta(minutes=15),
        )

    first = freed(local(AUTUMN, 9), refilled_after=timedelta(minutes=20))
    offer(first, O.ACCEPTED)
    second = freed(local(AUTUMN, 10), refilled_after=timedelta(minutes=40))
    offer(second, O.DECLINED)
    offer(second, O.ACCEPTED)
    third = freed(local(AUTUMN, 11))
    offer(third, O.EXPIRED)
    # 23:30 UTC on the 30th is 00:30 BST on the 31st: that day's in London.
    offer(freed(utc(2027, 10, 30, 23, 30)), O.OFFERED)
    freed(utc(2027, 11, 1, 9))  # the next day
    paris = freed(local(AUTUMN, 9, zone=d.paris.zone), refilled_after=timedelta(minutes=60), practitioner=d.b)
    offer(paris, O.ACCEPTED)
    return d


def test_it_counts_the_offers_by_how_they_ended(waitlist):
    report = waitlist_report(scope=scope_of(waitlist, AUTUMN, chosen=waitlist.london))
    assert rows_of(report, "offers") == [
        ["Accepted", 2, 0.4],
        ["Declined", 1, 0.2],
        ["Expired (no answer)", 1, 0.2],
        ["Withdrawn (left the list)", 0, 0.0],
        ["Still open", 1, 0.2],
    ]
    assert "5 offers sent: 2 accepted, 1 expired" in report.figures[0].summary


def test_it_gives_the_share_refilled_and_the_median_time_to_rebooking(waitlist):
    london = waitlist_report(scope=scope_of(waitlist, AUTUMN, chosen=waitlist.london))
    assert rows_of(london, "refilled") == [[4, 2, 0.5, 0.5]]  # 20 and 40 minutes: 30
    everywhere = waitlist_report(scope=scope_of(waitlist, AUTUMN))
    [[freed, refilled, share, hours]] = rows_of(everywhere, "refilled")
    assert (freed, refilled, share) == (5, 3, 0.6)
    assert hours == pytest.approx(40 / 60)
    assert "a median of 40 minutes" in everywhere.figures[1].summary


def test_it_says_no_data_when_nothing_was_freed(diary):
    report = waitlist_report(scope=scope_of(diary, AUTUMN))
    assert rows_of(report, "refilled") == [[0, 0, None, None]]


def test_the_page_draws_the_charts_and_tables(client, waitlist):
    client.force_login(waitlist.manager)
    page = client.get("/staff/reports/waitlist/", {"date_from": "2027-10-31", "date_to": "2027-10-31"})
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('role="img"') == 2 and "Share refilled" in body
