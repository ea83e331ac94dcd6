"""Benchmark of the manager's report pages (GET /staff/reports/<report>/) against PostgreSQL.

Seeds a throwaway database (random.Random(42)) with a year of a clinic's life, 2026: three
locations in three time zones (London, Dublin, Paris: the worst case, one CASE branch per zone),
6 practitioners and 6 rooms each, working Monday to Saturday 09:00-18:00; about 60,000 appointments
(11 a day per practitioner, 30 minutes on a 45-minute grid, so nothing overlaps), past ones
completed (85 %), no-shows (5 %) or cancelled (10 %, each with its audit record and `cancelled_at`, a
third of them late), the rest booked; 8,000 patients; the appointments grouped into courses of up to 6 sessions
per patient and treatment, each with a questionnaire (screened: cleared, reviewed, declined or not
suitable, with findings, and a practitioner's review); a confirmation and a 48-hour reminder per
appointment (some failed, some dead), and maintenance recalls.

Money (billing), seeded as its services would have written it, final values in bulk (a trigger
refuses UPDATE and DELETE of invoices and payments), each location's invoice numbers 1..N in the
order of issue: London in GBP at 20 % VAT, Dublin in EUR at 23 %, Paris in EUR at 20 %; an invoice
(sometimes with a second line) for each completed session, paid by card, cash or bank transfer,
some in two parts, some left unpaid, 1.5 % credited and refunded; a 50.00 deposit for about 30 % of
bookings (made online, most paid online): applied to the session's invoice, kept as the fee on a
no-show or a cancellation within 24 hours (a fee invoice), refunded or kept as credit otherwise;
about 300 course packages of 6 sessions bought at the first session at 10 % off, used, active, or
cancelled with the unused sessions credited and refunded. The waiting list: 2,500 entries over the
year, a freed slot for each cancellation (offered from 08:00 local when freed in the quiet hours,
not offered under 3 hours ahead), offered in turn to up to 4 matching entries (accepted, declined,
expired, withdrawn) until one accepts; the booking an accepted offer makes is not seeded, so the
other pages' figures stay those of the appointments above.

Measures every report page (waitlist and money included) through django.test.Client (in process,
a signed-in manager, DEBUG off), for the whole year at all locations, this month (the default) at
all locations and this quarter at one location: --runs times after 2 warm-ups, the median and
p95 in ms, and the query count of one request.

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth):

    .venv/bin/python bench/reports.py [--runs 15]

The database (default meso_bench_reports) is created at the start and dropped at the end.
"""

from __future__ import annotations

import random
import statistics
import sys
import time as clock
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from _setup import argument_parser, bench_database, summary

ZONES = (
    ("London", "Europe/London", "GB", "ENG"),
    ("Dublin", "Europe/Dublin", "IE", ""),
    ("Paris", "Europe/Paris", "FR", ""),
)
PRACTITIONERS = 6
PER_DAY = 11
YEAR = 2026
NOW = datetime(YEAR, 12, 3, 12, tzinfo=UTC)
PATIENTS = 8000
WARMUPS = 2
TARGET_MS = 300
MAX_QUERIES = 10
ENTRIES = 2500  # waiting-list entries over the year
MONEY = {"London": ("GBP", "0.20"), "Dublin": ("EUR", "0.23"), "Paris": ("EUR", "0.20")}  # currency, VAT
PRICES = ["90.00", "120.00", "150.00", "180.00", "220.00", "250.00"]  # a session, per location and area
DEPOSIT = Decimal("50.00")
ZERO = Decimal("0.00")
FINDINGS = ["ANTITHROMBOTIC", "PREG", "HSV_ACTIVE", "DIABETES", "KELOID", "ISOTRETINOIN"]


