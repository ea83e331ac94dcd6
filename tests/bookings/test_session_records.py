"""Session records: the form saves through the audited service, refuses what must be refused,
and nobody but the practitioners of the location and clinic managers ever reaches one."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bookings.appointments.records import SessionNotCompleted, session_record_save
from bookings.models import Appointment, SessionRecord
from clinic.models import AuditEvent
from clinic.roles import Role, user_set_roles
from privacy.services import patient_erase, patient_export
from tests.bookings.conftest import NOW, make_patient, make_practitioner
from tests.bookings.practice import (
    SECRET_ADVICE,
    SECRET_EVENT,
    SECRET_NOTES,
    appointment_at,
    form_post,
    record_data,
    recorded,
)
from tests.factories import LocationFactory, UserFactory
from treatments.models import Treatment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def edit_url(appointment) -> str:
    return reverse("session-record-edit", args=[appointment.pk])


def view_url(appointment) -> str:
    return reverse("session-record", args=[appointment.pk])


def audits(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("at", "pk"))


def test_the_form_saves_the_record_and_audits_field_names_not_values(client, clinic):
    appointment = appointment_at(clinic)
    client.force_login(clinic.practitioner.user)
    response = client.post(edit_url(appointment), form_post(clinic))
    assert response.status_code == 302
    assert response["Location"] == view_url(appointment)
    record = SessionRecord.objects.get(appointment=appointment)
    assert record.batch_number == "LOT-42A"
    assert record.volume_ml == Decimal("2.50")
    assert record.technique_notes == SECRET_NOTES
    assert record.recorded_by == clinic.practitioner.user
    assert set(record.areas.all()) == {clinic.area}
    assert record.ingredients.count() == 2
    [event] = audits("session_record.create")
    assert event.patient == clinic.patient
    assert event.actor == clinic.practitioner.user
    assert "batch_number" in event.details["fields"]
    assert "technique_notes" in event.details["fields"]
    flat = json.dumps(event.details)
    for value in (SECRET_NOTES, SECRET_EVENT, SECRET_ADVICE, "LOT-42A", "2.50"):
        assert value not in flat


def test_an_update_audits_only_the_names_of_the_fields_that_changed(clinic):
    record = recorded(clinic)
    session_record_save(
        appointment=record.appointment,
        by=clinic.practitioner.user,
        now=NOW,
        data=record_data(clinic, volume_ml=Decimal("3.00"), technique_notes="Nappage instead"),
    )
    [event] = audits("session_record.update")
    assert event.details == {"fields": ["technique_notes", "volume_ml"]}
    record.refresh_from_db()
    assert record.volume_ml == Decimal("3.00")
    # Saving the same data again changes nothing and leaves no further row.
    session_record_save(
        appointment=record.appointment,
        by=clinic.practitioner.user,
        now=NOW,
        data=record_data(clinic, volume_ml=Decimal("3.00"), technique_notes="Nappage instead"),
    )
    assert len(audits("session_record.update")) == 1


@pytest.mark.parametrize("status", [Appointment.Status.BOOKED, Appointment.Status.ARRIVED, Appointment.Status.NO_SHOW])
def test_the_service_refuses_a_session_that_is_not_completed(clinic, status):
    appointment = appointment_at(clinic, status=status)
    with pytest.raises(SessionNotCompleted):
        session_record_save(appointment=appointment, by=clinic.practitioner.user, data=record_data(clinic), now=NOW)
    assert not SessionRecord.objects.exists()
    assert not audits("session_record.create")


def test_the_form_explains_and_refuses_on_an_appointment_not_yet_completed(client, clinic):
    appointment = appointment_at(clinic, status=Appointment.Status.ARRIVED)
    client.force_login(clinic.practitioner.user)
    page = client.get(edit_url(appointment))
    assert page.status_code == 200
    assert "once its appointment is marked completed" in page.content.decode()
    assert page.context["form"] is None
    response = client.post(edit_url(appointment), form_post(clinic))
    assert response.status_code == 409
    assert not SessionRecord.objects.exists()


def test_an_expired_batch_is_a_form_error(client, clinic):
    appointment = appointment_at(clinic)  # 30 November 2026
    client.force_login(clinic.practitioner.user)
    response = client.post(edit_url(appointment), form_post(clinic, expiry_date=date(2026, 11, 29)))
    assert response.status_code == 200
    assert "expired" in response.context["form"].errors["expiry_date"][0]
    assert not SessionRecord.objects.exists()
    # Expiring on the day of the session is still in date.
    assert client.post(edit_url(appointment), form_post(clinic, expiry_date=date(2026, 11, 30))).status_code == 302


def test_the_service_also_refuses_an_expired_batch(clinic):
    appointment = appointment_at(clinic)
    with pytest.raises(ValidationError) as exc:
        session_record_save(
            appointment=appointment,
            by=clinic.practitioner.user,
            now=NOW,
            data=record_data(clinic, expiry_date=date(2026, 1, 1)),
        )
    assert "expiry_date" in exc.value.message_dict


@pytest.mark.parametrize("volume", ["0", "-1", "0.00", "30.01", "250", "abc"])
def test_the_volume_must_be_above_zero_and_plausible(client, clinic, volume):
    appointment = appointment_at(clinic)
    client.force_login(clinic.practitioner.user)
    response = client.post(edit_url(appointment), {**form_post(clinic), "volume_ml": volume})
    assert response.status_code == 200
    assert response.context["form"].errors["volume_ml"]
    assert not SessionRecord.objects.exists()


def test_the_largest_plausible_volume_is_accepted(client, clinic):
    appointment = appointment_at(clinic)
    client.force_login(clinic.practitioner.user)
    assert client.post(edit_url(appointment), {**form_post(clinic), "volume_ml": "30"}).status_code == 302


def test_other_anaesthetic_and_an_adverse_event_need_words(client, clinic):
    appointment = appointment_at(clinic)
    client.force_login(clinic.practitioner.user)
    response = client.post(
        edit_url(appointment), form_post(clinic, anaesthetic="other", anaesthetic_other="", adverse_events="")
    )
    errors = response.context["form"].errors
    assert "anaesthetic_other" in errors
    assert "adverse_events" in errors


def test_areas_and_products_of_another_treatment_are_refused(clinic):
    fat = Treatment.objects.get(indication="FAT")
    appointment = appointment_at(clinic)
    with pytest.raises(ValidationError) as exc:
        session_record_save(
            appointment=appointment,
            by=clinic.practitioner.user,
            now=NOW,
            data=record_data(clinic, areas=[fat.areas.first()], ingredients=list(fat.ingredients.all())),
        )
    assert {"areas", "ingredients"} <= set(exc.value.message_dict)


def test_the_service_refuses_a_colleague_who_is_not_the_sessions_practitioner(clinic):
    appointment = appointment_at(clinic)
    with pytest.raises(PermissionDenied):
        session_record_save(appointment=appointment, by=clinic.other.user, data=record_data(clinic), now=NOW)


def test_reception_gets_404_on_every_session_record_page(client, clinic, reception):
    record = recorded(clinic)
    client.force_login(reception)
    for url in (view_url(record.appointment), edit_url(record.appointment)):
        assert client.get(url).status_code == 404
    assert client.post(edit_url(record.appointment), form_post(clinic)).status_code == 404
    assert not audits("session_record.view")


def test_the_patient_gets_404_on_their_own_session_record(client, clinic):
    record = recorded(clinic)
    client.force_login(clinic.patient.user)
    for url in (view_url(record.appointment), edit_url(record.appointment)):
        response = client.get(url)
        assert response.status_code == 404
        assert SECRET_NOTES not in response.content.decode()


def test_a_practitioner_at_another_location_gets_404(client, clinic):
    record = recorded(clinic)
    elsewhere = make_practitioner(LocationFactory(), clinic.treatment)
    client.force_login(elsewhere.user)
    for url in (view_url(record.appointment), edit_url(record.appointment)):
        assert client.get(url).status_code == 404


def test_a_colleague_at_the_location_may_read_but_not_edit(client, clinic):
    record = recorded(clinic)
    client.force_login(clinic.other.user)
    page = client.get(view_url(record.appointment))
    assert page.status_code == 200
    assert SECRET_NOTES in page.content.decode()
    assert edit_url(record.appointment) not in page.content.decode()
    assert client.get(edit_url(record.appointment)).status_code == 404
    assert client.post(edit_url(record.appointment), form_post(clinic, batch_number="X")).status_code == 404
    record.refresh_from_db()
    assert record.batch_number == "LOT-42A"


def test_a_clinic_manager_may_edit_any_session_record(client, clinic):
    record = recorded(clinic)
    manager = UserFactory()
    user_set_roles(user=manager, roles=[Role.MANAGER])
    client.force_login(manager)
    response = client.post(edit_url(record.appointment), form_post(clinic, batch_number="LOT-43B"))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.batch_number == "LOT-43B"
    [event] = audits("session_record.update")
    assert event.actor == manager
    assert event.details == {"fields": ["batch_number"]}


def test_viewing_a_session_record_is_audited(client, clinic):
    record = recorded(clinic)
    client.force_login(clinic.other.user)
    client.get(view_url(record.appointment))
    [event] = audits("session_record.view")
    assert event.actor == clinic.other.user
    assert event.patient == clinic.patient
    assert event.object_id == str(record.pk)
    assert SECRET_NOTES not in json.dumps(event.details)


def test_opening_the_edit_form_of_an_existing_record_is_audited_as_a_view(client, clinic):
    record = recorded(clinic)
    client.force_login(clinic.practitioner.user)
    page = client.get(edit_url(record.appointment))
    assert page.status_code == 200
    assert SECRET_NOTES in page.content.decode()
    assert len(audits("session_record.view")) == 1


def test_the_form_offers_only_the_treatments_products_and_areas(client, clinic):
    appointment = appointment_at(clinic, start=NOW - timedelta(hours=3))
    client.force_login(clinic.practitioner.user)
    form = client.get(edit_url(appointment)).context["form"]
    assert set(form.fields["areas"].queryset) == set(clinic.treatment.areas.all())
    assert set(form.fields["ingredients"].queryset) == set(clinic.treatment.ingredients.all())
    assert form.initial["areas"] == [clinic.area.pk]


def test_the_service_refuses_a_session_that_has_not_started(clinic):
    appointment = appointment_at(clinic, start=NOW + timedelta(hours=2))
    with pytest.raises(SessionNotCompleted, match="not started"):
        session_record_save(appointment=appointment, by=clinic.practitioner.user, data=record_data(clinic), now=NOW)


# --- data rights --------------------------------------------------------------------------------


def test_the_patients_export_contains_their_session_records(clinic):
    record = recorded(clinic)
    recorded(clinic, appointment_at(clinic, start=NOW - timedelta(days=3), patient=make_patient()))
    manager = UserFactory()
    user_set_roles(user=manager, roles=[Role.MANAGER])
    data = patient_export(patient=clinic.patient, by=manager)
    [exported] = data["session_records"]
    assert exported["appointment"] == record.appointment_id
    assert exported["session_date"] == "2026-11-30"
    assert exported["batch_number"] == "LOT-42A"
    assert exported["volume_ml"] == "2.50"
    assert exported["technique_notes"] == SECRET_NOTES
    assert exported["adverse_events"] == SECRET_EVENT
    assert exported["areas"] == [clinic.area.name]
    json.dumps(data, default=str)  # serialisable as the download is


def test_erasure_blanks_the_session_free_text_but_keeps_the_clinical_facts(clinic):
    record = recorded(clinic, anaesthetic="other", anaesthetic_other="Lidocaine 1%")
    other = recorded(clinic, appointment_at(clinic, start=NOW - timedelta(days=3), patient=make_patient()))
    manager = UserFactory()
    user_set_roles(user=manager, roles=[Role.MANAGER])
    patient_erase(patient=clinic.patient, by=manager, now=NOW)
    record.refresh_from_db()
    assert (record.technique_notes, record.adverse_events, record.advice_given) == ("", "", "")
    assert record.batch_number == "LOT-42A"
    assert record.volume_ml == Decimal("2.50")
    assert record.adverse_event_occurred is True
    assert record.anaesthetic_other == "Lidocaine 1%"
    assert set(record.areas.all()) == {clinic.area}
    other.refresh_from_db()
    assert other.technique_notes == SECRET_NOTES  # another patient's record is untouched


def test_session_records_are_not_editable_in_the_admin():
    from django.contrib import admin

    # Clinical data goes through the audited pages only.
    assert SessionRecord not in admin.site._registry


def test_the_session_notes_are_ciphertext_in_the_database(clinic):
    from django.db import connection

    record = recorded(clinic)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT technique_notes, adverse_events, advice_given FROM bookings_sessionrecord WHERE id = %s",
            [record.pk],
        )
        stored = cursor.fetchone()
    for secret, column in zip((SECRET_NOTES, SECRET_EVENT, SECRET_ADVICE), stored, strict=True):
        assert secret not in column and column.startswith("gAAAAA")  # a Fernet token
    fresh = SessionRecord.objects.get(pk=record.pk)
    assert (fresh.technique_notes, fresh.adverse_events, fresh.advice_given) == (
        SECRET_NOTES,
        SECRET_EVENT,
        SECRET_ADVICE,
    )
