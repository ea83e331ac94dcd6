"""Reception's actions from the day view: book a free cell, move, cancel, change status; htmx and plain."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from bookings.appointments.services import appointment_book
from bookings.models import Appointment
from clinic.models import AuditEvent, Patient
from clinic.roles import Role, user_set_roles
from tests.bookings.conftest import make_patient
from tests.clearance import clear
from tests.factories import LocationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

DAY = date(2026, 12, 3)  # a Thursday, two days after NOW: past the notice period
HX = {"HTTP_HX_REQUEST": "true"}


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 3, hour, minute, tzinfo=UTC)  # GMT: London wall clock == UTC


def book(clinic, start: datetime, *, practitioner=None, patient=None) -> Appointment:
    return appointment_book(
        patient=patient or clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=start,
        by=clinic.patient.user,
        practitioner=practitioner or clinic.practitioner,
    )


@pytest.fixture
def signed_in(client, reception):
    client.force_login(reception)
    return client


def book_url(clinic) -> str:
    return reverse("diary-book", args=[clinic.location.slug])


def booking_data(clinic, *, patient, hour=10, minute=0, **extra) -> dict:
    return {
        "patient": patient,
        "treatment": clinic.treatment.pk,
        "area": clinic.area.pk,
        "practitioner": clinic.practitioner.pk,
        "date": DAY.isoformat(),
        "time": f"{hour:02d}:{minute:02d}",
        **extra,
    }


# --- booking a free cell -------------------------------------------------------------------------


def test_a_free_cell_links_to_the_booking_form_prefilled(signed_in, clinic):
    html = signed_in.get(reverse("diary-day", args=[clinic.location.slug]), {"date": DAY.isoformat()}).content.decode()
    link = f"{book_url(clinic)}?practitioner={clinic.practitioner.pk}&amp;date=2026-12-03&amp;time=10:00"
    assert link in html
    response = signed_in.get(
        book_url(clinic), {"practitioner": clinic.practitioner.pk, "date": "2026-12-03", "time": "10:00"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form["practitioner"].value() == clinic.practitioner.pk
    assert str(form["date"].value()) == "2026-12-03" and str(form["time"].value()) == "10:00:00"
    assert form["treatment"].value() == clinic.treatment.pk


def test_it_books_an_existing_patient_into_a_free_cell(signed_in, clinic, reception):
    response = signed_in.post(book_url(clinic), booking_data(clinic, patient=clinic.patient.pk))
    assert response.status_code == 302
    assert response.url == f"{reverse('diary-day', args=[clinic.location.slug])}?date=2026-12-03"
    appointment = Appointment.objects.get()
    assert (appointment.patient, appointment.start, appointment.practitioner) == (
        clinic.patient,
        at(10),
        clinic.practitioner,
    )
    assert appointment.created_by == reception and not appointment.is_override
    assert "Booked" in signed_in.get(response.url).content.decode()


def test_it_books_a_new_walk_in_patient_without_an_online_account(signed_in, clinic):
    data = booking_data(
        clinic, patient="new", first_name="Wanda", last_name="Walkin", date_of_birth="1980-02-03", phone="07700 900777"
    )
    assert signed_in.post(book_url(clinic), data).status_code == 302
    patient = Patient.objects.get(last_name="Walkin")
    assert patient.user is None and str(patient.phone) == "+447700900777"  # E.164
    assert Appointment.objects.get().patient == patient
    assert AuditEvent.objects.filter(action="patient.create", patient=patient).exists()


def test_a_new_patient_needs_a_name_a_birth_date_and_a_contact(signed_in, clinic):
    response = signed_in.post(book_url(clinic), booking_data(clinic, patient="new", first_name="Wanda"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "last_name" in errors and "date_of_birth" in errors and "phone" in errors
    assert not Appointment.objects.exists()


def test_it_warns_about_a_likely_duplicate_and_books_once_confirmed(signed_in, clinic):
    existing = clinic.patient
    data = booking_data(
        clinic,
        patient="new",
        first_name=existing.first_name.upper(),
        last_name=existing.last_name,
        date_of_birth=existing.date_of_birth.isoformat(),
        phone="07700 900111",
    )
    response = signed_in.post(book_url(clinic), data)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert [p["pk"] for p in response.context["found"]] == [existing.pk]
    assert not Appointment.objects.exists() and Patient.objects.count() == 1
    assert signed_in.post(book_url(clinic), {**data, "confirm_new": "on"}).status_code == 302
    assert Patient.objects.count() == 2


def test_booking_a_busy_slot_is_refused_with_alternatives(signed_in, clinic):
    book(clinic, at(10))
    response = signed_in.post(book_url(clinic), booking_data(clinic, patient=make_patient().pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "That time is not free: the practitioner has another appointment then" in html
    alternatives = response.context["alternatives"]
    assert alternatives and all(a["start"] != at(10) for a in alternatives)
    assert 'name="slot"' in html
    assert Appointment.objects.count() == 1
    htmx = signed_in.post(book_url(clinic), booking_data(clinic, patient=make_patient().pk), **HX)
    assert htmx.status_code == 409 and htmx["HX-Retarget"] == "#diary-panel"


def test_choosing_an_alternative_books_it(signed_in, clinic):
    book(clinic, at(10))
    patient = make_patient()
    data = booking_data(clinic, patient=patient.pk, slot=f"{at(11).isoformat()}|{clinic.other.pk}")
    assert signed_in.post(book_url(clinic), data).status_code == 302
    moved = Appointment.objects.get(patient=patient)
    assert (moved.start, moved.practitioner) == (at(11), clinic.other)


def test_overbooking_without_a_reason_is_refused(signed_in, clinic):
    book(clinic, at(10))
    response = signed_in.post(book_url(clinic), booking_data(clinic, patient=make_patient().pk, override="on"))
    assert response.status_code == 200
    assert "override_reason" in response.context["form"].errors
    assert Appointment.objects.count() == 1


def test_overbooking_with_a_reason_books_and_is_audited(signed_in, clinic, reception):
    book(clinic, at(10))
    patient = make_patient()
    data = booking_data(clinic, patient=patient.pk, override="on", override_reason="Doctor agreed to squeeze in")
    assert signed_in.post(book_url(clinic), data).status_code == 302
    appointment = Appointment.objects.get(patient=patient)
    assert appointment.is_override and appointment.start == at(10)
    event = AuditEvent.objects.get(action="appointment.overbook", object_id=str(appointment.pk))
    assert event.actor == reception and event.details["override_reason"] == "Doctor agreed to squeeze in"


def test_overbooking_cannot_put_a_patient_in_two_places_at_once(signed_in, clinic):
    book(clinic, at(10))  # clinic.patient with the practitioner
    data = booking_data(
        clinic, patient=clinic.patient.pk, practitioner=clinic.other.pk, override="on", override_reason="Squeeze in"
    )
    response = signed_in.post(book_url(clinic), data)
    errors = str(response.context["form"].non_field_errors())
    assert "already has an appointment from 10:00 to 10:30" in errors and "Choose another time." in errors
    assert "overbook with a reason" not in errors
    assert Appointment.objects.filter(patient=clinic.patient).count() == 1


def test_a_practitioner_cannot_overbook(client, clinic):
    book(clinic, at(10))
    client.force_login(clinic.practitioner.user)
    data = booking_data(clinic, patient=make_patient().pk, override="on", override_reason="Squeeze in")
    response = client.post(book_url(clinic), data)
    assert response.status_code == 200 and "Only reception" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_htmx_booking_returns_the_grid_partial(signed_in, clinic):
    response = signed_in.post(book_url(clinic), booking_data(clinic, patient=clinic.patient.pk), **HX)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "bookings/diary/_grid.html"
    html = response.content.decode()
    assert 'id="diary-grid"' in html and "<html" not in html
    assert "Booked" in html and clinic.patient.full_name in html


def test_the_booking_form_asks_the_area_of_the_treatment(signed_in, clinic):
    other_area = clinic.area.__class__.objects.exclude(treatment=clinic.treatment).first()
    response = signed_in.post(book_url(clinic), booking_data(clinic, patient=clinic.patient.pk, area=other_area.pk))
    assert "area" in response.context["form"].errors
    assert not Appointment.objects.exists()


# --- patient search --------------------------------------------------------------------------------


@pytest.fixture
def patients(clinic):
    return {
        "ada": make_patient(
            first_name="Ada",
            last_name="Lovelace",
            date_of_birth=date(1985, 12, 10),
            email="ada@example.org",
            phone="07700 900555",
        ),
        "alan": make_patient(
            first_name="Alan",
            last_name="Turing",
            date_of_birth=date(1972, 6, 23),
            email="alan@example.net",
            phone="+44 7700 900999",
        ),
    }


def search(client, clinic, **fields):
    data = {f"find_{name}": value for name, value in fields.items()}
    return client.post(reverse("diary-patient-search", args=[clinic.location.slug]), data, **HX)


@pytest.mark.parametrize(
    ("fields", "who"),
    [
        ({"name": "lovel"}, "ada"),
        ({"name": "alan turing"}, "alan"),
        ({"date_of_birth": "1972-06-23"}, "alan"),
        ({"email": "ADA@example"}, "ada"),
        ({"phone": "07700900555"}, "ada"),
        ({"phone": "07700 900 999"}, "alan"),  # stored as +44 7700 900999
    ],
)
def test_the_patient_search_finds_by_name_birth_date_email_or_phone(signed_in, clinic, patients, fields, who):
    response = search(signed_in, clinic, **fields)
    assert response.status_code == 200
    assert [p["pk"] for p in response.context["found"]] == [patients[who].pk]


def test_search_results_show_only_name_birth_date_and_a_masked_contact(signed_in, clinic, patients):
    html = search(signed_in, clinic, name="Lovelace").content.decode()
    assert "Ada Lovelace" in html and "10 December 1985" in html
    assert "phone ending 555" in html and "a…@example.org" in html
    assert "07700 900555" not in html and "ada@example.org" not in html


def test_search_results_are_limited_to_twenty(signed_in, clinic):
    for _ in range(25):
        make_patient(last_name="Smith")
    assert len(search(signed_in, clinic, name="Smith").context["found"]) == 20


def test_a_search_needs_something_to_search_for(signed_in, clinic, patients):
    response = search(signed_in, clinic)
    assert response.context["found"] == [] and "Enter a name" in response.content.decode()


def test_a_get_with_a_query_does_not_search(signed_in, clinic, patients):
    url = reverse("diary-patient-search", args=[clinic.location.slug])
    assert signed_in.get(url, {"find_name": "Lovelace"}).status_code == 405
    response = signed_in.get(book_url(clinic), {"find_name": "Lovelace", "name": "Lovelace"})
    assert "Ada Lovelace" not in response.content.decode()
    assert not response.context.get("found")


def test_a_plain_search_shows_the_whole_form_with_the_results(signed_in, clinic, patients):
    url = reverse("diary-patient-search", args=[clinic.location.slug])
    response = signed_in.post(url, {"find_name": "Lovelace", "time": "10:00", "date": "2026-12-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada Lovelace" in html and 'name="treatment"' in html and 'value="10:00"' in html


# --- move --------------------------------------------------------------------------------------------


def move_url(appointment) -> str:
    return reverse("diary-appointment-move", args=[appointment.pk])


def test_the_move_page_lists_free_target_slots_of_the_same_length(signed_in, clinic):
    appointment = book(clinic, at(10))
    response = signed_in.get(move_url(appointment))
    assert response.status_code == 200
    targets = {t["practitioner"]: t for t in response.context["targets"]}
    assert set(targets) == {clinic.practitioner.pk, clinic.other.pk}
    assert response.context["targets"][0]["practitioner"] == clinic.practitioner.pk  # own practitioner first
    starts = [start for _, start in targets[clinic.practitioner.pk]["slots"]]
    assert at(9) in starts and at(10) in starts  # the appointment does not block its own move


def test_it_moves_an_appointment_to_a_free_slot(signed_in, clinic):
    appointment = book(clinic, at(10))
    response = signed_in.post(
        move_url(appointment), {"date": "2026-12-03", "time": "14:00", "practitioner": clinic.other.pk}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.start, appointment.end, appointment.practitioner) == (at(14), at(14, 30), clinic.other)


def test_it_moves_by_picking_a_listed_slot_with_htmx_and_returns_the_grid(signed_in, clinic):
    appointment = book(clinic, at(10))
    response = signed_in.post(move_url(appointment), {"slot": f"{at(15).isoformat()}|{clinic.practitioner.pk}"}, **HX)
    assert response.status_code == 200
    assert response.templates[0].name == "bookings/diary/_grid.html" and "Moved" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.start == at(15)


def test_moving_onto_a_busy_slot_is_refused_and_changes_nothing(signed_in, clinic):
    appointment = book(clinic, at(10))
    book(clinic, at(14), patient=make_patient())
    data = {"date": "2026-12-03", "time": "14:00", "practitioner": clinic.practitioner.pk}
    htmx = signed_in.post(move_url(appointment), data, **HX)
    assert htmx.status_code == 409
    assert "the practitioner has another appointment then" in htmx.content.decode() and htmx.context["alternatives"]
    plain = signed_in.post(move_url(appointment), data)
    assert plain.status_code == 200
    assert "the practitioner has another appointment then" in str(plain.context["form"].non_field_errors())
    appointment.refresh_from_db()
    assert appointment.start == at(10) and appointment.practitioner == clinic.practitioner


# --- cancel and status -------------------------------------------------------------------------------


def test_cancelling_needs_a_reason(signed_in, clinic):
    appointment = book(clinic, at(10))
    url = reverse("diary-appointment-cancel", args=[appointment.pk])
    response = signed_in.post(url, {"reason": "  "})
    assert response.status_code == 200 and "reason" in response.context["cancel_form"].errors
    assert signed_in.post(url, {"reason": ""}, **HX).status_code == 400
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_it_cancels_with_a_reason(signed_in, clinic):
    appointment = book(clinic, at(10))
    url = reverse("diary-appointment-cancel", args=[appointment.pk])
    response = signed_in.post(url, {"reason": "Patient phoned: unwell", "view": "rooms"})
    assert response.status_code == 302 and response.url.endswith("?date=2026-12-03&view=rooms")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancel_reason == "Patient phoned: unwell"


def status(client, appointment, value, **extra):
    return client.post(reverse("diary-appointment-status", args=[appointment.pk]), {"status": value}, **extra)


def test_arrived_then_completed(signed_in, clinic, reception, time_machine):
    clear(clinic)  # the gate's refusals: tests/bookings/test_clearance.py
    appointment = book(clinic, at(10))
    time_machine.move_to(at(10, 5))
    signed_in.force_login(reception)  # two days on: the staff session has expired
    assert status(signed_in, appointment, "arrived").status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ARRIVED
    time_machine.move_to(at(10, 20))  # within the staff idle timeout
    response = status(signed_in, appointment, "completed", **HX)
    assert response.status_code == 200 and response.templates[0].name == "bookings/diary/_grid.html"
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.COMPLETED


def test_no_show(signed_in, clinic, reception, time_machine):
    appointment = book(clinic, at(10))
    time_machine.move_to(at(10, 30))
    signed_in.force_login(reception)
    assert status(signed_in, appointment, "no_show").status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW


def test_completing_a_cancelled_appointment_is_refused(signed_in, clinic):
    appointment = book(clinic, at(10))
    Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.CANCELLED)
    htmx = status(signed_in, appointment, "completed", **HX)
    assert htmx.status_code == 409 and "cannot be marked completed" in htmx.content.decode()
    plain = status(signed_in, appointment, "completed")
    assert plain.status_code == 302
    assert "cannot be marked completed" in signed_in.get(plain.url).content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_an_unknown_status_is_refused(signed_in, clinic):
    appointment = book(clinic, at(10))
    assert status(signed_in, appointment, "cancelled", **HX).status_code == 400
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


# --- the appointment panel and access ---------------------------------------------------------------


def test_the_panel_shows_the_intake_status_never_its_answers(signed_in, clinic):
    from intake.models import Intake

    Intake.objects.create(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        status=Intake.Status.NEEDS_REVIEW,
        answers={"medications": "Isotretinoin 20mg"},
    )
    appointment = book(clinic, at(10))
    html = signed_in.get(reverse("diary-appointment", args=[appointment.pk])).content.decode()
    assert "needs review" in html and "Isotretinoin" not in html
    assert "Mark arrived" in html and "Reason for cancelling" in html and "Move" in html
    assert reverse("patient-record", args=[clinic.patient.pk]) in html  # contact details and history


def test_the_grid_links_each_appointment_to_its_panel(signed_in, clinic):
    appointment = book(clinic, at(10))
    html = signed_in.get(reverse("diary-day", args=[clinic.location.slug]), {"date": "2026-12-03"}).content.decode()
    assert reverse("diary-appointment", args=[appointment.pk]) in html


@pytest.fixture
def reception_elsewhere(clinic):
    user = UserFactory()
    user_set_roles(user=user, roles=[Role.RECEPTION])
    LocationFactory().staff.add(user)
    return user


def test_another_locations_appointment_is_404_for_reception_there(client, clinic, reception_elsewhere):
    appointment = book(clinic, at(10))
    client.force_login(reception_elsewhere)
    for name in ("diary-appointment", "diary-appointment-move"):
        assert client.get(reverse(name, args=[appointment.pk])).status_code == 404
    assert client.post(move_url(appointment), {"date": "2026-12-03", "time": "14:00"}).status_code == 404
    assert client.post(reverse("diary-appointment-cancel", args=[appointment.pk]), {"reason": "x"}).status_code == 404
    assert status(client, appointment, "arrived").status_code == 404
    assert client.get(book_url(clinic)).status_code == 404
    assert client.post(book_url(clinic), booking_data(clinic, patient=clinic.patient.pk)).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_patients_get_404(client, clinic):
    appointment = book(clinic, at(10))
    client.force_login(clinic.patient.user)
    assert client.get(reverse("diary-appointment", args=[appointment.pk])).status_code == 404
    assert client.post(reverse("diary-appointment-cancel", args=[appointment.pk]), {"reason": "x"}).status_code == 404
    assert client.get(book_url(clinic)).status_code == 404
    assert search(client, clinic, name="a").status_code == 404


def test_the_panel_and_the_booking_form_use_a_bounded_number_of_queries(
    signed_in, clinic, django_assert_max_num_queries
):
    appointment = book(clinic, at(10))
    # 10 for the panel, 4 for billing's till on it (clinic/extensions.py): the visit's invoices,
    # its payments with the patient's credit, its deposit, its course's package.
    with django_assert_max_num_queries(14):
        assert signed_in.get(reverse("diary-appointment", args=[appointment.pk])).status_code == 200
    with django_assert_max_num_queries(14):
        assert (
            signed_in.get(
                book_url(clinic), {"practitioner": clinic.practitioner.pk, "date": "2026-12-03", "time": "10:00"}
            ).status_code
            == 200
        )
    with django_assert_max_num_queries(16):
        assert signed_in.get(move_url(appointment)).status_code == 200
    for _ in range(5):
        make_patient()
    with django_assert_max_num_queries(8):
        search(signed_in, clinic, name="a")


def test_the_booking_form_lists_only_the_chosen_treatment_s_areas(signed_in, clinic):
    html = signed_in.get(book_url(clinic), {"practitioner": clinic.practitioner.pk, "date": DAY.isoformat()}).text
    area_select = html.split('name="area"', 1)[1].split("</select>", 1)[0]
    skin = set(clinic.treatment.areas.values_list("name", flat=True))
    assert all(name in area_select for name in skin)
    assert "Thighs" not in area_select and "Abdomen" not in area_select  # other treatments' areas


def test_changing_the_treatment_shows_its_areas_without_javascript_and_books_nothing(signed_in, clinic):
    from treatments.models import Treatment

    fat = Treatment.objects.get(indication="FAT")
    data = booking_data(clinic, patient="new", first_name="Wanda", treatment=fat.pk, action="areas")
    response = signed_in.post(book_url(clinic), data)
    assert response.status_code == 200 and not Appointment.objects.exists()
    html = response.content.decode()
    area_select = html.split('name="area"', 1)[1].split("</select>", 1)[0]
    assert "Abdomen" in area_select and "Face (30 minutes)" not in area_select
    assert 'value="Wanda"' in html  # what was typed stays
    form = response.context["form"]
    assert form.initial["area"] == fat.areas.order_by("position", "name").first().pk


def test_with_htmx_the_treatment_swaps_in_its_areas_only(signed_in, clinic):
    from treatments.models import Treatment

    fat = Treatment.objects.get(indication="FAT")
    response = signed_in.post(
        book_url(clinic), booking_data(clinic, patient="", treatment=fat.pk, action="areas"), **HX
    )
    assert response.status_code == 200 and "HX-Retarget" not in response
    assert 'id="area-field"' in response.content.decode()
    html = signed_in.get(book_url(clinic)).content.decode()
    assert 'hx-trigger="change"' in html and 'hx-target="#area-field"' in html


def test_past_cells_today_offer_nothing_to_book(signed_in, clinic, reception, time_machine):
    time_machine.move_to(datetime(2026, 12, 3, 11, 5, tzinfo=UTC))
    signed_in.force_login(reception)  # two days on: the staff session has expired
    html = signed_in.get(reverse("diary-day", args=[clinic.location.slug]), {"date": DAY.isoformat()}).text
    assert "Free: book 11:00" not in html and "Free: book 10:45" not in html and "Free: book 09:00" not in html
    assert "Free: book 11:15" in html and "Past" in html
    tomorrow = signed_in.get(reverse("diary-day", args=[clinic.location.slug]), {"date": "2026-12-04"}).text
    assert "Free: book 09:00" in tomorrow
    yesterday = signed_in.get(reverse("diary-day", args=[clinic.location.slug]), {"date": "2026-12-02"}).text
    assert "Free: book" not in yesterday
