from django.urls import path

from billing import views, webhooks

app_name = "billing"

urlpatterns = [
    path("settings/billing/", views.overview, name="overview"),
    path("settings/billing/checkout", views.checkout, name="checkout"),
    path("settings/billing/portal", views.portal, name="portal"),
]

# Public by nature: the provider's signature on the raw body is the credential (SEC-HOOK, billing/webhooks.py).
urlpatterns += [
    path("webhooks/stripe/", webhooks.stripe_webhook, name="stripe_webhook"),
    path("webhooks/email/", webhooks.email_webhook, name="email_webhook"),
]
