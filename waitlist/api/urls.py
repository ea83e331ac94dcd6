"""The waiting list's JSON API, included under /api/."""

from django.urls import path

from waitlist.api import views

urlpatterns = [
    path("waitlist/", views.WaitlistView.as_view(), name="api-waitlist"),
    path("waitlist/<int:pk>/", views.WaitlistEntryView.as_view(), name="api-waitlist-entry"),
    path("waitlist/<int:pk>/accept/", views.WaitlistAcceptView.as_view(), name="api-waitlist-accept"),
]
