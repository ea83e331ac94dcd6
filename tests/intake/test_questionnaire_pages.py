from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from bookings.appointments.services import appointment_book
from clinic.models import Patient
from intake.models import Consent, ConsentText, Intake, PhotoConsent
from intake.selectors import intake_questions
from intake.services import intake_open
from intake.web.patient.views import DONE_MESSAGES, KIND_MESSAGE
from tests.bookings import conftest as booking_fixtures
from tests.bookings.conftest import NOW, make_patient

clinic = booking_fixtures.clinic
reception = booking_fixtures.reception

pytestmark = pytest.mark.django_db

REVIEW_MESSAGE = DONE_MESSAGES[Intake.Status.NEEDS_REVIEW]
CLEAR_MESSAGE = DONE_MESSAGES[Intake.Status.CLEARED]
ABOUT = {"height_cm": "170", "weight_kg": "70", "weight_stable": "yes", "hsv_frequency": "never", "expectations": ""}


@pytest.fixture
def intake(clinic) -> Intake:
    return intake_open(patient=clinic.patient, treatment=clinic.treatment, area=clinic.area)


@pytest.fixture
def patient_client(client, clinic):
    client.force_login(clinic.patient.user)
    return client


def step_url(intake: Intake, step: int) -> str:
    return reverse("intake-step", args=[intake.pk, step])


def health_data(intake: Intake, **yes: bool) -> dict[str, str]:
    return {item.code: "yes" if yes.get(item.code) else "no" for item in intake_questions(intake)}


def fill(client, intake: Intake, *, up_to: int = 4, yes: dict | None = None, medications: str = "") -> None:
    """Answer steps 1..up_to through the pages, each answer the harmless one unless told otherwise."""
    posts = [
        health_data(intake, **(yes or {})),
        {"medications": medications, "allergies": ""},
        ABOUT,
        {"typed_name": intake.patient.full_name, "agreed": "on"},
    ]
    for step, data in enumerate(posts[:up_to], start=1):
        response = client.post(step_url(intake, step), {**data, "action": "next"})
        assert response.status_code == 302, response.content.decode()
        assert response["Location"] == step_url(intake, step + 1)


def submit(client, intake: Intake, **fill_kwargs) -> Intake:
    fill(client, intake, **fill_kwargs)
    response = client.post(step_url(intake, 5), {"action": "send"})
    assert response.status_code == 302
    assert response["Location"] == reverse("intake-done", args=[intake.pk])
    intake.refresh_from_db()
    return intake


# Each step renders its questions ----------------------------------------------------------------


def test_step_one_asks_exactly_the_applicable_yes_no_questions(patient_client, intake):
    response = patient_client.get(step_url(intake, 1))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Step 1 of 5: Your health" in html and 'class="progress-bar"' in html
    assert "Are you pregnant, trying to conceive, or breastfeeding?" in html
    assert "trouble swallowing" not in html  # DYSPHAGIA_NECK: fat reduction under the chin only
    assert "flag when under 18" not in html and "BMI is calculated" not in html  # computed, never asked
    questions = intake_questions(intake)
    assert html.count("<fieldset") == len(questions)
    for item in questions:
        assert f'id="id_{item.code}_0" value="yes"' in html and f'id="id_{item.code}_1" value="no"' in html
    assert "Save and finish later" in html


def test_step_two_shows_the_lists_and_the_date_of_birth_from_the_record(patient_client, intake):
    fill(patient_client, intake, up_to=1)
    html = patient_client.get(step_url(intake, 2)).content.decode()
    assert "Step 2 of 5: Medicines and allergies" in html
    assert "Medicines you take (one per line, as written on the box)" in html
    assert "Allergies (one per line)" in html
    assert "2 April 1988" in html and 'name="date_of_birth"' not in html