def seed(rng: random.Random) -> dict:
    from django.db import connection

    from bookings.models import Appointment, Course, WorkingHours
    from clinic.models import AuditEvent, Location, Notification, Patient, Practitioner, Room, User
    from clinic.roles import Role, user_set_roles
    from intake.models import Intake, Review
    from treatments.models import Treatment

    treatments = list(Treatment.objects.prefetch_related("areas"))
    areas = {t.pk: list(t.areas.all()) for t in treatments}
    patients = Patient.objects.bulk_create(
        Patient(
            first_name="Bench", last_name=f"Patient {n:05d}", date_of_birth=date(1960, 1, 1) + timedelta(days=n % 15000)
        )
        for n in range(PATIENTS)
    )
    practitioners_of, rooms_of, zone_of = {}, {}, {}
    for name, tz, country, subdivision in ZONES:
        location = Location.objects.create(
            name=name,
            slug=name.lower(),
            address=f"1 {name} Street",
            timezone=tz,
            country=country,
            subdivision=subdivision,
        )
        zone_of[location.pk] = ZoneInfo(tz)
        rooms_of[location.pk] = Room.objects.bulk_create(
            Room(location=location, name=f"Room {n}") for n in range(PRACTITIONERS)
        )
        users = User.objects.bulk_create(
            User(email=f"p{n}@{location.slug}.bench.example", first_name="P", last_name=f"{n}", password="!")
            for n in range(PRACTITIONERS)
        )
        practitioners = Practitioner.objects.bulk_create(
            Practitioner(
                user=u,
                display_name=f"Dr {name} {n}",
                registration_body="GMC",
                registration_number=f"{location.slug}{n}",
            )
            for n, u in enumerate(users)
        )
        location.practitioners.add(*practitioners)
        for treatment in treatments:
            treatment.practitioners.add(*practitioners)
        WorkingHours.objects.bulk_create(
            WorkingHours(practitioner=p, location=location, weekday=d, start=time(9), end=time(18))
            for p in practitioners
            for d in range(6)
        )
        practitioners_of[location.pk] = practitioners

    appointments = []
    taken: set[tuple[int, date]] = set()  # one visit a day per patient: never two at once
    day = date(YEAR, 1, 1)
    while day.year == YEAR:
        if day.weekday() < 6:
            for location_id, practitioners in practitioners_of.items():
                zone = zone_of[location_id]
                for index, practitioner in enumerate(practitioners):
                    for k in range(PER_DAY):
                        start = (datetime.combine(day, time(9), tzinfo=zone) + timedelta(minutes=45 * k)).astimezone(
                            UTC
                        )
                        patient = rng.choice(patients)
                        while (patient.pk, day) in taken:
                            patient = rng.choice(patients)
                        taken.add((patient.pk, day))
                        treatment = treatments[patient.pk % len(treatments)]
                        roll = rng.random()
                        if start > NOW:
                            status = "booked"
                        else:
                            status = "completed" if roll < 0.85 else "no_show" if roll < 0.90 else "cancelled"
                        appointments.append(
                            Appointment(
                                patient=patient,
                                practitioner=practitioner,
                                room=rooms_of[location_id][index],
                                location_id=location_id,
                                treatment=treatment,
                                area=areas[treatment.pk][patient.pk % len(areas[treatment.pk])],
                                start=start,
                                end=start + timedelta(minutes=30),
                                status=status,
                            )
                        )
        day += timedelta(days=1)

    # Courses: each patient's appointments of a treatment, in order, in runs of up to 6 sessions.
    runs = defaultdict(list)
    for a in sorted(appointments, key=lambda a: a.start):
        runs[(a.patient_id, a.treatment_id)].append(a)
    courses, chunks = [], []
    for (patient_id, treatment_id), visits in runs.items():
        for i in range(0, len(visits), 6):
            chunk = visits[i : i + 6]
            done = [v for v in chunk if v.status == "completed"]
            status = (
                "completed" if len(done) == len(chunk) == 6 else "cancelled" if rng.random() < 0.1 else "in_progress"
            )
            courses.append(
                Course(
                    patient_id=patient_id,
                    treatment_id=treatment_id,
                    area=chunk[0].area,
                    practitioner=chunk[0].practitioner,
                    location_id=chunk[0].location_id,
                    sessions_planned=6,
                    interval_days=14,
                    status=status,
                    maintenance_due=(chunk[-1].start + timedelta(days=180)).date() if status == "completed" else None,
                    recall_contacted_at=NOW if status == "completed" and rng.random() < 0.5 else None,
                )
            )
            chunks.append(chunk)
    # The unique open course per patient and treatment: only the last run of each may be open.
    for n, chunk in enumerate(chunks):
        if (
            courses[n].status == "in_progress"
            and n + 1 < len(chunks)
            and chunks[n + 1][0].patient_id == chunk[0].patient_id
            and chunks[n + 1][0].treatment_id == chunk[0].treatment_id
        ):
            courses[n].status = "cancelled"
    intakes = []
    for course, chunk in zip(courses, chunks, strict=True):
        roll = rng.random()
        status = (
            "cleared"
            if roll < 0.7
            else "cleared"
            if roll < 0.85
            else "declined"
            if roll < 0.9
            else "needs_review"
            if roll < 0.95
            else "not_suitable"
        )
        flagged = roll >= 0.7
        intakes.append(
            Intake(
                patient_id=course.patient_id,
                treatment_id=course.treatment_id,
                area=course.area,
                status=status,
                submitted_at=chunk[0].start - timedelta(days=rng.randint(1, 20)),
                findings=[{"code": code, "severity": "RELATIVE"} for code in rng.sample(FINDINGS, rng.randint(1, 2))]
                if flagged
                else [],
                answers={"medications": ["Bench-secret-medication"]},
            )
        )
    Intake.objects.bulk_create(intakes, batch_size=2000)
    for course, intake in zip(courses, intakes, strict=True):
        course.intake = intake
    Course.objects.bulk_create(courses, batch_size=2000)
    reviews = [
        Review(
            intake=intake,
            practitioner=course.practitioner,
            decision="decline" if intake.status == "declined" else "approve",
        )
        for course, intake in zip(courses, intakes, strict=True)
        if intake.findings and intake.status in ("cleared", "declined")
    ]
    Review.objects.bulk_create(reviews, batch_size=2000)
    for course, chunk in zip(courses, chunks, strict=True):
        for number, visit in enumerate(chunk, start=1):
            visit.course, visit.session_number = course, number
    Appointment.objects.bulk_create(appointments, batch_size=5000)
    with connection.cursor() as cursor:  # booked 0-40 days ahead (auto_now_add stamped them "now")
        cursor.execute("UPDATE bookings_appointment SET created_at = start - random() * interval '40 days'")
        cursor.execute(
            "UPDATE bookings_course c SET created_at = a.first - interval '2 days' FROM (SELECT course_id, "
            "min(created_at) AS first FROM bookings_appointment GROUP BY course_id) a WHERE a.course_id = c.id"
        )
        cursor.execute(
            "UPDATE intake_review r SET at = i.submitted_at + random() * interval '72 hours' "
            "FROM intake_intake i WHERE i.id = r.intake_id"
        )

    events, messages, cancelled_at = [], [], {}
    for a in appointments:
        if a.status == "cancelled":
            ahead = timedelta(hours=rng.choice([2, 12, 30, 72, 200, 400]))
            cancelled_at[a.pk] = a.start - ahead
            events.append(
                AuditEvent(
                    at=a.start - ahead,
                    action="appointment.cancel",
                    object_type="bookings.appointment",
                    object_id=str(a.pk),
                )
            )
        for kind, due in (
            ("appointment.confirmation", a.start - timedelta(days=10)),
            ("appointment.reminder_48h", a.start - timedelta(hours=48)),
        ):
            roll = rng.random()
            status = "pending" if due > NOW else "sent" if roll < 0.97 else "dead"
            messages.append(
                Notification(
                    kind=kind,
                    channel="email",
                    patient_id=a.patient_id,
                    subject_type="bookings.appointment",
                    subject_id=a.pk,
                    due_at=due,
                    status=status,
                    attempts=1 if roll < 0.95 else 3,
                    last_error="" if roll < 0.95 else "SMTPServerDisconnected",
                    idempotency_key=f"{kind}:{a.pk}",
                )
            )
    AuditEvent.objects.bulk_create(events, batch_size=5000)
    with connection.cursor() as cursor:  # the appointment's own record of when (migration 0014)
        cursor.execute(
            "UPDATE bookings_appointment a SET cancelled_at = e.at FROM clinic_auditevent e "
            "WHERE e.action = 'appointment.cancel' AND e.object_id = a.id::text"
        )
    Notification.objects.bulk_create(messages, batch_size=5000)
    money = seed_money(rng, appointments, courses, chunks, cancelled_at)
    waiting = seed_waitlist(rng, appointments, patients, cancelled_at, zone_of)

    manager = User.objects.create_user("manager@bench.example", "bench-password", first_name="Manager")
    user_set_roles(user=manager, roles=[Role.MANAGER])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "manager": manager,
        "appointments": len(appointments),
        "patients": PATIENTS,
        "courses": len(courses),
        "intakes": len(intakes),
        "messages": len(messages),
        "cancel events": len(events),
        **money,
        **waiting,
    }


