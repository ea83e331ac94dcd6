"""The money and waiting-list rows of bench/reports.py's year (its seed calls these after the
appointments): invoices with their lines and payments, deposits, packages; waiting entries, the
slots the cancellations freed and the offers made for them. Bulk inserts in final state (billing's
trigger refuses UPDATE and DELETE of invoices and payments), numbers gapless per location."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

# The bench's year and its clock (bench/reports.py seeds and measures with them too).
YEAR = 2026
NOW = datetime(YEAR, 12, 3, 12, tzinfo=UTC)
ENTRIES = 2500  # waiting-list entries over the year
MONEY = {"London": ("GBP", "0.20"), "Dublin": ("EUR", "0.23"), "Paris": ("EUR", "0.20")}  # currency, VAT
PRICES = ["90.00", "120.00", "150.00", "180.00", "220.00", "250.00"]  # a session, per location and area
DEPOSIT = Decimal("50.00")
ZERO = Decimal("0.00")


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
