"""Reception's waiting list pages."""

from django.urls import path

from waitlist.web.reception import views

urlpatterns = [
    path("staff/waitlist/<slug:location>/", views.staff_waitlist, name="waitlist-staff"),
    path("staff/waitlist/<slug:location>/add/", views.staff_waitlist_add, name="waitlist-staff-add"),
    path("staff/waitlist/<slug:location>/offer/", views.staff_waitlist_offer, name="waitlist-staff-offer"),
]
