"""Reminders and aftercare as outbox rows: when they are due, what they say, and that a cancelled
or moved appointment's messages follow it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from bookings.appointments.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_set_status,
)
from bookings.messages.kinds import MessageKind
from bookings.models import Appointment, Course
from clinic.models import Notification
from clinic.outbox import outbox_dispatch
from tests.bookings.conftest import make_patient
from tests.clearance import clear_for_treatment, recheck

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
CONFIRMATIONS = (MessageKind.CONFIRMATION, MessageKind.MOVED)


def book(clinic, start, patient=None, by=None):
    patient = patient or make_patient()
    return appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=start,
        by=by or patient.user,
        practitioner=clinic.practitioner,
        now=NOW,
    )


def rows(appointment, channel="email"):
    """The appointment's reminders and aftercare (its confirmations are tests/bookings/test_confirmation_email.py's)."""
    found = Notification.objects.filter(
        subject_type="bookings.appointment", subject_id=appointment.pk, channel=channel
    ).exclude(kind__in=CONFIRMATIONS)
    return {n.kind: n for n in found}


def test_a_booking_plans_pre_care_a_week_before_at_ten_local_and_a_reminder_48_hours_before(clinic):
    # 30 October is BST (10:00 local = 09:00 UTC a week before, 23 October); 2 November is GMT.
    summer = book(clinic, datetime(2026, 10, 30, 13, 0, tzinfo=UTC))
    winter = book(clinic, datetime(2026, 11, 2, 14, 0, tzinfo=UTC))
    assert rows(summer)["appointment.precare_7d"].due_at == datetime(2026, 10, 23, 9, 0, tzinfo=UTC)
    assert rows(winter)["appointment.precare_7d"].due_at == datetime(2026, 10, 26, 10, 0, tzinfo=UTC)
    assert rows(winter)["appointment.reminder_48h"].due_at == datetime(2026, 10, 31, 14, 0, tzinfo=UTC)


def test_a_booking_too_soon_for_pre_care_gets_only_what_still_makes_sense(clinic):
    soon = book(clinic, NOW.replace(day=4, hour=10))  # 3 days ahead: no 7-day pre-care
    assert set(rows(soon)) == {"appointment.reminder_48h"}
    tomorrow = book(clinic, NOW.replace(day=2, hour=12))
    assert rows(tomorrow) == {}


def test_cancelling_drops_the_pending_reminders(clinic):
    appointment = book(clinic, datetime(2026, 10, 20, 10, 0, tzinfo=UTC))
    appointment_cancel(appointment=appointment, by=appointment.patient.user, now=NOW)
    planned = rows(appointment)
    assert {planned[k].status for k in ("appointment.precare_7d", "appointment.reminder_48h")} == {"dropped"}
    mail.outbox.clear()
    outbox_dispatch(now=datetime(2026, 10, 19, 12, 0, tzinfo=UTC))
    (notice,) = [m for m in mail.outbox if "appointment" in m.subject.lower()]  # only the cancellation
    assert notice.subject.startswith("Cancelled: your appointment on Tuesday 20 October")


def test_moving_re_times_the_pending_reminders(clinic):
    appointment = book(clinic, datetime(2026, 10, 20, 10, 0, tzinfo=UTC))
    appointment_reschedule(
        appointment=appointment, start=datetime(2026, 10, 27, 10, 0, tzinfo=UTC), by=appointment.patient.user, now=NOW
    )
    assert rows(appointment)["appointment.reminder_48h"].due_at == datetime(2026, 10, 25, 10, 0, tzinfo=UTC)
    outbox_dispatch(now=datetime(2026, 10, 18, 12, 0, tzinfo=UTC))  # the old 48-hour time: nothing yet
    assert [m.subject for m in mail.outbox if "Reminder" in m.subject] == []


def test_the_reminders_say_what_to_do_before_the_session(clinic):
    appointment = book(clinic, datetime(2026, 10, 20, 10, 0, tzinfo=UTC))
    mail.outbox.clear()
    outbox_dispatch(now=datetime(2026, 10, 19, 12, 0, tzinfo=UTC))
    (precare,) = [m for m in mail.outbox if m.subject.startswith("Getting ready")]
    (reminder,) = [m for m in mail.outbox if m.subject.startswith("Reminder: your appointment")]
    assert "Never stop a prescribed blood thinner" in precare.body
    assert "Reminder" in reminder.subject and "lidocaine cream 20-30 minutes before" in reminder.body
    assert "Tuesday 20 October at 11:00" in reminder.body  # local time (BST)
    assert reminder.to == [appointment.patient.email]
    sent = len(mail.outbox)
    outbox_dispatch(now=datetime(2026, 10, 19, 13, 0, tzinfo=UTC))
    assert len(mail.outbox) == sent  # never twice


def test_completing_the_first_session_sends_aftercare_and_plans_a_check_in(clinic, reception):
    clear_for_treatment(clinic.patient, clinic.treatment, clinic.area, submitted_at=datetime(2026, 10, 1, tzinfo=UTC))
    appointment = book(clinic, datetime(2026, 10, 20, 10, 0, tzinfo=UTC), patient=clinic.patient)
    done = datetime(2026, 10, 20, 10, 40, tzinfo=UTC)
    appointment_set_status(appointment=appointment, status="arrived", by=reception, now=done)
    appointment_set_status(appointment=appointment, status="completed", by=reception, now=done)
    planned = rows(appointment)
    assert planned["appointment.checkin_48h"].due_at == appointment.end + timedelta(hours=48)
    mail.outbox.clear()
    outbox_dispatch(now=done)
    (aftercare,) = [m for m in mail.outbox if "after today's session" in m.subject]
    assert "no make-up for 12-24 hours" in aftercare.body and "call 999" in aftercare.body
    outbox_dispatch(now=appointment.end + timedelta(hours=48))
    assert "Is swelling, redness or bruising easing?" in mail.outbox[-1].body


def _complete_course(clinic, reception, treatment=None):
    course_patient = make_patient()
    cleared = clear_for_treatment(
        course_patient, treatment or clinic.treatment, clinic.area, submitted_at=datetime(2026, 10, 1, tzinfo=UTC)
    )
    first = book(clinic, datetime(2026, 10, 6, 10, 0, tzinfo=UTC), patient=course_patient)
    course = first.course
    Course.objects.filter(pk=course.pk).update(sessions_planned=4, status=Course.Status.SCHEDULED)
    sessions = [first] + [
        appointment_book(
            patient=course_patient,
            treatment=clinic.treatment,
            area=clinic.area,
            location=clinic.location,
            start=datetime(2026, 10, 6 + 7 * k, 10, 0, tzinfo=UTC),
            by=reception,
            practitioner=clinic.practitioner,
            now=NOW,
        )
        for k in range(1, 4)
    ]
    for appointment in sessions:
        if appointment.session_number > 1:  # before each later session: "nothing has changed"
            recheck(cleared, appointment.start - timedelta(hours=1))
        appointment_set_status(appointment=appointment, status="arrived", by=reception, now=appointment.start)
        appointment_set_status(appointment=appointment, status="completed", by=reception, now=appointment.end)
    course.refresh_from_db()
    return course, sessions


def test_the_last_session_completes_the_course_and_plans_the_maintenance_recall(clinic, reception):
    course, sessions = _complete_course(clinic, reception)
    assert course.status == Course.Status.COMPLETED
    assert course.maintenance_due == (sessions[-1].end + timedelta(days=150)).date()
    recall = Notification.objects.get(
        subject_type="bookings.course", subject_id=course.pk, kind="course.maintenance_recall"
    )
    assert recall.due_at.astimezone(clinic.location.zone).hour == 10
    outbox_dispatch(now=recall.due_at)
    bodies = "\n".join(m.body for m in mail.outbox)
    assert "Your course is complete" in bodies and f"/book/{clinic.treatment.slug}/" in bodies


def test_fat_reduction_has_no_maintenance_recall(clinic, reception):
    from treatments.models import Treatment

    fat = Treatment.objects.get(indication="FAT")
    fat.practitioners.add(clinic.practitioner)
    clinic.treatment, clinic.area = fat, fat.areas.get(slug="abdomen")
    course, _ = _complete_course(clinic, reception)
    assert course.status == Course.Status.COMPLETED and course.maintenance_due is None
    assert not Notification.objects.filter(kind="course.maintenance_recall").exists()
    assert Appointment.objects.filter(course=course, status="completed").count() == 4


def test_a_new_course_asks_for_the_questionnaire_and_nudges_once_if_it_is_not_sent(clinic):
    appointment = book(clinic, datetime(2026, 10, 20, 10, 0, tzinfo=UTC))
    outbox_dispatch(now=NOW)
    (request,) = [m for m in mail.outbox if "health questionnaire" in m.subject]
    assert "/me/intake/" in request.body
    outbox_dispatch(now=NOW + timedelta(hours=48))
    nudges = [m for m in mail.outbox if m.subject == "A reminder: your health questionnaire"]
    assert len(nudges) == 1 and appointment.course.status == Course.Status.AWAITING_INTAKE


def test_no_nudge_once_the_questionnaire_is_sent(clinic):
    from intake.models import Intake

    appointment = book(clinic, datetime(2026, 10, 20, 10, 0, tzinfo=UTC))
    Intake.objects.create(
        patient=appointment.patient, treatment=clinic.treatment, area=clinic.area, status=Intake.Status.NEEDS_REVIEW
    )
    outbox_dispatch(now=NOW + timedelta(hours=48))
    assert not [m for m in mail.outbox if "questionnaire" in m.subject]
    nudge = Notification.objects.get(kind="course.intake_nudge", subject_id=appointment.course_id)
    assert nudge.status == "dropped"


def test_the_clinic_can_switch_a_message_off_and_change_lead_times(clinic):
    from bookings.models import MessageSettings

    settings_row = MessageSettings.current()
    settings_row.precare, settings_row.reminder_hours = False, 24
    settings_row.save()
    appointment = book(clinic, datetime(2026, 10, 20, 10, 0, tzinfo=UTC))
    planned = rows(appointment)
    assert "appointment.precare_7d" not in planned
    assert planned["appointment.reminder_48h"].due_at == datetime(2026, 10, 19, 10, 0, tzinfo=UTC)


def test_reception_sees_who_is_due_maintenance_and_marks_them_contacted(client, clinic, reception):
    import time_machine

    course, sessions = _complete_course(clinic, reception)
    with time_machine.travel(datetime.combine(course.maintenance_due, datetime.min.time(), tzinfo=UTC), tick=False):
        client.force_login(reception)
        html = client.get("/staff/recalls/").content.decode()
        assert course.patient.full_name in html and "Not yet" in html
        client.post(f"/staff/recalls/{course.pk}/contacted/")
        course.refresh_from_db()
        assert course.recall_contacted_at is not None
        assert "Yes," in client.get("/staff/recalls/").content.decode()


def test_moving_sends_a_confirmation_of_the_new_time_with_an_updated_calendar(
    clinic, django_capture_on_commit_callbacks, dispatch_after_commit
):
    # Each commit asks for a dispatch (run eagerly in the tests) that sends what is due at once.
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        appointment = book(clinic, datetime(2026, 10, 20, 10, 0, tzinfo=UTC))
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        appointment_reschedule(
            appointment=appointment,
            start=datetime(2026, 10, 27, 11, 0, tzinfo=UTC),
            by=appointment.patient.user,
            now=NOW,
        )
    first, moved = [m for m in mail.outbox if "appointment on" in m.subject and "Getting" not in m.subject]
    assert first.subject.startswith("Your") and moved.subject.startswith("Moved: your")
    assert "Tuesday 27 October at 11:00" in moved.subject and "replaces the old one" in moved.body
    from icalendar import Calendar

    (event,) = Calendar.from_ical(moved.attachments[0][1]).walk("VEVENT")
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2026, 10, 27, 11, 0, tzinfo=UTC)


def test_the_48_hour_reminder_also_goes_by_text_without_naming_the_treatment(clinic, settings):
    from clinic import sms

    settings.SMS_BACKEND = "clinic.sms.LocmemBackend"
    sms.outbox.clear()
    appointment = book(clinic, datetime(2026, 10, 20, 10, 0, tzinfo=UTC))
    assert rows(appointment, channel="sms")["appointment.reminder_48h"].due_at == datetime(
        2026, 10, 18, 10, 0, tzinfo=UTC
    )
    outbox_dispatch(now=datetime(2026, 10, 18, 10, 1, tzinfo=UTC))
    (text,) = sms.outbox
    assert text.to == appointment.patient.phone and "Tuesday 20 October at 11:00" in text.text
    assert clinic.treatment.name.lower() not in text.text.lower()
