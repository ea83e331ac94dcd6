"""The manager's reports (/staff/reports/): one page per figure family, each also as CSV."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clinic.models import Location
from clinic.roles import Role, role_required
from reports.charts import page_figures
from reports.exports import report_csv
from reports.selectors.attendance import attendance_report
from reports.selectors.courses import courses_report
from reports.selectors.messages import messages_report
from reports.selectors.money import money_report
from reports.selectors.patients import patients_report
from reports.selectors.screening import screening_report
from reports.selectors.utilisation import utilisation_report
from reports.selectors.waitlist import waitlist_report
from reports.web.manager.forms import ReportFilterForm, period_words

# slug -> (title, what it shows, the selector)
REPORTS = {
    "utilisation": (
        "Utilisation",
        "Practitioners' and rooms' booked hours over working hours, by week.",
        utilisation_report,
    ),
    "attendance": (
        "No-shows and late cancellations",
        "Rates, the weekly trend, by treatment, by weekday and hour.",
        attendance_report,
    ),
    "patients": (
        "New and returning patients",
        "Patients seen, new to the clinic or returning; booking lead time.",
        patients_report,
    ),
    "screening": ("Screening", "Outcomes per treatment, time to review, the most common findings.", screening_report),
    "courses": (
        "Courses",
        "Started, completed, dropped out; completion by session; maintenance recalls.",
        courses_report,
    ),
    "messages": ("Messages", "Sent, failed and dead per kind; reminders and attendance.", messages_report),
    "waitlist": (
        "Waiting list",
        "Offers sent, accepted and expired; freed times refilled and the median time to rebooking.",
        waitlist_report,
    ),
    "money": ("Money", "Revenue by treatment, takings by method, deposits kept, packages sold.", money_report),
}


def _filters(request: HttpRequest) -> ReportFilterForm:
    return ReportFilterForm(request.GET, locations=list(Location.objects.order_by("name")))


@role_required(Role.MANAGER)
@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    form = _filters(request)
    context = {"form": form, "reports": REPORTS, "query": form.query(), "active": None}
    return render(request, "reports/index.html", context)


@role_required(Role.MANAGER)
@require_GET
def report_page(request: HttpRequest, report: str) -> HttpResponse:
    form = _filters(request)
    if not form.is_valid():
        status = 400 if request.GET.get("format") == "csv" else 200
        context = {"form": form, "reports": REPORTS, "active": report, "title": REPORTS[report][0]}
        return render(request, "reports/report.html", context, status=status)
    scope = form.scope()
    built = REPORTS[report][2](scope=scope)
    if request.GET.get("format") == "csv":
        return report_csv(built, scope)
    context = {
        "form": form,
        "reports": REPORTS,
        "active": report,
        "title": built.title,
        "report": built,
        "figures": page_figures(built),
        "scope": scope,
        "period": period_words(scope.period),
        "query": form.query(),
    }
    return render(request, "reports/report.html", context)