def seed_money(rng: random.Random, appointments, courses, chunks, cancelled_at) -> dict:
    """Billing's rows for the year, as its services would have written them, in bulk: the final
    values (a trigger refuses UPDATE and DELETE of invoices and payments), each location's invoice
    numbers 1..N in the order of issue, and its counter at N."""
    from billing.domain.money import Line, quantize, totals
    from billing.domain.packages import package_price, refund_for_unused
    from billing.models import ClinicDetails, Deposit, Invoice, InvoiceCounter, InvoiceLine, Package, Payment
    from clinic.models import Location

    locations = {location.pk: location for location in Location.objects.all()}
    terms = {pk: (MONEY[loc.name][0], Decimal(MONEY[loc.name][1])) for pk, loc in locations.items()}
    details = {
        pk: ClinicDetails(
            location=loc,
            legal_name=f"Meso Clinic {loc.name} Ltd",
            address=loc.address,
            vat_number=f"{loc.country}{pk:09d}",
            invoice_prefix=f"{loc.slug[:3].upper()}-",
        )
        for pk, loc in locations.items()
    }
    ClinicDetails.objects.bulk_create(details.values())
    prices: dict[tuple[int, int], Decimal] = {}
    invoices, notes, payments, deposits, packages = [], [], [], [], []
    refs = iter(range(1, 10**9))

    def price(a) -> Decimal:
        key = (a.location_id, a.area_id)
        if key not in prices:
            prices[key] = Decimal(rng.choice(PRICES))
        return prices[key]

    def issue(a, at, lines, *, credits=None, reason="") -> Invoice:
        currency = terms[a.location_id][0]
        sums, seller = totals(lines, currency), details[a.location_id]
        invoice = Invoice(
            location_id=a.location_id,
            kind=Invoice.Kind.CREDIT_NOTE if credits else Invoice.Kind.INVOICE,
            credits=credits,
            patient_id=a.patient_id,
            appointment=a,
            issued_at=min(at, NOW),
            currency=currency,
            net=sums.net,
            vat=sums.vat,
            gross=sums.gross,
            seller_name=seller.legal_name,
            seller_address=seller.address,
            seller_vat_number=seller.vat_number,
            number_prefix=seller.invoice_prefix,
            buyer_name=a.patient.full_name,
            reason=reason,
        )
        invoice.bench_lines = lines
        (notes if credits else invoices).append(invoice)
        return invoice

    def pay(a, at, amount, method, *, invoice=None, kind="payment", provider=""):
        payments.append(
            Payment(
                patient_id=a.patient_id,
                location_id=a.location_id,
                appointment=a,
                invoice=invoice,
                kind=kind,
                method=method,
                amount=amount,
                currency=terms[a.location_id][0],
                taken_at=min(at, NOW),
                provider_ref=f"{provider}_bench_{next(refs)}" if provider else "",
            )
        )

    def till_method() -> str:
        roll = rng.random()
        return "card" if roll < 0.7 else "cash" if roll < 0.85 else "bank_transfer"

    # Course packages: a few hundred full courses bought upfront at their first (completed) session.
    in_package = set()
    for course, chunk in zip(courses, chunks, strict=True):
        first = chunk[0]
        if len(chunk) < 6 or first.status != "completed" or rng.random() >= 0.05:
            continue
        currency, rate = terms[first.location_id]
        per = price(first)
        total = package_price(per_session=per, sessions=6, discount_percent=Decimal(10), currency=currency)
        what = f"Course package: 6 sessions of {first.treatment.name}, {first.area.name} (10 % off)"
        bought = first.end
        invoice = issue(first, bought, [Line(what, 1, total, rate)])
        pay(first, bought, total, till_method(), invoice=invoice)
        used = sum(v.status == "completed" for v in chunk)
        status, ended = "used" if used == 6 else "cancelled" if course.status == "cancelled" else "active", None
        if status == "cancelled":
            ended = min(max(v.end for v in chunk if v.status == "completed") + timedelta(days=3), NOW)
            refund = refund_for_unused(paid_total=total, sessions_used=used, per_session=per, currency=currency)
            if refund > 0:
                reason = "Course package cancelled: unused sessions refunded"
                issue(first, ended, [Line(f"Credit: {reason}", 1, refund, rate)], credits=invoice, reason=reason)
                pay(first, ended, refund, payments[-1].method, kind="refund")
        packages.append(
            Package(
                course=course,
                invoice=invoice,
                sessions_paid=6,
                sessions_used=used,
                per_session=per,
                discount_percent=Decimal(10),
                price=total,
                currency=currency,
                status=status,
                bought_at=bought,
                cancelled_at=ended,
            )
        )
        in_package.update(v.pk for v in chunk)

    for a in appointments:
        if a.pk in in_package:
            continue
        currency, rate = terms[a.location_id]
        deposit, paid = None, ZERO
        if rng.random() < 0.3:  # booked online: the treatment's deposit
            made = cancelled_at.get(a.pk, a.start) - timedelta(days=rng.uniform(1, 30))
            if made <= NOW:
                deposit = Deposit(appointment=a, amount=DEPOSIT, currency=currency, created_at=made)
                deposits.append(deposit)
                if rng.random() < 0.9:
                    paid, deposit.status = DEPOSIT, "paid"
                    pay(a, made, DEPOSIT, "online", provider="pi")
        if a.status == "completed":
            session = f"{a.treatment.name}: {a.area.name} (session {a.session_number})"
            lines = [Line(session, 1, price(a), rate)]
            if rng.random() < 0.1:
                lines.append(Line("Aftercare kit", rng.randint(1, 2), Decimal("24.00"), rate))
            invoice = issue(a, a.end + timedelta(minutes=5), lines)
            if deposit:
                deposit.status, deposit.decided_at = "applied", a.end
            owed, method, roll = invoice.gross - paid, till_method(), rng.random()
            if roll < 0.06:  # half now, the rest by bank transfer later (if by now)
                half = quantize(owed / 2, currency)
                pay(a, a.end, half, method, invoice=invoice)
                later = a.end + timedelta(days=rng.randint(3, 20))
                if later < NOW:
                    pay(a, later, owed - half, "bank_transfer", invoice=invoice)
            elif roll < 0.97:  # the rest unpaid
                pay(a, a.end, owed, method, invoice=invoice)
                if rng.random() < 0.015:  # a complaint: credit note and refund, the way it came
                    back = a.end + timedelta(days=rng.randint(1, 14))
                    reason = "Refunded after a complaint"
                    credit = [Line(f"Credit: {x.description}", x.quantity, x.unit_gross, x.vat_rate) for x in lines]
                    issue(a, back, credit, credits=invoice, reason=reason)
                    pay(a, back, owed, method, kind="refund")
                    if paid:
                        pay(a, back, paid, "online", kind="refund", provider="re")
        elif deposit and a.status != "booked":
            decided = cancelled_at.get(a.pk, a.end)
            if a.status == "no_show" or decided > a.start - timedelta(hours=24):  # kept as the fee
                what = "Missed appointment" if a.status == "no_show" else "Late cancellation"
                issue(a, decided, [Line(f"{what} fee: {a.treatment.name}, {a.area.name}", 1, DEPOSIT, rate)])
                deposit.status = "kept"
            elif paid and rng.random() < 0.3:
                deposit.status = "credited"
                pay(a, decided, paid, "credit", kind="refund")
            elif paid:
                deposit.status = "refunded"
                pay(a, decided, paid, "online", kind="refund", provider="re")
            else:
                deposit.status = "released"
            deposit.decided_at = decided

    numbered = defaultdict(list)
    for invoice in invoices + notes:
        numbered[invoice.location_id].append(invoice)
    for rows in numbered.values():
        rows.sort(key=lambda i: i.issued_at)
        for number, invoice in enumerate(rows, start=1):
            invoice.number = number
    InvoiceCounter.objects.bulk_create(
        InvoiceCounter(location_id=pk, last_number=len(rows)) for pk, rows in numbered.items()
    )
    Invoice.objects.bulk_create(invoices, batch_size=5000)
    Invoice.objects.bulk_create(notes, batch_size=5000)  # after what they credit
    lines = [
        InvoiceLine(
            invoice=invoice,
            description=line.description,
            quantity=line.quantity,
            unit_gross=quantize(line.unit_gross, invoice.currency),
            vat_rate=line.vat_rate,
            net=line.net(invoice.currency),
            vat=line.vat(invoice.currency),
            gross=line.gross(invoice.currency),
        )
        for invoice in invoices + notes
        for line in invoice.bench_lines
    ]
    InvoiceLine.objects.bulk_create(lines, batch_size=5000)
    Package.objects.bulk_create(packages)
    Deposit.objects.bulk_create(deposits, batch_size=5000)
    Payment.objects.bulk_create(payments, batch_size=5000)
    return {
        "invoices": len(invoices),
        "credit notes": len(notes),
        "invoice lines": len(lines),
        "payments": len(payments),
        "deposits": len(deposits),
        "packages": len(packages),
    }


