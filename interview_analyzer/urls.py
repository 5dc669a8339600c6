from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter

from interview_analyzer.public_ids import PublicIdConverter

register_converter(PublicIdConverter, "pid")

from accounts import urls as accounts_urls  # noqa: E402  (needs the pid converter)
from hiring.views.home import home  # noqa: E402  (the start page: what needs each member)
from interview_analyzer import views  # noqa: E402

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("hiring.api_urls")),
    path("", include("consent.api_urls")),
    path("", include("ai_analysis.api_urls")),
    path("", include("retention.api_urls")),
    path("", include("integrations.api_urls")),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    *accounts_urls.allauth_overrides,
    path("accounts/", include("allauth.urls")),
    path("", include(accounts_urls)),
    path("", include("hiring.urls")),
    path("", include("consent.urls")),
    path("", include("ai_analysis.urls")),
    path("", include("billing.urls")),
    path("", include("retention.urls")),
    path("", include("retention.portal.urls")),
    path("", include("integrations.urls")),
    path("", include("fairness.urls")),
    path("legal/", include(accounts_urls.legal_urlpatterns)),
    path("api/v1/", include(api_v1)),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.SERVE_API_SCHEMA:
    from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

    urlpatterns += [
        path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
        path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    ]

handler400 = "interview_analyzer.views.error_400"
handler403 = "interview_analyzer.views.error_403"
handler404 = "interview_analyzer.views.error_404"
handler500 = "interview_analyzer.views.error_500"
