"""No treatment without clearance: completing and recording a session, in the services, the diary,
the practitioner's day and the API (the rule itself: test_clearance_rule.py)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from bookings.appointments.clearance import NotCleared, clearance_facts_for
from bookings.appointments.clearance_services import appointment_clearance_override
from bookings.appointments.services import appointment_set_status
from bookings.models import Appointment
from clinic.models import AuditEvent, Notification
from clinic.outbox import outbox_dispatch
from intake.models import Consent, Intake
from tests.bookings.practice import appointment_at, record_data, recorded
from tests.clearance import clear, clear_for_treatment, recheck
from treatments.models import Treatment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

# NOW is Tuesday 1 December 2026, 08:00 UTC (London is on GMT).
TODAY_9 = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # an hour ago: the patient is in the chair
HX = {"HTTP_HX_REQUEST": "true"}


def arrived(clinic, **kwargs) -> Appointment:
    return appointment_at(clinic, TODAY_9, status=Appointment.Status.ARRIVED, **kwargs)


def complete(appointment, by):
    return appointment_set_status(appointment=appointment, status="completed", by=by)


def test_completing_without_a_questionnaire_is_refused_with_the_reasons(clinic, reception):
    appointment = arrived(clinic)
    with pytest.raises(NotCleared) as refused:
        complete(appointment, reception)
    assert [p.code for p in refused.value.problems] == ["no_questionnaire", "no_consent"]
    assert "No health questionnaire for skin rejuvenation (face) has been started" in refused.value.message
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ARRIVED


def test_a_cleared_questionnaire_and_consent_let_the_session_complete(clinic, reception):
    clear(clinic)
    appointment = complete(arrived(clinic), reception)
    assert appointment.status == Appointment.Status.COMPLETED


def test_the_clearance_must_be_valid_on_the_session_s_date(clinic, reception):
    clear(clinic, valid_until=date(2026, 11, 30))
    with pytest.raises(NotCleared, match="was cleared until 30 November 2026"):
        complete(arrived(clinic), reception)


def test_the_session_s_local_date_counts_not_the_utc_one(clinic, reception):
    # 23:30 UTC on 30 November is 10:30 on 1 December in Auckland: a clearance until 30 November
    # has run out there.
    clinic.location.timezone = "Pacific/Auckland"
    clinic.location.save()
    clear(clinic, valid_until=date(2026, 11, 30))
    appointment = appointment_at(clinic, datetime(2026, 11, 30, 21, 30, tzinfo=UTC), status="arrived")
    with pytest.raises(NotCleared, match="before this session on 1 December 2026"):
        complete(appointment, reception)


def test_a_questionnaire_waiting_for_review_stops_the_session(clinic, reception):
    intake = clear(clinic)
    Intake.objects.filter(pk=intake.pk).update(status=Intake.Status.NEEDS_REVIEW)
    with pytest.raises(NotCleared, match="waiting for a practitioner's review"):
        complete(arrived(clinic), reception)


def test_consent_to_another_area_does_not_count_but_an_old_consent_naming_no_area_does(clinic, reception):
    intake = clear(clinic)
    consent = Consent.objects.get(intake=intake)
    consent.areas.set([clinic.treatment.areas.get(slug="hands")])
    appointment = arrived(clinic)
    with pytest.raises(NotCleared, match="Consent to skin rejuvenation on the face has not been signed"):
        complete(appointment, reception)
    consent.areas.clear()  # signed before areas were recorded: the wording listed every area
    assert complete(appointment, reception).status == Appointment.Status.COMPLETED


def test_a_later_session_needs_the_patient_to_confirm_nothing_has_changed(clinic, reception):
    intake = clear(clinic)
    appointment_at(clinic, TODAY_9 - timedelta(days=14))  # the first session, completed
    second = arrived(clinic)
    with pytest.raises(NotCleared, match="has not confirmed that nothing has changed .* on 17 November 2026"):
        complete(second, reception)
    recheck(intake, TODAY_9 - timedelta(days=13))  # the day after the first session: counts
    assert complete(second, reception).status == Appointment.Status.COMPLETED


def test_a_recheck_before_the_previous_session_does_not_count(clinic, reception):
    intake = clear(clinic)
    recheck(intake, TODAY_9 - timedelta(days=15))
    appointment_at(clinic, TODAY_9 - timedelta(days=14))
    with pytest.raises(NotCleared):
        complete(arrived(clinic), reception)


def test_a_consultation_is_not_gated(clinic, reception):
    appointment = arrived(clinic, kind=Appointment.Kind.CONSULTATION)
    assert complete(appointment, reception).status == Appointment.Status.COMPLETED


def test_recording_a_session_is_gated_too(clinic):
    appointment = appointment_at(clinic, cleared=False)  # completed before the gate existed
    with pytest.raises(NotCleared):
        recorded_without_clearance(clinic, appointment)


def recorded_without_clearance(clinic, appointment):
    from bookings.appointments.records import session_record_save

    return session_record_save(
        appointment=appointment, by=appointment.practitioner.user, data=record_data(clinic), now=datetime.now(UTC)
    )


def test_the_practitioner_goes_ahead_with_a_reason_audited_by_codes_only(clinic, reception):
    appointment = arrived(clinic)
    reason = "Known patient, GP letter on file confirms no change; questionnaire to follow"
    appointment_clearance_override(
        appointment=appointment, reason=reason, by=clinic.practitioner.user, now=datetime.now(UTC)
    )
    assert complete(appointment, reception).status == Appointment.Status.COMPLETED
    record = recorded(clinic, appointment)
    assert record.pk
    event = AuditEvent.objects.get(action="appointment.clearance_override")
    assert event.actor == clinic.practitioner.user and event.details == {"codes": ["no_consent", "no_questionnaire"]}
    assert "GP letter" not in json.dumps(event.details)


def test_only_the_appointment_s_practitioner_may_go_ahead_and_only_with_a_reason(clinic, reception):
    from django.core.exceptions import PermissionDenied, ValidationError

    appointment = arrived(clinic)
    for user in (reception, clinic.other.user):
        with pytest.raises(PermissionDenied):
            appointment_clearance_override(
                appointment=appointment, reason="A sufficient reason here", by=user, now=datetime.now(UTC)
            )
    with pytest.raises(ValidationError):
        appointment_clearance_override(
            appointment=appointment, reason="ok", by=clinic.practitioner.user, now=datetime.now(UTC)
        )


def test_a_new_problem_after_the_reason_stops_the_session_again(clinic, reception):
    intake = clear(clinic)
    Intake.objects.filter(pk=intake.pk).update(status=Intake.Status.NEEDS_REVIEW)
    appointment = arrived(clinic)
    appointment_clearance_override(
        appointment=appointment,
        reason="Reviewed the findings in person",
        by=clinic.practitioner.user,
        now=datetime.now(UTC),
    )
    Intake.objects.filter(pk=intake.pk).update(status=Intake.Status.NOT_SUITABLE)
    with pytest.raises(NotCleared, match="not suitable"):
        complete(appointment, reception)


def test_the_facts_of_many_appointments_load_in_a_fixed_number_of_queries(clinic, django_assert_max_num_queries):
    appointments = [appointment_at(clinic, TODAY_9 + timedelta(hours=h), status="booked") for h in range(6)]
    for appointment in appointments:
        appointment.location, appointment.treatment, appointment.area = clinic.location, clinic.treatment, clinic.area
    with django_assert_max_num_queries(6):
        facts = clearance_facts_for(appointments)
    assert len(facts) == 6


# --- the diary's panel and the practitioner's day ---------------------------------------------


def panel(client, appointment):
    return client.get(reverse("diary-appointment", args=[appointment.pk])).content.decode()


def test_reception_sees_why_and_can_email_the_questionnaire(client, clinic, reception):
    appointment = arrived(clinic, course=None)
    from bookings.appointments.courses import course_for_booking

    course, _ = course_for_booking(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        practitioner_id=clinic.practitioner.pk,
        start=appointment.start,
        by=reception,
        now=datetime.now(UTC),
    )
    Appointment.objects.filter(pk=appointment.pk).update(course=course, session_number=1)
    client.force_login(reception)
    html = panel(client, appointment)
    assert "Not cleared for treatment" in html
    assert "has not been sent yet" in html and "Email the questionnaire to the patient" in html
    assert reverse("practitioner-proceed", args=[appointment.pk]) not in html  # reception cannot go ahead
    mail.outbox.clear()
    outbox_dispatch(now=datetime.now(UTC))  # the booking's own request goes first
    response = client.post(reverse("diary-appointment-questionnaire", args=[appointment.pk]))
    assert response.status_code == 302
    assert Notification.objects.filter(kind="course.intake_request", about__startswith="resend:").count() == 1
    assert AuditEvent.objects.filter(action="intake.request_send", actor=reception).exists()
    outbox_dispatch(now=datetime.now(UTC))
    resent = mail.outbox[-1]
    assert (
        resent.to == [clinic.patient.email] and resent.subject == "Your health questionnaire, before your next session"
    )
    assert "/me/intake/" in resent.body


def test_marking_completed_in_the_diary_answers_409_with_the_reasons(client, clinic, reception):
    appointment = arrived(clinic)
    client.force_login(reception)
    url = reverse("diary-appointment-status", args=[appointment.pk])
    response = client.post(url, {"status": "completed"}, **HX)
    assert response.status_code == 409
    assert "cannot be completed or recorded yet" in response.content.decode()
    response = client.post(url, {"status": "completed"}, follow=True)  # without JavaScript
    assert "No health questionnaire for skin rejuvenation (face) has been started" in response.content.decode()


def test_the_practitioner_s_day_offers_the_review_and_going_ahead(client, clinic):
    intake = clear(clinic)
    Intake.objects.filter(pk=intake.pk).update(status=Intake.Status.NEEDS_REVIEW)
    appointment = arrived(clinic)
    client.force_login(clinic.practitioner.user)
    html = client.get(reverse("practitioner-day")).content.decode()
    assert "waiting for a practitioner&#x27;s review" in html
    assert f'href="/practitioner/reviews/{intake.pk}/"' in html and "Review the questionnaire now" in html
    assert reverse("practitioner-proceed", args=[appointment.pk]) in html
    response = client.post(
        reverse("practitioner-proceed", args=[appointment.pk]), {"reason": "Findings discussed in clinic today"}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.clearance_override_reason == "Findings discussed in clinic today"
    assert appointment.clearance_override_codes == ["in_review"]


def test_a_reason_too_short_is_a_form_error_and_a_colleague_gets_404(client, clinic):
    appointment = arrived(clinic)
    client.force_login(clinic.practitioner.user)
    response = client.post(reverse("practitioner-proceed", args=[appointment.pk]), {"reason": "ok"})
    assert response.status_code == 400 and "at least a sentence" in response.content.decode()
    client.force_login(clinic.other.user)
    assert client.get(reverse("practitioner-proceed", args=[appointment.pk])).status_code == 404


def test_the_practitioner_records_that_the_patient_says_nothing_has_changed(client, clinic, reception):
    clear(clinic)
    appointment_at(clinic, TODAY_9 - timedelta(days=14))
    second = arrived(clinic)
    client.force_login(clinic.practitioner.user)
    html = client.get(reverse("practitioner-day")).content.decode()
    assert "The patient confirms nothing has changed" in html
    response = client.post(reverse("practitioner-health-confirmed", args=[second.pk]))
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="intake.recheck")
    assert event.actor == clinic.practitioner.user and event.details == {"changed": False}
    assert complete(second, reception).status == Appointment.Status.COMPLETED


def test_the_session_record_shows_the_reason_for_going_ahead(client, clinic, reception):
    appointment = arrived(clinic)
    appointment_clearance_override(
        appointment=appointment,
        reason="Emergency cover, consent on paper",
        by=clinic.practitioner.user,
        now=datetime.now(UTC),
    )
    complete(appointment, reception)
    client.force_login(clinic.practitioner.user)
    html = client.get(reverse("session-record", args=[appointment.pk])).content.decode()
    assert "Went ahead without clearance" in html
    assert (
        "no health questionnaire, consent not signed" in html or "consent not signed, no health questionnaire" in html
    )
    assert "Emergency cover, consent on paper" in html
    client.force_login(reception)
    panel_html = panel(client, appointment)
    assert "Emergency cover" not in panel_html  # clinical free text: clinicians only


def test_the_api_status_endpoint_is_gated_with_409_and_the_reasons(clinic, reception):
    api = APIClient()
    api.force_authenticate(reception)
    appointment = arrived(clinic)
    response = api.post(f"/api/appointments/{appointment.pk}/status/", {"status": "completed"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "not_cleared"
    assert [r["code"] for r in body["reasons"]] == ["no_questionnaire", "no_consent"]
    assert "has been started" in body["reasons"][0]["detail"]


def test_a_fat_reduction_clearance_does_not_clear_skin_rejuvenation(clinic, reception):
    fat = Treatment.objects.get(indication="FAT")
    clear_for_treatment(clinic.patient, fat, fat.areas.first())
    with pytest.raises(NotCleared):
        complete(arrived(clinic), reception)
