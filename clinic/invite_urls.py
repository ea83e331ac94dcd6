"""Online-account invitations: the patient's claim page and reception's "send an invitation"."""

from django.urls import path

from bookings import invite_views as staff_invites
from clinic import invite_views

urlpatterns = [
    path("accounts/claim/<str:token>/", invite_views.account_claim, name="account-claim"),
    path("staff/patients/<int:pk>/invite/", staff_invites.patient_invite, name="patient-invite"),
]
