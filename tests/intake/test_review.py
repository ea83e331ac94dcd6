"""The practitioner's review pages: the queue, one intake's review, and the safety rule that an
intake with an absolute contraindication never ends cleared, whichever way is tried."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from bookings.appointments.services import appointment_book
from bookings.models import Appointment, Course
from clinic.models import AuditEvent
from clinic.roles import Role, user_set_roles
from intake.consent import consent_record
from intake.models import Intake, Review
from intake.selectors import intake_questions
from intake.services import intake_open, intake_save_answers, intake_submit
from intake.signals import intake_cleared
from tests.bookings.conftest import NOW, make_patient, make_practitioner
from tests.factories import LocationFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("frozen_now"),
]
Status = Intake.Status
QUEUE = "/practitioner/reviews/"


def detail_url(intake: Intake) -> str:
    return f"/practitioner/reviews/{intake.pk}/"


def clean_answers(intake: Intake) -> dict:
    answers = {item.code: False for item in intake_questions(intake)}
    answers.update(
        medications=[],
        allergies=[],
        height_cm=170,
        weight_kg=65,
        weight_stable=True,
        hsv_frequency="never",
        hsv_after_procedure=False,
        expectations="Fresher skin",
    )
    return answers


def submitted(clinic, patient=None, **changes) -> Intake:
    patient = patient or clinic.patient
    intake = intake_open(patient=patient, treatment=clinic.treatment, area=clinic.area)
    intake_save_answers(intake=intake, answers={**clean_answers(intake), **changes}, by=patient.user)
    consent_record(intake=intake, typed_name=patient.full_name, agreed=True, address="127.0.0.1", now=NOW)
    return intake_submit(intake=intake, by=patient.user, now=NOW)


def book(clinic, patient, *, days: int, hour: int = 10) -> Appointment:
    """A first session at the practitioner's location: it starts a course awaiting the intake."""
    return appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=(NOW + timedelta(days=days)).replace(hour=hour),
        by=patient.user,
        practitioner=clinic.practitioner,
        now=NOW,
    )


def needs_review(clinic, patient=None, *, days: int | None = 2) -> Intake:
    patient = patient or clinic.patient
    if days is not None:
        book(clinic, patient, days=days)
    return submitted(clinic, patient, ANTITHROMBOTIC=False, medications=["Eliquis 5mg"])


def not_suitable(clinic, patient=None, *, days: int = 2) -> Intake:
    patient = patient or clinic.patient
    book(clinic, patient, days=days)
    return submitted(clinic, patient, PREG=True)


@pytest.fixture
def practitioner_client(client, clinic):
    client.force_login(clinic.practitioner.user)
    return client


def approve_data(**extra) -> dict:
    return {
        "decision": "approve",
        "finding_ANTITHROMBOTIC": "proceed",
        "sessions": "5",
        "interval_days": "21",
        "notes": "Discussed bruising",
        **extra,
    }


# --- The queue ----------------------------------------------------------------------------------


def test_the_queue_lists_intakes_needing_review_soonest_appointment_first(practitioner_client, clinic):
    later = needs_review(clinic, make_patient(first_name="Later"), days=5)
    unbooked = needs_review(clinic, make_patient(first_name="Unbooked"), days=None)
    Appointment.objects.create(  # an appointment elsewhere in the clinic lets the practitioner see the patient
        patient=unbooked.patient,
        practitioner=clinic.practitioner,
        room=clinic.rooms[0],
        location=clinic.location,
        treatment=clinic.treatment,
        area=clinic.area,
        start=NOW - timedelta(days=30),
        end=NOW - timedelta(days=30) + timedelta(minutes=30),
        status=Appointment.Status.COMPLETED,
    )
    unbooked.patient.locations.add(clinic.location)  # what the booking service records
    soonest = needs_review(clinic, make_patient(first_name="Soonest"), days=2)
    cleared = submitted(clinic, make_patient(first_name="Cleared"))

    response = practitioner_client.get(QUEUE)

    assert response.status_code == 200
    assert [i.pk for i in response.context["needs_review"]] == [soonest.pk, later.pk, unbooked.pk]
    assert response.context["not_suitable"] == []
    html = response.content.decode()
    assert cleared.patient.full_name not in html
    assert html.index(soonest.patient.full_name) < html.index(later.patient.full_name)
    # The count of findings by severity, the severity in words (not colour alone).
    assert response.context["needs_review"][0].severity_counts == [
        {"label": "Relative", "severity": "RELATIVE", "count": 1}
    ]
    assert "Relative</span> 1" in " ".join(html.split())
    assert f"{clinic.treatment.name}: {clinic.area.name.lower()}" in html
    assert "None booked" in html  # the unbooked patient's next appointment


