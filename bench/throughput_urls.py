"""The application's URLs plus one bare endpoint for bench/booking_throughput.py: an INSERT into a
table with an exclusion constraint, behind the same server, middleware and database."""

from __future__ import annotations

import json

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare_insert(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_slot (resource, during) VALUES (%s, tstzrange(%s, %s, '[)')) RETURNING id",
            [body["resource"], body["start"], body["end"]],
        )
        (pk,) = cursor.fetchone()
    return JsonResponse({"id": pk}, status=201)


urlpatterns = [path("bench/bare-insert/", bare_insert), path("", include("config.urls"))]
