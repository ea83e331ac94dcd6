"""Accounts over the API: `POST /api/auth/token/` and `POST /api/patients/register/`."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.services import patient_register


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


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
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    date_of_birth = serializers.DateField()
    phone = serializers.CharField(max_length=40)


class RegisteredSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()


class PatientRegisterView(APIView):
    """Create a patient account (adults only). Answers 400 naming each field that is wrong."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_scope = "register"

    @extend_schema(request=RegisterSerializer, responses={201: RegisteredSerializer})
    def post(self, request: Request) -> Response:
        form = RegisterSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        patient = patient_register(today=timezone.localdate(), **form.validated_data)
        return Response({"id": patient.pk, "email": patient.email}, status=201)