def test_the_queue_orders_by_the_appointment_of_the_questionnaire_s_own_treatment(practitioner_client, clinic):
    from treatments.models import Treatment

    busy = make_patient(first_name="Busy")
    busy_skin = needs_review(clinic, busy, days=6)
    other = needs_review(clinic, make_patient(first_name="Other"), days=3)
    # Busy also has fat reduction tomorrow: a different treatment, another questionnaire.
    fat = Treatment.objects.get(indication="FAT")
    fat.practitioners.add(clinic.practitioner)
    tomorrow = appointment_book(
        patient=busy,
        treatment=fat,
        area=fat.areas.get(slug="abdomen"),
        location=clinic.location,
        start=(NOW + timedelta(days=1)).replace(hour=14),
        by=busy.user,
        practitioner=clinic.practitioner,
        now=NOW,
    )
    response = practitioner_client.get(QUEUE)
    assert [i.pk for i in response.context["needs_review"]] == [other.pk, busy_skin.pk]
    busy_skin.refresh_from_db()
    skin_session = Appointment.objects.get(patient=busy, treatment=clinic.treatment)
    assert busy_skin.needed_by == skin_session.start != tomorrow.start
    row = response.content.decode().split(busy.full_name, 1)[1].split("</tr>", 1)[0]
    assert f"{skin_session.start:%a} {skin_session.start.day} {skin_session.start:%b %Y}" in row
    # Moving the skin session before the other patient's moves the questionnaire up the queue.
    from bookings.appointments.services import appointment_reschedule

    appointment_reschedule(
        appointment=skin_session, start=(NOW + timedelta(days=2)).replace(hour=11), by=busy.user, now=NOW
    )
    assert [i.pk for i in practitioner_client.get(QUEUE).context["needs_review"]] == [busy_skin.pk, other.pk]


def test_not_suitable_intakes_are_shown_apart_to_call_the_patient(practitioner_client, clinic):
    intake = not_suitable(clinic)
    response = practitioner_client.get(QUEUE)
    assert [i.pk for i in response.context["not_suitable"]] == [intake.pk]
    assert response.context["needs_review"] == []
    assert "Not suitable: call the patient" in response.content.decode()


def test_the_queue_query_count_does_not_grow_with_the_number_of_intakes(
    practitioner_client, clinic, django_assert_max_num_queries
):
    needs_review(clinic, make_patient(), days=2)
    with CaptureQueriesContext(connection) as few:
        assert practitioner_client.get(QUEUE).status_code == 200
    for days in (3, 4, 5, 6):
        needs_review(clinic, make_patient(), days=days)
    not_suitable(clinic, make_patient(), days=7)
    with django_assert_max_num_queries(len(few)) as many:
        response = practitioner_client.get(QUEUE)
    assert len(response.context["needs_review"]) == 5 and len(response.context["not_suitable"]) == 1
    assert len(many) == len(few)


def test_a_practitioner_sees_only_patients_of_their_locations(client, clinic):
    needs_review(clinic)
    elsewhere = make_practitioner(LocationFactory(), clinic.treatment)
    client.force_login(elsewhere.user)
    assert client.get(QUEUE).context["needs_review"] == []
    intake = Intake.objects.get()
    assert client.get(detail_url(intake)).status_code == 404


def test_a_clinic_manager_sees_every_intake_to_review(client, clinic, manager_user):
    intake = needs_review(clinic)
    client.force_login(manager_user)
    assert [i.pk for i in client.get(QUEUE).context["needs_review"]] == [intake.pk]


# --- One intake's review ------------------------------------------------------------------------