def seed_waitlist(rng: random.Random, appointments, patients, cancelled_at, zone_of) -> dict:
    """The waiting list's year: entries joined over the year, a freed slot per cancellation
    (offered from 08:00 local if freed in the quiet hours, not offered when under 3 hours ahead),
    offered to up to 4 matching entries in turn until one accepts."""
    from waitlist.models import Entry, FreedSlot, Offer

    entries, bucket = [], defaultdict(list)
    for _ in range(ENTRIES):
        like = rng.choice(appointments)  # what patients book is what they wait for
        earliest = date(YEAR, 1, 1) + timedelta(days=rng.randrange((NOW.date() - date(YEAR, 1, 1)).days))
        entry = Entry(
            patient=rng.choice(patients),
            treatment_id=like.treatment_id,
            area_id=like.area_id,
            location_id=like.location_id,
            practitioner=like.practitioner if rng.random() < 0.2 else None,
            earliest=earliest,
            latest=earliest + timedelta(days=rng.choice([14, 28, 42, 60])),
            weekdays=sorted(rng.sample(range(6), 4)) if rng.random() < 0.3 else [],
            times=[["09:00", "13:00"]] if rng.random() < 0.2 else [],
            created_at=datetime.combine(earliest, time(10), tzinfo=UTC) - timedelta(days=rng.randint(0, 10)),
        )
        entries.append(entry)
        bucket[(entry.location_id, entry.treatment_id)].append(entry)
    slots, offers = [], []
    for a in sorted((a for a in appointments if a.status == "cancelled"), key=lambda a: a.start):
        freed, zone = cancelled_at[a.pk], zone_of[a.location_id]
        local = freed.astimezone(zone)
        after = freed
        if local.hour >= 21 or local.hour < 8:  # quiet hours: from 08:00 local
            day = local.date() + timedelta(days=1 if local.hour >= 21 else 0)
            after = datetime.combine(day, time(8), tzinfo=zone).astimezone(UTC)
        slot = FreedSlot(
            location_id=a.location_id,
            practitioner=a.practitioner,
            start=a.start,
            end=a.end,
            cause="cancelled",
            appointment=a,
            freed_at=freed,
            offer_after=after,
            done_at=freed,
        )
        slots.append(slot)
        if a.start - after < timedelta(hours=3):
            continue  # too close to offer
        day = a.start.astimezone(zone).date()
        waiting = [
            e
            for e in bucket[(a.location_id, a.treatment_id)]
            if e.status == "waiting" and e.earliest <= day <= e.latest and e.created_at <= freed
        ]
        at = after + timedelta(minutes=1)
        for entry in rng.sample(waiting, min(len(waiting), rng.randint(1, 4))):
            roll = rng.random()
            status = (
                "accepted" if roll < 0.45 else "declined" if roll < 0.7 else "expired" if roll < 0.97 else "withdrawn"
            )
            answered = at + timedelta(minutes=rng.randint(1, 14)) if status in ("accepted", "declined") else None
            offers.append(
                Offer(
                    entry=entry,
                    slot=slot,
                    practitioner=a.practitioner,
                    start=a.start,
                    end=a.end,
                    status=status,
                    offered_at=at,
                    expires_at=at + timedelta(minutes=15),
                    answered_at=answered,
                )
            )
            at = (answered or at + timedelta(minutes=15)) + timedelta(seconds=30)
            if status == "withdrawn":
                entry.status = "left"
            if status == "accepted":
                entry.status, slot.refilled_at = "booked", answered
                break
        slot.done_at = at
    for entry in entries:
        if entry.status == "waiting" and entry.latest < NOW.date():
            entry.status = "expired"
    Entry.objects.bulk_create(entries, batch_size=5000)
    FreedSlot.objects.bulk_create(slots, batch_size=5000)
    Offer.objects.bulk_create(offers, batch_size=5000)
    return {
        "waiting entries": len(entries),
        "freed slots": len(slots),
        "refilled": sum(s.refilled_at is not None for s in slots),
        "offers": len(offers),
    }


