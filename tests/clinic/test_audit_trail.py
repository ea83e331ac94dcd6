"""The audit trail: written by the services, append-only, filterable by patient and staff member."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bookings.appointments.services import appointment_book
from clinic.models import AuditEvent
from tests.bookings.conftest import NOW, make_patient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def test_audit_rows_cannot_be_changed_or_deleted(clinic):
    appointment_book(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=(NOW + timedelta(days=2)).replace(hour=10),
        by=clinic.patient.user,
        now=NOW,
    )
    event = AuditEvent.objects.filter(action="appointment.book").get()
    event.action = "nothing.happened"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "appointment.book"


def test_every_action_records_who_what_and_from_where(client, clinic, reception):
    other = make_patient()
    mine = appointment_book(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=(NOW + timedelta(days=2)).replace(hour=10),
        by=reception,
        now=NOW,
    )
    appointment_book(
        patient=other,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=(NOW + timedelta(days=2)).replace(hour=12),
        by=other.user,
        now=NOW,
    )
    client.force_login(clinic.patient.user)
    client.post(f"/me/appointments/{mine.pk}/cancel/", {"reason": "Away"}, REMOTE_ADDR="203.0.113.9")
    cancel = AuditEvent.objects.get(action="appointment.cancel")
    assert (cancel.actor, cancel.patient, cancel.address) == (clinic.patient.user, clinic.patient, "203.0.113.9")
    assert AuditEvent.objects.filter(action="appointment.book", actor=reception, patient=clinic.patient).exists()


def test_a_manager_filters_the_trail_by_patient_and_by_staff_member(client, clinic, reception, manager_user):
    other = make_patient()
    for patient, by, hour in ((clinic.patient, reception, 10), (other, other.user, 12)):
        appointment_book(
            patient=patient,
            treatment=clinic.treatment,
            area=clinic.area,
            location=clinic.location,
            start=(NOW + timedelta(days=2)).replace(hour=hour),
            by=by,
            now=NOW,
        )
    client.force_login(manager_user)
    by_patient = client.get(f"/admin/clinic/auditevent/?patient__id__exact={clinic.patient.pk}")
    assert by_patient.status_code == 200
    assert {e.patient_id for e in by_patient.context["cl"].result_list} == {clinic.patient.pk}
    by_staff = client.get(f"/admin/clinic/auditevent/?actor__id__exact={reception.pk}")
    assert {e.actor_id for e in by_staff.context["cl"].result_list} == {reception.pk}
    assert client.get("/admin/clinic/auditevent/add/").status_code == 403


def test_a_patient_changed_in_the_admin_is_audited_and_cannot_be_deleted_there(client, clinic, manager_user):
    patient = clinic.patient
    client.force_login(manager_user)
    url = f"/admin/clinic/patient/{patient.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(phone="07700 900999", date_of_birth=patient.date_of_birth.isoformat())
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="patient.update", patient=patient)
    assert event.actor == manager_user and event.details == {"fields": ["phone"], "via": "admin"}
    assert client.get(f"/admin/clinic/patient/{patient.pk}/delete/").status_code == 403
