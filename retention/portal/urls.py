"""The candidate's rights portal (RET-6, RET-7). Public: the signed link in the path is the credential."""

from django.urls import path

from retention.portal import views

app_name = "portal"

urlpatterns = [
    path("my-data/", views.request_link, name="request_link"),
    path("my-data/<str:token>/", views.home, name="home"),
    path("my-data/<str:token>/export.zip", views.export_zip, name="export"),
    path("my-data/<str:token>/object/", views.object_to_processing, name="object"),
    path("my-data/<str:token>/erase/", views.erase, name="erase"),
]
