from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache

from clinic.models import settings_memo_clear
from clinic.roles import Role, user_set_roles
from config.celery import app as celery_app
from tests.factories import UserFactory

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

# Tasks queued on commit run in the test process, so no test leaves messages in a real broker
# (the dev filesystem queue or CI's Redis) for a worker to pick up later.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (set DATABASE_URL=postgres://...; .ci/run does): exclusion constraints and row locks"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Cached rows (booking rules) must not outlive the test database transaction they came from.
    cache.clear()
    settings_memo_clear()
    yield
    cache.clear()
    settings_memo_clear()


@pytest.fixture(autouse=True)
def _no_dispatch_after_commit(settings):
    # A due-now message asks for a dispatch after its commit; with Celery eager that dispatch
    # would run inside whatever a test is doing. Tests of that path ask for `dispatch_after_commit`.
    settings.OUTBOX_DISPATCH_AFTER_COMMIT = False


@pytest.fixture
def dispatch_after_commit(settings):
    settings.OUTBOX_DISPATCH_AFTER_COMMIT = True


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Hashing cost is irrelevant to what the tests check; the real hasher stays in production.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch):
    """`client.force_login(staff_user)` gives a session that has passed the second factor.

    Staff pages, the admin and session API calls need a session verified by django-otp
    (clinic/two_factor.py). Tests that sign staff in with force_login are about what the page
    does, not about signing in, so force_login skips the code as it skips the password: it
    records a real confirmed TOTP device in the session under django-otp's key, exactly as
    django_otp.login() does after a good code. Signing in through the form (client.post to
    /accounts/login/) is untouched and stays unverified: tests/clinic/test_two_factor.py checks
    the enforcement that way."""
    from django.test import Client

    from tests.two_factor import session_pass_second_factor

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session_pass_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


def _user_with(role: Role, **kwargs):
    user = UserFactory(**kwargs)
    user_set_roles(user=user, roles=[role])
    return user


@pytest.fixture
def patient_user(db):
    return _user_with(Role.PATIENT)


@pytest.fixture
def reception_user(db):
    return _user_with(Role.RECEPTION)


@pytest.fixture
def practitioner_user(db):
    return _user_with(Role.PRACTITIONER)


@pytest.fixture
def manager_user(db):
    return _user_with(Role.MANAGER)
