from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from bookings import views as booking_views
from clinic import views
from treatments import api as treatment_api
from treatments import views as treatment_views

api_patterns = [
    path("treatments/", treatment_api.TreatmentListView.as_view(), name="api-treatments"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("treatments/", treatment_views.treatment_list, name="treatment-list"),
    path("treatments/<slug:slug>/", treatment_views.treatment_detail, name="treatment-detail"),
    path("book/<slug:slug>/", booking_views.book_start, name="book-start"),
    path("staff/", views.staff_home, name="staff-home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
]
