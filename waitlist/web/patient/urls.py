"""The patient's waiting list, and the page an offer's signed link opens."""

from django.urls import path

from waitlist.web.patient import views

urlpatterns = [
    path("me/waitlist/", views.my_waitlist, name="my-waitlist"),
    path("me/waitlist/<int:pk>/leave/", views.my_waitlist_leave, name="my-waitlist-leave"),
    path("waitlist/offers/<str:token>/", views.offer_page, name="waitlist-offer"),
]
