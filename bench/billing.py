"""What money costs: issuing invoices at one location from several tills at once (the counter
row's lock serialises them: throughput, latency, and that the numbers are 1..N), and rendering an
invoice's PDF with WeasyPrint.

    .venv/bin/python bench/billing.py [--runs 200] [--threads 4]
"""

from __future__ import annotations

import statistics
import sys
import threading
import time as clock
from decimal import Decimal

from _setup import argument_parser, bench_database, summary


def run(args) -> None:
    from datetime import date

    from django.db import connection
    from django.utils import timezone

    from billing.domain.money import Line
    from billing.models import Invoice
    from billing.pdf import invoice_pdf
    from billing.services.invoices import invoice_issue
    from clinic.models import Location, Patient

    location = Location.objects.create(name="Bench", slug="bench", address="1 Bench Street")
    patient = Patient.objects.create(first_name="Bench", last_name="Patient", date_of_birth=date(1980, 1, 1))
    lines = [Line("Skin rejuvenation: Face", 1, Decimal("120.00"), Decimal("0.20"))]
    each = args.runs // args.threads
    timings: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(args.threads)

    def till() -> None:
        start.wait()
        mine = []
        for _ in range(each):
            began = clock.perf_counter()
            invoice_issue(location=location, patient=patient, lines=lines, currency="GBP", by=None, now=timezone.now())
            mine.append((clock.perf_counter() - began) * 1000)
        with lock:
            timings.extend(mine)
        connection.close()

    threads = [threading.Thread(target=till) for _ in range(args.threads)]
    began = clock.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = clock.perf_counter() - began
    numbers = sorted(Invoice.objects.filter(location=location).values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1)), "a gap or a duplicate"
    print(
        f"{len(numbers)} invoices from {args.threads} tills at one location in {elapsed:.2f} s "
        f"({len(numbers) / elapsed:.0f}/s), numbers 1..{len(numbers)} without gaps"
    )
    print(f"  one issue: {summary(timings)}")
    invoice = Invoice.objects.first()
    pdf_ms = []
    for _ in range(5):
        began = clock.perf_counter()
        size = len(invoice_pdf(invoice))
        pdf_ms.append((clock.perf_counter() - began) * 1000)
    print(
        f"  an invoice's PDF: median {statistics.median(pdf_ms[1:]):.0f} ms after the first "
        f"({pdf_ms[0]:.0f} ms, fonts loading), {size / 1024:.0f} KiB"
    )


def main() -> int:
    parser = argument_parser(__doc__.splitlines()[0], runs=200)
    parser.add_argument("--threads", type=int, default=4)
    parser.set_defaults(database_url="postgres://postgres@127.0.0.1:5432/meso_money_bench")
    args = parser.parse_args()
    with bench_database(args.database_url):
        run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