def test_the_review_shows_each_finding_beside_its_trigger_and_audits_the_view(practitioner_client, clinic):
    intake = needs_review(clinic)

    response = practitioner_client.get(detail_url(intake))

    assert response.status_code == 200
    html = response.content.decode()
    [group] = response.context["groups"]
    assert group["code"] == "ANTITHROMBOTIC" and group["answer"] == "No"
    [finding] = group["findings"]
    assert finding["trigger"] == "Eliquis 5mg" and finding["severity_short"] == "Relative"
    # The trigger, the message and the severity in words sit together in the finding's card.
    card = html[html.index('id="finding-ANTITHROMBOTIC"') :]
    card = card[: card.index("</article>")]
    assert "Eliquis 5mg" in card and escape(finding["message"]) in card and "Relative" in card
    assert "Relative: a practitioner must review" in card
    # The whole questionnaire as submitted, the patient's age and the consent.
    assert "Are you pregnant, trying to conceive, or breastfeeding?" in html
    assert response.context["age"] == 38 and "Signed by" in html
    assert 'value="approve"' in html and 'value="decline"' in html
    event = AuditEvent.objects.get(action="intake.view")
    assert (event.actor, event.patient, event.object_id) == (clinic.practitioner.user, intake.patient, str(intake.pk))
    practitioner_client.get(detail_url(intake))
    assert AuditEvent.objects.filter(action="intake.view").count() == 2  # every view, not only the first


def test_approving_clears_the_intake_and_sends_intake_cleared_once(
    practitioner_client, clinic, django_capture_on_commit_callbacks
):
    intake = needs_review(clinic)
    course = Course.objects.get(patient=clinic.patient)
    received = []
    intake_cleared.connect(lambda sender, **kw: received.append(kw), weak=False, dispatch_uid="review-page-test")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = practitioner_client.post(detail_url(intake), approve_data())
    finally:
        intake_cleared.disconnect(dispatch_uid="review-page-test")

    assert response.status_code == 302 and response.url == QUEUE
    intake.refresh_from_db()
    course.refresh_from_db()
    assert intake.status == Status.CLEARED
    assert [(r["intake_id"], r["sessions"], r["interval_days"]) for r in received] == [(intake.pk, 5, 21)]
    assert (course.status, course.sessions_planned, course.interval_days) == (Course.Status.SCHEDULED, 5, 21)
    assert course.appointments.active().count() == 5
    review = Review.objects.get(intake=intake)
    assert review.practitioner == clinic.practitioner and review.notes == "Discussed bruising"
    assert review.finding_decisions == {"ANTITHROMBOTIC": {"decision": "proceed", "notes": ""}}


def test_declining_cancels_the_held_appointments_and_emails_the_patient(
    practitioner_client, clinic, django_capture_on_commit_callbacks, mailoutbox, dispatch_after_commit
):
    intake = needs_review(clinic)
    held = Appointment.objects.get(patient=clinic.patient)
    with django_capture_on_commit_callbacks(execute=True):
        response = practitioner_client.post(
            detail_url(intake),
            {
                "decision": "decline",
                "finding_ANTITHROMBOTIC": "decline",
                "sessions": "5",
                "interval_days": "21",
                "notes": "Refer to GP",
            },
        )
    assert response.status_code == 302
    intake.refresh_from_db()
    held.refresh_from_db()
    assert intake.status == Status.DECLINED
    assert held.status == Appointment.Status.CANCELLED
    assert [m.to for m in mailoutbox if "not the right choice" in m.body] == [[clinic.patient.email]]


def test_approving_needs_a_decision_on_every_finding(practitioner_client, clinic):
    intake = needs_review(clinic)
    response = practitioner_client.post(detail_url(intake), approve_data(finding_ANTITHROMBOTIC=""))
    assert response.status_code == 200
    assert "finding_ANTITHROMBOTIC" in response.context["form"].errors
    intake.refresh_from_db()
    assert intake.status == Status.NEEDS_REVIEW


def test_a_refusal_by_the_service_shows_as_a_form_error(practitioner_client, clinic):
    intake = needs_review(clinic)
    response = practitioner_client.post(detail_url(intake), approve_data(finding_ANTITHROMBOTIC="decline"))
    assert response.status_code == 200
    assert "decline the intake instead" in " ".join(response.context["form"].non_field_errors())
    assert "Please correct 1 problem" in response.content.decode()
    intake.refresh_from_db()
    assert intake.status == Status.NEEDS_REVIEW


