from django.urls import path

from integrations import views

app_name = "integrations"

urlpatterns = [
    path("settings/integrations/", views.connector, name="connector"),
    path("settings/integrations/endpoints/", views.endpoints, name="endpoints"),
    path("settings/integrations/endpoints/<pid:public_id>/delete", views.endpoint_delete, name="endpoint_delete"),
    path("settings/integrations/deliveries/", views.deliveries, name="deliveries"),
    path("settings/integrations/deliveries/<pid:public_id>", views.delivery_detail, name="delivery"),
    path("settings/integrations/deliveries/<pid:public_id>/replay", views.delivery_replay, name="delivery_replay"),
]
