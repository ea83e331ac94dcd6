"""The diary's JSON API (DESIGN.md's contract): locations, practitioners, availability, appointments."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.api.serializers import (
    AppointmentCreateSerializer,
    AppointmentSerializer,
    AvailabilityQuerySerializer,
    AvailabilitySerializer,
    CancelSerializer,
    ConflictSerializer,
    CourseSerializer,
    ListQuerySerializer,
    LocationSerializer,
    PractitionerQuerySerializer,
    PractitionerSerializer,
    RescheduleSerializer,
    StatusSerializer,
)
from bookings.appointments import services
from bookings.appointments.access import (
    appointments_visible_to,
    courses_visible_to,
    get_appointment_for,
    get_course_for,
    patient_for_booking,
)
from bookings.diary.loading import availability_search
from clinic.extensions import extension_fact
from clinic.idempotency import idempotent
from clinic.models import Location, Practitioner
from clinic.roles import is_staff_member

CONFLICT = OpenApiResponse(ConflictSerializer, description="Conflict: the slot is taken, or too late to change.")


class LocationListView(generics.ListAPIView):
    """Locations taking bookings, each with its time zone."""

    serializer_class = LocationSerializer
    permission_classes = [AllowAny]
    pagination_class = None

    def get_queryset(self) -> QuerySet[Location]:
        return Location.objects.filter(is_active=True)


class PractitionerListView(generics.ListAPIView):
    """Practitioners, optionally only those at a location and/or performing a treatment."""

    serializer_class = PractitionerSerializer
    permission_classes = [AllowAny]
    pagination_class = None

    @extend_schema(parameters=[PractitionerQuerySerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Practitioner]:
        query = PractitionerQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        practitioners = Practitioner.objects.filter(is_active=True).prefetch_related("locations", "treatments")
        if location := query.validated_data.get("location"):
            practitioners = practitioners.filter(locations=location)
        if treatment := query.validated_data.get("treatment"):
            practitioners = practitioners.filter(treatments=treatment)
        return practitioners.distinct()


class AvailabilityView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[AvailabilityQuerySerializer], responses=AvailabilitySerializer)
    def get(self, request: Request) -> Response:
        """Free slots between two local dates; without `practitioner`, the first available per time."""
        query = AvailabilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        slots = availability_search(
            treatment=q["treatment"],
            area=q["area"],
            location=q["location"],
            first_day=q["start"],
            last_day=q["end"],
            now=timezone.now(),
            practitioner_id=q["practitioner"].pk if q.get("practitioner") else None,
            numbing_cream=q["numbing_cream"],
        )
        return Response({"slots": [slot.as_dict() for slot in slots]})


class AppointmentListCreateView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_scope = "booking"

    def get_throttles(self) -> list:
        # Only booking attempts are rate-limited; reading one's own list is not.
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(parameters=[ListQuerySerializer], responses=AppointmentSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The caller's own appointments (patients) or their locations' (staff), by start time."""
        query = ListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        appointments = appointments_visible_to(request.user)
        if start := query.validated_data.get("start"):
            appointments = appointments.filter(start__date__gte=start)
        elif is_staff_member(request.user):
            # Staff see a location's whole diary; default to what is coming, not all history.
            appointments = appointments.filter(start__gte=timezone.now() - timedelta(days=1))
        if end := query.validated_data.get("end"):
            appointments = appointments.filter(start__date__lte=end)
        rows = list(appointments[:500])
        deposits = extension_fact("bookings.deposits", {}, appointments=rows)
        return Response(AppointmentSerializer(rows, many=True, context={"deposits": deposits}).data)

    @extend_schema(
        request=AppointmentCreateSerializer,
        responses={201: AppointmentSerializer, 409: CONFLICT},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        """Book an appointment. Staff name the patient; patients book for themselves."""
        form = AppointmentCreateSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = form.validated_data
        appointment = services.appointment_book(
            patient=patient_for_booking(request.user, data.get("patient")),
            treatment=data["treatment"],
            area=data["area"],
            location=data["location"],
            start=data["start"],
            practitioner=data.get("practitioner"),
            numbing_cream=data["numbing_cream"],
            kind=data["kind"],
            notes=data["notes"],
            override_reason=data["override_reason"],
            by=request.user,
        )
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


class AppointmentDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AppointmentSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(AppointmentSerializer(get_appointment_for(request.user, pk)).data)


class AppointmentCancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=CancelSerializer, responses={200: AppointmentSerializer, 409: CONFLICT})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        appointment = get_appointment_for(request.user, pk)
        form = CancelSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        appointment = services.appointment_cancel(
            appointment=appointment, by=request.user, reason=form.validated_data["reason"]
        )
        return Response(AppointmentSerializer(appointment).data)


class AppointmentRescheduleView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=RescheduleSerializer, responses={200: AppointmentSerializer, 409: CONFLICT})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        appointment = get_appointment_for(request.user, pk)
        form = RescheduleSerializer(data=request.data, context={"request": request, "appointment": appointment})
        form.is_valid(raise_exception=True)
        appointment = services.appointment_reschedule(
            appointment=appointment,
            start=form.validated_data["start"],
            practitioner=form.validated_data.get("practitioner"),
            by=request.user,
        )
        return Response(AppointmentSerializer(appointment).data)


class AppointmentStatusView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=StatusSerializer, responses={200: AppointmentSerializer, 409: CONFLICT})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        """Staff mark an appointment arrived, completed, no-show or cancelled. Completing a treatment
        session needs clearance (a cleared questionnaire valid that day, consent to the area, and the
        health-change check of a later session): otherwise 409 `not_cleared` with the reasons."""
        appointment = get_appointment_for(request.user, pk)
        if not is_staff_member(request.user):
            raise PermissionDenied("Only clinic staff change an appointment's status.")
        form = StatusSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        appointment = services.appointment_set_status(
            appointment=appointment,
            status=form.validated_data["status"],
            reason=form.validated_data["reason"],
            by=request.user,
        )
        return Response(AppointmentSerializer(appointment).data)


class CourseListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CourseSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The caller's own courses (patients) or their locations' (staff), newest first, each with its sessions."""
        courses = courses_visible_to(request.user).order_by("-created_at", "-pk")[:500]
        return Response(CourseSerializer(courses, many=True).data)


class CourseDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CourseSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """One course: its plan (sessions, interval), its questionnaire, and each session booked so far."""
        return Response(CourseSerializer(get_course_for(request.user, pk)).data)