def test_step_three_asks_measurements_weight_cold_sores_and_hopes(patient_client, intake):
    fill(patient_client, intake, up_to=2)
    html = patient_client.get(step_url(intake, 3)).content.decode()
    assert "Step 3 of 5: About you" in html
    for text in (
        "Height (cm)",
        "Weight (kg)",
        "Has your weight been stable (within 5%) for the last 6 months?",
        "How often do you get cold sores?",
        "Did one follow a previous cosmetic procedure?",
        "What result do you hope for?",
    ):
        assert text in html
    assert 'type="number"' in html and "Your BMI" not in html


def test_step_four_shows_the_latest_consent_text_and_the_photo_choices(patient_client, intake):
    ConsentText.objects.create(treatment=intake.treatment, version=9, body="Version nine wording.\n\nSecond paragraph.")
    fill(patient_client, intake, up_to=3)
    html = patient_client.get(step_url(intake, 4)).content.decode()
    assert "Step 4 of 5: Consent" in html
    assert "<p>Version nine wording.</p>" in html and "(version 9)" in html
    assert "Type your full name" in html and "I agree" in html
    for purpose in PhotoConsent.Purpose:
        assert purpose.label in html


def test_the_consent_names_the_booked_area_only(patient_client, intake):
    fill(patient_client, intake, up_to=3)
    html = patient_client.get(step_url(intake, 4)).content.decode()
    assert (
        f"<p>I agree to a course of {intake.treatment.name.lower()} by mesotherapy on the area(s) I have chosen: "
        f"{intake.area.name.lower()}.</p>"
    ) in html
    assert "décolletage" not in html and "hands" not in html and "{areas}" not in html


def test_step_five_summarises_every_answer_in_words(patient_client, intake):
    fill(patient_client, intake, medications="Vitamin D")
    html = patient_client.get(step_url(intake, 5)).content.decode()
    assert "Step 5 of 5: Check and send" in html
    assert "Are you pregnant, trying to conceive, or breastfeeding?" in html and ">No<" in html
    assert "<li>Vitamin D</li>" in html and "170 cm" in html and "24.2" in html
    for step in (1, 2, 3, 4):
        assert f'href="{step_url(intake, step)}"' in html
    assert "Send to the clinic" in html


# Each step saves the draft; bad input saves nothing ---------------------------------------------


def test_step_one_saves_yes_no_answers_as_the_draft_and_moves_on(patient_client, intake):
    response = patient_client.post(step_url(intake, 1), {**health_data(intake, KELOID=True), "action": "next"})
    assert response.status_code == 302 and response["Location"] == step_url(intake, 2)
    intake.refresh_from_db()
    assert intake.answers["KELOID"] is True and intake.answers["PREG"] is False
    assert set(intake.answers) == {item.code for item in intake_questions(intake)}
    assert intake.status == Intake.Status.DRAFT


def test_saved_answers_are_ticked_on_the_next_visit(patient_client, intake):
    fill(patient_client, intake, up_to=1, yes={"KELOID": True})
    html = patient_client.get(step_url(intake, 1)).content.decode()
    assert 'id="id_KELOID_0" value="yes" checked' in html and 'id="id_PREG_1" value="no" checked' in html


