from django.urls import path

from reports.web.manager import views

urlpatterns = [
    path("staff/reports/", views.report_index, name="reports"),
    *(
        path(f"staff/reports/{slug}/", views.report_page, {"report": slug}, name=f"report-{slug}")
        for slug in views.REPORTS
    ),
]