def run(args) -> None:
    import time_machine
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from reports.web.manager.views import REPORTS
    from tests.two_factor import session_pass_second_factor

    t0 = clock.perf_counter()
    world = seed(random.Random(42))
    print(
        f"seeded in {clock.perf_counter() - t0:.1f} s: 3 locations (3 zones), {3 * PRACTITIONERS} practitioners, "
        + ", ".join(f"{v} {k}" for k, v in world.items() if k != "manager")
    )
    failures = []
    with time_machine.travel(NOW, tick=True), override_settings(DEBUG=False):
        client = Client()
        client.force_login(world["manager"])
        session_pass_second_factor(client, world["manager"])
        for label, params in (
            ("the whole year, all locations", {"date_from": f"{YEAR}-01-01", "date_to": f"{YEAR}-12-31"}),
            ("this month (the page's default), all locations", {}),
            ("this quarter, London", {"location": "london", "range": "quarter"}),
        ):
            print(label)
            for slug in ["", *REPORTS]:
                path = f"/staff/reports/{slug}/" if slug else "/staff/reports/"

                def get(path=path, params=params):
                    response = client.get(path, params)
                    if response.status_code != 200:
                        raise SystemExit(f"GET {path} answered {response.status_code}: {response.content[:2000]!r}")
                    return response

                for _ in range(WARMUPS):
                    get()
                timings = []
                for _ in range(args.runs):
                    started = clock.perf_counter()
                    get()
                    timings.append((clock.perf_counter() - started) * 1000)
                with CaptureQueriesContext(connection) as ctx:
                    response = get()
                queries = len(ctx.captured_queries)
                assert "Bench-secret-medication" not in response.content.decode(), "questionnaire answers leaked"
                print(f"  GET {path:32} {summary(timings)}   queries {queries:2}   {len(response.content) // 1024} KiB")
                if statistics.median(timings) >= TARGET_MS:
                    failures.append(f"{path} ({label}): median {statistics.median(timings):.1f} ms >= {TARGET_MS} ms")
                if queries > MAX_QUERIES:
                    failures.append(f"{path} ({label}): {queries} queries > {MAX_QUERIES}")
    print(
        f"target: median under {TARGET_MS} ms, at most {MAX_QUERIES} queries per page: "
        + ("; ".join(failures) or "met")
    )


def main() -> int:
    parser = argument_parser(__doc__.splitlines()[0], runs=15)
    parser.set_defaults(database_url="postgres://postgres@127.0.0.1:5432/meso_bench_reports")
    args = parser.parse_args()
    with bench_database(args.database_url, allowed_hosts="testserver,localhost,127.0.0.1"):
        run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
