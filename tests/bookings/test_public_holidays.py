"""Public holidays close a location (its country and subdivision), unless the clinic opens on one;
closed days say so, in the booking calendar and the diary, instead of "full"."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bookings.diary.closures import closed_days
from bookings.diary.loading import availability_search
from bookings.models import HolidayOpening, LocationClosure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def free_days(clinic, first: date, last: date) -> set[date]:
    slots = availability_search(
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        first_day=first,
        last_day=last,
        now=datetime.now(UTC),
    )
    return {slot.start.date() for slot in slots}


def test_english_bank_holidays_close_the_location_with_their_names(clinic):
    closed = closed_days(clinic.location, date(2026, 12, 20), date(2027, 1, 3))
    assert closed == {
        date(2026, 12, 25): "Christmas Day (public holiday)",
        date(2026, 12, 26): "Boxing Day (public holiday)",
        date(2026, 12, 28): "Boxing Day (observed) (public holiday)",
        date(2027, 1, 1): "New Year's Day (public holiday)",
    }


def test_the_subdivision_decides_which_holidays(clinic):
    clinic.location.subdivision = "SCT"
    clinic.location.save()
    assert date(2027, 1, 2) not in closed_days(clinic.location, date(2027, 1, 1), date(2027, 1, 1))
    assert date(2027, 1, 4) in closed_days(clinic.location, date(2027, 1, 1), date(2027, 1, 5))  # 2 January observed


def test_nothing_is_bookable_on_a_holiday_unless_the_clinic_opens_on_it(clinic):
    days = free_days(clinic, date(2026, 12, 24), date(2026, 12, 29))
    assert date(2026, 12, 24) in days and date(2026, 12, 29) in days
    assert not days & {date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 28)}
    HolidayOpening.objects.create(location=clinic.location, day=date(2026, 12, 28), note="Open as usual")
    assert date(2026, 12, 28) in free_days(clinic, date(2026, 12, 28), date(2026, 12, 28))
    # The clinic's own closure still closes a day it "opens" on.
    LocationClosure.objects.create(location=clinic.location, first_day=date(2026, 12, 28), last_day=date(2026, 12, 28))
    assert closed_days(clinic.location, date(2026, 12, 28), date(2026, 12, 28)) == {date(2026, 12, 28): ""}


def test_the_booking_calendar_says_closed_not_full(client, clinic):
    query = f"area={clinic.area.slug}&location={clinic.location.slug}&practitioner={clinic.practitioner.pk}"
    html = client.get(f"/book/{clinic.treatment.slug}/?{query}&month=2026-12").content.decode()
    assert "25 December: closed (Christmas Day (public holiday))" in html
    assert "date=2026-12-25" not in html and "date=2026-12-28" not in html
    assert "date=2026-12-24" in html
    full = html.split("25 December: closed", 1)[1].split("</td>", 1)[0]
    assert "full" not in full


def test_a_day_with_no_free_times_is_full_and_a_day_nobody_works_is_closed(client, clinic):
    from bookings.models import WorkingHours

    WorkingHours.objects.filter(weekday=6).delete()  # nobody works on Sundays
    query = f"area={clinic.area.slug}&location={clinic.location.slug}&practitioner=any"
    html = client.get(f"/book/{clinic.treatment.slug}/?{query}&month=2026-12").content.decode()
    assert "6 December: closed</span>" in html  # a Sunday
    assert "1 December: no free times" in html  # today, inside the notice period: full


def test_the_diary_shows_a_holiday_as_closed_with_its_name_and_no_booking(client, clinic, reception):
    client.force_login(reception)
    response = client.get(reverse("diary-day", args=[clinic.location.slug]), {"date": "2026-12-25"})
    cells = [cell for row in response.context["rows"] for cell in row["cells"]]
    assert cells and all(cell.label == "Closed: Christmas Day (public holiday)" for cell in cells)
    assert "Free: book" not in response.content.decode()
    week = reverse("diary-week", args=[clinic.location.slug, clinic.practitioner.pk])
    assert "Closed: Boxing Day (observed) (public holiday)" in client.get(week, {"date": "2026-12-28"}).content.decode()


def test_a_location_s_country_and_subdivision_are_checked(clinic):
    location = clinic.location
    location.country, location.subdivision = "XX", ""
    with pytest.raises(ValidationError) as bad:
        location.full_clean()
    assert "country" in bad.value.message_dict
    location.country, location.subdivision = "GB", "KENT"
    with pytest.raises(ValidationError) as bad:
        location.full_clean()
    assert "ENG, NIR, SCT, WLS" in bad.value.message_dict["subdivision"][0]
    location.country, location.subdivision = "IE", ""
    location.full_clean()
    location.save()
    assert date(2027, 3, 17) in closed_days(location, date(2027, 3, 17), date(2027, 3, 17))  # St Patrick's Day


def test_managers_edit_a_location_s_country_and_open_on_a_holiday_in_the_admin(client, clinic, manager_user):
    client.force_login(manager_user)
    html = client.get(reverse("admin:clinic_location_change", args=[clinic.location.pk])).content.decode()
    assert 'name="country"' in html and 'name="subdivision"' in html
    assert client.get(reverse("admin:bookings_holidayopening_add")).status_code == 200
