"""The waiting list's JSON API: a patient joins, lists, leaves, and accepts an offer."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.api.serializers import AppointmentSerializer, ConflictSerializer
from clinic.access import patient_of
from clinic.errors import ErrorSerializer
from clinic.idempotency import idempotent
from clinic.roles import HasRole, Role
from waitlist.access import get_entry_for
from waitlist.api.serializers import EntrySerializer, JoinedSerializer, JoinSerializer
from waitlist.offers import OfferGone, offer_accept
from waitlist.selectors import entries_of, open_offer
from waitlist.services import entry_join, entry_leave

PATIENTS_ONLY = OpenApiResponse(ErrorSerializer, description="Refused: the waiting list's API is for patients.")
GONE = OpenApiResponse(ConflictSerializer, description="Conflict: the offer has gone (answered, or its time ran out).")


class WaitlistView(APIView):
    permission_classes = [HasRole.of(Role.PATIENT)]

    @extend_schema(responses={200: EntrySerializer(many=True), 403: PATIENTS_ONLY})
    def get(self, request: Request) -> Response:
        """The caller's own entries, newest first, each with its open offer (or null)."""
        return Response(EntrySerializer(entries_of(patient_of(request.user)), many=True).data)

    @extend_schema(request=JoinSerializer, responses={201: JoinedSerializer, 403: PATIENTS_ONLY})
    @idempotent
    def post(self, request: Request) -> Response:
        """Join the waiting list for a treatment and area at a location."""
        form = JoinSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        entry = entry_join(patient=patient_of(request.user), by=request.user, now=timezone.now(), **form.validated_data)
        return Response({"id": entry.pk, "status": entry.status}, status=status.HTTP_201_CREATED)


class WaitlistEntryView(APIView):
    permission_classes = [HasRole.of(Role.PATIENT)]

    @extend_schema(responses={200: EntrySerializer, 403: PATIENTS_ONLY})
    def get(self, request: Request, pk: int) -> Response:
        return Response(EntrySerializer(get_entry_for(request.user, pk)).data)

    @extend_schema(responses={204: None, 403: PATIENTS_ONLY})
    def delete(self, request: Request, pk: int) -> Response:
        """Leave the list (an open offer is withdrawn and goes to the next person)."""
        entry_leave(entry=get_entry_for(request.user, pk), by=request.user, now=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


class WaitlistAcceptView(APIView):
    permission_classes = [HasRole.of(Role.PATIENT)]

    @extend_schema(request=None, responses={201: AppointmentSerializer, 403: PATIENTS_ONLY, 409: GONE})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        """Take the offered time: booked (or the current appointment moved to it), 409 once it has gone."""
        offer = open_offer(get_entry_for(request.user, pk))
        if offer is None:
            raise OfferGone("There is no open offer for this entry: it was answered already or its time ran out.")
        appointment = offer_accept(offer=offer, by=request.user, now=timezone.now())
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)
