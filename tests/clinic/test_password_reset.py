"""Forgotten password: the email is an outbox row (no mail server inside the request), sent once."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone

from clinic.accounts.password_reset import RESET_KIND
from clinic.models import Notification
from clinic.outbox import outbox_dispatch
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET_URL = "/accounts/password_reset/"


def test_asking_writes_a_row_and_the_dispatcher_sends_a_working_link(client):
    user = UserFactory(email="ada@example.org")
    response = client.post(RESET_URL, {"email": "Ada@Example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []  # nothing was sent from inside the request
    row = Notification.objects.get(kind=RESET_KIND)
    assert (row.subject_type, row.subject_id, row.status) == ("clinic.user", user.pk, "pending")

    outbox_dispatch(now=timezone.now())
    [message] = mail.outbox
    assert message.to == ["ada@example.org"] and "reset" in message.subject.lower()
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "new_password1" in form_page.content.decode()
    new = "a-new-long-secret-9"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new) and not user.check_password(PASSWORD)


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(client):
    response = client.post(RESET_URL, {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    outbox_dispatch(now=timezone.now())
    assert not Notification.objects.filter(kind=RESET_KIND).exists() and mail.outbox == []


def test_each_request_is_its_own_message_and_a_disabled_account_gets_none(client):
    user = UserFactory(email="ada@example.org")
    client.post(RESET_URL, {"email": "ada@example.org"})
    client.post(RESET_URL, {"email": "ada@example.org"})
    assert Notification.objects.filter(kind=RESET_KIND).count() == 2
    user.is_active = False
    user.save(update_fields=["is_active"])
    outbox_dispatch(now=timezone.now())
    assert mail.outbox == []
    assert set(Notification.objects.filter(kind=RESET_KIND).values_list("status", flat=True)) == {"dropped"}
