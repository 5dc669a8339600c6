from django.urls import path

from retention import views

app_name = "retention"

urlpatterns = [
    path("settings/retention/", views.policy, name="policy"),
    path("settings/deletion-records/", views.deletion_records, name="deletion_records"),
    path("settings/deletion-records.csv", views.deletion_records_csv, name="deletion_records_csv"),
    path("candidates/<pid:public_id>/retention/", views.candidate_period, name="candidate_period"),
    path("candidates/<pid:public_id>/erase/", views.erase, name="erase"),
    # The one-click extension in the expiry warning email (RET-3): the signed token is the credential.
    path("retention/extend/<str:token>/", views.extend, name="extend"),
]
