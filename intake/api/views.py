"""The intake JSON API (DESIGN.md's contract): a patient's questionnaire, the review queue, decisions.

Who sees what: the patient their own answers and status (never findings); practitioners and
clinic managers answers and findings; reception the status only. Anything a caller may not
see is a 404; a 403 only where the caller may already see the intake but not do this to it.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.audit import audit_record
from clinic.idempotency import idempotent
from clinic.models import Practitioner
from clinic.roles import Role, has_role, is_staff_member, roles_of
from intake import services
from intake.access import CLINICAL_ROLES, get_intake_for, intakes_for_staff, intakes_of_patient, review_queue
from intake.api.serializers import (
    AnswersSerializer,
    ConsentSignSerializer,
    ConsentStateSerializer,
    DecisionSerializer,
    IntakeClinicalSerializer,
    IntakeConflictSerializer,
    IntakeOutcomeSerializer,
    IntakeSerializer,
    IntakeStatusSerializer,
    IntakeSummarySerializer,
    ReviewQueueItemSerializer,
    consent_state,
)
from intake.consent import intake_consent_sign
from intake.models import Intake

CONFLICT = OpenApiResponse(IntakeConflictSerializer, description="Conflict: already submitted or decided.")
NOT_FOUND = OpenApiResponse(description="No such intake, or not one the caller may see.")
FORBIDDEN = OpenApiResponse(description="The caller may see this intake but not do this to it.")

INTAKE_VIEW = PolymorphicProxySerializer(
    component_name="IntakeView",
    serializers=[IntakeClinicalSerializer, IntakeSerializer, IntakeStatusSerializer],
    resource_type_field_name=None,
)
INTAKE_LIST_ITEM = PolymorphicProxySerializer(
    component_name="IntakeListItem",
    serializers=[IntakeSummarySerializer, IntakeStatusSerializer],
    resource_type_field_name=None,
    many=True,
)
LIST_LIMIT = 500


def _patients_own(request: Request, pk: int) -> Intake:
    """The caller's own intake, for changing it. Staff who may read it get 403; anyone else 404."""
    if Role.PATIENT in roles_of(request.user):
        intake = Intake.objects.select_related("patient", "treatment", "area").filter(pk=pk, patient__user=request.user)
        if intake := intake.first():
            return intake
    get_intake_for(request.user, pk, clinical=True)  # 404 for whoever may not read it
    raise PermissionDenied("Only the patient changes or submits their questionnaire.")


class IntakeListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: INTAKE_LIST_ITEM},
        description="Patients: their own questionnaires, newest first (open one with GET /api/intakes/{id}/). "
        "Staff: the questionnaires of patients known at their locations (all for clinic managers), id and "
        "status only.",
    )
    def get(self, request: Request) -> Response:
        if is_staff_member(request.user):
            intakes = intakes_for_staff(request.user).order_by("-created_at", "-pk")[:LIST_LIMIT]
            return Response(IntakeStatusSerializer(intakes, many=True).data)
        intakes = intakes_of_patient(request.user).select_related("treatment", "area").order_by("-created_at", "-pk")
        return Response(IntakeSummarySerializer(intakes[:LIST_LIMIT], many=True).data)


class IntakeDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: INTAKE_VIEW, 404: NOT_FOUND},
        description="Patients (their own): the questions (what to answer, keyed by `code`), their answers, "
        "the consent to sign and the status, never findings. Practitioners and clinic managers: also the "
        "findings (the view is audited). Reception: id and status only.",
    )
    def get(self, request: Request, pk: int) -> Response:
        if has_role(request.user, *CLINICAL_ROLES):
            try:
                intake = get_intake_for(request.user, pk, clinical=True)
            except Http404:
                pass  # perhaps their own intake as a patient, or none at all
            else:
                audit_record(actor=request.user, action="intake.view", obj=intake, patient=intake.patient)
                return Response(IntakeClinicalSerializer(intake).data)
        intake = get_intake_for(request.user, pk, clinical=False)
        if intake.patient.user_id == request.user.pk:
            return Response(IntakeSerializer(intake).data)
        return Response(IntakeStatusSerializer(intake).data)

    @extend_schema(
        request=AnswersSerializer,
        responses={200: IntakeSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        description="The patient saves draft answers (merged into what is saved). 409 once submitted.",
    )
    def put(self, request: Request, pk: int) -> Response:
        intake = _patients_own(request, pk)
        form = AnswersSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        intake = services.intake_save_answers(
            intake=intake, answers=form.validated_data["answers"], by=request.user, step=form.validated_data.get("step")
        )
        return Response(IntakeSerializer(intake).data)


class IntakeConsentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ConsentSignSerializer,
        responses={200: ConsentStateSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        description="The patient signs the treatment's consent (GET the intake for its `consent.text`): "
        "`typed_name` must be their full name as the clinic holds it and `agreed` true (else 400 naming "
        "the field). Signing again changes nothing. 409 once the questionnaire is submitted.",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        intake = _patients_own(request, pk)
        form = ConsentSignSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        intake_consent_sign(
            intake=intake,
            typed_name=form.validated_data["typed_name"],
            agreed=form.validated_data["agreed"],
            address=request.META.get("REMOTE_ADDR"),
            now=timezone.now(),
        )
        return Response(ConsentStateSerializer(consent_state(intake)).data)


class IntakeSubmitView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: IntakeOutcomeSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        description="The patient submits the questionnaire for screening. 400 naming `consent` if the "
        "consent is not signed yet; 409 if already submitted.",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        intake = services.intake_submit(intake=_patients_own(request, pk), by=request.user)
        return Response({"status": intake.status})


class ReviewQueueView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: ReviewQueueItemSerializer(many=True), 403: FORBIDDEN},
        description="Practitioners and clinic managers: intakes needing review or not suitable, ordered by "
        "the patient's next booked appointment (soonest first, none last).",
    )
    def get(self, request: Request) -> Response:
        if not has_role(request.user, *CLINICAL_ROLES):
            raise PermissionDenied("The review queue is for practitioners and clinic managers.")
        return Response(ReviewQueueItemSerializer(review_queue(request.user), many=True).data)


class IntakeDecisionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=DecisionSerializer,
        responses={200: IntakeOutcomeSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        description="A practitioner approves or declines an intake. Approving an intake with an absolute "
        "contraindication is refused (409); sessions and interval_days must lie within the protocol (400).",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        intake = get_intake_for(request.user, pk, clinical=True)
        practitioner = Practitioner.objects.filter(user=request.user, is_active=True).first()
        if practitioner is None or not has_role(request.user, Role.PRACTITIONER):
            raise PermissionDenied("Only a practitioner decides on an intake.")
        form = DecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        services.intake_decide(
            intake=intake,
            practitioner=practitioner,
            decision=data["decision"],
            by=request.user,
            finding_decisions=data["finding_decisions"],
            sessions=data["sessions"],
            interval_days=data["interval_days"],
            notes=data["notes"],
        )
        intake.refresh_from_db(fields=["status"])
        return Response({"status": intake.status})
