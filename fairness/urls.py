from django.urls import path

from fairness import portal_views, views

app_name = "fairness"

urlpatterns = [
    path("settings/fairness/", views.settings_page, name="settings"),
    path("settings/fairness/categories/<pid:public_id>", views.category_edit, name="category_edit"),
    path("fairness/", views.organization_report, name="report"),
    path("fairness/report.csv", views.organization_report_csv, name="report_csv"),
    path("fairness/hirings/<pid:public_id>/", views.hiring_report, name="hiring_report"),
    path("fairness/hirings/<pid:public_id>/report.csv", views.hiring_report_csv, name="hiring_report_csv"),
    path("my-data/<str:token>/self-identification/", portal_views.self_identification, name="portal"),
    path("my-data/<str:token>/self-identification/withdraw", portal_views.withdraw, name="portal_withdraw"),
]
