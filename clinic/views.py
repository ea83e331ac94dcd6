from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clinic.audit_trail import PER_PAGE, AuditFilterForm, clinic_zone, event_row
from clinic.health import OK, health
from clinic.models import Location
from clinic.roles import STAFF_ROLES, Role, role_required

API_PREFIX = "/api/"


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    parts = health()
    status = 200 if all(value == OK for value in parts.values()) else 503
    return JsonResponse(parts, status=status)


@role_required(*STAFF_ROLES)
def staff_home(request: HttpRequest) -> HttpResponse:
    locations = Location.objects.filter(Q(staff=request.user) | Q(practitioners__user=request.user)).distinct()
    return render(request, "clinic/staff_home.html", {"locations": locations})


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """django-ratelimit's answer when a client tries too often: a page, not an error."""
    return render(request, "clinic/rate_limited.html", status=429)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """An API client asking for a path that does not exist gets JSON, like every other API error."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request: with hashed static files the name exists only after collectstatic.
    return redirect(static("favicon.svg"), permanent=True)


@role_required(Role.MANAGER)
@require_GET
def audit_trail(request: HttpRequest) -> HttpResponse:
    """A readable audit trail for managers (the admin's raw list stays for the odd query)."""
    form = AuditFilterForm(request.GET or None)
    page = Paginator(form.events(), PER_PAGE).get_page(request.GET.get("page"))
    zone = clinic_zone()
    rows = [event_row(event, zone) for event in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "zone": zone, "query": query.urlencode()}
    return render(request, "clinic/audit_trail.html", context)