def test_a_course_length_outside_the_protocol_is_refused(practitioner_client, clinic):
    intake = needs_review(clinic)
    response = practitioner_client.post(detail_url(intake), approve_data(sessions="9", interval_days="60"))
    assert response.status_code == 200
    assert {"sessions", "interval_days"} <= set(response.context["form"].errors)
    intake.refresh_from_db()
    assert intake.status == Status.NEEDS_REVIEW


def test_the_form_offers_the_protocol_defaults(practitioner_client, clinic):
    intake = needs_review(clinic)
    form = practitioner_client.get(detail_url(intake)).context["form"]
    assert [value for value, _ in form.fields["sessions"].choices] == [4, 5, 6]
    assert form["sessions"].value() == clinic.treatment.sessions_default
    assert form["interval_days"].value() == clinic.treatment.interval_default_days


# --- An absolute contraindication never ends cleared --------------------------------------------


def test_a_not_suitable_intake_offers_no_approve_and_the_page_refuses_one(practitioner_client, clinic):
    intake = not_suitable(clinic)
    html = practitioner_client.get(detail_url(intake)).content.decode()
    assert 'value="approve"' not in html and 'value="decline"' in html
    assert "Absolute: do not treat" in html

    response = practitioner_client.post(
        detail_url(intake), {"decision": "approve", "finding_PREG": "proceed", "sessions": "5", "interval_days": "21"}
    )

    assert response.status_code == 200
    assert any("cannot be approved" in str(m) for m in response.context["messages"])
    intake.refresh_from_db()
    assert intake.status == Status.NOT_SUITABLE
    assert not Review.objects.exists()


def test_a_not_suitable_intake_can_be_declined(practitioner_client, clinic):
    intake = not_suitable(clinic)
    response = practitioner_client.post(detail_url(intake), {"decision": "decline", "notes": "Called the patient"})
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.status == Status.DECLINED


def test_the_admin_has_no_way_to_change_an_intake(client, clinic, manager_user):
    intake = not_suitable(clinic)
    client.force_login(manager_user)
    assert client.get("/admin/").status_code == 200  # the manager does reach the admin
    assert client.get("/admin/intake/intake/").status_code == 404
    assert client.get(f"/admin/intake/intake/{intake.pk}/change/").status_code == 404
    assert client.post(f"/admin/intake/intake/{intake.pk}/change/", {"status": "cleared"}).status_code == 404
    intake.refresh_from_db()
    assert intake.status == Status.NOT_SUITABLE


# --- Who may not ---------------------------------------------------------------------------------


def test_reception_gets_404_on_the_review_pages(client, clinic, reception):
    intake = needs_review(clinic)
    client.force_login(reception)
    assert client.get(QUEUE).status_code == 404
    assert client.get(detail_url(intake)).status_code == 404
    assert client.post(detail_url(intake), approve_data()).status_code == 404
    intake.refresh_from_db()
    assert intake.status == Status.NEEDS_REVIEW
    assert not AuditEvent.objects.filter(action="intake.view").exists()


def test_patients_get_404_and_visitors_are_sent_to_sign_in(client, clinic):
    intake = needs_review(clinic)
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(clinic.patient.user)
    assert client.get(QUEUE).status_code == 404
    assert client.get(detail_url(intake)).status_code == 404


def test_a_manager_reads_the_review_but_only_a_practitioner_decides(client, clinic, manager_user):
    intake = needs_review(clinic)
    client.force_login(manager_user)
    response = client.get(detail_url(intake))
    assert response.status_code == 200 and 'value="approve"' not in response.content.decode()
    response = client.post(detail_url(intake), approve_data())
    assert response.status_code == 200
    intake.refresh_from_db()
    assert intake.status == Status.NEEDS_REVIEW


def test_a_manager_who_also_works_reception_still_reads_the_review(client, clinic):
    user = UserFactory()
    user_set_roles(user=user, roles=[Role.RECEPTION, Role.MANAGER])
    intake = needs_review(clinic)
    client.force_login(user)
    assert client.get(detail_url(intake)).status_code == 200