def test_a_missing_yes_no_is_a_linked_error_and_saves_nothing(patient_client, intake):
    data = health_data(intake)
    del data["PREG"]
    response = patient_client.post(step_url(intake, 1), {**data, "action": "next"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and 'href="#id_PREG_0"' in html and "Choose yes or no." in html
    assert 'id="id_PREG_0"' in html
    intake.refresh_from_db()
    assert intake.answers == {}


def test_step_two_saves_the_non_empty_stripped_lines(patient_client, intake):
    fill(patient_client, intake, up_to=1)
    data = {"medications": "  Eliquis 5mg \n\n Vitamin D\n", "allergies": "\n", "action": "next"}
    response = patient_client.post(step_url(intake, 2), data)
    assert response["Location"] == step_url(intake, 3)
    intake.refresh_from_db()
    assert intake.answers["medications"] == ["Eliquis 5mg", "Vitamin D"] and intake.answers["allergies"] == []
    assert intake.step >= 2


def test_step_three_saves_the_measurements_and_shows_the_bmi_next_time(patient_client, intake):
    fill(patient_client, intake, up_to=2)
    response = patient_client.post(
        step_url(intake, 3), {**ABOUT, "hsv_frequency": "frequent", "hsv_after_procedure": "no", "action": "next"}
    )
    assert response["Location"] == step_url(intake, 4)
    intake.refresh_from_db()
    assert intake.answers["height_cm"] == 170 and intake.answers["weight_kg"] == 70
    assert intake.answers["weight_stable"] is True and intake.answers["hsv_frequency"] == "frequent"
    assert intake.answers["hsv_after_procedure"] is False
    assert "Your BMI: 24.2" in patient_client.get(step_url(intake, 3)).content.decode()


def test_a_height_of_500_and_a_weight_of_abc_are_refused_with_linked_errors(patient_client, intake):
    fill(patient_client, intake, up_to=2)
    response = patient_client.post(step_url(intake, 3), {**ABOUT, "height_cm": "500", "weight_kg": "abc"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_height_cm"' in html and "between 50 and 250" in html
    assert 'href="#id_weight_kg"' in html and "Enter your weight as a number of kilograms" in html
    intake.refresh_from_db()
    assert "height_cm" not in intake.answers and "weight_kg" not in intake.answers


def test_cold_sores_need_an_answer_about_past_procedures(patient_client, intake):
    fill(patient_client, intake, up_to=2)
    response = patient_client.post(step_url(intake, 3), {**ABOUT, "hsv_frequency": "occasional"})
    assert 'href="#id_hsv_after_procedure_0"' in response.content.decode()
    intake.refresh_from_db()
    assert "hsv_frequency" not in intake.answers


def test_save_and_finish_later_saves_and_returns_to_the_list(patient_client, intake):
    response = patient_client.post(step_url(intake, 1), {**health_data(intake), "action": "later"})
    assert response["Location"] == reverse("intake-list")
    intake.refresh_from_db()
    assert intake.answers["PREG"] is False
    html = patient_client.get(reverse("intake-list")).content.decode()
    assert "Not finished: please finish and send it" in html and f'href="{step_url(intake, 2)}"' in html


def test_later_steps_cannot_be_reached_before_the_earlier_ones_are_answered(patient_client, intake):
    response = patient_client.get(step_url(intake, 5))
    assert response.status_code == 302 and response["Location"] == step_url(intake, 1)
    response = patient_client.post(step_url(intake, 5), {"action": "send"})
    assert response["Location"] == step_url(intake, 1)
    intake.refresh_from_db()
    assert intake.status == Intake.Status.DRAFT


# Consent --------------------------------------------------------------------------------------------


def test_consent_with_a_wrong_name_is_refused(patient_client, intake):
    fill(patient_client, intake, up_to=3)
    response = patient_client.post(step_url(intake, 4), {"typed_name": "Someone Else", "agreed": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and 'href="#id_typed_name"' in html
    assert "Type your full name as we hold it" in html
    assert not Consent.objects.exists()


def test_consent_without_the_tick_is_refused(patient_client, intake):
    fill(patient_client, intake, up_to=3)
    response = patient_client.post(step_url(intake, 4), {"typed_name": intake.patient.full_name})
    assert 'href="#id_agreed"' in response.content.decode()
    assert not Consent.objects.exists()


def test_consent_with_the_right_name_stores_the_text_version_and_the_address(patient_client, intake):
    latest = ConsentText.objects.create(treatment=intake.treatment, version=9, body="New wording.")
    fill(patient_client, intake, up_to=3)
    response = patient_client.post(
        step_url(intake, 4),
        {"typed_name": f"  {intake.patient.full_name.upper()} ", "agreed": "on", "purposes": ["clinical_record"]},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response["Location"] == step_url(intake, 5)
    consent = Consent.objects.get()
    assert consent.text == latest and consent.text.version == 9 and consent.intake == intake
    assert list(consent.areas.all()) == [intake.area]  # what the patient chose, recorded with the signature
    assert consent.address == "203.0.113.9" and consent.patient == intake.patient
    live = PhotoConsent.objects.get(patient=intake.patient)
    assert live.purpose == "clinical_record" and live.revoked_at is None and live.address == "203.0.113.9"


def test_photo_consent_grant_then_revoke_keeps_the_row_with_its_revoked_date(patient_client, clinic):
    url = reverse("photo-consent")
    assert patient_client.post(url, {"purposes": ["teaching"]})["Location"] == url
    granted = PhotoConsent.objects.get(patient=clinic.patient)
    assert granted.purpose == "teaching" and granted.revoked_at is None
    assert 'value="teaching" checked' in patient_client.get(url).content.decode()
    assert patient_client.post(url, {})["Location"] == url
    granted.refresh_from_db()
    assert granted.revoked_at is not None and PhotoConsent.objects.filter(patient=clinic.patient).count() == 1
    assert "Withdrawn on" in patient_client.get(url).content.decode()


# Sending and the outcome --------------------------------------------------------------------------


def test_a_clean_submit_clears(patient_client, intake):
    intake = submit(patient_client, intake)
    assert intake.status == Intake.Status.CLEARED and intake.findings == []
    html = patient_client.get(reverse("intake-done", args=[intake.pk])).content.decode()
    assert CLEAR_MESSAGE in html


def test_a_blood_thinner_listed_under_medicines_needs_review_and_the_done_page_hides_it(patient_client, intake):
    intake = submit(patient_client, intake, medications="Eliquis 5mg")
    assert intake.status == Intake.Status.NEEDS_REVIEW
    assert {f["code"] for f in intake.findings} == {"ANTITHROMBOTIC"}
    html = patient_client.get(reverse("intake-done", args=[intake.pk])).content.decode()
    assert REVIEW_MESSAGE in html
    for hidden in ("Eliquis", "ANTITHROMBOTIC", "blood thinner", "RELATIVE", "Haematoma"):
        assert hidden not in html
    listing = patient_client.get(reverse("intake-list")).content.decode()
    assert "Sent: with our practitioner, who checks it" in listing and "Eliquis" not in listing


def test_yes_to_pregnancy_is_not_suitable_with_the_kind_message(patient_client, intake):
    intake = submit(patient_client, intake, yes={"PREG": True})
    assert intake.status == Intake.Status.NOT_SUITABLE
    html = patient_client.get(reverse("intake-done", args=[intake.pk])).content.decode()
    assert KIND_MESSAGE in html
    for hidden in ("pregnan", "PREG", "ABSOLUTE", "not suitable", "Not suitable"):
        assert hidden not in html
    listing = patient_client.get(reverse("intake-list")).content.decode()
    assert "We need to talk to you first: a practitioner will call you" in listing and "not suitable" not in listing


def test_a_submitted_intakes_steps_redirect_to_the_list(patient_client, intake):
    submit(patient_client, intake)
    for step in range(1, 6):
        response = patient_client.get(step_url(intake, step))
        assert response.status_code == 302 and response["Location"] == reverse("intake-list")
    response = patient_client.post(step_url(intake, 1), {**health_data(intake, PREG=True), "action": "next"})
    assert response["Location"] == reverse("intake-list")
    intake.refresh_from_db()
    assert intake.answers["PREG"] is False


# Who may see what ----------------------------------------------------------------------------------


def intake_urls(intake: Intake) -> list[str]:
    return [
        *(step_url(intake, step) for step in range(1, 6)),
        reverse("intake-done", args=[intake.pk]),
        reverse("intake-recheck", args=[intake.pk]),
    ]


def test_another_patient_gets_404_on_every_url_of_this_intake(client, clinic, intake):
    client.force_login(make_patient().user)
    for url in intake_urls(intake):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"action": "next"}).status_code == 404, url


def test_another_patient_gets_404_on_the_recheck_of_a_cleared_intake(client, patient_client, intake):
    submit(patient_client, intake)
    client.force_login(make_patient().user)
    assert client.get(reverse("intake-recheck", args=[intake.pk])).status_code == 404
    assert client.post(reverse("intake-recheck", args=[intake.pk]), {"changed": "no"}).status_code == 404


def test_reception_gets_404_on_the_list_and_the_steps(client, reception, intake):
    client.force_login(reception)
    for url in [reverse("intake-list"), reverse("photo-consent"), *intake_urls(intake)]:
        assert client.get(url).status_code == 404, url


def test_a_patient_account_without_a_patient_record_gets_404(client, patient_user):
    assert not Patient.objects.filter(user=patient_user).exists()
    client.force_login(patient_user)
    assert client.get(reverse("intake-list")).status_code == 404
    assert client.get(reverse("photo-consent")).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, intake):
    response = client.get(reverse("intake-list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# The list ---------------------------------------------------------------------------------------------


def test_a_booking_opens_the_questionnaire_its_course_needs_and_the_list_offers_start(patient_client, clinic):
    appointment = appointment_book(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=(NOW + timedelta(days=3)).replace(hour=10),
        by=clinic.patient.user,
        practitioner=clinic.practitioner,
        now=NOW,
    )
    intake = Intake.objects.get(patient=clinic.patient)
    assert (intake.treatment, intake.area, intake.status) == (clinic.treatment, clinic.area, Intake.Status.DRAFT)
    assert appointment.course.intake == intake and intake.needed_by == appointment.start
    html = patient_client.get(reverse("intake-list")).content.decode()
    assert "Not started: please fill it in" in html and "Start" in html and step_url(intake, 1) in html


def test_the_list_is_read_only_a_questionnaire_cannot_be_opened_without_a_booking(patient_client, clinic):
    response = patient_client.post(reverse("intake-list"), {"treatment": clinic.treatment.pk, "area": clinic.area.pk})
    assert response.status_code == 405 and not Intake.objects.exists()
    assert "no health questionnaires yet" in patient_client.get(reverse("intake-list")).content.decode()


# Before a later session -------------------------------------------------------------------------------


def test_a_recheck_with_no_change_keeps_it_cleared(patient_client, intake):
    submit(patient_client, intake)
    url = reverse("intake-recheck", args=[intake.pk])
    assert "Has anything changed since your last visit?" in patient_client.get(url).content.decode()
    response = patient_client.post(url, {"changed": "no", "medications": "Eliquis 5mg"})
    assert response["Location"] == reverse("intake-list")
    intake.refresh_from_db()
    assert intake.status == Intake.Status.CLEARED and intake.answers["medications"] == []


def test_a_recheck_listing_eliquis_returns_it_to_review(patient_client, intake):
    submit(patient_client, intake)
    url = reverse("intake-recheck", args=[intake.pk])
    data = {"changed": "yes", "medications": "Eliquis 5mg", "allergies": "", "change_note": "New heart tablets"}
    response = patient_client.post(url, data)
    assert response["Location"] == reverse("intake-done", args=[intake.pk])
    intake.refresh_from_db()
    assert intake.status == Intake.Status.NEEDS_REVIEW and intake.answers["medications"] == ["Eliquis 5mg"]
    html = patient_client.get(response["Location"]).content.decode()
    assert REVIEW_MESSAGE in html and "Eliquis" not in html


def test_a_recheck_needs_a_yes_or_no(patient_client, intake):
    submit(patient_client, intake)
    response = patient_client.post(reverse("intake-recheck", args=[intake.pk]), {})
    assert 'href="#id_changed_0"' in response.content.decode()


def test_only_a_cleared_intake_is_rechecked(patient_client, intake):
    response = patient_client.get(reverse("intake-recheck", args=[intake.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("intake-list")
