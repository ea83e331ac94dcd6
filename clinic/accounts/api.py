"""Accounts over the API: `POST /api/auth/token/` and `POST /api/patients/register/`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.accounts.services import patient_register
from clinic.accounts.tokens import token_issue
from clinic.accounts.two_factor import WRONG_CODE, requires_second_factor, second_factor_check, second_factor_failed
from clinic.api_fields import EmailField, TextField
from clinic.idempotency import idempotent


class TokenRequestSerializer(serializers.Serializer):
    email = EmailField()
    password = TextField(trim_whitespace=False, max_length=4096, style={"input_type": "password"})
    otp_token = TextField(
        required=False,
        max_length=16,
        help_text="Staff accounts only: the current code from the authenticator app, or a backup code.",
    )


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("Token", fields={"token": serializers.CharField()})},
    )
    def post(self, request: Request) -> Response:
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = authenticate(
            request._request, username=form.validated_data["email"], password=form.validated_data["password"]
        )
        if user is None:
            raise serializers.ValidationError({"non_field_errors": ["Email address or password is not correct."]})
        if requires_second_factor(user):
            self._second_factor(request, user, form.validated_data.get("otp_token", ""))
        token = token_issue(user=user)
        return Response({"token": token.key})

    def _second_factor(self, request: Request, user: Any, code: str) -> None:
        # Asked only once the password is right, so the question reveals nothing to a guesser.
        if not TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
            raise serializers.ValidationError(
                {"otp_token": ["Set up two-factor authentication by signing in on the website first."]}
            )
        if not code:
            raise serializers.ValidationError({"otp_token": ["Staff accounts need the authenticator app's code."]})
        device, error = second_factor_check(user=user, code=code)
        if device is None:
            if error == WRONG_CODE:
                second_factor_failed(request._request, user)  # axes counts it (and may answer 429)
            raise serializers.ValidationError({"otp_token": [error]})


class RegisterSerializer(serializers.Serializer):
    email = EmailField()
    password = TextField(trim_whitespace=False, max_length=4096, style={"input_type": "password"})
    first_name = TextField(max_length=150)
    last_name = TextField(max_length=150)
    date_of_birth = serializers.DateField()
    phone = TextField(max_length=40)


class RegisteredSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()


class PatientRegisterView(APIView):
    """Create a patient account (adults only). Answers 400 naming each field that is wrong."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_scope = "register"

    @extend_schema(request=RegisterSerializer, responses={201: RegisteredSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        form = RegisterSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        patient = patient_register(today=timezone.localdate(), **form.validated_data)
        return Response({"id": patient.pk, "email": patient.email}, status=201)
